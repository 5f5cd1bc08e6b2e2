"""The 绩效 half of the layout matrix (issue 7): the published tables rendered under every layout feature and every
pair of features (workbooks/perf_variants.py), in memory. On every variant:

* every table is recognised, with the right family (and the template, or an inferred profile where the
  header words belong to no template);
* the findings are exactly those of the same table as printed – the documented inconsistencies of
  perf-scoring.md §5 (checked against the document in test_perf_checks.py) – plus the one layout finding a
  feature calls for (the contradicted header order, the inferred profile), at the same place of the table;
* an injected fault – a wrong 执行率, a wrong 得分, a wrong 总分, a deleted indicator row, a wrong 完成率, and for
  绩效目标表 a wrong 资金总额 and an empty 指标值 – is found at its cell.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import pytest

from juesuan.grid import parse_a1
from juesuan.numbers import parse_number
from juesuan.perf.checks import check_table
from juesuan.perf.indicator import MET, completion
from juesuan.perf.model import DEPT, PROJECT, TARGET_DEPT, TARGET_PROJECT, PerfTable, Pos
from juesuan.perf.recognise import recognise_perf
from juesuan.read import read_workbook
from test_perf_recognise import SAMPLES, sample_tables, seed_tables
from workbooks.make_perf_samples import load_targets
from workbooks.perf_variants import Variant, grids, seeds_for, variants

VARIANTS = variants()
Key = tuple[str, str, tuple]


def _places(table: PerfTable) -> dict[Pos, tuple]:
    """Every cell a finding may point at, by its place in the table (the same in every layout)."""
    places: dict[Pos, tuple] = {}
    for i, fund in enumerate(table.funds):
        for key, pos in fund.cells.items():
            places.setdefault(pos, ("fund", i, key))
    for i, row in enumerate(table.indicators):
        for key, pos in row.cells.items():
            places.setdefault(pos, ("ind", i, key))
    if table.total is not None:
        for key, pos in table.total.cells.items():
            places.setdefault(pos, ("total", key))
    for group in table.groups:
        if group.label_pos is not None:
            places.setdefault(group.label_pos, ("group", group.name))
    for key, col in table.indicator_columns.items():
        places.setdefault((table.indicator_header_row, col), ("header", key))
    if table.conclusion is not None:
        places.setdefault(table.conclusion[0], ("conclusion",))
    places.setdefault(table.top_left, ("top",))
    return places


def findings_by_place(table: PerfTable) -> Counter[Key]:
    places = _places(table)
    return Counter((f.rule, f.severity.name, places.get(parse_a1(f.cell), ("cell", f.cell)))
                   for f in check_table(table))


@cache
def seeds() -> tuple[list[dict], list[dict]]:
    return list(seed_tables()), load_targets()


@cache
def printed_tables() -> dict[str, PerfTable]:
    """Every published table as printed in the sample workbooks, by seed id."""
    targets = [t for grid in read_workbook(SAMPLES / "perf_liuzhi_2023.xlsx") for t in recognise_perf(grid)]
    assert len(targets) == len(seeds()[1])
    return {**sample_tables(), **{seed["id"]: t for seed, t in zip(seeds()[1], targets)}}


@cache
def baseline() -> dict[str, Counter[Key]]:
    return {seed_id: findings_by_place(table) for seed_id, table in printed_tables().items()}


def _family(seed: dict) -> str:
    if seed["format"] == "lzt_target":
        return TARGET_DEPT if seed["kind"] == "dept" else TARGET_PROJECT
    return DEPT if seed["format"].endswith("_dept") else PROJECT


def _unknown(variant: Variant, seed: dict) -> bool:
    """The header words of no template: 贵州 and 株洲 layouts (泸州's 指标性质 column always tells)."""
    return variant.has("unknown") and seed["format"][:2] in ("gz", "zz")


def expected_findings(variant: Variant, seed: dict) -> Counter[Key]:
    expected = Counter(baseline()[seed["id"]])
    if seed["format"] != "lzt_target":
        if variant.has("swapped"):
            expected[("P-LAYOUT-ORDER", "error", ("header", "actual"))] += 1
        if _unknown(variant, seed):
            expected[("P-PROFILE-INFERRED", "info", ("total", "score"))] += 1
    return expected


def recognised(variant: Variant, tables: list[dict]) -> list[PerfTable]:
    return [t for grid in grids(tables, variant) for t in recognise_perf(grid)]


@pytest.mark.parametrize("index", range(len(VARIANTS)), ids=[v.name for v in VARIANTS])
def test_every_variant_checks_like_the_printed_tables(index: int) -> None:
    variant = VARIANTS[index]
    chosen = seeds_for(index, *seeds())
    found = recognised(variant, chosen)
    assert [_family(s) for s in chosen] == [t.family for t in found]
    for seed, table in zip(chosen, found):
        fmt = "inferred" if _unknown(variant, seed) else seed["format"]
        assert table.format == fmt, (variant.name, seed["id"])
        assert findings_by_place(table) == expected_findings(variant, seed), (variant.name, seed["id"])


def test_the_matrix_renders_every_published_table() -> None:
    assert len(VARIANTS) == 1 + 10 + 45
    rendered = {s["id"] for i in range(len(VARIANTS)) for s in seeds_for(i, *seeds())}
    assert rendered == {s["id"] for s in seeds()[0] + seeds()[1]}


# ---------------------------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    """One injected fault: which seeds it fits, how it changes a seed, and the rule and place it must be found
    at (a function of the recognised table, so that it follows the variant's layout)."""

    name: str
    fits: Callable[[dict], bool]
    inject: Callable[[dict], dict]
    found_at: Callable[[PerfTable, dict], list[tuple[str, Pos]]]


def _shifted(printed: str, delta: Decimal) -> str:
    """A printed number moved by ``delta`` with its decimals and ``%`` kept."""
    percent = printed.endswith("%")
    digits = printed.rstrip("%")
    places = len(digits.partition(".")[2])
    value = Decimal(digits) + delta
    return f"{value:.{places}f}" + ("%" if percent else "")


def _number(printed: object) -> Decimal | None:
    try:
        return parse_number(printed)
    except ValueError:
        return None


def _no_finding_at(seed: dict, *place: tuple) -> bool:
    return not any(key[2] in place for key in baseline()[seed["id"]])


def _scored_fund(seed: dict) -> dict | None:
    """The 资金总额 row that carries the 预算执行 分值 and a printed 执行率 over a non-zero budget."""
    rows = seed.get("budget_rows") or []
    return next((r for r in rows if "总额" in r["label"] and _number(r.get("weight")) and r.get("exec_rate")
                 and _number(r.get("full_year_budget_A"))), None)


def _fund_pos(table: PerfTable, key: str) -> Pos:
    fund = next(f for f in table.funds if f.kind == "total" and "weight" in f.cells)
    return fund.cells[key]


def _met_full_row(seed: dict) -> int | None:
    """An indicator row scored in full, met, without a reason and without any finding: the one a typo hits."""
    table = printed_tables()[seed["id"]]
    for i, (row, printed) in enumerate(zip(table.scored_indicators, seed["indicators"])):
        weight, score = _number(printed.get("weight")), _number(printed.get("score"))
        if not weight or weight < 2 or score != weight or printed.get("reason"):
            continue
        target, actual = table.indicator_values(row)
        if completion(target, actual) == MET and _no_finding_at(seed, *(("ind", i, k) for k in row.cells)):
            return i
    return None


def _with(seed: dict, change: Callable[[dict], None]) -> dict:
    out = copy.deepcopy(seed)
    change(out)
    return out


def _wrong_rate(seed: dict) -> dict:
    def change(t: dict) -> None:
        row = _scored_fund(t)
        assert row is not None
        rate = parse_number(row["exec_rate"].rstrip("%"))
        row["exec_rate"] = _shifted(row["exec_rate"], Decimal(-10) if rate and rate > 20 else Decimal(10))
    return _with(seed, change)


def _wrong_score(seed: dict) -> dict:
    def change(t: dict) -> None:
        row = t["indicators"][_met_full_row(seed)]  # type: ignore[index]
        row["score"] = _shifted(row["score"], Decimal(-1))
    return _with(seed, change)


def _wrong_total(seed: dict) -> dict:
    return _with(seed, lambda t: t["total"].update(score=_shifted(t["total"]["score"], Decimal(1))))


def _deleted_row(seed: dict) -> dict:
    def change(t: dict) -> None:
        del t["indicators"][_weighted_row(t)]
    return _with(seed, change)


def _weighted_row(seed: dict) -> int:
    """The last row of the largest 一级 group that carries 分值 (never a group's only row)."""
    counts = Counter(r.get("level1") for r in seed["indicators"])
    group = counts.most_common(1)[0][0]
    return max(i for i, r in enumerate(seed["indicators"]) if r.get("level1") == group and _number(r.get("weight")))


def _wrong_completion(seed: dict) -> dict:
    def change(t: dict) -> None:
        t["indicators"][_met_full_row(seed)]["completion"] = "0.5"  # type: ignore[index]
    return _with(seed, change)


def _wrong_target_total(seed: dict) -> dict:
    def change(t: dict) -> None:
        label, amount = t["funds"][-1]
        t["funds"][-1] = [label, _shifted(amount, Decimal(1))]
    return _with(seed, change)


def _empty_target_value(seed: dict) -> dict:
    return _with(seed, lambda t: t["indicators"][0].update(target=""))


def _total_printed(seed: dict, key: str) -> bool:
    return bool(seed.get("total") and _number(seed["total"].get(key)) is not None)


FAULTS = (
    Fault("执行率", lambda s: _scored_fund(s) is not None and _no_finding_at(s, ("fund", 0, "rate")),
          _wrong_rate, lambda t, s: [("P-EXEC-RATE", _fund_pos(t, "rate"))]),
    Fault("得分", lambda s: s["format"] != "lzt_target" and _total_printed(s, "score")
          and _no_finding_at(s, ("total", "score")) and _met_full_row(s) is not None,
          _wrong_score, lambda t, s: [("P-IND-CUT-NO-REASON", _typo_cell(t, s, "score")),
                                      ("P-TOTAL-SCORE", t.total.cells["score"])]),  # type: ignore[union-attr]
    Fault("总分", lambda s: _total_printed(s, "score") and _no_finding_at(s, ("total", "score")),
          _wrong_total, lambda t, s: [("P-TOTAL-SCORE", t.total.cells["score"])]),  # type: ignore[union-attr]
    Fault("删除指标行", lambda s: _total_printed(s, "weight") and _no_finding_at(s, ("total", "weight")),
          _deleted_row, lambda t, s: [("P-TOTAL-WEIGHT", t.total.cells["weight"])]),  # type: ignore[union-attr]
    Fault("资金总额", lambda s: s["format"] == "lzt_target" and s["kind"] == "dept",
          _wrong_target_total, lambda t, s: [("P-TGT-FUND-SUM", _target_total(t))]),
    Fault("指标值", lambda s: s["format"] == "lzt_target" and _no_finding_at(s, ("ind", 0, "target")),
          _empty_target_value, lambda t, s: [("P-TGT-VALUE-MISSING", t.indicators[0].cells["target"])]),
)
COMPLETION = Fault("完成率", lambda s: s["format"] != "lzt_target" and _met_full_row(s) is not None,
                   _wrong_completion, lambda t, s: [("P-IND-RATE", _typo_cell(t, s, "rate"))])


def _typo_cell(table: PerfTable, seed: dict, key: str) -> Pos:
    row = _met_full_row(seed)
    assert row is not None
    return table.scored_indicators[row].cells[key]


def _target_total(table: PerfTable) -> Pos:
    return next(f for f in table.funds if f.kind == "total").cells["budget"]


def _faults(variant: Variant) -> tuple[Fault, ...]:
    return (*FAULTS, COMPLETION) if variant.has("rate_column") else FAULTS


def _eligible(fault: Fault) -> list[dict]:
    return [s for s in seeds()[0] + seeds()[1] if fault.fits(s)]


def injected(index: int) -> list[tuple[Fault, dict, list[tuple[str, Pos]], set[tuple[str, Pos]]]]:
    """Each fault of variant ``index`` in a rotating eligible table: (fault, seed, where it must be found,
    (rule, cell) of every finding)."""
    variant = VARIANTS[index]
    out = []
    for fault in _faults(variant):
        candidates = _eligible(fault)
        seed = candidates[index % len(candidates)]
        [table] = recognised(variant, [fault.inject(seed)])
        found = {(f.rule, parse_a1(f.cell)) for f in check_table(table)}
        out.append((fault, seed, fault.found_at(table, seed), found))
    return out


@pytest.mark.parametrize("index", range(len(VARIANTS)), ids=[v.name for v in VARIANTS])
def test_injected_faults_are_found_at_their_cell(index: int) -> None:
    for fault, seed, expected, found in injected(index):
        for rule, pos in expected:
            assert (rule, pos) in found, (VARIANTS[index].name, fault.name, seed["id"], rule, pos)
