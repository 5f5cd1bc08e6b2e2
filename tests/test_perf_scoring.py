"""执行率, 预算执行得分, suggested scores, totals and row checks, recomputed on all 127 published tables.

Expected lists are the inconsistencies of perf-scoring.md §2 and §5, by (table id, seed line).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from juesuan.numbers import NotANumber, is_blank, parse_number
from juesuan.perf import (
    CHECK_MESSAGES,
    DEFAULT_GRADES,
    CheckCode,
    PerfInputError,
    RateMatch,
    ZeroDenominatorError,
    check_indicator,
    completion,
    exec_rate,
    exec_rate_match,
    exec_score,
    fund_check,
    get_profile,
    grade,
    parse_value,
    perf_total,
    share,
    suggested_score,
    weight_check,
    yoy,
)

from test_perf_indicator import parsed_row, score_tables

D = Decimal


def _number(text: object) -> Decimal | None:
    try:
        return parse_number(text)
    except NotANumber:
        return None


def _total_fund_row(table: dict[str, Any]) -> dict[str, Any]:
    """年度资金总额 (贵州, 株洲) or 总额 (泸州): the row that carries 分值 | 执行率 | 得分."""
    (row,) = [row for row in table["budget_rows"] if "总额" in row["label"]]
    return row


def _printed_rate(text: str) -> tuple[Decimal, int]:
    """A printed 执行率 (``99.93``, ``88.90%``, ``100%``) as a fraction and its decimals as a fraction."""
    percent = D(text.strip().rstrip("%"))
    return percent / 100, -percent.as_tuple().exponent + 2


def _rate_tables() -> list[dict[str, Any]]:
    """The 126 tables with a 执行率 (the 泸州 部门整体 table has none)."""
    return [table for table in score_tables() if table["format"] != "lz_dept"]


# --- 执行率 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "executed", "expected"),
    [
        ("180000", "179876", "0.9993"),  # 000 L801
        ("8574213", "6135515.7", "0.7156"),  # 000 L1127: ÷ A, not ÷ 年初 6020000
        ("1177773.94", "766639.2", "0.6509"),
        ("63000000", "56140000", "0.8911"),
        ("1382840", "1382600", "0.9998"),
        ("800.00", "711.23", "0.8890"),
        ("8637300", "0", "0"),
        ("100", "120", "1.2"),  # not capped: the rate shows the overspend
    ],
)
def test_exec_rate(budget, executed, expected):
    assert exec_rate(D(budget), D(executed)) == D(expected)


def test_exec_rate_rounds_half_up():
    assert exec_rate(D(8), D(1), 2) == D("0.13")  # 0.125: banker's rounding would give 0.12
    assert exec_rate(D(200000), D(199999)) == D("1.0000")


def test_exec_rate_zero_budget():
    assert exec_rate(D(0), D(0)) is None
    with pytest.raises(ZeroDenominatorError, match="执行率无法计算"):
        exec_rate(D(0), D("263.01"))
    with pytest.raises(PerfInputError, match="全年预算数不能为负数"):
        exec_rate(D(-1), D(0))


@pytest.mark.parametrize(
    ("budget", "executed", "expected"),
    [
        ("180000", "179876", "9.99"),
        ("8574213", "6135515.7", "7.16"),
        ("1177773.94", "766639.2", "6.51"),
        ("63000000", "56140000", "8.91"),
        ("1382840", "1382600", "10.00"),
        ("18", "17.93", "9.96"),  # 002 L271
        ("1034.52", "933.25", "9.02"),  # 002 L390
        ("184.86", "184.79", "10.00"),  # 002 L202
        ("100", "120", "10.00"),  # capped at the 分值
        ("8637300", "0", "0.00"),
    ],
)
def test_exec_score(budget, executed, expected):
    assert exec_score(D(budget), D(executed)) == D(expected)


def test_exec_score_weight_decimals_and_zero():
    assert exec_score(D(200), D(150), D(20), 1) == D("15.0")
    assert exec_score(D(0), D(0)) is None
    with pytest.raises(ZeroDenominatorError):
        exec_score(D(0), D(5))


def test_published_rates_follow_b_over_a():
    """perf-scoring.md §2.1: 113 printed rates equal ROUND(B/A) exactly; the other 13 (all 泸州, 万元) only
    within the ± 0.005 万元 rounding of A and B; none contradicts the rule."""
    outcome: dict[RateMatch, list[tuple[str, int]]] = defaultdict(list)
    for table in _rate_tables():
        row = _total_fund_row(table)
        budget, executed = parse_number(row["full_year_budget_A"]), parse_number(row["executed_B"])
        printed, decimals = _printed_rate(row["exec_rate"])
        step = D("0.01") if table["amount_unit"] == "万元" else None
        match = exec_rate_match(budget, executed, printed, decimals, step)
        outcome[match].append((table["id"], row["line"]))
        if match is RateMatch.rounding:  # without the amount tolerance these would be errors
            assert exec_rate_match(budget, executed, printed, decimals) is RateMatch.mismatch
    assert len(outcome[RateMatch.exact]) == 113
    assert outcome[RateMatch.mismatch] == []
    assert outcome[RateMatch.rounding] == [
        ("001-10", 2379), ("001-13", 2974), ("001-16", 3593), ("001-19", 4151), ("001-31", 6431),
        ("001-33", 6827), ("001-34", 7013), ("001-35", 7211), ("001-42", 8872), ("001-47", 10005),
        ("001-50", 10598), ("001-54", 11376), ("001-57", 12017),
    ]


def test_rate_match_interval():
    # 13.55 / 50.32 = 26.93 %, printed 26.92 % (001 L2379): fits once the amounts are ± 0.005
    assert exec_rate_match(D("50.32"), D("13.55"), D("0.2692"), 4, D("0.01")) is RateMatch.rounding
    assert exec_rate_match(D("50.32"), D("13.55"), D("0.2680"), 4, D("0.01")) is RateMatch.mismatch
    assert exec_rate_match(D(0), D(0), D(0), 4) is RateMatch.exact
    assert exec_rate_match(D(0), D(5), D(0), 4) is RateMatch.mismatch


def _budget_score_rule(row: dict[str, Any]) -> str:
    """Which rounding reproduces a printed 预算执行得分, judged at the printed score's own precision."""
    budget, executed = parse_number(row["full_year_budget_A"]), parse_number(row["executed_B"])
    printed = parse_number(row["score"])
    rate, _ = _printed_rate(row["exec_rate"])
    if printed == exec_score(budget, executed):
        return "ROUND(10×B/A,2)"
    if printed == exec_score(D(1), rate):  # B/A with A = 1: the printed rate itself
        return "ROUND(10×执行率,2)"
    places = max(-printed.as_tuple().exponent, 0)
    for label, mode in (("四舍五入到印出位数", ROUND_HALF_UP), ("截断", ROUND_DOWN)):
        for ratio in (executed / budget, rate):
            if (10 * min(ratio, D(1))).quantize(D(1).scaleb(-places), mode) == printed:
                return label
    return "酌情"


