"""The fast road for ordinary .xlsx/.xlsm: python-calamine, when a scan of the raw sheet XML shows nothing it
would get wrong or choke on.

calamine reads a plain workbook several times faster than the streaming reader (:mod:`.ooxml`), but it builds
each sheet as a dense rectangle up to its farthest cell (one value at XFD1048576 aborts the process), reads
error values as blanks and cannot tell a formula without a cached value from an empty cell. The scan - C-level
regular expressions over each sheet part, decompressed in chunks, no parsing - finds the farthest row and
column and any error value, non-finite number, uncached formula or document type declaration. Only a workbook
without any of them, whose rectangles stay within :data:`MAX_SHEET_ESTIMATE` cells a sheet and :data:`MAX_DENSE`
together, takes this road; anything else, and anything calamine raises on, goes to the streaming reader.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from ..grid import MAX_COL, MAX_ROW, Grid, normalise_value
from .guard import open_package

__all__ = ["MAX_DENSE", "MAX_SHEET_ESTIMATE", "read_plain"]

#: Cells the dense rectangles of one workbook may hold on this road (a 200,000-row table of 8 columns: 1.6 M),
#: counted with calamine's own sizes as each sheet is read.
MAX_DENSE = 4_000_000
#: Cells the scan may estimate for one sheet before calamine builds its rectangle: rows × 26 while no column
#: past Z is seen (that 200,000-row table counts 5.2 M), about 250 MB for calamine at most.
MAX_SHEET_ESTIMATE = 8_000_000
_CHUNK = 1 << 22
_ROW = re.compile(rb'<row r="(\d{1,9})"')
#: A row or cell not written as Excel and the common libraries write it - unprefixed, the reference first and in
#: double quotes (``<c\tr=…>``, ``<c s="1" r=…>``, ``<row>``): calamine would still place it, where this scan
#: does not look (a cell at XFD1048576 makes it allocate 512 GiB and abort the process).
_LOOSE = re.compile(rb'<(?:c|row)(?! r=")[\s/>]')
#: The same under a namespace prefix (``<x:c r=…>``); text that merely looks like one only costs the fast road.
_PREFIXED = re.compile(rb':(?:c|row)[\s/>]')
#: A cell reference other than columns A-Z and rows 1-99,999; then :data:`_ODD_CELL` and the farthest row and
#: column are looked for (most sheets never need the two searches).
_UNUSUAL_CELL = re.compile(rb'<c r="(?![A-Z][1-9]\d{0,4}")')
#: Not a plain A1 reference (no row, a character reference, lower case): calamine would place it by guess.
_ODD_CELL = re.compile(rb'<c r="(?![A-Z]{1,3}[1-9]\d{0,6}")')
_WIDE_COLUMN = re.compile(rb'<c r="([A-Z]{2,})')
_FAR_ROW = re.compile(rb'<c r="[A-Z]+(\d{6,})"')
#: What calamine would get wrong, found by plain byte searches (fast): error values, booleans (rare in these
#: tables, and calamine reads a bad one without a word) and formulas without a cached value (``<f>…</f></c>``,
#: ``<f …/></c>``). A DTD is looked for at the start of every part.
_NOT_PLAIN = (b't="e"', b't="b"', b"</f></c>", b'"/></c>')
#: A value calamine would read as an infinity or NaN (``inf``, ``NaN``, ``1e309``): the streaming reader keeps the
#: text, reported as not a number. (Text results of formulas with these letters take that road too, harmlessly.)
_NON_FINITE = re.compile(rb"<v>[^<]*(?:[iInN]|[eE]\+?\d{3})")


_CLEANED = frozenset({str, date})


def _clean(value: str | date) -> object:
    """A cell as the streaming reader gives it: empty and whitespace text as None, error texts as CellError,
    dates as midnight datetimes."""
    if type(value) is str:
        return None if value == "" else normalise_value(value)
    return datetime.combine(value, time())  # type: ignore[arg-type]


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _extent(archive: zipfile.ZipFile, name: str) -> int | None:
    """Rows × columns of a sheet part's farthest cells, or ``None`` when the part is not plain. Rows and cells
    must carry their reference first, as Excel and the common libraries write them: a part that writes them
    otherwise (prefixed names, attributes in another order, no references) is left to the streaming reader.
    The part is read in chunks cut after a ``</row>``, so no row (and no tag) is split between two of them."""
    rows = columns = 1
    rest = b""
    with archive.open(name) as part:
        while True:
            chunk = part.read(_CHUNK)
            data = rest + chunk
            if not data:
                break
            cut = data.rfind(b"</row>") + 6 if chunk else len(data)
            if chunk and cut < 6:  # no row ends here yet: read on, unless a chunk and more hold no row end
                if len(data) > _CHUNK:
                    return None
                rest = data
                continue
            data, rest = data[:cut], data[cut:]
            if (any(mark in data for mark in _NOT_PLAIN) or _NON_FINITE.search(data) or _LOOSE.search(data)
                    or _PREFIXED.search(data)):
                return None
            found = _ROW.findall(data)
            if len(found) != data.count(b'<row r="'):
                return None  # a row reference that is not plain digits
            rows = max([rows, *map(int, found)])
            if _UNUSUAL_CELL.search(data):
                if _ODD_CELL.search(data):
                    return None
                rows = max([rows, *map(int, _FAR_ROW.findall(data))])
                columns = max([columns, *map(_column, set(_WIDE_COLUMN.findall(data)))])
            if not chunk:
                break
    if rows > MAX_ROW or columns > MAX_COL:
        return None  # past Excel's sheet: the streaming reader says the sheet is broken
    return rows * max(columns, 26)


def _declares_dtd(archive: zipfile.ZipFile, name: str) -> bool:
    with archive.open(name) as part:
        return b"<!DOCTYPE" in part.read(4096)


def _plain(path: Path) -> bool:
    """No part declares a DTD, and every worksheet part is plain with a rectangle estimated within
    :data:`MAX_SHEET_ESTIMATE` cells (the workbook's total is held to :data:`MAX_DENSE` as calamine reads)."""
    try:
        with open_package(path) as archive:
            names = archive.namelist()
            if any(_declares_dtd(archive, n) for n in names if n.lower().endswith((".xml", ".rels"))):
                return False
            sheets = [n for n in names if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")]
            for name in sheets:
                extent = _extent(archive, name)
                if extent is None or extent > MAX_SHEET_ESTIMATE:
                    return False
            return bool(sheets)
    except Exception:  # a damaged part: the streaming reader says which
        return False


def read_plain(path: Path) -> list[Grid] | None:
    """Every worksheet as a Grid through python-calamine, or ``None`` when the workbook is not plain enough."""
    if not _plain(path):
        return None
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises several error types on what it cannot read: the streaming reader decides
        return None
    grids = []
    dense = 0
    try:
        for meta in book.sheets_metadata:
            if "Chart" in str(getattr(meta, "typ", "")):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.end is not None:  # the scan counts rows by their row elements; calamine places cells by theirs
                dense += (sheet.end[0] + 1) * (sheet.end[1] + 1)
                if dense > MAX_DENSE:
                    return None
            values = sheet.to_python(skip_empty_area=False)
            for i, row in enumerate(values):  # row by row in place: never two copies of the sheet at once
                row = [_clean(v) if type(v) in _CLEANED else v for v in row]
                while row and row[-1] is None:  # ragged rows, as the streaming reader gives them
                    row.pop()
                values[i] = row
            while values and not values[-1]:
                values.pop()
            merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
            grids.append(Grid(meta.name, values, merged))
    except Exception:
        return None
    finally:
        book.close()
    return grids
