"""The live-workbook adapter: the workbook open in Excel (an xlwings ``Book``) in, planned edits out, in blocks.

Reading takes one ``used_range`` call per sheet. Applying a :class:`~juesuan.plan.Plan` issues one write per
value block, one colour call per union of rectangles (chunked under Excel's 255-character address limit),
one block for the hidden record of original fills, one block for 审核结果 - never one call per cell, except
for cell notes, which Excel can only add one at a time.

Before a cell is coloured its original fill and note are recorded in the hidden sheet
:data:`~juesuan.plan.MARKS_SHEET` (the same four columns as the file adapter), so 清除标注 restores exactly what
was there, also after the workbook was saved and reopened, and also on a file marked by ``juesuan check``.

Two engines stand behind a ``Book``. Desktop Excel (COM, the ribbon) can do all of the above. xlwings' remote
engine (xlwings Server, and the tests) queues actions on a values-only snapshot: it cannot read fills, note
texts, merged areas or formulas, and it takes no union addresses. There the adapter degrades - colours go out as one
colour matrix per sheet, original fills are recorded as "no fill", notes are neither added nor changed - and
:func:`limits` says so in words for the user.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlwings as xw
from xlwings.utils import int_to_rgb, rgb_to_hex

from ..grid import Grid, a1, col_letter, normalise_value, parse_a1
from ..plan import MARKS_HEADER, MARKS_SHEET, RESULTS_HEADER, RESULTS_SHEET, Action, Plan, expand, rectangles

__all__ = [
    "ApplyError",
    "Applied",
    "Capabilities",
    "Mark",
    "apply_plan",
    "capabilities",
    "clear_marks",
    "limits",
    "read_grid",
    "read_grids",
    "read_marks",
    "union_chunks",
]

#: Excel's limit for the address string of one ``Range()`` call.
ADDRESS_LIMIT = 255
#: xlwings' ``Range.set_colors`` accepts at most this many cells per call (remote engine).
COLOR_MATRIX_LIMIT = 10_000
#: COM ``Interior.ColorIndex`` of a cell without fill.
XL_COLOR_INDEX_NONE = -4142
#: Columns of 审核结果: the amounts (formatted as such), the link to the cell, the long message.
AMOUNT_COLUMNS = ":".join(col_letter(RESULTS_HEADER.index(h)) for h in ("应为", "差额"))
LINK_COLUMN = RESULTS_HEADER.index("单元格")
MESSAGE_COLUMN = RESULTS_HEADER.index("问题")

Key = tuple[str, str]  # (sheet, A1 address)


class ApplyError(RuntimeError):
    """Excel failed while edits were being applied; the record of original fills was already written,
    so 清除标注 can still restore the workbook."""


@dataclass(frozen=True)
class Capabilities:
    """What the engine behind a ``Book`` can do."""

    union_ranges: bool  # one call colours "C5:C9,F12,H3:H4"
    read_formats: bool  # fills, note texts, merged areas and formulas can be read (needed to touch notes)
    screen_updating: bool  # drawing can be paused while edits are applied


def capabilities(book: xw.Book) -> Capabilities:
    desktop = book.app.engine.name != "remote"
    return Capabilities(union_ranges=desktop, read_formats=desktop, screen_updating=desktop)


def limits(caps: Capabilities) -> list[str]:
    """What this Excel connection cannot do, as sentences for the user (empty for desktop Excel)."""
    if caps.read_formats:
        return []
    return [
        "当前连接无法读取单元格原有底色：清除标注时，标注过的单元格将恢复为无底色。",
        "当前连接无法读写批注：问题说明只写入“审核结果”表。",
        "当前连接无法读取公式：填充派生列时，显示为空的公式单元格也会被填入数值。",
    ]


@dataclass(frozen=True)
class Mark:
    """One marked cell's state before juesuan touched it: fill ``#RRGGBB`` (``None`` = no fill) and note."""

    fill: str | None
    note: str | None


@dataclass(frozen=True)
class Applied:
    """What applying a plan changed."""

    marked: int  # cells coloured
    restored: int  # earlier marks undone because they are no longer findings
    notes: int  # notes added


# --- reading ----------------------------------------------------------------------------------------------


