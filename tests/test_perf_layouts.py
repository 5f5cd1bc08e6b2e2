"""Issue 7 items 7–13, each on a published table rendered in the layout that broke recognition: two-row indicator
headers, a 实际完成情况 paragraph quoting the budget, scores typed as text with 分, a 上年完成值 column beside the
actual, a printed 完成率 column, header words of no known template, and a header order the data contradicts."""

from __future__ import annotations

import copy
from decimal import Decimal

from juesuan.findings import Severity
from juesuan.grid import a1
from juesuan.perf.checks import check_table
from juesuan.perf.fill import plan_fill
from juesuan.perf.model import PerfTable
from juesuan.perf.recognise import recognise_perf
from test_perf_fill import planned
from test_perf_recognise import sample_tables, seed_tables
from workbooks.perf_variants import Variant, grids

SEEDS = {seed["id"]: seed for seed in seed_tables()}


def rendered(seed_id: str, *features: str, seed: dict | None = None, profile: str | None = None) -> PerfTable:
    [grid] = grids([seed or SEEDS[seed_id]], Variant(frozenset(features)))
    [table] = recognise_perf(grid, profile=profile)
    return table


def _rules(table: PerfTable) -> list[str]:
    return [f.rule for f in check_table(table)]


def _rows(table: PerfTable) -> list[tuple[str, str, str, str, str]]:
    return [(r.group, r.level2, r.level3, table.text(r.cells["target"]), table.text(r.cells["actual"]))
            for r in table.scored_indicators]


def test_two_row_indicator_header_keeps_every_indicator() -> None:
    """Labels merged over two header rows (the second row otherwise empty) – merged or not – end the header,
    not the indicator block (专家休假专项经费, 6 rows, 50/30/10)."""
    printed = sample_tables()["000-04"]
    for features in (("two_row",), ("two_row", "unmerged")):
        table = rendered("000-04", *features)
        merged = "unmerged" not in features  # unmerged, the second header row is just an empty row
        assert table.indicator_header_bottom == table.indicator_header_row + merged
        assert table.indicators[0].row == table.indicator_header_row + 2
        assert _rows(table) == _rows(printed)
        assert [(g.name, g.declared) for g in table.groups] == [
            ("产出指标", Decimal(50)), ("效益指标", Decimal(30)), ("满意度指标", Decimal(10))]
        assert _rules(table) == _rules(printed) == ["P-IND-NOTMET-FULL"]  # the 部分达成 row of §5 #50


def test_fund_header_is_never_a_paragraph() -> None:
    """A 实际完成情况 paragraph quoting 年初预算数 … 全年执行数 stands between the fund rows and the indicators; the
    fund header is the short header row above the funds."""
    printed = sample_tables()["000-02"]
    table = rendered("000-02", "paragraph")
    paragraph = table.indicator_header_row - 1
    assert "年初预算数4794100，全年预算数4794100，全年执行数4794100" in "".join(
        str(v) for v in table.grid.values[paragraph] if v)
    assert table.fund_columns == printed.fund_columns
    assert [(f.kind, table.number(f.cells["budget"])) for f in table.funds] == [
        (f.kind, printed.number(f.cells["budget"])) for f in printed.funds]
    assert not check_table(table)


def test_scores_typed_with_their_unit_are_numbers() -> None:
    """考试工作经费 (001-02) with every 分值/得分 typed as text: ``10分``, ``8.89分``, ``95.99分``; also ``100.00分``."""
    table = rendered("001-02", "text_scores")
    fund, total = table.funds[0], table.total
    assert total is not None
    assert (table.text(fund.cells["score"]), table.number(fund.cells["score"])) == ("8.89分", Decimal("8.89"))
    assert (table.text(total.cells["score"]), table.number(total.cells["score"])) == ("95.99分", Decimal("95.99"))
    assert not check_table(table)
    grid = copy.deepcopy(table.grid)
    r, c = total.cells["weight"]
    grid.values[r][c] = "100.00分"
    [again] = recognise_perf(grid)
    assert again.number(again.total.cells["weight"]) == 100 and again.decimals((r, c)) == 2  # type: ignore[union-attr]
    assert not check_table(again)


