"""指标值 / 完成值 grammar and completion, checked against every value cell of the published tables.

The seed tables (../shared/seed-perf, perf-scoring.md) are JSON facts with every cell as printed. The loaders
here are imported by the other perf test modules.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from juesuan.numbers import is_blank
from juesuan.perf import (
    DatePoint,
    IndValue,
    completion,
    completion_ratio,
    normalize_text,
    parse_value,
    units_compatible,
)

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed-perf"
D = Decimal


@lru_cache(maxsize=1)
def seed_tables() -> tuple[dict[str, Any], ...]:
    """All 132 seed tables (127 self-evaluations + 5 六枝 target tables), in file order."""
    return tuple(json.loads(path.read_text(encoding="utf-8")) for path in sorted(SEED_DIR.glob("*.json")))


def score_tables() -> list[dict[str, Any]]:
    """The 127 self-evaluation tables (without the 六枝 target-only tables)."""
    return [table for table in seed_tables() if table["format"] != "lzt_target"]


def row_nature(table: dict[str, Any], row: dict[str, Any]) -> str | None:
    """泸州's 指标性质 column; elsewhere the 一级/二级 names, whose 成本 turns a bare target into ≤."""
    if "nature" in row:
        return row["nature"]
    return f"{row['level1'] or ''}{row['level2'] or ''}"


def parsed_row(table: dict[str, Any], row: dict[str, Any]) -> tuple[IndValue, IndValue]:
    return parse_value(row["target"], row_nature(table, row), row.get("unit")), parse_value(row["actual"])


def value_cells() -> list[tuple[str | None, str | None, str | None]]:
    """Every 指标值 and 完成值 cell as (text, 指标性质, 度量单位), targets of the 六枝 tables included."""
    cells: list[tuple[str | None, str | None, str | None]] = []
    for table in seed_tables():
        for row in table.get("indicators", []):
            cells.append((row["target"], row.get("nature"), row.get("unit")))
            cells.append((row["actual"], None, None))
        cells.extend((row["target"], None, None) for row in table.get("targets", []))
    return cells


def _kind(value: IndValue) -> str:
    if value.empty:
        return "empty"
    if value.compound:
        return "compound"
    if value.date is not None:
        return "date"
    return "qualitative" if value.qualitative else "number"


# --- the corpus ----------------------------------------------------------------------------------------


def test_seed_corpus_is_the_documented_one():
    formats = Counter(table["format"] for table in seed_tables())
    assert formats == {"gz_project": 58, "lz_dept": 1, "lz_project": 56, "zz_dept": 1, "zz_project": 11,
                       "lzt_target": 5}
    assert sum(len(table.get("indicators", [])) for table in score_tables()) == 966
    assert len(value_cells()) == 2011


def test_every_distinct_value_parses():
    """perf-scoring.md §3.1: 2 011 value cells; none may crash, each lands in exactly one family."""
    distinct = {text for text, _, _ in value_cells()}
    assert len(distinct) == 553
    kinds = Counter(_kind(parse_value(text)) for text in distinct)
    assert kinds == {"number": 422, "qualitative": 103, "date": 19, "compound": 7, "empty": 2}


def test_every_cell_parses_in_context():
    """With 指标性质 and 度量单位 (泸州), the operators of all 2 011 cells."""
    values = [parse_value(*cell) for cell in value_cells()]
    assert Counter(_kind(v) for v in values) == {
        "number": 1484, "qualitative": 418, "date": 67, "empty": 34, "compound": 8,
    }
    assert Counter(v.op for v in values) == {
        ">=": 1044, "qual": 424, "=": 299, "<=": 127, ">": 39, "": 34, "<": 32, "~=": 10, "between": 2,
    }


# --- exact parses ------------------------------------------------------------------------------------

_P = DatePoint


