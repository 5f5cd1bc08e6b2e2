"""Checks of recognised 绩效自评表: structure first (分值 add up to 90 and to each 一级 label, 总分 = Σ), then the
fund block (资金来源 sums, 执行率, 预算执行得分), then every indicator row, then the figures quoted in the
自评结论 / 评价结论 (perf-scoring.md §5–§6).

Rules are data: :data:`RULES` holds each rule's stable id, severity, Chinese name and message template, and a
check only chooses the rule and fills the template. Findings point at the cell that shows the problem and list
the cells of the computation in ``related``. Printed numbers are compared at the precision they are printed
with; 万元 amounts get the rounding tolerance of their last digit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from ..findings import Finding, Severity
from ..grid import a1
from ..numbers import round_down, round_half_up
from ..tolerance import rounding_bound
from .indicator import (
    DOWNWARD,
    NOT_MET,
    UPWARD,
    IndValue,
    completion,
    completion_ratio,
    units_compatible,
)
from .model import FundRow, IndicatorRow, PerfTable, Pos, display
from .scoring import (
    CheckCode,
    RateMatch,
    ZeroDenominatorError,
    check_indicator,
    exec_rate_match,
    exec_score,
    fund_check,
    perf_total,
    suggested_score,
    weight_check,
)

__all__ = ["RULES", "PerfRule", "check_perf", "check_table"]


class PerfRule(BaseModel):
    """One check: stable id (never reused), severity, 中文名称 and the message template (named fields)."""

    model_config = ConfigDict(frozen=True)

    id: str
    severity: Severity
    name: str
    message: str


_E, _W, _I = Severity.error, Severity.warning, Severity.info

RULES: Mapping[str, PerfRule] = MappingProxyType({rule.id: rule for rule in (
    # structure
    PerfRule(id="P-WEIGHT-SUM", severity=_E, name="指标分值合计",
             message="各项绩效指标分值合计应为{expected}{unit}，实为{actual}{unit}（{hint}）"),
    PerfRule(id="P-GROUP-SUM", severity=_E, name="一级指标分值",
             message="“{group}”所属指标分值之和应为标注的{expected}分，实为{actual}分"),
    PerfRule(id="P-TOTAL-WEIGHT", severity=_E, name="总分行分值",
             message="“{label}”行分值应为{expected}（{basis}的分值），实为{actual}"),
    PerfRule(id="P-TOTAL-SCORE", severity=_E, name="总分行得分",
             message="“{label}”行得分应为{expected}（{basis}的得分），实为{actual}"),
    PerfRule(id="P-TOTAL-MISSING", severity=_E, name="总分未填",
             message="“{label}”行得分未填，应为{expected}（{basis}的得分）"),
    PerfRule(id="P-FUND-SUM", severity=_E, name="资金来源合计",
             message="“{label}”的{column}应等于{parts}之和 {expected}，实为 {actual}"),
    # funds
    PerfRule(id="P-EXEC-RATE", severity=_E, name="执行率",
             message="执行率应为 全年执行数 ÷ 全年预算数 = {expected}%，实为 {actual}%"),
    PerfRule(id="P-EXEC-RATE-ZERO", severity=_E, name="预算为零却有执行",
             message="全年预算数为 0 而全年执行数为 {executed}，执行率无法计算：请核对预算数"),
    PerfRule(id="P-BUDGET-SCORE", severity=_E, name="预算执行得分",
             message="预算执行得分应为 分值 × MIN(执行率, 1) = {weight} × {rate}% = {expected}，实为 {actual}"),
    PerfRule(id="P-BUDGET-SCORE-MISSING", severity=_E, name="预算执行得分未填",
             message="预算执行得分未填，按 分值 × MIN(执行率, 1) 应为 {expected}"),
    PerfRule(id="P-RATE-REASON", severity=_W, name="执行率偏低未说明原因",
             message="执行率 {rate}% 低于 {threshold}%，应在“原因”栏说明（{state}）"),
    # indicator rows
    PerfRule(id="P-IND-NO-NAME", severity=_E, name="指标行未填指标",
             message="该行未填三级指标、指标值和完成值，却填有{what}"),
    PerfRule(id="P-IND-WEIGHT-MISSING", severity=_E, name="指标未填分值",
             message="指标“{name}”未填分值{extra}"),
    PerfRule(id="P-IND-SCORE-MISSING", severity=_E, name="指标未填得分",
             message="指标“{name}”分值为{weight}，但未填得分"),
    PerfRule(id="P-IND-SCORE-OVER", severity=_E, name="得分超过分值",
             message="指标“{name}”得分 {actual} 超过分值 {expected}"),
    PerfRule(id="P-IND-ACTUAL-MISSING", severity=_E, name="未填完成值却已评分",
             message="指标“{name}”未填完成值，却评了 {score} 分"),
    PerfRule(id="P-IND-UNIT", severity=_W, name="完成值单位与指标值不一致",
             message="指标“{name}”的完成值“{actual_text}”与指标值“{target_text}”单位不一致，无法比较"),
    PerfRule(id="P-IND-OPERATOR", severity=_W, name="完成值方向与指标相反",
             message="指标“{name}”的指标值为“{target_text}”，完成值却写作“{actual_text}”，无法判断是否达成"),
    PerfRule(id="P-IND-CUT-NO-REASON", severity=_W, name="已达成却扣分且未说明原因",
             message="指标“{name}”已达成（{target_text} / {actual_text}），得分 {actual} 低于分值 {expected}，未说明扣分原因"),
    PerfRule(id="P-IND-NOTMET-NO-REASON", severity=_W, name="未达成未说明原因",
             message="指标“{name}”未完全达成（{target_text} / {actual_text}），得分 {score}，未填写未完成原因"),
    PerfRule(id="P-IND-NOTMET-FULL", severity=_W, name="未达成却给满分",
             message="指标“{name}”未完全达成（{target_text} / {actual_text}），却得满分 {actual}；建议得分 {expected}"),
    PerfRule(id="P-IND-JUDGMENT", severity=_W, name="得分偏离建议得分（酌情评分）",
             message="指标“{name}”（{target_text} / {actual_text}）得分 {actual}，与建议得分 {expected} 不符，属酌情评分，请核实并说明"),
    PerfRule(id="P-IND-EQ-EXCEEDED", severity=_I, name="“=”指标超额完成",
             message="指标“{name}”要求“{target_text}”，完成值“{actual_text}”超出，按达成计满分；请核实指标值是否过时"),
    PerfRule(id="P-IND-LE-ZERO", severity=_I, name="“≤”指标超出记0分",
             message="指标“{name}”（{target_text} / {actual_text}）超出上限按本模板做法记 0 分；按比例计分为 {expected}"),
    PerfRule(id="P-IND-DATE", severity=_I, name="完成日期早于指标年度",
             message="指标“{name}”的完成值“{actual_text}”早于指标值“{target_text}”所在年度，请核实是否笔误"),
    PerfRule(id="P-IND-RATE", severity=_E, name="完成率",
             message="指标“{name}”完成率应为 {formula} = {expected}%，实为 {actual}%"),
    # layout and profile
    PerfRule(id="P-LAYOUT-ORDER", severity=_E, name="表头顺序与数据不符",
             message="表头“{printed}”的顺序与数据不符：各行“{first}”栏填的是{first_holds}，“{second}”栏填的是{second_holds}；"
                     "已按数据核对，请改正表头"),
    PerfRule(id="P-PROFILE-INFERRED", severity=_I, name="评分口径按数字推断",
             message="表样不属于已知模板，评分口径按表中数字推断：{note}"),
    # 绩效目标表
    PerfRule(id="P-TGT-FUND-SUM", severity=_E, name="目标表资金总额",
             message="资金总额应等于基本支出 + 项目支出 = {expected}，实为 {actual}"),
    PerfRule(id="P-TGT-UNIT", severity=_W, name="目标表金额单位",
             message="“{label}”金额 {amount} {problem}"),
    PerfRule(id="P-TGT-VALUE-MISSING", severity=_E, name="目标表未填指标值",
             message="指标“{name}”未填指标值"),
    PerfRule(id="P-TGT-VALUE-COMPOUND", severity=_W, name="目标表复合指标值",
             message="指标“{name}”的指标值“{target_text}”含多个数值或文字说明，无法自动核对完成情况，请拆分或人工确认"),
    PerfRule(id="P-TGT-VALUE-RATIO", severity=_I, name="目标表指标值未写单位",
             message="指标“{name}”的指标值“{target_text}”未写单位，按比例理解为 {percent}%"),
    PerfRule(id="P-TGT-GROUP-MISSING", severity=_W, name="目标表缺少一级指标",
             message="绩效目标表缺少一级指标“{group}”"),
    PerfRule(id="P-TGT-LEVEL2-MISSING", severity=_W, name="目标表指标缺二级指标",
             message="指标“{name}”没有所属的二级指标"),
    PerfRule(id="P-TGT-FORMULA-INVERTED", severity=_W, name="计算公式分子分母颠倒",
             message="指标“{name}”的计算公式“{formula}”以“{numerator}”除以“{denominator}”，比率应为实际数 ÷ 应有数，疑似分子分母颠倒"),
    # 自评结论 / 评价结论
    PerfRule(id="P-CONCL-RATE", severity=_W, name="结论中的执行率与表不符",
             message="结论写“执行率{quoted}%”，表中执行率为 {expected}%"),
    PerfRule(id="P-CONCL-SCORE", severity=_W, name="结论中的得分与表不符",
             message="结论写“{quoted}分”，表中总分为 {expected}"),
    PerfRule(id="P-CONCL-SCORE-ROUNDED", severity=_I, name="结论中的得分为取整值",
             message="结论写“{quoted}分”，是表中总分 {expected} 的取整值"),
)})

_CODE_RULES = {
    CheckCode.SCORE_OVER_WEIGHT: "P-IND-SCORE-OVER",
    CheckCode.NO_ACTUAL: "P-IND-ACTUAL-MISSING",
    CheckCode.UNIT_MISMATCH: "P-IND-UNIT",
    CheckCode.MET_CUT_NO_REASON: "P-IND-CUT-NO-REASON",
    CheckCode.EQ_EXCEEDED: "P-IND-EQ-EXCEEDED",
    CheckCode.NOTMET_FULL: "P-IND-NOTMET-FULL",
    CheckCode.NOTMET_NO_REASON: "P-IND-NOTMET-NO-REASON",
    CheckCode.NOT_PROPORTIONAL: "P-IND-JUDGMENT",
}
#: 资金来源 hierarchy: parent kind → child kinds (贵州 财政拨款 = 本级安排 + 上级补助).
_FUND_TREE = {"total": ("fiscal", "special", "unit", "carryover", "other"), "fiscal": ("own", "upper")}
_FUND_COLUMN_NAMES = {"initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}
_TEMPLATE_REASON = "预算执行率=预算执行数/调整后预算数"
_RATE_QUOTE = re.compile(r"执行率(?:为|达到|达|是|：|:)?\s*(\d+(?:\.\d+)?)\s*[%％]")
_SCORE_QUOTE = re.compile(r"(?:自评总分|自评得分|自评分|总体评价得分|得分|总分|评分|自评)(?:为|是|：|:|达到)?\s*(\d+(?:\.\d+)?)\s*分")


def check_perf(tables: Iterable[PerfTable]) -> list[Finding]:
    """All findings for the given tables (any number of sheets), in table order."""
    return [finding for table in tables for finding in check_table(table)]


def check_table(table: PerfTable) -> list[Finding]:
    """Findings of one table: layout, structure, funds, indicator rows, conclusion; a 绩效目标表 gets the
    checks its stage allows (:func:`_target`)."""
    if table.target:
        return _target(table)
    return [*_layout(table), *_structure(table), *_funds(table), *_indicators(table), *_conclusion(table)]


# ---------------------------------------------------------------------------------------------- helpers


def _num(value: Decimal | None) -> str:
    """A number as people write it: no trailing zeros (``9.640`` → ``9.64``, ``100.00`` → ``100``)."""
    return "—" if value is None else display(value, "")


def _finding(rule_id: str, table: PerfTable, pos: Pos, *, expected: Decimal | None = None,
             actual: Decimal | None = None, related: Iterable[Pos | None] = (), **fields: object) -> Finding:
    rule = RULES[rule_id]
    values = {"expected": _num(expected), "actual": _num(actual), **{k: _field(v) for k, v in fields.items()}}
    difference = actual - expected if expected is not None and actual is not None else None
    return Finding(
        rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*pos), expected=expected, actual=actual,
        difference=difference, message=rule.message.format(**values), table=table.name,
        related=[table.qualified(p) for p in related if p is not None and p != pos],
    )


def _field(value: object) -> str:
    return _num(value) if isinstance(value, Decimal) else str(value)


def _matches_printed(printed: Decimal, value: Decimal, places: int | None) -> bool:
    """A printed result agrees with ``value`` when it is ``value`` rounded half-up – or cut off – at the
    decimals it is printed with (泸州 prints 9.9 for 9.976 and 9 for 9.82; perf-scoring.md §2.2)."""
    places = 2 if places is None else places
    return printed in (round_half_up(value, places), round_down(value, places))


def _budget_score_in_total(table: PerfTable) -> Decimal | None:
    """The 预算执行得分 a 总分 adds: the printed one, or the rule's when the cell is empty (泸州 tables that left
    it blank still added it, perf-scoring.md §5 #66)."""
    fund = table.scored_fund
    if fund is None:
        return None
    printed = table.number(fund.cells.get("score"))
    return printed if printed is not None else _rule_budget_score(table, fund)


