"""Header blocks: from a table's first header row down to the row above its first data row, with every merge's
extent, and each column's label path from top to bottom.

A printed header is a tree drawn with merged cells: ``本年支出`` spans ``小计 | 基本支出 | 项目支出``; ``预算数``
spans the 三公 items, or each item spans ``预算数 | 决算数``. Reading each column's path (``本年支出 > 基本支出``)
makes the nesting order irrelevant to whoever matches the columns, and reading the whole block - however many
rows it has, with or without a 栏次 row - is what keeps the lowest header row from being taken for data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..numbers import BLANK_MARKS, count
from .sheet import SheetIndex

__all__ = [
    "HeaderBlock",
    "HeaderColumn",
    "MAX_HEADER_ROWS",
    "clean_label",
    "header_block",
    "header_bottom",
    "is_data_row",
    "is_note",
    "is_number_row",
    "is_total_label",
]

#: Header blocks are at most this deep (the deepest real ones have four rows and a 栏次 row).
MAX_HEADER_ROWS = 8

_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)]?[、.．]")
_TRAILING_PAREN = re.compile(r"（[^（）]*）$")
_AMOUNT_TEXT = re.compile(r"^[-+−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
_CODE_TEXT = re.compile(r"^\d{3}(?:\d{2}){0,2}(?:$|[^\d年月])")
_TOTAL_WORDS = ("合计", "总计", "小计")


@lru_cache(maxsize=65536)
def clean_label(text: str) -> str:
    """A normalised label without its ordinal (``五、``), ``其中：``, leading dashes or a trailing note such as
    ``（含专用结余）`` - the form in which labels and header words are compared."""
    text = text.lstrip("-—－")
    text = _ORDINAL.sub("", text)
    if text.startswith("其中："):
        text = text[3:]
    return _TRAILING_PAREN.sub("", text) if not text.endswith("（境）") else text


def is_note(text: str) -> bool:
    """``注：…`` / ``说明：`` below a table starts its notes (but 注册…/注销… are ordinary labels)."""
    return (text.startswith("注") and not text.startswith(("注册", "注销"))) or text.startswith("说明：")


def is_total_label(text: str) -> bool:
    """合计 / 总计 / 小计, also 人员经费合计 and 合 计 spaced out (texts are normalised without spaces)."""
    return text.endswith(_TOTAL_WORDS) and len(text) <= 10


def is_number_row(texts: dict[int, str]) -> bool:
    """The 栏次 row: the word 栏次, or only the bare numbers 1, 2, 3 … (公开09)."""
    values = list(texts.values())
    if "栏次" in values:
        return True
    return len(values) >= 2 and [count(t) for t in values] == list(range(1, len(values) + 1))


def is_data_row(texts: dict[int, str]) -> bool:
    """A row that cannot belong to a header: it holds an amount (or a dash standing for one) or a 科目代码, a
    label with an ordinal (``一、…``), or nothing but a total label (a 合计 row of a table that prints no
    zeros)."""
    if not texts:
        return False
    for text in texts.values():
        if _AMOUNT_TEXT.match(text) or _CODE_TEXT.match(text) or _ORDINAL.match(text) or text in BLANK_MARKS:
            return True
    return len(texts) <= 2 and all(is_total_label(t) for t in texts.values())


def header_bottom(index: SheetIndex, top: int, limit: int | None = None) -> int:
    """The last header row of the block starting at ``top``: the 栏次 row when there is one; otherwise the
    last of the rows that hold only header words, stretched to the foot of any merge begun inside the block
    (a label merged over two rows whose second row is otherwise empty)."""
    stop = min(index.n_rows, limit if limit is not None else index.n_rows, top + MAX_HEADER_ROWS)
    bottom = top
    merged_to = max((m[2] for m in index.merges_from(top)), default=top)
    for r in range(top + 1, stop):
        texts = index.texts(r)
        if is_number_row(texts):
            return r
        if not texts:
            if r <= merged_to:
                bottom = r
                continue
            break
        if is_data_row(texts) or any(is_note(t) for t in texts.values()) or _total_under_label(index, top, r, texts):
            break
        bottom = r
        merged_to = max([merged_to, *(m[2] for m in index.merges_from(r))])
    return bottom


def _total_under_label(index: SheetIndex, top: int, row: int, texts: dict[int, str]) -> bool:
    """A total label (合计) standing under 科目名称 or 项目 is the 合计 data row, even when it shares its line
    with the 类 | 款 | 项 sub-header and prints no amounts."""
    return any(
        is_total_label(text) and any(index.header_text(r, col).endswith(("名称", "项目")) for r in range(top, row))
        for col, text in texts.items()
    )


@dataclass(frozen=True)
class HeaderColumn:
    """One column of a header block: its labels from the top row down (merged cells read in every column they
    span, repeats dropped, ``栏次`` and numbers left out) and its printed 栏次 number, if any."""

    col: int
    path: tuple[str, ...]
    number: int | None = None

    @property
    def leaf(self) -> str:
        return self.path[-1] if self.path else ""

    def has(self, *words: str) -> bool:
        """Whether any label of the path contains any of the words."""
        return any(w in label for label in self.path for w in words)


@dataclass(frozen=True)
class HeaderBlock:
    """The header of one table: rows ``top``..``bottom`` (the 栏次 row included), columns ``left``..``right``."""

    top: int
    bottom: int
    left: int
    right: int
    columns: tuple[HeaderColumn, ...]
    number_row: int | None
    words: frozenset[str]

    def column(self, col: int) -> HeaderColumn | None:
        return next((c for c in self.columns if c.col == col), None)

    def where(self, *words: str) -> list[HeaderColumn]:
        """Columns whose path mentions one of the words, left to right."""
        return [c for c in self.columns if c.has(*words)]

    def describe(self) -> str:
        """The header as a user reads it, for messages: each column's path joined by ``>``."""
        return "；".join(">".join(c.path) for c in self.columns if c.path)