@pytest.mark.parametrize(
    ("raw", "nature", "unit_col", "op", "number", "upper", "unit", "qualitative", "date"),
    [
        ("≥900人次", None, None, ">=", "900", None, "人次", False, None),
        ("$\\geq 95\\%$", None, None, ">=", "95", None, "%", False, None),
        ("$= 100\\%$", None, None, "=", "100", None, "%", False, None),
        (">=95%", None, None, ">=", "95", None, "%", False, None),
        ("＞90%", None, None, ">", "90", None, "%", False, None),
        (">95%", None, None, ">", "95", None, "%", False, None),
        ("= 100%", None, None, "=", "100", None, "%", False, None),
        ("≈10000份", None, None, "~=", "10000", None, "份", False, None),
        ("≅11500人", None, None, "~=", "11500", None, "人", False, None),
        ("约100人", None, None, "~=", "100", None, "人", False, None),
        ("≥1万人以上", None, None, ">=", "1", None, "万人", False, None),
        ("90 天之内", None, None, "<=", "90", None, "天", False, None),
        ("≥ 0.3 万人次/年", None, None, ">=", "0.3", None, "万人次/年", False, None),
        ("≥3班、次/年", None, None, ">=", "3", None, "班、次/年", False, None),
        ("≤0.75元/页", None, None, "<=", "0.75", None, "元/页", False, None),
        ("≤358.32万元", None, None, "<=", "358.32", None, "万元", False, None),
        ("=794平方米", None, None, "=", "794", None, "平方米", False, None),
        ("≤3个月", None, None, "<=", "3", None, "个月", False, None),
        ("≤24月", None, None, "<=", "24", None, "月", False, None),
        ("184.79 万 元", None, None, ">=", "184.79", None, "万元", False, None),
        ("6000 元/ 人", None, None, ">=", "6000", None, "元/人", False, None),
        ("100%", None, None, ">=", "100", None, "%", False, None),
        ("0.99", None, None, ">=", "0.99", None, "", False, None),
        ("2500万", None, None, ">=", "2500", None, "万", False, None),
        ("3,655,709.50", None, None, ">=", "3655709.50", None, "", False, None),
        ("≤-5%", None, None, "<=", "-5", None, "%", False, None),
        ("11-12 月", None, None, "between", "11", "12", "月", False, None),
        ("12月", None, None, "<=", "12", None, "月", False, _P(None, 12, None)),
        ("5月30日前", None, None, "<=", None, None, "", False, _P(None, 5, 30)),
        ("12月底之前", None, None, "<=", "12", None, "月", False, _P(None, 12, None)),
        ("2023年12月31日", None, None, "<=", None, None, "", False, _P(2023, 12, 31)),
        ("2023年12月31日前完成", None, None, "<=", None, None, "", False, _P(2023, 12, 31)),
        ("2023 年年 底前", None, None, "<=", None, None, "", False, _P(2023, 12, 31)),
        ("2022年年 底", None, None, "<=", None, None, "", False, _P(2022, 12, 31)),
        ("2024年12底之前", None, None, "<=", None, None, "", False, _P(2024, 12, None)),
        ("2023年", None, None, "<=", "2023", None, "年", False, _P(2023, None, None)),
        ("第三季度", None, None, "<=", "9", None, "月", False, _P(None, 9, None)),
        ("每年年末前", None, None, "<=", None, None, "", False, _P(None, 12, 31)),
        ("定性每年年末", None, None, "qual", None, None, "", True, None),
        ("定性有效提高", None, None, "qual", None, None, "", True, None),
        ("达成年度指标", None, None, "qual", None, None, "", True, None),
        ("有效保障", None, None, "qual", None, None, "", True, None),
        ("合同约定时间", None, None, "qual", None, None, "", True, None),
        ("优良中低差", "定性", None, "qual", None, None, "", True, None),
        # 泸州: operator from 指标性质, unit from 度量单位
        ("9.2", "＞", "万人次", ">", "9.2", None, "万人次", False, None),
        ("684", "≤", "人", "<=", "684", None, "人", False, None),
        ("100", "＝", "%", "=", "100", None, "%", False, None),
        ("12", "＜", "月", "<", "12", None, "月", False, _P(None, 12, None)),
        ("2023", "=", "年", "=", "2023", None, "年", False, _P(2023, None, None)),
        ("26563740", "≤", "元", "<=", "26563740", None, "元", False, None),
        ("优", "定性", "家", "qual", None, None, "", True, None),
        ("95", "正向指标", None, ">=", "95", None, "", False, None),
        ("3", "反向指标", None, "<=", "3", None, "", False, None),
        # 株洲: bare values; a 成本 indicator reads as ≤
        ("195 万元", "成本指标 (20 分)经济成本 指标", None, "<=", "195", None, "万元", False, None),
        ("260 人", "产出指标 (40 分)数量指标", None, ">=", "260", None, "人", False, None),
    ],
)
def test_parse_value_exact(raw, nature, unit_col, op, number, upper, unit, qualitative, date):
    value = parse_value(raw, nature, unit_col)
    assert (value.op, value.number, value.upper, value.unit, value.qualitative, value.date) == (
        op,
        None if number is None else D(number),
        None if upper is None else D(upper),
        unit,
        qualitative,
        date,
    )
    assert value.raw == raw


