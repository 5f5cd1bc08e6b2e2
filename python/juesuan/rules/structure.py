"""Checks of the tables' structure rather than their sums: codes and names across tables, parents present,
rows the recogniser could not place.

The 公开02/03/05 tables list the same 功能分类 codes; a code one table prints where the others print a twin
(the same name, two digits swapped) is a mistyped code, and a 款 printed without any 项 under it (while the
table lists 项 elsewhere) is most often a 项 row deleted by mistake.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..gongkai.tables import Line, Table
from ..grid import a1
from ..layout import clean_label
from .model import Rule
from .names import NAMED_TABLES, name_findings
from .registry import Tables, check_kind

__all__: list[str] = []

#: Tables expected to list the same 功能分类 codes (公开05 a subset, 公开02 by income, but in practice alike).
SIBLINGS = ("公开02", "公开03", "公开05")


@check_kind("code_names")
def check_code_names(rule: Rule, tables: Tables) -> Iterator[Finding]:
    yield from name_findings(rule, tables)


@check_kind("code_parent")
def check_code_parent(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for table in tables.values():
        coded = [ln for ln in table.lines if ln.code and not ln.block.side]
        codes = {ln.code for ln in coded}
        for line in coded:
            if len(line.code) == 3:  # type: ignore[arg-type]
                continue
            parent = line.code[:-2]  # type: ignore[index]
            if parent not in codes:
                yield Finding(
                    rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*line.anchor), table=table.kind,
                    message=f"{rule.name}：{line.code} {line.label} 的上级科目 {parent} 不在本表中（可能漏列了一行）",
                )


@check_kind("unknown_rows")
def check_unknown_rows(rule: Rule, tables: Tables) -> Iterator[Finding]:
    for table in tables.values():
        for line in table.lines:
            if line.level == "未识别":
                yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*line.anchor),
                              table=table.kind, message=f"{rule.name}：“{line.label}”")


def _near(a: str, b: str) -> bool:
    """Two codes one slip apart: a digit changed or two neighbouring digits swapped."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])


@check_kind("code_twins")
def check_code_twins(rule: Rule, tables: Tables) -> Iterator[Finding]:
    """A code only one sibling table prints, where the others print its twin: the same name, one slip apart."""
    if sum(kind in tables for kind in SIBLINGS) < 2:
        return
    present = {kind: {ln.code: ln for ln in tables[kind].lines if ln.code} for kind in SIBLINGS if kind in tables}
    for kind, lines in present.items():
        others = [k for k in present if k != kind]
        for code, line in lines.items():
            if any(code in present[k] for k in others):
                continue
            name = clean_label(line.label)
            twins = {(other.code, k) for k in others for other in present[k].values()
                     if other.code not in lines and _near(code, other.code) and clean_label(other.label) == name}
            if len({c for c, _ in twins}) != 1:
                continue
            twin = next(iter(twins))[0]
            where = "、".join(sorted(k for _, k in twins))
            table = tables[kind]
            yield Finding(
                rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*line.anchor), table=kind,
                message=f"{rule.name}：本表的 {code} {line.label} 在{where}中为 {twin}，疑为代码输错",
                related=[tables[k].qualified(present[k][twin].anchor) for _, k in sorted(twins, key=lambda t: t[1])],
            )


def _items_under(table: Table) -> dict[str, list[Line]]:
    under: dict[str, list[Line]] = {}
    for line in table.lines:
        if line.code and len(line.code) == 7:
            under.setdefault(line.code[:5], []).append(line)
    return under


@check_kind("childless_kuan")
def check_childless_kuan(rule: Rule, tables: Tables) -> Iterator[Finding]:
    """A 款 with amounts but no 项 under it, in a table that lists 项 under its other 款."""
    for kind in NAMED_TABLES:
        table = tables.get(kind)
        if table is None:
            continue
        under = _items_under(table)
        if not under:
            continue
        for line in table.lines:
            if line.code and len(line.code) == 5 and line.code not in under and any(table.units[c][line.index] for c in table.columns):
                elsewhere = sorted({k for k in SIBLINGS if k != kind and k in tables and line.code in _items_under(tables[k])})
                hint = f"（{'、'.join(elsewhere)}在其下列有项级科目）" if elsewhere else ""
                yield Finding(rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*line.anchor), table=kind,
                              message=f"{rule.name}：{line.code} {line.label}{hint}")
