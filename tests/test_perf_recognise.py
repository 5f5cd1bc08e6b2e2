"""Recognition of 绩效自评表 on the sample workbooks built from the 127 published tables, and on layout
variants made from them (unmerged labels, labels on a middle row, stacked tables, no title, other sheet
names). The compact seed facts in workbooks/samples/perf_tables.json are the expected values."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from juesuan.grid import Grid, norm_text
from juesuan.numbers import parse_number
from juesuan.perf.model import DEPT, PROJECT, PerfTable
from juesuan.perf.profile import PROFILES
from juesuan.perf.recognise import recognise_perf
from juesuan.read import read_workbook

SAMPLES = Path(__file__).resolve().parents[1] / "workbooks" / "samples"
WORKBOOKS = ("perf_guizhou_2023.xlsx", "perf_luzhou_2023.xlsx", "perf_zhuzhou_2023.xlsx")


@cache
def seed_tables() -> tuple[dict, ...]:
    return tuple(json.loads((SAMPLES / "perf_tables.json").read_text(encoding="utf-8")))


@cache
def sample_grids(name: str) -> tuple[Grid, ...]:
    return tuple(read_workbook(SAMPLES / name))


@cache
def sample_tables() -> dict[str, PerfTable]:
    """Every recognised sample table by its seed id (the workbooks keep the published order)."""
    tables = [t for name in WORKBOOKS for grid in sample_grids(name) for t in recognise_perf(grid)]
    seeds = seed_tables()
    assert len(tables) == len(seeds)
    return {seed["id"]: table for seed, table in zip(seeds, tables)}


def grid_with_formats(path: Path, sheet: str) -> Grid:
    """A sheet read through openpyxl with number formats and formulas (the calamine reader has neither)."""
    from openpyxl import load_workbook

    ws = load_workbook(path)[sheet]
    values: list[list[object]] = []
    formats: dict[tuple[int, int], str] = {}
    formulas: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():
        line = []
        for cell in row:
            value = cell.value
            if isinstance(value, str) and value.startswith("=") and cell.data_type == "f":
                formulas[(cell.row - 1, cell.column - 1)] = value
            if isinstance(value, (int, float)) and cell.number_format != "General":
                formats[(cell.row - 1, cell.column - 1)] = cell.number_format
            line.append(value)
        values.append(line)
    merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
    return Grid(sheet, values, merged, formats, formulas)


def _same(printed: str | None, table: PerfTable, pos: tuple[int, int] | None) -> bool:
    """A cell shows the seed's printed string: same text, or the same number (``10.00`` is stored as 10)."""
    expected = (printed or "").strip()
    shown = table.text(pos).strip()
    if shown == expected or norm_text(shown) == norm_text(expected):
        return True
    try:
        return parse_number(shown) == parse_number(expected)
    except ValueError:
        return False


def test_every_sample_table_is_recognised() -> None:
    tables = sample_tables()
    assert len(tables) == 127
    by_format: dict[str, int] = {}
    for seed_id, table in tables.items():
        by_format[table.format] = by_format.get(table.format, 0) + 1
        seed = next(s for s in seed_tables() if s["id"] == seed_id)
        assert table.format == seed["format"], seed_id
        assert table.family == (DEPT if seed["format"].endswith("_dept") else PROJECT), seed_id
        assert table.profile is PROFILES[seed["format"]]
        assert table.title == norm_text(seed["table_title"])
        assert table.project == seed["project_name"].strip()
        assert table.unit == seed["amount_unit"]
    assert by_format == {"gz_project": 58, "lz_dept": 1, "lz_project": 56, "zz_dept": 1, "zz_project": 11}


