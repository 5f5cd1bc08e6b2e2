"""绩效目标表 (target-setting tables, seed 003 六枝, perf-scoring.md §1.5): the transcription agrees with the seed facts,
the five tables are recognised in their printed layouts, and what can be checked at the target stage is found
– 资金总额 = 基本支出 + 项目支出, the amount unit, 指标值 that need a reader (compound values, bare ratios), the
一级/二级 structure and the inverted 会议完成率 formula – and nothing else."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from functools import cache

import pytest

from conftest import SHARED
from juesuan.check import check_file
from juesuan.findings import Severity
from juesuan.grid import Grid, a1, parse_a1
from juesuan.perf.checks import check_table
from juesuan.perf.model import TARGET_DEPT, TARGET_PROJECT, PerfTable
from juesuan.perf.recognise import recognise_perf
from juesuan.read import read_workbook
from test_perf_recognise import SAMPLES
from workbooks.make_perf_samples import load_targets

LIUZHI = SAMPLES / "perf_liuzhi_2023.xlsx"

#: Where the seed facts (seed-perf/003-*) parse the dump differently from the transcription, by (id, line): a row
#: folded into the explanation of the row above, a row read one column off, cells of one row printed on
#: separate lines and taken for indicators. Everything else must agree both ways.
DUMP_READINGS = {
    ("003-01", 56): "the 质量指标 row 及时将新增就业情况录入系统管理 is folded into line 55's explanation",
    ("003-02", 100): "the 社会效益指标 row is folded into line 99's explanation",
    ("003-02", 102): "三级 is 考生满意度,用人单位满意度 with 指标值 ≥95%, not the 二级 label",
    ("003-03", 136): "L136 is the 指标解释 and L137 the 上年度 value of the 成本 row of L134",
    ("003-03", 140): "L140 is the 指标解释 and L141 the 上年度 value of the 社会效益 row of L138",
}


@cache
def targets() -> dict[str, PerfTable]:
    tables = [t for grid in read_workbook(LIUZHI) for t in recognise_perf(grid)]
    return {seed["id"]: table for seed, table in zip(load_targets(), tables)}


@pytest.mark.skipif(not (SHARED / "seed-perf").is_dir(), reason="../shared/seed-perf 不可用")
def test_transcription_agrees_with_the_seed_facts() -> None:
    used = set()
    for seed in load_targets():
        facts = json.loads((SHARED / "seed-perf" / f"{seed['id']}-lzt_target.json").read_text(encoding="utf-8"))
        assert facts["table_title"].replace(" ", "") == seed["table_title"].replace(" ", "")
        assert (seed["funds"][-1][1] if "funds" in seed else seed["budget"][2]) == facts["budget"]
        theirs = {(f["indicator"], f["target"]) for f in facts["targets"]}
        ours = {(r["level3"], r["target"]) for r in seed["indicators"]}
        differ = [(seed["id"], f["line"]) for f in facts["targets"] if (f["indicator"], f["target"]) not in ours]
        differ += [(seed["id"], r["line"]) for r in seed["indicators"] if (r["level3"], r["target"]) not in theirs]
        assert set(differ) <= set(DUMP_READINGS), differ
        used |= set(differ)
    assert used == set(DUMP_READINGS)


def test_the_five_target_tables_are_recognised() -> None:
    tables = targets()
    assert [(t.family, t.format, t.unit, len(t.indicators)) for t in tables.values()] == [
        (TARGET_DEPT, "lzt_target", "万元", 43), (TARGET_PROJECT, "lzt_target", "元", 8),
        (TARGET_PROJECT, "lzt_target", "", 9), (TARGET_PROJECT, "lzt_target", "", 11),
        (TARGET_PROJECT, "lzt_target", "", 7)]
    dept = tables["003-01"]
    assert dept.project == "六枝特区人力资源和社会保障局"
    assert [(f.kind, dept.number(f.cells["budget"])) for f in dept.funds] == [
        ("basic", Decimal("823.26")), ("project", Decimal("3072.79")), ("total", Decimal("3896.05"))]
    assert [(g.name, len(g.rows)) for g in dept.groups] == [("产出指标", 40), ("效益指标", 2), ("满意度指标", 1)]
    assert {r.level2 for r in dept.indicators} == {"数量指标", "质量指标", "时效指标", "社会效益指标", "服务对象满意度指标"}
    project = tables["003-04"]
    assert project.project == "2023年技工院校县级配套学生资助资金"
    assert set(project.indicator_columns) == {"level1", "level2", "level3", "target", "explain", "last_year"}
    row = next(r for r in project.indicators if r.level3 == "补贴标准")
    assert (row.group, row.level2) == ("产出指标", "成本指标")
    assert project.text(row.cells["last_year"]) == "≥100%"
    # the 满意度 一级 label of 公益性岗位补贴 is not printed: its 二级 tells the group
    assert targets()["003-03"].indicators[-1].group == "满意度指标"


def _found(seed_id: str) -> list[tuple[str, str, str]]:
    table = targets()[seed_id]
    names = {pos: r.level3 for r in table.indicators for pos in r.cells.values()}
    return [(f.rule, names.get(parse_a1(f.cell), ""), f.message) for f in check_table(table)]


def test_department_target_table() -> None:
    """资金总额 3896.05 = 823.26 + 3072.79 holds; two compound 指标值, eleven bare ratios read as percentages, and
    the inverted 会议完成率 formula (003 L70)."""
    found = _found("003-01")
    assert [name for rule, name, _ in found if rule == "P-TGT-VALUE-COMPOUND"] == [
        "劳动争议案件150件", "技工院校助学金、免学费及精准扶贫资助人数及标准"]
    ratios = [(name, message.rsplit(" ", 1)[1]) for rule, name, message in found if rule == "P-TGT-VALUE-RATIO"]
    assert len(ratios) == 11
    assert ("劳动力稳定就业率", "60%") in ratios and ("人力资源促进社会和谐发展", "99%") in ratios
    [inverted] = [f for f in check_table(targets()["003-01"]) if f.rule == "P-TGT-FORMULA-INVERTED"]
    row = next(r for r in targets()["003-01"].indicators if r.level3 == "会议完成率")
    assert inverted.cell == a1(*row.cells["explain"]) and inverted.severity is Severity.warning
    assert "“当年应召开（参加）的会议数”除以“实际召开（参加）会议数”" in inverted.message
    assert {rule for rule, _, _ in found} == {"P-TGT-VALUE-COMPOUND", "P-TGT-VALUE-RATIO", "P-TGT-FORMULA-INVERTED"}


def test_project_target_tables_state_their_unit() -> None:
    """300 labelled 元 for a whole recruitment drive is 300 万元; the other three print no unit at all, and the
    档案数字化 table's own cost indicator (≤30万元 for a budget of 30) settles it."""
    [unit] = [m for rule, _, m in _found("003-02") if rule == "P-TGT-UNIT"]
    assert unit == "“预算资金(元)”金额 300 标为元，不足 1 万元，疑为 300 万元，请核对单位"
    for seed_id in ("003-03", "003-04", "003-05"):
        [unit] = [m for rule, _, m in _found(seed_id) if rule == "P-TGT-UNIT"]
        assert "未注明单位（元或万元）" in unit
    assert unit.endswith("成本指标“品台软、硬件购买费用”为“≤30万元”，应为万元")
    assert [r for r, *_ in _found("003-02")] == ["P-TGT-UNIT"]
    assert [r for r, *_ in _found("003-05")] == ["P-TGT-UNIT"]


