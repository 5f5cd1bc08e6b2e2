"""Numbers as accountants print them: parsing cell values to ``Decimal`` and Excel-style rounding.

Every amount in juesuan is a ``Decimal`` built from what the cell shows, never a binary float, so that
``51,368.15`` is exactly 51368.15 and rounding is half-up like Excel's ROUND.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["BLANK_MARKS", "MAX_DIGITS", "NotANumber", "count", "is_blank", "parse_number", "round_half_up"]

#: Texts that mean "no value" in published tables and 部门决算 exports.
BLANK_MARKS = frozenset({"", "—", "——", "-", "--", "/", "－", "–", "———", "\\", "无"})

#: Digits a number typed as text may have. More than any amount needs (Excel keeps 15 significant digits), and
#: a bound on the work of reading one: a cell of a million digits is no amount, it is not a number.
MAX_DIGITS = 30

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")
_NUMBER = re.compile(r"^[+-]?(\d+(,\d{3})*|\d*)(\.\d+)?$")


class NotANumber(ValueError):
    """A cell that should hold an amount holds text that is no number (e.g. ``待定``)."""


def count(text: str | None) -> int | None:
    """A count, index or column number as a file or a user writes it: plain ASCII digits, at most nine of them;
    ``None`` otherwise. ``str.isdigit`` alone lets through ``²`` and digit strings too long for ``int``."""
    return int(text) if text and len(text) <= 9 and text.isascii() and text.isdigit() else None


def is_blank(value: object) -> bool:
    """True for empty cells and the dash-like marks that stand for an empty amount."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().replace(" ", "") in BLANK_MARKS
    return False


def parse_number(value: object, *, percent: bool = False) -> Decimal | None:
    """Turn a cell value into a ``Decimal`` (``None`` for blanks).

    Accepts ints, floats (via their shortest repr, so 51368.15 stays 51368.15), and text with thousands
    separators, full-width digits, a trailing ``%`` (divided by 100 only when ``percent`` is set) or a
    unit suffix ``万元``/``元``. Raises :class:`NotANumber` for anything else, so callers can report it:
    infinities and NaN (as floats or Decimals), exponents, and text of more than :data:`MAX_DIGITS` digits.
    """
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise NotANumber(str(value))
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber(str(value))
        return value
    if value is None or is_blank(value):
        return None
    if not isinstance(value, str):
        raise NotANumber(str(value))
    text = value.translate(_FULLWIDTH).replace(" ", "").replace("\u3000", "").strip()
    for unit in ("万元", "元"):
        if text.endswith(unit):
            text = text[: -len(unit)]
    is_pct = text.endswith("%")
    if is_pct:
        text = text[:-1]
    if len(text) > MAX_DIGITS and len(text.replace(",", "").lstrip("+-").replace(".", "", 1)) > MAX_DIGITS:
        raise NotANumber(value)
    if not _NUMBER.match(text) or text in ("", "+", "-", "."):
        raise NotANumber(value)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise NotANumber(value) from exc
    return number / 100 if (is_pct and percent) else number


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round like Excel's ROUND for the values we handle (halves away from zero)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
