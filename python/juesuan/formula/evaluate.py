"""From a bound formula to comparisons, and from a comparison to a finding.

A formula stands for one comparison per instance: per row of a row set (``1至8行``, ``{类}行``, or every row
when a reference names only its column) and per amount column when no 栏 is given. Each comparison reads
``c·target op Σ coef·cell + constant`` - the target being the first cell of the left-hand side, every other
cell moved to the right - and is judged exactly as the built-in rules are (:func:`judge`): differences within
尾数误差 are rounding warnings, others the rule's severity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ..findings import Finding, Severity
from ..grid import a1
from ..recognise import clean_label
from ..tolerance import rounding_bound
from .binding import BindError, Cell, ColumnInfo, FormulaTable, NotApplicable, RowInfo, columns_for, rows_for, table_kind
from .syntax import BinOp, Compare, Expr, Formula, Neg, Num, Ref

__all__ = ["Comparison", "Term", "comparisons", "judge"]

ZERO = Decimal(0)
_MIRROR = {"=": "=", "≠": "≠", "≥": "≤", "≤": "≥", ">": "<", "<": ">"}


@dataclass(frozen=True)
class Term:
    """One cell of a comparison with its coefficient."""

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
    """``target.coef·target op Σ terms + constant``; ``where`` names the row/column of this instance."""

    target: Term
    terms: list[Term]
    constant: Decimal
    op: str
    where: str = ""

    def difference(self) -> Decimal:
        """Left minus right."""
        return self.target.coef * self.target.value - sum((t.coef * t.value for t in self.terms), self.constant)

    def weight(self) -> Decimal:
        """k of the tolerance: 1 for the target, plus the rounded values behind every other non-zero cell. Cells
        of one row (a row identity) are each printed and rounded on their own and count 1."""
        one_row = all(t.table is self.target.table and t.row == self.target.row for t in self.terms)
        return 1 + sum((abs(t.coef) * (1 if one_row else t.cell.weight) for t in self.terms if t.value), ZERO)


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
    if comparison.where:
        words = f"{words}（{comparison.where}）"
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
    ``var`` names the row sequence it walks, shared by references that walk the same rows)."""

    ref: Ref
    table: FormulaTable
    mode: Literal["one", "sum", "each"]
    rows: list[RowInfo] = field(default_factory=list)
    var: int | None = None


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


def _has_column(table: FormulaTable, ref: Ref, row: RowInfo) -> bool:
    assert ref.column is not None
    try:
        columns_for(table, ref.column, row)
    except BindError:
        return False
    return True


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
    named: dict[int, _Bound] = {}
    for i, ref in enumerate(refs):
        table = _table(ref, tables)
        if ref.column is not None:
            _any_column(table, ref)
        if ref.rows is not None:
            named[i] = _Bound(ref, table, ref.rows.mode, rows_for(table, ref.rows.items))
            if named[i].mode == "each":
                named[i].var = len(walks)
                walks.append(named[i].rows)
    bound: list[_Bound] = []
    for i, ref in enumerate(refs):
        if i in named:
            bound.append(named[i])
            continue
        table = _table(ref, tables)
        anchor = next((b for b in named.values() if b.table is table), None)
        anchor = anchor or next((b for b in bound if b.table is table and b.ref.rows is None), None)
        if anchor is None:  # no reference names rows of this table: every row that has the column, in turn
            anchor = _Bound(ref, table, "each", [row for row in table.rows() if _has_column(table, ref, row)], len(walks))
            walks.append(anchor.rows)
        bound.append(_Bound(ref, table, anchor.mode, anchor.rows, anchor.var))
    lengths = {len(w) for w in walks}
    if len(lengths) > 1:
        raise BindError(f"公式中逐行比较的各组行数不同（{'、'.join(map(str, sorted(lengths)))} 行），无法一一对应")
    return bound, walks


def _any_column(table: FormulaTable, ref: Ref) -> None:
    """A column named by its words must exist somewhere in the table (in each row's block it is checked again)."""
    assert ref.column is not None
    if not any(_has_column(table, ref, row) for row in table.rows()):
        columns_for(table, ref.column)  # raises the precise reason


# --- evaluation --------------------------------------------------------------------------------------------------


@dataclass
class _Linear:
    terms: list[Term]
    constant: Decimal

    def scaled(self, factor: Decimal) -> "_Linear":
        return _Linear([Term(t.coef * factor, t.cell, t.table, t.row, t.column) for t in self.terms], self.constant * factor)

    def plus(self, other: "_Linear") -> "_Linear":
        return _Linear(self.terms + other.terms, self.constant + other.constant)

    def value(self) -> Decimal:
        return sum((t.coef * t.value for t in self.terms), self.constant)


