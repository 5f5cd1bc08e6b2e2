"""Text width in a terminal or a spreadsheet column: Chinese characters take two columns.

The standard library's East Asian Width property is enough for the texts juesuan prints (CJK, ASCII, full-width
punctuation); a dependency such as ``wcwidth`` would add emoji and combining-mark tables these texts do not need.
"""

from __future__ import annotations

import unicodedata

__all__ = ["clip", "display_width", "wrap"]


def display_width(text: str) -> int:
    """Columns ``text`` takes: wide and full-width characters count two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis: a message quotes what a cell holds, and a cell may
    hold a pasted page."""
    return text if len(text) <= limit else text[:limit] + "…"


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns. Chinese has no spaces to break at, so any character may end a line;
    a line never starts with a space or with closing punctuation (，。、；：）” …)."""
    lines: list[str] = []
    line, used = "", 0
    for ch in " ".join(text.split()):
        w = display_width(ch)
        if used + w > width and line and ch not in "，。、；：）”’》！？,.;:)":
            lines.append(line.rstrip())
            line, used = "", 0
            if ch == " ":
                continue
        line += ch
        used += w
    if line.strip():
        lines.append(line.rstrip())
    return lines
