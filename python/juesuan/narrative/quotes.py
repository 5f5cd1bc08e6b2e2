"""The numbers a paragraph quotes: amounts (万元/元), percentages and counts, each with the words before it.

Text is matched after a light normalisation (full-width digits, spaces inside numbers as PDFs and Word leave
them, ``**`` bold markers, ``收、支`` for 收支) that keeps a map back to the original characters, so every quote
shown to the user is the text as printed. A bare number without a unit is no quoted number (years, item
numbers, figure captions), except after the words that introduce a percentage (``占``, ``增长``, ``完成预算的``):
there it is a percentage printed without its %.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .document import Paragraph

__all__ = ["COUNT_UNITS", "Clause", "Number", "normalise", "numbers_of", "split_clauses"]

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%，")
_DIGITISH = set("0123456789.,")
#: Units of counts, compared exactly (tables doc §8.1).
COUNT_UNITS = ("万人", "人次", "批次", "个", "辆", "人", "次", "台（套）", "台", "套", "家", "分")
_UNIT = "|".join(map(re.escape, ("万元", "亿元", "元", "%") + COUNT_UNITS))
_NUMBER = re.compile(rf"(?<![\d.,A-Za-z])(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?(?![\d.]*[A-Za-z])(\s*(?:{_UNIT}))?")
#: After an amount: a threshold (单价100万元（含）以上设备), not a quoted amount.
_THRESHOLD = re.compile(r"(（含）|\(含\))?(及)?(以上|以下)")
#: Words after which a bare number is a percentage that lost its %.
#: Characters before a bare number searched for a cue (the longest cue and the spaces a PDF puts before it).
_CUE_WINDOW = 40
PERCENT_CUES = ("占", "增长", "下降", "完成预算的", "完成年初预算的", "完成预算", "完成年初预算", "执行率为", "执行率")
#: Clause delimiters: 。！？ end sentences, ；、 end list items, ，：end clauses.
SENTENCE_END = set("。！？!?")
ITEM_END = set("；;、")
CLAUSE_END = set("，,：:")


def normalise(text: str) -> tuple[str, list[int]]:
    """Matchable text and, for each of its characters, the index of the original character."""
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i].translate(_FULLWIDTH)
        if ch == "*":
            i += 1
            continue
        if ch in " \u00a0\u3000\t" and out and out[-1] in _DIGITISH:
            j = i
            while j < len(text) and text[j] in " \u00a0\u3000\t":
                j += 1
            nxt = text[j].translate(_FULLWIDTH) if j < len(text) else ""
            if nxt.isdigit() or (nxt in ".," and j + 1 < len(text) and text[j + 1].translate(_FULLWIDTH).isdigit()):
                i = j  # a space inside a number
                continue
        if ch == "、" and out and out[-1] == "收" and text[i + 1 : i + 2] == "支":
            i += 1  # 收、支总计 names one total
            continue
        out.append(ch)
        where.append(i)
        i += 1
    return "".join(out), where


@dataclass(frozen=True)
class Clause:
    """A stretch of a paragraph between delimiters; ``end_mark`` is the delimiter that closes it."""

    start: int
    end: int
    end_mark: str


def split_clauses(text: str, numbers: list[tuple[int, int]] = ()) -> list[Clause]:
    """Clauses of normalised text; commas inside a number's span do not split."""
    inside = {i for s, e in numbers for i in range(s, e)}
    clauses, start = [], 0
    for i, ch in enumerate(text):
        if (ch in SENTENCE_END or ch in ITEM_END or ch in CLAUSE_END) and i not in inside:
            clauses.append(Clause(start, i, ch))
            start = i + 1
    if start < len(text):
        clauses.append(Clause(start, len(text), "。"))
    return clauses


@dataclass(eq=False)
class Number:
    """One quoted number. ``value`` is as printed in its ``unit``; ``kind`` is amount (万元/元/亿元), percent or
    count; ``label`` the words between the start of its clause (or the previous number) and the number;
    ``quote`` the printed phrase it belongs to, in the original characters."""

    paragraph: Paragraph
    start: int
    end: int
    printed: str
    value: Decimal
    unit: str
    decimals: int
    kind: str
    label: str
    quote: str
    clause: int
    no_percent: bool = False
    order: int = 0

    @property
    def wan(self) -> Decimal:
        """An amount in 万元 (the unit of the 公开 tables)."""
        return {"元": self.value / 10000, "亿元": self.value * 10000}.get(self.unit, self.value)

    @property
    def half(self) -> Decimal:
        """Half a unit of the last printed decimal, in 万元 for amounts: the rounding this print allows."""
        half = Decimal(5).scaleb(-(self.decimals + 1))
        return {"元": half / 10000, "亿元": half * 10000}.get(self.unit, half)

    @property
    def id(self) -> str:
        return f"{self.paragraph.number}:{self.start}"


def numbers_of(paragraph: Paragraph) -> tuple[str, list[Clause], list[Number]]:
    """The normalised text of a paragraph, its clauses and every number it quotes, in order."""
    text, where = normalise(paragraph.text)
    found: list[tuple[re.Match[str], str]] = []
    for m in _NUMBER.finditer(text):
        unit = (m.group(3) or "").strip()
        if unit and _THRESHOLD.match(text, m.end()):  # (no slices of the text: a page-long paragraph stays linear)
            continue
        if not unit and not text[max(m.start() - _CUE_WINDOW, 0):m.start()].rstrip().endswith(PERCENT_CUES):
            continue
        found.append((m, unit))
    spans = [(m.start(), m.end()) for m, _ in found]
    clauses = split_clauses(text, spans)
    numbers = []
    previous_end: dict[int, int] = {}
    k = 0  # the numbers come in order: the first clause holding one never lies before the previous one's
    for m, unit in found:
        while not clauses[k].start <= m.start() <= clauses[k].end:
            k += 1
        label_from = max(clauses[k].start, previous_end.get(k, clauses[k].start))
        previous_end[k] = m.end()
        digits, fraction = m.group(1), m.group(2) or ""
        no_percent = unit == ""
        kind = "percent" if unit in ("%", "") else "count" if unit in COUNT_UNITS else "amount"
        printed_to = where[m.end() - 1] + 1
        numbers.append(Number(
            paragraph=paragraph, start=m.start(), end=m.end(),
            printed=paragraph.text[where[m.start()]:printed_to],
            value=Decimal((digits + fraction).replace(",", "")), unit=unit or "%",
            decimals=len(fraction) - 1 if fraction else 0, kind=kind,
            label=text[label_from:m.start()].strip(), quote=_quote(paragraph.text, text, where, clauses, k),
            clause=k, no_percent=no_percent,
        ))
    return text, clauses, numbers


def _quote(original: str, text: str, where: list[int], clauses: list[Clause], k: int, limit: int = 50) -> str:
    """The printed phrase of clause ``k``: back to the start of its list item (after ；、：。), dropping leading
    clauses while longer than ``limit`` characters; in the original characters."""
    first = k
    while first > 0 and clauses[first - 1].end_mark in CLAUSE_END - {"：", ":"}:
        first -= 1
    while first < k and clauses[k].end - clauses[first].start > limit:
        first += 1
    start, end = clauses[first].start, clauses[k].end
    while start < end and text[start] in " \u3000":
        start += 1
    if start >= end:
        return original.strip()
    return original[where[start]:where[end - 1] + 1].strip()
