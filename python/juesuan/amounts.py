"""Cell values as exact scaled integers: the columnar form in which rules add and compare amounts.

An amount is kept as ``value × 10^scale`` in a Python int, so sums are exact at any size and any magnitude.
Numbers typed as numbers take a fast path (a float whose shortest decimal form has at most six decimals is
that decimal exactly); text and unusual floats go through :func:`~juesuan.numbers.parse_number`, and a value
with more decimals raises the scale of the whole column set, so nothing is ever rounded away.
"""

from __future__ import annotations

import math
from decimal import Decimal

from .grid import CellError
from .numbers import HUGE, NotANumber, parse_number

__all__ = ["BASE_SCALE", "Issue", "read_units", "rescale"]

BASE_SCALE = 6
_FACTOR = 10**BASE_SCALE
_FAST_LIMIT = 1e9  # below this a float has a unique six-decimal reading (its ulp is under 10^-6)
_PLAIN = frozenset({float, int, type(None)})

Issue = tuple[str, int, object, Decimal | None]  # (V01 text number / V02 not a number, index, raw, value)


def _exact(value: Decimal) -> tuple[int, int]:
    """(integer digits, scale) of a finite Decimal: ``12.345`` -> (12345, 3)."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    number = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    return (number * 10**exponent, 0) if exponent >= 0 else (number, -exponent)


def read_units(values: list[object]) -> tuple[list[int], int, list[Issue]]:
    """Scaled integers for a column of raw cell values, the scale used (≥ 6) and the reading problems.

    Blanks (``None``, dashes, ``—``) are 0; text that is a number counts with an issue ``V01``; anything else
    (text, an error value, ``inf``/``NaN``) counts as 0 with an issue ``V02``, so a check never adds a value it
    could not read."""
    kinds = set(map(type, values))
    if kinds <= _PLAIN and values:  # numbers typed as numbers: the whole column at once
        numbers = [0.0 if v is None else v for v in values]
        try:
            if -_FAST_LIMIT < min(numbers) and max(numbers) < _FAST_LIMIT:  # type: ignore[type-var]
                scaled = [round(v * _FACTOR) for v in numbers]  # type: ignore[operator]
                if [s / _FACTOR for s in scaled] == numbers:
                    return scaled, BASE_SCALE, []
        except ValueError:  # a NaN among them: the cell by cell path reports it
            pass
    units: list[int] = []
    append = units.append
    issues: list[Issue] = []
    wide: list[tuple[int, int, int]] = []  # (index, digits, scale) of values with more than six decimals
    for i, value in enumerate(values):
        kind = type(value)
        if kind is float:
            if -_FAST_LIMIT < value < _FAST_LIMIT:  # type: ignore[operator]
                scaled = round(value * _FACTOR)  # type: ignore[operator]
                if scaled / _FACTOR == value:
                    append(scaled)
                    continue
            if not math.isfinite(value) or abs(value) >= HUGE:  # type: ignore[arg-type]
                issues.append(("V02", i, value, None))
                append(0)
                continue
            number: Decimal | None = Decimal(repr(value))
        elif kind is int and abs(value) < HUGE:  # type: ignore[operator]
            append(value * _FACTOR)  # type: ignore[operator]
            continue
        elif value is None:
            append(0)
            continue
        else:
            try:
                if isinstance(value, CellError):
                    raise NotANumber(value.code)
                number = parse_number(value)
            except NotANumber:
                issues.append(("V02", i, value, None))
                append(0)
                continue
            if number is None:
                append(0)
                continue
            if isinstance(value, str):
                issues.append(("V01", i, value, number))
        if not number.is_finite():
            issues.append(("V02", i, value, None))
            append(0)
            continue
        digits, scale = _exact(number)
        if scale <= BASE_SCALE:
            append(digits * 10 ** (BASE_SCALE - scale))
        else:
            wide.append((i, digits, scale))
            append(0)
    if not wide:
        return units, BASE_SCALE, issues
    scale = max(s for _, _, s in wide)
    units = rescale(units, BASE_SCALE, scale)
    for i, digits, s in wide:
        units[i] = digits * 10 ** (scale - s)
    return units, scale, issues


def rescale(units: list[int], old: int, new: int) -> list[int]:
    """The same amounts at a larger scale."""
    if new == old:
        return units
    factor = 10 ** (new - old)
    return [u * factor for u in units]
