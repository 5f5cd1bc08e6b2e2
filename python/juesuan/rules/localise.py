"""Pointing at the cell that is wrong.

One mistyped amount breaks several identities at once (its row sum, its column's 款/类/合计, a cross-table
equality). Failing identities that share cells or a row form a group; a cell explains the group when it takes
part in every identity of the group, one correction of it makes all of them hold, and that correction breaks
no identity that holds now (a cell in a holding identity is exonerated). Where exactly one cell is left, it is
the suspect and its corrected value is known; where several are left the group says "差额 X 来自以下 N 个单元格
之一"; where the failures are all the sums of one parent across its columns, a row seems to be missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..findings import CellRef, Finding
from ..grid import a1
from ..numbers import money
from .identities import Cell, CellKey, Identity, IdentitySet
from .model import Rule

__all__ = ["Diagnosis", "apply", "diagnose", "typo"]

MAX_LISTED = 8  # candidate cells named in a message


@dataclass
class Diagnosis:
    """What one group of failing identities points at."""

    identities: list[Identity]
    suspect: Cell | None = None
    corrected: Decimal | None = None
    candidates: list[Cell] = field(default_factory=list)
    missing_row: bool = False
    table: str | None = None  # the one table every identity touches, when the group spans tables
    typo: str | None = None  # how the printed value mistypes the corrected one (数字颠倒 …), when it does


def _ident(identity: Identity) -> tuple[str, CellKey]:
    return (identity.rule.id, identity.target.key)


def _groups(failing: list[Identity]) -> list[list[Identity]]:
    """Union of identities that share a cell or the row of their target (a row missing under a 款 breaks the
    款's sum in several columns, which share no cell)."""
    parent = list(range(len(failing)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[object, int] = {}
    for i, identity in enumerate(failing):
        keys: list[object] = [cell.key for cell in identity.cells()]
        keys.append(("row", identity.target.table.sheet, identity.target.line.row, identity.target.line.block.name))
        for key in keys:
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[Identity]] = {}
    for i, identity in enumerate(failing):
        groups.setdefault(find(i), []).append(identity)
    return list(groups.values())


def _change(group: list[Identity], key: CellKey) -> Decimal | None:
    """The change of a cell that makes every identity of the group hold, or None. Each equality proposes the
    change that makes it exact; of those that make all hold, the one that makes most of them exact wins (the
    others then hold within 尾数误差), so the corrected value is the one most tables agree on."""
    proposals = {-i.diff / i.coefficient(key) for i in (g for g in group if g.op == "=")} or {
        -i.diff / i.coefficient(key) for i in group}
    working = sorted((c for c in proposals if all(i.holds_after(key, c) for i in group)), key=abs)

    def exact(change: Decimal) -> int:
        return sum(1 for i in group if i.diff + i.coefficient(key) * change == 0)

    return max(working, key=exact) if working else None


def _candidates(group: list[Identity], sets: list[IdentitySet]) -> list[tuple[Cell, Decimal]]:
    cells: dict[CellKey, Cell] = {cell.key: cell for cell in group[0].cells()}
    common = set(cells)
    for identity in group[1:]:
        common &= {cell.key for cell in identity.cells()}
    members = {_ident(i) for i in group}
    found = []
    for key in sorted(common):
        if any(i.coefficient(key) == 0 for i in group):
            continue
        change = _change(group, key)
        if change is None:
            continue
        holding = (h for s in sets for h in s.containing(key) if _ident(h) not in members)
        if all(h.holds_after(key, change) for h in holding):
            found.append((cells[key], change))
    return found


def _is_missing_row(group: list[Identity]) -> bool:
    """Every failure is the sum of one parent line over its children, in two or more columns."""
    targets = {(i.target.table.kind, i.target.line.index) for i in group}
    return len(group) > 1 and len(targets) == 1 and all(i.rule.kind == "hierarchy" for i in group)


def typo(printed: Decimal, meant: Decimal) -> str | None:
    """How ``printed`` could be a mistyping of ``meant``: 数字颠倒 (two neighbouring digits swapped), 多输一位 /
    漏输一位 (a digit too many or too few), 错输一位 (one digit wrong), 小数点错位 (ten times too big or small),
    符号错误 (the sign); ``None`` when it is no single slip of the hand."""
    if printed == -meant:
        return "符号错误"
    if meant and printed in (meant * 10, meant / 10):
        return "小数点错位"
    a, b = (f"{abs(v):.2f}".replace(".", "").lstrip("0") for v in (printed, meant))
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return "错输一位"
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return "数字颠倒"
        return None
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if len(longer) == len(shorter) + 1 and any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer))):
        return "多输一位" if longer is a else "漏输一位"
    return None


#: Slips by how telling they are: a swap, a shifted decimal point, a digit too many or too few point at their cell
#: far more surely than one wrong digit, which many cells could show.
_TELLING = ("数字颠倒", "小数点错位", "多输一位", "漏输一位", "符号错误")


def _slip(cell: Cell, change: Decimal, bound: Decimal, kinds: tuple[str, ...] | None = None) -> tuple[int, str] | None:
    """The slip that makes the cell's printed value out of its corrected one, and how far (in cents) the
    corrected value had to move for it: up to the group's rounding bound, since a total may be rounded on its own.
    ``kinds`` limits the slips looked for."""
    meant = cell.value + change
    steps = int(bound * 100)
    for k in sorted(range(-steps, steps + 1), key=abs):
        found = typo(cell.value, meant + Decimal(k) / 100)
        if found and (kinds is None or found in kinds):
            return abs(k), found
    return None