def _rule_budget_score(table: PerfTable, fund: FundRow) -> Decimal | None:
    """分值 × MIN(执行率, 1) from the printed 执行率 when there is one (the rate the table shows), else from
    the amounts."""
    weight = table.number(fund.cells.get("weight"))
    if weight is None:
        return None
    rate = table.rate(fund.cells["rate"]) if "rate" in fund.cells else None
    if rate is not None:
        return round_half_up(weight * min(rate[0], Decimal(1)), 2)
    budget, executed = table.number(fund.cells.get("budget")), table.number(fund.cells.get("executed"))
    if budget is None or executed is None:
        return None
    try:
        return exec_score(budget, executed, weight)
    except ZeroDenominatorError:
        return None


# ---------------------------------------------------------------------------------------------- layout

#: What a column holds, in the words of a message.
_HOLDS = {"weight": "分值", "actual": "完成值", "target": "指标值", "last_year": "上年完成值"}


def _header_label(table: PerfTable, col: int) -> str:
    """The printed header of an indicator column (the first label from the top of its header block)."""
    bottom = table.indicator_header_bottom or table.indicator_header_row
    for row in range(table.indicator_header_row, bottom + 1):
        pos = (row, col)
        if not table.is_blank(pos):
            return table.text(pos).strip()
    return ""


