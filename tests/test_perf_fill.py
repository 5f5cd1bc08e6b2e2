"""Filling derived cells: the values reproduce the published 执行率 and 预算执行得分 wherever the published numbers
follow the rule; empty cells only, never a formula or a text of the user's; and the formulas, recalculated
by LibreOffice, give the same numbers as the values."""

from __future__ import annotations

import copy
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import requires_libreoffice, soffice
from juesuan.adapters.openpyxl_file import apply_plan
from juesuan.grid import Grid, a1, parse_a1
from juesuan.perf.fill import plan_fill
from juesuan.perf.model import PerfTable, Pos
from juesuan.perf.recognise import recognise_perf
from juesuan.perf.scoring import RateMatch, exec_rate_match, exec_score
from juesuan.plan import FILL_COLOR, Plan, expand
from juesuan.read import read_workbook
from test_perf_recognise import SAMPLES, sample_tables, seed_tables


def planned(plan: Plan) -> dict[tuple[str, Pos], object]:
    """(sheet, cell) → value or formula of every setValues block."""
    out: dict[tuple[str, Pos], object] = {}
    for action in plan.by_func("setValues"):
        row, col = parse_a1(action.start or "A1")
        for i, line in enumerate(action.values or []):
            for j, value in enumerate(line):
                out[(action.sheet, (row + i, col + j))] = value
    return out


def _by_grid() -> list[tuple[Grid, list[PerfTable]]]:
    groups: dict[int, tuple[Grid, list[PerfTable]]] = {}
    for table in sample_tables().values():
        groups.setdefault(id(table.grid), (table.grid, []))[1].append(table)
    return list(groups.values())


def _derived(table: PerfTable) -> list[Pos]:
    """The cells a filler computes: 执行率 and 预算执行得分 of the fund rows, the 总分 row."""
    cells = [f.cells[k] for f in table.funds for k in ("rate", "score")
             if k in f.cells and table.number(f.cells[k]) is not None]
    if table.total is not None:
        cells += [p for p in table.total.cells.values() if table.number(p) is not None]
    return cells


def test_values_reproduce_the_published_rates_and_scores() -> None:
    rates = scores = 0
    for grid, tables in _by_grid():
        values = planned(plan_fill(grid, tables, overwrite=True, grade=False))
        for table in tables:
            for fund in table.funds:
                pos = fund.cells.get("rate")
                printed = table.rate(pos) if pos else None
                filled = values.get((grid.sheet, pos)) if pos else None
                if printed is None or filled is None:
                    continue
                fraction, places = printed
                got = Decimal(str(filled))
                got = got / 100 if abs(got / 100 - fraction) < abs(got - fraction) else got  # 贵州/株洲 100.00
                decimals = (2 if places is None else places) + 2
                budget, executed = table.number(fund.cells["budget"]), table.number(fund.cells["executed"])
                assert budget is not None and executed is not None
                if got.quantize(Decimal(1).scaleb(-decimals)) == fraction:
                    rates += 1
                else:  # 泸州 computes from 元: the printed amounts give the last digit differently
                    assert table.unit == "万元"
                    assert exec_rate_match(budget, executed, fraction, decimals, Decimal("0.01")) is RateMatch.rounding
            fund = table.scored_fund
            printed_score = table.number(fund.cells.get("score")) if fund else None
            if fund is None or printed_score is None:
                continue
            budget, executed, weight = (table.number(fund.cells[k]) for k in ("budget", "executed", "weight"))
            assert budget is not None and executed is not None and weight is not None
            if printed_score == exec_score(budget, executed, weight):
                assert Decimal(str(values[(grid.sheet, fund.cells["score"])])) == printed_score
                scores += 1
            else:
                assert table.format == "lz_project", table.name  # every 贵州 and 株洲 score follows the rule
    assert rates >= 58 + 23 + 92 and scores >= 58 + 12 + 31


