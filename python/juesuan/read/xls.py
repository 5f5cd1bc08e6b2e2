"""Reading .xls (BIFF8 compound files) into grids with xlrd, row by row and ragged.

xlrd rather than python-calamine: calamine builds a dense rectangle from A1 to the last cell, so two cells at
A1 and IV65536 cost a gigabyte and six seconds, and it reads error values as blanks. xlrd keeps each row only
as long as its last cell (``ragged_rows``), reports errors and dates by cell type, and lists merged areas.
"""

from __future__ import annotations

from pathlib import Path

from ..grid import CellError, Grid, normalise_value
from .guard import InputError

__all__ = ["read_xls"]


def _value(kind: int, value: object, datemode: int) -> object:
    import xlrd

    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return normalise_value(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return CellError(xlrd.error_text_from_code.get(value, "#N/A"))  # type: ignore[call-overload]
    if value - value != 0:  # type: ignore[operator]  # inf or NaN: its text, which no reader takes for an amount
        return str(value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
    return value


def read_xls(path: Path) -> list[Grid]:
    """Every worksheet of an .xls file as a Grid, with merged areas; a workbook with an open password, or a
    compound file that is no Excel workbook, is refused with the reason."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), ragged_rows=True, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd parses untrusted bytes and may fail in many ways; its text may quote them
        if "encrypt" in str(exc).lower():
            raise InputError(f"工作簿设有打开密码，无法读取：请在 Excel 中取消密码后再试：{path.name}") from None
        raise InputError(f"无法读取 .xls 工作簿（文件损坏，或是设有打开密码的工作簿）：{path.name}") from None
    grids = []
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception:
                grids.append(Grid(book.sheet_names()[index], [], unreadable="无法读取：工作表数据损坏（文件损坏）"))
                continue
            rows = []
            for r in range(sheet.nrows):
                line = [_value(k, v, book.datemode) for k, v in zip(sheet.row_types(r), sheet.row_values(r))]
                while line and line[-1] is None:
                    line.pop()
                rows.append(line)
            while rows and not rows[-1]:
                rows.pop()
            merged = [(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells]
            grids.append(Grid(sheet.name, rows, merged))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return grids