def _continued(index: SheetIndex, row: int, col: int, own: dict[int, str], seen: dict[int, list[str]],
               label_rows: list[int], left: int) -> str:
    """The label an empty upper cell continues when a merge over it was undone: the nearest label on its left,
    provided that label heads a group (its own column has other labels below) and both columns lie under the
    same labels above. A label with nothing below it spans down, not right."""
    for c in range(col - 1, left - 1, -1):
        text = own[c]
        if text:
            if seen[c][: len(seen[col])] != seen[col]:  # column c has this row's label already
                return ""
            below = (index.header_text(r, c) for r in label_rows if r > row)
            return text if any(t and t != text for t in below) else ""
    return ""


def header_block(index: SheetIndex, top: int, bottom: int, left: int = 0, right: int | None = None) -> HeaderBlock:
    """Read the header rows ``top``..``bottom`` between columns ``left`` and ``right`` (default: the widest
    header row). An empty cell in an upper row belongs to the label on its left (a merge undone, or never made),
    so unmerged headers read like merged ones."""
    rows = list(range(top, bottom + 1))
    number_row = next((r for r in rows if is_number_row(index.texts(r))), None)
    label_rows = [r for r in rows if r != number_row]
    if right is None:
        right = max((max(index.texts(r), default=left) for r in rows), default=left)
        right = max([right, *(m[3] for r in rows for m in index.merges_from(r) if m[1] <= right)])
    leaf = label_rows[-1] if label_rows else top
    span = range(left, right + 1)
    seen: dict[int, list[str]] = {col: [] for col in span}  # each column's labels in the rows read so far
    words: set[str] = set()
    for r in label_rows:
        own = {col: index.header_text(r, col) for col in span}
        words.update(t for t in own.values() if t)
        for col in span:
            text = own[col] or (_continued(index, r, col, own, seen, label_rows, left) if r < leaf else "")
            seen[col].append(text)
    columns = []
    for col in span:
        path: list[str] = []
        for raw in seen[col]:
            text = clean_label(raw)
            if text and text != "栏次" and count(text) is None and (not path or path[-1] != text):
                path.append(text)
        number = index.text(number_row, col) if number_row is not None else ""
        columns.append(HeaderColumn(col, tuple(path), count(number)))
    return HeaderBlock(top, bottom, left, right, tuple(columns), number_row, frozenset(words))