def test_the_actual_value_is_this_years() -> None:
    """With 上年完成值 beside 指标实际完成值, the indicator's actual is the current one."""
    table = rendered("000-04", "last_year")
    header = table.indicator_header_row
    assert table.text((header, table.indicator_columns["actual"])) == "指标实际完成值"
    assert table.text((header, table.indicator_columns["last_year"])) == "上年完成值"
    assert _rows(table) == _rows(sample_tables()["000-04"])
    row = next(r for r in table.indicators if r.level3 == "专家休假人数")
    assert (table.text(row.cells["last_year"]), table.text(row.cells["actual"])) == ("≥60人", "≥42人")
    assert _rules(table) == ["P-IND-NOTMET-FULL"]


def test_printed_completion_rate_is_checked_and_filled() -> None:
    """完成率 = 实际完成值 ÷ 指标值: 专家休假人数 ≥60人 / ≥42人 prints 70.00 %; a wrong rate is an error at its cell,
    an empty one is filled with the same value."""
    table = rendered("000-04", "rate_column")
    row = next(r for r in table.indicators if r.level3 == "专家休假人数")
    assert table.text(row.cells["rate"]) == "70.00%"
    assert _rules(table) == ["P-IND-NOTMET-FULL"]
    grid = copy.deepcopy(table.grid)
    r, c = row.cells["rate"]
    grid.values[r][c] = 0.75
    [finding] = [f for t in recognise_perf(grid) for f in check_table(t) if f.rule == "P-IND-RATE"]
    assert (finding.cell, finding.expected, finding.actual, finding.severity) == (
        a1(r, c), Decimal(70), Decimal(75), Severity.error)
    assert finding.message == "指标“专家休假人数”完成率应为 实际完成值 ÷ 指标值 = 70%，实为 75%"
    printed = {row.cells["rate"]: table.grid.values[row.cells["rate"][0]][row.cells["rate"][1]]
               for row in table.scored_indicators}
    blank = copy.deepcopy(table.grid)
    for (r, c) in printed:
        blank.values[r][c] = None
    values = {pos: value for (_, pos), value in planned(plan_fill(blank, grade=False)).items()}
    assert values == {pos: value for pos, value in printed.items() if value is not None}
    assert len(values) == 5  # the 部分达成 row has no ratio


def test_unknown_template_infers_its_scoring_rule() -> None:
    """Header words of no template: 贵州's 总分 leaves the 预算执行 score out (87 = Σ indicators), 株洲's adds it;
    the report says which rule was inferred, and no total is reported wrong."""
    gz = rendered("000-04", "unknown")
    assert (gz.format, gz.profile.include_budget_in_total) == ("inferred", False)
    note, partial = check_table(gz)
    assert partial.rule == "P-IND-NOTMET-FULL"
    assert (note.rule, note.severity) == ("P-PROFILE-INFERRED", Severity.info)
    assert note.message == "表样不属于已知模板，评分口径按表中数字推断：总分不含预算执行得分（一级指标标注的分值合计 90 = 总分分值）"
    zz = rendered("002-04", "unknown")
    assert (zz.format, zz.profile.include_budget_in_total) == ("inferred", True)
    assert [f.rule for f in check_table(zz)] == ["P-PROFILE-INFERRED"]
    # without points in the 一级 labels the sums decide: 10.5 + 15 + 10 + 10 + 30 + 10 = 85.5 = 总分
    bare = copy.deepcopy(SEEDS["000-04"])
    for ind in bare["indicators"]:
        ind["level1"] = ind["level1"].split(" ")[0].split("(")[0]
    table = rendered("000-04", "unknown", seed=bare)
    assert table.profile_note == "总分不含预算执行得分（各项指标之和 = 总分 85.5）"
    # a profile imposed by the user is used as given
    imposed = rendered("000-04", "unknown", profile="gz_project")
    assert imposed.profile_note is None and _rules(imposed) == ["P-IND-NOTMET-FULL"]


def test_header_order_contradicted_by_the_data() -> None:
    """分值权重 | 实际完成指标值 over rows holding 完成值 | 分值: reported once, and read as the data shows."""
    table = rendered("000-04", "swapped")
    assert table.swapped == ("weight", "actual")
    assert _rows(table) == _rows(sample_tables()["000-04"])
    finding, partial = check_table(table)
    assert partial.rule == "P-IND-NOTMET-FULL"
    assert (finding.rule, finding.severity) == ("P-LAYOUT-ORDER", Severity.error)
    assert finding.cell == a1(table.indicator_header_row, table.indicator_columns["actual"])
    assert finding.message == ("表头“分值权重 | 实际完成指标值”的顺序与数据不符：各行“分值权重”栏填的是完成值，"
                               "“实际完成指标值”栏填的是分值；已按数据核对，请改正表头")