@pytest.mark.parametrize("raw", [None, "", "  ", "-", "—", "——", "/"])
def test_blank_values_are_empty(raw):
    value = parse_value(raw)
    assert value.empty and value.op == "" and value.number is None and not value.qualitative


def test_operator_source_and_notes():
    assert parse_value("≥5天").op_source == "value"
    assert parse_value("5天").op_source == "implied"
    assert parse_value("90 天之内").op_source == "qualifier"
    conflict = parse_value("≥5", "≤")
    assert (conflict.op, conflict.op_source) == ("<=", "nature")
    assert conflict.notes == ("指标值中的运算符与指标性质不一致",)
    assert parse_value("2500万", None, "万元").notes == ()
    assert parse_value("30人", None, "万元").notes == ("指标值中的单位与度量单位不一致",)


@pytest.mark.parametrize("raw", ["6" * 5000 + "万元", "≥" + "9" * 31 + "亿"])
def test_a_figure_of_too_many_digits_is_no_number(raw):
    """Past 30 digits a cell holds no target (``parse_number`` draws the same line); scaled by 万/亿 such a
    number once overflowed ``Decimal`` and crashed the check of the whole workbook (found by make fuzz)."""
    value = parse_value(raw)
    assert value.number is None and value.qualitative
    assert completion(parse_value("≤12月"), value) == "需判断"


def test_thirty_digits_are_still_a_number():
    assert parse_value("9" * 30 + "万元").number == Decimal("9" * 30)
    too_wide = parse_value("1-" + "9" * 40)  # no range: a number with a text to check by hand
    assert too_wide.upper is None and too_wide.compound


@pytest.mark.parametrize(
    "raw",
    [
        "≅4250人，平均2000元/年/人",
        "1002元/人/月、2004元/人/月",
        "岗位补贴:2004元/人/月,1002元/人/月",
        "预完成100件案件庭审笔录及50件调解笔录，当期结案率≥90%",
    ],
)
def test_compound_values_are_flagged(raw):
    value = parse_value(raw)
    assert value.compound and "复合指标值，需人工核对" in value.notes
    assert completion(value, parse_value("达成年度指标")) == "达成"
    assert completion(value, parse_value("100")) == "需判断"


def test_normalize_text():
    assert normalize_text("$\\geq 95\\%$") == "≥95%"
    assert normalize_text("公平、公 正、公开") == "公平、公正、公开"
    assert normalize_text("＞９０％") == ">90%"
    assert normalize_text("邀请知名企业 HR 中高管") == "邀请知名企业HR中高管"
    assert normalize_text("A B") == "A B"


def test_percent_ratio():
    assert parse_value("≥95%").ratio == D("0.95")
    assert parse_value("95").ratio is None