def _layout(table: PerfTable) -> list[Finding]:
    """A header order the data contradicts (read as the data shows), and a profile inferred from numbers."""
    findings: list[Finding] = []
    if table.swapped:
        first, second = table.swapped
        # after the swap ``first`` names the column holding what ``first`` is: its header says ``second``
        cols = sorted((table.indicator_columns[first], table.indicator_columns[second]))
        headed = {col: _header_label(table, col) for col in cols}
        weight_header = table.indicator_columns[second]
        findings.append(_finding(
            "P-LAYOUT-ORDER", table, (table.indicator_header_row, weight_header),
            related=[(table.indicator_header_row, c) for c in cols], printed=" | ".join(headed[c] for c in cols),
            first=headed[weight_header], first_holds=_HOLDS[second], second=headed[table.indicator_columns[first]],
            second_holds=_HOLDS[first],
        ))
    if table.profile_note:
        pos = table.total.cells.get("score") if table.total else None
        findings.append(_finding("P-PROFILE-INFERRED", table, pos or table.top_left, note=table.profile_note))
    return findings


# ---------------------------------------------------------------------------------------------- structure


def _structure(table: PerfTable) -> list[Finding]:
    """Σ分值 = 90 (100 where the table scores no budget), each 一级 = its ``(NN分)``, 总分 = Σ."""
    findings: list[Finding] = []
    rows = table.indicators
    weights = [table.weight(r.cells.get("weight")) for r in rows]
    weight_sum = sum((w for w in weights if w is not None), Decimal(0))
    budget_weight = table.number(table.scored_fund.cells.get("weight")) if table.scored_fund else None
    expected_sum = table.profile.indicator_weight if budget_weight is not None else table.profile.total_weight
    weight_col = table.indicator_columns.get("weight")
    header_weight = None if weight_col is None else (table.indicator_header_row, weight_col)
    if header_weight and weight_check(weights, expected_sum) != 0:
        hint = "表中无预算执行分值" if budget_weight is None else f"另有预算执行 {_num(budget_weight)} 分"
        findings.append(_finding(
            "P-WEIGHT-SUM", table, header_weight, expected=expected_sum, actual=weight_sum,
            related=[r.cells.get("weight") for r in rows], hint=hint, unit="%" if table.weights_in_percent else "分",
        ))
    for group in table.groups:
        if group.declared is None or group.label_pos is None:
            continue
        got = sum((w for w in (table.weight(r.cells.get("weight")) for r in group.rows) if w is not None), Decimal(0))
        if got != group.declared:
            findings.append(_finding("P-GROUP-SUM", table, group.label_pos, expected=group.declared, actual=got,
                                     related=[r.cells.get("weight") for r in group.rows], group=group.name))
    findings += _total(table, weight_sum, budget_weight)
    return findings


