"""Random faults injected into the real tables, the way accountants make them: a leaf amount mistyped (two
digits transposed, a digit dropped, ±1.00, ×10), a total mistyped, a change carried through one table's
chain of totals but not into the other tables, two 项 names swapped or one renamed, a code mistyped, a row
deleted. Each fault knows the cells it changed, so a harness can ask whether the checker found it and pointed
at it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from .build import Row, TableModel

__all__ = ["Change", "Fault", "random_fault"]

#: Tables whose rows carry 科目代码 with names (where names and codes can be mistyped).
_CODED = ("公开02", "公开03", "公开05")
_MUTATIONS = ("transpose", "drop", "plus_one", "minus_one", "times_ten")


@dataclass(frozen=True, eq=False)
class Change:
    """One changed cell: an amount (``column``), or the 科目名称 / 科目代码 of a row (``column`` = name/code).
    ``row`` is the row itself (some rows, as 公开09's, have neither code nor name)."""

    table: str
    row: Row
    column: str


@dataclass
class Fault:
    """A fault applied to a copy of the tables: what was done and which cells changed (``single`` when exactly
    one cell changed, the faults whose suspect cell a checker should name)."""

    kind: str
    description: str
    changes: list[Change] = field(default_factory=list)
    deleted: Change | None = None

    @property
    def single(self) -> bool:
        return len(self.changes) == 1 and self.deleted is None and self.changes[0].column not in ("name", "code")


def _mutate(value: Decimal, how: str, rng: random.Random) -> Decimal | None:
    """The value as mistyped, or None when this mutation leaves it unchanged."""
    text = f"{value:.2f}"
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if how == "transpose":
        pairs = [(a, b) for a, b in zip(digits, digits[1:]) if b == a + 1 and text[a] != text[b]]
        if not pairs:
            return None
        a, b = rng.choice(pairs)
        text = text[:a] + text[b] + text[a] + text[b + 1:]
    elif how == "drop":
        if len(digits) < 4:
            return None
        i = rng.choice(digits[:-2])  # an integer digit: the printed decimals stay two
        text = text[:i] + text[i + 1:]
    elif how == "times_ten":
        return value * 10 if value else None
    else:
        return value + (1 if how == "plus_one" else -1)
    new = Decimal(text if text not in ("", ".") else "0")
    return new if new != value else None


def _amount_cells(table: TableModel, totals: bool) -> list[tuple[int, Row, str]]:
    """(block, row, column) of every amount: leaves (lines without children) or totals (合计, 类, 款, 总计 …)."""
    codes = {row.code for blk in table.blocks for row in blk.rows if row.code}
    parents = {c[:n] for c in codes for n in (3, 5) if len(c) > n}
    out = []
    for b, blk in enumerate(table.blocks):
        for row in blk.all_rows():
            if not any(row.values.get(c) is not None for c in blk.columns):
                continue
            is_total = (row.code in parents) if row.code else ("合计" in row.name or "总计" in row.name)
            if is_total == totals:
                out += [(b, row, c) for c in blk.columns if row.values.get(c) is not None]
    return out


def _amount_fault(tables: dict[str, TableModel], rng: random.Random, totals: bool) -> Fault | None:
    kind = rng.choice(sorted(tables))
    cells = _amount_cells(tables[kind], totals)
    if not cells:
        return None
    _, row, column = rng.choice(cells)
    how = rng.choice(_MUTATIONS)
    old = row.values[column]
    assert old is not None
    new = _mutate(old, how, rng)
    if new is None:
        return None
    row.values[column] = new
    what = "total" if totals else "leaf"
    return Fault(what, f"{kind} {row.code or row.name} {column}: {old} → {new} ({how})", [Change(kind, row, column)])


def _chain_fault(tables: dict[str, TableModel], rng: random.Random) -> Fault | None:
    """A 公开05 项 changed together with its 款, 类 and 合计 and its row total: the table stays balanced and
    disagrees with 公开03/04/06."""
    table = tables["公开05"]
    blk = table.blocks[0]
    items = [row for row in blk.rows if len(row.code) == 7]
    row = rng.choice(items)
    column = rng.choice(["本年支出.基本支出", "本年支出.项目支出"])
    delta = Decimal(rng.choice([1, 10, 100])) * rng.choice([1, -1])
    changed = []
    for key in (row.code, row.code[:5], row.code[:3], "合计"):
        target = table.row(key)
        for col in (column, "本年支出.小计"):
            target.values[col] = (target.values[col] or 0) + delta
            changed.append(Change("公开05", target, col))
    return Fault("chain", f"公开05 {row.code} {column} 及其上级与小计同改 {delta}", changed)


def _name_fault(tables: dict[str, TableModel], rng: random.Random, swap: bool) -> Fault | None:
    kind = rng.choice(_CODED)
    items = [row for row in tables[kind].blocks[0].rows if len(row.code) == 7]
    if swap:
        siblings = [(a, b) for a, b in zip(items, items[1:]) if a.code[:5] == b.code[:5] and a.name != b.name]
        if not siblings:
            return None
        a, b = rng.choice(siblings)
        a.name, b.name = b.name, a.name
        return Fault("name_swap", f"{kind} {a.code}/{b.code} 名称互换", [Change(kind, a, "name"), Change(kind, b, "name")])
    row = rng.choice(items)
    row.name = row.name + "支出" if not row.name.endswith("支出") else row.name[:-2]
    return Fault("name", f"{kind} {row.code} 名称改为 {row.name}", [Change(kind, row, "name")])


def _code_fault(tables: dict[str, TableModel], rng: random.Random) -> Fault | None:
    kind = rng.choice(_CODED)
    items = [row for row in tables[kind].blocks[0].rows if len(row.code) == 7 and row.code[-1] != row.code[-2]]
    codes = {row.code for row in tables[kind].blocks[0].rows}
    row = rng.choice(items)
    new = row.code[:-2] + row.code[-1] + row.code[-2]
    if new in codes:
        return None
    old, row.code = row.code, new
    return Fault("code", f"{kind} 科目代码 {old} → {new}", [Change(kind, row, "code")])


def _delete_fault(tables: dict[str, TableModel], rng: random.Random) -> Fault | None:
    kind = rng.choice(_CODED)
    items = [row for row in tables[kind].blocks[0].rows if len(row.code) == 7 and any(row.values.values())]
    row = rng.choice(items)
    tables[kind].delete(row.code)
    return Fault("deleted", f"{kind} 删除 {row.code} {row.name}", deleted=Change(kind, tables[kind].row(row.code[:5]), "code"))


#: Fault kinds and how often each is drawn.
KINDS = {"leaf": 6, "total": 3, "chain": 1, "name": 1, "name_swap": 1, "code": 1, "deleted": 1}


def random_fault(tables: dict[str, TableModel], rng: random.Random, kind: str | None = None) -> Fault:
    """Apply one random fault of ``kind`` (drawn by weight when None) to ``tables`` in place."""
    while True:
        chosen = kind or rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
        fault = {
            "leaf": lambda: _amount_fault(tables, rng, totals=False),
            "total": lambda: _amount_fault(tables, rng, totals=True),
            "chain": lambda: _chain_fault(tables, rng),
            "name": lambda: _name_fault(tables, rng, swap=False),
            "name_swap": lambda: _name_fault(tables, rng, swap=True),
            "code": lambda: _code_fault(tables, rng),
            "deleted": lambda: _delete_fault(tables, rng),
        }[chosen]()
        if fault is not None:
            return fault
