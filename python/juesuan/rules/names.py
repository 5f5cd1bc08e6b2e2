"""科目名称 across tables: the same 科目代码 must carry the same name in 公开02/03/05/07/08.

When the names differ, the name most tables print wins (or the official name, where the code list knows it),
and the finding marks the 科目名称 cell of each table that prints another - not the code cell, and not merely
the table that happened to be read second. With no majority and no official name, every variant is marked and
the message says that it cannot tell which is right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..findings import Finding
from ..gongkai.tables import CLASS_CODES, Line, Table
from ..grid import a1
from ..layout import clean_label
from .model import Rule

__all__ = ["OFFICIAL_NAMES", "name_findings"]

#: 功能分类 类 names as the official code list prints them (the 款/项 lists are not bundled).
OFFICIAL_NAMES: dict[str, str] = {}
for _name, _code in CLASS_CODES.items():
    OFFICIAL_NAMES.setdefault(_code, f"{_name}支出")

#: Tables that print 功能分类 codes with their names (公开01/04 name classes by their labels; 公开06 is 经济分类).
NAMED_TABLES = ("公开02", "公开03", "公开05", "公开07", "公开08")


def _name_cell(line: Line) -> tuple[int, int]:
    return (line.row, line.name_col if line.name_col is not None else line.anchor_col)


def name_findings(rule: Rule, tables: dict[str, Table]) -> Iterator[Finding]:
    named = [tables[kind] for kind in NAMED_TABLES if kind in tables]
    if len(named) < 2:
        return
    printed: dict[str, list[tuple[Table, Line]]] = {}
    for table in named:
        for line in table.lines:
            if line.code and line.label:
                printed.setdefault(line.code, []).append((table, line))
    for code, lines in printed.items():
        if len(lines) < 2 or len({line.label for _, line in lines}) < 2:
            continue
        entries = [(table, line, clean_label(line.label)) for table, line in lines]
        names = Counter(name for _, _, name in entries)
        if len(names) < 2:
            continue
        ranked = names.most_common()
        official = OFFICIAL_NAMES.get(code)
        if official in names:
            right: str | None = official
        elif ranked[0][1] > ranked[1][1]:
            right = ranked[0][0]
        else:
            right = None
        for table, line, name in entries:
            if name == right:
                continue
            others = [(t, ln) for t, ln, n in entries if n != name]
            where = "、".join(sorted({t.kind for t, _ in others}))
            if right is not None:
                basis = "代码表的规范名称" if right == official else "多数表"
                message = f"{rule.name}：科目 {code} 在{table.kind}中为“{name}”，在{where}中为“{right}”（以{basis}为准）"
            else:
                variants = "、".join(f"“{n}”" for n in names)
                message = f"{rule.name}：科目 {code} 在各表中的名称不一致（{variants}），无法判断哪一个正确，请核对"
            yield Finding(
                rule=rule.id, severity=rule.severity, sheet=table.sheet, cell=a1(*_name_cell(line)), table=table.kind,
                message=message, related=[t.qualified(_name_cell(ln)) for t, ln in others],
            )
