"""How far a recomputed amount may stray from the printed one before it is an error.

Each printed 万元 amount with d decimals stands for an interval of ±½·10^-d (XBRL Calculations 1.1); a sum of
k printed terms compared with a printed total is consistent while |diff| ≤ ½·10^-d × (k + 1). Aggregated cells
(a 类 over 16 项) count their leaves, because each leaf was rounded on its own. 元 tables are exact.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["rounding_bound"]


def rounding_bound(weights: int, decimals: int = 2, exact: bool = False) -> Decimal:
    """The largest pure-rounding gap for a comparison that involves ``weights`` rounded terms in all."""
    if exact:
        return Decimal(0)
    return Decimal(5).scaleb(-(decimals + 1)) * weights