def read_grid(sheet: xw.Sheet, caps: Capabilities) -> Grid:
    """The sheet's used range in one call, placed back at its A1 position (a used range may start at C5)."""
    used = sheet.used_range
    block = used.options(ndim=2).value or []
    top, left = used.row - 1, used.column - 1
    values: list[list[object]] = [[] for _ in range(top)]
    values += [[None] * left + [normalise_value(v) for v in row] for row in block]
    while values and all(v is None for v in values[-1]):
        values.pop()
    if not caps.read_formats:
        return Grid(sheet.name, values)
    return Grid(sheet.name, values, _merged_areas(used), formulas=_formulas(used, top, left))


def _formulas(used: xw.Range, top: int, left: int) -> dict[tuple[int, int], str]:
    """The user's formulas by 0-based cell, in one call, so filling never replaces one."""
    block = used.formula
    rows = ((block,),) if isinstance(block, str) else block
    return {
        (top + r, left + c): text
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        if isinstance(text, str) and text.startswith("=")
    }


def _merged_areas(used: xw.Range) -> list[tuple[int, int, int, int]]:
    """Merged areas in the used range with few COM calls: ``MergeCells`` is False for a range without any
    merge, so only rows that report a merge are looked at cell by cell."""
    if used.merge_cells is False:
        return []
    areas: set[tuple[int, int, int, int]] = set()
    for row in used.rows:
        if row.merge_cells is False:
            continue
        for cell in row:
            r, c = cell.row - 1, cell.column - 1
            if any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in areas) or not cell.merge_cells:
                continue
            area = cell.merge_area
            last = area.last_cell
            areas.add((area.row - 1, area.column - 1, last.row - 1, last.column - 1))
    return sorted(areas)


def read_grids(book: xw.Book) -> list[Grid]:
    """Every sheet except juesuan's own (审核结果 and the hidden record)."""
    caps = capabilities(book)
    return [read_grid(sheet, caps) for sheet in book.sheets if sheet.name not in (RESULTS_SHEET, MARKS_SHEET)]


def _sheet(book: xw.Book, name: str) -> xw.Sheet | None:
    return next((s for s in book.sheets if s.name == name), None)


def _text(value: Any) -> str | None:
    """A cell of the record read back as text (Excel may hand back a sheet called 2023 as 2023.0)."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normal_fill(value: str | None) -> str | None:
    """``#RRGGBB`` from what either adapter recorded (``#FFC7CE``, openpyxl's ``FFFFC7CE``, or empty)."""
    if not value:
        return None
    return "#" + value.lstrip("#")[-6:].upper()


def read_marks(book: xw.Book) -> dict[Key, Mark]:
    """The hidden record: for every cell juesuan has marked, its fill and note from before."""
    sheet = _sheet(book, MARKS_SHEET)
    if sheet is None:
        return {}
    rows = sheet.used_range.options(ndim=2).value or []
    marks = {}
    for row in rows[1:]:
        name, cell, fill, note = (_text(v) for v in (list(row) + [None] * 4)[:4])
        if name and cell:
            marks[(name, cell.upper())] = Mark(_normal_fill(fill), note)
    return marks


def _current_marks(book: xw.Book, keys: Iterable[Key], caps: Capabilities) -> dict[Key, Mark]:
    """Fill and note of cells about to be marked for the first time. Fills are read per rectangle
    (one call each) and cell by cell only where a rectangle's fills differ."""
    by_sheet: dict[str, list[str]] = defaultdict(list)
    for sheet, cell in keys:
        by_sheet[sheet].append(cell)
    out: dict[Key, Mark] = {}
    for name, cells in by_sheet.items():
        if not caps.read_formats:
            out.update({(name, c): Mark(None, None) for c in cells})
            continue
        sheet = book.sheets[name]
        fills: dict[str, str | None] = {}
        for rect in rectangles(parse_a1(c) for c in cells):
            fills.update(_read_fills(sheet, rect))
        for cell in cells:
            note = sheet.range(cell).note
            out[(name, cell)] = Mark(fills[cell], note.text if note is not None else None)
    return out


def _read_fills(sheet: xw.Sheet, rect: str) -> dict[str, str | None]:
    interior = sheet.range(rect).api.Interior
    index = interior.ColorIndex
    if index is None and ":" in rect:  # COM reports Null for a range whose cells differ
        out: dict[str, str | None] = {}
        for cell in expand(rect):
            out.update(_read_fills(sheet, cell))
        return out
    fill = None if index == XL_COLOR_INDEX_NONE else rgb_to_hex(*int_to_rgb(interior.Color)).upper()
    return dict.fromkeys(expand(rect), fill)


