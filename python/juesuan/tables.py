"""The recognised form of a 部门决算公开表: lines keyed by code or canonical label, amount cells keyed by
canonical column names. Rules address lines and columns by these keys, never by row numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .grid import Grid, a1

__all__ = ["CLASS_CODES", "TABLE_NAMES", "Line", "Table"]

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


@dataclass(slots=True)
class Line:
    """One row of a table (or of one block of a two-sided table).

    ``key`` is the code (``205``) for coded rows, else a canonical label (``本年收入合计``); ``side`` tells the
    block (``I``/``E`` in 公开01/04, ``人员经费``/``公用经费`` in 公开06, empty elsewhere).
    """

    key: str
    label: str
    level: str  # 合计 / 类 / 款 / 项 / 行
    row: int
    cells: dict[str, tuple[int, int]]
    side: str = ""
    code: str | None = None
    lineno: int | None = None
    leaves: int = 1
    anchor: tuple[int, int] | None = None  # the code or label cell, marked when the row itself is wrong

    @property
    def ref(self) -> str:
        return f"{self.side}:{self.key}" if self.side else self.key


@dataclass
class Table:
    """A recognised table on a sheet, with its parsed amounts.

    ``values`` maps every amount cell (row, col) to its ``Decimal`` (``None`` = blank); reading problems
    (text-stored numbers, non-numbers) are kept in ``issues`` for the value rules.
    """

    kind: str
    grid: Grid
    title: str
    title_cell: tuple[int, int]
    unit: str
    decimals: int
    columns: list[str]
    lines: list[Line]
    notes: list[str] = field(default_factory=list)
    values: dict[tuple[int, int], Decimal | None] = field(default_factory=dict)
    issues: list[tuple[str, tuple[int, int], object, Decimal | None]] = field(default_factory=list)
    _index: dict[str, Line] = field(default_factory=dict, repr=False)
    _children: dict[str, list[Line]] = field(default_factory=dict, repr=False)

    @property
    def sheet(self) -> str:
        return self.grid.sheet

    @property
    def exact(self) -> bool:
        """Tables kept in 元 are compared exactly; 万元 tables get the rounding tolerance."""
        return self.unit == "元"

    def line(self, ref: str) -> Line | None:
        if not self._index:
            self._index = {ln.ref: ln for ln in self.lines}
        return self._index.get(ref)

    def children(self, parent: Line) -> list[Line]:
        """The lines one level below a 合计/类/款 line, by code prefix (indexed once: tables can be long)."""
        if not self._children:
            below = {"类": ("合计", None), "款": ("类", 3), "项": ("款", 5)}
            for ln in self.lines:
                if ln.code and not ln.side and ln.level in below:
                    up, width = below[ln.level]
                    self._children.setdefault(ln.code[:width] if width else up, []).append(ln)
        return self._children.get(parent.code or parent.key, [])

    def value(self, line: Line, column: str) -> Decimal | None:
        pos = line.cells.get(column)
        return None if pos is None else self.values.get(pos)

    def qualified(self, pos: tuple[int, int]) -> str:
        return f"{self.sheet}!{a1(*pos)}"
