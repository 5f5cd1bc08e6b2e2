"""Edits planned before they are applied: the action list every adapter executes.

A check or a fill never touches a workbook directly. It produces a :class:`Plan` - value blocks, fills
grouped by colour, notes, the 审核结果 sheet - shaped like xlwings' own action list. The openpyxl file
adapter and the live xlwings adapter apply the same plan, in blocks, and tests assert on the plan.
Nothing is applied when planning fails, so a workbook is never left half-marked.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from .findings import Finding, Report, Severity
from .grid import MAX_COL, MAX_ROW, a1, parse_a1
from .numbers import money

__all__ = [
    "Action",
    "COLORS",
    "FILL_COLOR",
    "COLUMN_WIDTHS",
    "EXPLAIN_SHEET",
    "KEPT_SHEETS",
    "MARKS_HEADER",
    "MARKS_SHEET",
    "MarkRecord",
    "UnusableRecord",
    "OWN_MARKER",
    "NARRATIVE_SHEET",
    "Plan",
    "RESULTS_HEADER",
    "as_float",
    "CELL_TEXT_LIMIT",
    "clip_text",
    "RESULTS_SHEET",
    "SUSPECT_COLOR",
    "column_width",
    "mark_row",
    "note_text",
    "marker_value",
    "own_name",
    "read_mark_row",
    "read_mark_rows",
    "plan_marks",
    "rectangles",
    "runs",
]

RESULTS_SHEET = "审核结果"
#: Sheet listing every number of the 情况说明 with its status (``juesuan.narrative``); findings about the text
#: alone point at its rows, so they are listed and linked but not coloured.
NARRATIVE_SHEET = "说明核对"
#: Hidden sheet where adapters remember each marked cell's original format and note, so 清除标注 can restore it.
MARKS_SHEET = "juesuan_标注记录"
#: Its columns, shared by both adapters so a copy marked by the CLI can be cleared in Excel and vice versa. The
#: first six are portable (a solid ``#RRGGBB`` fill, the note's text, author and size in points); 原格式 holds the
#: adapter's exact record as JSON (the file adapter: the cell format and the comment as they were; live Excel:
#: the interior's pattern, colours and theme colours), which the same adapter uses to restore exactly.
MARKS_HEADER = ["工作表", "单元格", "原填充", "原批注", "批注作者", "批注大小", "原格式"]
#: Hidden sheet of the users' 说明 for findings (juesuan.explain): one of our sheets, but no mark, so 清除标注 keeps it.
EXPLAIN_SHEET = "juesuan_说明记录"
#: Our sheets that clearing the marks keeps.
KEPT_SHEETS = frozenset({EXPLAIN_SHEET})
#: The hidden sheet-level defined name that marks a sheet as juesuan's (its value: the sheet's name as given),
#: so a user's own sheet called 审核结果 is never taken for ours; both adapters write and read it.
OWN_MARKER = "juesuan_own"
#: Longest text a cell holds (Excel counts UTF-16 code units): longer texts are clipped (:func:`clip_text`), and a
#: detail record past it keeps only its portable part.
CELL_TEXT_LIMIT = 32767
COLORS = {Severity.error: "#FFC7CE", Severity.warning: "#FFEB9C", Severity.info: "#DDEBF7"}
#: The cell localisation names as the one to correct (L01): a stronger red than any other error.
SUSPECT_COLOR = "#FF7C80"
#: Fill for cells that juesuan computed (填充派生列).
FILL_COLOR = "#C6EFCE"
#: Columns of 审核结果. 问题 is juesuan's message; 说明 is left for the user's explanation of a finding.
RESULTS_HEADER = ["序号", "严重程度", "规则", "工作表", "单元格", "应为", "实为", "差额", "问题", "相关单元格", "说明"]
#: Column widths of juesuan's sheets by header (Excel's width units); other headers are sized to their content.
COLUMN_WIDTHS = {"序号": 6, "严重程度": 8, "规则": 9, "工作表": 16, "单元格": 8, "应为": 12, "实为": 12, "差额": 10,
                 "问题": 60, "相关单元格": 30, "说明": 30}
#: Columns of amounts (shown as #,##0.00), long texts (wrapped) and the severity (coloured by it).
AMOUNT_HEADERS = frozenset({"应为", "实为", "差额"})
WRAPPED_HEADERS = frozenset({"问题", "相关单元格", "说明"})
SEVERITY_HEADER = "严重程度"

Func = Literal["setValues", "setNumberFormat", "setRangeColor", "addNote", "writeResults"]


class Action(BaseModel):
    """One edit. ``setValues``: a 2-D block from ``start`` (values, or formulas as ``=…`` strings);
    ``setRangeColor``: ``args[0]`` colour on every rectangle in ``cells``; ``addNote``: ``args[0]`` text on
    ``cells[0]``; ``writeResults``: a whole sheet of juesuan's named ``sheet`` (审核结果, 说明核对 …), replacing
    an earlier one of ours: ``values`` with a header row, ``links`` giving the ``sheet!cell`` target of each
    data row, shown as a hyperlink in column ``link_column`` (0-based; default the 单元格 column of
    审核结果), ``hidden`` for record sheets; ``setNumberFormat``: ``args[0]`` format on every rectangle in
    ``cells`` (a filled 执行率 fraction shows as ``0.00%``)."""

    func: Func
    sheet: str
    start: str | None = None
    cells: list[str] = Field(default_factory=list)
    values: list[list[Any]] | None = None
    args: list[Any] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    link_column: int | None = None
    hidden: bool = False


class Plan(BaseModel):
    actions: list[Action] = Field(default_factory=list)

    def by_func(self, func: str) -> list[Action]:
        return [a for a in self.actions if a.func == func]

    def marked_cells(self) -> dict[str, set[str]]:
        """Every single cell a colour action touches, per sheet (adapters remember their fills)."""
        out: dict[str, set[str]] = defaultdict(set)
        for action in self.by_func("setRangeColor"):
            for rect in action.cells:
                out[action.sheet].update(expand(rect))
        return out


def clip_text(text: str, limit: int = CELL_TEXT_LIMIT) -> str:
    """``text`` as a cell can hold it: at most ``limit`` characters as Excel counts them (UTF-16 code units, so a
    character outside the BMP counts two), a longer text cut to end with ``…``."""
    if len(text) <= limit // 2 or len(text.encode("utf-16-le", "surrogatepass")) <= 2 * limit:
        return text
    used = 0
    end = 0
    for end, ch in enumerate(text):  # whole characters only: never half a surrogate pair
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit - 1:
            break
    return text[:end] + "…"


def column_width(header: object, values: Iterable[object] = ()) -> float:
    """The width of a column of juesuan's sheets: by its header name, else as wide as its longest text (CJK
    characters count double), between 6 and 60."""
    if header in COLUMN_WIDTHS:
        return COLUMN_WIDTHS[str(header)]
    longest = max((text_units(v) for v in (header, *values) if v is not None), default=0)
    return min(max(6, longest + 2), 60)


def text_units(value: object) -> int:
    """Width of a text in column units: CJK characters are about two units wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


