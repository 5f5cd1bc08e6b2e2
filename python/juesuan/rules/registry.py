"""Where rule kinds are registered: identity kinds state equations, check kinds yield findings directly."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..findings import Finding
from ..gongkai.tables import Table
from .identities import IdentitySet
from .model import Rule

__all__ = ["CHECK_KINDS", "IDENTITY_KINDS", "Tables", "check_kind", "identity_kind", "known_kinds"]

Tables = dict[str, Table]
IdentityKind = Callable[[Rule, Tables], list[IdentitySet]]
CheckKind = Callable[[Rule, Tables], Iterator[Finding]]
IDENTITY_KINDS: dict[str, IdentityKind] = {}
CHECK_KINDS: dict[str, CheckKind] = {}


def identity_kind(name: str) -> Callable[[IdentityKind], IdentityKind]:
    def register(fn: IdentityKind) -> IdentityKind:
        IDENTITY_KINDS[name] = fn
        return fn

    return register


def check_kind(name: str) -> Callable[[CheckKind], CheckKind]:
    def register(fn: CheckKind) -> CheckKind:
        CHECK_KINDS[name] = fn
        return fn

    return register


def known_kinds() -> frozenset[str]:
    """Every kind a catalogue rule may name (a kind may both state identities and check, e.g. class_match);
    ``localise`` rules are the findings the engine adds when it points at a suspect cell or a missing row;
    ``uncached`` ones are reported per sheet from what the reader could not read (``check.uncached_findings``)."""
    return frozenset(IDENTITY_KINDS) | frozenset(CHECK_KINDS) | {"localise", "uncached"}