@pytest.mark.parametrize("seed", seed_tables(), ids=lambda s: s["id"])
def test_rows_and_cells_match_the_published_table(seed: dict) -> None:
    table = sample_tables()[seed["id"]]
    if seed["format"] == "lz_dept":  # one printed row of three totals
        [printed] = seed["budget_rows"]
        assert [(f.kind, table.text(f.cells["budget"])) for f in table.funds] == [
            (kind, printed[kind]) for kind in ("total", "fiscal", "other")]
    else:
        assert len(table.funds) == len(seed["budget_rows"])
        for fund, printed in zip(table.funds, seed["budget_rows"]):
            assert norm_text(fund.label) == norm_text(printed["label"])
            for key, field in (("initial", "initial_budget"), ("budget", "full_year_budget_A"),
                               ("executed", "executed_B"), ("score", "score")):
                if printed.get(field) not in (None, "", "/", "-"):
                    assert _same(printed[field], table, fund.cells[key]), (seed["id"], fund.label, key)
            if printed.get("exec_rate"):
                rate = printed["exec_rate"]
                fraction = parse_number(rate, percent=True) if rate.endswith("%") else parse_number(rate) / 100
                assert table.rate(fund.cells["rate"])[0] == fraction, (seed["id"], fund.label)
    indicators = [r for r in table.indicators if not r.blank]
    assert len(indicators) == len(seed["indicators"])
    for row, printed in zip(indicators, seed["indicators"]):
        assert row.level3 == printed["level3"].strip()
        for key in ("target", "actual", "score", "reason", "nature", "unit"):
            if key in row.cells and printed.get(key):
                assert _same(printed[key], table, row.cells[key]), (seed["id"], row.level3, key)
        if printed.get("weight"):  # 泸州 部门整体 权重 3% is 3 points
            assert table.weight(row.cells["weight"]) == parse_number(printed["weight"]), (seed["id"], row.level3)
        if printed["level1"] or printed["level2"]:
            assert row.group in ("产出指标", "效益指标", "满意度指标", "成本指标"), (seed["id"], row.level3)
    total = seed.get("total")
    if total:
        assert table.total is not None
        for key in ("weight", "score"):
            if total.get(key):
                assert _same(total[key], table, table.total.cells[key])
    else:
        assert table.total is None
    assert (table.conclusion is not None) == (seed.get("conclusion") is not None)


def test_groups_declare_their_points() -> None:
    """贵州 labels declare 50/30/10, 株洲 40/20/10/20; 泸州 declares none."""
    tables = sample_tables()
    gz = tables["000-02"]
    assert [(g.name, g.declared) for g in gz.groups] == [
        ("产出指标", Decimal(50)), ("效益指标", Decimal(30)), ("满意度指标", Decimal(10))]
    zz = tables["002-04"]
    assert [(g.name, g.declared) for g in zz.groups] == [
        ("产出指标", Decimal(40)), ("效益指标", Decimal(20)), ("满意度指标", Decimal(10)), ("成本指标", Decimal(20))]
    assert all(g.declared is None for g in tables["001-02"].groups)
    # the label cell is the merged area's first cell
    grid = gz.grid
    assert grid.text(*gz.groups[0].label_pos) == "产出指标（50分）"


def test_stacked_tables_do_not_overlap() -> None:
    stacked = [t for t in sample_tables().values() if t.format == "lz_project"]
    assert len({t.sheet for t in stacked}) == 1
    for upper, lower in zip(stacked, stacked[1:]):
        assert upper.bottom < lower.top
        assert upper.conclusion is not None and upper.conclusion[0][0] == upper.bottom


def test_positions_point_at_the_printed_cells() -> None:
    table = sample_tables()["000-17"]  # 职称评审项目
    assert table.sheet == "17 职称评审项目"
    row = next(r for r in table.indicators if r.level3 == "职称评审工作完成及时率")
    assert table.qualified(row.cells["score"]) == "17 职称评审项目!H19"
    assert table.total is not None and table.total.label == "总分"
    lz = sample_tables()["001-23"]  # 泸州市公共实训基地建设项目: a total row without a label
    assert lz.total is not None and lz.total.label == ""
    assert lz.text(lz.total.cells["weight"]) == "100"


def test_sheet_names_do_not_matter() -> None:
    grid = copy.deepcopy(sample_grids("perf_zhuzhou_2023.xlsx")[0])
    grid.sheet = "项目支出绩效自评表（贵州）"
    [table] = recognise_perf(grid)
    assert table.format == "zz_dept" and table.family == DEPT


