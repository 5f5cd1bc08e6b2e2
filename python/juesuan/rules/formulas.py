"""Built-in rules stated once, in the 审核公式 language: a catalogue rule's ``formula`` evaluated as identities.

The formula is the rule's only statement; the engine checks it like every other identity (the same tolerance,
the same localisation). A formula that sums columns on every row (``“本年支出合计”栏=“基本支出”栏+…``) becomes a
column-wise :class:`~.kinds.RowSums`, and ``“合计”行=({类})行`` the 合计 :class:`~.kinds.Hierarchy`, both over
exact integers, so they cost no more on 200,000 rows than on 38; any other formula is bound cell by cell (a few
cells each) through :func:`juesuan.formula.evaluate.comparisons`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ..formula.binding import BindError, NotApplicable, column_keys, table_kind
from ..formula.evaluate import Comparison, Term, comparisons
from ..formula.gongkai import GongkaiTable, formula_tables
from ..formula.syntax import BinOp, Expr, Formula, Neg, Ref, RowItem, parse_many
from .identities import Cell, Identity, IdentityList, IdentitySet, make_identity
from .kinds import Hierarchy, RowSums
from .model import Rule
from .registry import Tables, identity_kind

__all__: list[str] = []

_OPS = {"=": "=", "≤": "<="}


@lru_cache(maxsize=256)
def _parsed(text: str, rule_id: str) -> Formula:
    """A built-in rule's one formula (a syntax error in the catalogue raises, and the catalogue test fails)."""
    formulas, _ = parse_many(text, rule_id)
    if len(formulas) != 1:
        raise ValueError(f"内置规则 {rule_id} 应只有一个审核公式")
    return formulas[0]


def _signed(expr: Expr, sign: int = 1) -> Iterator[tuple[int, Ref]]:
    """The references of a sum or difference with their signs; ValueError for anything else."""
    if isinstance(expr, Ref):
        yield sign, expr
    elif isinstance(expr, Neg):
        yield from _signed(expr.operand, -sign)
    elif isinstance(expr, BinOp) and expr.op in "+-":
        yield from _signed(expr.left, sign)
        yield from _signed(expr.right, sign if expr.op == "+" else -sign)
    else:
        raise ValueError("不是各栏之和")


def _amount_key(view: GongkaiTable, ref: Ref) -> str | None:
    assert ref.column is not None
    named = column_keys(view, ref.column)
    keys = {view.amount_key(column) for column in view.columns() if column.key in named}
    return keys.pop() if len(keys) == 1 else None


def _row_sums(rule: Rule, formula: Formula, views: dict[str, GongkaiTable], tables: Tables) -> RowSums | None:
    """The formula as a column-wise row sum, when it is one: one table, every row, columns only, ±1."""
    if formula.condition is not None or formula.op != "=" or len(formula.terms) != 2:
        return None
    refs = formula.refs
    if any(ref.rows is not None or ref.column is None for ref in refs) or len({ref.table for ref in refs}) != 1:
        return None
    try:
        left, right = list(_signed(formula.terms[0])), list(_signed(formula.terms[1]))
    except ValueError:
        return None
    kind = table_kind(refs[0].table or "")
    if kind not in views:
        raise NotApplicable(f"工作簿中没有{kind}")
    view = views[kind]
    if len(left) != 1 or left[0][0] != 1:
        return None
    target = _amount_key(view, left[0][1])
    terms = [(sign, _amount_key(view, ref)) for sign, ref in right]
    if target is None or any(key is None for _, key in terms):
        return None
    return RowSums(rule, tables[kind], target, [(sign, key) for sign, key in terms if key is not None], side=None)


def _level_sum(rule: Rule, formula: Formula, views: dict[str, GongkaiTable], tables: Tables) -> Hierarchy | None:
    """``“合计”行=({类})行`` on a table whose 类 lines stand under that 合计 line: the 合计 hierarchy, column-wise."""
    if formula.condition is not None or formula.op != "=" or len(formula.terms) != 2:
        return None
    left, right = formula.terms
    if not (isinstance(left, Ref) and isinstance(right, Ref) and left.column is None and right.column is None
            and left.rows is not None and right.rows is not None and left.table == right.table):
        return None
    total_row = left.rows.parts[0] if len(left.rows.parts) == 1 else None
    if not (left.rows.mode == "one" and isinstance(total_row, RowItem) and total_row.kind == "label"
            and right.rows.mode == "sum" and right.rows.parts == (RowItem("level", "类"),)):
        return None
    kind = table_kind(left.table or "")
    table = tables.get(kind or "")
    if table is None:
        raise NotApplicable(f"工作簿中没有{kind}")
    total = table.line(str(total_row.value))
    if total is None or total.level != "合计" or not any(p == total.index for p in table.parents):
        return None
    return Hierarchy(rule, table, "合计")


def _cell(term: Term) -> Cell:
    view = term.table
    assert isinstance(view, GongkaiTable)
    return Cell(view.table, view.line(term.row), view.amount_key(term.column))


def _identity(rule: Rule, comparison: Comparison) -> Identity:
    if comparison.op not in _OPS or comparison.constant or comparison.target.coef != 1 or any(
            abs(t.coef) != 1 for t in comparison.terms):
        raise ValueError(f"内置规则 {rule.id} 的审核公式不是可核对的等式或“≤”关系")
    target = _cell(comparison.target)
    terms = [(int(t.coef), _cell(t)) for t in comparison.terms]
    flat = all(cell.table is target.table and cell.line is target.line for _, cell in terms)
    return make_identity(rule, target, terms, _OPS[comparison.op], flat)


@identity_kind("formula")
def formula_kind(rule: Rule, tables: Tables) -> list[IdentitySet]:
    assert rule.formula is not None
    formula = _parsed(rule.formula, rule.id)
    views = formula_tables(tables)
    if not all(ref.table for ref in formula.refs):
        raise ValueError(f"内置规则 {rule.id} 的每个引用都应写出表名")
    try:
        sums = _row_sums(rule, formula, views, tables) or _level_sum(rule, formula, views, tables)
        if sums is not None:
            return [sums]
        return [IdentityList(rule, [_identity(rule, c) for c in comparisons(formula, views)])]
    except (NotApplicable, BindError):
        # A table the rule needs is not in the workbook, or a table lacks the row or column it names (a region's
        # template without that line, a damaged label): the rule does not apply, as the kinds it replaced did.
        # The catalogue test holds every rule to bind on the sample, so a typo in a formula cannot hide here.
        return []
