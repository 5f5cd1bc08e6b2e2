"""Filling derived columns of a workbook file (``juesuan fill``): plan per sheet, apply once to a copy.

Formulas and number formats come from the sheet XML (a user's formula is never replaced; a cell formatted as a
percentage gets the fraction), values from the same fast reader the check uses."""

from __future__ import annotations

from pathlib import Path

from .plan import Plan, expand
from .read import InputError, read_workbook

__all__ = ["fill_file"]


def fill_file(
    src: str | Path, out: str | Path, *, formulas: bool = False, overwrite: bool = False, indicators: bool = False,
    profile: str | None = None, skipped: list[str] | None = None,
) -> int:
    """Write a copy of ``src`` with every recognised 绩效自评表 completed; returns the number of cells filled.
    A user's own formula is never replaced; a non-empty value only with ``overwrite``. Cells a merge keeps
    from being filled are noted in ``skipped``, one Chinese line each."""
    from .adapters.openpyxl_file import apply_to_file, sheet_details
    from .perf.fill import plan_fill
    from .perf.recognise import recognise_perf

    src, out = Path(src), Path(out)
    grids = read_workbook(src)
    details = sheet_details(src)
    plan = Plan()
    found = 0
    for grid in grids:
        grid.formulas, grid.number_formats = details.get(grid.sheet, ({}, {}))
        tables = recognise_perf(grid, profile=profile)
        found += len(tables)
        if tables:
            sheet_plan = plan_fill(grid, tables, formulas=formulas, overwrite=overwrite, indicator_scores=indicators)
            plan.actions += sheet_plan.actions
            if skipped is not None:
                skipped += sheet_plan.skipped
    if not found:
        raise InputError("工作簿中没有可识别的绩效自评表，没有可填充的派生列")
    apply_to_file(src, plan, out)
    return sum(len(expand(rect)) for action in plan.by_func("setRangeColor") for rect in action.cells)
