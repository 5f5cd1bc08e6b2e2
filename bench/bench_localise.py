"""Fault-injection harness (issue #8): random single and double faults in the real 贵州 2023 tables; how many are
detected, and how often the suspect cell the checker names is the cell that was changed.

Usage: python bench/bench_localise.py [faults] [seed]   (default 300 faults, seed 8)
Prints the figures per fault kind and the faults that were missed or mislocated. The thresholds (detection
100 %, suspect = changed cell in ≥ 90 % of single-cell faults) are asserted on a fixed-seed subset in
tests/test_localise.py.
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from juesuan import check_file  # noqa: E402
from juesuan.findings import Finding, Report  # noqa: E402
from juesuan.grid import parse_a1  # noqa: E402
from workbooks.build import build_workbook, load_seed_tables, where  # noqa: E402
from workbooks.faults import Change, Fault, random_fault  # noqa: E402


@dataclass
class Outcome:
    faults: list[Fault]
    detected: list[bool]
    located: bool | None  # for a single-cell fault: was the suspect the changed cell


def _cells(finding: Finding) -> set[tuple[str, str]]:
    cells = {(finding.sheet, finding.cell)}
    cells |= {tuple(ref.rsplit("!", 1)) for ref in finding.related}  # type: ignore[misc]
    if finding.suspect is not None:
        cells.add((finding.suspect.sheet, finding.suspect.cell))
    return cells


def _identity(finding: Finding) -> tuple:
    return (finding.rule, finding.sheet, finding.cell, finding.expected, finding.actual)


def _place(tables, change: Change) -> tuple[str, str]:
    return where(tables, change.table, change.row, change.column)


def _found(fault: Fault, tables, new: list[Finding]) -> bool:
    """A new finding names one of the changed cells (or, for a deleted row, a cell on its parent's row)."""
    if fault.deleted is not None:
        sheet, cell = _place(tables, fault.deleted)
        row = parse_a1(cell)[0]
        return any(f.sheet == sheet and parse_a1(f.cell)[0] == row for f in new)
    targets = {_place(tables, change) for change in fault.changes}
    return any(_cells(f) & targets for f in new)


def run_one(rng: random.Random, baseline: set, double: bool, folder: Path) -> Outcome:
    tables = load_seed_tables()
    faults = [random_fault(tables, rng)]
    if double:
        faults.append(random_fault(tables, rng))
    path = folder / "fault.xlsx"
    build_workbook(tables).save(path)
    report: Report = check_file(path)
    new = [f for f in report.findings if _identity(f) not in baseline]
    detected = [_found(fault, tables, new) for fault in faults]
    located = None
    if not double and faults[0].single:
        target = _place(tables, faults[0].changes[0])
        located = any(f.rule == "L01" and (f.sheet, f.cell) == target for f in new)
    return Outcome(faults, detected, located)


def harness(count: int, seed: int, double_share: float = 0.25) -> list[Outcome]:
    rng = random.Random(seed)
    tables = load_seed_tables()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_workbook(tables).save(folder / "base.xlsx")
        base = check_file(folder / "base.xlsx")
        baseline = {_identity(f) for f in base.findings}
        return [run_one(rng, baseline, rng.random() < double_share, folder) for _ in range(count)]


def summary(outcomes: list[Outcome]) -> tuple[float, float]:
    """(share of faults detected, share of single-cell faults located)."""
    detected = [d for o in outcomes for d in o.detected]
    singles = [o.located for o in outcomes if o.located is not None]
    return sum(detected) / len(detected), (sum(singles) / len(singles)) if singles else 1.0


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else 300
    seed = int(argv[1]) if len(argv) > 1 else 8
    outcomes = harness(count, seed)
    by_kind: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for o in outcomes:
        for fault, hit in zip(o.faults, o.detected):
            by_kind[fault.kind] += 1
            found[fault.kind] += hit
    detection, location = summary(outcomes)
    singles = sum(1 for o in outcomes if o.located is not None)
    print(f"故障 {count} 个（双故障 {sum(len(o.faults) > 1 for o in outcomes)} 个），种子 {seed}")
    for kind, n in by_kind.most_common():
        print(f"  {kind:<10} {found[kind]}/{n} 检出")
    print(f"检出率 {detection:.1%}；单元格故障 {singles} 个，疑似单元格正确 {location:.1%}")
    for o in outcomes:
        for fault, hit in zip(o.faults, o.detected):
            if not hit:
                print("  未检出：", fault.description)
        if o.located is False:
            print("  未定位：", o.faults[0].description)


if __name__ == "__main__":
    main(sys.argv[1:])