def _blanked(table: PerfTable, cells: list[Pos]) -> tuple[Grid, list[PerfTable]]:
    """A copy of the table's sheet with ``cells`` emptied, and the table recognised again on it (alone:
    the other tables of a stacked sheet have blanks of their own)."""
    grid = copy.deepcopy(table.grid)
    for row, col in cells:
        grid.values[row][col] = None
    return grid, [t for t in recognise_perf(grid) if t.top == table.top]


def test_empty_derived_cells_are_filled_and_marked() -> None:
    table = sample_tables()["000-04"]  # 专家休假专项经费: 180000 / 179876 → 99.93, 9.99; 总分 85.5
    grid, tables = _blanked(table, _derived(table))
    plan = plan_fill(grid, tables)
    values = planned(plan)
    total = table.funds[0]
    assert table.total is not None
    expected = {total.cells["rate"]: 99.93, total.cells["score"]: 9.99, table.total.cells["weight"]: 90,
                table.total.cells["score"]: 85.5, (table.total.row, table.total.cells["score"][1] + 1): "等级：优"}
    assert {pos: value for (_, pos), value in values.items()} == expected
    [colour] = plan.by_func("setRangeColor")
    assert colour.args == [FILL_COLOR]
    assert {parse_a1(c) for rect in colour.cells for c in expand(rect)} == set(expected)


def test_filled_numbers_and_formulas_in_luzhou_style() -> None:
    table = sample_tables()["001-02"]  # 考试工作经费: 800.00 / 711.23 → 88.90 %, 8.89; 合计 95.99
    grid, tables = _blanked(table, _derived(table))
    values = {pos: v for (_, pos), v in planned(plan_fill(grid, tables, grade=False)).items()}
    total, fiscal = table.funds[0], table.funds[1]
    assert values[total.cells["rate"]] == 0.889 and values[fiscal.cells["rate"]] == 0.889
    assert values[total.cells["score"]] == 8.89
    assert table.total is not None and values[table.total.cells["score"]] == 95.99
    assert table.total.cells["weight"] in values and values[table.total.cells["weight"]] == 100
    formulas = {pos: v for (_, pos), v in planned(plan_fill(grid, tables, formulas=True, grade=False)).items()}
    e, f, g, h, i = (a1(*total.cells[k]) for k in ("budget", "executed", "rate", "weight", "score"))
    assert formulas[total.cells["rate"]] == f'=IF({e}=0,"",ROUND({f}/{e},4))'
    assert formulas[total.cells["score"]] == f'=IF({e}=0,"",ROUND({h}*MIN({f}/{e},1),2))'
    first, last = table.indicators[0].cells["score"], table.indicators[-1].cells["score"]
    assert formulas[table.total.cells["score"]] == f"=SUM({a1(*first)}:{a1(*last)})+{i}"


def test_user_content_is_kept() -> None:
    table = sample_tables()["000-04"]
    total = table.funds[0]
    grid, tables = _blanked(table, [total.cells["rate"], total.cells["score"]])
    grid.formulas = {total.cells["score"]: "=H6*1"}  # the user's own formula (its value not read back)
    values = {pos for (_, pos) in planned(plan_fill(grid, tables, grade=False))}
    assert total.cells["rate"] in values and total.cells["score"] not in values
    # non-empty cells stay without overwrite; with it numbers are recomputed, markers such as "-" never
    untouched = planned(plan_fill(table.grid, grade=False))
    assert not untouched
    everything = {pos for (_, pos) in planned(plan_fill(table.grid, overwrite=True, grade=False))}
    markers = [f.cells["rate"] for f in table.funds[1:]]
    assert total.cells["rate"] in everything and not everything & set(markers)


def test_zero_budget_leaves_the_rate_empty() -> None:
    table = sample_tables()["001-02"]
    special = next(f for f in table.funds if f.kind == "special")  # 财政专户管理资金 0.00 / 0.00
    grid, tables = _blanked(table, [special.cells["rate"]])
    assert not planned(plan_fill(grid, tables, grade=False))
    formulas = planned(plan_fill(grid, tables, formulas=True, grade=False))
    assert list(formulas.values()) == [f'=IF({a1(*special.cells["budget"])}=0,"",'
                                       f'ROUND({a1(*special.cells["executed"])}/{a1(*special.cells["budget"])},4))']