def test_published_budget_scores():
    """perf-scoring.md §2.2: every 贵州 and 株洲 table follows ROUND(10 × MIN(B/A, 1), 2); of the 51 泸州 tables
    with a score, 32 follow it (one from its printed rate) and 19 do not; 5 leave the score empty."""
    rules: dict[str, dict[tuple[str, int], str]] = defaultdict(dict)
    empty = []
    for table in _rate_tables():
        row = _total_fund_row(table)
        if is_blank(row["score"]):
            empty.append((table["id"], row["line"]))
            continue
        rules[table["format"]][(table["id"], row["line"])] = _budget_score_rule(row)
    assert Counter(rules["gz_project"].values()) == {"ROUND(10×B/A,2)": 58}
    assert Counter(rules["zz_project"].values()) == {"ROUND(10×B/A,2)": 11}
    assert Counter(rules["zz_dept"].values()) == {"ROUND(10×B/A,2)": 1}
    lz = rules["lz_project"]
    assert Counter(lz.values()) == {
        "ROUND(10×B/A,2)": 31, "ROUND(10×执行率,2)": 1, "四舍五入到印出位数": 14, "截断": 2, "酌情": 3,
    }
    assert {key: rule for key, rule in lz.items() if not rule.startswith("ROUND")} == {
        ("001-08", 1984): "四舍五入到印出位数",  # 7.977 → 8
        ("001-14", 3197): "四舍五入到印出位数",  # 7.875 → 7.9
        ("001-20", 4385): "四舍五入到印出位数",
        ("001-21", 4583): "四舍五入到印出位数",
        ("001-30", 6222): "四舍五入到印出位数",
        ("001-31", 6431): "四舍五入到印出位数",
        ("001-33", 6827): "四舍五入到印出位数",
        ("001-34", 7013): "四舍五入到印出位数",  # 9.15 from the printed 91.50 % → 9.2
        ("001-35", 7211): "四舍五入到印出位数",
        ("001-37", 7617): "四舍五入到印出位数",  # 9.836 → 10
        ("001-38", 7889): "四舍五入到印出位数",
        ("001-44", 9400): "四舍五入到印出位数",
        ("001-53", 11179): "四舍五入到印出位数",  # 9.713 → 10
        ("001-57", 12017): "四舍五入到印出位数",
        ("001-26", 5556): "截断",  # 9.976 → 9.9
        ("001-42", 8872): "截断",  # 9.82 → 9
        ("001-10", 2379): "酌情",  # 26.92 % → 6 (§5 #7)
        ("001-43", 9130): "酌情",  # 52.83 % → 6 (§5 #8)
        ("001-54", 11376): "酌情",  # 84.61 % → 10 (§5 #9)
    }
    assert [key for key, rule in lz.items() if rule == "ROUND(10×执行率,2)"] == [("001-47", 10005)]
    assert empty == [("001-03", 983), ("001-06", 1588), ("001-09", 2169), ("001-11", 2577), ("001-24", 5136)]


