"""Checking a workbook: recognise every sheet, run the rule catalogue, collect one report."""

from __future__ import annotations

from pathlib import Path

from .findings import Finding, Report, Severity, Skipped, TableRef
from .grid import Grid, a1
from .plan import MARKS_SHEET, NARRATIVE_SHEET, RESULTS_SHEET
from .gongkai import TABLE_NAMES, NotATable, Table, recognise_sheet
from .rules import load_catalogue, run
from .perf.checks import check_perf
from .perf.model import PerfTable
from .perf.recognise import recognise_perf

__all__ = ["check_grids", "check_file", "recognise_all"]

#: Sheets juesuan adds to a marked copy.
OWN_SHEETS = frozenset({RESULTS_SHEET, MARKS_SHEET, NARRATIVE_SHEET})


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


def check_grids(grids: list[Grid], file: str, *, sheets: set[str] | None = None, profile: str | None = None,
                narrative: str | Path | None = None) -> Report:
    """The audit of a whole workbook. ``sheets`` limits the findings reported (检查本表), while every
    sheet is still read so cross-table rules have their data. ``profile`` forces a 绩效 scoring profile.
    ``narrative`` is a 情况说明 file (.docx/.txt) to check against the tables; without one, a sheet of the
    workbook that holds the 情况说明 is found by its content and checked."""
    from .narrative import check_narrative, find_document, load_document

    tables, perf, refs, skipped, findings = recognise_all(grids, profile)
    findings += run(load_catalogue(), tables)
    findings += check_perf(perf)
    unused = {s.sheet for s in skipped}
    document = load_document(narrative) if narrative else find_document([g for g in grids if g.sheet in unused])
    story = check_narrative(document, tables) if document else None
    if story is not None:
        findings += story.findings
        if document.sheet:
            skipped = [s for s in skipped if s.sheet != document.sheet]
            refs.append(TableRef(sheet=document.sheet, table="情况说明", title="情况说明"))
    if sheets is not None:
        findings = [f for f in findings if f.sheet in sheets]
    report = Report(file=file, tables=refs, skipped=skipped, findings=findings,
                    narrative_source=document.source if document else None, narrative=story.quotes if story else [])
    return report.finish()


def check_file(path: str | Path, *, profile: str | None = None, narrative: str | Path | None = None) -> Report:
    from .read import read_workbook

    return check_grids(read_workbook(path), str(path), profile=profile, narrative=narrative)
