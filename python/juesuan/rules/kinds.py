"""The registered check kinds: each turns one catalogue rule plus the recognised tables into findings.

A kind knows *how* to check (a sum, a hierarchy, a match by code); the catalogue says *what* to check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from ..findings import Finding, Severity
from ..grid import a1
from ..recognise import clean_label
from ..tables import Line, Table
from ..tolerance import rounding_bound
from .model import Rule

__all__ = ["KINDS", "Tables", "Term"]

Tables = dict[str, Table]
Check = Callable[[Rule, Tables], Iterator[Finding]]
KINDS: dict[str, Check] = {}
ZERO = Decimal(0)
WORDS_MAX = 6  # terms spelled out in a message; longer sums name the non-zero ones


def kind(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        KINDS[name] = fn
        return fn

    return register


class Term:
    """One cell of an identity: a line of a table in one column, with its sign. Its value is read once, on
    construction, because long tables create tens of thousands of terms."""

    __slots__ = ("table", "line", "column", "sign", "flat", "pos", "raw", "value")

    def __init__(self, table: Table, line: Line, column: str, sign: int = 1, flat: bool = False) -> None:
        self.table, self.line, self.column, self.sign = table, line, column, sign
        self.flat = flat  # a cell printed and rounded on its own (row identities), whatever lies below it
        self.pos: tuple[int, int] = line.cells[column]
        self.raw: Decimal | None = table.values.get(self.pos)
        self.value: Decimal = self.raw if self.raw is not None else ZERO  # blanks count as zero, as printed

    @property
    def weight(self) -> int:
        """Rounded values behind this cell (0 for a zero cell): the k of the tolerance."""
        return (1 if self.flat else self.line.leaves) if self.value else 0

    def words(self, with_table: bool, with_column: bool) -> str:
        name = clean_label(self.line.label) if self.line.side or not self.line.code else f"{self.line.code} {self.line.label}"
        text = f"{self.table.kind}“{name}”" if with_table else f"“{name}”"
        return f"{text}[{self.column}]" if with_column else text


def _split(spec: str) -> tuple[int, str | None, str, str | None]:
    sign = -1 if spec.startswith("-") else 1
    spec = spec.lstrip("-")
    table, _, rest = spec.rpartition("|")
    ref, _, column = rest.partition("@")
    return sign, table or None, ref, column or None


def _lines(table: Table, ref: str) -> list[Line]:
    if ref.endswith("*"):
        side, _, level = ref[:-1].rpartition(":")
        return [ln for ln in table.lines if ln.side == side and ln.level == level and ln.code]
    line = table.line(ref)
    return [line] if line else []


def resolve(spec: str, tables: Tables, default_table: str | None, column: str | None) -> list[Term] | None:
    """Terms for a reference; ``None`` when its table is not in the workbook (the identity is skipped)."""
    sign, table_kind, ref, col = _split(spec)
    table = tables.get(table_kind or default_table or "")
    if table is None:
        return None
    col = col or column
    return [Term(table, ln, col, sign) for ln in _lines(table, ref) if col in ln.cells]


def compare(rule: Rule, target: Term, terms: list[Term], *, op: str = "=", words: str | None = None) -> Finding | None:
    """Evaluate ``target op Σ terms``: nothing when it holds, a rounding warning within tolerance, else the
    rule's severity. The finding marks the target cell and lists the terms as related cells."""
    computed = sum((t.sign * t.value for t in terms), ZERO)
    actual = target.value
    diff = actual - computed
    broken = diff > 0 if op == "<=" else diff != 0
    if not broken:
        return None
    exact = target.table.exact or any(t.table.exact for t in terms)
    bound = rounding_bound(1 + sum(t.weight for t in terms), target.table.decimals, exact)
    rounding = abs(diff) <= bound
    if words is None:
        tables = {target.table.kind} | {t.table.kind for t in terms}
        multi = len({target.column} | {t.column for t in terms}) > 1 or len(target.table.columns) > 1
        lhs = target.words(len(tables) > 1, multi)
        shown = terms if len(terms) <= WORDS_MAX else [t for t in terms if t.value][:WORDS_MAX]
        rhs = "".join(
            f"{' − ' if t.sign < 0 else ' + ' if i else ''}{t.words(len(tables) > 1, multi)}" for i, t in enumerate(shown)
        ) or "0"
        if len(shown) < len(terms):
            rhs = f"{rhs}（共 {len(terms)} 项，其余为零）" if len(shown) == sum(1 for t in terms if t.value) else f"{rhs} + ……（共 {len(terms)} 项）"
        words = f"{lhs} {'≤' if op == '<=' else '='} {rhs}"
    if rounding:
        message = f"尾数误差（差额在容差 ±{bound} 以内，多为金额单位换算四舍五入所致）：{words}"
    else:
        message = f"{rule.name}：{words}"
    return Finding(
        rule=rule.id,
        severity=rule.rounding_severity if rounding else rule.severity,
        sheet=target.table.sheet,
        cell=a1(*target.pos),
        expected=computed,
        actual=target.raw,
        difference=diff,
        message=message,
        related=[t.table.qualified(t.pos) for t in terms],
        table=target.table.kind,
    )


