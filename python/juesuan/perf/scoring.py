"""The numbers of a 绩效自评表: 执行率, 预算执行得分, suggested indicator scores, totals, grades, checks.

Rules as the published tables apply them (perf-scoring.md §2, §4): 执行率 = 全年执行数 ÷ 全年预算数,
预算执行得分 = ROUND(分值 × MIN(执行率, 1), 2), a missed quantitative target scores 分值 × 完成率. Everything is
``Decimal`` and rounds half-up like Excel's ROUND, so a recomputed value can be compared with the printed
one digit for digit.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum

from ..numbers import round_half_up
from .indicator import (
    DOWNWARD,
    EQ,
    GE,
    GT,
    JUDGE,
    MET,
    NO_ACTUAL,
    PARTIAL,
    IndValue,
    completion,
    completion_ratio,
    units_compatible,
)
from .profile import DEFAULT_PROFILE, GradeBands, ScoringProfile

__all__ = [
    "CHECK_MESSAGES",
    "CheckCode",
    "PerfInputError",
    "RateMatch",
    "ZeroDenominatorError",
    "check_indicator",
    "exec_rate",
    "exec_rate_match",
    "exec_score",
    "fund_check",
    "grade",
    "perf_total",
    "share",
    "suggested_score",
    "weight_check",
    "yoy",
]

_ONE = Decimal(1)
_ZERO = Decimal(0)


class PerfInputError(ValueError):
    """Input that no rule can score (a negative budget); the message is Chinese and shown to users."""


class ZeroDenominatorError(PerfInputError):
    """A ratio whose denominator is 0 while its numerator is not (预算 0, 执行 > 0): Excel's ``#DIV/0!``."""


def _ratio(numerator: Decimal, denominator: Decimal, what: str) -> Decimal | None:
    """numerator / denominator; ``None`` when both are 0 (nothing to measure), an error when only the
    denominator is."""
    if denominator == 0:
        if numerator == 0:
            return None
        raise ZeroDenominatorError(f"{what}无法计算：分母为0而分子为{numerator}")
    return numerator / denominator


def _execution(budget: Decimal, executed: Decimal) -> Decimal | None:
    """Unrounded B/A; a negative budget is no budget at all."""
    if budget < 0:
        raise PerfInputError(f"全年预算数不能为负数：{budget}")
    return _ratio(executed, budget, "执行率")


def exec_rate(budget: Decimal, executed: Decimal, decimals: int = 4) -> Decimal | None:
    """执行率 B/A as a fraction rounded half-up (4 decimals = 2 decimals of a percent, ``0.9993``).

    A is the 全年预算数 / 调整后预算数, never 年初预算数 (perf-scoring.md §2.1). ``None`` when A = B = 0;
    :class:`ZeroDenominatorError` when A = 0 < B, which callers show as ``#DIV/0!``.
    """
    ratio = _execution(budget, executed)
    return None if ratio is None else round_half_up(ratio, decimals)


def exec_score(budget: Decimal, executed: Decimal, weight: Decimal = Decimal(10), decimals: int = 2) -> Decimal | None:
    """预算执行得分 = ROUND(weight × MIN(B/A, 1), decimals), from the unrounded ratio, never below 0.

    Reproduces every 贵州 and 株洲 table (``99.93 % → 9.99``, ``71.56 % → 7.16``); same ``None``/error cases
    as :func:`exec_rate`.
    """
    ratio = _execution(budget, executed)
    if ratio is None:
        return None
    return round_half_up(weight * max(min(ratio, _ONE), _ZERO), decimals)


class RateMatch(str, Enum):
    """How a printed 执行率 relates to the printed amounts."""

    exact = "exact"  #: equals B/A rounded half-up at the printed decimals
    rounding = "rounding"  #: differs, but fits once A and B are taken as rounded amounts (万元 tables)
    mismatch = "mismatch"


