"""The registered rule kinds. An identity kind turns one catalogue rule plus the recognised tables into an
:class:`~.identities.IdentitySet`; a check kind yields findings directly (names, codes, values).

A kind knows *how* to check (a sum, a hierarchy, a match by code); the catalogue says *what* to check.
Row sums and hierarchy sums run over whole columns of exact integers; only the equations that do not hold
become objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from ..findings import Finding
from ..gongkai.tables import Line, Table
from ..grid import a1
from ..layout import clean_label
from ..textwidth import clip
from .identities import Cell, CellKey, Identity, IdentityList, IdentitySet, make_identity
from .model import Rule
from .registry import CHECK_KINDS, CheckKind, Tables, check_kind, identity_kind

__all__ = ["describe", "finding_of"]

ZERO = Decimal(0)
WORDS_MAX = 6  # terms spelled out in a message; longer sums name the non-zero ones


# --- references ---------------------------------------------------------------------------------------------


def _split(spec: str) -> tuple[int, str | None, str, str | None]:
    """``-公开01|E:本年支出合计@决算数`` → (−1, 公开01, E:本年支出合计, 决算数)."""
    sign = -1 if spec.startswith("-") else 1
    spec = spec.lstrip("-")
    table, _, rest = spec.rpartition("|")
    ref, _, column = rest.partition("@")
    return sign, table or None, ref, column or None


def _lines(table: Table, ref: str) -> list[Line]:
    if ref.endswith("*"):
        side, _, level = ref[:-1].rpartition(":")
        return [ln for ln in table.lines if ln.level == level and ln.code and ln.block.side == side]
    line = table.line(ref)
    return [line] if line else []


def _resolve(spec: str, tables: Tables, default_table: str | None, column: str | None) -> list[tuple[int, Cell]] | None:
    """Signed cells for a reference; ``None`` when its table is not in the workbook (the identity is skipped)."""
    sign, table_kind, ref, col = _split(spec)
    table = tables.get(table_kind or default_table or "")
    if table is None:
        return None
    col = col or column
    return [(sign, Cell(table, ln, col)) for ln in _lines(table, ref) if col in ln.block.columns]


# --- identity kinds -------------------------------------------------------------------------------------------


class _ColumnSet:
    """Shared by the column-wise sets: which line and column a cell key is, in this set's table."""

    def __init__(self, rule: Rule, table: Table) -> None:
        self.rule = rule
        self.table = table

    def _locate(self, key: CellKey) -> tuple[Line, str] | None:
        sheet, row, col = key
        if sheet != self.table.sheet:
            return None
        for line in self.table.lines_at(row):
            for column, c in line.block.columns.items():
                if c == col:
                    return line, column
        return None


class RowSums(_ColumnSet):
    """``target = Σ ±terms`` on every line of a table (or of one side), computed column by column."""

    def __init__(self, rule: Rule, table: Table, target: str, terms: list[tuple[int, str]], side: str | None) -> None:
        super().__init__(rule, table)
        self.target, self.terms, self.side = target, terms, side
        units = table.units
        diff = list(units[target])
        for sign, column in terms:
            part = units.get(column)
            if part is not None:
                diff = [d - p for d, p in zip(diff, part)] if sign > 0 else [d + p for d, p in zip(diff, part)]
        self._diff = diff
        whole = side is None and all(target in block.columns for block in table.blocks)
        self._count = len(table.lines) if whole else sum(1 for line in table.lines if self._applies(line))

    def _applies(self, line: Line) -> bool:
        return (self.side is None or line.side == self.side) and self.target in line.block.columns

    def _identity(self, line: Line) -> Identity:
        terms = [(sign, Cell(self.table, line, column)) for sign, column in self.terms if column in line.block.columns]
        return make_identity(self.rule, Cell(self.table, line, self.target), terms, flat=True)

    def broken(self) -> Iterable[Identity]:
        lines = self.table.lines
        return [self._identity(lines[i]) for i, d in enumerate(self._diff) if d and self._applies(lines[i])]

    def containing(self, key: CellKey) -> Iterable[Identity]:
        found = self._locate(key)
        if found is None:
            return []
        line, column = found
        if not self._applies(line) or (column != self.target and column not in {c for _, c in self.terms}):
            return []
        return [self._identity(line)]

    def __len__(self) -> int:
        return self._count


