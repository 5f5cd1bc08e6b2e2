"""Reading workbook files into grids with python-calamine: cached values and merged ranges, fast, ``.xls``
too. (Formulas and number formats, which filling needs, come from the openpyxl copy being edited.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .grid import CellError, Grid, normalise_value

__all__ = ["InputError", "SUPPORTED", "read_workbook"]

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


class InputError(Exception):
    """A file juesuan cannot use; the message is one Chinese sentence for the user (CLI exit code 2)."""


def _check_path(path: Path) -> None:
    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是工作簿：{path}")
    if path.suffix.lower() not in SUPPORTED:
        raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：请提供 Excel 工作簿（{'、'.join(SUPPORTED)}）")


def read_workbook(path: str | Path) -> list[Grid]:
    """Every sheet of a workbook as a Grid from A1 (cached values, merged ranges)."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    _check_path(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for broken files
        raise InputError(f"无法读取工作簿（文件损坏或不是 Excel 文件）：{path.name}（{exc}）") from exc
    grids = []
    try:
        for meta in book.sheets_metadata:
            if getattr(meta, "typ", None) is not None and "Chart" in str(meta.typ):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            values = [[(None if v == "" else normalise_value(v)) if type(v) is str else v for v in row] for row in rows]
            while values and all(v is None for v in values[-1]):
                values.pop()
            merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
            grids.append(Grid(meta.name, values, merged))
    finally:
        book.close()
    _restore_error_values(path, grids)
    return grids


def _restore_error_values(path: Path, grids: list[Grid]) -> None:
    """python-calamine reads Excel error values (``#DIV/0!``) as empty strings (python-calamine#105), which
    would hide a broken formula as a blank amount. When an ``.xlsx``/``.xlsm`` sheet holds error cells at
    all (a byte search of the sheet parts, no parsing), openpyxl supplies their positions and codes."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    with zipfile.ZipFile(path) as archive:
        if not any(b't="e"' in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")):
            return
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        by_name = {g.sheet: g for g in grids}
        for ws in book.worksheets:
            grid = by_name.get(ws.title)
            for row in ws.iter_rows() if grid is not None else ():
                for cell in row:
                    if getattr(cell, "data_type", None) == "e" and cell.value is not None:
                        r, c = cell.row - 1, cell.column - 1
                        while len(grid.values) <= r:
                            grid.values.append([])
                        line = grid.values[r]
                        line.extend([None] * (c + 1 - len(line)))
                        line[c] = CellError(str(cell.value))
    finally:
        book.close()
