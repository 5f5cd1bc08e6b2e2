"""Checking what the 情况说明 says against the tables and against itself.

Each quoted figure is compared with every table cell that prints it; percentages, 完成率 and 增减率 are recomputed
(half-up at the printed decimals, then re-tested with intervals before they are called wrong); shares of one list
must add up to 100 %; lists and the fixed breakdowns (基本支出 = 人员经费 + 公用经费, 三公, 类 = Σ 项 …) must add up;
direction words must agree with the figures. Every number and direction word ends with a status - 一致, 尾数误差,
不一致 or 未核对 - decided by the checks it is the subject of, else by those it took part in.

Findings about a table cell stand at that cell; findings about the text alone stand where the text is: the
paragraph's cell when the 情况说明 is a sheet of the workbook, else the row of the 说明核对 sheet listing the figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..findings import Finding, NarrativeQuote, Severity
from ..gongkai.tables import Table
from ..plan import NARRATIVE_SHEET
from ..numbers import round_half_up
from .quotes import PERCENT_CUES, Number
from .reading import Claim, Entry, Item, ItemList, Reading, read_document
from .document import Document
from .rules import RULES
from .sheet import narrative_place
from .values import Span, TableCell, Value, Values
from .vocabulary import CHANGE_WORDS, entity

__all__ = ["NarrativeResult", "check_narrative"]

RANK = {"一致": 0, "尾数误差": 1, "不一致": 2}
MEASURE_WORDS = {"决算": "", "预算": "预算", "年初预算": "年初预算", "完成率": "完成预算的比例", "占比": "所占比例",
                 "增减额": "较上年增减额", "增减率": "较上年增减幅度", "数量": ""}
#: Breakdowns that add up, by entity key (both for 决算 and, where printed, 预算).
SUMS = [("基本", ("人员经费", "公用经费")), ("三公", ("出国", "公务用车", "接待")), ("公务用车", ("车购置", "车运维")),
        ("接待", ("国内接待", "国外接待")), ("采购", ("采购货物", "采购工程", "采购服务"))]
#: (part, whole, rule): the part may not exceed the whole.
LIMITS = [("保有量", "车辆", "N-LIMIT"), ("基本", "基本支出", "N-LIMIT"), ("小微企业", "中小企业", "N-LIMIT"),
          ("机关运行经费", "公用经费", "N-RUNNING-COST")]
#: Totals whose 完成率 must be consistent with their parts' 完成率 when no budget is printed (§9.2 R3, R4).
RATE_FAMILIES = [("三公", ("出国", "公务用车", "接待"))]


@dataclass
class NarrativeResult:
    """The findings and one :class:`NarrativeQuote` per number or direction word, in text order."""

    findings: list[Finding] = field(default_factory=list)
    quotes: list[NarrativeQuote] = field(default_factory=list)


def check_narrative(document: Document, tables: dict[str, Table]) -> NarrativeResult:
    """Check a 情况说明 against the recognised tables (``{}`` checks the text against itself only)."""
    return _Checker(read_document(document), tables).run()


class _Checker:
    def __init__(self, reading: Reading, tables: dict[str, Table]):
        self.reading = reading
        self.values = Values(reading, tables)
        self.entries = reading.entries
        self.row = {id(e): i for i, e in enumerate(self.entries)}
        self.own: dict[int, list[str]] = defaultdict(list)
        self.took_part: dict[int, list[str]] = defaultdict(list)
        self.compared: dict[int, tuple[TableCell | None, Decimal | None, str]] = {}
        self.findings: list[Finding] = []
        self.summed: set[frozenset[int]] = set()

    # --------------------------------------------------------------------------------------------- plumbing

    def judge(self, entry: Entry, status: str, operands: Iterable[Entry | None] = ()) -> None:
        self.own[id(entry)].append(status)
        for other in operands:
            if other is not None and other is not entry:
                self.took_part[id(other)].append(status)

    def place(self, entry: Entry) -> tuple[str, str]:
        """Where a finding about the text alone stands."""
        paragraph = entry.paragraph
        if self.reading.document.sheet and paragraph.place:
            sheet, _, cell = paragraph.place.rpartition("!")
            return sheet, cell
        return NARRATIVE_SHEET, narrative_place(self.row[id(entry)])

    def report(self, rule_id: str, entry: Entry, status: str, *, at: TableCell | None = None,
               expected: Decimal | None = None, actual: Decimal | None = None, related: Iterable[str] = (),
               **fields: object) -> None:
        rule = RULES[rule_id]
        severity = Severity.warning if status == "尾数误差" else rule.severity
        message = rule.message.format(**fields)
        if status == "尾数误差":
            message = f"尾数误差：{message}"
        sheet, cell = (at.sheet, at.address) if at else self.place(entry)
        self.findings.append(Finding(
            rule=rule_id, severity=severity, sheet=sheet, cell=cell, table=at.table.kind if at else None,
            expected=expected, actual=actual,
            difference=None if expected is None or actual is None else actual - expected,
            message=f"说明第{entry.paragraph.number}段：{message}", related=list(related),
            source=self.reading.document.source, paragraph=entry.paragraph.number, quote=entry.quote,
        ))
        if rule.severity is not Severity.info:
            self.compared.setdefault(id(entry), (at, expected, message))

    def what(self, n: Number) -> str:
        meaning = self.reading.meanings.get(n)
        if meaning is None:
            return ""
        title = self.reading.title(meaning.subject) if meaning.subject else ""
        return f"{title}{MEASURE_WORDS.get(meaning.measure, '')}"

    # --------------------------------------------------------------------------------------------- run

    def run(self) -> NarrativeResult:
        self.check_amounts()
        self.check_percentages()
        self.check_lists()
        self.check_breakdowns()
        self.check_limits()
        self.check_repeats()
        self.check_rate_spans()
        self.check_claims()
        self.check_format()
        quotes = [self.quote_row(e) for e in self.entries]
        return NarrativeResult(self.findings, quotes)

    def status(self, entry: Entry) -> str:
        verdicts = self.own.get(id(entry)) or self.took_part.get(id(entry))
        return max(verdicts, key=RANK.__getitem__) if verdicts else "未核对"

    def quote_row(self, entry: Entry) -> NarrativeQuote:
        status = self.status(entry)
        at, expected, message = self.compared.get(id(entry), (None, None, ""))
        if status == "未核对" and isinstance(entry, Number):
            self.report("N-UNCHECKED", entry, status, printed=entry.printed)
        if isinstance(entry, Number):
            printed, meaning = entry.printed, self.what(entry) or "（未识别）"
        else:
            printed, meaning = entry.word, {"relation": "决算与预算的比较", "change": "与上年的比较",
                                             "template": "模板备选用词"}[entry.kind]
        return NarrativeQuote(paragraph=entry.paragraph.number, printed=printed, quote=entry.quote, meaning=meaning,
                              status=status, sheet=at.sheet if at else None, cell=at.address if at else None,
                              expected=expected, message=message)

    # --------------------------------------------------------------------------------------------- amounts

    def check_amounts(self) -> None:
        """Each quoted amount against every cell printing it; an item's names against 公开05."""
        named: set[str] = set()
        for n, meaning in self.reading.meanings.items():
            if n.kind != "amount" or meaning.measure not in ("决算", "预算"):
                continue
            item = self.reading.items.get(meaning.subject)
            if item is not None and "公开05" in self.values.tables and self.values.item_line(item) is None:
                if item.key not in named:
                    named.add(item.key)
                    self.name_finding(n, item)
                self.judge(n, "不一致")
                continue
            cells = self.values.cells(meaning.subject, meaning.measure)
            if not cells:
                continue
            results = [(c, self.compare(n, c)) for c in cells]
            ent = entity(meaning.subject)
            if ent is not None and ent.any_of:
                best = min(results, key=lambda r: RANK[r[1]])
                if best[1] != "不一致":
                    self.values.chosen.setdefault(meaning.subject, best[0])
                results = [best] if best[1] != "不一致" else results[:1]
            for cell, status in results:
                self.judge(n, status)
                if status != "一致":
                    self.report("N-AMOUNT", n, status, at=cell, expected=cell.amount, actual=n.wan,
                                related=[c.place for c, _ in results if c is not cell],
                                what=self.what(n), printed=n.printed, table=cell.table.kind,
                                should=f"{cell.amount:,.2f}（{cell.address}）")
                else:
                    self.compared.setdefault(id(n), (cell, cell.amount, ""))

    def compare(self, n: Number, cell: TableCell) -> str:
        factor = {"元": Decimal(10000), "亿元": Decimal("0.0001")}.get(n.unit, Decimal(1))
        if round_half_up(cell.amount * factor, n.decimals) == n.value:
            return "一致"
        return "尾数误差" if abs(n.wan - cell.amount) <= n.half + cell.bound else "不一致"

    def name_finding(self, n: Number, item: Item) -> None:
        """A 项 (or 款) the table does not have under that 类/款; points at the row printing the quoted amount."""
        table = self.values.tables["公开05"]
        guess = next((ln for ln in table.lines if ln.code and item.code and ln.code.startswith(item.code)
                      and ln.level == ("项" if len(item.names) == 3 else "款") and table.amount(ln, "小计") == n.wan), None)
        at = TableCell(table, guess, "小计") if guess else None
        hint = f"这个科目；表中决算数为 {n.printed} 的是“{guess.label}”" if guess else "这个科目"
        self.report("N-NAME", n, "不一致", at=at, name=item.title, table="公开05", hint=hint)

    # --------------------------------------------------------------------------------------------- percentages

    def check_percentages(self) -> None:
        for n, meaning in self.reading.meanings.items():
            if n.kind != "percent":
                continue
            if meaning.measure == "占比":
                self.check_share(n, meaning.subject, meaning.basis)
            elif meaning.measure == "完成率":
                actual = self.values.get(meaning.subject, "决算")
                budget = self.values.get(meaning.subject, meaning.basis)
                if actual and budget and budget.amount:
                    self.check_ratio(n, actual, budget, f"决算 {actual.amount:,} ÷ {meaning.basis} {budget.amount:,}")
            elif meaning.measure == "增减率" and n in self.reading.change_of:
                self.check_change(n, self.reading.change_of[n], meaning.subject, meaning.basis)

    def share_parts(self, n: Number, subject: str, basis: str) -> tuple[Value | None, Value | None, str]:
        """Numerator, denominator and the denominator's key (or list id) of a 占…% number."""
        numerator_number = self.reading.share_of.get(n)
        numerator = (self.values.get(subject) if subject else None) or (
            self.values.of(numerator_number) if numerator_number else None)
        if basis:
            return numerator, self.values.get(basis), basis
        parent = self.values.parent(subject) if subject else None
        if parent is not None:
            return numerator, self.values.get(parent.key), parent.key
        listed = self.list_of(numerator_number)
        if listed is not None and listed.total is not None:
            total = self.reading.meanings.get(listed.total)
            value = (self.values.get(total.subject) if total else None) or self.values.of(listed.total)
            return numerator, value, f"list:{id(listed)}"
        return numerator, None, ""

    def list_of(self, number: Number | None) -> ItemList | None:
        return next((lst for lst in self.reading.lists if number in lst.parts), None)

    def check_share(self, n: Number, subject: str, basis: str) -> None:
        numerator, whole, key = self.share_parts(n, subject, basis)
        if numerator is None or whole is None or not whole.amount:
            return
        self.check_ratio(n, numerator, whole, f"{numerator.amount:,} ÷ {self.title_of(key)}合计 {whole.amount:,}"
                         if key.startswith("list:") else f"{numerator.amount:,} ÷ {self.title_of(key)} {whole.amount:,}")

    def check_ratio(self, n: Number, part: Value, whole: Value, formula: str) -> None:
        ratio = part.amount / whole.amount * 100
        span = part.span.percent_of(whole.span)
        self.verdict(n, ratio, span, part, [whole], formula=formula)

    def verdict(self, n: Number, ratio: Decimal, span: Span | None, anchor: Value | None, others: list[Value],
                **fields: object) -> None:
        """Judge a printed percentage against the recomputed ``ratio`` (and its interval ``span``)."""
        expected = round_half_up(ratio, n.decimals)
        operands = [v.number for v in (anchor, *others) if v is not None]
        if expected == n.value:
            status = "一致"
        elif span is not None and span.meets(Span.around(n.value, n.half)):
            status = "尾数误差"
        else:
            status = "不一致"
        self.judge(n, status, operands)
        if status == "一致":
            self.compared.setdefault(id(n), (None, expected, ""))
            return
        at = anchor.cell if anchor is not None and anchor.cell is not None else None
        related = [v.cell.place for v in others if v.cell is not None]
        rule = "N-PERCENT" if "formula" in fields else "N-CHANGE"
        self.report(rule, n, status, at=at, expected=expected, actual=n.value, related=related, what=self.what(n),
                    printed=n.printed, should=f"{round_half_up(ratio, max(n.decimals, 2)):,}", **fields)

    def check_change(self, rate: Number, delta: Number, subject: str, rate_word: str) -> None:
        """增减率 against 增减额 and this year's figure: 上年 = 本年 ∓ 增减额 (tables doc §7.1)."""
        delta_word = self.reading.meanings[delta].basis
        if CHANGE_WORDS[delta_word] != CHANGE_WORDS.get(rate_word, CHANGE_WORDS[delta_word]):
            self.judge(rate, "不一致", [delta])
            self.report("N-DIRECTION", rate, "不一致", word=rate_word,
                        fact=f"同一句写的是“{delta_word}{delta.printed}”，方向相反")
            return
        current = self.values.get(subject)
        if current is None:
            return
        sign = CHANGE_WORDS[delta_word]
        change = self.values.of(delta)
        prior = current.amount - sign * change.amount
        fields = {"word": delta_word, "delta": delta.printed, "rate_word": rate_word, "prior": f"{prior:,}"}
        if prior == 0:
            self.verdict(rate, Decimal(100), None, current, [change], **fields)
        elif prior < 0:
            self.judge(rate, "不一致", [delta])
            self.report("N-CHANGE", rate, "不一致", what=self.what(rate), printed=rate.printed, should="—", **fields)
        else:
            prior_span = current.span - change.span if sign > 0 else current.span + change.span
            span = change.span.percent_of(prior_span)
            self.verdict(rate, change.amount / prior * 100, span, current, [change], **fields)

    # --------------------------------------------------------------------------------------------- sums

    def check_lists(self) -> None:
        """Lists after 其中： add up to their total (a single part may not exceed it); shares of a complete list
        add up to 100 %."""
        for listed in self.reading.lists:
            if listed.total is not None:
                self.check_sum(listed.total, listed.parts, self.what(listed.total) or "合计")
        groups: dict[tuple[int, str], list[Number]] = defaultdict(list)
        for n, meaning in self.reading.meanings.items():
            if meaning.measure == "占比":
                _, whole, key = self.share_parts(n, meaning.subject, meaning.basis)
                nested = self.list_of(self.reading.share_of.get(n))
                if whole is not None and key:
                    groups[(n.paragraph.number, f"{key}|{id(nested) if nested and nested.total else ''}")].append(n)
        for shares in groups.values():
            self.check_share_sum(shares)

    def check_share_sum(self, shares: list[Number]) -> None:
        if len(shares) < 2:
            return
        numerators = [self.reading.share_of[s] for s in shares]
        _, whole, _ = self.share_parts(shares[0], *self.subject_basis(shares[0]))
        if whole is None or any(p.kind != "amount" for p in numerators):
            return
        listed = sum((p.wan for p in numerators), Decimal(0))
        if abs(listed - whole.amount) > whole.half + sum((p.half for p in numerators), Decimal(0)):
            return  # not a complete breakdown: its shares need not reach 100 %
        total = sum((s.value for s in shares), Decimal(0))
        bound = sum((s.half for s in shares), Decimal(0))
        status = "一致" if total == 100 else "尾数误差" if abs(total - 100) <= bound else "不一致"
        subject = next((s for s in shares if "不一致" in self.own.get(id(s), [])), shares[-1])
        self.judge(subject, status, shares)
        if status != "一致":
            self.report("N-SHARE-SUM", subject, status, expected=Decimal(100), actual=total, total=f"{total:,}",
                        what=self.title_of(self.share_parts(shares[0], *self.subject_basis(shares[0]))[2]))

    def check_sum(self, total: Number, parts: list[Number], what: str) -> None:
        """Σ parts = total (counts exactly); one part only: part ≤ total."""
        key = frozenset(map(id, parts))
        if key in self.summed or not parts:
            return
        self.summed.add(key)
        value = total.wan if total.kind == "amount" else total.value
        each = [p.wan if p.kind == "amount" else p.value for p in parts]
        exact = total.kind == "count"
        bound = Decimal(0) if exact else total.half + sum((p.half for p, v in zip(parts, each) if v), Decimal(0))
        if len(parts) == 1:
            status = "一致" if each[0] <= value + bound else "不一致"
            self.judge(parts[0], status, [total])
            if status != "一致":
                self.report("N-LIMIT", parts[0], status, expected=value, actual=each[0], what=self.what(parts[0]),
                            printed=parts[0].printed, limit=what, should=total.printed)
            return
        listed = sum(each, Decimal(0))
        if self.already_reported(total, listed):
            return
        status = "一致" if listed == value else "尾数误差" if abs(listed - value) <= bound else "不一致"
        self.judge(total, status, parts)
        if status != "一致":
            self.report("N-SUM", total, status, expected=listed, actual=value, what=what, printed=total.printed,
                        count=len(parts), should=f"{listed:,}")

    def already_reported(self, total: Number, listed: Decimal) -> bool:
        """The total already differs from a table cell by the same rounding gap (the parts add up to that cell):
        one gap, one finding."""
        meaning = self.reading.meanings.get(total)
        cells = self.values.cells(meaning.subject, meaning.measure) if meaning else []
        return "尾数误差" in self.own.get(id(total), []) and any(c.amount == listed for c in cells)

    def check_breakdowns(self) -> None:
        """The fixed breakdowns across paragraphs, 一般公共预算 by 类 and by 项, each 类 by its 项."""
        reading = self.reading
        for whole, parts in SUMS:
            for measure in ("决算", "预算"):
                totals = reading.quoted(whole, measure)
                found = [reading.quoted(p, measure) for p in parts]
                if totals and all(found):
                    self.check_sum(totals[0], [f[0] for f in found], reading.title(whole))
        classes = sorted({m.subject for m in reading.meanings.values() if m.subject.startswith("类:")})
        general = reading.quoted("一般", "决算")
        if general and len(classes) >= 2:
            self.check_sum(general[0], [reading.quoted(c, "决算")[0] for c in classes], reading.title("一般"))
        items = list(reading.items.values())
        for code in classes:
            quoted = [q[0] for i in items if i.code == code[2:] and (q := reading.quoted(i.key, "决算"))]
            if quoted:
                self.check_sum(reading.quoted(code, "决算")[0], quoted, reading.title(code))
        for measure in ("决算", "年初预算"):
            quoted = [reading.quoted(i.key, measure) for i in items]
            totals = reading.quoted("一般", measure)
            if totals and len(items) >= 2 and all(quoted):
                self.check_sum(totals[-1], [q[0] for q in quoted], f"{reading.title('一般')}{MEASURE_WORDS[measure]}")

    def check_limits(self) -> None:
        for part, whole, rule in LIMITS:
            quoted = self.reading.quoted(part, "数量" if part == "保有量" else "决算")
            limit = self.values.get(whole, "数量" if whole == "车辆" else "决算")
            if not quoted or limit is None:
                continue
            n = quoted[0]
            value = Value(n.wan, n.half) if n.kind == "amount" else Value(n.value, Decimal(0))
            over = value.amount > limit.amount + value.half + limit.half
            self.judge(n, "不一致" if over else "一致", [limit.number])
            if over:
                self.report(rule, n, "不一致", at=None, expected=limit.amount, actual=value.amount,
                            related=[limit.cell.place] if limit.cell else [], what=self.what(n), printed=n.printed,
                            limit=self.reading.title(whole), should=f"{limit.amount:,}")

    def check_repeats(self) -> None:
        """The same figure quoted twice must read the same (checked where no table cell prints it)."""
        by_key: dict[tuple[str, str, str], list[Number]] = defaultdict(list)
        for n, meaning in self.reading.meanings.items():
            if meaning.measure in ("决算", "预算", "年初预算", "数量"):
                by_key[(meaning.subject, meaning.measure, n.unit if n.kind == "count" else "")].append(n)
        for (subject, measure, _), quoted in by_key.items():
            if self.values.cells(subject, measure):
                continue
            ent = entity(subject)
            if ent is not None and ent.any_of:
                others = [q for key, qs in by_key.items() if key[1:] == (measure, "") and key[0] != subject
                          and (e := entity(key[0])) and set(e.cells) & set(ent.cells) for q in qs]
                for n in quoted:
                    if others:
                        self.repeat(n, others)
                continue
            for n in quoted[1:]:
                self.repeat(n, [quoted[0]])

    def repeat(self, n: Number, earlier: list[Number]) -> None:
        value = self.values.of(n)
        same = [e for e in earlier if abs(self.values.of(e).amount - value.amount) <= value.half + self.values.of(e).half]
        self.judge(n, "一致" if same else "不一致", same or earlier[:1])
        if not same:
            first = earlier[0]
            self.report("N-REPEAT", n, "不一致", expected=self.values.of(first).amount, actual=value.amount,
                        other=first.paragraph.number, what=self.what(n), should=first.printed, printed=n.printed)

    def check_rate_spans(self) -> None:
        """Where budgets are not printed, Σ (项决算 ÷ 项完成率) must be able to equal 总决算 ÷ 总完成率."""
        families = [*RATE_FAMILIES, ("一般", tuple(self.reading.items))]
        for whole, parts in families:
            rates = self.reading.quoted(whole, "完成率")
            if not rates or len(parts) < 2 or self.values.get(whole, "预算") is not None:
                continue
            if self.reading.meanings[rates[0]].basis != "预算":
                continue
            implied = [self.implied(whole, rates[0])] + [self.implied(p) for p in parts]
            if any(span is None for span in implied):
                continue
            total_span, *part_spans = implied
            summed = sum(part_spans[1:], part_spans[0])
            part_rates = [self.reading.quoted(p, "完成率")[0] for p in parts]
            status = "一致" if total_span.meets(summed) else "不一致"
            self.judge(rates[0], status, part_rates)
            if status != "一致":
                self.report("N-RATE-SPAN", rates[0], status, what=self.reading.title(whole), printed=rates[0].printed,
                            total_span=str(total_span), parts_span=str(summed))

    def implied(self, subject: str, rate: Number | None = None) -> Span | None:
        """The budget a 决算 and its printed 完成率 imply, as an interval (决算 ÷ 完成率)."""
        rates = [rate] if rate else self.reading.quoted(subject, "完成率")
        actual = self.values.get(subject)
        if not rates or actual is None or self.values.get(subject, "预算") is not None:
            return None
        return actual.span.percent_of(Span.around(rates[0].value, rates[0].half))

    # --------------------------------------------------------------------------------------------- words

    def check_claims(self) -> None:
        for claim in self.reading.claims:
            if claim.kind == "template":
                self.judge(claim, "不一致")
                self.report("N-TEMPLATE", claim, "不一致", word=claim.word)
            elif claim.subject is not None:
                found = self.relation(claim) if claim.kind == "relation" else self.change(claim)
                if found is None:
                    continue
                sign, fact, operands = found
                said = {"大于": 1, "高于": 1, "增加": 1, "增长": 1, "小于": -1, "低于": -1, "减少": -1, "下降": -1}
                status = "一致" if said.get(claim.word, 0) == sign else "不一致"
                self.judge(claim, status, operands)
                if status != "一致":
                    self.report("N-DIRECTION", claim, status, word=claim.word, fact=fact)

    def relation(self, claim: Claim) -> tuple[int, str, list[Number | None]] | None:
        """决算 compared with 预算 (or, when no budget is printed, the 完成率 compared with 100 %)."""
        subject = claim.subject or ""
        actual = self.values.get(subject)
        budget = self.values.get(subject, "年初预算") or self.values.get(subject, "预算")
        if actual is not None and budget is not None:
            diff = actual.amount - budget.amount
            sign = 0 if abs(diff) <= actual.half + budget.half else 1 if diff > 0 else -1
            word = {1: "大于", -1: "小于", 0: "等于"}[sign]
            return sign, f"决算 {actual.amount:,} {word}预算 {budget.amount:,}", [actual.number, budget.number]
        rates = [r for r in self.reading.quoted(subject, "完成率") if r.paragraph is claim.paragraph]
        if not rates:
            return None
        span = Span.around(rates[0].value, rates[0].half)
        sign = 0 if span.lo <= 100 <= span.hi else 1 if rates[0].value > 100 else -1
        return sign, f"完成预算的 {rates[0].printed}", [rates[0]]

    def change(self, claim: Claim) -> tuple[int, str, list[Number | None]] | None:
        """The change stated in words against the 增减额 (or 增减率) quoted for the same subject."""
        for measure in ("增减额", "增减率"):
            quoted = self.reading.quoted(claim.subject or "", measure)
            same = [q for q in quoted if q.paragraph is claim.paragraph] or quoted
            if same:
                n = same[0]
                word = self.reading.meanings[n].basis
                sign = CHANGE_WORDS[word] if n.value else 0
                return sign, f"说明中的数字是“{word}{n.printed}”", [n]
        return None

    def check_format(self) -> None:
        for n in self.reading.numbers:
            if n.no_percent:
                cue = next(c for c in PERCENT_CUES if n.label.rstrip().endswith(c))
                self.report("N-NO-PERCENT", n, "不一致", printed=n.printed, cue=cue)

    def title_of(self, key: str) -> str:
        return self.reading.title(key) if key and not key.startswith("list:") else "所列各项"

    def subject_basis(self, n: Number) -> tuple[str, str]:
        meaning = self.reading.meanings[n]
        return meaning.subject, meaning.basis
