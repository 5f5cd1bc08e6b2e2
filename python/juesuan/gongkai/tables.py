"""The recognised form of a 部门决算公开表: lines keyed by code or canonical label, amounts kept by column.

Each amount column is one list of exact integers (the value × 10^``scale``), aligned with the lines and read
once; rules add and compare whole columns and build ``Decimal`` values only for the few cells that end up in
a finding. Lines are light records (their cells are derived from their block's columns), so a 200,000-row
table costs a list of integers per column and one small object per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ..grid import Grid, a1
from ..layout import HeaderBlock

__all__ = ["CLASS_CODES", "TABLE_NAMES", "Block", "Line", "Table"]

#: 公开NN -> the title as published, reported for a table recognised by its header words alone.
TABLE_NAMES = {
    "公开01": "收入支出决算总表",
    "公开02": "收入决算表",
    "公开03": "支出决算表",
    "公开04": "财政拨款收入支出决算总表",
    "公开05": "一般公共预算财政拨款支出决算表",
    "公开06": "一般公共预算财政拨款基本支出决算明细表",
    "公开07": "政府性基金预算财政拨款收入支出决算表",
    "公开08": "国有资本经营预算财政拨款支出决算表",
    "公开09": "财政拨款“三公”经费支出决算表",
}

#: 支出功能分类 类 names (without the trailing 支出) -> code, for the class lines of 公开01/04. Both the
#: 24-line and the 26-line template lists map through this table.
CLASS_CODES = {
    "一般公共服务": "201", "外交": "202", "国防": "203", "公共安全": "204", "教育": "205", "科学技术": "206",
    "文化旅游体育与传媒": "207", "文化体育与传媒": "207", "社会保障和就业": "208", "社会保险基金": "209",
    "卫生健康": "210", "医疗卫生与计划生育": "210", "节能环保": "211", "城乡社区": "212", "农林水": "213",
    "交通运输": "214", "资源勘探工业信息等": "215", "资源勘探信息等": "215", "商业服务业等": "216", "金融": "217",
    "援助其他地区": "219", "自然资源海洋气象等": "220", "国土海洋气象等": "220", "住房保障": "221",
    "粮油物资储备": "222", "国有资本经营预算": "223", "灾害防治及应急管理": "224", "预备费": "227",
    "其他": "229", "转移性": "230", "债务还本": "231", "债务付息": "232", "债务发行费用": "233",
    "抗疫特别国债安排的": "234", "抗疫特别国债安排": "234",
}


@dataclass(eq=False)
class Block:
    """Columns printed side by side as one unit: the income or expense half of 公开01/04 (``name`` I/E), the
    人员经费 or 公用经费 group of 公开06 (a group printed in two column sets is still one block), the one
    block of every other table (``name`` empty). ``columns`` maps amount keys to sheet columns, ``numbers``
    to the printed 栏次; ``label_col`` is the code or 项目 column, ``name_col`` the 科目名称 column."""

    name: str
    columns: dict[str, int]
    label_col: int
    name_col: int | None = None
    lineno_col: int | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    side: str = field(init=False)

    def __post_init__(self) -> None:
        self.side = self.name if self.name in ("I", "E") else ""


@dataclass(slots=True, eq=False)
class Line:
    """One row of a table (of one block of a two-sided table).

    ``key`` is the code (``205``) for coded rows, else a canonical label (``本年收入合计``); ``level`` is 合计 /
    类 / 款 / 项 / 行 / 未识别; ``anchor_col`` the column a finding about the row itself points at (its code or
    label cell); ``name_col`` where its printed name stands (the cell a 科目名称 finding marks).
    """

    key: str
    label: str
    level: str
    row: int
    block: Block
    index: int = 0
    code: str | None = None
    lineno: int | None = None
    anchor_col: int = 0
    name_col: int | None = None

    @property
    def side(self) -> str:
        return self.block.side

    @property
    def ref(self) -> str:
        return f"{self.side}:{self.key}" if self.side else self.key

    @property
    def cells(self) -> dict[str, tuple[int, int]]:
        return {key: (self.row, col) for key, col in self.block.columns.items()}

    @property
    def anchor(self) -> tuple[int, int]:
        return (self.row, self.anchor_col)


@dataclass(eq=False)
class Table:
    """A recognised table with its amounts.

    ``units[column][i]`` is line ``i``'s amount in that column as an exact integer count of 10^-``scale``
    (blanks and absent cells are 0: blank means zero, as printed); ``issues`` keeps reading problems (text-stored
    numbers, non-numbers) for the value rules as (rule code, cell, raw value, parsed value).
    """

    kind: str
    grid: Grid
    title: str
    title_cell: tuple[int, int]
    unit: str
    decimals: int
    blocks: list[Block]
    lines: list[Line]
    header: HeaderBlock | None = None
    notes: list[str] = field(default_factory=list)
    units: dict[str, list[int]] = field(default_factory=dict)
    scale: int = 6
    issues: list[tuple[str, tuple[int, int], object, Decimal | None]] = field(default_factory=list)

    @property
    def sheet(self) -> str:
        return self.grid.sheet

    @property
    def exact(self) -> bool:
        """Tables kept in 元 are compared exactly; 万元 tables get the rounding tolerance."""
        return self.unit == "元"

    @cached_property
    def columns(self) -> list[str]:
        """Amount keys in sheet order (a key printed in two blocks counts once, at its leftmost place)."""
        seen: dict[str, int] = {}
        for block in self.blocks:
            for key, col in block.columns.items():
                seen[key] = min(col, seen.get(key, col))
        return sorted(seen, key=seen.__getitem__)

    @cached_property
    def _index(self) -> dict[str, Line]:
        index: dict[str, Line] = {}
        for line in self.lines:
            index.setdefault(line.ref, line)
        return index

    def line(self, ref: str) -> Line | None:
        return self._index.get(ref)

    def has(self, line: Line, column: str) -> bool:
        return column in line.block.columns

    def pos(self, line: Line, column: str) -> tuple[int, int]:
        return (line.row, line.block.columns[column])

    def amount(self, line: Line, column: str) -> Decimal:
        """The exact amount of a cell (blank = 0), with at least the printed decimals (``51368.15``)."""
        units = self.units[column][line.index]
        extra = self.scale - self.decimals
        if extra >= 0 and units % 10**extra == 0:
            return Decimal(units // 10**extra).scaleb(-self.decimals)
        return Decimal(units).scaleb(-self.scale)

    def value(self, line: Line, column: str) -> Decimal | None:
        """The printed amount of a cell, ``None`` when the cell is blank or the line has no such column."""
        if column not in line.block.columns:
            return None
        raw = self.grid.get(line.row, line.block.columns[column])
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        return self.amount(line, column)

    def qualified(self, pos: tuple[int, int]) -> str:
        return f"{self.sheet}!{a1(*pos)}"

    @cached_property
    def parents(self) -> list[int]:
        """Index of each line's parent (-1 for none): a 款 under its 类, a 项 under its 款 (by code prefix, in
        the same block - 公开06's 人员经费 and 公用经费 apart), a 类 under its block's 合计 line. The class lines of
        公开01/04 stand alone."""
        parent = [-1] * len(self.lines)
        by_code: dict[str, dict[str, int]] = {}
        totals: dict[str, int] = {}
        coded: list[tuple[int, dict[str, int], str]] = []
        for line in self.lines:
            code, block = line.code, line.block.name
            if block == "I" or block == "E":
                continue
            if code:
                codes = by_code.get(block)
                if codes is None:
                    codes = by_code[block] = {}
                codes.setdefault(code, line.index)
                coded.append((line.index, codes, code))
            elif line.level == "合计":
                totals.setdefault(block, line.index)
        for index, codes, code in coded:
            parent[index] = codes.get(code[:-2], -1) if len(code) > 3 else totals.get(self.lines[index].block.name, -1)
        return parent

    @cached_property
    def children(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for i, p in enumerate(self.parents):
            if p >= 0:
                out.setdefault(p, []).append(i)
        return out

    def weights(self, column: str) -> list[int]:
        """Rounded values behind each cell of a column: a leaf counts 1 when it is not zero, a parent the sum
        over its children - the k of the rounding tolerance, counted within the line's own block and column."""
        cached = self._weights.get(column)
        if cached is not None:
            return cached
        units = self.units[column]
        weight = [1 if u else 0 for u in units]
        kids = self.children
        for i in self._bottom_up:
            below = kids.get(i)
            if below:
                total = sum(weight[k] for k in below)
                weight[i] = total if total else (1 if units[i] else 0)
        self._weights[column] = weight
        return weight

    @cached_property
    def _weights(self) -> dict[str, list[int]]:
        return {}

    @cached_property
    def _bottom_up(self) -> list[int]:
        """Lines with children, deepest first, so a parent's weight is computed after its children's."""
        depth = {"项": 3, "款": 2, "类": 1, "合计": 0}
        return sorted(self.children, key=lambda i: -depth.get(self.lines[i].level, 0))

    def child_sums(self, column: str) -> list[int]:
        """Σ of each line's children in a column (0 for lines without children), computed once per column and
        shared by the 合计, 类 and 款 hierarchy rules."""
        cached = self._child_sums.get(column)
        if cached is None:
            units = self.units[column]
            cached = [0] * len(units)
            for i, parent in enumerate(self.parents):
                if parent >= 0:
                    cached[parent] += units[i]
            self._child_sums[column] = cached
        return cached

    @cached_property
    def _child_sums(self) -> dict[str, list[int]]:
        return {}

    def lines_at(self, row: int) -> list[Line]:
        """The lines printed on a sheet row (two on a row of 公开01/04 or 公开06)."""
        if not self._by_row:
            for line in self.lines:
                self._by_row.setdefault(line.row, []).append(line)
        return self._by_row.get(row, [])

    @cached_property
    def _by_row(self) -> dict[int, list[Line]]:
        return {}

    def lines_where(self, side: str | None = None, level: str | None = None) -> Iterator[Line]:
        for line in self.lines:
            if (side is None or line.side == side) and (level is None or line.level == level):
                yield line
