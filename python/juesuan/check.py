"""Checking a workbook: recognise every sheet, run the rule catalogue, collect one report."""

from __future__ import annotations

from pathlib import Path

from .findings import Finding, Report, Severity, Skipped, TableRef
from .grid import Grid, a1
from .plan import MARKS_SHEET, RESULTS_SHEET
from .gongkai import TABLE_NAMES, NotATable, Table, recognise_sheet
from .rules import load_catalogue, run
from .perf.checks import check_perf
from .perf.model import PerfTable
from .perf.recognise import recognise_perf

__all__ = ["check_grids", "check_file", "recognise_all"]

#: Cells of a V04 finding named in its message.
SHOWN_CELLS = 5

#: Sheets juesuan adds to a marked copy.
OWN_SHEETS = frozenset({RESULTS_SHEET, MARKS_SHEET})


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
        if grid.sheet in OWN_SHEETS:
            continue  # a marked copy checked again: our own sheets are no tables and no news
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


def check_grids(grids: list[Grid], file: str, *, sheets: set[str] | None = None, profile: str | None = None) -> Report:
    """The audit of a whole workbook. ``sheets`` limits the findings reported (检查本表), while every
    sheet is still read so cross-table rules have their data. ``profile`` forces a 绩效 scoring profile."""
    tables, perf, refs, skipped, findings = recognise_all(grids, profile)
    findings += run(load_catalogue(), tables)
    findings += check_perf(perf)
    findings += uncached_findings(grids, {ref.sheet for ref in refs})
    if sheets is not None:
        findings = [f for f in findings if f.sheet in sheets]
    return Report(file=file, tables=refs, skipped=skipped, findings=findings).finish()


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


def check_file(path: str | Path, *, profile: str | None = None) -> Report:
    from .read import read_workbook

    return check_grids(read_workbook(path), str(path), profile=profile)