def _likeliest(candidates: list[tuple[Cell, Decimal]], bound: Decimal) -> list[tuple[Cell, Decimal]]:
    """Among cells that each explain a group alike, the one whose printed value is the closest telling slip of
    its corrected value (an accountant's first guess when a difference divides by 9, or is nine times a value),
    else the closest slip of any kind, else the one negative amount; all of them when that does not single one
    out."""
    for kinds in (_TELLING, None):
        slips = [(found[0], c, d) for c, d in candidates if (found := _slip(c, d, bound, kinds))]
        if slips:
            nearest = min(distance for distance, _, _ in slips)
            chosen = [(c, d) for distance, c, d in slips if distance == nearest]
            return chosen if len(chosen) == 1 else candidates
    negative = [(c, d) for c, d in candidates if c.value < 0]
    return negative if len(negative) == 1 else candidates


def diagnose(failing: list[Identity], sets: list[IdentitySet]) -> list[Diagnosis]:
    out = []
    for group in _groups(failing):
        diagnosis = Diagnosis(group)
        candidates = _candidates(group, sets)
        touched = set.intersection(*({c.table.kind for c in i.cells()} for i in group))
        if len(candidates) > 1 and len(touched) == 1:
            preferred = [(c, d) for c, d in candidates if c.table.kind in touched]
            candidates = preferred or candidates
        if len(candidates) > 1:
            candidates = _likeliest(candidates, max(i.bound for i in group))
        if len(candidates) == 1:
            diagnosis.suspect, change = candidates[0]
            if any(i.op == "=" for i in group):
                diagnosis.corrected = diagnosis.suspect.value + change
                slip = _slip(diagnosis.suspect, change, max(i.bound for i in group))
                diagnosis.typo = slip[1] if slip else None
        elif candidates:
            diagnosis.candidates = [c for c, _ in candidates]
        elif _is_missing_row(group):
            diagnosis.missing_row = True
        if len({c.table.kind for i in group for c in i.cells()}) > 1 and len(touched) == 1:
            diagnosis.table = next(iter(touched))
        out.append(diagnosis)
    return out


def _cell_name(cell: Cell) -> str:
    return cell.table.qualified(cell.pos)


def apply(diagnoses: Iterable[Diagnosis], findings: dict[tuple[str, CellKey], Finding], rules: dict[str, Rule]) -> list[Finding]:
    """Write each diagnosis into the findings of its identities (``findings`` keyed like the identities) and
    return the findings it adds: the suspect cell (L01) or the missing row (L02)."""
    added: list[Finding] = []
    for d in diagnoses:
        mine = [findings[_ident(i)] for i in d.identities if _ident(i) in findings]
        if d.suspect is not None:
            cell = d.suspect
            ref = CellRef(sheet=cell.table.sheet, cell=a1(*cell.pos))
            for f in mine:
                f.suspect, f.corrected = ref, d.corrected
                if f.cell != ref.cell or f.sheet != ref.sheet:
                    f.message += f"（疑为 {_cell_name(cell)} 有误）"
            rule = rules["L01"]
            should = f"应为 {money(d.corrected)}{f'（疑为{d.typo}）' if d.typo else ''}，" if d.corrected is not None else ""
            added.append(Finding(
                rule=rule.id, severity=rule.severity, sheet=ref.sheet, cell=ref.cell, table=cell.table.kind,
                expected=d.corrected, actual=cell.raw,
                difference=None if d.corrected is None else cell.value - d.corrected,
                message=f"{rule.name}：{should}改正后以下 {len(mine)} 条勾稽关系都成立：" + "；".join(sorted({f.rule for f in mine})),
                related=[f"{f.sheet}!{f.cell}" for f in mine if (f.sheet, f.cell) != (ref.sheet, ref.cell)],
                suspect=ref, corrected=d.corrected,
            ))
        elif d.candidates:
            names = "、".join(_cell_name(c) for c in d.candidates[:MAX_LISTED])
            more = f" 等 {len(d.candidates)} 个" if len(d.candidates) > MAX_LISTED else ""
            for f in mine:
                f.message += f"（差额 {money(f.difference or Decimal(0))} 来自以下 {len(d.candidates)} 个单元格之一：{names}{more}）"
        elif d.missing_row:
            target = d.identities[0].target
            line = target.line
            rule = rules["L02"]
            gaps = "；".join(f"{i.target.column} {money(i.diff)}" for i in d.identities)
            added.append(Finding(
                rule=rule.id, severity=rule.severity, sheet=target.table.sheet, cell=a1(*line.anchor), table=target.table.kind,
                message=f"{rule.name}：{line.code or line.key} {line.label} 比其下各行之和多出 {gaps}，"
                        "没有哪一个单元格的改正能解释这些差额，疑似漏列了一行",
                related=[f"{f.sheet}!{f.cell}" for f in mine],
            ))
        elif d.table is not None:
            for f in mine:
                f.message += f"（各表内部平衡，问题可能在{d.table}）"
    return added
