"""Identities as data: every equation a rule stands for, evaluated, holding or not.

A rule of an identity kind (a sum, a row sum, a hierarchy, a cross-table match) yields an
:class:`IdentitySet`. Sets over whole columns keep their equations as columns of integers and make an
:class:`Identity` object only when asked - for the equations that do not hold (they become findings) and for
the ones a suspect cell takes part in (localisation asks whether correcting the cell would break them).
Small sets (a handful of cross-table equalities) simply hold their identities in a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ..gongkai.tables import Line, Table
from ..tolerance import rounding_bound
from .model import Rule

__all__ = ["Cell", "CellKey", "Identity", "IdentityList", "IdentitySet", "cell_key", "make_identity"]

ZERO = Decimal(0)
CellKey = tuple[str, int, int]  # (sheet, row, col): one cell of the workbook


@dataclass(frozen=True, slots=True, eq=False)
class Cell:
    """One amount cell of a recognised table."""

    table: Table
    line: Line
    column: str

    @property
    def pos(self) -> tuple[int, int]:
        return self.table.pos(self.line, self.column)

    @property
    def key(self) -> CellKey:
        row, col = self.pos
        return (self.table.sheet, row, col)

    @property
    def units(self) -> int:
        return self.table.units[self.column][self.line.index]

    @property
    def value(self) -> Decimal:
        """The amount (blank = 0)."""
        return self.table.amount(self.line, self.column)

    @property
    def raw(self) -> Decimal | None:
        """The printed amount, ``None`` for a blank cell."""
        return self.table.value(self.line, self.column)

    def weight(self, flat: bool) -> int:
        """Rounded values behind the cell: 1 for a non-zero cell printed on its own (``flat``, row identities),
        else the non-zero leaves below it in its own block and column."""
        if flat:
            return 1 if self.units else 0
        return self.table.weights(self.column)[self.line.index]


def cell_key(table: Table, line: Line, column: str) -> CellKey:
    row, col = table.pos(line, column)
    return (table.sheet, row, col)


@dataclass(slots=True, eq=False)
class Identity:
    """``target op Σ sign·term``, evaluated: ``diff`` = target − Σ, ``bound`` the largest pure-rounding gap.

    ``op`` is ``=`` or ``<=``. It is *broken* when the relation fails at all, *rounding* when it fails by no
    more than the bound (尾数误差), *failing* when it fails by more.
    """

    rule: Rule
    target: Cell
    terms: list[tuple[int, Cell]]
    op: str
    diff: Decimal
    bound: Decimal
    flat: bool = False

    @property
    def computed(self) -> Decimal:
        return self.target.value - self.diff

    @property
    def broken(self) -> bool:
        return self.diff > 0 if self.op == "<=" else self.diff != 0

    @property
    def rounding(self) -> bool:
        return self.broken and abs(self.diff) <= self.bound

    @property
    def failing(self) -> bool:
        return self.broken and abs(self.diff) > self.bound

    def cells(self) -> Iterator[Cell]:
        yield self.target
        for _, cell in self.terms:
            yield cell

    def coefficient(self, key: CellKey) -> int:
        """How the difference moves when the cell grows by one: +1 for the target, −sign for a term (0 when the
        cell is not in the identity; a cell counted twice adds up)."""
        total = 1 if self.target.key == key else 0
        return total - sum(sign for sign, cell in self.terms if cell.key == key)

    def holds_after(self, key: CellKey, change: Decimal) -> bool:
        """Whether the identity holds (within tolerance) once the cell changes by ``change``."""
        diff = self.diff + self.coefficient(key) * change
        return diff <= self.bound if self.op == "<=" else abs(diff) <= self.bound


def make_identity(rule: Rule, target: Cell, terms: list[tuple[int, Cell]], op: str = "=", flat: bool = False) -> Identity:
    """Evaluate one identity exactly; the bound counts the target and the rounded values behind every term."""
    diff = target.value - sum((sign * cell.value for sign, cell in terms), ZERO)
    exact = target.table.exact or any(cell.table.exact for _, cell in terms)
    weight = 1 + sum(cell.weight(flat) for _, cell in terms)
    return Identity(rule, target, terms, op, diff, rounding_bound(weight, target.table.decimals, exact), flat)


class IdentitySet(Protocol):
    """The identities of one rule."""

    rule: Rule

    def broken(self) -> Iterable[Identity]:
        """Every identity that does not hold exactly (rounding gaps included)."""

    def containing(self, key: CellKey) -> Iterable[Identity]:
        """Every identity of the set in which the cell takes part."""

    def __len__(self) -> int:
        """How many identities were evaluated."""


class IdentityList:
    """A set small enough to keep whole: evaluated identities in a list."""

    def __init__(self, rule: Rule, identities: list[Identity]) -> None:
        self.rule = rule
        self.identities = identities
        self._by_cell: dict[CellKey, list[Identity]] | None = None

    def broken(self) -> Iterable[Identity]:
        return [i for i in self.identities if i.broken]

    def containing(self, key: CellKey) -> Iterable[Identity]:
        if self._by_cell is None:
            self._by_cell = {}
            for identity in self.identities:
                for cell in identity.cells():
                    self._by_cell.setdefault(cell.key, []).append(identity)
        return self._by_cell.get(key, [])

    def __len__(self) -> int:
        return len(self.identities)