def _total(table: PerfTable, weight_sum: Decimal, budget_weight: Decimal | None) -> list[Finding]:
    """总分 / 合计: 分值 and 得分 are the indicator sums, plus the 预算执行 ones where the template adds them."""
    total = table.total
    if total is None:
        return []
    include = table.profile.include_budget_in_total and budget_weight is not None
    fund = table.scored_fund if include else None
    fields = {"label": total.label or "合计", "basis": "预算执行 + 各指标" if include else "各指标之和"}
    findings: list[Finding] = []
    weight_pos, score_pos = total.cells.get("weight"), total.cells.get("score")
    printed_weight = table.number(weight_pos)
    expected_weight = weight_sum + (budget_weight if include and budget_weight is not None else 0)
    if weight_pos and printed_weight is not None and printed_weight != expected_weight:
        related = [fund.cells.get("weight") if fund else None] + [r.cells.get("weight") for r in table.indicators]
        findings.append(_finding("P-TOTAL-WEIGHT", table, weight_pos, expected=expected_weight, actual=printed_weight,
                                 related=related, **fields))
    if score_pos is None:
        return findings
    scores = [table.number(r.cells.get("score")) for r in table.indicators]
    budget_score = _budget_score_in_total(table) if include else None
    expected_score = perf_total(scores, budget_score, include)
    printed_score = table.number(score_pos)
    related = [fund.cells.get("score") if fund else None] + [r.cells.get("score") for r in table.indicators]
    if printed_score is None and (budget_score is not None or any(s is not None for s in scores)):
        findings.append(_finding("P-TOTAL-MISSING", table, score_pos, expected=expected_score, related=related,
                                 **fields))
    elif printed_score is not None and printed_score != expected_score:
        findings.append(_finding("P-TOTAL-SCORE", table, score_pos, expected=expected_score, actual=printed_score,
                                 related=related, **fields))
    return findings


# ---------------------------------------------------------------------------------------------- funds


def _funds(table: PerfTable) -> list[Finding]:
    findings = _fund_sums(table)
    for fund in table.funds:
        findings += _rate(table, fund)
    scored = table.scored_fund
    if scored is not None:
        findings += _budget_score(table, scored)
        findings += _rate_reason(table, scored)
    return findings


