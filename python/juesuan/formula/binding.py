"""Binding formulas to recognised tables: the small protocol a table offers, and row/column lookup on top of it.

A table answers formulas through :class:`FormulaTable`: its rows and columns as plain records (printed 行次 and
栏次 where the table prints them, labels, 科目代码, header words) and its cells. Everything else - labels
normalised, paths such as ``“收入/总计”``, 类/款/项 by code length, ambiguity - is decided here, once, for every
implementation (today :mod:`juesuan.formula.gongkai` over :class:`juesuan.tables.Table`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, Protocol
from weakref import WeakKeyDictionary

from ..gongkai import TABLE_NAMES, title_kind
from ..grid import norm_text
from ..layout import clean_label
from .syntax import Column, RowPart, RowRange

__all__ = [
    "BindError",
    "Cell",
    "ColumnInfo",
    "FormulaTable",
    "NotApplicable",
    "RowInfo",
    "column_keys",
    "column_of",
    "label_of",
    "rows_for",
    "table_kind",
]

#: Code length of each level of the 功能分类 (3/5/7) and 经济分类 (3/5) codes.
LEVEL_LENGTH = {"类": 3, "款": 5, "项": 7}


class RowInfo(NamedTuple):
    """One data row (a tuple: a table of 200,000 lines makes as many). ``key`` identifies it to its table;
    ``number`` is the printed 行次 (``None`` where the table prints none); ``label`` the printed label; ``code``
    the 科目代码 (class lines of 公开01/04 too); ``block`` the block it sits in (``收入``/``支出`` in 公开01/04,
    empty in one-block tables)."""

    key: Hashable
    number: int | None
    label: str
    code: str | None
    block: str = ""


@dataclass(frozen=True)
class ColumnInfo:
    """One amount column: ``number`` the printed 栏次 (``None`` where there is no 栏次 row), ``words`` its header
    words from top to bottom as printed, normalised (``("决算数", "公务用车购置及运行维护费", "小计")``), and
    ``standard`` the words the published template prints for the column recognised here (a 公开05 column
    printed 合计 is the template's 小计; a 三公 column nested item over stage, or spelled 公务用车运行费, still
    reads ``("决算数", "公务用车购置及运行维护费", "公务用车运行维护费")``), so one formula fits every layout."""

    key: Hashable
    number: int | None
    words: tuple[str, ...]
    standard: tuple[str, ...] = ()


class Cell(NamedTuple):
    """One amount cell: where it is, its value (``None`` = blank) and ``weight``, the number of rounded values
    behind it (its non-zero leaves within its block and column: a 类 over 16 non-zero 项 weighs 16, a zero leaf
    0), which sets the rounding tolerance."""

    sheet: str
    pos: tuple[int, int]
    value: Decimal | None
    weight: int


class FormulaTable(Protocol):
    """What a recognised table offers to formulas. ``rows()`` are in 行次 order, block by block (the 收入 block
    before the 支出 block); ``amount_columns(row)`` are the columns the row has, left to right - the same for
    every row of a block; ``cell`` is ``None`` when the row has no such column. ``decimals`` and ``exact`` (元
    tables) set the tolerance."""

    kind: str
    title: str
    decimals: int
    exact: bool

    def rows(self) -> Sequence[RowInfo]: ...

    def columns(self) -> Sequence[ColumnInfo]: ...

    def amount_columns(self, row: RowInfo) -> Sequence[ColumnInfo]: ...

    def cell(self, row: RowInfo, column: ColumnInfo) -> Cell | None: ...


class BindError(ValueError):
    """A reference that does not name a cell of the workbook's table (no such row, an ambiguous label …)."""


class NotApplicable(ValueError):
    """A formula that cannot apply to this workbook (a table it names is missing, an attribute it asks about is
    not in the workbook); said once as info, not an error."""


def table_kind(name: str) -> str | None:
    """``公开01`` for ``公开01``, ``公开01表``, ``收入支出决算总表`` or any title the recogniser accepts; ``None``
    for a name that is no 公开 table."""
    text = norm_text(name).upper().removesuffix("表")
    for kind, title in TABLE_NAMES.items():
        if text in (kind, title.removesuffix("表")):
            return kind
    return title_kind(norm_text(name))


def label_of(row: RowInfo) -> str:
    """A row's label as formulas compare it: normalised, without ordinal (``五、``) or trailing note."""
    return clean_label(norm_text(row.label))


# --- rows ----------------------------------------------------------------------------------------------------


def _path(text: str) -> list[str]:
    return [clean_label(part) for part in norm_text(text).split("/")]


#: Per table (weakly held): its rows' positions by label, its rows by 行次, and the columns each column spec
#: names - all asked by many formulas of one check, built once.
_LABELS: WeakKeyDictionary[FormulaTable, dict[str, list[int]]] = WeakKeyDictionary()
_NUMBERS: WeakKeyDictionary[FormulaTable, _Numbers] = WeakKeyDictionary()
_COLUMNS: WeakKeyDictionary[FormulaTable, dict[Column, frozenset[Hashable]]] = WeakKeyDictionary()


def _labels(table: FormulaTable) -> dict[str, list[int]]:
    index = _LABELS.get(table)
    if index is None:
        index = {}
        for position, row in enumerate(table.rows()):
            index.setdefault(label_of(row), []).append(position)
        _LABELS[table] = index
    return index


class _Numbers(NamedTuple):
    """A table's printed 行次: the first row printing each (in row order, as a lookup row by row would find it)
    and the 行次 in ascending order, so a range is found by bisection whatever its written length."""

    first: dict[int, RowInfo]
    ascending: list[int]