def test_unmerged_labels_are_filled_down_and_back() -> None:
    """Labels without merged cells: printed on the group's first row, or on a middle row (000 L1921)."""
    original = sample_tables()["000-47"]  # 中央财政就业补助资金
    grid = copy.deepcopy(original.grid)
    grid.merged = []
    [plain] = recognise_perf(grid)
    assert [(r.group, r.level2) for r in plain.indicators] == [(r.group, r.level2) for r in original.indicators]
    first = plain.indicators[0]
    col = plain.indicator_columns["level1"]
    label = grid.values[first.row][col]
    grid.values[first.row][col] = None
    grid.values[first.row + 2][col] = label  # printed lower, as the PDF centres a merged cell
    second = next(r for r in plain.indicators if r.group == "效益指标")
    label = grid.values[second.row][col]
    grid.values[second.row][col] = None
    grid.values[second.row + 1][col] = label  # the next group's label one row down: its 二级 tells the change
    [moved] = recognise_perf(grid)
    assert [r.group for r in moved.indicators] == [r.group for r in original.indicators]
    assert [g.declared for g in moved.groups] == [Decimal(50), Decimal(30), Decimal(10)]
    assert moved.groups[1].label_pos == (second.row + 1, col)  # findings point at the printed label


def test_spaced_header_words_and_tables_without_title() -> None:
    grid = copy.deepcopy(sample_tables()["000-02"].grid)
    table = sample_tables()["000-02"]
    header = next(r for r in range(table.top, table.indicator_header_row) if "年初预算数" in map(str, grid.values[r]))
    grid.values[header] = [f" {' '.join(v)} " if isinstance(v, str) else v for v in grid.values[header]]
    assert table.title_pos is not None
    grid.values[table.title_pos[0]] = [None] * len(grid.values[table.title_pos[0]])
    [again] = recognise_perf(grid)
    assert again.title == PROJECT and again.title_pos is None
    assert again.fund_columns == table.fund_columns and len(again.funds) == 5


def test_tables_stacked_without_gap() -> None:
    first = sample_grids("perf_guizhou_2023.xlsx")[0]
    second = sample_grids("perf_guizhou_2023.xlsx")[1]
    offset = len(first.values)
    values = [list(r) for r in first.values] + [list(r) for r in second.values]
    merged = first.merged + [(a + offset, b, c + offset, d) for a, b, c, d in second.merged]
    tables = recognise_perf(Grid("合并", values, merged))
    assert [t.project for t in tables] == ["社保经办机构业务费", "流动人员人事关系及档案保管工作经费"]
    assert tables[0].bottom < tables[1].top


def test_explicit_profile_and_non_tables() -> None:
    grid = sample_grids("perf_luzhou_2023.xlsx")[1]
    tables = recognise_perf(grid, profile="zz_project")
    assert {t.profile.name for t in tables} == {"zz_project"}
    assert {t.format for t in tables} == {"lz_project"}
    assert recognise_perf(Grid("空表", [["部门决算", None], [1, 2]])) == []
    for other in read_workbook(SAMPLES / "gz_2023_juesuan.xlsx"):
        assert recognise_perf(other) == []


def test_number_formats_are_read_as_printed() -> None:
    """With formats (openpyxl) a 0.889 under 0.00% prints 88.90%; without (calamine) it is still a fraction."""
    grid = grid_with_formats(SAMPLES / "perf_luzhou_2023.xlsx", "项目支出自评表")
    first = recognise_perf(grid)[0]
    total = first.funds[0]
    assert first.text(total.cells["rate"]) == "88.90%"
    assert first.rate(total.cells["rate"]) == (Decimal("0.889"), 2)
    plain = sample_tables()["001-02"]
    assert plain.rate(plain.funds[0].cells["rate"]) == (Decimal("0.889"), 1)
    gz = sample_tables()["000-01"]
    assert gz.rate(gz.funds[0].cells["rate"]) == (Decimal(1), 0)
    formats = grid_with_formats(SAMPLES / "perf_guizhou_2023.xlsx", gz.sheet).number_formats
    assert formats[gz.funds[0].cells["rate"]] == "0.00"
