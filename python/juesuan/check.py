"""Checking a workbook: recognise every sheet, run the rule catalogue, collect one report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .explain import EXPLAIN_SHEET, Explanations
from .findings import Finding, Report, Severity, Skipped, TableRef
from .formula import FORMULA_SHEET
from .grid import Grid, a1
from .plan import MARKS_SHEET, NARRATIVE_SHEET, RESULTS_SHEET, own_name
from .gongkai import TABLE_NAMES, NotATable, Table, recognise_sheet
from .rules import evaluate, load_catalogue
from .perf.checks import check_perf
from .perf.model import PerfTable
from .perf.recognise import recognise_perf

if TYPE_CHECKING:
    from .formula.rules import FormulaRule

__all__ = ["check_grids", "check_file", "recognise_all"]

#: Cells of a V04 finding named in its message.
SHOWN_CELLS = 5

#: Sheets juesuan adds to a marked copy (numbered, 审核结果（2）, when the user's workbook had the name already).
OWN_SHEETS = frozenset({RESULTS_SHEET, MARKS_SHEET, NARRATIVE_SHEET, EXPLAIN_SHEET})


def recognise_all(
    grids: list[Grid], profile: str | None = None
) -> tuple[dict[str, Table], list[PerfTable], list[TableRef], list[Skipped], list[Finding]]:
    """决算 tables by kind (first occurrence wins for cross-table rules), 绩效自评 tables, the refs of both,
    the skipped sheets, and a finding for each duplicate 决算 table."""
    tables: dict[str, Table] = {}
    perf: list[PerfTable] = []
    refs: list[TableRef] = []
    skipped: list[Skipped] = []
    extra: list[Finding] = []
    for grid in grids:
        if own_name(grid.sheet) in OWN_SHEETS or grid.sheet == FORMULA_SHEET:
            continue  # our own sheets (a marked copy checked again) and the unit's 审核公式 list are no tables
        if grid.unreadable:
            skipped.append(Skipped(sheet=grid.sheet, reason=grid.unreadable))
            continue
        try:
            found = recognise_sheet(grid)
        except NotATable as exc:
            from_perf = recognise_perf(grid, profile=profile)
            if from_perf:
                perf += from_perf
                refs += [t.ref() for t in from_perf]
            else:
                skipped.append(Skipped(sheet=grid.sheet, reason=str(exc)))
            continue
        for table in found:
            refs.append(TableRef(sheet=grid.sheet, table=table.kind, title=table.title or TABLE_NAMES[table.kind],
                                 top_left=a1(*table.title_cell)))
            if table.kind in tables:
                first = tables[table.kind]
                extra.append(Finding(
                    rule="D01", severity=Severity.warning, sheet=grid.sheet, cell=a1(*table.title_cell), table=table.kind,
                    message=f"工作簿中有两张{table.kind}表（另一张在“{first.sheet}”）：表间核对只使用第一张",
                    related=[first.qualified(first.title_cell)],
                ))
                continue
            tables[table.kind] = table
    return tables, perf, refs, skipped, extra


def _workbook_rules(grids: list[Grid]) -> tuple[list[FormulaRule], list[Finding]]:
    """The formulas of a 审核公式 sheet, and a warning at each formula that could not be read."""
    grid = next((g for g in grids if g.sheet == FORMULA_SHEET), None)
    if grid is None:
        return [], []
    from .formula.rulefile import rules_from_grid

    rules, problems = rules_from_grid(grid)
    return rules, [  # a problem of the whole list (no header row) is shown on the sheet's first cell
        Finding(rule=p.rule or FORMULA_SHEET, severity=Severity.warning, sheet=p.origin.sheet if p.origin else grid.sheet,
                cell=p.origin.cell if p.origin else "A1", message=f"审核公式未能使用：{p.message}")
        for p in problems
    ]


def check_grids(grids: list[Grid], file: str, *, sheets: set[str] | None = None, profile: str | None = None,
                narrative: str | Path | None = None, rules: Sequence[FormulaRule] = (),
                explanations: Explanations | None = None) -> Report:
    """The audit of a whole workbook. ``sheets`` limits the findings reported (检查本表), while every
    sheet is still read so cross-table rules have their data. ``profile`` forces a 绩效 scoring profile.
    ``narrative`` is a 情况说明 file (.docx/.txt) to check against the tables; without one, a sheet of the
    workbook that holds the 情况说明 is found by its content and checked. ``rules`` are a user's 审核公式
    (those of a 审核公式 sheet are added; one with the 编号 of a built-in rule replaces that rule);
    ``explanations`` collects the 说明 of the workbook (pass one to write them back with the marks; by default
    they are read and applied)."""
    from .narrative import check_narrative, find_document, load_document

    tables, perf, refs, skipped, findings = recognise_all(grids, profile)
    own_rules, problems = _workbook_rules(grids)
    user_rules = [*rules, *own_rules]
    replaced = {r.id for r in user_rules}  # a built-in rule exported, edited and brought back replaces itself
    evaluation = evaluate(tuple(r for r in load_catalogue() if r.id not in replaced), tables)
    findings += evaluation.findings
    if user_rules:
        from .formula.rules import check_formula_rules

        findings += check_formula_rules(user_rules, tables)
    findings += problems
    findings += check_perf(perf)
    findings += uncached_findings(grids, {ref.sheet for ref in refs})
    unused = {s.sheet for s in skipped}
    document = load_document(narrative) if narrative else find_document([g for g in grids if g.sheet in unused])
    story = check_narrative(document, tables) if document else None
    if story is not None:
        findings += story.findings
        if document.sheet:
            skipped = [s for s in skipped if s.sheet != document.sheet]
            refs.append(TableRef(sheet=document.sheet, table="情况说明", title="情况说明"))
    explanations = explanations if explanations is not None else Explanations()
    explanations.read(grids)
    findings = explanations.apply(findings)
    if sheets is not None:
        findings = [f for f in findings if f.sheet in sheets]
    report = Report(file=file, tables=refs, skipped=skipped, findings=findings, identities=evaluation.evaluated,
                    narrative_source=document.source if document else None, narrative=story.quotes if story else [])
    return report.finish()


def uncached_findings(grids: list[Grid], sheets: set[str]) -> list[Finding]:
    """V04, once per sheet holding a recognised table: formulas the file gives no value for. Generators write
    formulas without computing them and Excel fills the values only when it saves the file; until then every
    rule would take those cells for blanks, so the user is told how many and where instead."""
    rule = next(r for r in load_catalogue() if r.kind == "uncached")
    findings = []
    for grid in grids:
        if grid.sheet not in sheets or not grid.uncached:
            continue
        cells = [a1(r, c) for r, c in sorted(grid.uncached)]
        shown = "、".join(cells[:SHOWN_CELLS]) + ("等" if len(cells) > SHOWN_CELLS else "")
        findings.append(Finding(
            rule=rule.id, severity=rule.severity, sheet=grid.sheet, cell=cells[0],
            message=f"{len(cells)} 个公式单元格没有计算结果（文件保存时未经 Excel 计算，例如由程序生成），"
                    f"审核时按空白读取：{shown}；请在 Excel 中打开并保存后再检查",
            related=[f"{grid.sheet}!{cell}" for cell in cells[1:SHOWN_CELLS]],
        ))
    return findings


def check_file(path: str | Path, *, profile: str | None = None, narrative: str | Path | None = None,
               rules: Sequence[FormulaRule] = (), explanations: Explanations | None = None) -> Report:
    from .read import read_workbook

    return check_grids(read_workbook(path), str(path), profile=profile, narrative=narrative, rules=rules,
                       explanations=explanations)
