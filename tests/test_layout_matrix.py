"""The layout matrix (issue #7): the real 贵州 2023 tables rendered under every layout feature of other regions
and years, alone, in all pairs and in random combinations. On every variant: all nine tables recognised as the
right kind, no finding beyond the documented 尾数误差 of the published tables, and each injected fault (a leaf
typo, a total typo, a deleted 项 row) found at its own cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from juesuan import check_file
from juesuan.grid import parse_a1
from workbooks.build import build_workbook, load_seed_tables, where
from workbooks.variants import matrix, vary

VARIANTS = matrix()
KINDS = [f"公开{n:02d}" for n in range(1, 10)]


def test_the_matrix_is_large_and_covers_every_level():
    from workbooks.variants import CONTENT, FEATURES

    assert len(VARIANTS) >= 60
    for name, levels in {**FEATURES, **CONTENT}.items():
        for level in levels[1:]:
            assert any((name, level) in v.options for v in VARIANTS), (name, level)


def _key(finding):
    return (finding.rule, finding.table, finding.expected, finding.actual or Decimal(0))


def _check(tmp_path: Path, book, name: str):
    path = tmp_path / f"{name}.xlsx"
    book.save(path)
    return check_file(path)


def _with_typo(tmp_path: Path, book, tables, variant, kind: str, key: str, column: str, name: str):
    """Check the variant's workbook with one amount 100 too high; returns the report and that cell."""
    sheet, cell = where(tables, kind, key, column, **variant.layout)
    old = book[sheet][cell].value
    new = Decimal(str(old).replace(",", "")) + 100
    book[sheet][cell].value = f"{new:,.2f}" if isinstance(old, str) else float(new)
    try:
        return _check(tmp_path, book, name), sheet, cell
    finally:
        book[sheet][cell].value = old


@pytest.fixture(scope="module")
def published(sample_report):
    return {_key(f) for f in sample_report.findings}


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant_is_recognised_without_false_errors_and_faults_are_found(tmp_path, variant, published):
    tables = vary(load_seed_tables(), **variant.content)
    book = build_workbook(tables, **variant.layout)
    report = _check(tmp_path, book, "clean")
    assert sorted(t.table for t in report.tables) == KINDS, report.skipped
    # text-stored numbers are flagged (V01) wherever they occur; everything else is the published 尾数误差
    assert {_key(f) for f in report.findings if f.rule != "V01"} == published

    # a leaf typo: the 项 cell itself is the suspect, with its printed value as the correction
    original = tables["公开03"].row("2080101").values["本年支出合计"]
    report, sheet, cell = _with_typo(tmp_path, book, tables, variant, "公开03", "2080101", "本年支出合计", "leaf")
    suspects = [f for f in report.findings if f.rule == "L01"]
    assert [(f.sheet, f.cell, f.expected) for f in suspects] == [(sheet, cell, original)]

    # a total typo in 公开01: the total, not the lines under it nor the tables that agree with it
    printed = tables["公开01"].row("本年收入合计").values["决算数"]
    report, sheet, cell = _with_typo(tmp_path, book, tables, variant, "公开01", "本年收入合计", "决算数", "total")
    suspects = [f for f in report.findings if f.rule == "L01"]
    assert [(f.sheet, f.cell) for f in suspects] == [(sheet, cell)]
    # the published total itself carries a 尾数误差: the correction makes most identities exact (62,584.66)
    assert abs(suspects[0].expected - printed) <= Decimal("0.01")

    # a deleted 项 row: its 款 says a row seems to be missing, no sibling is blamed
    tables["公开03"].delete("2080102")
    sheet, cell = where(tables, "公开03", "20801", "本年支出合计", **variant.layout)
    report = _check(tmp_path, build_workbook(tables, **variant.layout), "deleted")
    missing = [f for f in report.findings if f.rule == "L02"]
    assert [(f.sheet, parse_a1(f.cell)[0]) for f in missing] == [(sheet, parse_a1(cell)[0])]
    assert not [f for f in report.findings if f.rule == "L01" and f.table == "公开03"]