class Hierarchy(_ColumnSet):
    """``parent = Σ children`` in every amount column, for the parents of one level (合计, 类 or 款)."""

    def __init__(self, rule: Rule, table: Table, level: str) -> None:
        super().__init__(rule, table)
        self.level = level
        lines = table.lines
        self.parents = [p for p in table.children if lines[p].level == level]
        self._broken: list[tuple[int, str]] = []
        for column in table.columns:
            units, sums = table.units[column], table.child_sums(column)
            self._broken += [(p, column) for p in self.parents
                             if units[p] != sums[p] and column in lines[p].block.columns]
        self._count = sum(len(lines[p].block.columns) for p in self.parents)

    def _identity(self, parent: int, column: str) -> Identity:
        table = self.table
        line = table.lines[parent]
        terms = [(1, Cell(table, table.lines[k], column)) for k in table.children[parent]
                 if column in table.lines[k].block.columns]
        return make_identity(self.rule, Cell(table, line, column), terms)

    def broken(self) -> Iterable[Identity]:
        return [self._identity(p, column) for p, column in self._broken]

    def containing(self, key: CellKey) -> Iterable[Identity]:
        found = self._locate(key)
        if found is None:
            return []
        line, column = found
        table = self.table
        out = []
        if line.level == self.level and line.index in table.children:
            out.append(self._identity(line.index, column))
        parent = table.parents[line.index]
        if parent >= 0 and table.lines[parent].level == self.level and column in table.lines[parent].block.columns:
            out.append(self._identity(parent, column))
        return out

    def __len__(self) -> int:
        return self._count


@identity_kind("hierarchy")
def hierarchy_kind(rule: Rule, tables: Tables) -> list[IdentitySet]:
    table = tables.get(rule.table or "")
    if table is None or rule.parent is None:
        return []
    return [Hierarchy(rule, table, rule.parent)]


@identity_kind("class_match")
def class_match_kind(rule: Rule, tables: Tables) -> list[IdentitySet]:
    """The class lines of 公开01/04 against the 类 rows of the detailed table, matched by code; a class line
    with no 类 row is compared with zero, a 类 row with no class line is reported by :func:`check_class_rows`."""
    assert rule.left and rule.right
    left = _resolve(rule.left, tables, None, None)
    right = _resolve(rule.right, tables, None, None) if left is not None else None
    if left is None or right is None:
        return []
    by_code = {cell.line.code: (sign, cell) for sign, cell in right}
    found = [make_identity(rule, cell, [by_code[cell.line.code]] if cell.line.code in by_code else [])
             for _, cell in left]
    return [IdentityList(rule, found)]


@identity_kind("subset")
def subset_kind(rule: Rule, tables: Tables) -> list[IdentitySet]:
    """Every code of the part tables (公开05/07/08) within the whole table (公开03), column by column:
    part + the other parts ≤ whole."""
    whole = tables.get(rule.whole or "")
    parts = [tables[p] for p in rule.parts if p in tables]
    if whole is None or not parts:
        return []
    found: list[Identity] = []
    seen: set[str] = set()
    for part in parts:
        for line in part.lines:
            if line.key in seen or not (line.code or line.level == "合计"):
                continue
            seen.add(line.key)
            whole_line = whole.line(line.key)
            if whole_line is None:
                continue
            others = [(p, p.line(line.key)) for p in parts if p is not part]
            for whole_col, part_col in rule.columns.items():
                if part_col not in line.block.columns or whole_col not in whole_line.block.columns:
                    continue
                terms = [(1, Cell(whole, whole_line, whole_col))]
                terms += [(-1, Cell(p, ln, part_col)) for p, ln in others if ln is not None and part_col in ln.block.columns]
                found.append(make_identity(rule, Cell(part, line, part_col), terms, "<="))
    return [IdentityList(rule, found)]


# --- findings of identities -------------------------------------------------------------------------------------


def _words(cell: Cell, with_table: bool, with_column: bool) -> str:
    line = cell.line
    name = clean_label(line.label) if line.side or not line.code else f"{line.code} {line.label}"
    text = f"{cell.table.kind}“{name}”" if with_table else f"“{name}”"
    return f"{text}[{cell.column}]" if with_column else text


def describe(identity: Identity) -> str:
    """The identity in words: ``公开01“本年收入合计” = “一般公共预算财政拨款” + …``."""
    target, terms = identity.target, identity.terms
    tables = {target.table.kind} | {c.table.kind for _, c in terms}
    multi = len({target.column} | {c.column for _, c in terms}) > 1 or len(target.table.columns) > 1
    lhs = _words(target, len(tables) > 1, multi)
    shown = terms if len(terms) <= WORDS_MAX else [t for t in terms if t[1].units][:WORDS_MAX]
    rhs = "".join(
        f"{' − ' if sign < 0 else ' + ' if i else ''}{_words(cell, len(tables) > 1, multi)}" for i, (sign, cell) in enumerate(shown)
    ) or "0"
    if len(shown) < len(terms):
        nonzero = sum(1 for _, c in terms if c.units)
        rhs = f"{rhs}（共 {len(terms)} 项，其余为零）" if len(shown) == nonzero else f"{rhs} + ……（共 {len(terms)} 项）"
    return f"{lhs} {'≤' if identity.op == '<=' else '='} {rhs}"


