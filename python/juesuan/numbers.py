"""Numbers as accountants print them: parsing cell values to ``Decimal`` and Excel-style rounding.

Every amount in juesuan is a ``Decimal`` built from what the cell shows, never a binary float, so that
``51,368.15`` is exactly 51368.15 and rounding is half-up like Excel's ROUND.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext

__all__ = ["BLANK_MARKS", "HUGE", "MAX_DIGITS", "MAX_PLACES", "NotANumber", "count", "has_places", "is_blank", "parse_number",
           "money", "round_down", "round_half_up"]

#: Texts that mean "no value" in published tables and 部门决算 exports.
BLANK_MARKS = frozenset({"", "—", "——", "-", "--", "/", "－", "–", "———", "\\", "无"})

#: Digits a number typed as text may have. More than any amount needs (Excel keeps 15 significant digits), and
#: a bound on the work of reading one: a cell of a million digits is no amount, it is not a number.
MAX_DIGITS = 30

#: Decimal places a rounding keeps at most: more than any figure holds (a float carries 17 significant digits, a
#: number typed as text :data:`MAX_DIGITS`), and a bound on the work of rounding a figure quoted in prose.
MAX_PLACES = 40

#: No amount reaches this (10^18 万元 is a million times the world's output): a cell that does is corrupt and is
#: read as not a number; a computed value that does prints in scientific notation.
HUGE = Decimal("1e18")

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
    infinities and NaN (as floats or Decimals), exponents, text of more than :data:`MAX_DIGITS` digits, and
    magnitudes from :data:`HUGE` on.
    """
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int):
        return _amount(Decimal(value), value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise NotANumber(str(value))
        return _amount(Decimal(repr(value)), value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber(str(value))
        return _amount(value, value)
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
        number = _amount(Decimal(text.replace(",", "")), value)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise NotANumber(value) from exc
    return number / 100 if (is_pct and percent) else number


def _amount(number: Decimal, value: object) -> Decimal:
    if abs(number) >= HUGE:
        raise NotANumber(str(value))
    return number


def _quantize(value: Decimal, places: int, rounding: str) -> Decimal:
    """``value`` at ``places`` decimals, at any magnitude: the result gets the precision it needs (a cell of 1e300
    rounded to cents has 303 digits, past the context's 28, where a plain ``quantize`` raises)."""
    places = min(places, MAX_PLACES)
    needed = max(value.adjusted(), 0) + places + 2
    context = Context(prec=needed) if needed > getcontext().prec else None
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding, context=context)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round like Excel's ROUND for the values we handle (halves away from zero)."""
    return _quantize(value, places, ROUND_HALF_UP)


def round_down(value: Decimal, places: int) -> Decimal:
    """Cut off after ``places`` decimals (toward zero), as some templates print scores."""
    return _quantize(value, places, ROUND_DOWN)


def has_places(value: Decimal, places: int) -> bool:
    """True when ``value`` has no digit past ``places`` decimals (``1.5`` and ``1.50`` have two)."""
    return value == _quantize(value, places, ROUND_DOWN)


def money(value: Decimal) -> str:
    """An amount as notes and messages print it: thousands separators and two decimals, more decimals only when
    it has them; from :data:`HUGE` on in scientific notation."""
    if abs(value) >= HUGE:
        return f"{value:.6E}"
    return f"{value:,.2f}" if has_places(value, 2) else f"{value:,}"
