"""Filling the derived cells of 绩效自评表: 执行率, 预算执行得分, 总分 (分值 and 得分), 等级 and, on request, the
suggested 得分 of indicator rows.

The fill is a :class:`~juesuan.plan.Plan`, not an edit: adapters apply it to a copy of the workbook. By default
it writes values; with ``formulas=True`` it writes native Excel formulas that give the same numbers (rounding
with ROUND, which rounds halves away from zero like the ``Decimal`` half-up used here), so the sheet keeps
computing when amounts change. Suggested indicator scores stay values in both modes: they come from reading
the 指标值 / 完成值 texts, which no native formula can do.

Only empty cells are filled, unless ``overwrite``; a cell holding a formula of the user's is never replaced.
Every filled cell is coloured :data:`~juesuan.plan.FILL_COLOR`. The plan knows merged cells: it never writes a
cell covered by a merge (Excel and openpyxl refuse it), writes a merge's top-left cell only when the merge
belongs to the cell meant alone, and otherwise skips the cell with a note in :attr:`FillPlan.skipped`.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ..grid import Grid, a1
from ..layout import Merge, SheetIndex
from ..numbers import round_half_up
from ..plan import FILL_COLOR, Action, Plan, rectangles
from .indicator import completion_ratio
from .model import FundRow, PerfTable, Pos, display
from .profile import ScoringProfile
from .recognise import recognise_perf
from .scoring import ZeroDenominatorError, exec_rate, exec_score, perf_total, suggested_score

__all__ = ["FillPlan", "plan_fill"]

Value = Decimal | str


class FillPlan(Plan):
    """A fill plan and, in ``skipped``, one Chinese line per derived cell left out - under a merge, or a 总分 with
    no indicator score to add up (for the summary the user reads)."""

    skipped: list[str] = Field(default_factory=list)


def plan_fill(
    grid: Grid,
    tables: list[PerfTable] | None = None,
    *,
    formulas: bool = False,
    overwrite: bool = False,
    indicator_scores: bool = False,
    grade: bool = True,
) -> FillPlan:
    """The edits that complete every table on ``grid`` (recognised here when ``tables`` is not given).

    ``formulas`` writes Excel formulas instead of values (zero budget → empty text); ``overwrite`` also
    replaces non-empty values (never a formula the user wrote); ``indicator_scores`` fills empty indicator
    得分 with the suggested score; ``grade`` writes ``等级：优`` beside the 总分 得分. A printed 完成率 column
    is filled where empty, like 执行率. 绩效目标表 have nothing to fill.
    """
    if tables is None:
        tables = recognise_perf(grid)
    filler = _Filler(grid, formulas=formulas, overwrite=overwrite)
    for table in tables:
        if not table.target:
            filler.table(table, indicator_scores=indicator_scores, grade=grade)
    return filler.plan()


class _Filler:
    """Collects the planned cells; later computations (总分) read earlier planned values (预算执行得分)."""

    def __init__(self, grid: Grid, *, formulas: bool, overwrite: bool) -> None:
        self.grid = grid
        self.index = SheetIndex(grid)
        self.formulas = formulas
        self.overwrite = overwrite
        self.planned: dict[Pos, Value] = {}
        self.numbers: dict[Pos, Decimal] = {}
        self.percent_cells: list[Pos] = []  # 执行率 written as fractions: shown as 0.00%
        self.fields: dict[Pos, str] = {}  # every cell the table being filled reads, by what it holds
        self.skipped: list[str] = []

    # ---------------------------------------------------------------- cells

    def writable(self, pos: Pos | None) -> bool:
        """Empty cells; with ``overwrite`` also numbers. Never a formula of the user's, never text (a ``-`` or
        ``/`` marks a cell the template leaves out, a note is the user's)."""
        if pos is None or pos in self.grid.formulas:
            return False
        value = self.grid.get(*pos)
        if value is None or (isinstance(value, str) and not value.strip()):
            return True
        return self.overwrite and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)

    def put(self, pos: Pos | None, number: Decimal | None, formula: str | None = None, *, what: str,
            text: str | None = None) -> None:
        """Plan ``number`` – or ``formula`` in formula mode, also while it shows nothing (A = B = 0), or a
        ``text`` – for ``pos``; the number is remembered for the totals below. ``what`` names the cell in a note
        when a merge keeps it from being written."""
        value: Value | None = text if text is not None else (formula if self.formulas and formula else number)
        if pos is None or value is None:
            return
        cell = self.cell_meant(pos, what)
        if cell is None or not self.writable(cell):
            return
        if number is not None:
            self.numbers[pos] = number
        self.planned[cell] = value

    def cell_meant(self, pos: Pos, what: str) -> Pos | None:
        """The cell that shows ``pos``: itself, or the top-left cell of the merge covering it when the merge
        holds no other cell the table reads; ``None`` (with a note) when writing would land on another
        column's cell or in a covered cell."""
        merge = self.index.merge_at(*pos)
        if merge is None:
            return pos
        anchor = (merge[0], merge[1])
        others = sorted({self.fields[p] for p in self.fields if p != pos and _inside(p, merge)})
        if others:
            reason = f"与{'、'.join(others)}共用一格"
        elif anchor != pos and self.index.text(*anchor):
            reason = f"合并区域显示的是“{self.index.text(*anchor)}”"
        else:
            return anchor
        self.skipped.append(f"“{self.grid.sheet}”{a1(*pos)}（{what}）在合并单元格 {_area(merge)} 内，{reason}，未填写")
        return None

    def number(self, table: PerfTable, pos: Pos | None) -> Decimal | None:
        """A cell's number after the fill: the planned one, else the sheet's."""
        if pos is None:
            return None
        return self.numbers[pos] if pos in self.numbers else table.number(pos)

    # ---------------------------------------------------------------- tables

    def table(self, table: PerfTable, *, indicator_scores: bool, grade: bool) -> None:
        self.fields = _field_cells(table)
        percent_number = _rates_in_percent(table)
        for fund in table.funds:
            self.rate(table, fund, percent_number)
        for fund in _scored_rows(table):
            self.budget_score(table, fund)
        if indicator_scores:
            self.indicator_scores(table)
        self.completion_rates(table)
        if table.total is not None:
            self.total(table, grade)

    def rate(self, table: PerfTable, fund: FundRow, percent_number: bool) -> None:
        """执行率 = B ÷ A, 4 decimals as a fraction (``0.00%``) or 2 decimals in percent (贵州 ``100.00``)."""
        amounts = _amounts(table, fund)
        if amounts is None or "rate" not in fund.cells:
            return
        a, b, budget, executed = amounts
        try:
            rate = exec_rate(budget, executed, 4)
        except ZeroDenominatorError:
            return  # A = 0 < B: left for the check (P-EXEC-RATE-ZERO) instead of a made-up number
        if percent_number:
            self.put(fund.cells["rate"], None if rate is None else rate * 100, f'=IF({a}=0,"",ROUND({b}/{a}*100,2))',
                     what="执行率")
        else:
            self.put(fund.cells["rate"], rate, f'=IF({a}=0,"",ROUND({b}/{a},4))', what="执行率")
            if fund.cells["rate"] in self.planned and "%" not in table.grid.number_formats.get(fund.cells["rate"], ""):
                self.percent_cells.append(fund.cells["rate"])

    def budget_score(self, table: PerfTable, fund: FundRow) -> None:
        """预算执行得分 = ROUND(分值 × MIN(B ÷ A, 1), 2); the template's 10 when the 分值 cell is empty."""
        amounts = _amounts(table, fund)
        if amounts is None or "score" not in fund.cells:
            return
        a, b, budget, executed = amounts
        weight_pos = fund.cells.get("weight")
        weight = table.number(weight_pos)
        if weight is None or weight_pos is None:  # the template's 10 when the 分值 cell is empty
            weight, weight_ref = table.profile.budget_weight, display(table.profile.budget_weight, "")
        else:
            weight_ref = a1(*weight_pos)
        try:
            score = exec_score(budget, executed, weight)
        except ZeroDenominatorError:
            return
        self.put(fund.cells["score"], score, f'=IF({a}=0,"",ROUND({weight_ref}*MIN({b}/{a},1),2))',
                 what="预算执行得分")

    def indicator_scores(self, table: PerfTable) -> None:
        """Suggested 得分 for scored rows whose 得分 is empty (values: they come from reading texts)."""
        for row in table.scored_indicators:
            cells = row.cells
            weight = table.number(cells.get("weight"))
            if weight is None or "score" not in cells:
                continue
            target, actual = table.indicator_values(row)
            self.put(cells["score"], suggested_score(weight, target, actual, table.profile), what="指标得分")

    def completion_rates(self, table: PerfTable) -> None:
        """完成率 = 实际完成值 ÷ 指标值 where the template prints the column and the cell is empty: 4 decimals
        as a fraction shown ``0.00%``, or 2 in percent where the column prints numbers in percent. Values only
        (they come from reading texts); rows without a ratio stay empty."""
        column = [r.cells["rate"] for r in table.scored_indicators if "rate" in r.cells]
        percent_number = _column_in_percent(table, column)
        for row in table.scored_indicators:
            pos = row.cells.get("rate")
            if pos is None:
                continue
            target, actual = table.indicator_values(row)
            ratio = completion_ratio(target, actual, approx_tolerance=table.profile.approx_tolerance)
            if ratio is None:
                continue
            value = round_half_up(ratio * 100, 2) if percent_number else round_half_up(ratio, 4)
            self.put(pos, value, what="完成率", text=None)
            if not percent_number and pos in self.planned and "%" not in table.grid.number_formats.get(pos, ""):
                self.percent_cells.append(pos)

    def total(self, table: PerfTable, grade: bool) -> None:
        """总分 分值 and 得分: Σ indicators, plus the 预算执行 cell where the template adds it (泸州, 株洲)."""
        assert table.total is not None
        rows = table.indicators
        budget = _scored_rows(table)[:1]
        include = table.profile.include_budget_in_total and bool(budget)
        for key in ("weight", "score"):
            pos = table.total.cells.get(key)
            column = table.indicator_columns.get(key)
            if pos is None or column is None or not rows:
                continue
            parts = [self.number(table, r.cells.get(key)) for r in rows]
            if key == "score" and all(part is None for part in parts):
                # a total of nothing is not a score: the budget score alone would pass for one (and get 等级：差)
                self.skipped.append(f"“{self.grid.sheet}”{a1(*pos)}（总分得分）：各指标得分都为空，不计算总分和等级")
                continue
            budget_pos = budget[0].cells.get(key) if include else None
            budget_value = self.number(table, budget_pos) if budget_pos else None
            if key == "weight" and include and budget_value is None:
                budget_value = table.profile.budget_weight
            value = perf_total(parts, budget_value, include)
            formula = f"=SUM({a1(rows[0].row, column)}:{a1(rows[-1].row, column)})"
            if budget_pos is not None and self.number(table, budget_pos) is not None:
                formula += f"+{a1(*budget_pos)}"
            elif include and budget_value is not None:
                formula += "+" + display(budget_value, "")  # the template's 10 when the 分值 cell is empty
            self.put(pos, value, formula, what="总分" + ("分值" if key == "weight" else "得分"))
        if grade:
            self.grade(table, include, budget)

    def grade(self, table: PerfTable, include: bool, budget: list[FundRow]) -> None:
        """等级 of the 100-point total, in the cell right of the 总分 得分 (贵州 adds the 预算执行得分 first)."""
        assert table.total is not None
        score_pos = table.total.cells.get("score")
        total = self.number(table, score_pos)
        if score_pos is None or total is None:
            return
        pos = (score_pos[0], score_pos[1] + 1)
        if pos[1] > max(table.indicator_columns.values()) or not self.writable(pos):
            return
        ref = a1(*score_pos)
        budget_pos = budget[0].cells.get("score") if budget and not include else None
        budget_score = self.number(table, budget_pos) if budget_pos else None
        if budget_score is not None and budget_pos is not None:
            total += budget_score
            ref = f"({ref}+{a1(*budget_pos)})"
        label = table.profile.grades.grade(total)
        text = f'="等级："&{_grade_formula(ref, table.profile)}' if self.formulas else f"等级：{label}"
        self.put(pos, None, what="等级", text=text)

    # ---------------------------------------------------------------- plan

    def plan(self) -> FillPlan:
        """setValues blocks (vertical runs of one column) and one colour action for all filled cells."""
        actions: list[Action] = []
        cells = sorted(self.planned, key=lambda p: (p[1], p[0]))
        run: list[Pos] = []
        for pos in cells + [None]:  # type: ignore[list-item]
            if run and (pos is None or pos[1] != run[-1][1] or pos[0] != run[-1][0] + 1):
                actions.append(Action(func="setValues", sheet=self.grid.sheet, start=a1(*run[0]),
                                      values=[[_cell_value(self.planned[p])] for p in run]))
                run = []
            if pos is not None:
                run.append(pos)
        if self.percent_cells:
            actions.append(Action(func="setNumberFormat", sheet=self.grid.sheet, args=["0.00%"],
                                  cells=rectangles(self.percent_cells)))
        if self.planned:
            actions.append(Action(func="setRangeColor", sheet=self.grid.sheet, args=[FILL_COLOR],
                                  cells=rectangles(self.planned)))
        return FillPlan(actions=actions, skipped=self.skipped)