_NUMBERED = re.compile(r"（\d+）$")


def own_name(sheet: str) -> str:
    """The name of one of juesuan's sheets without the number it got because the user's workbook already had
    a sheet of that name: ``审核结果（2）`` -> ``审核结果``."""
    return _NUMBERED.sub("", sheet)


def marker_value(sheet: str) -> str:
    """What :data:`OWN_MARKER` holds on one of our sheets: its name as a string constant."""
    return '"' + sheet.replace('"', '""') + '"'


@dataclass(frozen=True)
class MarkRecord:
    """A marked cell as it was before juesuan touched it (one row of :data:`MARKS_SHEET`).

    ``fill`` is a solid ``#RRGGBB`` fill (``None``: no fill, or one the portable columns cannot describe);
    ``note``/``author``/``size`` the note, if any; ``detail`` the adapter's exact record (see MARKS_HEADER)."""

    sheet: str
    cell: str
    fill: str | None = None
    note: str | None = None
    author: str | None = None
    size: tuple[float, float] | None = None
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def mark_row(mark: MarkRecord) -> list[str]:
    """The record sheet's row for a mark (all text, so no spreadsheet turns a sheet called 2023 into a number)."""
    detail = json.dumps(mark.detail, ensure_ascii=False) if mark.detail else ""
    if len(detail) > CELL_TEXT_LIMIT:  # a huge rich-text note: keep the cell format, restore the note as text
        detail = json.dumps({k: v for k, v in mark.detail.items() if k not in ("comment_xml", "shape")}, ensure_ascii=False)
    size = f"{mark.size[0]:g}×{mark.size[1]:g}" if mark.size else ""
    return [mark.sheet, mark.cell, mark.fill or "", mark.note or "", mark.author or "", size, detail]


