"""The 情况说明 rules: stable ids, severities, Chinese names and message templates (listed by ``juesuan rules``).

They are the same kind of record as the 绩效自评 rules (id, severity, name, message template). A gap within the
rounding of the printed figures is reported under the same rule as a 尾数误差 warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..findings import Severity
from ..perf.checks import PerfRule as NarrativeRule

__all__ = ["NarrativeRule", "RULES"]

_E, _W, _I = Severity.error, Severity.warning, Severity.info

RULES: Mapping[str, NarrativeRule] = MappingProxyType({rule.id: rule for rule in (
    NarrativeRule(id="N-AMOUNT", severity=_E, name="说明中的金额与表不符",
                  message="说明写{what} {printed}，{table}表中为 {should}"),
    NarrativeRule(id="N-NAME", severity=_E, name="说明中的科目名称与表不符",
                  message="说明中的“{name}”在{table}表中没有{hint}"),
    NarrativeRule(id="N-PERCENT", severity=_E, name="说明中的百分比与金额不符",
                  message="说明写{what} {printed}，按 {formula} 应为 {should}%"),
    NarrativeRule(id="N-SHARE-SUM", severity=_E, name="各项占比之和不为 100%",
                  message="{what}各项占比之和为 {total}%，应为 100%"),
    NarrativeRule(id="N-CHANGE", severity=_E, name="增减额与增减率不符",
                  message="说明写{what}较上年{word} {delta}、{rate_word} {printed}：上年应为 {prior}，{rate_word}率应为 {should}%"),
    NarrativeRule(id="N-SUM", severity=_E, name="分项之和与合计不符",
                  message="说明写{what} {printed}，所列{count}项之和为 {should}"),
    NarrativeRule(id="N-LIMIT", severity=_E, name="分项超过其总数",
                  message="说明写{what} {printed}，超过了{limit} {should}"),
    NarrativeRule(id="N-RUNNING-COST", severity=_W, name="机关运行经费超过公用经费",
                  message="说明写机关运行经费 {printed}，超过公用经费 {should}（按广义口径，机关运行经费不超过公用经费）"),
    NarrativeRule(id="N-REPEAT", severity=_E, name="同一数字前后不一致",
                  message="说明第{other}段写{what}为 {should}，此处为 {printed}"),
    NarrativeRule(id="N-RATE-SPAN", severity=_E, name="分项完成率与总完成率不能同时成立",
                  message="{what}{printed}推算的预算数在 {total_span} 之间，各分项按各自完成率推算的预算数之和却在 {parts_span} 之间，两者不可能同时成立"),
    NarrativeRule(id="N-DIRECTION", severity=_E, name="增减或大小用词与数字不符",
                  message="说明写“{word}”，但{fact}"),
    NarrativeRule(id="N-NO-PERCENT", severity=_W, name="百分比缺少 %",
                  message="“{printed}”前面是“{cue}”，应为百分比，却没有写 %"),
    NarrativeRule(id="N-TEMPLATE", severity=_W, name="模板中的备选用词未删除",
                  message="说明中留有模板的备选用词“{word}”，应按实际情况只保留一个"),
    NarrativeRule(id="N-UNCHECKED", severity=_I, name="未核对的数字",
                  message="说明中的“{printed}”对应不到表中的单元格或可核对的关系，未核对"),
)})