def test_indicator_scores_only_when_asked() -> None:
    table = sample_tables()["000-04"]
    row = next(r for r in table.indicators if r.level3 == "专家休假人数")  # ≥60人 / ≥42人, 分值 15 → 10.5
    grid, tables = _blanked(table, [row.cells["score"]])
    assert not planned(plan_fill(grid, tables, grade=False))
    values = {pos: v for (_, pos), v in planned(plan_fill(grid, tables, indicator_scores=True, grade=False)).items()}
    assert values == {row.cells["score"]: 10.5}


# ---------------------------------------------------------------------------------------------- LibreOffice

#: Published tables of every template for the recalculation test: 99.93 % → 9.99, 71.56 % → 7.16, a zero
#: execution (0 %), 年初预算数 0, 泸州 88.90 %, an empty 预算执行得分, an unlabelled total, 株洲 with the
#: 分值 on two fund rows, and the 株洲 部门整体 table.
RECALCULATED = {
    "贵州": ("000-01", "000-04", "000-17", "000-51", "000-53"),
    "泸州": ("001-02", "001-06", "001-10", "001-12", "001-23"),
    "株洲": ("002-01", "002-02", "002-08"),
}


def _without_derived(table: dict) -> dict:
    """A seed table with the cells a filler computes left empty (markers such as ``-`` and ``/`` stay)."""
    def empty(value: str | None) -> str | None:
        return None if value and any(ch.isdigit() for ch in value) else value

    out = copy.deepcopy(table)
    for row in out["budget_rows"]:
        for key in ("exec_rate", "score"):
            if key in row:
                row[key] = empty(row[key])
    if out.get("total"):
        out["total"].update(weight=None, score=None)
    return out


def _recalculate(path: Path, tmp: Path) -> Path:
    """Open and save through headless LibreOffice, which computes every formula on the way."""
    out = tmp / "recalculated"
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{tmp / 'lo-profile'}", "--headless", "--calc",
         "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=120,
    )
    return out / path.name


@pytest.mark.libreoffice
@requires_libreoffice
def test_formulas_give_the_same_numbers_as_values(tmp_path: Path) -> None:
    from workbooks.make_perf_samples import write_stacked

    seeds = {t["id"]: t for t in seed_tables()}
    blank = tmp_path / "blank.xlsx"
    write_stacked(blank, [(sheet, [_without_derived(seeds[i]) for i in ids]) for sheet, ids in RECALCULATED.items()])
    values: dict[tuple[str, Pos], object] = {}
    formulas = Plan()
    for grid in read_workbook(blank):
        tables = recognise_perf(grid)
        assert len(tables) == len(RECALCULATED[grid.sheet])
        values.update(planned(plan_fill(grid, tables)))
        formulas.actions += plan_fill(grid, tables, formulas=True).actions
    filled = tmp_path / "formulas.xlsx"
    apply_plan(blank, formulas, filled)
    book = load_workbook(_recalculate(filled, tmp_path), data_only=True)
    for (sheet, (row, col)), formula in planned(formulas).items():
        assert isinstance(formula, str) and formula.startswith("=")
        got = book[sheet].cell(row + 1, col + 1).value
        value = values.get((sheet, (row, col)))
        where = (sheet, a1(row, col), formula, got)
        if value is None:  # A = B = 0: the formula shows nothing
            assert got in (None, ""), where
        elif isinstance(value, str):
            assert got == value, where
        else:
            assert got is not None and Decimal(str(got)) == Decimal(str(value)), where
    assert len(planned(formulas)) > 60


# ---------------------------------------------------------------------------------------------- merged cells


