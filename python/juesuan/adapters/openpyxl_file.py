"""The file adapter: applies a plan to a *copy* of a workbook with openpyxl, and clears juesuan's marks.

The user's file is never written. Output goes to a temporary file beside the target and is moved into
place only when complete, so an interrupted run leaves no half-written workbook. Before a cell is
coloured its original fill (and comment) is recorded in a hidden sheet, which is what makes 清除标注
exact - also on a file marked twice, or marked, saved and re-opened.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.workbook.workbook import Workbook as BookType
from openpyxl.worksheet.worksheet import Worksheet

from ..grid import Grid
from ..outputs import atomic_write, same_file
from ..plan import COLORS, MARKS_HEADER, MARKS_SHEET, RESULTS_SHEET, Action, Plan, expand
from ..read import InputError, _check_path, read_workbook

__all__ = ["apply_plan", "cell_details", "clear_file", "clear_marks", "lost_content", "open_copy", "save_atomic"]

AUTHOR = "juesuan"


def open_copy(src: Path) -> BookType:
    """The source workbook loaded for editing. ``.xls``/``.xlsb``/``.ods`` cannot be edited by openpyxl, so
    their values (and merged cells) are rebuilt into a new ``.xlsx`` workbook instead."""
    _check_path(src)
    if src.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm", rich_text=True)
        except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
            raise InputError(f"无法打开工作簿（文件损坏或不是 Excel 文件）：{src.name}（{exc}）") from exc
    return _book_from_grids(read_workbook(src))


def _book_from_grids(grids: list[Grid]) -> BookType:
    book = Workbook()
    book.remove(book.active)
    for grid in grids:
        ws = book.create_sheet(grid.sheet[:31])
        for r, row in enumerate(grid.values, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    ws.cell(r, c, value if isinstance(value, (int, float, str, bool)) else str(value))
        for r1, c1, r2, c2 in grid.merged:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    return book


def cell_details(book: BookType) -> dict[str, tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]]:
    """Per sheet: formula text and number format (other than General) of each 0-based cell. Filling needs
    both - never overwrite a user's formula, show a filled fraction as a percentage only where the cell is
    not formatted as one already - and reads them from the copy it edits anyway."""
    out = {}
    for ws in book.worksheets:
        formulas, formats = {}, {}
        for row in ws.iter_rows():
            for cell in row:
                pos = (cell.row - 1, cell.column - 1)
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    formulas[pos] = cell.value
                if cell.number_format != "General":
                    formats[pos] = cell.number_format
        out[ws.title] = (formulas, formats)
    return out


def save_atomic(book: BookType, src: Path, out: Path) -> None:
    """Save to ``out`` (never ``src``) through a temporary file and an atomic rename."""
    if same_file(src, out):
        raise InputError("不能覆盖原文件：请用 --out 指定另一个文件名")
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"输出文件须为 .xlsx 或 .xlsm：{out.name}")
    atomic_write(out, lambda tmp: book.save(tmp))


def _fill_of(cell) -> str:  # type: ignore[no-untyped-def]
    fill = cell.fill
    if fill is None or fill.fill_type != "solid" or not isinstance(fill.fgColor.rgb, str):
        return ""
    return fill.fgColor.rgb


def _solid(rgb: str) -> PatternFill:
    rgb = rgb.lstrip("#").upper()
    return PatternFill(fill_type="solid", start_color=rgb if len(rgb) == 8 else "FF" + rgb, end_color=rgb if len(rgb) == 8 else "FF" + rgb)


def _marks_sheet(book: BookType) -> Worksheet:
    if MARKS_SHEET in book.sheetnames:
        return book[MARKS_SHEET]
    ws = book.create_sheet(MARKS_SHEET)
    ws.append(MARKS_HEADER)
    ws.sheet_state = "hidden"
    return ws


def clear_marks(book: BookType) -> int:
    """Restore every recorded fill and comment, drop 审核结果 and the record; returns cells restored."""
    restored = 0
    if MARKS_SHEET in book.sheetnames:
        marks = book[MARKS_SHEET]
        for sheet, cell, fill, note in marks.iter_rows(min_row=2, values_only=True):
            if sheet not in book.sheetnames or not cell:
                continue
            target = book[sheet][cell]
            target.fill = _solid(fill) if fill else PatternFill(fill_type=None)
            target.comment = Comment(note, AUTHOR) if note else None
            restored += 1
        book.remove(marks)
    if RESULTS_SHEET in book.sheetnames:
        book.remove(book[RESULTS_SHEET])
    return restored


def _remember(book: BookType, plan: Plan) -> None:
    marks = _marks_sheet(book)
    recorded = {(s, c) for s, c, *_ in marks.iter_rows(min_row=2, values_only=True)}
    touched = plan.marked_cells()
    for action in plan.by_func("addNote"):
        touched.setdefault(action.sheet, set()).update(action.cells)
    for sheet, cells in touched.items():
        ws = book[sheet]
        for address in sorted(cells):
            if (sheet, address) not in recorded:
                cell = ws[address]
                marks.append([sheet, address, _fill_of(cell), cell.comment.text if cell.comment else None])


def _write_results(book: BookType, action: Action) -> None:
    if action.hidden:  # a record sheet of ours (说明记录): values only, replaced as a whole
        if action.sheet in book.sheetnames:
            book.remove(book[action.sheet])
        record = book.create_sheet(action.sheet)
        record.sheet_state = "hidden"
        for row in action.values or []:
            record.append(row)
        return
    if RESULTS_SHEET in book.sheetnames:
        book.remove(book[RESULTS_SHEET])
    ws = book.create_sheet(RESULTS_SHEET, 0)
    for row in action.values or []:
        ws.append(row)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = _solid("#D9E1F2")
    colours = {severity.label: colour for severity, colour in COLORS.items()}
    link_font = Font(color="FF0563C1", underline="single")
    for i, target in enumerate(action.links, 2):
        sheet, _, address = target.rpartition("!")
        link = ws.cell(i, 5)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{address}", tooltip="转到该单元格")
        link.font = link_font
        severity = ws.cell(i, 2)
        if severity.value in colours:
            severity.fill = _solid(colours[severity.value])
    widths = (6, 8, 9, 16, 8, 12, 12, 10, 60, 30, 30)
    for col, width in zip(range(1, len(widths) + 1), widths):
        ws.column_dimensions[get_column_letter(col)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
        lines = max(_wrapped_lines(str(row[8].value or ""), widths[8]), _wrapped_lines(str(row[9].value or ""), widths[9]))
        ws.row_dimensions[row[0].row].height = 15 * lines
    for col in (6, 7, 8):
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = "#,##0.00"
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _wrapped_lines(text: str, width: int) -> int:
    """Lines a wrapped cell needs: CJK characters are about two column-width units wide."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // max(width - 1, 1)))


