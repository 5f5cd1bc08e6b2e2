"""科目代码 columns: one column holding whole codes (``2050303``), or the code split over 类 | 款 | 项 columns
(``205 | 03 | 03``; 基本支出 tables 类 | 款: ``301 | 01``) under one merged 科目编码 header.

Split codes are composed row by row: a part carries its parents' digits from the rows above when its own
row leaves them blank (``| 03 | 03`` under ``205``), and a row printing only a 类 or a 款 is that parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .header import HeaderBlock, HeaderColumn
from .sheet import SheetIndex

__all__ = ["CodeColumns", "CodeComposer", "code_columns", "code_part", "is_code_header"]

_PARTS = ("类", "款", "项")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


def is_code_header(label: str) -> bool:
    """科目代码, 科目编码, 功能分类科目编码, 支出功能分类科目编码, 经济分类科目代码 …"""
    return label.endswith(("代码", "编码")) and len(label) <= 12


@dataclass(frozen=True)
class CodeColumns:
    """The code column(s) of one block and the 科目名称 column beside them. ``parts`` is empty for a single
    column of whole codes, else the part each column holds (类/款/项)."""

    cols: tuple[int, ...]
    parts: tuple[str, ...]
    name_col: int | None

    @property
    def split(self) -> bool:
        return len(self.cols) > 1

    @property
    def anchor(self) -> int:
        """The column a finding about the row's code points at (the first code column)."""
        return self.cols[0]


def code_columns(block: HeaderBlock, index: SheetIndex | None = None, first_data_row: int | None = None) -> list[CodeColumns]:
    """Every group of code columns in a header block, left to right (公开06 prints two or three side by side).

    A group is a column headed 科目代码/编码 plus the columns right of it that continue it: headed 类/款/项
    under it, or with no label of their own (an unmerged 科目编码 over three columns). When the header names no
    parts, the first data row may (the 合计 row printed on the 类 | 款 | 项 line)."""
    groups: list[CodeColumns] = []
    columns = list(block.columns)
    i = 0
    while i < len(columns):
        column = columns[i]
        if not any(is_code_header(label) for label in column.path):
            i += 1
            continue
        head = next(label for label in column.path if is_code_header(label))
        members = [column]
        j = i + 1
        while j < len(columns) and len(members) < 3 and _continues(columns[j], head):
            members.append(columns[j])
            j += 1
        if len(members) == 1 and index is not None and first_data_row is not None:
            # 类 | 款 | 项 printed on the first data row only (the 合计 row on the sub-header line, unmerged)
            while j < len(columns) and len(members) < 3 and index.text(first_data_row, columns[j].col) == _PARTS[len(members)]:
                members.append(columns[j])
                j += 1
        parts = tuple(_part(c, index, first_data_row) for c in members) if len(members) > 1 else ()
        if parts and "" in parts:
            parts = _PARTS[: len(members)]
        name_col = next((c.col for c in columns[j:] if c.has("名称")), None)
        if name_col is None and j < len(columns):
            name_col = columns[j].col
        groups.append(CodeColumns(tuple(c.col for c in members), parts, name_col))
        i = j
    return groups


def _continues(column: HeaderColumn, head: str) -> bool:
    """A column that belongs to the code group headed ``head``: the same head with a 类/款/项 leaf, the same head
    alone (a merge over the parts without a sub-header), or no label at all (an unmerged head)."""
    if not column.path:
        return True
    if column.has("名称"):
        return False
    return head in column.path and (column.leaf in _PARTS or column.leaf == head)


def _part(column: HeaderColumn, index: SheetIndex | None, row: int | None) -> str:
    if column.leaf in _PARTS:
        return column.leaf
    if index is not None and row is not None:
        text = index.text(row, column.col)
        if text in _PARTS:
            return text
    return ""


def code_part(value: object) -> str:
    """A cell of a code column as digits: codes stored as numbers lose nothing (``201.0`` → ``201``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().replace(" ", "")


class CodeComposer:
    """Composes split codes row by row, remembering the 类 and 款 printed above."""

    def __init__(self, parts: tuple[str, ...]) -> None:
        self.parts = parts
        self.lei = ""
        self.kuan = ""

    def code(self, cells: list[str]) -> str:
        """The code of one row from its part cells (digits, or empty); ``""`` when the row has none, and the
        first cell unchanged when it holds no digits (合计, or a name typed into the code column)."""
        if not self.parts:
            return cells[0]
        if cells and cells[0] and not cells[0].isdigit():
            return cells[0]
        code = ""
        for part, text in zip(self.parts, cells):
            if not text.isdigit():
                continue
            if len(text) >= 3 and _CODE.match(text):  # a whole code printed in a part column
                code = text
            elif part == "类":
                code = text
            elif part == "款":
                code = self.lei + text.zfill(2) if self.lei else text
            else:
                code = self.kuan + text.zfill(2) if self.kuan else text
            if len(code) == 3:
                self.lei, self.kuan = code, ""
            elif len(code) == 5:
                self.lei, self.kuan = code[:3], code
        return code