def exec_rate_match(
    budget: Decimal, executed: Decimal, printed: Decimal, decimals: int, amount_step: Decimal | None = None
) -> RateMatch:
    """Compare a printed 执行率 (a fraction, given to ``decimals`` places) with B/A.

    Tables in 万元 compute the rate from unrounded 元 amounts, so the last digit can differ (13 泸州 tables,
    perf-scoring.md §2.1). With ``amount_step`` (0.01 for 2-decimal 万元) each amount stands for the interval
    ± step/2, the printed rate for ± half its last digit, and intervals that meet are a rounding gap, not an
    error (the XBRL Calculations 1.1 rule of juesuan-tables.md §8.2). A = 0 compares as 0 (A = B = 0 prints
    0.00 %).
    """
    if budget == 0:
        return RateMatch.exact if executed == 0 and printed == 0 else RateMatch.mismatch
    if exec_rate(budget, executed, decimals) == printed:
        return RateMatch.exact
    if amount_step is None or budget <= amount_step / 2:
        return RateMatch.mismatch
    half = amount_step / 2
    low, high = max(executed - half, _ZERO) / (budget + half), (executed + half) / (budget - half)
    half_digit = Decimal(1).scaleb(-decimals) / 2
    fits = printed - half_digit <= high and printed + half_digit >= low
    return RateMatch.rounding if fits else RateMatch.mismatch


def suggested_score(
    weight: Decimal, target: IndValue, actual: IndValue, profile: ScoringProfile = DEFAULT_PROFILE
) -> Decimal | None:
    """建议得分 for one indicator row (perf-scoring.md §4.1).

    Met → 分值. Missed ``≥ > = ≈`` → ROUND(分值 × 完成率). Exceeded ``≤ <`` → 0 or ROUND(分值 × 指标值/完成值) by
    ``profile.le_exceeded``. Qualitative 部分达成 → ``profile.partial_share`` of 分值, 未达成 → 0. ``None`` when
    a person must decide (需判断, 缺完成值, a missed deadline). Never above 分值.
    """
    state = completion(target, actual, approx_tolerance=profile.approx_tolerance)
    if state == MET:
        return weight
    if state in (JUDGE, NO_ACTUAL):
        return None
    if state == PARTIAL:
        return round_half_up(weight * profile.partial_share, profile.decimals)
    ratio = completion_ratio(target, actual, approx_tolerance=profile.approx_tolerance)
    if actual.qualitative:
        return _ZERO
    if ratio is None:  # a missed deadline has no ratio
        return None
    if target.op in DOWNWARD and profile.le_exceeded == "zero":
        return _ZERO
    return min(weight, round_half_up(weight * ratio, profile.decimals))


def perf_total(
    scores: Iterable[Decimal | None], budget_score: Decimal | None = None, include_budget: bool = True
) -> Decimal:
    """总分: Σ indicator 得分 (blanks skipped), plus the 预算执行得分 when the template adds it.

    贵州 prints the indicator sum only (max 90); 泸州/株洲 add the budget score (max 100). A blank budget score
    adds nothing, as Excel's SUM would.
    """
    total = sum((score for score in scores if score is not None), _ZERO)
    if include_budget and budget_score is not None:
        total += budget_score
    return total


def grade(total: Decimal, bands: GradeBands) -> str:
    """等级 of a 100-point total (优/良/中/差 with the default bands)."""
    return bands.grade(total)


def weight_check(weights: Iterable[Decimal | None], expected: Decimal = Decimal(90)) -> Decimal:
    """Σ 分值 − expected: 0 when the indicator weights add up; a missing row shows as a negative gap."""
    return sum((weight for weight in weights if weight is not None), _ZERO) - expected


def fund_check(total: Decimal | None, parts: Iterable[Decimal | None]) -> Decimal:
    """资金来源 identity: 总额 − Σ 来源 (blank cells count as 0, as 泸州's empty 其他资金 rows)."""
    return (total or _ZERO) - sum((part for part in parts if part is not None), _ZERO)


def share(part: Decimal, total: Decimal, decimals: int = 4) -> Decimal | None:
    """占比 part/total rounded half-up; ``None`` when both are 0, :class:`ZeroDenominatorError` when only
    the total is."""
    ratio = _ratio(part, total, "占比")
    return None if ratio is None else round_half_up(ratio, decimals)


def yoy(current: Decimal, previous: Decimal, decimals: int = 4) -> Decimal | None:
    """增减率 (current − previous)/|previous|, rounded half-up; the sign says 增长 (+) or 下降 (−) even when
    the previous year was negative.

    上年 = 0 follows the published convention “增长100.00%” (juesuan-tables.md §7.3): +1 when the current
    year is positive, −1 when negative, ``None`` when both years are 0.
    """
    if previous == 0:
        if current == 0:
            return None
        return _ONE if current > 0 else -_ONE
    return round_half_up((current - previous) / abs(previous), decimals)