class UnusableRecord(ValueError):
    """A row of :data:`MARKS_SHEET` that cannot be used (a value of the wrong kind, out of range, or edited by
    hand): its cell is not restored, and the user is told how many such rows there were."""


#: A cell address as the record holds it.
_RECORD_CELL = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")
_RECORD_FILL = re.compile(r"^#?(?:[0-9A-Fa-f]{2})?([0-9A-Fa-f]{6})$")
#: Largest note box taken from a record, in points (a note is never this big; a bigger number was typed by hand).
_MAX_NOTE_SIZE = 100_000.0


def read_mark_row(row: list[Any]) -> MarkRecord | None:
    """A record row back, also from a record of juesuan's first versions (four columns, ARGB fills) and from
    spreadsheets that hand a sheet called 2023 back as 2023.0. ``None`` for a row without sheet or cell (an
    empty row); raises :class:`UnusableRecord` for a row whose cell, fill, note size or 原格式 cannot be what
    juesuan wrote (the adapters check what the 原格式 holds: :mod:`juesuan.adapters.record`)."""
    cells = [_record_text(v) for v in (list(row) + [None] * len(MARKS_HEADER))[: len(MARKS_HEADER)]]
    sheet, cell, fill, note, author, size, detail = cells
    if not sheet or not cell:
        if any(cells):
            raise UnusableRecord("缺少工作表或单元格")
        return None
    address = _RECORD_CELL.match(cell.strip().upper())
    if address is None:
        raise UnusableRecord(f"单元格地址无效：{cell}")
    r, c = parse_a1(address.group(0))
    if not (0 <= r < MAX_ROW and 0 <= c < MAX_COL):
        raise UnusableRecord(f"单元格地址超出工作表范围：{cell}")
    colour = _RECORD_FILL.match(fill.strip()) if fill else None
    if fill and colour is None:
        raise UnusableRecord(f"原填充不是颜色：{fill}")
    parsed_size: tuple[float, float] | None = None
    if size:
        try:
            width, height = (float(x) for x in size.split("×"))
        except ValueError:
            raise UnusableRecord(f"批注大小无效：{size}") from None
        if not all(0 < v <= _MAX_NOTE_SIZE for v in (width, height)):  # also false for nan
            raise UnusableRecord(f"批注大小无效：{size}")
        parsed_size = (width, height)
    try:
        parsed = json.loads(detail) if detail else {}
    except (ValueError, RecursionError):
        raise UnusableRecord("原格式不是有效的 JSON") from None
    if not isinstance(parsed, dict):
        raise UnusableRecord("原格式不是 JSON 对象")
    return MarkRecord(sheet, address.group(0), "#" + colour.group(1).upper() if colour else None, note, author,
                      parsed_size, parsed)


def read_mark_rows(rows: Iterable[list[Any]]) -> tuple[list[MarkRecord], int]:
    """The usable records of the rows below the record's header, and how many rows were not usable (empty
    rows are neither)."""
    records: list[MarkRecord] = []
    unusable = 0
    for row in rows:
        try:
            record = read_mark_row(row)
        except UnusableRecord:
            unusable += 1
            continue
        if record is not None:
            records.append(record)
    return records, unusable


