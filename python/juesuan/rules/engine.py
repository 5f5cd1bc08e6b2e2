"""Running a catalogue: every identity evaluated, every check run, failures localised, one list of findings."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding
from . import structure  # noqa: F401  (registers the structure checks)
from .identities import IdentitySet
from .kinds import finding_of
from .localise import Diagnosis, apply, diagnose
from .model import Rule
from .registry import CHECK_KINDS, IDENTITY_KINDS, Tables

__all__ = ["Evaluation", "evaluate", "run"]


@dataclass
class Evaluation:
    """The outcome of a catalogue on a workbook's tables: the identity sets (holding or not), the findings and
    what localisation made of the failures."""

    sets: list[IdentitySet]
    findings: list[Finding]
    diagnoses: list[Diagnosis]

    @property
    def evaluated(self) -> int:
        """How many identities were evaluated in all."""
        return sum(len(s) for s in self.sets)


def evaluate(rules: tuple[Rule, ...], tables: Tables) -> Evaluation:
    sets: list[IdentitySet] = []
    checked: list[Finding] = []
    for rule in rules:
        if rule.kind in IDENTITY_KINDS:
            sets += IDENTITY_KINDS[rule.kind](rule, tables)
        if rule.kind in CHECK_KINDS:
            checked += CHECK_KINDS[rule.kind](rule, tables)
    broken = [identity for s in sets for identity in s.broken()]
    by_identity = {(i.rule.id, i.target.key): finding_of(i) for i in broken}
    diagnoses = diagnose([i for i in broken if i.failing], sets)
    added = apply(diagnoses, by_identity, {r.id: r for r in rules})
    return Evaluation(sets, added + list(by_identity.values()) + checked, diagnoses)


def run(rules: tuple[Rule, ...], tables: Tables) -> list[Finding]:
    """Every rule over the tables; unknown kinds are a programming error caught by the catalogue test."""
    return evaluate(rules, tables).findings