def _changed(seed_id: str, change) -> PerfTable:  # type: ignore[no-untyped-def]
    table = targets()[seed_id]
    grid: Grid = copy.deepcopy(table.grid)
    change(grid, table)
    return next(t for t in recognise_perf(grid) if t.top == table.top)


def test_faults_a_target_table_can_show() -> None:
    def wrong_total(grid: Grid, table: PerfTable) -> None:
        r, c = table.funds[-1].cells["budget"]
        grid.values[r][c] = 3896.15

    [fund] = [f for f in check_table(_changed("003-01", wrong_total)) if f.rule == "P-TGT-FUND-SUM"]
    assert (fund.expected, fund.actual, fund.severity) == (Decimal("3896.05"), Decimal("3896.15"), Severity.error)

    def no_satisfaction(grid: Grid, table: PerfTable) -> None:  # the 满意度 row gone, its 二级 label too
        row = table.indicators[-1]
        grid.values[row.row] = [None] * len(grid.values[row.row])
        grid.merged = [m for m in grid.merged if m[0] != row.row]

    rules = [(f.rule, f.message) for f in check_table(_changed("003-05", no_satisfaction))]
    assert ("P-TGT-GROUP-MISSING", "绩效目标表缺少一级指标“满意度指标”") in rules

    def no_level2(grid: Grid, table: PerfTable) -> None:
        row = next(r for r in table.indicators if r.level3 == "人事档案管理规范性")
        col = table.indicator_columns["level2"]
        grid.values[row.row][col] = None

    [missing] = [f for f in check_table(_changed("003-05", no_level2)) if f.rule == "P-TGT-LEVEL2-MISSING"]
    assert missing.message == "指标“人事档案管理规范性”没有所属的二级指标"

    def right_way_round(grid: Grid, table: PerfTable) -> None:
        row = next(r for r in table.indicators if r.level3 == "会议完成率")
        r, c = row.cells["explain"]
        grid.values[r][c] = "计算方法：实际召开（参加）会议数÷当年应召开（参加）的会议数*100%"

    assert not [f for f in check_table(_changed("003-01", right_way_round)) if f.rule == "P-TGT-FORMULA-INVERTED"]

    def prose(grid: Grid, table: PerfTable) -> None:  # no 计算公式 but a pasted page: not searched
        row = next(r for r in table.indicators if r.level3 == "会议完成率")
        r, c = row.cells["explain"]
        grid.values[r][c] = "当年应召开的会议数÷实际召开会议数" + "说" * 300_000

    assert not [f for f in check_table(_changed("003-01", prose)) if f.rule == "P-TGT-FORMULA-INVERTED"]


def test_check_reports_target_tables_without_errors() -> None:
    report = check_file(LIUZHI)
    assert [t.table for t in report.tables] == [TARGET_DEPT] + [TARGET_PROJECT] * 4
    assert (report.summary.errors, report.summary.warnings, report.summary.infos) == (0, 9, 11)