def _fund_sums(table: PerfTable) -> list[Finding]:
    """资金来源 identities per amount column; children that are all blank do not take part (株洲 prints
    empty 上年结转资金 / 其他资金 rows)."""
    findings: list[Finding] = []
    by_kind: dict[str, list[FundRow]] = {}
    for fund in table.funds:
        by_kind.setdefault(fund.kind, []).append(fund)
    for parent_kind, child_kinds in _FUND_TREE.items():
        for parent in by_kind.get(parent_kind, [])[:1]:
            children = [f for kind in child_kinds for f in by_kind.get(kind, [])]
            for column in ("initial", "budget", "executed"):
                if column not in parent.cells:
                    continue
                parts = [table.number(c.cells.get(column)) for c in children]
                printed = table.number(parent.cells[column])
                if printed is None or all(p is None for p in parts):
                    continue
                gap = fund_check(printed, parts)
                bound = rounding_bound(sum(p is not None for p in parts) + 1, 2, exact=table.exact)
                if abs(gap) > bound:
                    findings.append(_finding(
                        "P-FUND-SUM", table, parent.cells[column], expected=printed - gap, actual=printed,
                        related=[c.cells.get(column) for c in children], label=parent.label.strip("：:"),
                        column=_FUND_COLUMN_NAMES[column], parts="、".join(c.label.strip("-：: ") for c in children),
                    ))
    return findings


def _rate(table: PerfTable, fund: FundRow) -> list[Finding]:
    """执行率 = B ÷ A at the printed precision; in 万元 tables within the rounding of the amounts."""
    pos = fund.cells.get("rate")
    printed = table.rate(pos) if pos else None
    budget, executed = table.number(fund.cells.get("budget")), table.number(fund.cells.get("executed"))
    if budget is None or executed is None:
        return []
    related = [fund.cells.get("budget"), fund.cells.get("executed")]
    if budget == 0 and executed != 0:
        return [_finding("P-EXEC-RATE-ZERO", table, fund.cells["budget"], related=[fund.cells.get("executed")],
                         executed=executed)]
    if printed is None or pos is None:
        return []
    value, places = printed
    decimals = 4 if places is None else places + 2
    shown = round_half_up(value, decimals) if places is None else value
    step = None if table.exact else Decimal("0.01")
    if exec_rate_match(budget, executed, shown, decimals, step) != RateMatch.mismatch:
        return []
    expected = round_half_up(executed / budget * 100, decimals - 2) if budget else Decimal(0)
    return [_finding("P-EXEC-RATE", table, pos, expected=expected, actual=shown * 100, related=related)]


def _budget_score(table: PerfTable, fund: FundRow) -> list[Finding]:
    """预算执行得分 = 分值 × MIN(执行率, 1): from the amounts or from the printed rate, at the printed precision."""
    weight = table.number(fund.cells.get("weight"))
    score_pos = fund.cells.get("score")
    if weight is None or score_pos is None:
        return []
    expected = _rule_budget_score(table, fund)
    if expected is None:
        return []
    related = [fund.cells.get(k) for k in ("weight", "rate", "budget", "executed")]
    printed = table.number(score_pos)
    if printed is None:
        return [_finding("P-BUDGET-SCORE-MISSING", table, score_pos, expected=expected, related=related)]
    candidates = [weight * min(r, Decimal(1)) for r in _rates(table, fund)]
    if any(_matches_printed(printed, c, table.decimals(score_pos)) for c in candidates):
        return []
    rate = table.rate(fund.cells["rate"]) if "rate" in fund.cells else None
    shown_rate = rate[0] * 100 if rate else None
    return [_finding("P-BUDGET-SCORE", table, score_pos, expected=expected, actual=printed, related=related,
                     weight=weight, rate=shown_rate)]


def _rates(table: PerfTable, fund: FundRow) -> list[Decimal]:
    """The 执行率 a score may rest on: the printed one and B ÷ A from the amounts."""
    rates: list[Decimal] = []
    printed = table.rate(fund.cells["rate"]) if "rate" in fund.cells else None
    if printed is not None:
        rates.append(printed[0])
    budget, executed = table.number(fund.cells.get("budget")), table.number(fund.cells.get("executed"))
    if budget and executed is not None:
        rates.append(executed / budget)
    return rates


def _rate_reason(table: PerfTable, fund: FundRow) -> list[Finding]:
    """泸州 template: an 执行率 under 90 % needs a reason in the 原因 cell (the template's own instruction
    text left in the cell is no reason)."""
    threshold = table.profile.reason_below_rate
    reason_pos = fund.cells.get("reason")
    rates = _rates(table, fund)
    if threshold is None or reason_pos is None or not rates or rates[0] >= threshold:
        return []
    text = table.text(reason_pos).strip()
    if text and _TEMPLATE_REASON not in text:
        return []
    state = "仍是模板说明文字" if text else "原因栏为空"
    return [_finding("P-RATE-REASON", table, reason_pos, related=[fund.cells.get("rate")],
                     rate=_num(round_half_up(rates[0] * 100, 2)), threshold=_num(threshold * 100), state=state)]


# ---------------------------------------------------------------------------------------------- indicators


def _indicators(table: PerfTable) -> list[Finding]:
    findings: list[Finding] = []
    for row in table.scored_indicators:
        findings += _completion_rate(table, row)
        findings += _indicator(table, row)
    return findings


def _rate_readings(table: PerfTable, pos: Pos) -> list[tuple[Decimal, int | None]]:
    """A printed 完成率 as (fraction, decimals of the fraction): ``105.00%`` or 1.05 under ``0.00%`` is
    (1.05, 4); a bare number without format may be a fraction (1.05) or a percent (105) – both readings."""
    printed = table.rate(pos)
    if printed is None:
        return []
    value, places = printed
    readings = [(value, None if places is None else places + 2)]
    raw = table.value(pos)
    if not isinstance(raw, str) and "%" not in table.grid.number_formats.get(pos, ""):
        number = table.number(pos)
        decimals = table.decimals(pos)
        assert number is not None
        readings += [(number, decimals), (number / 100, None if decimals is None else decimals + 2)]
    return readings


