"""Scoring profiles: the per-template parameters of 绩效自评 scoring as validated configuration.

The published templates agree on the arithmetic but not on the policy: 贵州 splits 90 indicator points
50/30/10 and leaves the 10 budget points out of 总分, 泸州 and 株洲 split 40/20/10/20 and add them, 贵州 gives an
exceeded ``≤`` target 0 (perf-scoring.md §2.9). Keeping these as data lets one scoring core serve every
template, and validation stops a typo (bands 90/60/80, splits summing to 80) from producing wrong scores.
Every rule states its own Chinese message; :func:`validation_message` renders a failed load for users.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator, model_validator

__all__ = [
    "DEFAULT_GRADES",
    "DEFAULT_PROFILE",
    "PROFILES",
    "GradeBand",
    "GradeBands",
    "ScoringProfile",
    "get_profile",
    "validation_message",
]


def _non_empty(value: str, what: str) -> str:
    if not value.strip():
        raise ValueError(f"{what}不能为空")
    return value


class GradeBand(BaseModel):
    """One grade and the lowest total that earns it (``优`` from 90)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    min_score: Decimal

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        return _non_empty(value, "等级名称")

    @field_validator("min_score")
    @classmethod
    def _min_score(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError(f"等级分数线不能为负数，现为 {value}")
        return value


class GradeBands(BaseModel):
    """Grades from best to worst; a total below the last band gets ``below``.

    The national convention 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 < 60 is not stated in any seed table (perf-scoring.md
    §2.6), so it is a setting, not a constant.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    bands: tuple[GradeBand, ...]
    below: str = "差"

    @field_validator("below")
    @classmethod
    def _below(cls, value: str) -> str:
        return _non_empty(value, "最低等级名称")

    @model_validator(mode="after")
    def _descending_and_distinct(self) -> GradeBands:
        if not self.bands:
            raise ValueError("至少需要一条等级分数线")
        scores = [band.min_score for band in self.bands]
        if any(high <= low for high, low in pairwise(scores)):
            raise ValueError(f"等级分数线必须从高到低严格递减，现为 {'、'.join(str(s) for s in scores)}")
        labels = [band.label for band in self.bands] + [self.below]
        if len(set(labels)) != len(labels):
            raise ValueError(f"等级名称不能重复：{'、'.join(labels)}")
        return self

    @classmethod
    def from_thresholds(
        cls, thresholds: str | Sequence[object], labels: str | Sequence[str] | None = None
    ) -> GradeBands:
        """Build from a worksheet argument: ``"90,80,60"`` and optional labels ``"优,良,中,差"``.

        Labels default to 优/良/中/差 for three thresholds; otherwise one label per band plus one for below.
        """
        values = _split_list(thresholds)
        names = _split_list(labels) if labels is not None else None
        if names is None:
            if len(values) != 3:
                raise ValueError(f"未给出等级名称时须给出 3 条分数线（优、良、中），现为 {len(values)} 条")
            names = ["优", "良", "中", "差"]
        if len(names) != len(values) + 1:
            raise ValueError(f"等级名称应比分数线多 1 个：分数线 {len(values)} 条，名称 {len(names)} 个")
        bands = [{"label": name, "min_score": value} for name, value in zip(names, values, strict=False)]
        return cls.model_validate({"bands": bands, "below": names[-1]})

    def grade(self, total: Decimal) -> str:
        for band in self.bands:
            if total >= band.min_score:
                return band.label
        return self.below


def _split_list(value: str | Sequence[Any]) -> list[Any]:
    """``"90, 80，60"`` or ``[90, 80, 60]`` → items; full-width commas and 、 are accepted."""
    if isinstance(value, str):
        cleaned = value.replace("，", ",").replace("、", ",")
        return [part.strip() for part in cleaned.split(",") if part.strip()]
    return list(value)


DEFAULT_GRADES = GradeBands(
    bands=(GradeBand(label="优", min_score=Decimal(90)), GradeBand(label="良", min_score=Decimal(80)),
           GradeBand(label="中", min_score=Decimal(60))),
    below="差",
)

# Bounds of the scalar settings, each with the message a user sees.
_LIMITS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "budget_weight": (lambda v: v >= 0, "预算执行分值不能为负数，现为 {}"),
    "indicator_weight": (lambda v: v > 0, "指标总分值必须为正数，现为 {}"),
    "decimals": (lambda v: 0 <= v <= 6, "得分保留的小数位应在 0 到 6 之间，现为 {}"),
    "rate_decimals": (lambda v: 0 <= v <= 6, "执行率保留的小数位应在 0 到 6 之间，现为 {}"),
    "over_achievement": (lambda v: v > 1, "超额完成需说明原因的倍数应大于 1，现为 {}"),
    "approx_tolerance": (lambda v: 0 <= v < 1, "“≈”指标的容差应不小于 0 且小于 1，现为 {}"),
    "reason_below_rate": (lambda v: v is None or 0 < v <= 1, "须说明原因的执行率界限应大于 0 且不超过 1，现为 {}"),
}
_CHOICES: dict[str, tuple[tuple[str, ...], str]] = {
    "le_exceeded": (
        ("zero", "proportional"), "“≤”指标超出时的计分规则应为 zero（记 0 分）或 proportional（按比例），现为 {}"
    ),
    "rate_display": (("percent", "number"), "执行率显示方式应为 percent（0.00%）或 number（100.00），现为 {}"),
}


class ScoringProfile(BaseModel):
    """How one template scores a 绩效自评表 (perf-scoring.md §2.9).

    * ``budget_weight`` + ``indicator_weight`` = the 100-point scale; ``level1_weights`` split the indicator
      points over the 一级指标 and must add up to ``indicator_weight``.
    * ``include_budget_in_total``: whether 总分 adds the 预算执行 score (贵州 prints indicator points only).
    * ``le_exceeded``: an exceeded ``≤``/``<`` target scores ``zero`` (贵州) or 分值 × 指标值/完成值.
    * ``rate_decimals``/``rate_display``: 执行率 to 2 decimals of a percent, shown as ``0.00%`` or ``100.00``.
    * ``partial_share`` is the suggested share for a qualitative 部分达成, inside ``partial_band`` (60–80 %).
    * ``over_achievement``: 完成值/指标值 from which a full score needs a written reason.
    * ``approx_tolerance``: how far below a ``≈`` target still counts as met.
    * ``reason_below_rate``: 执行率 under which a reason is required (泸州 template: 90 %).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str
    budget_weight: Decimal = Decimal(10)
    indicator_weight: Decimal = Decimal(90)
    level1_weights: dict[str, Decimal]
    include_budget_in_total: bool = True
    le_exceeded: Literal["zero", "proportional"] = "zero"
    decimals: int = 2
    rate_decimals: int = 2
    rate_display: Literal["percent", "number"] = "percent"
    partial_share: Decimal = Decimal("0.7")
    partial_band: tuple[Decimal, Decimal] = (Decimal("0.6"), Decimal("0.8"))
    over_achievement: Decimal = Decimal("1.5")
    approx_tolerance: Decimal = Decimal("0.05")
    reason_below_rate: Decimal | None = None
    grades: GradeBands = DEFAULT_GRADES

    @field_validator("name", "label")
    @classmethod
    def _named(cls, value: str, info: ValidationInfo) -> str:
        return _non_empty(value, "方案代码" if info.field_name == "name" else "方案名称")

    @field_validator(*_CHOICES, mode="before")
    @classmethod
    def _one_of(cls, value: object, info: ValidationInfo) -> object:
        assert info.field_name is not None
        choices, message = _CHOICES[info.field_name]
        if value not in choices:
            raise ValueError(message.format(value))
        return value

    @field_validator(*_LIMITS)
    @classmethod
    def _within_limits(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        check, message = _LIMITS[info.field_name]
        if not check(value):
            raise ValueError(message.format(value))
        return value

    @field_validator("level1_weights")
    @classmethod
    def _positive_splits(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        if not value:
            raise ValueError("一级指标分值不能为空")
        for name, weight in value.items():
            _non_empty(name, "一级指标名称")
            if weight <= 0:
                raise ValueError(f"一级指标“{name}”的分值必须为正数，现为 {weight}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ScoringProfile:
        split_total = sum(self.level1_weights.values(), Decimal(0))
        if split_total != self.indicator_weight:
            parts = "、".join(f"{name}{weight}" for name, weight in self.level1_weights.items())
            raise ValueError(f"一级指标分值之和 {split_total}（{parts}）不等于指标总分值 {self.indicator_weight}")
        low, high = self.partial_band
        if not Decimal(0) <= low < high <= Decimal(1):
            raise ValueError(f"“部分达成”得分区间应在 0 与 1 之间且下限小于上限，现为 {low}–{high}")
        if not low <= self.partial_share <= high:
            raise ValueError(f"“部分达成”建议比例 {self.partial_share} 不在区间 {low}–{high} 内")
        top = self.grades.bands[0].min_score
        if top > self.total_weight:
            raise ValueError(f"最高等级分数线 {top} 超过满分 {self.total_weight}")
        return self

    @property
    def total_weight(self) -> Decimal:
        """The 100-point scale grades apply to (budget + indicators)."""
        return self.budget_weight + self.indicator_weight

    @property
    def max_total(self) -> Decimal:
        """The most the printed 总分 can be: 90 when it leaves the budget score out (贵州)."""
        return self.total_weight if self.include_budget_in_total else self.indicator_weight

    def replace(self, **changes: Any) -> ScoringProfile:
        """A copy with some settings changed, validated again (``model_copy`` would skip validation)."""
        return type(self).model_validate({**self.model_dump(), **changes})


def validation_message(error: ValidationError) -> str:
    """A failed profile load in Chinese, one line per problem (pydantic's own texts are English)."""
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        kind = item["type"]
        if kind == "value_error":
            text = str(item["ctx"]["error"])
        elif kind == "extra_forbidden":
            text = "未知的设置项"
        elif kind == "missing":
            text = "缺少此设置项"
        else:
            text = f"取值无效：{item['input']!r}"
        lines.append(f"{where}：{text}" if where else text)
    return "\n".join(lines)


_GZ_SPLIT = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
_LZ_SPLIT = {"产出指标": Decimal(40), "效益指标": Decimal(20), "满意度指标": Decimal(10), "成本指标": Decimal(20)}

DEFAULT_PROFILE = ScoringProfile(
    name="default",
    label="通用（产出50/效益30/满意度10/预算执行10）",
    level1_weights=_GZ_SPLIT,
)

PROFILES: Mapping[str, ScoringProfile] = MappingProxyType({
    # 贵州 项目支出绩效目标自评表: 总分 is the indicator sum (max 90); ≤ exceeded scored 0 (000 L1138–L1139);
    # 49 of 58 tables print 执行率 as a number in percent without %.
    "gz_project": ScoringProfile(
        name="gz_project", label="贵州 项目支出绩效目标自评表", level1_weights=_GZ_SPLIT,
        include_budget_in_total=False, le_exceeded="zero", rate_display="number",
    ),
    # 泸州: 合计 = 预算执行 + indicators; the template asks for a reason under 90 % 执行率; the published
    # expectation for an exceeded ≤ cost (001 L11301: 20 × 210.3/264.61 = 15.9) is proportional.
    "lz_project": ScoringProfile(
        name="lz_project", label="泸州 部门预算项目支出绩效自评表", level1_weights=_LZ_SPLIT,
        le_exceeded="proportional", reason_below_rate=Decimal("0.9"),
    ),
    # 泸州 部门整体: 权重 in percent summing to 90 %, no 得分 column; the split is the one its rows carry.
    "lz_dept": ScoringProfile(
        name="lz_dept", label="泸州 部门整体支出绩效目标完成情况自评表", level1_weights=_LZ_SPLIT,
        le_exceeded="proportional", reason_below_rate=Decimal("0.9"),
    ),
    "zz_project": ScoringProfile(
        name="zz_project", label="株洲 项目支出绩效自评表", level1_weights=_LZ_SPLIT,
    ),
    "zz_dept": ScoringProfile(
        name="zz_dept", label="株洲 部门（单位）整体支出绩效自评表", level1_weights=_LZ_SPLIT,
    ),
})


def get_profile(name: str) -> ScoringProfile:
    """The preset for a table format (``gz_project`` …); a Chinese error names the known formats."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"没有名为“{name}”的评分方案，可用：{'、'.join(PROFILES)}") from None
