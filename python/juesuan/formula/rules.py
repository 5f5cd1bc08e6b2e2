"""审核公式 as rules: a user's formulas (基本平衡 / 逻辑性 / 核实性) and the built-in catalogue's formula forms,
evaluated over the recognised tables into findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..findings import CellRef, Finding, Severity
from ..grid import a1
from ..rules.model import Rule
from ..gongkai import Table
from .binding import BindError, FormulaTable, NotApplicable, table_kind
from .evaluate import comparisons, judge
from .gongkai import formula_tables
from .syntax import Formula, parse_many

__all__ = ["FAMILIES", "FormulaRule", "check_formula_rules", "catalogue_formula_findings", "family_of"]

#: 类型 of a formula -> severity of a failure (juesuan-tables.md §11.2): 基本平衡 and 逻辑性 must pass, 核实性
#: failures need a 说明.
FAMILIES = {"基本平衡": Severity.error, "逻辑性": Severity.error, "核实性": Severity.warning}


@dataclass(frozen=True)
class FormulaRule:
    """One row of a 审核公式 list: 编号, the parsed formulas of its 公式 cell, 类型 and the optional 说明.
    ``origin`` is the 公式 cell when the list is a sheet of the checked workbook (problems are marked there)."""

    id: str
    formulas: tuple[Formula, ...]
    family: str
    note: str = ""
    origin: CellRef | None = None

    @property
    def severity(self) -> Severity:
        return FAMILIES[self.family]

    @property
    def name(self) -> str:
        return self.note or f"{self.family}公式不成立"


def family_of(rule: Rule) -> str:
    """The 类型 a built-in rule is exported with: cross-table rules (X…) are 逻辑性, in-table ones 基本平衡."""
    return "逻辑性" if rule.id.startswith("X") else "基本平衡"


def _evaluate(formulas: Iterable[Formula], tables: Mapping[str, FormulaTable], *, rule: str, name: str,
              severity: Severity, rounding_severity: Severity = Severity.warning) -> list[Finding]:
    found = []
    for formula in formulas:
        words = formula.text
        if formula.refs and not any(bracket in words for bracket in "[【［"):
            words = f"[{formula.refs[0].table}]{words}"  # the table it took over from the formula before
        for comparison in comparisons(formula, tables):
            finding = judge(comparison, rule=rule, name=name, words=words, severity=severity,
                            rounding_severity=rounding_severity)
            if finding is not None:
                found.append(finding)
    return found


def catalogue_formula_findings(rules: Iterable[Rule], tables: Mapping[str, Table]) -> list[Finding]:
    """The findings of the built-in rules' formula forms: what the rules engine will report once evaluation is
    switched over to the language. A formula whose table is missing is skipped, as the kinds skip it; one that
    does not bind is a defect of the catalogue and raises."""
    views = formula_tables(tables)
    found = []
    for rule in rules:
        if rule.formula is None:
            continue
        formulas, _ = parse_many(rule.formula, rule.id)
        try:
            found += _evaluate(formulas, views, rule=rule.id, name=rule.name, severity=rule.severity,
                               rounding_severity=rule.rounding_severity)
        except NotApplicable:
            continue
    return found


def check_formula_rules(rules: Iterable[FormulaRule], tables: Mapping[str, Table]) -> list[Finding]:
    """The findings of a user's formulas. A formula that names no cell of this workbook is a warning where it
    is written (in a 审核公式 sheet), else on the title of the first table it names; formulas that cannot apply
    here (a missing table, a 封面 attribute such as 报表小类) are said once per reason, as info, where the first
    of them is written or on the workbook's first table."""
    views = formula_tables(tables)
    findings: list[Finding] = []
    not_applicable: dict[str, list[FormulaRule]] = defaultdict(list)
    for rule in rules:
        try:
            findings += _evaluate(rule.formulas, views, rule=rule.id, name=rule.name, severity=rule.severity)
        except NotApplicable as exc:
            not_applicable[str(exc)].append(rule)
        except BindError as exc:
            place = _place(rule, tables) or _first_table(tables)
            if place is not None:
                findings.append(Finding(rule=rule.id, severity=Severity.warning, sheet=place.sheet, cell=place.cell,
                                        message=f"公式 {rule.id} 未能检查：{exc}"))
    for reason, skipped in not_applicable.items():
        place = next((r.origin for r in skipped if r.origin is not None), _first_table(tables))
        if place is not None:
            ids = "、".join(r.id for r in skipped)
            findings.append(Finding(rule=skipped[0].id, severity=Severity.info, sheet=place.sheet, cell=place.cell,
                                    message=f"{reason}，以下公式不适用、未检查：{ids}"))
    return findings


def _place(rule: FormulaRule, tables: Mapping[str, Table]) -> CellRef | None:
    """Where a problem with a formula is shown: its own cell in a 审核公式 sheet, else the title of the first
    table it names."""
    if rule.origin is not None:
        return rule.origin
    for formula in rule.formulas:
        for ref in formula.refs:
            table = tables.get(table_kind(ref.table) or "") if ref.table else None
            if table is not None:
                return CellRef(sheet=table.sheet, cell=a1(*table.title_cell))
    return None


def _first_table(tables: Mapping[str, Table]) -> CellRef | None:
    table = next(iter(tables.values()), None)
    return CellRef(sheet=table.sheet, cell=a1(*table.title_cell)) if table is not None else None