def _numbers(table: FormulaTable) -> _Numbers:
    index = _NUMBERS.get(table)
    if index is None:
        first: dict[int, RowInfo] = {}
        for row in table.rows():
            if row.number is not None:
                first.setdefault(row.number, row)
        index = _NUMBERS[table] = _Numbers(first, sorted(first))
    return index


def _by_label(table: FormulaTable, rows: Sequence[RowInfo], text: str) -> RowInfo:
    """The row a label names. One word must name one row; ``A/B`` names the first row labelled B in block A or
    after the row labelled A (``“收入/总计”``, ``“年初财政拨款结转和结余/一般公共预算财政拨款”``)."""
    *anchors, leaf = _path(text)
    index = _labels(table)
    blocks = {r.block for r in rows}
    start, block = 0, None
    for anchor in anchors:
        if anchor in blocks and block is None:
            block = anchor
            continue
        at = next((p for p in index.get(anchor, ()) if p >= start and block in (None, rows[p].block)), None)
        if at is None:
            raise BindError(f"{table.kind}中没有“{anchor}”行")
        start, block = at + 1, rows[at].block
    found = [rows[p] for p in index.get(leaf, ()) if p >= start and block in (None, rows[p].block)]
    if not found:
        raise BindError(f"{table.kind}中没有“{text}”行")
    if len(found) > 1 and not anchors:
        where = "、".join(f"{r.block}第 {r.number} 行" if r.number else r.block or "另一行" for r in found)
        raise BindError(f"{table.kind}中有 {len(found)} 行“{text}”（{where}），请写成“收入/{leaf}”或“上级行名/{leaf}”，或用行次")
    return found[0]


def _item_rows(table: FormulaTable, rows: Sequence[RowInfo], item: RowPart) -> list[RowInfo]:
    if isinstance(item, RowRange):
        return _range_rows(table, item)
    if item.kind == "label":
        return [_by_label(table, rows, str(item.value))]
    if item.kind == "level":
        return [r for r in rows if r.code and len(r.code) == LEVEL_LENGTH[str(item.value)]]
    if item.kind == "code":
        found = [r for r in rows if r.code == item.value]
        if not found:
            raise BindError(f"{table.kind}中没有科目 {item.value}")
        return found[:1]
    first, ascending = _numbers(table)
    row = first.get(item.value)  # type: ignore[call-overload]
    if row is not None:
        return [row]
    if not any(ascending):
        raise BindError(f"{table.kind}没有印出行次，请用行名（如“合计”行）或科目代码（如 {{205}}行）")
    raise BindError(f"{table.kind}中没有第 {item.value} 行")


def _range_rows(table: FormulaTable, span: RowRange) -> list[RowInfo]:
    """The rows whose 行次 lies in the span, ascending: the 行次 the table has, never every number written (a
    行次 the table lacks is a blank placeholder line and is left out)."""
    first, ascending = _numbers(table)
    if not any(ascending):
        raise BindError(f"{table.kind}没有印出行次，请用行名（如“合计”行）或科目代码（如 {{205}}行）")
    lo, hi = bisect_left(ascending, span.start), bisect_right(ascending, span.end)
    return [first[n] for n in ascending[lo:hi]]


def rows_for(table: FormulaTable, items: Iterable[RowPart]) -> list[RowInfo]:
    """The rows a reference lists (its :attr:`Rows.parts`, a range's inside as one :class:`RowRange`), in the
    order written. A 行次 inside a range (``1至8行``, ``(1+2+…+8)行``) that the table lacks is a blank
    placeholder line and is left out; the ends of a range must exist. The work is bounded by the table's rows
    and the parts written, not by the length of a range."""
    rows = table.rows()
    return [row for item in items for row in _item_rows(table, rows, item)]


# --- columns -------------------------------------------------------------------------------------------------


def _matches(column: ColumnInfo, path: list[str]) -> bool:
    """The path's last word is the column's lowest header word and the others stand above it, as printed or as
    the template prints them."""
    *groups, leaf = path
    return any(words and words[-1] == leaf and all(g in words[:-1] for g in groups)
               for words in (column.words, column.standard))


def _what(spec: Column) -> str:
    return f"第 {spec.value} 栏" if spec.kind == "number" else f"“{spec.value}”栏"


def column_keys(table: FormulaTable, spec: Column) -> frozenset[Hashable]:
    """The keys of every column ``spec`` names, in any block (公开01's 决算数 is one column in the 收入 block and
    one in the 支出 block; :func:`column_of` picks a row's own). Raises BindError when there is none."""
    known = _COLUMNS.setdefault(table, {})
    if spec not in known:
        known[spec] = _column_keys(table, spec)
    return known[spec]


def _column_keys(table: FormulaTable, spec: Column) -> frozenset[Hashable]:
    columns = table.columns()
    if spec.kind == "number":
        found = [c for c in columns if c.number == spec.value]
        if not found and not any(c.number for c in columns):
            raise BindError(f"{table.kind}没有印出栏次，请用栏名（如“基本支出”栏）")
    else:
        path = _path(str(spec.value))
        found = [c for c in columns if _matches(c, path)]
    if not found:
        raise BindError(f"{table.kind}没有{_what(spec)}")
    return frozenset(c.key for c in found)


def column_of(table: FormulaTable, spec: Column, keys: frozenset[Hashable], row: RowInfo) -> ColumnInfo | None:
    """The row's own column among ``keys`` (``None`` when the row has none of them)."""
    found = [c for c in table.amount_columns(row) if c.key in keys]
    if len(found) > 1:
        raise BindError(f"{table.kind}中有 {len(found)} 个{_what(spec)}，请写出上级栏名（如“决算数/合计”）或用栏次")
    return found[0] if found else None
