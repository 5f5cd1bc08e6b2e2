"""Reading a 情况说明: what each quoted number means, the lists it belongs to, and the direction words.

Within a paragraph the quantity being talked about carries over from clause to clause (``“三公”经费财政拨款支出预算为
53.08万元，支出决算为51.23万元，完成预算的96.51%``): a label that names only a measure (支出决算, 完成预算的, 较上年增加)
means the paragraph's current subject. An item paragraph of the 具体情况 section (``X（类）Y（款）Z（项）``) has
that 项 as its subject throughout. A list introduced by 其中：/具体内容包括： after an amount gives that amount's
parts, as far as the parts are separated alike (``、`` or ``；``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from ..gongkai.tables import CLASS_CODES
from .document import Document, Paragraph
from .quotes import Clause, Number, numbers_of, normalise
from .vocabulary import entity, read_label

__all__ = ["Claim", "Entry", "Item", "ItemList", "Meaning", "Reading", "read_document"]


@dataclass(frozen=True)
class Item:
    """A 类/款/项 line of the 具体情况 section, by its printed names; ``code`` is the 类 code when the 类 name is a
    功能分类 类 (``None`` otherwise)."""

    key: str
    code: str | None
    names: tuple[str, ...]
    head: str
    paragraph: Paragraph

    @property
    def title(self) -> str:
        levels = ("类", "款", "项")
        return "".join(f"{n}（{lv}）" for n, lv in zip(self.names, levels))


@dataclass(frozen=True)
class Meaning:
    """What a number states: ``subject`` (an entity key, ``类:208`` or an item key), ``measure`` (决算, 预算, 年初预算,
    完成率, 占比, 增减额, 增减率, 数量) and ``basis`` (the budget of a 完成率, the named total of a 占比, the word of
    a change)."""

    subject: str
    measure: str
    basis: str = ""


@dataclass(eq=False)
class Claim:
    """Words without a number that still state something checkable: ``relation`` (决算数大于预算数, 预决算数持平),
    ``change`` (较上年增加, 与上年持平) and ``template`` (增加（减少）: an alternative of the template left in)."""

    kind: str
    word: str
    subject: str | None
    paragraph: Paragraph
    quote: str
    start: int


#: One line of 说明核对: a number or a claim.
Entry = Number | Claim


@dataclass(eq=False)
class ItemList:
    """Numbers listed after 其中： (or 具体内容包括：, 主要用于以下方面：); ``total`` is the amount before the colon, if any."""

    total: Number | None
    parts: list[Number]


@dataclass
class Reading:
    """Everything read from a document, in order."""

    document: Document
    #: The year the report is on: the one its text names most (``2023年度``); ``None`` when it names none.
    year: int | None = None
    numbers: list[Number] = field(default_factory=list)
    meanings: dict[Number, Meaning] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    lists: list[ItemList] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    #: 占比 -> its numerator; 增减率 -> its 增减额
    share_of: dict[Number, Number] = field(default_factory=dict)
    change_of: dict[Number, Number] = field(default_factory=dict)
    _quoted: dict[tuple[str, str], list[Number]] = field(default_factory=dict, repr=False)

    @property
    def entries(self) -> list[Entry]:
        """Numbers and claims in the order of the text."""
        return sorted([*self.numbers, *self.claims], key=lambda e: (e.paragraph.number, e.start))

    def quoted(self, subject: str, measure: str) -> list[Number]:
        """The numbers stating this figure, in text order (looked up once reading is complete)."""
        if not self._quoted:
            for n in self.numbers:
                if n in self.meanings:
                    self._quoted.setdefault((self.meanings[n].subject, self.meanings[n].measure), []).append(n)
        return self._quoted.get((subject, measure), [])

    def title(self, subject: str) -> str:
        if subject in self.items:
            return self.items[subject].title
        found = entity(subject)
        return found.title if found else subject


_ITEM = re.compile(r"^(?:\d+[.、．]|[（(]\d+[)）])?\s*(?P<cls>[^（）。:：]+?)（类）(?P<kuan>[^（）。:：]+?)（款）(?:(?P<xiang>[^。:：]+?)（项）)?")
_LIST = re.compile(r"(其中|具体内容包括|具体包括|主要用于以下方面|主要用于)[：:]")
_RELATION = re.compile(r"(?:预决算数?|决算数?与(?:年初|全年)?预算数?)(?P<soft>基本)?(?P<word>持平|一致)"
                       r"|决算数?(?P<word2>大于|小于|等于|高于|低于)(?:年初|全年)?预算数?")
_CHANGE = re.compile(r"(?:较|比|与)(?:上年|上年度|上一年度|\d{4}年度?)(?:决算数?)?(?:略有|有所)?(?P<word>增加|减少|增长|下降|持平)|无增减变动")
_WORDS = "增加|减少|增长|下降|大于|小于|高于|低于|持平"
_TEMPLATE = re.compile(rf"(?:{_WORDS})\s*(?:[（(]\s*(?:{_WORDS})\s*[）)]|[/／](?:{_WORDS}))")


def class_code(name: str) -> str | None:
    """The 功能分类 类 code of a printed 类 name (``社会保障和就业支出``, ``社会保障和就业``)."""
    stem = re.sub(r"\s+", "", name)
    return CLASS_CODES.get(stem[:-2] if stem.endswith("支出") else stem) or CLASS_CODES.get(stem)


def read_document(document: Document) -> Reading:
    """Read every paragraph: numbers with their meanings, lists, claims."""
    years = Counter(re.findall(r"(\d{4})年度", "\n".join(p.text for p in document.paragraphs)))
    reading = Reading(document, year=int(years.most_common(1)[0][0]) if years else None)
    for paragraph in document.paragraphs:
        _read_paragraph(reading, paragraph)
    for order, entry in enumerate(reading.entries):
        if isinstance(entry, Number):
            entry.order = order
    return reading


def _read_paragraph(reading: Reading, paragraph: Paragraph) -> None:
    text, clauses, numbers = numbers_of(paragraph)
    subject: str | None = None
    item = _item(text, paragraph) if paragraph.section == "一般" else None
    if item is not None:
        reading.items[item.key] = item
        subject = item.key
    subjects: list[tuple[int, str | None]] = [(0, subject)]
    last_amount: Number | None = None
    changes: dict[str | None, Number] = {}
    for n in numbers:
        label = read_label(n.label, n.kind, paragraph.section, reading.year)
        if label.entity is not None:
            subject = label.entity.key
        elif label.unknown:  # the bare measures that follow (支出决算为…) are this unknown thing's, not the last subject's
            subject = None
        subjects.append((n.start, subject))
        if label.unknown:
            last_amount = n if n.kind != "percent" else last_amount
            continue
        if label.measure == "占比":
            if last_amount is not None:
                reading.share_of[n] = last_amount
                owner = reading.meanings.get(last_amount)
                reading.meanings[n] = Meaning(owner.subject if owner else "", "占比", label.basis)
            continue
        if subject is None:
            continue
        reading.meanings[n] = Meaning(subject, label.measure, label.basis)
        if label.measure == "增减额":
            changes[subject] = n
        elif label.measure == "增减率" and subject in changes:
            reading.change_of[n] = changes[subject]
        if n.kind != "percent":
            last_amount = n
    reading.numbers += numbers
    reading.lists += _lists(text, clauses, numbers)
    reading.claims += _claims(paragraph, text, clauses, numbers, subjects)


def _item(text: str, paragraph: Paragraph) -> Item | None:
    m = _ITEM.match(text)
    if not m:
        return None
    names = tuple(g.strip() for g in (m.group("cls"), m.group("kuan"), m.group("xiang")) if g)
    code = class_code(names[0])
    key = "项:" + "|".join((code or names[0], *names[1:]))
    return Item(key, code, names, paragraph.text[: len(m.group(0)) + 2].strip(), paragraph)


def _lists(text: str, clauses: list[Clause], numbers: list[Number]) -> list[ItemList]:
    """Lists after 其中： and the like, within one sentence, as far as their parts are separated alike."""
    out = []
    for m in _LIST.finditer(text):
        end = next((c.end for c in clauses if c.start > m.end() and c.end_mark in "。！？!?"), len(text))
        start = max((c.end for c in clauses if c.end < m.start() and c.end_mark in "。！？!?"), default=-1) + 1
        before = [n for n in numbers if start <= n.start < m.start() and n.kind != "percent"]
        total = before[-1] if before else None
        kind, unit = (total.kind, total.unit) if total else ("amount", None)
        candidates = [n for n in numbers if m.end() <= n.start < end and n.kind == kind and (kind != "count" or n.unit == unit)]
        parts: list[Number] = []
        separator = None
        for n in candidates:
            if parts:
                between = text[parts[-1].end:n.start]
                if _LIST.search(between):
                    break
                clause = next(c for c in clauses if c.start <= n.start <= c.end)
                mark = next((c.end_mark for c in reversed(clauses) if c.end < clause.start), None)
                separator = separator or mark
                if mark != separator:
                    break
            parts.append(n)
        if parts:
            out.append(ItemList(total, parts))
    return out


def _claims(paragraph: Paragraph, text: str, clauses: list[Clause], numbers: list[Number],
            subjects: list[tuple[int, str | None]]) -> list[Claim]:
    """Direction words in clauses without a number, and template alternatives anywhere."""
    _, where = normalise(paragraph.text)
    starts = [n.start for n in numbers]  # in text order, as are the subjects' positions
    positions = [p for p, _ in subjects]

    def subject_at(pos: int) -> str | None:
        return subjects[max(bisect_right(positions, pos) - 1, 0)][1]

    def holds_a_number(c: Clause) -> bool:
        i = bisect_left(starts, c.start)
        return i < len(starts) and starts[i] < c.end

    def printed(start: int, end: int) -> str:
        return paragraph.text[where[start]:where[end - 1] + 1]

    found = []
    for c in clauses:
        if holds_a_number(c):
            continue
        piece = text[c.start:c.end]
        for kind, pattern in (("change", _CHANGE), ("relation", _RELATION)):
            m = pattern.search(piece)
            if m and not (kind == "relation" and m.group("soft")):
                word = m.group("word") or (m.group("word2") if kind == "relation" else "持平")
                found.append(Claim(kind, word, subject_at(c.start), paragraph, printed(c.start, c.end).strip(), c.start + m.start()))
                break
    for m in _TEMPLATE.finditer(text):
        found.append(Claim("template", m.group(0), subject_at(m.start()), paragraph, printed(m.start(), m.end()), m.start()))
    return found