# --- indicator scores ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "target", "nature", "actual", "expected"),
    [
        ("15", "≥60人", None, "≥42人", "10.50"),  # 000 L809
        ("10", "≥1200人/年", None, "≥817人/年", "6.81"),  # 000 L857 (6.808)
        ("10", "≥250人", None, "≥178人", "7.12"),
        ("5", "≥350人", None, "≥311人", "4.44"),
        ("13", "≥100万人", None, "≥72.99万人", "9.49"),
        ("10", "≥19人", None, "≥8人", "4.21"),
        ("10", "=100%", None, "=61%", "6.10"),
        ("4", "=100%", None, "≥80%", "3.20"),
        ("13", "≥115万人", None, "≥114.35万人", "12.93"),
        ("8", "6000", "＞", "3827", "5.10"),  # 001 L847
        ("10", "609", "＝", "602", "9.89"),
        ("10", "30", "＝", "28", "9.33"),
        ("20", "90", "＝", "85", "18.89"),  # 001 L2441 printed 19 (integer)
        ("6", "≥7万册", None, "≥51万册", "6"),  # over-achievement keeps 分值
        ("4", "=2个", None, "=5个", "4"),  # = exceeded reads as ≥
        ("30", "有效激励", None, "部分达成年度指标并具有一定效果", "21.00"),  # 70 % suggestion
        ("30", "有效保障", None, "未达成年度指标", "0"),
        ("10", "≥95%", None, "0", "0.00"),
        ("10", "=7个", None, "100%", None),  # 需判断
        ("10", "≥90%", None, "", None),  # 缺完成值
        ("10", "2023年12月31日", None, "2024年3月31日", None),  # missed deadline: a person decides
    ],
)
def test_suggested_score(weight, target, nature, actual, expected):
    result = suggested_score(D(weight), parse_value(target, nature), parse_value(actual), get_profile("gz_project"))
    assert result == (None if expected is None else D(expected))


def test_le_exceeded_rule():
    """000 L1138–L1139: 贵州 scored exceeded ≤ targets 0; the proportional rule gives 1.94 and 0.69."""
    zero, proportional = get_profile("gz_project"), get_profile("gz_project").replace(le_exceeded="proportional")
    cases = [("2", "≤13000人", "≤13385人", "1.94"), ("1", "≤4000人", "≤5839人", "0.69")]
    for weight, target, actual, expected in cases:
        t, a = parse_value(target), parse_value(actual)
        assert suggested_score(D(weight), t, a, zero) == D(0)
        assert suggested_score(D(weight), t, a, proportional) == D(expected)
    # 001 L11301 under the 泸州 preset (proportional): 20 × 210.3 / 264.61
    assert suggested_score(D(20), parse_value("210.3", "≤", "万元"), parse_value("264.61"),
                           get_profile("lz_project")) == D("15.90")


