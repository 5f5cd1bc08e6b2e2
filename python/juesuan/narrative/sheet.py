"""The 说明核对 sheet of a marked copy: every number and direction word of the 情况说明, its status and a link to
the table cell it was compared with (rows about the text alone link to themselves)."""

from __future__ import annotations

from typing import Any

from ..findings import Report
from ..grid import col_letter
from ..plan import NARRATIVE_SHEET, Action, as_float

__all__ = ["LINK_COLUMN", "NARRATIVE_HEADER", "QUOTE_COLUMN", "narrative_action", "narrative_place"]

NARRATIVE_HEADER = ["序号", "段落", "原文", "数字", "含义", "状态", "工作表", "单元格", "应为", "问题"]
QUOTE_COLUMN = NARRATIVE_HEADER.index("原文")
LINK_COLUMN = NARRATIVE_HEADER.index("单元格")


def narrative_place(index: int) -> str:
    """The 原文 cell of the ``index``-th (0-based) row of 说明核对: where findings about the text alone stand."""
    return f"{col_letter(QUOTE_COLUMN)}{index + 2}"


def narrative_action(report: Report) -> Action:
    """The ``writeResults`` action of 说明核对 (header row first)."""
    rows: list[list[Any]] = [list(NARRATIVE_HEADER)]
    links = []
    for i, q in enumerate(report.narrative):
        rows.append([i + 1, q.paragraph, q.quote, q.printed, q.meaning, q.status, q.sheet or "", q.cell or "—",
                     as_float(q.expected), q.message])
        links.append(f"{q.sheet}!{q.cell}" if q.sheet and q.cell else f"{NARRATIVE_SHEET}!{narrative_place(i)}")
    return Action(func="writeResults", sheet=NARRATIVE_SHEET, start="A1", values=rows, links=links,
                  link_column=LINK_COLUMN)