def _record_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def expand(rect: str) -> list[str]:
    """``C5:D6`` -> the four cell addresses."""
    first, _, last = rect.partition(":")
    r1, c1 = parse_a1(first)
    r2, c2 = parse_a1(last or first)
    return [a1(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive stretches of sorted integers: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    out: list[tuple[int, int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def rectangles(cells: Iterable[tuple[int, int]]) -> list[str]:
    """Cover a set of 0-based cells with few rectangles: vertical runs per column, then runs of
    neighbouring columns with the same rows merged. Few rectangles = few COM calls."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in set(cells):
        by_col[c].append(r)
    columns_of_run: dict[tuple[int, int], list[int]] = defaultdict(list)
    for c, rows in by_col.items():
        for run in runs(sorted(rows)):
            columns_of_run[run].append(c)
    out = sorted((r1, c1, r2, c2) for (r1, r2), cols in columns_of_run.items() for c1, c2 in runs(sorted(cols)))
    return [a1(r1, c1) if (r1, c1) == (r2, c2) else f"{a1(r1, c1)}:{a1(r2, c2)}" for r1, c1, r2, c2 in out]


def _fmt(value: Decimal | None) -> str:
    """An amount for a note (see :func:`money`)."""
    return "—" if value is None else money(value)


def note_text(findings: list[Finding]) -> str:
    """The comment on a marked cell: rule, 应为, 实为, 差额 and the identity in words, per finding."""
    parts = []
    for f in findings:
        line = f"[{f.severity.label}] {f.rule} {f.message}"
        if f.expected is not None or f.actual is not None:
            line += f"\n应为 {_fmt(f.expected)}，实为 {_fmt(f.actual)}，差额 {_fmt(f.difference)}"
        parts.append(line)
    return "\n\n".join(parts)


_RANK = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def _order(finding: Finding) -> tuple[int, int]:
    """Errors first, and among them the cells localisation points at (L01 suspect, L02 missing row) first: the
    accountant corrects those and the totals they broke come right."""
    return (_RANK[finding.severity], 0 if finding.rule.startswith("L") else 1)


def is_consequence(finding: Finding) -> bool:
    """A total broken by a suspect cell elsewhere: marked as a warning, pointing at the suspect."""
    suspect = finding.suspect
    return suspect is not None and (suspect.sheet, suspect.cell) != (finding.sheet, finding.cell) and not finding.rule.startswith("L")


def results_rows(report: Report) -> tuple[list[list[Any]], list[str]]:
    """Rows of the 审核结果 sheet (header first) and the link target of each data row."""
    rows: list[list[Any]] = [list(RESULTS_HEADER)]
    links = []
    for i, f in enumerate(sorted(report.findings, key=_order), 1):
        rows.append([
            i, f.severity.label, f.rule, f.sheet, f.cell,
            as_float(f.expected), as_float(f.actual), as_float(f.difference), f.message, compact_refs(f.related),
            f.explanation or "",
        ])
        links.append(f"{f.sheet}!{f.cell}")
    return rows, links


def compact_refs(refs: list[str], limit: int = 12) -> str:
    """``a!C1、a!C2、b!D4`` -> ``a!C1、C2；b!D4``: the sheet name once per sheet keeps the column readable;
    long lists are cut after ``limit`` cells (the JSON report keeps them all)."""
    by_sheet: dict[str, list[str]] = defaultdict(list)
    for ref in refs[:limit]:
        sheet, _, cell = ref.rpartition("!")
        by_sheet[sheet].append(cell)
    text = "；".join(f"{sheet}!{'、'.join(cells)}" for sheet, cells in by_sheet.items())
    return f"{text} 等共 {len(refs)} 个" if len(refs) > limit else text


def as_float(value: Decimal | None) -> float | None:
    """Amounts for spreadsheet cells, which hold floats."""
    return None if value is None else float(value)


def plan_marks(report: Report) -> Plan:
    """Colour each finding's cell by its worst severity, note every finding on it, write 审核结果. A total that
    only a suspect cell elsewhere broke is coloured as a warning (its note points at the suspect), so the red
    cells are the ones to correct."""
    per_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.sheet != NARRATIVE_SHEET:
            per_cell[(f.sheet, f.cell)].append(f)
    by_colour: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    actions: list[Action] = []
    for (sheet, cell), found in per_cell.items():
        worst = min((Severity.warning if is_consequence(f) else f.severity for f in found), key=_RANK.__getitem__)
        colour = SUSPECT_COLOR if any(f.rule == "L01" for f in found) else COLORS[worst]
        by_colour[(sheet, colour)].append(parse_a1(cell))
    for (sheet, colour), cells in sorted(by_colour.items()):
        actions.append(Action(func="setRangeColor", sheet=sheet, args=[colour], cells=rectangles(cells)))
    for (sheet, cell), found in per_cell.items():
        actions.append(Action(func="addNote", sheet=sheet, cells=[cell], args=[note_text(sorted(found, key=_order))]))
    rows, links = results_rows(report)
    actions.append(Action(func="writeResults", sheet=RESULTS_SHEET, start="A1", values=rows, links=links))
    if report.narrative_source is not None:
        from .narrative.sheet import narrative_action

        actions.append(narrative_action(report))
    return Plan(actions=actions)