def finding_of(identity: Identity) -> Finding:
    """A broken identity as a finding at its target cell: a rounding warning within tolerance, else the rule's
    severity; the terms are the related cells."""
    rule, target = identity.rule, identity.target
    words = describe(identity)
    if identity.rounding:
        message = f"尾数误差（差额在容差 ±{identity.bound} 以内，多为金额单位换算四舍五入所致）：{words}"
    else:
        message = f"{rule.name}：{words}"
    if rule.kind == "class_match" and not identity.terms:
        _, right_kind, _, _ = _split(rule.right or "")
        _, left_kind, _, _ = _split(rule.left or "")
        message = f"{rule.name}：{right_kind}中没有科目 {target.line.code}，而{left_kind}该行不为零"
    return Finding(
        rule=rule.id,
        severity=rule.rounding_severity if identity.rounding else rule.severity,
        sheet=target.table.sheet,
        cell=a1(*target.pos),
        expected=identity.computed,
        actual=target.raw,
        difference=identity.diff,
        message=message,
        related=[cell.table.qualified(cell.pos) for _, cell in identity.terms],
        table=target.table.kind,
    )


# --- check kinds ------------------------------------------------------------------------------------------------


@check_kind("class_match")
def check_class_rows(rule: Rule, tables: Tables) -> Iterator[Finding]:
    """A non-zero 类 row of the detailed table without a class line in the summary table."""
    assert rule.left and rule.right
    _, left_kind, _, _ = _split(rule.left)
    left = _resolve(rule.left, tables, None, None)
    right = _resolve(rule.right, tables, None, None) if left is not None else None
    if left is None or right is None:
        return
    codes = {cell.line.code for _, cell in left}
    for _, cell in right:
        if cell.line.code not in codes and cell.units:
            yield Finding(
                rule=rule.id, severity=rule.severity, sheet=cell.table.sheet, cell=a1(*cell.pos),
                actual=cell.raw, table=cell.table.kind,
                message=f"{rule.name}：{left_kind}中没有与科目 {cell.line.code} {cell.line.label} 对应的类级行",
            )


@check_kind("subset")
def check_subset_codes(rule: Rule, tables: Tables) -> Iterator[Finding]:
    """A code of a part table (公开05/07/08) that the whole table (公开03) does not list."""
    whole = tables.get(rule.whole or "")
    if whole is None:
        return
    for part in (tables[p] for p in rule.parts if p in tables):
        for line in part.lines:
            if line.code and whole.line(line.key) is None and any(part.value(line, c) for c in rule.columns.values()):
                yield Finding(rule=rule.id, severity=rule.severity, sheet=part.sheet, cell=a1(*line.anchor),
                              message=f"{rule.name}：{whole.kind}中没有科目 {line.key} {line.label}", table=part.kind)


_NO_DATA_WORDS = ("无数据", "没有", "不涉及", "无此")


@check_kind("empty_note")
def check_empty_note(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for name in rule.tables:
        table = tables.get(name)
        if table is None or any(any(column) for column in table.units.values()):
            continue
        if not any(w in note for note in table.notes for w in _NO_DATA_WORDS):
            yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*table.title_cell),
                          table=table.kind, message=f"{rule.name}（如“本部门本年度没有……，故本表无数据。”）")


def _issues(code: str) -> CheckKind:
    def check(rule: Rule, tables: Tables) -> Iterator[Finding]:
        for table in tables.values():
            for issue, pos, raw, value in table.issues:
                if issue == code:
                    yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*pos), table=table.kind,
                                  expected=value, message=f"{rule.name}：“{clip(str(raw))}”")
    return check


CHECK_KINDS["text_number"] = _issues("V01")
CHECK_KINDS["not_a_number"] = _issues("V02")


@check_kind("negative")
def check_negative(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for table in tables.values():
        for column, units in table.units.items():
            if not units or min(units) >= 0:
                continue
            for i, u in enumerate(units):
                if u < 0:
                    line = table.lines[i]
                    cell = Cell(table, line, column)
                    yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*cell.pos),
                                  table=table.kind, actual=cell.value, message=rule.name)

