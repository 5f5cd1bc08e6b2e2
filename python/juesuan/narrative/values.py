"""The figures the checks compare: table cells when the workbook has them, else the narrative's own numbers.

A percentage is recomputed from table amounts (the narrative amount may itself be wrong, and is checked apart);
without tables, from the amounts the narrative prints. Every figure carries the rounding its print allows, so a
recomputed percentage that misses in the last digit can be re-tested with intervals (tables doc §7.3, §9.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..gongkai.tables import Line, Table
from ..grid import a1, norm_text
from ..tolerance import rounding_bound
from .quotes import Number
from .reading import Item, Reading
from .vocabulary import Cell, Entity, entity

__all__ = ["Span", "TableCell", "Value", "Values"]


@dataclass(frozen=True)
class Span:
    """A closed interval, for figures known only to their printed precision."""

    lo: Decimal
    hi: Decimal

    @classmethod
    def around(cls, value: Decimal, half: Decimal) -> Span:
        return cls(value - half, value + half)

    def __add__(self, other: Span) -> Span:
        return Span(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Span) -> Span:
        return Span(self.lo - other.hi, self.hi - other.lo)

    def percent_of(self, whole: Span) -> Span | None:
        """self ÷ whole × 100, for a positive whole (``None`` when whole may be zero or negative)."""
        if whole.lo <= 0:
            return None
        quotients = [a / b * 100 for a in (self.lo, self.hi) for b in (whole.lo, whole.hi)]
        return Span(min(quotients), max(quotients))

    def meets(self, other: Span) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def __str__(self) -> str:
        return f"[{self.lo:,.2f}, {self.hi:,.2f}]"


@dataclass(frozen=True)
class TableCell:
    """A resolved table cell: its table and line, the column, the amount in 万元 and the rounding it carries."""

    table: Table
    line: Line
    column: str

    @property
    def amount(self) -> Decimal:
        value = self.table.amount(self.line, self.column)
        return value / 10000 if self.table.unit == "元" else value

    @property
    def weight(self) -> int:
        """Rounded leaves behind the cell (the k of tables doc §8.1), at least 1."""
        return max(1, self.table.weights(self.column)[self.line.index])

    @property
    def bound(self) -> Decimal:
        """The rounding the cell may carry, in 万元."""
        bound = rounding_bound(self.weight, self.table.decimals, self.table.exact)
        return bound / 10000 if self.table.unit == "元" else bound

    @property
    def sheet(self) -> str:
        return self.table.sheet

    @property
    def address(self) -> str:
        return a1(*self.table.pos(self.line, self.column))

    @property
    def place(self) -> str:
        return f"{self.sheet}!{self.address}"


@dataclass(frozen=True)
class Value:
    """An operand: its value, the half-width of its rounding, and the table cell or narrative number it is."""

    amount: Decimal
    half: Decimal
    cell: TableCell | None = None
    number: Number | None = None

    @property
    def span(self) -> Span:
        return Span.around(self.amount, self.half)


class Values:
    """Looks figures up: cells of an entity or item, and the narrative's quoted numbers."""

    def __init__(self, reading: Reading, tables: dict[str, Table]):
        self.reading = reading
        self.tables = tables
        #: any_of entities: the cell a quoted number matched
        self.chosen: dict[str, TableCell] = {}

    def cell(self, where: Cell) -> TableCell | None:
        table = self.tables.get(where.table)
        line = table.line(where.ref) if table else None
        if table is None or line is None or not table.has(line, where.column):
            return None
        return TableCell(table, line, where.column)

    def cells(self, subject: str, measure: str) -> list[TableCell]:
        """Every table cell that prints this figure (an item's 公开05 row; an entity's cells)."""
        if subject in self.reading.items:
            line = self.item_line(self.reading.items[subject]) if measure == "决算" else None
            return [TableCell(self.tables["公开05"], line, "小计")] if line else []
        ent = entity(subject)
        if ent is None:
            return []
        spots = ent.cells if measure == "决算" else ent.budget if measure == "预算" else ()
        return [c for c in map(self.cell, spots) if c is not None]

    def item_line(self, item: Item) -> Line | None:
        """The 公开05 row an item names: 类 by code, then 款 and 项 by name under it (names repeat across levels)."""
        table = self.tables.get("公开05")
        if table is None or item.code is None:
            return None
        line = table.line(item.code)
        for name in item.names[1:]:
            if line is None:
                return None
            line = next((table.lines[i] for i in table.children.get(line.index, [])
                         if norm_text(table.lines[i].label) == norm_text(name)), None)
        return line

    def get(self, subject: str, measure: str = "决算") -> Value | None:
        """A figure: from the table when it prints it, else the first number the narrative quotes for it."""
        if subject in self.chosen and measure == "决算":
            chosen = self.chosen[subject]
            return Value(chosen.amount, chosen.bound, cell=chosen)
        ent = entity(subject)
        found = self.cells(subject, measure)
        if found and not (ent is not None and ent.any_of):
            return Value(found[0].amount, found[0].bound, cell=found[0])
        quoted = self.reading.quoted(subject, measure)
        return self.of(quoted[0]) if quoted else None

    @staticmethod
    def of(number: Number) -> Value:
        if number.kind == "amount":
            return Value(number.wan, number.half, number=number)
        return Value(number.value, number.half if number.kind == "percent" else Decimal(0), number=number)

    def parent(self, subject: str) -> Entity | None:
        ent = entity(subject)
        if subject in self.reading.items:
            item = self.reading.items[subject]
            return entity(f"类:{item.code}") if item.code else None
        return entity(ent.parent) if ent and ent.parent else None
