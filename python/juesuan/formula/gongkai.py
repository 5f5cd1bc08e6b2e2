"""The recognised 公开 tables (:class:`juesuan.gongkai.Table`) seen through :class:`FormulaTable`: a field-by-field
mapping of lines, blocks and header columns onto the records formulas bind to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from ..gongkai import Line, Table
from .binding import Cell, ColumnInfo, FormulaTable, RowInfo

__all__ = ["GongkaiTable", "formula_tables"]

#: Block names as a user writes them in a label path (``“收入/总计”``); 公开06's 人员经费/公用经费 keep theirs.
BLOCK_WORDS = {"I": "收入", "E": "支出"}

_SPENT = "本年支出"
_CAR = "公务用车购置及运行维护费"
_SANGONG_ITEMS = {
    "合计": ("合计",), "出国": ("因公出国（境）费",), "车小计": (_CAR, "小计"), "车购置": (_CAR, "公务用车购置费"),
    "车运维": (_CAR, "公务用车运行维护费"), "接待": ("公务接待费",),
}
#: The header words of the published templates (juesuan-tables.md §2) for each amount key recognition gives, by
#: table; two-sided tables and 公开06 put their block's word (收入 / 支出, 人员经费 / 公用经费) above these.
STANDARD_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "公开01": {"决算数": ("决算数",)},
    "公开04": {"决算数": ("金额",), "合计": ("合计",), "一般": ("一般公共预算财政拨款",),
               "基金": ("政府性基金预算财政拨款",), "国资": ("国有资本经营预算财政拨款",)},
    "公开05": {"小计": (_SPENT, "小计"), "基本支出": (_SPENT, "基本支出"), "项目支出": (_SPENT, "项目支出")},
    "公开06": {"决算数": ("决算数",)},
    "公开07": {"小计": (_SPENT, "小计"), "基本支出": (_SPENT, "基本支出"), "项目支出": (_SPENT, "项目支出")},
    "公开09": {f"{stage}.{item}": (f"{stage}数", *words) for stage in ("预算", "决算") for item, words in _SANGONG_ITEMS.items()},
}
STANDARD_HEADERS["公开08"] = STANDARD_HEADERS["公开05"]


def _standard(table: Table, block_name: str, key: str) -> tuple[str, ...]:
    words = STANDARD_HEADERS.get(table.kind, {}).get(key, (key,))
    return (BLOCK_WORDS.get(block_name, block_name), *words) if block_name else words


class GongkaiTable:
    """A :class:`Table` as a :class:`FormulaTable`. Rows are its lines (keyed by their index) in 行次 order,
    block by block; columns are its amount columns keyed by their sheet column, since 公开01 prints a 决算数
    column in each block."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.kind, self.title, self.decimals, self.exact = table.kind, table.title, table.decimals, table.exact
        blocks = {id(block): i for i, block in enumerate(table.blocks)}
        lines = sorted(table.lines, key=lambda line: (blocks[id(line.block)], line.row))
        self._rows = [
            RowInfo(line.index, line.lineno, line.label, line.code, BLOCK_WORDS.get(line.block.name, line.block.name))
            for line in lines
        ]
        self._columns: dict[int, ColumnInfo] = {}
        self._keys: dict[int, str] = {}  # sheet column -> amount key
        for block in table.blocks:
            for key, col in block.columns.items():
                header = table.header.column(col) if table.header is not None else None
                words = header.path if header is not None and header.path else (key,)
                self._columns[col] = ColumnInfo(col, block.numbers.get(key), words, _standard(table, block.name, key))
                self._keys[col] = key
        self._values: dict[str, list[Decimal | None]] = {}
        self._row_columns = {
            id(block): [self._columns[col] for col in sorted(block.columns.values())] for block in table.blocks
        }

    def _line(self, row: RowInfo) -> Line:
        return self.table.lines[row.key]  # type: ignore[index]

    def rows(self) -> Sequence[RowInfo]:
        return self._rows

    def columns(self) -> Sequence[ColumnInfo]:
        return [self._columns[col] for col in sorted(self._columns)]

    def amount_columns(self, row: RowInfo) -> Sequence[ColumnInfo]:
        return self._row_columns[id(self._line(row).block)]

    def cell(self, row: RowInfo, column: ColumnInfo) -> Cell | None:
        line = self._line(row)
        key = self._keys[column.key]  # type: ignore[index]
        if line.block.columns.get(key) != column.key:
            return None
        values = self._values.get(key)
        if values is None:  # a column's amounts are made once, for all the formulas that read them
            values = self._values[key] = [self.table.value(ln, key) for ln in self.table.lines]
        return Cell(self.table.sheet, (line.row, column.key), values[line.index], self.table.weights(key)[line.index])  # type: ignore[arg-type]


def formula_tables(tables: Mapping[str, Table]) -> dict[str, FormulaTable]:
    """Every recognised table by kind, ready for formulas."""
    return {kind: GongkaiTable(table) for kind, table in tables.items()}
