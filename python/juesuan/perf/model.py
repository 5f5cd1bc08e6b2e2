"""The recognised form of a 绩效自评表: fund rows, indicator rows, 一级 groups and the 总分 row, each keeping the
position of every cell it reads, so that a finding or a fill can point at the exact cell.

Recognition (:mod:`.recognise`) builds these records from a :class:`~juesuan.grid.Grid`; checks and fills only
read them. Values are read from the grid on demand, as printed: an amount is a ``Decimal`` from the cell, a
执行率 keeps its printed form (``100.00`` in percent, or ``0.889`` under ``0.00%``) and precision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..findings import TableRef
from ..grid import CellError, Grid, a1
from ..numbers import NotANumber, is_blank, parse_number, round_half_up
from .indicator import IndValue, parse_value
from .profile import ScoringProfile

__all__ = [
    "DEPT",
    "PROJECT",
    "TARGET_DEPT",
    "TARGET_PROJECT",
    "FundRow",
    "Group",
    "IndicatorRow",
    "PerfTable",
    "Pos",
    "TotalRow",
    "score_number",
]

#: The two families of self-evaluation tables and of target-setting tables, as reported in a :class:`TableRef`.
PROJECT = "项目支出绩效自评表"
DEPT = "部门整体支出绩效自评表"
TARGET_PROJECT = "项目支出绩效目标表"
TARGET_DEPT = "部门整体支出绩效目标表"

Pos = tuple[int, int]

_FORMAT_DECIMALS = re.compile(r"0\.(0+)")
_POINTS_SUFFIX = "分"
_WHOLE_FORMAT = re.compile(r"[#,]*0%?")


@dataclass
class FundRow:
    """One row of the fund block (年度资金总额, 财政拨款, …).

    ``kind`` is the row's place in the 资金来源 hierarchy (``total``, ``fiscal``, ``own``, ``upper``,
    ``special``, ``unit``, ``carryover``, ``other``; ``""`` for free text such as 按收入性质分); ``cells`` maps
    ``label``, ``initial``, ``budget`` (全年预算数 A / 调整后预算数), ``executed`` (B), ``weight``, ``rate``,
    ``score`` and ``reason`` to their positions where the template has the column.
    """

    row: int
    label: str
    kind: str
    cells: dict[str, Pos]


@dataclass
class IndicatorRow:
    """One indicator row. ``level1``/``level2`` are the labels in force for the row (merged cells read
    down, unmerged labels filled down), ``level3`` as printed; ``cells`` maps ``level3``, ``nature``,
    ``target``, ``unit``, ``actual``, ``weight``, ``score`` and ``reason`` to positions."""

    row: int
    level1: str
    level2: str
    level3: str
    group: str
    cells: dict[str, Pos]
    blank: bool = False


@dataclass
class Group:
    """A 一级指标 group: canonical name (产出指标 …), printed label, the points the label declares
    (``产出指标 (50分)`` → 50, ``None`` when it declares none) and where the label is."""

    name: str
    label: str
    declared: Decimal | None
    label_pos: Pos | None
    rows: list[IndicatorRow] = field(default_factory=list)


@dataclass
class TotalRow:
    """The 总分 / 合计 row (or an unlabelled row of totals), with ``weight`` and ``score`` positions."""

    row: int
    label: str
    cells: dict[str, Pos]


@dataclass
class PerfTable:
    """One self-evaluation table on a sheet.

    ``format`` names the layout (``gz_project``, ``lz_project``, ``lz_dept``, ``zz_project``, ``zz_dept``);
    ``profile`` holds the scoring policy used for it (detected from the layout unless chosen explicitly).
    ``weights_in_percent`` marks tables whose 权重 are percentages (泸州 部门整体: ``3%``). ``target`` marks a
    绩效目标表 (no 完成值, no 得分; ``format`` ``lzt_target``). ``profile_note`` says which scoring rule was
    inferred from the table's own numbers when its layout matched no template (``format`` ``inferred``);
    ``swapped`` names two indicator columns whose header order disagrees with every data row (read as the data
    shows, reported as a layout finding).
    """

    grid: Grid
    family: str
    format: str
    profile: ScoringProfile
    title: str
    title_pos: Pos | None
    top: int
    bottom: int
    project: str
    unit: str
    fund_columns: dict[str, int]
    funds: list[FundRow]
    indicator_header_row: int
    indicator_columns: dict[str, int]
    indicators: list[IndicatorRow]
    groups: list[Group]
    total: TotalRow | None
    conclusion: tuple[Pos, str] | None
    weights_in_percent: bool = False
    target: bool = False
    indicator_header_bottom: int | None = None
    swapped: tuple[str, str] | None = None
    profile_note: str | None = None

    # ------------------------------------------------------------------ places

    @property
    def sheet(self) -> str:
        return self.grid.sheet

    @property
    def name(self) -> str:
        """How reports name the table: its family and project (``项目支出绩效自评表：考试工作经费``)."""
        return f"{self.family}：{self.project}" if self.project else self.family

    @property
    def top_left(self) -> Pos:
        return self.title_pos or (self.top, 0)

    def ref(self) -> TableRef:
        return TableRef(sheet=self.sheet, table=self.family, title=self.title, top_left=a1(*self.top_left))

    def qualified(self, pos: Pos) -> str:
        return f"{self.sheet}!{a1(*pos)}"

    @property
    def exact(self) -> bool:
        """Amounts kept in 元 are compared exactly; 万元 amounts carry rounding from the 元 books."""
        return self.unit == "元"

    @property
    def scored_funds(self) -> list[FundRow]:
        """Fund rows with a 预算执行 分值, the 资金总额 row first (株洲 prints 分值 on two rows; totals add the
        资金总额 one)."""
        scored = [f for f in self.funds if self.number(f.cells.get("weight")) is not None]
        return sorted(scored, key=lambda f: f.kind != "total")

    @property
    def scored_fund(self) -> FundRow | None:
        """The fund row whose 得分 is the 预算执行 score."""
        return next(iter(self.scored_funds), None)

    @property
    def scored_indicators(self) -> list[IndicatorRow]:
        return [r for r in self.indicators if not r.blank]

    # ------------------------------------------------------------------ values

    def value(self, pos: Pos | None) -> object:
        return None if pos is None else self.grid.get(*pos)

    def is_blank(self, pos: Pos | None) -> bool:
        value = self.value(pos)
        return not isinstance(value, CellError) and is_blank(value)

    def text(self, pos: Pos | None) -> str:
        """The cell as printed: numbers through their number format (``0.889`` under ``0.00%`` → ``88.90%``)."""
        value = self.value(pos)
        if value is None or isinstance(value, bool):
            return "" if value is None else str(value)
        if isinstance(value, (int, float, Decimal)) and pos is not None:
            return display(value, self.grid.number_formats.get(pos, ""))
        return str(value)

    def number(self, pos: Pos | None) -> Decimal | None:
        """The cell as a number, ``None`` when blank or not a number (checks report such cells separately);
        points typed as text with their unit (``10.00分``) are numbers."""
        return None if pos is None else score_number(self.grid.get(*pos))

    def decimals(self, pos: Pos) -> int | None:
        """Decimals the cell shows: from its number format, else from the digits of the stored value
        (``None`` for a long binary fraction, i.e. an unrounded computed value)."""
        places = format_places(self.grid.number_formats.get(pos, ""))
        if places is not None:
            return places
        value = self.value(pos)
        if isinstance(value, str):
            digits = value.strip().removesuffix(_POINTS_SUFFIX).rstrip("%").replace(",", "")
            return len(digits.partition(".")[2])
        number = self.number(pos)
        if number is None:
            return None
        exponent = number.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        return places if places <= 6 else None

    def weight(self, pos: Pos | None) -> Decimal | None:
        """An indicator 分值; 泸州 部门整体 权重 ``3%`` (or 0.03 under a % format) counts as 3."""
        if pos is None:
            return None
        if self.weights_in_percent:
            rate = self.rate(pos)
            return None if rate is None else rate[0] * 100
        return self.number(pos)

    def indicator_values(self, row: IndicatorRow) -> tuple[IndValue, IndValue]:
        """指标值 and 完成值 parsed. Without a 指标性质 column the 一级/二级 names stand in, so a 成本 name makes
        a bare 株洲 target (``195 万元``) an upper bound; 泸州's 度量单位 column gives bare numbers their unit."""
        cells = row.cells
        nature = self.text(cells["nature"]) if "nature" in cells else f"{row.level1}{row.level2}"
        unit = self.text(cells["unit"]) if "unit" in cells else None
        target = parse_value(self.text(cells.get("target")), nature=nature, unit_col=unit)
        actual = parse_value(self.text(cells.get("actual")), unit_col=unit)
        return target, actual

    def rate(self, pos: Pos) -> tuple[Decimal, int | None] | None:
        """A printed 执行率 as (fraction, decimals of the percent it shows).

        ``88.90%`` text, ``0.889`` under a ``%`` format, or ``100.00``/``90.21`` printed in percent without a
        sign (贵州, 株洲). A bare number not above 1 with no format at all is read as a fraction: a
        percent-formatted cell read without its format looks exactly like that.
        """
        value = self.value(pos)
        number = self.number(pos)
        if number is None:
            return None
        fmt = self.grid.number_formats.get(pos, "")
        places = self.decimals(pos)
        if "%" in fmt:
            return number, places
        if not isinstance(value, str) and not fmt and 0 <= number <= 1:
            return number, None if places is None else max(places - 2, 0)
        return number / 100, places