#: What a cell the table reads holds, in the words of a skip note.
_FIELD_NAMES = {"label": "标签", "initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数",
                "rate": "执行率", "weight": "分值", "score": "得分", "reason": "原因", "level3": "三级指标",
                "nature": "指标性质", "target": "指标值", "unit": "度量单位", "actual": "完成值",
                "explain": "指标解释", "last_year": "上年完成值"}


def _field_cells(table: PerfTable) -> dict[Pos, str]:
    """Every cell the table reads, by the name of what it holds (a merge over two of them is shared)."""
    fields = {pos: _FIELD_NAMES[key] for fund in table.funds for key, pos in fund.cells.items()}
    for row in table.indicators:
        fields.update({pos: "完成率" if key == "rate" else _FIELD_NAMES[key] for key, pos in row.cells.items()})
    if table.total is not None:
        fields.update({pos: "总分" + _FIELD_NAMES[key] for key, pos in table.total.cells.items()})
    return fields


def _inside(pos: Pos, merge: Merge) -> bool:
    return merge[0] <= pos[0] <= merge[2] and merge[1] <= pos[1] <= merge[3]


def _area(merge: Merge) -> str:
    return f"{a1(merge[0], merge[1])}:{a1(merge[2], merge[3])}"


def _amounts(table: PerfTable, fund: FundRow) -> tuple[str, str, Decimal, Decimal] | None:
    """A1 addresses and values of 全年预算数 (A) and 全年执行数 (B), when both are numbers."""
    budget_pos, executed_pos = fund.cells.get("budget"), fund.cells.get("executed")
    budget, executed = table.number(budget_pos), table.number(executed_pos)
    if budget_pos is None or executed_pos is None or budget is None or executed is None:
        return None
    return a1(*budget_pos), a1(*executed_pos), budget, executed