def _completion_rate(table: PerfTable, row: IndicatorRow) -> list[Finding]:
    """A printed 完成率 = 实际完成值 ÷ 指标值 (指标值 ÷ 实际完成值 for an upper bound), at its printed precision;
    a rate capped at 100 % also counts. Rows whose values give no ratio (text, units that differ) are left."""
    pos = row.cells.get("rate")
    if pos is None or table.is_blank(pos):
        return []
    target, actual = table.indicator_values(row)
    ratio = completion_ratio(target, actual, approx_tolerance=table.profile.approx_tolerance)
    readings = _rate_readings(table, pos)
    if ratio is None or not readings:
        return []
    for value, decimals in readings:
        places = 4 if decimals is None else decimals
        shown = round_half_up(value, places) if decimals is None else value
        if shown in (round_half_up(ratio, places), round_half_up(min(ratio, Decimal(1)), places)):
            return []
    formula = "指标值 ÷ 实际完成值" if target.op in DOWNWARD else "实际完成值 ÷ 指标值"
    return [_finding("P-IND-RATE", table, pos, expected=round_half_up(ratio * 100, 2), actual=readings[0][0] * 100,
                     related=[row.cells.get("target"), row.cells.get("actual")], name=row.level3, formula=formula)]


def _indicator(table: PerfTable, row: IndicatorRow) -> list[Finding]:
    cells = row.cells
    name = row.level3
    weight, score = table.weight(cells.get("weight")), table.number(cells.get("score"))
    if not name and table.is_blank(cells.get("target")) and table.is_blank(cells.get("actual")):
        what = "、".join(w for w, v in (("分值", weight), ("得分", score)) if v is not None)
        return [_finding("P-IND-NO-NAME", table, cells.get("level3", (row.row, 0)),
                         related=[cells.get("weight"), cells.get("score")], what=what or "内容")]
    target, actual = table.indicator_values(row)
    texts = {"name": name, "target_text": _target_text(table, row), "actual_text": table.text(cells.get("actual"))}
    related = [cells.get(k) for k in ("target", "actual", "weight", "score", "reason")]
    if weight is None:
        if "weight" not in cells:
            return []
        extra = f"，却评了 {_num(score)} 分" if score is not None else ""
        return [_finding("P-IND-WEIGHT-MISSING", table, cells["weight"], related=related, extra=extra, **texts)]
    findings = _value_notes(table, row, target, actual, texts, related)
    if any(f.rule == "P-IND-OPERATOR" for f in findings) or "score" not in cells:
        return findings
    if score is None:
        return [*findings, _finding("P-IND-SCORE-MISSING", table, cells["score"], related=related, weight=weight,
                                    **texts)]
    reason = table.text(cells.get("reason")).strip()
    code = check_indicator(weight, score, target, actual, reason, table.profile)
    suggested = suggested_score(weight, target, actual, table.profile)
    proportional = None if suggested is None else _proportional(table, cells["score"], weight, score, target, actual)
    if code == CheckCode.NOT_PROPORTIONAL and proportional:
        code = CheckCode.OK
    if code == CheckCode.OK:
        findings += _le_zero(table, row, weight, score, target, actual, texts, related)
    if code == CheckCode.NOTMET_NO_REASON and proportional is False:
        # a deduction without reason that is not proportional either (就业创业专家补贴 19.8 for 11 / 7.6)
        findings.append(_finding("P-IND-JUDGMENT", table, cells["score"], expected=suggested, actual=score,
                                 related=related, **texts))
    rule_id = _CODE_RULES.get(code) if code is not None else None
    if rule_id is None:
        return findings
    expected = weight if code in (CheckCode.SCORE_OVER_WEIGHT, CheckCode.MET_CUT_NO_REASON) else suggested
    pos = cells.get("reason") if code == CheckCode.NOTMET_NO_REASON and "reason" in cells else cells["score"]
    if code in (CheckCode.UNIT_MISMATCH, CheckCode.EQ_EXCEEDED, CheckCode.NO_ACTUAL):
        pos = cells.get("actual", pos)
    return [*findings, _finding(rule_id, table, pos, expected=expected, actual=score, related=related,
                                score=score, **texts)]


def _target_text(table: PerfTable, row: IndicatorRow) -> str:
    """指标值 as a reader says it: 泸州 keeps operator and unit in their own columns (``＞ 6000 本``)."""
    parts = [table.text(row.cells.get(k)).strip() for k in ("nature", "target", "unit") if k in row.cells]
    return " ".join(p for p in parts if p)