def score_number(value: object) -> Decimal | None:
    """A cell as a number, ``None`` when blank or no number; ``10.00分`` / ``100.00分`` (points typed as text
    with their unit) read as 10 and 100."""
    if isinstance(value, CellError):
        return None
    if isinstance(value, str) and value.strip().endswith(_POINTS_SUFFIX):
        value = value.strip().removesuffix(_POINTS_SUFFIX)
    try:
        return parse_number(value)
    except NotANumber:
        return None


def format_places(fmt: str) -> int | None:
    """Decimals a number format shows (``0.00%`` → 2, ``#,##0`` → 0); ``None`` for General and the like."""
    found = _FORMAT_DECIMALS.search(fmt)
    if found:
        return len(found.group(1))
    return 0 if _WHOLE_FORMAT.fullmatch(fmt) else None


def display(value: int | float | Decimal, fmt: str) -> str:
    """A number as its cell shows it, for the formats the templates use (``0.00``, ``0.00%``, ``#,##0.00``,
    General). Indicator values such as ``1`` under ``0%`` must read ``100%`` for the value grammar."""
    number = parse_number(value)
    assert number is not None
    places = format_places(fmt)
    if "%" in fmt:
        number *= 100
    if places is None:
        text = format(number.normalize(), "f")
    else:
        text = format(round_half_up(number, places), f",.{places}f" if "," in fmt else f".{places}f")
    return text + ("%" if "%" in fmt else "")