def _identities(rule: Rule, tables: Tables) -> Iterator[tuple[Term, list[Term]]]:
    """Each (target cell, term cells) a sum/≤ rule stands for: one per column of the target line unless the
    target names its column. Skipped entirely when a table it refers to is not in the workbook."""
    assert rule.target
    _, table_kind, ref, target_col = _split(rule.target)
    table = tables.get(table_kind or rule.table or "")
    if table is None:
        return
    for line in _lines(table, ref):
        for column in [target_col] if target_col else table.columns:
            if column not in line.cells:
                continue
            terms: list[Term] = []
            for spec in rule.terms:
                found = resolve(spec, tables, rule.table, column)
                if found is None:
                    break
                terms.extend(found)
            else:
                yield Term(table, line, column), terms


@kind("sum")
def check_sum(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for target, terms in _identities(rule, tables):
        if (f := compare(rule, target, terms)) is not None:
            yield f


@kind("le")
def check_le(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for target, terms in _identities(rule, tables):
        if (f := compare(rule, target, terms, op="<=")) is not None:
            yield f


def _balanced(table: Table, target: tuple[int, int], parts: list[tuple[int, tuple[int, int]]]) -> bool:
    """Fast pre-check on the parsed values: most identities hold exactly, and those need no Terms."""
    values = table.values
    total = sum((sign * (values.get(pos) or ZERO) for sign, pos in parts), ZERO)
    return (values.get(target) or ZERO) == total


@kind("row_sum")
def check_row_sum(rule: Rule, tables: Tables) -> Iterator[Finding]:
    table = tables.get(rule.table or "")
    if table is None or rule.target not in table.columns:
        return
    signed = [(-1 if spec.startswith("-") else 1, spec.lstrip("-")) for spec in rule.terms]
    for line in table.lines:
        if rule.side is not None and line.side != rule.side or rule.target not in line.cells:
            continue
        present = [(sign, column) for sign, column in signed if column in line.cells]
        if _balanced(table, line.cells[rule.target], [(sign, line.cells[column]) for sign, column in present]):
            continue
        terms = [Term(table, line, column, sign, flat=True) for sign, column in present]
        if (f := compare(rule, Term(table, line, rule.target), terms)) is not None:
            yield f


@kind("hierarchy")
def check_hierarchy(rule: Rule, tables: Tables) -> Iterator[Finding]:
    table = tables.get(rule.table or "")
    if table is None:
        return
    for parent in [ln for ln in table.lines if ln.level == rule.parent]:
        children = table.children(parent)
        if not children:
            continue
        for column in table.columns:
            if column not in parent.cells:
                continue
            below = [ch for ch in children if column in ch.cells]
            if _balanced(table, parent.cells[column], [(1, ch.cells[column]) for ch in below]):
                continue
            terms = [Term(table, ch, column) for ch in below]
            if (f := compare(rule, Term(table, parent, column), terms)) is not None:
                yield f


@kind("class_match")
def check_class_match(rule: Rule, tables: Tables) -> Iterator[Finding]:
    assert rule.left and rule.right
    _, left_kind, _, _ = _split(rule.left)
    _, right_kind, _, _ = _split(rule.right)
    left = resolve(rule.left, tables, None, None)
    right = resolve(rule.right, tables, None, None)
    if left is None or right is None:
        return
    by_code = {t.line.code: t for t in right}
    for term in left:
        other = by_code.pop(term.line.code, None)
        if (f := compare(rule, term, [other] if other else [])) is not None:
            if other is None:
                f.message = f"{rule.name}：{right_kind}中没有科目 {term.line.code}，而{left_kind}该行不为零"
            yield f
    for other in by_code.values():
        if other.value:
            yield Finding(
                rule=rule.id, severity=rule.severity, sheet=other.table.sheet, cell=a1(*other.pos),
                expected=None, actual=other.raw, difference=None, table=other.table.kind,
                message=f"{rule.name}：{left_kind}中没有与科目 {other.line.code} {other.line.label} 对应的类级行",
            )


@kind("subset")
def check_subset(rule: Rule, tables: Tables) -> Iterator[Finding]:
    whole = tables.get(rule.whole or "")
    parts = [tables[p] for p in rule.parts if p in tables]
    if whole is None or not parts:
        return
    seen: set[str] = set()
    for part in parts:
        for line in part.lines:
            if line.key in seen or not (line.code or line.level == "合计"):
                continue
            seen.add(line.key)
            whole_line = whole.line(line.key)
            if whole_line is None:
                if any(part.value(line, c) for c in rule.columns.values()):
                    yield Finding(
                        rule=rule.id, severity=rule.severity, sheet=part.sheet, cell=a1(*(line.anchor or (line.row, 0))),
                        message=f"{rule.name}：{whole.kind}中没有科目 {line.key} {line.label}", table=part.kind,
                    )
                continue
            others = [(p, p.line(line.key)) for p in parts if p is not part]
            for whole_col, part_col in rule.columns.items():
                if part_col not in line.cells or whole_col not in whole_line.cells:
                    continue
                terms = [Term(whole, whole_line, whole_col)]
                terms += [Term(p, ln, part_col, -1) for p, ln in others if ln is not None and part_col in ln.cells]
                if (f := compare(rule, Term(part, line, part_col), terms, op="<=")) is not None:
                    yield f


@kind("code_names")
def check_code_names(rule: Rule, tables: Tables) -> Iterator[Finding]:
    first: dict[str, tuple[Table, Line, str]] = {}
    for table in tables.values():
        for line in table.lines:
            if not line.code or line.anchor is None:
                continue
            if table.kind in ("公开01", "公开04"):
                continue  # class lines are matched to codes by these very names
            seen = first.setdefault(line.code, (table, line, line.label))
            if seen[2] == line.label:
                continue
            name = clean_label(line.label)
            if name and clean_label(seen[2]) != name:
                other_table, other_line, other_name = seen[0], seen[1], clean_label(seen[2])
                yield Finding(
                    rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*line.anchor), table=table.kind,
                    message=f"{rule.name}：科目 {line.code} 在{other_table.kind}中为“{other_name}”，在{table.kind}中为“{name}”",
                    related=[other_table.qualified(other_line.anchor)] if other_line.anchor else [],
                )


@kind("code_parent")
def check_code_parent(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for table in tables.values():
        codes = {ln.code for ln in table.lines if ln.code and not ln.side}
        for line in table.lines:
            if not line.code or line.side or len(line.code) == 3 or line.anchor is None:
                continue
            parent = line.code[:3] if len(line.code) == 5 else line.code[:5]
            if parent not in codes:
                yield Finding(
                    rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*line.anchor), table=table.kind,
                    message=f"{rule.name}：{line.code} {line.label} 的上级科目 {parent} 不在本表中（可能漏列了一行）",
                )


@kind("unknown_rows")
def check_unknown_rows(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for table in tables.values():
        for line in table.lines:
            if line.level == "未识别" and line.anchor is not None:
                yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*line.anchor),
                              table=table.kind, message=f"{rule.name}：“{line.label}”")