def _proportional(table: PerfTable, pos: Pos, weight: Decimal, score: Decimal, target: IndValue,
                  actual: IndValue) -> bool | None:
    """Whether a quantitative score is 分值 × 完成率 at the decimals it is printed with, so that 泸州's scores
    rounded to 1 or 0 decimals, or cut off (``≥ 40 批次 / 36 → 4``), count as proportional; ``None`` when
    there is no ratio (qualitative rows)."""
    if actual.qualitative:
        return None
    ratio = completion_ratio(target, actual, approx_tolerance=table.profile.approx_tolerance)
    if ratio is None:
        return None
    return _matches_printed(score, min(weight, weight * ratio), table.decimals(pos))


def _value_notes(table: PerfTable, row: IndicatorRow, target: IndValue, actual: IndValue,
                 texts: dict[str, str], related: list[Pos | None]) -> list[Finding]:
    """What the values alone show, also in tables without 得分: a bound written the other way round
    (``≥ 5 天`` vs ``≤5天``), a completion date before the target's year."""
    cells = row.cells
    pos = cells.get("actual", cells.get("target"))
    if pos is None:
        return []
    if actual.op_source == "value" and (
            (target.op in UPWARD and actual.op in DOWNWARD) or (target.op in DOWNWARD and actual.op in UPWARD)):
        return [_finding("P-IND-OPERATOR", table, pos, related=related, **texts)]
    if "score" not in cells and not units_compatible(target, actual):
        return [_finding("P-IND-UNIT", table, pos, related=related, **texts)]
    if target.date and actual.date and target.date.year and actual.date.year and actual.date.year < target.date.year:
        return [_finding("P-IND-DATE", table, pos, related=related, **texts)]
    return []


def _le_zero(table: PerfTable, row: IndicatorRow, weight: Decimal, score: Decimal, target: IndValue,
             actual: IndValue, texts: dict[str, str], related: list[Pos | None]) -> list[Finding]:
    """贵州 scores an exceeded ``≤`` target 0; show the proportional score beside it (perf-scoring.md §2.5)."""
    profile = table.profile
    if profile.le_exceeded != "zero" or target.op not in DOWNWARD or score != 0:
        return []
    if completion(target, actual, approx_tolerance=profile.approx_tolerance) != NOT_MET:
        return []
    proportional = suggested_score(weight, target, actual, profile.replace(le_exceeded="proportional"))
    if proportional is None:
        return []
    return [_finding("P-IND-LE-ZERO", table, row.cells["score"], expected=proportional, actual=score,
                     related=related, **texts)]


# ---------------------------------------------------------------------------------------------- conclusion


def _conclusion(table: PerfTable) -> list[Finding]:
    """Numbers quoted in 自评结论 / 评价结论: 执行率 …% against the fund block, 得分 … 分 against 总分."""
    if table.conclusion is None:
        return []
    pos, text = table.conclusion
    findings: list[Finding] = []
    fund = table.scored_fund
    rates = _rates(table, fund) if fund else []
    if rates:
        shown = rates[0] * 100
        for found in _RATE_QUOTE.finditer(text):
            quoted = Decimal(found.group(1))
            places = len(found.group(1).partition(".")[2])
            if round_half_up(shown, places) != quoted:
                findings.append(_finding("P-CONCL-RATE", table, pos, expected=round_half_up(shown, 2), actual=quoted,
                                         related=[fund.cells.get("rate")] if fund else [], quoted=found.group(1)))
    findings += _conclusion_scores(table, pos, text)
    return findings


def _conclusion_scores(table: PerfTable, pos: Pos, text: str) -> list[Finding]:
    totals = _totals(table)
    if not totals:
        return []
    findings: list[Finding] = []
    score_pos = table.total.cells.get("score") if table.total else None
    for found in _SCORE_QUOTE.finditer(text):
        quoted = Decimal(found.group(1))
        places = len(found.group(1).partition(".")[2])
        if quoted in totals:
            continue
        rounded = [t for t in totals if round_half_up(t, places) == quoted]
        rule = "P-CONCL-SCORE-ROUNDED" if rounded else "P-CONCL-SCORE"
        expected = (rounded or totals)[0]
        findings.append(_finding(rule, table, pos, expected=expected, actual=quoted, related=[score_pos],
                                 quoted=found.group(1)))
    return findings


def _totals(table: PerfTable) -> list[Decimal]:
    """Totals a conclusion may quote: the printed 总分 (or the one the table adds up to when it is blank) and,
    for 贵州's indicator-only 总分, the same plus the 预算执行得分 (the 100-point figure)."""
    if table.total is None:
        return []
    printed = table.number(table.total.cells.get("score"))
    budget = _budget_score_in_total(table)
    include = table.profile.include_budget_in_total
    if printed is None:
        printed = perf_total([table.number(r.cells.get("score")) for r in table.indicators], budget, include)
    totals = [printed]
    if not include and budget is not None:
        totals.append(printed + budget)
    return totals


# ---------------------------------------------------------------------------------------------- 绩效目标表

