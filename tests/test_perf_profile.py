"""Scoring profiles: presets per template, checked against the published tables, and validation."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from juesuan.numbers import NotANumber, parse_number
from juesuan.perf import (
    DEFAULT_PROFILE,
    PROFILES,
    GradeBand,
    GradeBands,
    ScoringProfile,
    get_profile,
    validation_message,
)

from test_perf_indicator import score_tables

D = Decimal
_GZ = {"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)}
_LZ = {"产出指标": D(40), "效益指标": D(20), "满意度指标": D(10), "成本指标": D(20)}


def test_presets():
    assert set(PROFILES) == {"gz_project", "lz_project", "lz_dept", "zz_project", "zz_dept"}
    gz, lz, zz = get_profile("gz_project"), get_profile("lz_project"), get_profile("zz_project")
    assert gz.level1_weights == _GZ and lz.level1_weights == _LZ and zz.level1_weights == _LZ
    assert (gz.include_budget_in_total, lz.include_budget_in_total, zz.include_budget_in_total) == (False, True, True)
    assert (gz.max_total, lz.max_total, gz.total_weight) == (D(90), D(100), D(100))
    assert (gz.le_exceeded, lz.le_exceeded, zz.le_exceeded) == ("zero", "proportional", "zero")
    assert (gz.rate_display, lz.rate_display) == ("number", "percent")
    assert lz.reason_below_rate == D("0.9") and gz.reason_below_rate is None
    assert all(p.decimals == 2 and p.budget_weight == 10 and p.indicator_weight == 90 for p in PROFILES.values())
    assert [(band.label, band.min_score) for band in DEFAULT_PROFILE.grades.bands] == [
        ("优", D(90)), ("良", D(80)), ("中", D(60)),
    ]
    assert DEFAULT_PROFILE.grades.below == "差" and DEFAULT_PROFILE.include_budget_in_total


def test_unknown_profile():
    with pytest.raises(KeyError, match="没有名为“hb_project”的评分方案"):
        get_profile("hb_project")


def _number(text: object) -> Decimal | None:
    try:
        return parse_number(text)
    except NotANumber:
        return None


def _level1_sums(table: dict[str, Any]) -> dict[str, Decimal]:
    """Σ 分值 per 一级指标, the label stripped of its ``(50分)`` and wrap spaces."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in table["indicators"]:
        weight = _number(row["weight"])
        if weight is not None:
            sums[re.sub(r"\s|[(（].*$", "", row["level1"] or "")] += weight
    return dict(sums)


def test_presets_match_the_published_splits():
    """perf-scoring.md §2.3: the split holds in 53 of 58 贵州 tables (§5 #57–#61 miss rows), in 11 of 12 株洲
    tables (#62) and in 44 of 56 泸州 project tables, whose other splits vary."""
    outcome: dict[str, list[str]] = defaultdict(list)
    for table in score_tables():
        preset = get_profile(table["format"]).level1_weights
        verdict = "same" if _level1_sums(table) == preset else "differs"
        outcome[f"{table['format']}:{verdict}"].append(table["id"])
    assert {key: len(ids) for key, ids in outcome.items()} == {
        "gz_project:same": 53, "gz_project:differs": 5, "lz_dept:same": 1, "lz_project:same": 44,
        "lz_project:differs": 12, "zz_dept:same": 1, "zz_project:same": 10, "zz_project:differs": 1,
    }
    assert outcome["gz_project:differs"] == ["000-06", "000-08", "000-34", "000-48", "000-51"]
    assert outcome["zz_project:differs"] == ["002-03"]
    assert outcome["lz_project:differs"] == [
        "001-10", "001-19", "001-20", "001-21", "001-22", "001-23", "001-24", "001-26", "001-27", "001-35",
        "001-48", "001-56",
    ]


def test_lz_dept_percent_weights_follow_the_split():
    (table,) = [t for t in score_tables() if t["format"] == "lz_dept"]
    assert _level1_sums(table) == _LZ  # 3% + 3% + … read as points: 40/20/10/20


