"""From a bound formula to comparisons, and from a comparison to a finding.

A formula stands for one comparison per instance: per row of a row set (``1至8行``, ``{类}行``, or every row
when a reference names only its column) and per amount column when no 栏 is given. Each comparison reads
``c·target op Σ coef·cell + constant`` - the target being the first cell of the left-hand side, every other
cell moved to the right - and is judged exactly as the built-in rules are (:func:`judge`): differences within
尾数误差 are rounding warnings, others the rule's severity.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, NamedTuple

from ..findings import Finding, Severity
from ..grid import a1
from ..tolerance import rounding_bound
from .binding import (
    BindError,
    Cell,
    ColumnInfo,
    FormulaTable,
    NotApplicable,
    RowInfo,
    column_keys,
    column_of,
    label_of,
    rows_for,
    table_kind,
)
from .syntax import BinOp, Compare, Expr, Formula, Neg, Num, Ref

__all__ = ["Comparison", "Term", "comparisons", "judge"]

ZERO = Decimal(0)
ONE = Decimal(1)
_MIRROR = {"=": "=", "≠": "≠", "≥": "≤", "≤": "≥", ">": "<", "<": ">"}


class Term(NamedTuple):
    """One cell of a comparison with its coefficient (a tuple: comparisons are made by the thousand)."""

    coef: Decimal
    cell: Cell
    table: FormulaTable
    row: RowInfo
    column: ColumnInfo

    @property
    def value(self) -> Decimal:
        return self.cell.value if self.cell.value is not None else ZERO  # blanks count as zero, as printed


@dataclass
class Comparison:
    """``target.coef·target op Σ terms + constant``. ``walks_rows``/``walks_columns`` say whether the formula
    stands for several rows or columns, so that the message names this instance's (:meth:`where`)."""

    target: Term
    terms: list[Term]
    constant: Decimal
    op: str
    walks_rows: bool = False
    walks_columns: bool = False

    def difference(self) -> Decimal:
        """Left minus right."""
        return self.target.coef * self.target.value - sum((t.coef * t.value for t in self.terms), self.constant)

    def weight(self) -> Decimal:
        """k of the tolerance: 1 for the target, plus the rounded values behind every other cell. Cells of one
        row (a row identity) are each printed and rounded on their own: a non-zero one counts 1."""
        one_row = all(t.table is self.target.table and t.row == self.target.row for t in self.terms)
        return 1 + sum((abs(t.coef) * ((1 if t.value else 0) if one_row else t.cell.weight) for t in self.terms), ZERO)

    def where(self) -> str:
        """The row and column of this instance, for the message."""
        parts = []
        if self.walks_rows:
            row = self.target.row
            parts.append(f"{row.code} {label_of(row)}" if row.code else f"“{label_of(row)}”行")
        column = self.target.column
        if self.walks_columns and (column.number or column.words):
            parts.append(f"第 {column.number} 栏" if column.number else f"“{column.words[-1]}”栏")
        return "，".join(parts)


_BROKEN = {
    "=": lambda d: d != 0, "≠": lambda d: d == 0, "≥": lambda d: d < 0,
    "≤": lambda d: d > 0, ">": lambda d: d <= 0, "<": lambda d: d >= 0,
}


def judge(comparison: Comparison, *, rule: str, name: str, words: str, severity: Severity,
          rounding_severity: Severity = Severity.warning) -> Finding | None:
    """The finding of a broken comparison (``None`` when it holds), with the built-in rules' semantics: the
    target cell is marked, the other cells are ``related``, a difference within 尾数误差 is a rounding warning."""
    diff = comparison.difference()
    if not _BROKEN[comparison.op](diff):
        return None
    target = comparison.target
    tables = [target.table, *(t.table for t in comparison.terms)]
    bound = rounding_bound(1, target.table.decimals, any(t.exact for t in tables)) * comparison.weight()
    rounding = comparison.op != "≠" and abs(diff) <= bound
    if where := comparison.where():
        words = f"{words}（{where}）"
    message = f"尾数误差（差额在容差 ±{bound} 以内，多为金额单位换算四舍五入所致）：{words}" if rounding else f"{name}：{words}"
    return Finding(
        rule=rule,
        severity=rounding_severity if rounding else severity,
        sheet=target.cell.sheet,
        cell=a1(*target.cell.pos),
        expected=target.value - diff / target.coef,
        actual=target.cell.value,
        difference=diff / target.coef,
        message=message,
        related=[f"{t.cell.sheet}!{a1(*t.cell.pos)}" for t in comparison.terms],
        table=target.table.kind,
    )