def test_suggested_scores_on_published_rows():
    """§2.5: of the 41 quantitative not-met rows scored below 分值, 32 equal the 2-decimal suggestion (plus
    the 4 qualitative 0s and 2 贵州 ≤ zeros); met rows keep 分值 except 17 cuts."""
    agree: Counter[tuple[str, str]] = Counter()
    differ: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for table in score_tables():
        profile = get_profile(table["format"])
        for row in table["indicators"]:
            weight, score = _number(row["weight"]), _number(row["score"])
            if weight is None or score is None or table["format"] == "lz_dept":
                continue
            target, actual = parsed_row(table, row)
            state = completion(target, actual)
            suggestion = suggested_score(weight, target, actual, profile)
            verdict = "none" if suggestion is None else "same" if suggestion == score else "differs"
            agree[(state, verdict)] += 1
            if verdict == "differs":
                differ[state].append((table["id"], row["line"]))
    assert agree == {
        ("达成", "same"): 829, ("达成", "differs"): 17, ("未达成", "same"): 38, ("未达成", "differs"): 13,
        ("部分达成", "differs"): 3, ("需判断", "none"): 3, ("缺完成值", "none"): 13,
    }
    assert differ["未达成"] == [
        ("001-08", 2046), ("001-10", 2441), ("001-21", 4657), ("001-29", 6159), ("001-30", 6356), ("001-31", 6565),
        ("001-35", 7381), ("001-41", 8652), ("001-45", 9684), ("001-47", 10127), ("001-52", 11043),
        ("001-53", 11253), ("001-53", 11301),
    ]
    assert differ["达成"] == [
        ("000-01", 728), ("000-08", 909), ("000-14", 1051), ("000-17", 1142), ("000-35", 1612), ("000-54", 2125),
        ("000-54", 2126), ("000-55", 2150), ("000-55", 2151), ("001-14", 3331), ("001-16", 3727), ("001-24", 5198),
        ("001-25", 5492), ("001-33", 6889), ("001-33", 6949), ("001-37", 7799), ("001-39", 8245),
    ]


# --- row checks ---------------------------------------------------------------------------------------------


def test_check_indicator_on_published_rows():
    """Every scored indicator row through INDCHECK's logic; the lists are the findings of perf-scoring.md §5."""
    found: dict[CheckCode, list[tuple[str, int]]] = defaultdict(list)
    for table in score_tables():
        if table["format"] == "lz_dept":
            continue
        profile = get_profile(table["format"])
        for row in table["indicators"]:
            target, actual = parsed_row(table, row)
            code = check_indicator(_number(row["weight"]), _number(row["score"]), target, actual, row["reason"],
                                   profile)
            if code is not None:
                found[code].append((table["id"], row["line"]))
    assert {code: len(rows) for code, rows in found.items()} == {
        CheckCode.OK: 826, CheckCode.OVER_NO_REASON: 23, CheckCode.NOTMET_NO_REASON: 19, CheckCode.NO_SCORE: 14,
        CheckCode.NO_ACTUAL: 13, CheckCode.NOT_PROPORTIONAL: 12, CheckCode.MET_CUT_NO_REASON: 8,
        CheckCode.NOTMET_FULL: 7, CheckCode.EQ_EXCEEDED: 4, CheckCode.NEEDS_JUDGMENT: 2,
        CheckCode.SCORE_OVER_WEIGHT: 1, CheckCode.UNIT_MISMATCH: 1,
    }
    assert found[CheckCode.SCORE_OVER_WEIGHT] == [("000-17", 1142)]  # #15
    assert found[CheckCode.UNIT_MISMATCH] == [("000-55", 2146)]  # #53
    assert found[CheckCode.EQ_EXCEEDED] == [("000-47", 1921), ("001-18", 4087), ("001-21", 4645), ("001-31", 6493)]
    assert found[CheckCode.MET_CUT_NO_REASON] == [  # #20–#27
        ("000-54", 2125), ("000-54", 2126), ("000-55", 2150), ("000-55", 2151), ("001-14", 3331), ("001-16", 3727),
        ("001-24", 5198), ("001-39", 8245),
    ]
    assert found[CheckCode.NOTMET_NO_REASON] == [  # #40–#46
        *[("000-57", line) for line in range(2195, 2201)], *[("000-58", line) for line in range(2219, 2226)],
        ("001-21", 4657), ("001-30", 6284), ("001-30", 6356), ("001-31", 6565), ("001-41", 8652), ("001-42", 8958),
    ]
    assert found[CheckCode.NOTMET_FULL] == [  # #34–#39, and #50 (部分达成 scored 30 of 30)
        ("000-04", 813), ("001-29", 6159), ("001-45", 9684), ("001-47", 10127), ("001-52", 11043),
        ("001-53", 11253), ("001-53", 11301),
    ]
    assert found[CheckCode.NOT_PROPORTIONAL] == [  # #18, #19, #28–#33, #51 and three 泸州 roundings
        ("000-01", 728), ("000-08", 909), ("000-14", 1051), ("000-18", 1172), ("000-35", 1612), ("001-08", 2046),
        ("001-10", 2441), ("001-25", 5492), ("001-33", 6889), ("001-33", 6949), ("001-35", 7381), ("001-37", 7799),
    ]
    assert found[CheckCode.NO_ACTUAL] == [  # #13, #14
        *[("001-07", line) for line in range(1860, 1921, 12)], *[("001-15", line) for line in range(3457, 3530, 12)],
    ]
    assert found[CheckCode.NO_SCORE] == [  # #16, #17
        *[("001-03", line) for line in range(1045, 1130, 12)], *[("001-12", line) for line in range(2849, 2910, 12)],
    ]
    assert found[CheckCode.NEEDS_JUDGMENT] == [("001-46", 9882), ("002-09", 447)]