# --- applying ---------------------------------------------------------------------------------------------


def union_chunks(rects: list[str], limit: int = ADDRESS_LIMIT) -> list[str]:
    """Join rectangles into comma-separated union addresses, each shorter than ``limit`` characters."""
    chunks: list[str] = []
    current = ""
    for rect in rects:
        candidate = f"{current},{rect}" if current else rect
        if len(candidate) >= limit and current:
            chunks.append(current)
            candidate = rect
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def _colour(sheet: xw.Sheet, fills: dict[str, str | None], caps: Capabilities) -> None:
    """Give each cell its fill (``None`` = no fill), in as few calls as the engine allows."""
    if caps.union_ranges:
        by_fill: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
        for cell, fill in fills.items():
            by_fill[fill].append(parse_a1(cell))
        for fill, cells in sorted(by_fill.items(), key=lambda item: item[0] or ""):
            for address in union_chunks(rectangles(cells)):
                sheet.range(address).color = fill
        return
    # No union addresses: one colour matrix over the bounding box, "..." keeps the cells in between.
    coords = {parse_a1(cell): fill for cell, fill in fills.items()}
    r1, r2 = min(r for r, _ in coords), max(r for r, _ in coords)
    c1, c2 = min(c for _, c in coords), max(c for _, c in coords)
    band = max(1, COLOR_MATRIX_LIMIT // (c2 - c1 + 1))
    for top in range(r1, r2 + 1, band):
        bottom = min(top + band - 1, r2)
        matrix = [[coords.get((r, c), ...) for c in range(c1, c2 + 1)] for r in range(top, bottom + 1)]
        sheet.range(f"{a1(top, c1)}:{a1(bottom, c2)}").set_colors(matrix)


def _set_note(sheet: xw.Sheet, cell: str, text: str | None) -> None:
    target = sheet.range(cell)
    if target.note is not None:
        target.note.delete()
    if text:
        target.add_note(text)


def _as_text(value: Any) -> Any:
    """Strings go in with Excel's text prefix, so ``2023``, ``1-2`` or ``=x`` are not turned into numbers,
    dates or formulas."""
    return "'" + value if isinstance(value, str) else value


def _ensure_sheet(book: xw.Book, name: str, *, first: bool = False, hidden: bool = False) -> xw.Sheet:
    sheet = _sheet(book, name)
    if sheet is not None:
        sheet.clear()
        return sheet
    sheet = book.sheets.add(name, before=book.sheets[0]) if first else book.sheets.add(name, after=book.sheets[-1])
    if hidden:
        sheet.visible = False
    return sheet


def _write_marks(book: xw.Book, marks: dict[Key, Mark]) -> None:
    sheet = _ensure_sheet(book, MARKS_SHEET, hidden=True)
    rows = [list(MARKS_HEADER)] + [[s, c, m.fill, m.note] for (s, c), m in sorted(marks.items())]
    sheet.range("A1").value = [[_as_text(v) for v in row] for row in rows]


def _link_formula(target: str, text: str) -> str:
    sheet, _, cell = target.rpartition("!")
    quoted = sheet.replace("'", "''").replace('"', '""')
    return f'=HYPERLINK("#\'{quoted}\'!{cell}","{text}")'


def _write_results(book: xw.Book, action: Action) -> None:
    """审核结果 as one block; the 单元格 column holds HYPERLINK formulas, so the links come in the same write.
    A hidden record sheet of ours (说明记录) is one block of values."""
    if action.hidden:
        record = _ensure_sheet(book, action.sheet, hidden=True)
        record.range("A1").value = [[_as_text(v) for v in row] for row in action.values or []]
        return
    sheet = _ensure_sheet(book, RESULTS_SHEET, first=True)
    header, *rows = action.values or [list(RESULTS_HEADER)]
    block = [[_as_text(v) for v in header]]
    for row, target in zip(rows, action.links, strict=True):
        cells = [_as_text(v) for v in row]
        cells[LINK_COLUMN] = _link_formula(target, str(row[LINK_COLUMN]))
        block.append(cells)
    sheet.range("A1").value = block
    sheet.range((1, 1), (1, len(header))).font.bold = True
    sheet.range(AMOUNT_COLUMNS).number_format = "#,##0.00"
    sheet.autofit("c")
    sheet.range((1, MESSAGE_COLUMN + 1)).column_width = 60


def _plan_fills(plan: Plan) -> dict[Key, str]:
    fills: dict[Key, str] = {}
    for action in plan.by_func("setRangeColor"):
        for rect in action.cells:
            fills.update({(action.sheet, cell): action.args[0] for cell in expand(rect)})
    return fills


def apply_plan(book: xw.Book, plan: Plan, *, scope: set[str] | None = None) -> Applied:
    """Apply ``plan`` to the open workbook.

    ``scope`` names the sheets whose earlier marks this plan replaces (``None``: all sheets - 检查全部; the
    active sheet - 检查本表; none - 填充派生列, which adds to the marks already there). Earlier marks in
    scope that the plan does not mark again are restored. Everything is worked out before the first edit;
    an error while editing raises :class:`ApplyError` after the record of original fills is in place.
    """
    caps = capabilities(book)
    missing = sorted({a.sheet for a in plan.actions if a.func != "writeResults"} - {s.name for s in book.sheets})
    if missing:
        raise ValueError(f"工作簿中没有工作表：{'、'.join(missing)}")
    records = read_marks(book)
    new_fills = _plan_fills(plan)
    notes = {(a.sheet, a.cells[0]): a.args[0] for a in plan.by_func("addNote")} if caps.read_formats else {}
    touched = set(new_fills) | set(notes)
    stale = {k for k in records if (scope is None or k[0] in scope) and k not in touched}
    originals = {**_current_marks(book, touched - set(records), caps), **records}
    kept = {k: m for k, m in originals.items() if k not in stale}
    fills: dict[str, dict[str, str | None]] = defaultdict(dict)
    for (sheet, cell) in stale:
        fills[sheet][cell] = records[(sheet, cell)].fill
    for (sheet, cell), colour in new_fills.items():
        fills[sheet][cell] = colour

    active = book.sheets.active.name
    if caps.screen_updating:
        book.app.screen_updating = False
    try:
        if originals != records:
            _write_marks(book, originals)
        for action in plan.by_func("setValues"):
            block = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in action.values or []]
            book.sheets[action.sheet].range(action.start or "A1").value = block
        for action in plan.by_func("setNumberFormat"):
            for chunk in union_chunks(action.cells) if caps.union_ranges else action.cells:
                book.sheets[action.sheet].range(chunk).number_format = action.args[0]
        for sheet, cells in fills.items():
            _colour(book.sheets[sheet], cells, caps)
        if caps.read_formats:
            for sheet, cell in sorted(stale):
                _set_note(book.sheets[sheet], cell, records[(sheet, cell)].note)
            for (sheet, cell), text in sorted(notes.items()):
                _set_note(book.sheets[sheet], cell, text)
        if stale:
            _write_marks(book, kept)
        for action in plan.by_func("writeResults"):
            _write_results(book, action)
        book.sheets[active].activate()
    except Exception as exc:
        raise ApplyError(f"标注过程中 Excel 出错（{exc}）：标注可能不完整，可点击“清除标注”恢复原样后重试。") from exc
    finally:
        if caps.screen_updating:
            book.app.screen_updating = True
    return Applied(marked=len(new_fills), restored=len(stale), notes=len(notes))


def clear_marks(book: xw.Book) -> int:
    """Restore every recorded fill (and, where the engine can, note); drop 审核结果 and the record.
    Returns the number of cells restored; values are never touched."""
    caps = capabilities(book)
    records = read_marks(book)
    present = {s.name for s in book.sheets}
    fills: dict[str, dict[str, str | None]] = defaultdict(dict)
    for (sheet, cell), mark in records.items():
        if sheet in present:
            fills[sheet][cell] = mark.fill
    for sheet, cells in fills.items():
        _colour(book.sheets[sheet], cells, caps)
        if caps.read_formats:
            for cell in sorted(cells):
                _set_note(book.sheets[sheet], cell, records[(sheet, cell)].note)
    for name in (MARKS_SHEET, RESULTS_SHEET):
        sheet = _sheet(book, name)
        if sheet is not None:
            sheet.delete()
    return sum(len(cells) for cells in fills.values())