# --- completion ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "nature", "unit", "actual", "state", "ratio"),
    [
        ("≥900人次", None, None, "≥1110人次", "达成", "1110/900"),
        ("≥60人", None, None, "≥42人", "未达成", "42/60"),
        ("≥1200人/年", None, None, "≥817人/年", "未达成", "817/1200"),
        ("=100%", None, None, "=61%", "未达成", "61/100"),
        ("=100%", None, None, "≥80%", "未达成", "80/100"),  # 000 L2016: the actual's ≥ is decoration
        ("=2个", None, None, "=5个", "达成", "5/2"),  # = exceeded reads as ≥ (000 L1921)
        ("≤13000人", None, None, "≤13385人", "未达成", "13000/13385"),
        ("≤8000人", None, None, "≤6226人", "达成", "8000/6226"),
        (">95%", None, None, ">95%", "达成", "1"),  # a bound satisfies the same bound
        ("90", "＞", "%", "90%", "达成", "1"),  # strict at equality (001 L3271)
        ("12", "＜", "月", "12", "达成", "1"),  # 001 L2070
        ("12", "≤", "月", "≤12月", "达成", "1"),  # month against month: a date comparison
        ("9.2", "＞", "万人次", "9.3", "达成", "9.3/9.2"),  # bare actual takes 万人次
        ("≥1.3万人", None, None, "13800人", "达成", "13800/13000"),
        ("2656.37", "≤", "万", "1248.75万", "达成", "2656.37/1248.75"),
        ("≥1万人以上", None, None, "≥0.9万人", "未达成", "0.9/1"),
        ("≅90%", None, None, "86%", "达成", "86/90"),
        ("≅90%", None, None, "85%", "未达成", "85/90"),
        ("11-12 月", None, None, "12", "达成", "12/11"),
        ("11-12 月", None, None, "13", "未达成", "12/13"),
        ("2023年年 底", None, None, "2022年年 底", "达成", "1"),  # 002 L213 (suspicious, but before)
        ("2023年12月31日", None, None, "2024年3月", "未达成", None),
        ("5月30日前", None, None, "5月20日", "达成", "1"),
        ("5月30日前", None, None, "5月", "未达成", None),  # a month ends after the 30th
        ("5月30日前", None, None, "6月", "未达成", None),
        ("2023", "=", "年", "2023年", "达成", "1"),
        ("有效保障", None, None, "有效保障", "达成", "1"),
        ("有效促进", None, None, "达成年度指标", "达成", "1"),
        ("有效激励", None, None, "部分达成年度指标并具有一定效果", "部分达成", None),
        ("合同约定时间", None, None, "未达成年度指标", "未达成", "0"),
        ("第三季度", None, None, "部分达成年度指标并具有一定效果", "部分达成", None),
        ("公平、公 正、公开", None, None, "公平、公正、 公开", "达成", "1"),
        ("优良中低差", "定性", None, "优", "达成", "1"),
        ("优", "定性", None, "良", "部分达成", None),
        ("良", "定性", None, "优", "达成", "1"),
        ("优", "定性", None, "差", "未达成", "0"),
        ("优", "定性", None, "未完成", "未达成", "0"),
        ("高", "定性", None, "高", "达成", "1"),
        ("显著", None, None, "明显", "需判断", None),
        ("=7个", None, None, "100%", "需判断", None),  # units (000 L2146)
        ("≥95%", None, None, "0.96", "需判断", None),  # a percent-formatted cell? do not guess
        ("5", "≥", "天", "≤5天", "需判断", None),  # bound in the other direction (001 L644)
        ("25", "=", "人/年", "每人每年25元", "需判断", None),
        ("优", "定性", None, "100", "需判断", None),
        ("", None, None, "100", "需判断", None),
        ("≥90%", None, None, "", "缺完成值", None),
        ("≥90%", None, None, "-", "缺完成值", None),
        ("≤3000", "≤", "元/台", "0", "达成", None),  # nothing spent: met, ratio undefined
        ("≥10个/年", None, None, "≥0个/年", "未达成", "0"),
    ],
)
def test_completion(target, nature, unit, actual, state, ratio):
    t, a = parse_value(target, nature, unit), parse_value(actual)
    assert completion(t, a) == state
    assert completion_ratio(t, a) == _quotient(ratio)


