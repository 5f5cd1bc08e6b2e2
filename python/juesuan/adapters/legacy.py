"""Formats that cannot be edited as an .xlsx package (.xls, .xlsb, .ods) are rebuilt as one before marking.

An .xls - the format 部门决算 software exports - is read with xlrd's ``formatting_info``, so its marked copy keeps
column widths, row heights, number formats, fonts, fills, borders, alignment and merged cells. .xlsb and .ods
are read through python-calamine, which gives values (and, for some files, merged cells) only. What is not carried over is said in
words (:func:`legacy_losses`) for the user; the original file keeps everything.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..read import InputError, read_workbook

__all__ = ["LEGACY_FORMATS", "legacy_details", "legacy_losses", "rebuild_as_xlsx"]

LEGACY_FORMATS = (".xls", ".xlsb", ".ods")
#: xlrd's border line styles by BIFF code.
_LINES = {1: "thin", 2: "medium", 3: "dashed", 4: "dotted", 5: "thick", 6: "double", 7: "hair", 8: "mediumDashed",
          9: "dashDot", 10: "mediumDashDot", 11: "dashDotDot", 12: "mediumDashDotDot", 13: "slantDashDot"}
_HORIZONTAL = {1: "left", 2: "center", 3: "right", 4: "fill", 5: "justify", 6: "centerContinuous", 7: "distributed"}
_VERTICAL = {0: "top", 1: "center", 2: "bottom", 3: "justify", 4: "distributed"}


def legacy_losses(src: Path) -> list[str]:
    """What the rebuilt copy of ``src`` lacks, one sentence each."""
    kind = src.suffix.lower()
    if kind == ".xls":
        return ["原 .xls 文件中的批注、图表、图片、条件格式和数据有效性（如有）未能带到输出文件中；"
                "数值、合并单元格、列宽、行高、字体、底色、边框和数字格式已保留（原文件不受影响）"]
    return [f"原 {kind} 文件只能读出数值：合并单元格、字体、底色、边框、数字格式、列宽、批注和图表（如有）未能带到输出文件中（原文件不受影响）"]


@contextmanager
def rebuild_as_xlsx(src: Path) -> Iterator[Path]:
    """A temporary .xlsx holding what could be read of ``src``; removed afterwards."""
    book = _from_xls(src) if src.suffix.lower() == ".xls" else _from_grids(src)
    with tempfile.TemporaryDirectory(prefix=".juesuan-") as folder:
        path = Path(folder) / "rebuilt.xlsx"
        book.save(path)
        yield path


def _from_grids(src: Path) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for grid in read_workbook(src):
        ws = book.create_sheet(grid.sheet[:31])
        for r, row in enumerate(grid.values, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    _as_value(ws.cell(r, c, value if isinstance(value, (int, float, str, bool)) else str(value)))
        for r1, c1, r2, c2 in grid.merged:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    return book


def _as_value(cell: Any) -> None:
    """A cell as it was read: the reader gives formulas' results, so a text such as ``=1+`` is a text - openpyxl
    would write it as a formula."""
    if cell.data_type == "f" and isinstance(cell.value, str):
        cell.data_type = "s"


def _open_xls(src: Path) -> Any:
    import xlrd

    try:
        return xlrd.open_workbook(str(src), formatting_info=True, on_demand=True)
    except Exception:  # xlrd raises its own and struct errors for damaged files
        raise InputError("无法读取 .xls 工作簿的格式（文件可能已损坏）") from None


def _from_xls(src: Path) -> Workbook:
    """Values (as calamine reads them, so checking and marking agree) with xlrd's formatting of each cell."""
    xls = _open_xls(src)
    grids = {g.sheet: g for g in read_workbook(src)}
    styles = _XlsStyles(xls)
    book = Workbook()
    book.remove(book.active)
    try:
        for index in range(xls.nsheets):
            sheet = xls.sheet_by_index(index)
            ws = book.create_sheet(sheet.name[:31])
            grid = grids.get(sheet.name)
            for r in range(sheet.nrows):
                for c in range(sheet.row_len(r)):
                    value = grid.get(r, c) if grid is not None else None
                    cell = ws.cell(r + 1, c + 1)
                    if value is not None:
                        cell.value = value if isinstance(value, (int, float, str, bool)) else str(value)
                        _as_value(cell)
                    styles.apply(cell, sheet.cell_xf_index(r, c))
            for c, info in sheet.colinfo_map.items():
                if c >= sheet.ncols and not info.hidden:
                    continue  # widths of the empty columns to the right: leave Excel's default
                ws.column_dimensions[get_column_letter(c + 1)].width = info.width / 256
                ws.column_dimensions[get_column_letter(c + 1)].hidden = bool(info.hidden)
            for r, info in sheet.rowinfo_map.items():
                if info.height_mismatch or info.height != sheet.default_row_height:
                    ws.row_dimensions[r + 1].height = info.height / 20
            for r1, r2, c1, c2 in sheet.merged_cells:
                ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2, end_column=c2)
            xls.unload_sheet(index)
    finally:
        xls.release_resources()
    return book


