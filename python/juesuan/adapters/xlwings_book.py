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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlwings as xw
from xlwings.utils import int_to_rgb, rgb_to_hex

from ..grid import Grid, a1, normalise_value, parse_a1
from ..plan import (
    AMOUNT_HEADERS,
    COLORS,
    KEPT_SHEETS,
    MARKS_HEADER,
    MARKS_SHEET,
    OWN_MARKER,
    RESULTS_HEADER,
    RESULTS_SHEET,
    SEVERITY_HEADER,
    WRAPPED_HEADERS,
    Action,
    MarkRecord,
    Plan,
    clip_text,
    column_width,
    expand,
    mark_row,
    marker_value,
    own_name,
    rectangles,
    runs,
)
from .record import read_records

__all__ = [
    "ApplyError",
    "Applied",
    "Capabilities",
    "Mark",
    "apply_plan",
    "capabilities",
    "clear_marks",
    "limits",
    "own_sheets",
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
    """One marked cell's state before juesuan touched it: fill ``#RRGGBB`` (``None`` = no fill, or one only
    ``detail`` describes), note text, the note's author and box size (points), and ``detail``: the exact
    interior as desktop Excel reports it (``{"interior": {...}}``: pattern, colours, theme colours, tints,
    gradient stops), or the file adapter's record of the cell format."""

    fill: str | None
    note: str | None
    author: str | None = None
    size: tuple[float, float] | None = None
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


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


def own_sheets(book: xw.Book) -> dict[str, xw.Sheet]:
    """juesuan's own sheets by name: those carrying the hidden sheet-level name :data:`~juesuan.plan.OWN_MARKER`
    with their own name as its value (a user's sheet called 审核结果 has none; a copy the user made of ours has
    another name). One pass over the workbook's names."""
    present = {s.name: s for s in book.sheets}
    out = {}
    for name in book.names:
        scope, _, local = name.name.rpartition("!")
        if len(scope) > 1 and scope[0] == scope[-1] == "'":
            scope = scope[1:-1].replace("''", "'")
        if local == OWN_MARKER and scope in present and name.refers_to == "=" + marker_value(scope):
            out[scope] = present[scope]
    return out


def _own_sheet(book: xw.Book, wanted: str) -> xw.Sheet | None:
    return next((sheet for name, sheet in own_sheets(book).items() if own_name(name) == wanted), None)


def read_marks(book: xw.Book) -> dict[Key, Mark]:
    """The hidden record: for every cell juesuan has marked, its fill and note from before (written by this
    adapter or by the file adapter: the same columns)."""
    sheet = _own_sheet(book, MARKS_SHEET)
    if sheet is None:
        return {}
    rows = sheet.used_range.options(ndim=2).value or []
    records, _unusable = read_records(rows[1:])  # a row that cannot be used is left out: its cell is not restored
    return {(r.sheet, r.cell): Mark(r.fill, r.note, r.author, r.size, r.detail) for r in records}


#: Interior properties that together say exactly how a cell is filled (COM names).
INTERIOR = ("Pattern", "Color", "PatternColor", "ThemeColor", "TintAndShade", "PatternThemeColor", "PatternTintAndShade")
XL_PATTERN_SOLID = 1
XL_GRADIENTS = (4000, 4001)  # xlPatternLinearGradient, xlPatternRectangularGradient


def _current_marks(book: xw.Book, keys: Iterable[Key], caps: Capabilities) -> dict[Key, Mark]:
    """Fill and note of cells about to be marked for the first time. Fills are read per union chunk (one call
    when none of its cells has a fill), per rectangle, and cell by cell only where a rectangle's fills differ;
    notes are read once per sheet, from the sheet's own list of comments."""
    by_sheet: dict[str, list[str]] = defaultdict(list)
    for sheet, cell in keys:
        by_sheet[sheet].append(cell)
    out: dict[Key, Mark] = {}
    for name, cells in by_sheet.items():
        if not caps.read_formats:
            out.update({(name, c): Mark(None, None) for c in cells})
            continue
        sheet = book.sheets[name]
        fills: dict[str, dict[str, Any] | None] = {}
        for chunk in union_chunks(rectangles(parse_a1(c) for c in cells)):
            fills.update(_read_fills(sheet, chunk))
        notes = _read_notes(sheet)
        for cell in cells:
            interior = fills[cell]
            text, author, size = notes.get(cell, (None, None, None))
            out[(name, cell)] = Mark(_portable(interior), text, author, size, {"interior": interior} if interior else {})
    return out


def _read_fills(sheet: xw.Sheet, address: str) -> dict[str, dict[str, Any] | None]:
    """Each cell's interior (``None`` = no fill) for a rectangle or a union of them: one call when the cells
    agree, split up where COM reports Null (cells differ)."""
    interior = sheet.range(address).api.Interior
    index = interior.ColorIndex
    if index is None and ("," in address or ":" in address):
        out: dict[str, dict[str, Any] | None] = {}
        for part in address.split(",") if "," in address else expand(address):
            out.update(_read_fills(sheet, part))
        return out
    cells = [c for rect in address.split(",") for c in expand(rect)]
    if index == XL_COLOR_INDEX_NONE:
        return dict.fromkeys(cells, None)
    details = _interior(interior)
    if any(v is None for k, v in details.items() if k != "Gradient") and len(cells) > 1:
        out = {}
        for cell in cells:
            out.update(_read_fills(sheet, cell))
        return out
    return dict.fromkeys(cells, details)


def _get(obj: Any, name: str) -> Any:
    """A COM property, ``None`` where Excel has none to give (ThemeColor of a plain RGB colour raises)."""
    try:
        return getattr(obj, name)
    except Exception:  # COM raises its own error types for properties that do not apply
        return None


def _interior(interior: Any) -> dict[str, Any]:
    details = {name: _get(interior, name) for name in INTERIOR}
    if details["Pattern"] in XL_GRADIENTS:
        gradient = interior.Gradient
        stops = gradient.ColorStops
        details["Gradient"] = {
            "Degree": _get(gradient, "Degree"),
            **{side: _get(gradient, side) for side in ("RectangleLeft", "RectangleRight", "RectangleTop", "RectangleBottom")},
            "Stops": [{k: _get(stop, k) for k in ("Position", "Color", "ThemeColor", "TintAndShade")}
                      for stop in (stops.Item(i) for i in range(1, stops.Count + 1))],
        }
    return details


def _portable(interior: dict[str, Any] | None) -> str | None:
    """The ``#RRGGBB`` another adapter can restore: the colour of a solid fill."""
    if not interior or interior.get("Pattern") != XL_PATTERN_SOLID or interior.get("Color") is None:
        return None
    return rgb_to_hex(*int_to_rgb(int(interior["Color"]))).upper()


def _plain(interior: dict[str, Any]) -> bool:
    """A solid RGB fill, which the portable colour restores exactly."""
    return _portable(interior) is not None and interior.get("ThemeColor") is None and not interior.get("TintAndShade")


def _read_notes(sheet: xw.Sheet) -> dict[str, tuple[str, str, tuple[float, float]]]:
    """Every note of a sheet with its author and box size, in one pass over the sheet's comments."""
    out = {}
    comments = sheet.api.Comments
    for i in range(1, comments.Count + 1):
        comment = comments.Item(i)
        shape = comment.Shape
        out[comment.Parent.Address.replace("$", "")] = (comment.Text(), comment.Author, (shape.Width, shape.Height))
    return out


def _restore_interiors(book: xw.Book, marks: dict[Key, Mark]) -> None:
    """Put back the exact interiors desktop Excel recorded (patterns, theme colours, gradients): after the
    plain colours, once per group of cells that had the same interior."""
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    details: dict[str, dict[str, Any]] = {}
    for (sheet, cell), mark in marks.items():
        interior = mark.detail.get("interior")
        if interior and not _plain(interior):
            key = repr(sorted(interior.items()))
            details[key] = interior
            groups[(sheet, key)].append(parse_a1(cell))
    for (sheet, key), cells in groups.items():
        for chunk in union_chunks(rectangles(cells)):
            _set_interior(book.sheets[sheet].range(chunk).api.Interior, details[key])


def _set_interior(interior: Any, details: dict[str, Any]) -> None:
    pattern = details.get("Pattern")
    gradient = details.get("Gradient")
    if pattern in XL_GRADIENTS and gradient:
        interior.Pattern = pattern
        target = interior.Gradient
        for name in ("Degree", "RectangleLeft", "RectangleRight", "RectangleTop", "RectangleBottom"):
            if gradient.get(name) is not None:
                setattr(target, name, gradient[name])
        target.ColorStops.Clear()
        for stop in gradient["Stops"]:
            added = target.ColorStops.Add(stop["Position"])
            _set_colour(added, "", stop)
        return
    _set_colour(interior, "", details)
    _set_colour(interior, "Pattern", details)
    if pattern is not None:
        interior.Pattern = pattern


def _set_colour(target: Any, prefix: str, details: dict[str, Any]) -> None:
    """``Color``/``ThemeColor`` and ``TintAndShade`` (or their ``Pattern`` twins), theme colour first."""
    theme, colour, tint = (details.get(prefix + n) for n in ("ThemeColor", "Color", "TintAndShade"))
    if theme is not None:
        setattr(target, prefix + "ThemeColor", theme)
    elif colour is not None:
        setattr(target, prefix + "Color", colour)
    if tint is not None:
        setattr(target, prefix + "TintAndShade", tint)


def _restore_note(book: xw.Book, sheet: xw.Sheet, cell: str, mark: Mark) -> None:
    """The note as it was: text, author (Excel takes it from the user name when a note is added, so that is
    lent for the moment) and box size."""
    target = sheet.range(cell)
    if target.note is not None:
        target.note.delete()
    if not mark.note:
        return
    user = book.app.api.UserName if mark.author else None
    try:
        if mark.author:
            book.app.api.UserName = mark.author
        target.add_note(mark.note)
    finally:
        if mark.author:
            book.app.api.UserName = user
    if mark.size:
        shape = target.note.api.Shape
        shape.Width, shape.Height = mark.size


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


def _set_note(sheet: xw.Sheet, cell: str, text: str | None, had_note: bool | None = None) -> None:
    """Replace a cell's note (Excel adds notes one cell at a time). ``had_note``, known from one pass over the
    sheet's notes (:func:`_read_notes`), saves reading the cell first; ``None`` asks the cell."""
    target = sheet.range(cell)
    if had_note is None:
        had_note = target.note is not None
    if had_note:
        target.api.ClearComments()
    if text:
        target.add_note(text)


def _as_text(value: Any) -> Any:
    """Strings go in with Excel's text prefix, so ``2023``, ``1-2`` or ``=x`` are not turned into numbers,
    dates or formulas; a text longer than a cell holds is clipped."""
    return "'" + clip_text(value) if isinstance(value, str) else value


def _ensure_own_sheet(book: xw.Book, wanted: str, *, first: bool = False, hidden: bool = False,
                      after: xw.Sheet | None = None) -> xw.Sheet:
    """Our sheet called ``wanted``, emptied, or a new one, marked as ours: the first sheet, or right ``after``
    another, or the last. When the user has a sheet of that name ours gets a number (审核结果（2）): a sheet of the
    user's is never cleared."""
    sheet = _own_sheet(book, wanted)
    if sheet is not None:
        sheet.clear()
        return sheet
    taken = {s.name.casefold() for s in book.sheets}
    name, n = wanted, 1
    while name.casefold() in taken:
        n += 1
        name = f"{wanted}（{n}）"
    if first:
        sheet = book.sheets.add(name, before=book.sheets[0])
    else:
        sheet = book.sheets.add(name, after=after if after is not None else book.sheets[-1])
    marker = sheet.names.add(OWN_MARKER, "=" + marker_value(name))
    if capabilities(book).read_formats:
        marker.api.Visible = False
    if hidden:
        sheet.visible = False
    return sheet


def _record_value(value: str) -> str | None:
    return _as_text(value) if value else None


def _write_marks(book: xw.Book, marks: dict[Key, Mark]) -> None:
    sheet = _ensure_own_sheet(book, MARKS_SHEET, hidden=True)
    rows = [list(MARKS_HEADER)] + [
        mark_row(MarkRecord(s, c, m.fill, m.note, m.author, m.size, m.detail)) for (s, c), m in sorted(marks.items())
    ]
    sheet.range("A1").value = [[_record_value(v) for v in row] for row in rows]


def _link_formula(target: str, text: str) -> str:
    sheet, _, cell = target.rpartition("!")
    quoted = sheet.replace("'", "''").replace('"', '""')
    shown = text.replace('"', '""')  # the text is a string constant of the formula, never formula text
    return f'=HYPERLINK("#\'{quoted}\'!{cell}","{shown}")'


def _column_runs(header: list[Any], names: Iterable[str]) -> list[tuple[int, int]]:
    """Stretches of neighbouring columns whose headers are among ``names`` (one call formats each)."""
    return runs([c for c, h in enumerate(header) if h in names])


def _write_results(book: xw.Book, action: Action) -> None:
    """A sheet of ours (``action.sheet``: 审核结果, 说明核对 …) as one block; the link column holds HYPERLINK
    formulas, so the links come in the same write. Visible sheets get the 审核结果 look: bold header, columns
    sized by header name, amounts as #,##0.00, wrapped long texts, severity cells coloured by severity, and in
    desktop Excel a filter and a frozen header row."""
    results = _own_sheet(book, RESULTS_SHEET) if action.sheet != RESULTS_SHEET else None
    sheet = _ensure_own_sheet(book, action.sheet, first=not action.hidden and results is None, hidden=action.hidden,
                              after=results)
    header, *rows = action.values or [list(RESULTS_HEADER)]
    link = action.link_column if action.link_column is not None else (
        header.index("单元格") if "单元格" in header else None)
    block = [[_as_text(v) for v in header]]
    for i, row in enumerate(rows):
        cells = [_as_text(v) for v in row]
        if link is not None and i < len(action.links) and link < len(row):
            cells[link] = _link_formula(action.links[i], str(row[link]))
        block.append(cells)
    sheet.range("A1").value = block
    if action.hidden or not header:
        return
    sheet.range((1, 1), (1, len(header))).font.bold = True
    last = max(len(block), 2)
    for c1, c2 in _column_runs(header, AMOUNT_HEADERS):
        sheet.range((2, c1 + 1), (last, c2 + 1)).number_format = "#,##0.00"
    sheet.autofit("c")  # short columns fit their content; the long texts get their width by header name
    for c1, c2 in _column_runs(header, WRAPPED_HEADERS):
        sheet.range((1, c1 + 1), (last, c2 + 1)).wrap_text = True
    widths = {c: column_width(header[c]) for c1, c2 in _column_runs(header, WRAPPED_HEADERS) for c in range(c1, c2 + 1)}
    for width in sorted(set(widths.values())):
        for c1, c2 in runs(sorted(c for c, w in widths.items() if w == width)):
            sheet.range((1, c1 + 1), (1, c2 + 1)).column_width = width
    if SEVERITY_HEADER in header:
        c = header.index(SEVERITY_HEADER)
        colours = {s.label: colour for s, colour in COLORS.items()}
        fills = {a1(r, c): colours[row[c]] for r, row in enumerate(rows, 1) if c < len(row) and row[c] in colours}
        if fills:
            _colour(sheet, fills, capabilities(book))
    if capabilities(book).read_formats:  # desktop Excel: a filter on the header, the header row frozen
        sheet.range((1, 1), (last, len(header))).api.AutoFilter(1)
        sheet.activate()  # freezing works on the active window; apply_plan goes back to the user's sheet
        window = book.app.api.ActiveWindow
        window.SplitColumn, window.SplitRow = 0, 1
        window.FreezePanes = True


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
            _restore_interiors(book, {k: records[k] for k in stale})
            for sheet, cell in sorted(stale):
                _restore_note(book, book.sheets[sheet], cell, records[(sheet, cell)])
            noted = {sheet: set(_read_notes(book.sheets[sheet])) for sheet in {s for s, _ in notes}}
            for (sheet, cell), text in sorted(notes.items()):
                _set_note(book.sheets[sheet], cell, text, cell in noted[sheet])
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
    """Restore every recorded fill - exactly, where desktop Excel recorded the interior - and, where the engine
    can, the whole note (text, author, size); drop juesuan's own sheets (never a user's sheet of the same name).
    Returns the number of cells restored; values are never touched."""
    caps = capabilities(book)
    records = read_marks(book)
    own = own_sheets(book)
    present = {s.name for s in book.sheets} - set(own)
    fills: dict[str, dict[str, str | None]] = defaultdict(dict)
    kept = {key: mark for key, mark in records.items() if key[0] in present}
    for (sheet, cell), mark in kept.items():
        fills[sheet][cell] = mark.fill
    for sheet, cells in fills.items():
        _colour(book.sheets[sheet], cells, caps)
    if caps.read_formats:
        _restore_interiors(book, kept)
        for (sheet, cell), mark in sorted(kept.items()):
            _restore_note(book, book.sheets[sheet], cell, mark)
    for name, sheet in own.items():
        if own_name(name) not in KEPT_SHEETS:  # the users' 说明 are no marks
            sheet.delete()
    return len(kept)