# --- binding the references ------------------------------------------------------------------------------------


@dataclass
class _Bound:
    """A reference with its table and rows: ``one`` row, the ``sum`` of rows, or ``each`` row in turn (then
    ``var`` names the row sequence it walks, shared by references that walk the same rows). ``keys`` are the
    columns its 栏 names (``None``: every amount column, by position)."""

    ref: Ref
    table: FormulaTable
    mode: Literal["one", "sum", "each"]
    keys: frozenset[Hashable] | None
    rows: list[RowInfo] = field(default_factory=list)
    var: int | None = None
    _named: dict[str, ColumnInfo | None] = field(default_factory=dict)  # the named column in each block

    def column(self, row: RowInfo, position: int) -> ColumnInfo | None:
        if self.ref.column is not None and self.keys is not None:
            if row.block not in self._named:
                self._named[row.block] = column_of(self.table, self.ref.column, self.keys, row)
            return self._named[row.block]
        columns = self.table.amount_columns(row)
        return columns[position] if position < len(columns) else None


def _refs(expr: Expr) -> Iterator[Ref]:
    if isinstance(expr, Ref):
        yield expr
    elif isinstance(expr, Neg):
        yield from _refs(expr.operand)
    elif isinstance(expr, BinOp):
        yield from _refs(expr.left)
        yield from _refs(expr.right)


def _table(ref: Ref, tables: Mapping[str, FormulaTable]) -> FormulaTable:
    if ref.table is None:
        raise BindError(f"“{ref.text}”没有指明表：请在前面写上表名，如 [公开01]")
    kind = table_kind(ref.table)
    if kind is None:
        raise BindError(f"不认识的表名“{ref.table}”（可写 [公开01]、[公开01表] 或表名，如 [收入支出决算总表]）")
    if kind not in tables:
        raise NotApplicable(f"工作簿中没有{kind}")
    return tables[kind]


def _bind(formula: Formula, tables: Mapping[str, FormulaTable]) -> tuple[list[_Bound], list[list[RowInfo]]]:
    """Every reference bound, in the order written (chain first, then condition), and the row sequences walked."""
    attributes = formula.attributes()
    if attributes:
        raise NotApplicable(f"工作簿中没有封面属性“{'”“'.join(dict.fromkeys(attributes))}”")
    refs = [r for term in formula.terms for r in _refs(term)]
    if formula.condition is not None:
        refs += [r for conj in formula.condition.parts for p in conj.parts if isinstance(p, Compare)
                 for side in (p.left, p.right) for r in _refs(side)]
    walks: list[list[RowInfo]] = []
    bound: list[_Bound] = []
    for ref in refs:
        table = _table(ref, tables)
        keys = column_keys(table, ref.column) if ref.column is not None else None
        bound.append(_Bound(ref, table, ref.rows.mode if ref.rows else "each", keys))
    for b in bound:  # rows named
        if b.ref.rows is not None:
            b.rows = rows_for(b.table, b.ref.rows.parts)  # a range stays a pair: bounded by the table
            if b.mode == "each":
                b.var = len(walks)
                walks.append(b.rows)
    for b in bound:  # rows taken from the first reference to the same table that names them, else every row
        if b.ref.rows is not None:
            continue
        anchor = next((a for a in bound if a.table is b.table and (a.ref.rows is not None or a.var is not None)), None)
        if anchor is None:
            assert b.keys is not None  # a reference names a row or a column
            b.rows = [row for row in b.table.rows() if any(c.key in b.keys for c in b.table.amount_columns(row))]
            b.var = len(walks)
            walks.append(b.rows)
        else:
            b.mode, b.rows, b.var = anchor.mode, anchor.rows, anchor.var
    lengths = {len(w) for w in walks}
    if len(lengths) > 1:
        raise BindError(f"公式中逐行比较的各组行数不同（{'、'.join(map(str, sorted(lengths)))} 行），无法一一对应")
    return bound, walks