class _Instance:
    """One row index of the walked sequences and one column position."""

    def __init__(self, bound: list[_Bound], index: int, position: int | None) -> None:
        self.by_ref = {id(b.ref): b for b in bound}
        self.index, self.position = index, position

    def rows(self, b: _Bound) -> list[RowInfo]:
        return [b.rows[self.index]] if b.mode == "each" else b.rows

    def column(self, b: _Bound, row: RowInfo) -> ColumnInfo | None:
        if b.ref.column is not None:
            return columns_for(b.table, b.ref.column, row)[0]
        columns = b.table.amount_columns(row)
        return columns[self.position or 0] if (self.position or 0) < len(columns) else None

    def linear(self, expr: Expr) -> _Linear:
        if isinstance(expr, Num):
            return _Linear([], expr.value)
        if isinstance(expr, Neg):
            return self.linear(expr.operand).scaled(Decimal(-1))
        if isinstance(expr, BinOp):
            left, right = self.linear(expr.left), self.linear(expr.right)
            if expr.op in "+-":
                return left.plus(right.scaled(Decimal(1 if expr.op == "+" else -1)))
            if expr.op == "*" and (not left.terms or not right.terms):
                return right.scaled(left.constant) if not left.terms else left.scaled(right.constant)
            if expr.op == "/" and not right.terms:
                if right.constant == 0:
                    raise BindError("公式中除数为 0")
                return left.scaled(1 / right.constant)
            raise BindError("公式中两个单元格相乘或以单元格作除数，暂不支持（可改写为乘以常数的形式）")
        b = self.by_ref[id(expr)]
        terms = []
        for row in self.rows(b):
            column = self.column(b, row)
            cell = b.table.cell(row, column) if column is not None else None
            if cell is not None and column is not None:
                terms.append(Term(Decimal(1), cell, b.table, row, column))
        return _Linear(terms, ZERO)

    def holds(self, formula: Formula) -> bool:
        """The condition of ``如果 …，则`` for this instance (exact, no tolerance)."""
        if formula.condition is None:
            return True
        return any(
            all(not _BROKEN[p.op](self.linear(p.left).value() - self.linear(p.right).value())
                for p in conj.parts if isinstance(p, Compare))
            for conj in formula.condition.parts
        )


def _first_free(bound: list[_Bound]) -> _Bound | None:
    """The reference whose amount columns are walked when no 栏 is given: the first one without a column."""
    return next((b for b in bound if b.ref.column is None), None)


def _where(target: Term, walks_rows: bool, walks_columns: bool) -> str:
    """The row and column of one instance, for the message."""
    parts = []
    if walks_rows:
        row = target.row
        parts.append(f"{row.code} {clean_label(row.label)}" if row.code else f"“{clean_label(row.label)}”行")
    if walks_columns:
        column = target.column
        parts.append(f"第 {column.number} 栏" if column.number else f"“{column.words[-1]}”栏" if column.words else "")
    return "，".join(p for p in parts if p)


def comparisons(formula: Formula, tables: Mapping[str, FormulaTable]) -> list[Comparison]:
    """Every comparison the formula stands for in this workbook. Raises :class:`NotApplicable` when the formula
    does not apply (a table or attribute it names is missing) and :class:`BindError` when a reference names no
    cell; both before any comparison is made."""
    bound, walks = _bind(formula, tables)
    count = len(walks[0]) if walks else 1
    free = _first_free(bound)
    out: list[Comparison] = []
    for index in range(count):
        positions: list[int | None] = [None]
        if free is not None:
            rows = _Instance(bound, index, None).rows(free)
            positions = list(range(len(free.table.amount_columns(rows[0])))) if rows else []
        for position in positions:
            instance = _Instance(bound, index, position)
            if not instance.holds(formula):
                continue
            left = instance.linear(formula.terms[0])
            for expr in formula.terms[1:]:
                out.extend(_compare(left, instance.linear(expr), formula.op, count > 1, len(positions) > 1))
    return out


def _compare(left: _Linear, right: _Linear, op: str, walks_rows: bool, walks_columns: bool) -> list[Comparison]:
    if not left.terms:
        left, right, op = right, left, _MIRROR[op]
    if not left.terms:
        return []  # no cell on either side in this instance (a row without that column)
    target, *rest = left.terms
    terms = right.terms + [Term(-t.coef, t.cell, t.table, t.row, t.column) for t in rest]
    where = _where(target, walks_rows, walks_columns)
    return [Comparison(target, terms, right.constant - left.constant, op, where)]
