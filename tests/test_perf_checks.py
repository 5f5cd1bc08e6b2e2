"""Checks on the 127 published tables: every inconsistency of perf-scoring.md §5 is found at its cell, by its
rule, and the tables the document finds right get no finding at all. Rules without a published example
are exercised on sample tables with one value changed."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from juesuan.findings import Finding, Severity
from juesuan.grid import a1
from juesuan.perf.checks import RULES, check_perf, check_table
from juesuan.perf.model import PerfTable, Pos
from juesuan.perf.recognise import recognise_perf
from test_perf_recognise import sample_tables


def _findings(seed_id: str) -> list[Finding]:
    return check_table(sample_tables()[seed_id])


def _cell(table: PerfTable, where: tuple) -> Pos:
    """A cell named the way the document names it: an indicator row by its 三级 name, the 资金总额 row, the
    总分 row, a 一级 label, the 分值 header, the conclusion."""
    kind, *rest = where
    if kind == "ind":  # exact name first; a prefix for long names; the first of two equal names
        name, key = rest
        rows = [r for r in table.indicators if r.level3 == name] or [
            r for r in table.indicators if r.level3.startswith(name)]
        assert rows, (table.name, name)
        return rows[0].cells[key]
    if kind == "fund":
        assert table.scored_fund is not None
        return table.scored_fund.cells[rest[0]]
    if kind == "total":
        assert table.total is not None
        return table.total.cells[rest[0]]
    if kind == "group":
        group = next(g for g in table.groups if g.name == rest[0])
        assert group.label_pos is not None
        return group.label_pos
    if kind == "header":
        return table.indicator_header_row, table.indicator_columns["weight"]
    if kind == "first":
        return table.indicators[0].cells[rest[0]]
    assert kind == "conclusion" and table.conclusion is not None
    return table.conclusion[0]


# (§5 #, seed id, rule, where, expected) – expected None: not asserted
KNOWN: list[tuple[int, str, str, tuple, str | None]] = [
    (1, "001-54", "P-RATE-REASON", ("fund", "reason"), None),
    (2, "001-03", "P-BUDGET-SCORE-MISSING", ("fund", "score"), "10"),
    (3, "001-06", "P-BUDGET-SCORE-MISSING", ("fund", "score"), "9.64"),
    (4, "001-09", "P-BUDGET-SCORE-MISSING", ("fund", "score"), "9.99"),
    (5, "001-11", "P-BUDGET-SCORE-MISSING", ("fund", "score"), "10"),
    (6, "001-24", "P-BUDGET-SCORE-MISSING", ("fund", "score"), "10"),
    (7, "001-10", "P-BUDGET-SCORE", ("fund", "score"), "2.69"),
    (8, "001-43", "P-BUDGET-SCORE", ("fund", "score"), "5.28"),
    (9, "001-54", "P-BUDGET-SCORE", ("fund", "score"), "8.46"),
    (10, "001-27", "P-IND-NO-NAME", ("first", "level3"), None),
    (11, "000-51", "P-IND-WEIGHT-MISSING", ("ind", "开发子系统", "weight"), None),
    (11, "000-51", "P-IND-WEIGHT-MISSING", ("ind", "系统使用者满意度", "weight"), None),
    (12, "002-03", "P-IND-WEIGHT-MISSING", ("ind", "项目总成本", "weight"), None),
    (13, "001-07", "P-IND-ACTUAL-MISSING", ("ind", "聘用人数", "actual"), None),
    (14, "001-15", "P-IND-ACTUAL-MISSING", ("ind", "评选个数", "actual"), None),
    (15, "000-17", "P-IND-SCORE-OVER", ("ind", "职称评审工作完成及时率", "score"), "6"),
    (16, "001-03", "P-IND-SCORE-MISSING", ("ind", "开展根治欠薪宣传次数", "score"), None),
    (17, "001-12", "P-IND-SCORE-MISSING", ("ind", "举报并核实奖励数量", "score"), None),
    (18, "000-01", "P-IND-JUDGMENT", ("ind", "印刷社会保险宣传手册、资料", "score"), "6"),
    (19, "000-14", "P-IND-JUDGMENT", ("ind", "开展技能人才评价人数", "score"), "6"),
    (20, "000-54", "P-IND-CUT-NO-REASON", ("ind", "信息化水平及业务管理效率", "score"), "15"),
    (21, "000-54", "P-IND-CUT-NO-REASON", ("ind", "系统正常使用年限", "score"), "15"),
    (22, "000-55", "P-IND-CUT-NO-REASON", ("ind", "信息化水平及业务管理效率", "score"), "15"),
    (23, "000-55", "P-IND-CUT-NO-REASON", ("ind", "网络(系统)安全防护能力", "score"), "15"),
    (24, "001-14", "P-IND-CUT-NO-REASON", ("ind", "委托第三方机构审查成本", "score"), "20"),
    (25, "001-16", "P-IND-CUT-NO-REASON", ("ind", "集训及参赛总支出", "score"), "20"),
    (26, "001-24", "P-IND-CUT-NO-REASON", ("ind", "参会人数", "score"), "20"),
    (27, "001-39", "P-IND-CUT-NO-REASON", ("ind", "贯彻依法治国方略", "score"), "20"),
    (28, "000-08", "P-IND-JUDGMENT", ("ind", "促进就业困难人员就业", "score"), "30"),
    (29, "000-35", "P-IND-JUDGMENT", ("ind", "提升贵州人才队伍总体素质", "score"), "30"),
    (30, "001-25", "P-IND-JUDGMENT", ("ind", "全年项目建设成本", "score"), "20"),
    (31, "001-33", "P-IND-JUDGMENT", ("ind", "参加活动场次数", "score"), "20"),
    (32, "001-33", "P-IND-JUDGMENT", ("ind", "参加活动经费", "score"), "20"),
    (33, "001-37", "P-IND-JUDGMENT", ("ind", "购置身份证复印件1台", "score"), "4"),
    (34, "001-29", "P-IND-NOTMET-FULL", ("ind", "项目所需费用", "score"), None),
    (35, "001-45", "P-IND-NOTMET-FULL", ("ind", "组织专家开展伤残等级鉴定", "score"), "0"),
    (36, "001-47", "P-IND-NOTMET-FULL", ("ind", "总成本", "score"), None),
    (37, "001-52", "P-IND-NOTMET-FULL", ("ind", "在职教职工", "score"), "9.23"),
    (38, "001-53", "P-IND-NOTMET-FULL", ("ind", "学生补助发放率", "score"), "14.85"),
    (39, "001-53", "P-IND-NOTMET-FULL", ("ind", "财政投入资金", "score"), "15.9"),
    (40, "000-57", "P-IND-NOTMET-NO-REASON", ("ind", "保障运维类项目数量", "reason"), None),
    (41, "000-58", "P-IND-NOTMET-NO-REASON", ("ind", "保障运维类项目数量", "reason"), None),
    (42, "001-21", "P-IND-NOTMET-NO-REASON", ("ind", "助学金发放到位率", "reason"), None),
    (43, "001-30", "P-IND-NOTMET-NO-REASON", ("ind", "专家补贴人次", "reason"), None),
    (43, "001-30", "P-IND-NOTMET-NO-REASON", ("ind", "项目所需费用", "reason"), None),
    (44, "001-31", "P-IND-NOTMET-NO-REASON", ("ind", "项目所需经费", "reason"), None),
    (45, "001-41", "P-IND-NOTMET-NO-REASON", ("ind", "职业技能等级认定质量督导", "reason"), None),
    (46, "001-42", "P-IND-NOTMET-NO-REASON", ("ind", "鉴定结论、证明材料邮寄", "reason"), None),
    (47, "000-17", "P-IND-LE-ZERO", ("ind", "申报中级职称", "score"), "1.94"),
    (48, "000-17", "P-IND-LE-ZERO", ("ind", "申报初级职称", "score"), "0.69"),
    (49, "001-30", "P-IND-JUDGMENT", ("ind", "项目所需费用", "score"), "13.82"),
    (50, "000-04", "P-IND-NOTMET-FULL", ("ind", "在全社会营造尊重人才的氛围", "score"), "21"),
    (51, "000-18", "P-IND-JUDGMENT", ("ind", "评审确定高层次留学人才创新创业择优资助项目", "score"), "1.4"),
    (52, "000-47", "P-IND-EQ-EXCEEDED", ("ind", "国家级高技能人才培训基地建设数量", "actual"), None),
    (53, "000-55", "P-IND-UNIT", ("ind", "保障运维类项目数量", "actual"), None),
    (54, "001-18", "P-IND-EQ-EXCEEDED", ("ind", "资金支付额", "actual"), None),
    (55, "001-21", "P-IND-EQ-EXCEEDED", ("ind", "助学金发放人数", "actual"), None),
    (56, "001-31", "P-IND-EQ-EXCEEDED", ("ind", "开展招聘会场数", "actual"), None),
    (57, "000-06", "P-WEIGHT-SUM", ("header",), "90"),
    (57, "000-06", "P-GROUP-SUM", ("group", "产出指标"), "50"),
    (57, "000-06", "P-TOTAL-WEIGHT", ("total", "weight"), "70"),
    (57, "000-06", "P-TOTAL-SCORE", ("total", "score"), "66.81"),
    (58, "000-08", "P-WEIGHT-SUM", ("header",), "90"),
    (58, "000-08", "P-GROUP-SUM", ("group", "产出指标"), "50"),
    (58, "000-08", "P-TOTAL-WEIGHT", ("total", "weight"), "70"),
    (58, "000-08", "P-TOTAL-SCORE", ("total", "score"), "68"),
    (59, "000-34", "P-GROUP-SUM", ("group", "产出指标"), "50"),
    (59, "000-34", "P-TOTAL-WEIGHT", ("total", "weight"), "80"),
    (59, "000-34", "P-TOTAL-SCORE", ("total", "score"), "80"),
    (60, "000-48", "P-GROUP-SUM", ("group", "产出指标"), "50"),
    (60, "000-48", "P-TOTAL-WEIGHT", ("total", "weight"), "78"),
    (60, "000-48", "P-TOTAL-SCORE", ("total", "score"), "78"),
    (61, "000-51", "P-WEIGHT-SUM", ("header",), "90"),
    (61, "000-51", "P-GROUP-SUM", ("group", "效益指标"), "30"),
    (62, "002-03", "P-WEIGHT-SUM", ("header",), "90"),
    (62, "002-03", "P-GROUP-SUM", ("group", "成本指标"), "20"),
    (62, "002-03", "P-TOTAL-WEIGHT", ("total", "weight"), "80"),
    (63, "001-01", "P-WEIGHT-SUM", ("header",), "100"),
    (64, "001-27", "P-TOTAL-WEIGHT", ("total", "weight"), "10"),
    (65, "001-03", "P-TOTAL-MISSING", ("total", "score"), "10"),
    (65, "001-12", "P-TOTAL-MISSING", ("total", "score"), "0"),
    (65, "001-15", "P-TOTAL-MISSING", ("total", "score"), "100"),
    (65, "001-24", "P-TOTAL-MISSING", ("total", "score"), "90"),
    (65, "001-26", "P-TOTAL-MISSING", ("total", "score"), "9.9"),
    (65, "001-28", "P-TOTAL-MISSING", ("total", "score"), "100"),
    (66, "001-06", "P-TOTAL-SCORE", ("total", "score"), "99.64"),
    (67, "001-09", "P-TOTAL-SCORE", ("total", "score"), "99.99"),
    (68, "001-14", "P-TOTAL-SCORE", ("total", "score"), "87.9"),
    (69, "001-34", "P-TOTAL-SCORE", ("total", "score"), "99.2"),
    (70, "001-08", "P-CONCL-SCORE-ROUNDED", ("conclusion",), "95.9"),
    (70, "001-16", "P-CONCL-SCORE-ROUNDED", ("conclusion",), "98.57"),
    (70, "001-25", "P-CONCL-SCORE-ROUNDED", ("conclusion",), "84.4"),
    (70, "001-31", "P-CONCL-SCORE-ROUNDED", ("conclusion",), "97.9"),
    (71, "001-40", "P-CONCL-SCORE", ("conclusion",), "100"),
    (72, "000-07", "P-CONCL-RATE", ("conclusion",), "100"),
    (73, "000-28", "P-CONCL-RATE", ("conclusion",), "95.5"),
    (74, "001-31", "P-CONCL-RATE", ("conclusion",), "92.82"),
    (75, "001-01", "P-IND-OPERATOR", ("ind", "重新发放失败退回各项待遇时间", "actual"), None),
    (76, "002-02", "P-IND-DATE", ("ind", "职称评审时", "actual"), None),
]


@pytest.mark.parametrize(("number", "seed_id", "rule", "where", "expected"), KNOWN,
                         ids=[f"#{k[0]}-{k[1]}-{k[2]}" for k in KNOWN])
def test_known_inconsistency_is_found(number: int, seed_id: str, rule: str, where: tuple, expected: str | None) -> None:
    table = sample_tables()[seed_id]
    cell = a1(*_cell(table, where))
    hits = [f for f in _findings(seed_id) if f.rule == rule and f.cell == cell]
    assert hits, f"§5 #{number}: {rule} at {table.sheet}!{cell} not found"
    if expected is not None:
        assert hits[0].expected == Decimal(expected)
    assert hits[0].severity is RULES[rule].severity


@pytest.mark.parametrize(("seed_id", "rule", "count"), [
    ("000-51", "P-IND-WEIGHT-MISSING", 13), ("001-07", "P-IND-ACTUAL-MISSING", 6),
    ("001-15", "P-IND-ACTUAL-MISSING", 7), ("001-03", "P-IND-SCORE-MISSING", 8), ("001-12", "P-IND-SCORE-MISSING", 6),
    ("000-57", "P-IND-NOTMET-NO-REASON", 6), ("000-58", "P-IND-NOTMET-NO-REASON", 7), ("000-51", "P-GROUP-SUM", 3),
])
def test_repeated_faults_are_found_on_every_row(seed_id: str, rule: str, count: int) -> None:
    assert sum(f.rule == rule for f in _findings(seed_id)) == count


def test_tables_that_are_right_get_no_finding() -> None:
    """Only the tables of §5 get findings; the other 72 published tables check clean."""
    with_findings = {seed_id for seed_id in sample_tables() if _findings(seed_id)}
    assert with_findings == {k[1] for k in KNOWN}
    assert len(sample_tables()) - len(with_findings) == 72


def test_findings_carry_cells_values_and_messages() -> None:
    [finding] = [f for f in _findings("000-17") if f.rule == "P-IND-SCORE-OVER"]
    assert (finding.sheet, finding.cell, finding.expected, finding.actual, finding.difference) == (
        "17 职称评审项目", "H19", Decimal(6), Decimal(7), Decimal(1))
    assert finding.message == "指标“职称评审工作完成及时率”得分 7 超过分值 6"
    assert "17 职称评审项目!G19" in finding.related
    assert finding.table == "项目支出绩效自评表：职称评审项目"
    [rate] = [f for f in _findings("001-10") if f.rule == "P-BUDGET-SCORE"]
    assert rate.message == "预算执行得分应为 分值 × MIN(执行率, 1) = 10 × 26.92% = 2.69，实为 6"


def test_rule_catalogue() -> None:
    assert all(rule_id == rule.id and rule.id.startswith("P-") for rule_id, rule in RULES.items())
    assert all(rule.name and any("\u4e00" <= ch <= "\u9fff" for ch in rule.message) for rule in RULES.values())
    found = {f.rule for t in sample_tables().values() for f in check_table(t)}
    assert found <= set(RULES)
    unused = set(RULES) - found
    # exercised below on changed tables, in test_perf_layouts.py (layouts the samples do not print) and in
    # test_perf_targets.py (the 绩效目标表 of seed 003)
    assert unused == {"P-EXEC-RATE", "P-EXEC-RATE-ZERO", "P-FUND-SUM", "P-IND-RATE", "P-LAYOUT-ORDER",
                      "P-PROFILE-INFERRED", *(r for r in RULES if r.startswith("P-TGT-"))}


def test_rates_in_wanyuan_tables_get_the_rounding_tolerance() -> None:
    """泸州 computes 执行率 from 元: 13.55 / 50.32 = 26.93 % prints 26.92 % – a rounding gap, not an error."""
    table = sample_tables()["001-10"]
    assert table.text(table.funds[0].cells["rate"]) in ("0.2692", "26.92%")
    assert not [f for t in sample_tables().values() for f in check_table(t) if f.rule == "P-EXEC-RATE"]


def _changed(seed_id: str, pos: Pos, value: object) -> PerfTable:
    """The sample table re-recognised after one cell is changed (on a copy of its grid)."""
    table = sample_tables()[seed_id]
    grid = copy.deepcopy(table.grid)
    grid.values[pos[0]][pos[1]] = value
    return next(t for t in recognise_perf(grid) if t.top == table.top)


def test_wrong_rate_is_an_error_at_the_printed_precision() -> None:
    table = sample_tables()["000-02"]
    total = table.funds[0]
    changed = _changed("000-02", total.cells["rate"], 99.5)
    [finding] = [f for f in check_table(changed) if f.rule == "P-EXEC-RATE"]
    assert finding.cell == a1(*total.cells["rate"])
    assert (finding.expected, finding.actual) == (Decimal("100.0"), Decimal("99.5"))
    assert finding.severity is Severity.error


def test_execution_without_budget() -> None:
    table = sample_tables()["000-02"]
    changed = _changed("000-02", table.funds[0].cells["budget"], 0)
    rules = {f.rule for f in check_table(changed)}
    assert "P-EXEC-RATE-ZERO" in rules


def test_fund_rows_must_add_up() -> None:
    """贵州: 年度资金总额 = 财政拨款 + 其他 and 财政拨款 = 本级安排 + 上级补助; a changed 财政拨款 breaks both."""
    table = sample_tables()["000-02"]
    fiscal = next(f for f in table.funds if f.kind == "fiscal")
    total = next(f for f in table.funds if f.kind == "total")
    value = table.number(fiscal.cells["budget"])
    assert value is not None
    changed = _changed("000-02", fiscal.cells["budget"], float(value + 100))
    cells = sorted(f.cell for f in check_table(changed) if f.rule == "P-FUND-SUM")
    assert cells == sorted([a1(*total.cells["budget"]), a1(*fiscal.cells["budget"])])


def test_wanyuan_fund_sums_allow_rounding_of_the_parts() -> None:
    table = sample_tables()["001-02"]
    total = table.funds[0]
    value = table.number(total.cells["budget"])
    assert value is not None
    assert not [f for f in check_table(_changed("001-02", total.cells["budget"], float(value + Decimal("0.01"))))
                if f.rule == "P-FUND-SUM"]
    [finding] = [f for f in check_table(_changed("001-02", total.cells["budget"], float(value + Decimal("0.05"))))
                 if f.rule == "P-FUND-SUM"]
    assert finding.cell == a1(*total.cells["budget"]) and finding.expected == value


def test_check_perf_collects_all_tables_in_order() -> None:
    tables = [t for t in sample_tables().values() if t.format == "lz_project"]
    findings = check_perf(tables)
    assert [f.table for f in findings] == sorted((f.table for f in findings), key=[t.name for t in tables].index)