def test_check_codes_have_chinese_messages():
    assert set(CHECK_MESSAGES) == set(CheckCode)
    assert CheckCode.SCORE_OVER_WEIGHT.value == "SCORE>WEIGHT"


def test_check_indicator_cases():
    profile = get_profile("gz_project")
    t, met, short = parse_value("≥60人"), parse_value("≥61人"), parse_value("≥42人")
    assert check_indicator(None, D(5), t, met) is None
    assert check_indicator(D(15), D(15), t, met, "", profile) is CheckCode.OK
    assert check_indicator(D(15), D("10.5"), t, short, "原因", profile) is CheckCode.OK
    assert check_indicator(D(15), D(10), t, short, "原因", profile) is CheckCode.NOT_PROPORTIONAL
    assert check_indicator(D(15), D("10.5"), t, short, " ", profile) is CheckCode.NOTMET_NO_REASON
    partial = parse_value("部分达成年度指标并具有一定效果")
    assert check_indicator(D(15), D(10), parse_value("有效保障"), partial, "原因", profile) is CheckCode.OK
    assert check_indicator(D(2), D(0), parse_value("第三季度"), partial, "原因", profile) is CheckCode.NOT_PROPORTIONAL


# --- totals, weights, funds ----------------------------------------------------------------------------------


def test_published_totals():
    """§2.4: 贵州 总分 = Σ indicators (54 of 58: the 4 tables with a missing row, §5 #57–#60, do not add up);
    泸州 合计 = 预算执行 + Σ indicators for 45 of the 50 printed (§5 #66–#69 and the empty budget score of
    001 L2577 differ; 001-27's only 得分 sits in a row without an indicator); 株洲 all 12."""
    outcome: dict[tuple[str, str], list[str]] = defaultdict(list)
    for table in _rate_tables():
        profile = get_profile(table["format"])
        printed = _number((table["total"] or {}).get("score"))
        scores = [_number(row["score"]) for row in table["indicators"]]
        total = perf_total(scores, _number(_total_fund_row(table)["score"]), profile.include_budget_in_total)
        verdict = "missing" if printed is None else "same" if printed == total else "differs"
        outcome[(table["format"][:2], verdict)].append(table["id"])
    assert {key: len(ids) for key, ids in outcome.items()} == {
        ("gz", "same"): 54, ("gz", "differs"): 4, ("lz", "same"): 45, ("lz", "differs"): 5, ("lz", "missing"): 6,
        ("zz", "same"): 12,
    }
    assert outcome[("gz", "differs")] == ["000-06", "000-08", "000-34", "000-48"]
    assert outcome[("lz", "differs")] == ["001-06", "001-09", "001-11", "001-14", "001-34"]
    assert outcome[("lz", "missing")] == ["001-03", "001-12", "001-15", "001-24", "001-26", "001-28"]