_NO_DATA_WORDS = ("无数据", "没有", "不涉及", "无此")


@kind("empty_note")
def check_empty_note(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for name in rule.tables:
        table = tables.get(name)
        if table is None or any(table.values.values()):
            continue
        if not any(w in note for note in table.notes for w in _NO_DATA_WORDS):
            yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*table.title_cell),
                          table=table.kind, message=f"{rule.name}（如“本部门本年度没有……，故本表无数据。”）")


def _issues(code: str) -> Check:
    def check(rule: Rule, tables: Tables) -> Iterator[Finding]:
        for table in tables.values():
            for issue, pos, raw, value in table.issues:
                if issue == code:
                    yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*pos), table=table.kind,
                                  expected=value, message=f"{rule.name}：“{raw}”")
    return check


KINDS["text_number"] = _issues("V01")
KINDS["not_a_number"] = _issues("V02")


@kind("negative")
def check_negative(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for table in tables.values():
        for pos, value in table.values.items():
            if value is not None and value < 0:
                yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*pos), table=table.kind,
                              actual=value, message=rule.name)


def run(rules: tuple[Rule, ...], tables: Tables) -> list[Finding]:
    """Every rule over the tables; unknown kinds are a programming error caught by the catalogue test."""
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(KINDS[rule.kind](rule, tables))
    return findings