def _profile(**changes: Any) -> ScoringProfile:
    return DEFAULT_PROFILE.replace(**changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"level1_weights": {"产出指标": 50, "效益指标": 30}},
         "一级指标分值之和 80（产出指标50、效益指标30）不等于指标总分值 90"),
        ({"level1_weights": {"产出指标": 100, "效益指标": -10}},
         "level1_weights：一级指标“效益指标”的分值必须为正数，现为 -10"),
        ({"level1_weights": {"产出指标": 90, "效益指标": 0}}, "一级指标“效益指标”的分值必须为正数，现为 0"),
        ({"level1_weights": {}}, "level1_weights：一级指标分值不能为空"),
        ({"level1_weights": {" ": 90}}, "一级指标名称不能为空"),
        ({"indicator_weight": 80}, "不等于指标总分值 80"),
        ({"indicator_weight": 0}, "indicator_weight：指标总分值必须为正数，现为 0"),
        ({"budget_weight": -10}, "budget_weight：预算执行分值不能为负数，现为 -10"),
        ({"decimals": 9}, "decimals：得分保留的小数位应在 0 到 6 之间，现为 9"),
        ({"decimals": "两位"}, "decimals：取值无效：'两位'"),
        ({"le_exceeded": "half"},
         "le_exceeded：“≤”指标超出时的计分规则应为 zero（记 0 分）或 proportional（按比例），现为 half"),
        ({"rate_display": "%"}, "rate_display：执行率显示方式应为 percent（0.00%）或 number（100.00），现为 %"),
        ({"partial_band": (D("0.8"), D("0.6"))}, "“部分达成”得分区间应在 0 与 1 之间且下限小于上限，现为 0.8–0.6"),
        ({"partial_share": D("0.9")}, "“部分达成”建议比例 0.9 不在区间 0.6–0.8 内"),
        ({"over_achievement": 1}, "over_achievement：超额完成需说明原因的倍数应大于 1，现为 1"),
        ({"approx_tolerance": 1}, "approx_tolerance：“≈”指标的容差应不小于 0 且小于 1，现为 1"),
        ({"reason_below_rate": D("1.2")}, "reason_below_rate：须说明原因的执行率界限应大于 0 且不超过 1，现为 1.2"),
        ({"label": " "}, "label：方案名称不能为空"),
        ({"grades": {"bands": [{"label": "优", "min_score": 95}, {"label": "良", "min_score": 120}]}},
         "grades：等级分数线必须从高到低严格递减，现为 95、120"),
        ({"grades": {"bands": [{"label": "优", "min_score": 120}]}}, "最高等级分数线 120 超过满分 100"),
        ({"grades": {"bands": [{"label": "优", "min_score": 90}, {"label": "优", "min_score": 60}]}},
         "等级名称不能重复：优、优、差"),
        ({"grades": {"bands": [{"label": "优", "min_score": -1}]}},
         "grades.bands.0.min_score：等级分数线不能为负数，现为 -1"),
        ({"grades": {"bands": [{"label": "", "min_score": 90}]}}, "grades.bands.0.label：等级名称不能为空"),
        ({"grades": {"bands": []}}, "grades：至少需要一条等级分数线"),
        ({"colour": "red"}, "colour：未知的设置项"),
    ],
)
def test_validation_rejects_nonsense(changes, message):
    with pytest.raises(ValidationError) as caught:
        _profile(**changes)
    assert message in validation_message(caught.value)


def test_missing_setting_message():
    with pytest.raises(ValidationError) as caught:
        ScoringProfile.model_validate({"name": "x", "label": "某地"})
    assert validation_message(caught.value) == "level1_weights：缺少此设置项"


def test_replace_revalidates_and_keeps_the_rest():
    changed = get_profile("gz_project").replace(le_exceeded="proportional", decimals=1)
    assert (changed.le_exceeded, changed.decimals, changed.include_budget_in_total) == ("proportional", 1, False)
    assert get_profile("gz_project").le_exceeded == "zero"


def test_profiles_are_frozen():
    with pytest.raises(ValidationError):
        get_profile("gz_project").decimals = 3  # type: ignore[misc]


def test_custom_profile_from_configuration():
    """A region's profile comes from configuration data (e.g. YAML) and is validated on load."""
    data = {
        "name": "hb_project", "label": "某地 项目支出绩效自评表", "budget_weight": "20", "indicator_weight": "80",
        "level1_weights": {"产出指标": "40", "效益指标": "30", "满意度指标": "10"},
        "grades": {"bands": [{"label": "优", "min_score": "85"}, {"label": "合格", "min_score": "60"}],
                   "below": "不合格"},
    }
    profile = ScoringProfile.model_validate(data)
    assert profile.total_weight == D(100) and profile.grades.grade(D("84.99")) == "合格"


@pytest.mark.parametrize(
    ("thresholds", "labels", "total", "expected"),
    [
        ("90,80,60", None, "85", "良"),
        ("90，80，60", None, "59", "差"),
        ([90, 80, 60], None, "90", "优"),
        ("85,60", "优秀,合格,不合格", "70", "合格"),
        ("85、60", ["优秀", "合格", "不合格"], "10", "不合格"),
    ],
)
def test_grade_bands_from_thresholds(thresholds, labels, total, expected):
    assert GradeBands.from_thresholds(thresholds, labels).grade(D(total)) == expected


@pytest.mark.parametrize(
    ("thresholds", "labels", "message"),
    [
        ("90,80", None, "未给出等级名称时须给出 3 条分数线（优、良、中），现为 2 条"),
        ("90,80,60", "优,良,中", "等级名称应比分数线多 1 个：分数线 3 条，名称 3 个"),
        ("60,80,90", None, "等级分数线必须从高到低严格递减，现为 60、80、90"),
        ("90,abc,60", None, "bands.1.min_score：取值无效：'abc'"),
    ],
)
def test_grade_bands_reject(thresholds, labels, message):
    with pytest.raises(ValueError) as caught:
        GradeBands.from_thresholds(thresholds, labels)
    error = caught.value
    assert message in (validation_message(error) if isinstance(error, ValidationError) else str(error))


def test_grade_band_model():
    assert GradeBand(label="优", min_score="90").min_score == D(90)