def apply_to_book(book: BookType, plan: Plan) -> None:
    """Apply every action of the plan to an open openpyxl workbook (marks are remembered first)."""
    missing = sorted({a.sheet for a in plan.actions if a.func != "writeResults"} - set(book.sheetnames))
    if missing:
        raise InputError(f"工作簿中没有工作表：{'、'.join(missing)}")
    _remember(book, plan)
    for action in plan.actions:
        if action.func == "writeResults":
            _write_results(book, action)
            continue
        ws = book[action.sheet]
        if action.func == "setValues":
            top = ws[action.start or "A1"]
            for dr, row in enumerate(action.values or []):
                for dc, value in enumerate(row):
                    if value is not None:
                        ws.cell(top.row + dr, top.column + dc, value)
        elif action.func == "setRangeColor":
            fill = _solid(action.args[0])
            for rect in action.cells:
                for address in expand(rect):
                    ws[address].fill = fill
        elif action.func == "setNumberFormat":
            for rect in action.cells:
                for address in expand(rect):
                    ws[address].number_format = action.args[0]
        elif action.func == "addNote":
            comment = Comment(action.args[0], AUTHOR)
            comment.width, comment.height = 360, 40 + 18 * action.args[0].count("\n") + 18 * (len(action.args[0]) // 30)
            ws[action.cells[0]].comment = comment


#: What openpyxl may drop when it rewrites a workbook: (label, part-name prefix, marker counted in those parts).
_FRAGILE = [
    ("图表", "xl/charts/chart", None),
    ("图片", "xl/media/", None),
    ("形状或文本框", "xl/drawings/drawing", b"<xdr:sp>"),
    ("数据透视表", "xl/pivotTables/", None),
    ("切片器", "xl/slicers/", None),
]


def _count(archive: zipfile.ZipFile, prefix: str, marker: bytes | None) -> int:
    names = [n for n in archive.namelist() if n.startswith(prefix)]
    return len(names) if marker is None else sum(archive.read(n).count(marker) for n in names)


def lost_content(src: str | Path, out: str | Path) -> list[str]:
    """What the source workbook had that the written copy lacks (openpyxl keeps charts and images but not
    shapes, pivot tables …), so the user is told instead of finding out later. The original keeps them."""
    src, out = Path(src), Path(out)
    if src.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    with zipfile.ZipFile(src) as before, zipfile.ZipFile(out) as after:
        return [
            f"原文件中的{label}未能保留在输出文件中（原文件不受影响）"
            for label, prefix, marker in _FRAGILE
            if _count(after, prefix, marker) < _count(before, prefix, marker)
        ]


def apply_plan(src: str | Path, plan: Plan, out: str | Path) -> None:
    """Write a copy of ``src`` with the plan applied to ``out``; earlier juesuan marks are cleared first,
    so checking a marked copy again gives the same result."""
    src, out = Path(src), Path(out)
    book = open_copy(src)
    clear_marks(book)
    apply_to_book(book, plan)
    save_atomic(book, src, out)


def clear_file(src: str | Path, out: str | Path) -> int:
    """A copy of ``src`` without juesuan's marks; returns how many cells were restored."""
    src, out = Path(src), Path(out)
    book = open_copy(src)
    restored = clear_marks(book)
    save_atomic(book, src, out)
    return restored
