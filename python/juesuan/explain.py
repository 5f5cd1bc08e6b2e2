"""说明 for findings: a user explains a finding, and the next check shows it as 已说明 while the cell is unchanged.

A 说明 is written in the 说明 column of the 审核结果 sheet (in Excel, or in the marked copy), or given in a
``--explain`` file keyed by 规则, 工作表, 单元格. Every check keeps them in the hidden sheet
:data:`EXPLAIN_SHEET` together with the value the cell had when it was explained, so they survive saving,
re-opening and 清除标注. A finding with a 说明 and the same value is info (已说明) and no longer counts; once the
value changes it counts again, with the old 说明 shown, until the 说明 is edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .findings import Finding, Severity
from .grid import Grid, cell_text, norm_text
from .numbers import NotANumber, parse_number
from .plan import EXPLAIN_SHEET, RESULTS_SHEET, Action, clip_text, own_name
from .read import InputError
from .rules import load_catalogue

__all__ = ["EXPLAIN_HEADER", "EXPLAIN_SHEET", "Explanation", "Explanations", "read_explain_file"]

EXPLAIN_HEADER = ["规则", "工作表", "单元格", "说明", "说明时数值"]
EXPLAINED = "已说明"

Key = tuple[str, str, str]  # (rule, sheet, cell)


@dataclass
class Explanation:
    """A user's 说明 and the cell's value when it was given (``known`` is False until a check has seen it)."""

    text: str
    value: Decimal | None = None
    known: bool = True

    def __post_init__(self) -> None:  # as a cell holds it, so the record read back compares equal
        self.text = clip_text(self.text)


def _amount(value: object) -> Decimal | None:
    try:
        return parse_number(value)
    except NotANumber:
        return None


def _rows(values: Sequence[Sequence[object]], columns: Sequence[str]) -> Iterable[dict[str, object]]:
    """Data rows of a sheet or file whose first row names ``columns`` (any order, extra columns ignored)."""
    if not values:
        return
    names = [norm_text(v) for v in values[0]]
    if not all(c in names for c in columns[:3]):
        return
    index = {c: names.index(c) for c in columns if c in names}
    for row in values[1:]:
        cells = {c: row[i] if i < len(row) else None for c, i in index.items()}
        if all(cell_text(cells.get(c)) for c in columns[:3]):
            yield cells


_LINK = re.compile(r'^=HYPERLINK\(.*,\s*"([^"]*)"\s*\)$', re.IGNORECASE)


def _ours(grids: list[Grid], name: str, columns: Sequence[str]) -> list[list[object]]:
    """The rows of our sheet ``name`` - called ``name（2）`` when the user has a sheet of that name - told from a
    user's sheet by its header."""
    for grid in grids:
        if own_name(grid.sheet) == name and grid.values and all(c in map(norm_text, grid.values[0]) for c in columns):
            return grid.values
    return []


def _key(cells: Mapping[str, object]) -> Key:
    """(规则, 工作表, 单元格); the 单元格 of 审核结果 may come back as its HYPERLINK formula."""
    cell = cell_text(cells["单元格"])
    if m := _LINK.match(cell):
        cell = m.group(1)
    return (cell_text(cells["规则"]), cell_text(cells["工作表"]), cell.replace("$", "").upper())


def read_explain_file(path: str | Path) -> dict[Key, str]:
    """A ``--explain`` file (.csv or .xlsx) with the columns 规则, 工作表, 单元格, 说明: an 审核结果 sheet saved
    on its own works too. An empty 说明 withdraws an earlier one."""
    from .formula.rulefile import WORKBOOKS, read_rows

    path = Path(path)
    if path.suffix.lower() not in (*WORKBOOKS, ".csv"):
        raise InputError(f"说明文件应为 .csv 或 .xlsx：{path.name}")
    values = read_rows(path, RESULTS_SHEET, "说明文件")
    found = {_key(cells): cell_text(cells.get("说明")) for cells in _rows(values, ["规则", "工作表", "单元格", "说明"])}
    if not found:
        raise InputError(f"说明文件中没有可用的行（应有“规则”“工作表”“单元格”“说明”四列）：{path.name}")
    return found