# --- evaluation --------------------------------------------------------------------------------------------------

#: A side of a comparison compiled once per formula: (coefficient, reference) pairs and a constant. Only linear
#: forms are supported: a product or quotient needs a constant on one side.
Template = tuple[list[tuple[Decimal, _Bound]], Decimal]


def _compile(expr: Expr, by_ref: Mapping[int, _Bound]) -> Template:
    if isinstance(expr, Num):
        return [], expr.value
    if isinstance(expr, Ref):
        return [(ONE, by_ref[id(expr)])], ZERO
    if isinstance(expr, Neg):
        return _scaled(_compile(expr.operand, by_ref), Decimal(-1))
    (lt, lc), (rt, rc) = _compile(expr.left, by_ref), _compile(expr.right, by_ref)
    if expr.op in "+-":
        sign = ONE if expr.op == "+" else Decimal(-1)
        return lt + [(sign * k, b) for k, b in rt], lc + sign * rc
    if expr.op == "*" and not (lt and rt):
        return _scaled((rt, rc), lc) if not lt else _scaled((lt, lc), rc)
    if expr.op == "/" and not rt:
        if rc == 0:
            raise BindError("公式中除数为 0")
        return _scaled((lt, lc), 1 / rc)
    raise BindError("公式中两个单元格相乘或以单元格作除数，暂不支持（可改写为乘以常数的形式）")


def _scaled(template: Template, factor: Decimal) -> Template:
    terms, constant = template
    return [(k * factor, b) for k, b in terms], constant * factor


def _terms(template: Template, index: int, position: int) -> list[Term]:
    """The cells of a compiled side at one row index and column position; a row without the column adds none."""
    out = []
    for coef, b in template[0]:
        for row in [b.rows[index]] if b.mode == "each" else b.rows:
            column = b.column(row, position)
            cell = b.table.cell(row, column) if column is not None else None
            if cell is not None and column is not None:
                out.append(Term(coef, cell, b.table, row, column))
    return out


def _value(template: Template, index: int, position: int) -> Decimal:
    return sum((t.coef * t.value for t in _terms(template, index, position)), template[1])


def comparisons(formula: Formula, tables: Mapping[str, FormulaTable]) -> list[Comparison]:
    """Every comparison the formula stands for in this workbook. Raises :class:`NotApplicable` when the formula
    does not apply (a table or attribute it names is missing) and :class:`BindError` when a reference names no
    cell; both before any comparison is made."""
    bound, walks = _bind(formula, tables)
    by_ref = {id(b.ref): b for b in bound}
    sides = [_compile(term, by_ref) for term in formula.terms]
    condition = [
        [(_compile(p.left, by_ref), p.op, _compile(p.right, by_ref)) for p in conj.parts if isinstance(p, Compare)]
        for conj in (formula.condition.parts if formula.condition is not None else ())
    ]
    count = len(walks[0]) if walks else 1
    free = next((b for b in bound if b.ref.column is None), None)  # its amount columns are walked
    out: list[Comparison] = []
    for index in range(count):
        positions = 1
        if free is not None:
            rows = [free.rows[index]] if free.mode == "each" else free.rows
            positions = len(free.table.amount_columns(rows[0])) if rows else 0
        for position in range(positions):
            if condition and not any(
                all(not _BROKEN[op](_value(left, index, position) - _value(right, index, position)) for left, op, right in conj)
                for conj in condition
            ):
                continue
            left = _terms(sides[0], index, position)
            for side in sides[1:]:
                comparison = _compare(left, sides[0][1], _terms(side, index, position), side[1], formula.op)
                if comparison is not None:
                    comparison.walks_rows, comparison.walks_columns = count > 1, positions > 1
                    out.append(comparison)
    return out


def _compare(left: list[Term], left_constant: Decimal, right: list[Term], right_constant: Decimal,
             op: str) -> Comparison | None:
    """``left op right`` with the first cell of the left side as target (sides swapped when the left has none)."""
    if not left:
        left, left_constant, right, right_constant, op = right, right_constant, left, left_constant, _MIRROR[op]
    if not left:
        return None  # no cell on either side in this instance (a row without that column)
    target, *rest = left
    terms = right + [t._replace(coef=-t.coef) for t in rest]
    return Comparison(target, terms, right_constant - left_constant, op)