class _XlsStyles:
    """openpyxl styles for xlrd's cell formats, built once per format index."""

    def __init__(self, xls: Any) -> None:
        self.xls = xls
        self.cache: dict[int, tuple[Any, ...]] = {}

    def _rgb(self, index: int) -> str | None:
        rgb = self.xls.colour_map.get(index)
        return None if rgb is None else "FF%02X%02X%02X" % rgb

    def _style(self, xf_index: int) -> tuple[Any, ...]:
        xf = self.xls.xf_list[xf_index]
        font = self.xls.font_list[xf.font_index]
        colour = self._rgb(font.colour_index)
        fnt = Font(name=font.name, sz=font.height / 20, b=bool(font.bold) or font.weight >= 700, i=bool(font.italic),
                   u="single" if font.underline_type else None, strike=bool(font.struck_out),
                   color=colour if colour and colour != "FF000000" else None)
        background = xf.background
        fill = PatternFill()
        if background.fill_pattern == 1 and self._rgb(background.pattern_colour_index):
            fill = PatternFill("solid", fgColor=self._rgb(background.pattern_colour_index))
        b = xf.border

        def side(line: int, colour_index: int) -> Side:
            return Side(style=_LINES.get(line), color=self._rgb(colour_index)) if line else Side()

        border = Border(left=side(b.left_line_style, b.left_colour_index), right=side(b.right_line_style, b.right_colour_index),
                        top=side(b.top_line_style, b.top_colour_index), bottom=side(b.bottom_line_style, b.bottom_colour_index))
        align = xf.alignment
        alignment = Alignment(horizontal=_HORIZONTAL.get(align.hor_align), vertical=_VERTICAL.get(align.vert_align),
                              wrap_text=bool(align.text_wrapped), indent=align.indent_level,
                              text_rotation=align.rotation if 0 <= align.rotation <= 180 else 0,
                              shrink_to_fit=bool(align.shrink_to_fit))
        fmt = self.xls.format_map.get(xf.format_key)
        return fnt, fill, border, alignment, fmt.format_str if fmt is not None else "General"

    def apply(self, cell: Any, xf_index: int) -> None:
        if xf_index not in self.cache:
            self.cache[xf_index] = self._style(xf_index)
        cell.font, cell.fill, cell.border, cell.alignment, cell.number_format = self.cache[xf_index]


def legacy_details(src: Path) -> dict[str, tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]]:
    """Number formats of an .xls (formulas cannot be read from one: xlrd reads cached values only); other
    formats: nothing."""
    if src.suffix.lower() != ".xls":
        return {}
    xls = _open_xls(src)
    out: dict[str, tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]] = {}
    try:
        for index in range(xls.nsheets):
            sheet = xls.sheet_by_index(index)
            formats = {}
            for r in range(sheet.nrows):
                for c in range(sheet.row_len(r)):
                    fmt = xls.format_map.get(xls.xf_list[sheet.cell_xf_index(r, c)].format_key)
                    if fmt is not None and fmt.format_str not in ("General", ""):
                        formats[(r, c)] = fmt.format_str
            out[sheet.name] = ({}, formats)
            xls.unload_sheet(index)
    finally:
        xls.release_resources()
    return out