def _merged_total_sheet(tmp: Path) -> tuple[Path, PerfTable]:
    """专家休假专项经费 (000-04) alone on a sheet with its derived cells emptied, the 总分 label merged over the 分值
    cell and the 总分 得分 merged with the cell right of it (where 等级 goes): a covered cell and a shared one."""
    from workbooks.make_perf_samples import write_one_per_sheet

    src = tmp / "merged.xlsx"
    write_one_per_sheet(src, [_without_derived(next(t for t in seed_tables() if t["id"] == "000-04"))])
    [table] = recognise_perf(read_workbook(src)[0])
    assert table.total is not None
    book = load_workbook(src)
    ws = book[table.sheet]
    row, label_col = table.total.cells["label"]
    weight, score = table.total.cells["weight"], table.total.cells["score"]
    merged = next(str(m) for m in ws.merged_cells.ranges if m.min_row == row + 1 and m.min_col == label_col + 1)
    ws.unmerge_cells(merged)
    ws.merge_cells(f"{a1(row, label_col)}:{a1(*weight)}")
    ws.merge_cells(f"{a1(*score)}:{a1(score[0], score[1] + 1)}")
    book.save(src)
    return src, table


def test_plan_never_writes_a_covered_cell(tmp_path: Path) -> None:
    """The 分值 cell under the 总分 label merge and the 等级 cell under the 得分 merge are skipped with a note; the
    得分, the top-left cell of its own merge, is written."""
    src, table = _merged_total_sheet(tmp_path)
    assert table.total is not None
    [grid] = read_workbook(src)
    plan = plan_fill(grid, recognise_perf(grid))
    values = {pos: v for (_, pos), v in planned(plan).items()}
    weight, score = table.total.cells["weight"], table.total.cells["score"]
    assert values[score] == 85.5 and weight not in values and (score[0], score[1] + 1) not in values
    label = table.total.cells["label"]
    assert plan.skipped == [
        f"“{table.sheet}”{a1(*weight)}（总分分值）在合并单元格 {a1(*label)}:{a1(*weight)} 内，与总分标签共用一格，未填写",
        f"“{table.sheet}”{a1(score[0], score[1] + 1)}（等级）在合并单元格 {a1(*score)}:{a1(score[0], score[1] + 1)} 内，"
        "与总分得分共用一格，未填写",
    ]


def test_fill_command_reports_skipped_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``juesuan fill`` on the merged sheet: no MergedCell error, the skipped cells are listed."""
    from juesuan.cli import main

    src, table = _merged_total_sheet(tmp_path)
    out = tmp_path / "merged.filled.xlsx"
    assert main(["fill", str(src), "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("未填充：")] == [f"未填充：{line}" for line in plan_fill(
        read_workbook(src)[0]).skipped]
    assert table.total is not None
    ws = load_workbook(out)[table.sheet]
    assert ws[a1(*table.total.cells["score"])].value == 85.5
    assert ws[a1(*table.funds[0].cells["rate"])].value == 99.93


def test_a_total_of_nothing_is_not_a_score() -> None:
    """Issue #9 §6: with every indicator 得分 blank, 总分 and 等级 stay empty and the plan says why (the budget
    score alone would have passed for a total of 10, 等级：差)."""
    table = next(t for t in sample_tables().values() if t.profile.include_budget_in_total and t.total is not None
                 and "score" in t.total.cells and t.scored_indicators)
    grid = copy.deepcopy(table.grid)
    emptied = [r.cells["score"] for r in table.indicators if "score" in r.cells] + [table.total.cells["score"]]
    for r, c in emptied:
        grid.values[r][c] = None
    tables = [t for t in recognise_perf(grid) if t.top == table.top]
    plan = plan_fill(grid, tables)
    values = planned(plan)
    total = table.total.cells["score"]
    assert (grid.sheet, total) not in values and (grid.sheet, (total[0], total[1] + 1)) not in values
    assert any("各指标得分都为空，不计算总分和等级" in note and a1(*total) in note for note in plan.skipped)