class CheckCode(str, Enum):
    """Outcome of :func:`check_indicator`: the code drives the highlight colour of an indicator row."""

    OK = "OK"
    NO_SCORE = "NO_SCORE"
    SCORE_OVER_WEIGHT = "SCORE>WEIGHT"
    NO_ACTUAL = "NO_ACTUAL"
    UNIT_MISMATCH = "UNIT_MISMATCH"
    NEEDS_JUDGMENT = "NEEDS_JUDGMENT"
    MET_CUT_NO_REASON = "MET_CUT_NO_REASON"
    EQ_EXCEEDED = "EQ_EXCEEDED"
    OVER_NO_REASON = "OVER_NO_REASON"
    NOTMET_FULL = "NOTMET_FULL"
    NOTMET_NO_REASON = "NOTMET_NO_REASON"
    NOT_PROPORTIONAL = "NOT_PROPORTIONAL"


CHECK_MESSAGES: dict[CheckCode, str] = {
    CheckCode.OK: "得分与完成情况相符",
    CheckCode.NO_SCORE: "有分值但未填得分",
    CheckCode.SCORE_OVER_WEIGHT: "得分超过分值",
    CheckCode.NO_ACTUAL: "未填完成值却已评分",
    CheckCode.UNIT_MISMATCH: "完成值与指标值单位不一致，无法比较",
    CheckCode.NEEDS_JUDGMENT: "完成情况无法从文字判断，需人工确认",
    CheckCode.MET_CUT_NO_REASON: "指标已达成但扣分，且未说明原因",
    CheckCode.EQ_EXCEEDED: "“=”指标的完成值超过指标值，按达成给满分，请核实指标值",
    CheckCode.OVER_NO_REASON: "完成值远超指标值（超额较多），需说明原因",
    CheckCode.NOTMET_FULL: "指标未完全达成却给满分",
    CheckCode.NOTMET_NO_REASON: "指标未完全达成，未填写未完成原因",
    CheckCode.NOT_PROPORTIONAL: "得分与建议得分（按完成比例）不符，属酌情评分",
}


def check_indicator(
    weight: Decimal | None,
    score: Decimal | None,
    target: IndValue,
    actual: IndValue,
    reason: str = "",
    profile: ScoringProfile = DEFAULT_PROFILE,
) -> CheckCode | None:
    """The most important finding for one scored indicator row, or ``None`` for a row without 分值.

    Order: missing score, 得分 > 分值, missing 完成值, units, 需判断; then for met rows a cut without reason,
    an exceeded ``=`` target, a large over-achievement without reason; for missed rows a full score, a
    missing reason, a score that departs from the suggestion (from the 60–80 % band for 部分达成).
    """
    if weight is None:
        return None
    if score is None:
        return CheckCode.NO_SCORE
    if score > weight:
        return CheckCode.SCORE_OVER_WEIGHT
    state = completion(target, actual, approx_tolerance=profile.approx_tolerance)
    has_reason = bool(reason and reason.strip())
    if state == NO_ACTUAL:
        return CheckCode.NO_ACTUAL
    if not units_compatible(target, actual):
        return CheckCode.UNIT_MISMATCH
    if state == JUDGE:
        return CheckCode.NEEDS_JUDGMENT
    if state == MET:
        return _check_met(weight, score, target, actual, has_reason, profile)
    if score == weight:
        return CheckCode.NOTMET_FULL
    if not has_reason:
        return CheckCode.NOTMET_NO_REASON
    if state == PARTIAL and actual.qualitative:
        low, high = profile.partial_band
        inside = weight * low <= score <= weight * high
        return CheckCode.OK if inside else CheckCode.NOT_PROPORTIONAL
    suggested = suggested_score(weight, target, actual, profile)
    if suggested is not None and score != suggested:
        return CheckCode.NOT_PROPORTIONAL
    return CheckCode.OK


def _check_met(
    weight: Decimal, score: Decimal, target: IndValue, actual: IndValue, has_reason: bool, profile: ScoringProfile
) -> CheckCode:
    if score < weight:
        return CheckCode.NOT_PROPORTIONAL if has_reason else CheckCode.MET_CUT_NO_REASON
    if actual.qualitative or target.number is None or actual.number is None:
        return CheckCode.OK
    ratio = completion_ratio(target, actual, approx_tolerance=profile.approx_tolerance)
    exceeded = ratio is not None and ratio > 1
    if target.op == EQ and exceeded:
        return CheckCode.EQ_EXCEEDED
    if target.op in (GE, GT) and ratio is not None and ratio >= profile.over_achievement and not has_reason:
        return CheckCode.OVER_NO_REASON
    return CheckCode.OK