def test_published_weight_sums():
    """Σ 分值 − 90 per table: the missing rows of §5 #57–#62 and the unfilled tables."""
    gaps = {}
    for table in _rate_tables():
        gap = weight_check(_number(row["weight"]) for row in table["indicators"])
        if gap:
            gaps[table["id"]] = gap
    assert gaps == {
        "000-06": D(-20), "000-08": D(-20), "000-34": D(-10), "000-48": D(-12), "000-51": D(-90),
        "001-26": D(-90), "001-27": D(-90), "002-03": D(-20),
    }


def test_lz_dept_weights_sum_to_90_percent():
    (table,) = [t for t in score_tables() if t["format"] == "lz_dept"]
    assert weight_check(parse_number(row["weight"]) for row in table["indicators"]) == 0  # "3%" parses as 3


def test_published_fund_identities():
    """资金来源 rows add up in every table, for 年初, A and B (perf-scoring.md §1.1, §1.2, §1.4)."""
    columns = ("initial_budget", "full_year_budget_A", "executed_B")
    checked = 0
    for table in _rate_tables():
        rows = table["budget_rows"]
        for column in columns:
            amounts = [_number(row.get(column)) for row in rows]
            if table["format"] == "gz_project":
                total, fiscal, own, upper, other = amounts
                identities = [(total, [fiscal, other]), (fiscal, [own, upper])]
            elif table["format"] == "lz_project":
                identities = [(amounts[0], amounts[1:])]
            elif table["format"] == "zz_project":
                identities = [(amounts[-1], amounts[:-1])]
            else:
                continue
            for total, parts in identities:
                assert fund_check(total, parts) == 0, (table["id"], column)
                checked += 1
    assert checked == 58 * 3 * 2 + 56 * 3 + 11 * 3


def test_perf_total_weight_check_fund_check():
    assert perf_total([D(6), D(3), None, D("10.5")], D("9.99"), include_budget=False) == D("19.5")
    assert perf_total([D(6), D(3), None, D("10.5")], D("9.99")) == D("29.49")
    assert perf_total([D(90)], None) == D(90)
    assert weight_check([D(50), D(30), None, D(10)]) == 0
    assert weight_check([D(50), D(30)], D(100)) == D(-20)
    assert fund_check(D("13238.84"), [D("10582.47"), D("2656.37")]) == 0
    assert fund_check(None, [None]) == 0


@pytest.mark.parametrize(
    ("total", "expected"),
    [("100", "优"), ("93.03", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"),
     ("59.99", "差"), ("0", "差")],
)
def test_grade(total, expected):
    assert grade(D(total), DEFAULT_GRADES) == expected


# --- shares and growth (juesuan-tables.md §7) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "total", "decimals", "expected"),
    [
        ("51368.15", "62584.67", 4, "0.8208"),  # 财政拨款收入占本年收入 82.08 %
        ("51716.82", "76693.13", 4, "0.6743"),
        ("32890.34", "51716.82", 4, "0.6360"),
        ("15.41", "22.01", 2, "0.70"),  # 公务用车 70 %
    ],
)
def test_share(part, total, decimals, expected):
    assert share(D(part), D(total), decimals) == D(expected)


def test_share_zero_total():
    assert share(D(0), D(0)) is None
    with pytest.raises(ZeroDenominatorError, match="占比"):
        share(D(1), D(0))


@pytest.mark.parametrize(
    ("current", "previous", "decimals", "expected"),
    [
        ("80473.90", "75394.11", 4, "0.0674"),  # 收支总计增长 6.74 %
        ("6.85", "3.23", 4, "1.1207"),  # 公务接待 112.07 %
        ("22.01", "34.33", 3, "-0.359"),  # 三公 减少 35.9 %
        ("5", "0", 4, "1"),  # 上年 0: “增长100.00%”
        ("-5", "0", 4, "-1"),
        ("-5", "-10", 4, "0.5"),  # a smaller deficit is growth
    ],
)
def test_yoy(current, previous, decimals, expected):
    assert yoy(D(current), D(previous), decimals) == D(expected)


def test_yoy_both_zero():
    assert yoy(D(0), D(0)) is None
