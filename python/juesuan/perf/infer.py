"""What a table's own numbers say about its layout when the header alone cannot: the scoring rule of a template
juesuan does not know, and two indicator columns whose header order disagrees with the data.

A guessed profile must never make a whole table wrong: of the two readings of 总分 (with or without the 预算执行
score, perf-scoring.md §2.4) the one under which the printed 总分 row adds up is taken, and the report says
which. Likewise a header that says 分值 | 完成值 above rows holding them the other way round is read as the
rows show, and reported, instead of scoring every completion value as a weight.
"""

from __future__ import annotations

from decimal import Decimal

from .model import PerfTable
from .profile import DEFAULT_PROFILE, ScoringProfile
from .scoring import PerfInputError, exec_score

__all__ = ["infer_profile", "swapped_columns"]

#: Columns that may hold the weights when the header puts 分值 elsewhere.
_WEIGHT_CANDIDATES = ("actual", "target", "last_year")


def _sum(table: PerfTable, key: str) -> Decimal | None:
    """Σ of one indicator column over the scored rows; ``None`` when a non-blank cell is no number."""
    total = Decimal(0)
    for row in table.scored_indicators:
        pos = row.cells.get(key)
        if pos is None or table.is_blank(pos):
            continue
        value = table.weight(pos) if table.weights_in_percent else table.number(pos)
        if value is None:
            return None
        total += value
    return total


def _budget(table: PerfTable, key: str) -> Decimal | None:
    """The 预算执行 分值 or 得分 a 总分 may add (the score from the rule when its cell is empty)."""
    fund = table.scored_fund
    if fund is None:
        return None
    printed = table.number(fund.cells.get(key))
    if printed is not None or key != "score":
        return printed
    budget, executed = table.number(fund.cells.get("budget")), table.number(fund.cells.get("executed"))
    weight = table.number(fund.cells.get("weight"))
    try:
        return None if None in (budget, executed, weight) else exec_score(budget, executed, weight)  # type: ignore[arg-type]
    except PerfInputError:
        return None


def _weight_totals(table: PerfTable) -> set[Decimal]:
    """Sums the 分值 column may have: the 总分 row's 分值 (with or without the 预算执行 分值), the points the
    一级 labels declare, else the usual 90 or 100."""
    totals: set[Decimal] = set()
    printed = table.number(table.total.cells.get("weight")) if table.total else None
    if printed is not None:
        totals.add(printed)
        budget = _budget(table, "weight")
        if budget is not None:
            totals.add(printed - budget)
    declared = [g.declared for g in table.groups]
    if declared and None not in declared:
        totals.add(sum(declared, Decimal(0)))  # type: ignore[arg-type]
    return totals or {Decimal(90), Decimal(100)}


def _weight_like(table: PerfTable, key: str, totals: set[Decimal]) -> bool:
    """Whether a column can hold 分值: numbers only, none above 100, adding up to no more than the table's
    weight total (an empty column can)."""
    total = _sum(table, key)
    if total is None or total > max(totals):
        return False
    values = (table.number(r.cells[key]) for r in table.scored_indicators if key in r.cells)
    return all(v is None or 0 <= v <= 100 for v in values)


def swapped_columns(table: PerfTable) -> tuple[str, str] | None:
    """``("weight", key)`` when the header order disagrees with the data: the column headed 分值/权重 does not
    add up to the table's weight total but exactly one other value column (完成值, 指标值) does, or it holds what
    no 分值 column can (text, numbers above 100) while exactly one other column holds only weights."""
    if "weight" not in table.indicator_columns or not table.scored_indicators:
        return None
    totals = _weight_totals(table)
    others = [k for k in _WEIGHT_CANDIDATES if k in table.indicator_columns]
    if _sum(table, "weight") not in totals:
        adding_up = [k for k in others if _sum(table, k) in totals]
        if len(adding_up) == 1:
            return "weight", adding_up[0]
    if not _weight_like(table, "weight", totals):
        weight_like = [k for k in others if _weight_like(table, k, totals)]
        if len(weight_like) == 1:
            return "weight", weight_like[0]
    return None


def infer_profile(table: PerfTable) -> tuple[ScoringProfile, str]:
    """The scoring profile of a table whose layout matches no template, and the rule inferred, in words.

    Whether 总分 adds the 预算执行 score is read off the 总分 row: the points the 一级 labels declare (``(50分)``)
    against its 分值 first – a missing 10-point row makes the column sums fit the other reading (perf-scoring.md
    §5 #59) – else the reading under which more of its 分值 and 得分 agree with the columns above; with no
    evidence either way the 100-point convention (budget included) is kept. The 一级 split is the one the labels
    declare when it adds up to 90."""
    base = DEFAULT_PROFILE
    declared = {g.name: g.declared for g in table.groups if g.declared is not None}
    if declared and sum(declared.values(), Decimal(0)) == base.indicator_weight and len(declared) == len(table.groups):
        base = base.replace(level1_weights=declared)
    include, note = _include_budget(table)
    return base.replace(name="inferred", label="按表中数字推断", include_budget_in_total=include), note


def _include_budget(table: PerfTable) -> tuple[bool, str]:
    weights = _sum(table, "weight")
    scores = _sum(table, "score")
    budget_weight, budget_score = _budget(table, "weight"), _budget(table, "score")
    total = table.total
    printed: dict[str, Decimal | None] = {
        key: table.number(total.cells.get(key)) if total else None for key in ("weight", "score")}
    if budget_weight is None:
        return True, "表中没有预算执行分值，总分即各项指标之和"
    if printed["weight"] is None and printed["score"] is None:
        return True, "表中没有可核对的总分，按百分制（总分含预算执行得分）核对"
    declared = [g.declared for g in table.groups]
    if declared and None not in declared and printed["weight"] is not None:
        # the points the 一级 labels declare settle it even where a missing row makes the sums ambiguous
        points = sum(declared, Decimal(0))  # type: ignore[arg-type]
        if points == printed["weight"]:
            return False, f"总分不含预算执行得分（一级指标标注的分值合计 {_num(points)} = 总分分值）"
        if points + budget_weight == printed["weight"]:
            return True, f"总分含预算执行得分（预算执行 {_num(budget_weight)} + 一级指标标注的 {_num(points)} = 总分分值）"
    agree = {include: _agreement(printed, weights, scores, budget_weight, budget_score, include)
             for include in (True, False)}
    if agree[True] != agree[False]:
        include = agree[True] > agree[False]
    else:
        include = printed["weight"] != Decimal(90)
        return include, ("总分行与两种口径都不完全相符，" if agree[True] == 0 else "两种口径都相符，") + (
            "按百分制（总分含预算执行得分）核对" if include else "按总分 90 分（不含预算执行得分）核对")
    shown = _num(printed["score"] if printed["score"] is not None else printed["weight"])
    if include:
        return True, f"总分含预算执行得分（预算执行 + 各项指标 = 总分 {shown}）"
    return False, f"总分不含预算执行得分（各项指标之和 = 总分 {shown}）"


def _agreement(printed: dict[str, Decimal | None], weights: Decimal | None, scores: Decimal | None,
               budget_weight: Decimal, budget_score: Decimal | None, include: bool) -> int:
    """How many of the 总分 row's 分值 and 得分 equal the column sums under one reading."""
    agree = 0
    for key, part, budget in (("weight", weights, budget_weight), ("score", scores, budget_score)):
        value = printed[key]
        if value is None or part is None:
            continue
        agree += value == part + (budget if include and budget is not None else 0)
    return agree


def _num(value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f")
