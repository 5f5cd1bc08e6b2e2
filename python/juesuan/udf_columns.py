"""The whole-column path of the ratio functions (EXECRATE, SHARE, YOY): numpy over the numeric cells, the exact
``Decimal`` path for everything else, results identical to the cell-by-cell answers.

Excel hands a range over as a list of rows of floats (``None`` for blanks). When every cell of an argument is a
finite float or blank, the argument becomes one float array (a single C-level conversion); the ratios, their
special cases (0 ÷ 0, x ÷ 0, a negative budget) and ROUND's half-up rounding are computed on whole arrays.

Exactness. The cell-by-cell path works on ``Decimal(repr(cell))``; the float computation differs from it by a
few units in the last place, which changes the rounded result only when the scaled ratio lies within that error
of a rounding boundary (``…x.5``). Those cells - and every text, error, integer or non-finite cell - are
computed by the cell-by-cell function, so the column equals it exactly: ``tests/test_udf_columns.py`` compares
the two on the published tables and on random data.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import Any

import numpy as np

__all__ = ["Cells", "ratio_column"]

#: Relative error bound of the float path (inputs rounded to binary, one subtraction, one division), with a
#: wide margin: a scaled ratio closer than this to a rounding boundary is recomputed exactly.
_EPS = 1e-12
_FAST = frozenset({float, type(None)})

Compute = Callable[[object, object], object]


def _array(arg: object) -> np.ndarray | None:
    """A range (rows of equal length) of finite floats and blanks as a 2-D float array, blanks as NaN; ``None``
    when the argument is a single value, ragged, or holds any other kind of cell."""
    if not isinstance(arg, list) or not arg or not isinstance(arg[0], list):
        return None
    width = len(arg[0])
    if not width or set(map(type, arg)) != {list} or set(map(len, arg)) != {width}:
        return None
    flat = list(chain.from_iterable(arg))
    if not set(map(type, flat)) <= _FAST:
        return None
    values = np.array(flat, dtype=np.float64).reshape(len(arg), width)
    if np.isinf(values).any():
        return None
    return values


def _scalar(arg: object) -> np.ndarray | None:
    """A single finite float or blank as a 1×1 array."""
    if type(arg) in _FAST and (arg is None or np.isfinite(arg)):
        return np.array([[np.nan if arg is None else arg]])
    return None


class Cells(list):  # type: ignore[type-arg]
    """Rows of result cells that say whether any is an error value (the return converter then skips its walk)."""

    has_errors = True


def ratio_column(kind: str, x: object, y: object, places: int, percent: bool, fallback: Compute,
                 blank: object, div0: object, bad: object) -> Cells | None:
    """EXECRATE (``kind`` "exec": y ÷ x), SHARE ("share": x ÷ y) or YOY ("yoy": (x − y) ÷ |y|) over whole
    columns, rounded half-up to ``places`` percent decimals; ``None`` when the arguments are not numeric ranges
    (the caller then goes cell by cell). ``fallback(a, b)`` is the cell-by-cell answer, used for the cells the
    array path must not decide; ``blank``, ``div0`` and ``bad`` are the cell values for no result, a zero
    denominator and a negative budget."""
    a, b = _array(x), _array(y)
    if a is None and b is None:
        return None
    a = a if a is not None else _scalar(x)
    b = b if b is not None else _scalar(y)
    if a is None or b is None:
        return None
    try:
        a, b = np.broadcast_arrays(a, b)
    except ValueError:
        return None  # shapes that do not stretch: the cell path says so
    digits = places + 2
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "exec":
            ratio, denominator, numerator = b / a, a, b
        elif kind == "share":
            ratio, denominator, numerator = a / b, b, a
        else:
            ratio, denominator, numerator = (a - b) / np.abs(b), b, a
        scaled = ratio * 10.0**digits
        rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
        error = _EPS * (np.abs(scaled) + (np.abs(a) + np.abs(b)) / np.abs(denominator) * 10.0**digits)
        near_tie = np.abs(np.abs(scaled) - np.floor(np.abs(scaled)) - 0.5) <= error
    values = rounded / 10.0 ** (digits - 2 if not percent else digits)
    missing = np.isnan(a) | np.isnan(b)
    zero = (denominator == 0) & ~missing
    out = values.astype(object)
    out[missing] = blank
    # x ÷ 0: YOY follows the published “增长100.00%” (±1), the others show #DIV/0!; 0 ÷ 0 is no result
    out[zero] = np.sign(numerator[zero]) * (1.0 if percent else 100.0) if kind == "yoy" else div0
    out[zero & (numerator == 0)] = blank
    if kind == "exec":
        out[(a < 0) & ~missing] = bad
    exact = near_tie & ~missing & ~zero & ~((a < 0) if kind == "exec" else False)
    for r, c in zip(*np.nonzero(exact), strict=True):
        out[r, c] = fallback(_cell(x, r, c), _cell(y, r, c))
    rows = Cells(out.tolist())
    rows.has_errors = kind != "yoy" and bool((zero & (numerator != 0)).any() or (kind == "exec" and (a < 0).any()))
    return rows


def _cell(arg: object, r: int, c: int) -> object:
    """The cell of an argument at a broadcast position."""
    if not isinstance(arg, list):
        return arg
    row = arg[r if len(arg) > 1 else 0]
    return row[c if len(row) > 1 else 0]