def _quotient(text: str | None) -> Decimal | None:
    """``"817/1200"`` → the Decimal quotient, so expected ratios read as the fraction they are."""
    if text is None:
        return None
    numerator, _, denominator = text.partition("/")
    return D(numerator) / D(denominator or "1")


def test_approx_tolerance_is_a_setting():
    t, a = parse_value("≅100人"), parse_value("91人")
    assert completion(t, a) == "未达成"
    assert completion(t, a, approx_tolerance=D("0.1")) == "达成"


def test_units_compatible():
    assert units_compatible(parse_value("≥1.3万人"), parse_value("13800人"))
    assert units_compatible(parse_value("1000", "≥", "万"), parse_value("2500万元"))
    assert not units_compatible(parse_value("=7个"), parse_value("100%"))
    assert not units_compatible(parse_value("≥1200人"), parse_value("1200人次"))
    assert units_compatible(parse_value("有效保障"), parse_value("100%"))


def test_completion_over_all_scored_rows():
    """perf-scoring.md §2.5 counts 918 scored rows: 844 met + 5 “= exceeded” + 1 unclassifiable + 51 not met
    + 3 部分达成 + 14 without 完成值. Here = exceeded counts as 达成; 需判断 holds the unit mismatch 000 L2146,
    the compound 002 L447 and 001 L9882 (``每人每年25元``); the 15th row without 完成值 is 001 L5744, an empty
    row carrying 得分 90 that the document does not count as an indicator."""
    states: Counter[str] = Counter()
    by_state: dict[str, list[tuple[str, int]]] = {}
    for table in score_tables():
        for row in table["indicators"]:
            if is_blank(row["score"]):
                continue
            state = completion(*parsed_row(table, row))
            states[state] += 1
            by_state.setdefault(state, []).append((table["id"], row["line"]))
    assert states == {"达成": 847, "未达成": 51, "部分达成": 3, "需判断": 3, "缺完成值": 15}
    assert by_state["需判断"] == [("000-55", 2146), ("001-46", 9882), ("002-09", 447)]
    assert by_state["部分达成"] == [("000-04", 813), ("000-18", 1172), ("000-28", 1436)]
    assert by_state["缺完成值"] == [("000-51", 2042)] + [("001-07", line) for line in range(1860, 1921, 12)] + [
        ("001-15", line) for line in range(3457, 3530, 12)
    ] + [("001-27", 5744)]


def test_strict_operators_at_equality_are_met():
    """All 25 rows where ＞/＜ meets an equal actual got full marks: 3 贵州 ``>95% | >95%``, 20 泸州 bare
    actuals and 2 泸州 actuals written ``＞90%`` (perf-scoring.md §2.5)."""
    rows = []
    for table in score_tables():
        for row in table["indicators"]:
            target, actual = parsed_row(table, row)
            if target.op in (">", "<") and actual.number is not None and actual.number == target.number:
                rows.append((table["id"], row["line"], completion(target, actual), row["score"] == row["weight"]))
    assert len(rows) == 25
    assert {(state, full) for _, _, state, full in rows} == {("达成", True)}
    assert sum(table_id.startswith("000") for table_id, *_ in rows) == 3


def test_over_achievement_rows():
    """32 scored ≥ rows reach 1.5 × 指标值; only 2 were cut, both to half marks with a reason (§2.5)."""
    rows = []
    for table in score_tables():
        for row in table["indicators"]:
            target, actual = parsed_row(table, row)
            if target.op in (">=", ">") and not is_blank(row["score"]) and actual.number is not None:
                ratio = completion_ratio(target, actual)
                if ratio is not None and ratio >= D("1.5"):
                    rows.append((table["id"], row["line"], row["weight"], row["score"]))
    assert len(rows) == 32
    assert [r for r in rows if r[2] != r[3]] == [("000-01", 728, "6", "3"), ("000-14", 1051, "6", "3")]