class Explanations:
    """The 说明 of one workbook: read from its sheets (:meth:`read`), applied to the findings of a check
    (:meth:`apply`), written back as the hidden record (:meth:`actions`)."""

    def __init__(self, extra: Mapping[Key, str] | None = None) -> None:
        self.extra = dict(extra or {})
        self.records: dict[Key, Explanation] = {}
        self.stored: dict[Key, tuple[str, Decimal | None]] | None = None  # the record as read, None = no sheet

    def read(self, grids: Iterable[Grid]) -> None:
        """The record, then the user's edits in 审核结果 (a changed 说明 is new, an emptied one withdrawn), then
        the ``--explain`` file."""
        grids = list(grids)
        record = _ours(grids, EXPLAIN_SHEET, EXPLAIN_HEADER)
        for cells in _rows(record, EXPLAIN_HEADER):
            self.records[_key(cells)] = Explanation(cell_text(cells.get("说明")), _amount(cells.get("说明时数值")))
        self.stored = self._state() if record else None
        columns = ["规则", "工作表", "单元格", "实为", "说明"]
        for cells in _rows(_ours(grids, RESULTS_SHEET, columns), columns):
            key, text = _key(cells), cell_text(cells.get("说明"))
            known = self.records.get(key)
            if known is not None and known.text == text:
                continue
            if text:
                self.records[key] = Explanation(text, _amount(cells.get("实为")))
            else:
                self.records.pop(key, None)
        for key, text in self.extra.items():
            if text:
                self.records[key] = Explanation(text, known=False)
            else:
                self.records.pop(key, None)

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Findings with their 说明: 已说明 (info) while the value is the one explained, else counted as before.
        A suspect-cell finding of localisation (L01) is explained when every finding that points to it is."""
        out = self._direct(findings)
        localising = {r.id for r in load_catalogue() if r.kind == "localise"}
        for i, finding in enumerate(out):
            if finding.rule not in localising or finding.suspect is None or finding.explanation:
                continue
            behind = [f for f in out if f.suspect == finding.suspect and f.rule not in localising]
            if behind and all(f.severity is Severity.info and f.explanation for f in behind):
                out[i] = finding.model_copy(update={  # no 说明 of its own: it follows theirs
                    "severity": Severity.info, "message": f"{EXPLAINED}（所涉勾稽关系均已说明）：{finding.message}",
                })
        return out

    def _direct(self, findings: list[Finding]) -> list[Finding]:
        out = []
        for finding in findings:
            record = self.records.get((finding.rule, finding.sheet, finding.cell))
            if record is None:
                out.append(finding)
                continue
            if not record.known:
                record.value, record.known = finding.actual, True
            if record.value == finding.actual:
                out.append(finding.model_copy(update={
                    "severity": Severity.info, "explanation": record.text, "message": f"{EXPLAINED}：{finding.message}",
                }))
            else:
                was = "空白" if record.value is None else f"{record.value:,}"
                now = "空白" if finding.actual is None else f"{finding.actual:,}"
                out.append(finding.model_copy(update={
                    "explanation": record.text,
                    "message": f"{finding.message}（说明时数值为 {was}，现为 {now}：请核实后修改说明）",
                }))
        return out

    def _state(self) -> dict[Key, tuple[str, Decimal | None]]:
        return {key: (e.text, e.value) for key, e in self.records.items()}

    def actions(self) -> list[Action]:
        """The hidden record, written when it changed (a new, edited or withdrawn 说明)."""
        if self._state() == (self.stored if self.stored is not None else {}):
            return []
        rows: list[list[object]] = [list(EXPLAIN_HEADER)]
        rows += [[rule, sheet, cell, e.text, float(e.value) if e.value is not None else None]
                 for (rule, sheet, cell), e in sorted(self.records.items())]
        return [Action(func="writeResults", sheet=EXPLAIN_SHEET, start="A1", values=rows, hidden=True)]
