"""A sheet as a grid of normalised cell values, independent of where it was read from.

Readers (openpyxl, calamine, a live xlwings range) all produce a :class:`Grid`; recognition and rules
only ever see grids, which is what keeps the core free of any Excel library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from decimal import Decimal

from .numbers import NotANumber, is_blank, parse_number

__all__ = ["MAX_COL", "MAX_ROW", "CellError", "Grid", "a1", "cell_text", "col_letter", "norm_text", "parse_a1"]

#: The last row and column of an Excel sheet (XFD1048576).
MAX_ROW, MAX_COL = 1_048_576, 16_384

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
#: Excel's error values, the dynamic-array and data-type ones of Excel 365 included.
_ERRORS = frozenset({
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!",
    "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!", "#EXTERNAL!",
})


@dataclass(frozen=True)
class CellError:
    """An Excel error value such as ``#DIV/0!`` found where a value was expected."""

    code: str

    def __str__(self) -> str:
        return self.code


def col_letter(col: int) -> str:
    """0-based column index to Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based (row, col) to an A1 address."""
    return f"{col_letter(col)}{row + 1}"


def parse_a1(address: str) -> tuple[int, int]:
    """A1 address to 0-based (row, col)."""
    m = _A1.match(address.strip())
    if not m:
        raise ValueError(f"不是单元格地址：{address}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


_WS = re.compile(r"[\s\u3000*]+")
_BRACKETS = str.maketrans({"(": "（", ")": "）", ":": "：", "\"": "“", "“": "“", "”": "“", "'": "‘"})


def norm_text(value: object) -> str:
    """Normalise label text for matching: no whitespace (line-wrap spaces), full-width brackets and colons,
    no ``**`` bold markers, ASCII quotes folded onto Chinese ones."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _norm_str(str(value))


def cell_text(value: object) -> str:
    """A cell as the user typed it, for lists read from sheets (审核公式, 说明): stripped text, a whole number
    without ``.0`` (a sheet named 2023), empty for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@lru_cache(maxsize=65536)
def _norm_str(text: str) -> str:
    """Cached: labels and headers repeat across the tables and sheets of a workbook."""
    return _WS.sub("", text).translate(_BRACKETS)


@dataclass
class Grid:
    """The used cells of one sheet, 0-based from A1.

    ``values`` holds what the reader returned after light normalisation: ``None`` for empty, ``str``,
    ``int``/``float``, ``bool``, dates, or :class:`CellError`. Rows may be ragged (each ends at its last value)
    and trailing empty rows are left out: use :meth:`get`. ``merged`` lists merged areas as
    (first_row, first_col, last_row, last_col); only their top-left cell holds the value, as in Excel.

    Readers also say what they could not read: ``uncached`` lists the cells holding a formula without a cached
    value (read as blank; files written by generators rather than Excel), and ``unreadable`` is the Chinese
    reason when the sheet itself could not be read (its part missing or broken; ``values`` is then empty).
    """

    sheet: str
    values: list[list[object]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    uncached: list[tuple[int, int]] = field(default_factory=list)
    unreadable: str = ""
    _texts: dict[tuple[int, int], str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        return len(self.values)

    @cached_property
    def n_cols(self) -> int:
        return max((len(r) for r in self.values), default=0)

    def get(self, row: int, col: int) -> object:
        if 0 <= row < len(self.values):
            line = self.values[row]
            if 0 <= col < len(line):
                return line[col]
        return None

    def text(self, row: int, col: int) -> str:
        """Normalised text of a cell (numbers as their plain digits), for label matching; cached because
        recognition asks for the same header and label cells many times."""
        value = self.get(row, col)
        if type(value) is str and value.isalnum():
            return value  # nothing to normalise: no spaces, brackets or punctuation (most codes and names)
        key = (row, col)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = norm_text(value)
        return text

    def header_text(self, row: int, col: int) -> str:
        """Text of a cell as a header reads it: a merged area's value shows in each of its cells."""
        top = self.merge_origin(row, col)
        return self.text(*top)

    def merge_origin(self, row: int, col: int) -> tuple[int, int]:
        for r1, c1, r2, c2 in self.merged:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return r1, c1
        return row, col

    def number(self, row: int, col: int) -> Decimal | None:
        """The cell as an amount; ``None`` when blank. Raises NotANumber/CellError-as-NotANumber otherwise."""
        value = self.get(row, col)
        if isinstance(value, CellError):
            raise NotANumber(value.code)
        return parse_number(value)

    def is_blank(self, row: int, col: int) -> bool:
        return is_blank(self.get(row, col))


def normalise_value(value: object) -> object:
    """Reader-level clean-up shared by all readers: error strings become CellError, whitespace-only text None."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped in _ERRORS:
            return CellError(stripped)
        if not stripped:
            return None
    return value