def _scored_rows(table: PerfTable) -> list[FundRow]:
    """Fund rows that get the 预算执行 score: those with a 分值, else the 资金总额 row of a blank template."""
    return table.scored_funds or [f for f in table.funds if f.kind == "total" and "score" in f.cells][:1]


def _rates_in_percent(table: PerfTable) -> bool:
    """Whether this table writes 执行率 as a number in percent (``100.00``): as its rate cells are formatted
    or printed, else as the template does (贵州's old layout)."""
    for fund in table.funds:
        pos = fund.cells.get("rate")
        if pos is None:
            continue
        fmt = table.grid.number_formats.get(pos, "")
        if "%" in fmt:
            return False
        printed = table.number(pos)
        if printed is not None and not isinstance(table.value(pos), str) and printed > 1:
            return True
        if printed is not None and isinstance(table.value(pos), str):
            return not table.text(pos).strip().endswith("%")
    return table.profile.rate_display == "number"


def _column_in_percent(table: PerfTable, cells: list[Pos]) -> bool:
    """Whether a rate column shows numbers in percent (``105.00``) rather than fractions under ``0.00%``: as
    its filled cells show it."""
    for pos in cells:
        printed = table.number(pos)
        if printed is None:
            continue
        if "%" in table.grid.number_formats.get(pos, "") or table.text(pos).strip().endswith("%"):
            return False
        return printed > 1
    return False


def _grade_formula(ref: str, profile: ScoringProfile) -> str:
    """Nested IF over the grade bands: ``IF(x>=90,"优",IF(x>=80,"良",IF(x>=60,"中","差")))``."""
    formula = f'"{profile.grades.below}"'
    for band in reversed(profile.grades.bands):
        formula = f'IF({ref}>={display(band.min_score, "")},"{band.label}",{formula})'
    return formula


def _cell_value(value: Value) -> int | float | str:
    """What a cell receives: formulas as text, numbers as int/float (adapters and JSON take no Decimal)."""
    if isinstance(value, str):
        return value
    return int(value) if value == value.to_integral_value() else float(value)