#: 一级指标 a target table sets (成本 may stand as a 二级 under 产出; 满意度 may be left out only with its weight
#: moved elsewhere, which a target table cannot show – so it is asked for too).
_TARGET_GROUPS = ("产出指标", "效益指标", "满意度指标")
#: One division in a 计算公式: the part before ÷ or / (back to a separator) and the part after (to ×, * or a
#: separator).
_DIVISION = re.compile(r"([^，,。；;：:、（(]+(?:（[^）]*）[^，,。；;：:、÷/]*)*)\s*[÷/]\s*([^×*＊，,。；;]+)")
#: A 计算公式 is a line. A longer cell is prose, and the division pattern backtracks quadratically on a long run
#: without a separator, so such a cell is not searched.
_FORMULA_MAX = 500
#: 应 as in 应召开 / 应发放 (the planned count), not 供应 / 适应 / 响应 / 相应.
_PLANNED = re.compile(r"(?<![供适响反相对回])应|计划|预计")
_BUDGET_FLOOR = Decimal(10000)


def _target(table: PerfTable) -> list[Finding]:
    """What a 绩效目标表 allows before anything is done: 资金总额 = 基本支出 + 项目支出, the amount unit, every
    指标值 readable, the 一级/二级 structure, and rate formulas that divide the right way round."""
    findings = _target_funds(table)
    present = {row.group for row in table.indicators}
    level1_col = table.indicator_columns.get("level1", table.indicator_columns.get("level3", 0))
    for group in _TARGET_GROUPS:
        if group not in present:
            findings.append(_finding("P-TGT-GROUP-MISSING", table, (table.indicator_header_row, level1_col),
                                     group=group))
    for row in table.scored_indicators:
        findings += _target_row(table, row)
    return findings


def _target_funds(table: PerfTable) -> list[Finding]:
    findings: list[Finding] = []
    by_kind = {fund.kind: fund for fund in table.funds}
    total, parts = by_kind.get("total"), [by_kind.get(k) for k in ("basic", "project")]
    if total is not None and all(parts):
        printed = table.number(total.cells["budget"])
        values = [table.number(p.cells["budget"]) for p in parts if p is not None]
        if printed is not None and None not in values:
            expected = sum(values, Decimal(0))  # type: ignore[arg-type]
            if abs(printed - expected) > rounding_bound(3, 2, exact=table.exact):
                findings.append(_finding("P-TGT-FUND-SUM", table, total.cells["budget"], expected=expected,
                                         actual=printed, related=[p.cells["budget"] for p in parts if p]))
    if total is not None:
        findings += _target_unit(table, total)
    return findings


def _target_unit(table: PerfTable, fund: FundRow) -> list[Finding]:
    """元 or 万元: a budget line without a unit, or ``预算资金(元) | 300`` – less than 1 万元 for a whole project,
    which is 300 万元 mislabelled unless the table says otherwise. A 成本 indicator in 万元 equal to the amount
    settles it."""
    amount = table.number(fund.cells["budget"])
    if amount is None or (table.unit == "元" and amount >= _BUDGET_FLOOR) or table.unit == "万元":
        return []
    shown = _num(amount)
    if table.unit == "元":
        problem = f"标为元，不足 1 万元，疑为 {shown} 万元，请核对单位"
    else:
        problem = "未注明单位（元或万元）"
    cost = next((row for row in table.indicators if "成本" in row.group + row.level2
                 and (value := table.indicator_values(row)[0]).number == amount and value.unit.startswith("万")), None)
    if cost is not None:
        problem += f"；成本指标“{cost.level3}”为“{table.text(cost.cells.get('target'))}”，应为万元"
    return [_finding("P-TGT-UNIT", table, fund.cells["budget"], related=[fund.cells["label"]],
                     label=fund.label.strip("：:"), amount=shown, problem=problem)]


def _target_row(table: PerfTable, row: IndicatorRow) -> list[Finding]:
    cells = row.cells
    texts = {"name": row.level3, "target_text": table.text(cells.get("target")).strip()}
    findings: list[Finding] = []
    if not row.level2:
        findings.append(_finding("P-TGT-LEVEL2-MISSING", table, cells.get("level3", (row.row, 0)), name=row.level3))
    target = table.indicator_values(row)[0]
    target_pos = cells.get("target", (row.row, 0))
    if target.empty:
        findings.append(_finding("P-TGT-VALUE-MISSING", table, target_pos, **texts))
    elif target.compound:
        findings.append(_finding("P-TGT-VALUE-COMPOUND", table, target_pos, **texts))
    elif (target.number is not None and not target.unit and target.op_source == "implied" and target.date is None
          and 0 < target.number <= 1):
        findings.append(_finding("P-TGT-VALUE-RATIO", table, target_pos, percent=_num(target.number * 100), **texts))
    formula = table.text(cells.get("explain")).strip()
    division = _inverted(formula)
    if division is not None:
        findings.append(_finding("P-TGT-FORMULA-INVERTED", table, cells["explain"], related=[target_pos],
                                 name=row.level3, formula=formula, numerator=division[0], denominator=division[1]))
    return findings


def _inverted(formula: str) -> tuple[str, str] | None:
    """The (numerator, denominator) of a rate formula that divides the planned count by the actual one
    (``当年应召开的会议数÷实际召开会议数``): a rate is 实际 ÷ 应有."""
    if len(formula) > _FORMULA_MAX:
        return None
    for found in _DIVISION.finditer(formula):
        numerator, denominator = found.group(1).strip(), found.group(2).strip()
        if _PLANNED.search(numerator) and "实际" not in numerator and "实际" in denominator:
            return numerator, denominator
    return None
