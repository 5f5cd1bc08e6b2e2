"""Reading .xlsb and .ods into grids with python-calamine, after checks that keep its dense read bounded.

calamine turns each sheet into a dense rectangle from its first to its last cell (an .ods with a value at A1 and
one at Z1000000 costs it 1.6 GiB). For these two formats no reader of ours exists, so the package is
decompressed once beforehand (every part within its declared size and CRC: nothing larger than declared reaches
calamine), and an .ods's rectangles are measured by a streaming pass over its XML before calamine builds them
all at once: past the memory budget the workbook is refused. An .xlsb's binary records are not measured
beforehand: a sheet's rectangle past the budget is refused after calamine has built it, before it is
converted (a known gap: an .xlsb with cells far apart can still cost calamine that rectangle).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..grid import Grid, normalise_value
from ..numbers import count
from .guard import InputError, open_package
from .ooxml import _PARSE, _SCATTERED, _ZIP_ERRORS, _refuse_dtd

#: Cells of the dense rectangles calamine may build for one workbook: each costs about 40 bytes between its
#: Rust range and the Python lists, so this keeps a read near 160 MiB (a 决算 workbook needs some 20,000).
MAX_DENSE_CELLS = 4_000_000
SCATTERED = f"无法读取：{_SCATTERED}（文件损坏）"

__all__ = ["read_native"]

SUFFIX = {"xlsb": ".xlsb", "ods": ".ods"}


def _verify(path: Path) -> None:
    """Decompress every part once, in chunks: a part that is larger than declared or fails its CRC is refused."""
    with open_package(path) as archive:
        try:
            for info in archive.infolist():
                with archive.open(info) as fh:
                    while fh.read(1 << 20):
                        pass
        except _ZIP_ERRORS:
            raise InputError(f"工作簿的压缩数据损坏，无法读取：{path.name}") from None


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"


def _repeat(el: etree._Element, attribute: str) -> int:
    value = el.get(_TABLE + attribute, "1")
    return count(value) or 1


def _ods_extents(path: Path) -> dict[str, int]:
    """The size of the rectangle calamine builds for each table of an .ods, from one streaming pass over
    content.xml: the last row and column holding a value. Repeated rows and cells count as often as they repeat,
    empty ones (LibreOffice writes a million of them for a formatted column) not at all."""
    extents: dict[str, int] = {}
    rows = cols = row = col = 0
    valued = False
    tags = tuple(_TABLE + t for t in ("table", "table-row", "table-cell", "covered-table-cell"))
    with open_package(path) as archive, archive.open("content.xml") as fh:
        for event, el in etree.iterparse(fh, events=("start", "end"), tag=tags, **_PARSE):
            kind = el.tag[len(_TABLE):]
            if event == "start":
                if kind == "table":
                    rows = cols = row = 0
                elif kind == "table-row":
                    col, valued = 0, False
                if el.getparent() is None or kind != "table":
                    _refuse_dtd(el.getroottree(), path)
                continue
            if kind == "table":
                extents[el.get(_TABLE + "name", "")] = rows * cols
            elif kind == "table-row":
                repeat = _repeat(el, "number-rows-repeated")
                if valued:
                    rows = row + repeat
                row += repeat
                el.clear(keep_tail=True)
            else:
                repeat = _repeat(el, "number-columns-repeated")
                if el.get(_VALUE_TYPE) is not None or len(el):
                    cols, valued = max(cols, col + repeat), True
                col += repeat
    return extents


def _cell(value: object) -> object:
    if type(value) is str:
        return normalise_value(value)
    if type(value) is float and value - value != 0:  # inf or NaN: its text, which no reader takes for an amount
        return str(value)
    return value


def read_native(path: Path, kind: str) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() != SUFFIX[kind]:
        raise InputError(f"文件扩展名是“{path.suffix}”，但内容是 {SUFFIX[kind]} 工作簿：请改正扩展名后再试：{path.name}")
    _verify(path)
    if kind == "ods":  # calamine builds every table of an .ods when it opens the file: measure them first
        try:
            dense = sum(_ods_extents(path).values())
        except (etree.XMLSyntaxError, KeyError, *_ZIP_ERRORS):
            raise InputError(f"工作簿的内容（content.xml）缺失或损坏，无法读取：{path.name}") from None
        if dense > MAX_DENSE_CELLS:
            raise InputError(f"工作簿中的单元格分布范围过大（相距极远的单元格），无法读取：{path.name}")
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises several error types for broken files; their text may quote the file
        raise InputError(f"无法读取工作簿（文件损坏或不是 Excel 文件）：{path.name}") from None
    grids = []
    budget = MAX_DENSE_CELLS
    try:
        for meta in book.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                end = sheet.end or (0, 0)
                budget -= (end[0] + 1) * (end[1] + 1)
                if budget < 0:
                    grids.append(Grid(meta.name, [], unreadable=SCATTERED))
                    continue
                rows = [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
                merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
            except Exception:
                grids.append(Grid(meta.name, [], unreadable="无法读取：工作表数据损坏（文件损坏）"))
                continue
            for line in rows:
                while line and line[-1] is None:
                    line.pop()
            while rows and not rows[-1]:
                rows.pop()
            grids.append(Grid(meta.name, rows, merged))
    finally:
        book.close()
    return grids
