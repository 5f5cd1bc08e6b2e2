"""Bounded memory whatever the references claim (issue #9 §11, §12): the reader never builds a dense rectangle,
keeps rows ragged, and refuses a sheet (or a workbook) only past budgets no real workbook comes near."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from conftest import SAMPLE
from juesuan import check_file
from juesuan.read import InputError, ooxml, read_workbook
from workbooks.fuzz import rewrite_package, wait_for

RSS_LIMIT_MB = 768


def peak_of_cli(path: Path) -> tuple[int | None, float, dict]:
    """Exit code, peak RSS in MiB and JSON report of ``juesuan check`` in a process of its own (60 s at most)."""
    report = path.with_suffix(".json")
    start = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "juesuan.cli", "check", str(path), "--json", str(report)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    code, _, _, rss = wait_for(child.pid, start, 60)
    child.returncode = code  # reaped by wait_for
    return code, rss, json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}


def test_million_row_dimension_and_huge_merge_stay_small(tmp_path, sample_report):
    """A sheet declaring A1:XFD1048576 with five cells, one at XFD1048576, and a merge over A30:XFD1048576:
    the check is the sample's, in well under the memory limit."""
    book = load_workbook(SAMPLE)
    extra = book.create_sheet("附表")
    for ref, value in (("A1", "备注"), ("B2", 1), ("C3", 2), ("A1048576", 3), ("XFD1048576", 4)):
        extra[ref] = value
    base = tmp_path / "base.xlsx"
    book.save(base)
    with zipfile.ZipFile(base) as archive:  # openpyxl declares the whole sheet as the sheet's dimension
        assert sum(b'<dimension ref="A1:XFD1048576"/>' in archive.read(n) for n in archive.namelist()) == 1
    merge = lambda d: d.replace(b"</mergeCells>", b'<mergeCell ref="A30:XFD1048576"/></mergeCells>')  # noqa: E731
    path = rewrite_package(base, tmp_path / "wide.xlsx", change={"xl/worksheets/sheet9.xml": merge})
    grids = {g.sheet: g for g in read_workbook(path)}
    assert grids["附表"].n_rows == 1_048_576 and sum(map(len, grids["附表"].values)) == 1 + 2 + 3 + 16_384
    assert (29, 0, 1_048_575, 16_383) in grids["三公经费"].merged
    code, rss, report = peak_of_cli(path)
    assert code == 0 and rss < RSS_LIMIT_MB, (code, rss)
    assert [(f["rule"], f["sheet"], f["cell"]) for f in report["findings"]] == [
        (f.rule, f.sheet, f.cell) for f in sample_report.findings]


def test_scattered_cells_past_the_memory_budget_make_the_sheet_unreadable(tmp_path, monkeypatch):
    """Units are spent on row lists and slots up to each value; a sheet that would overspend is skipped with
    the reason and gives its units back, so the next sheet is read."""
    monkeypatch.setattr(ooxml, "MAX_UNITS", 2_000_000)
    far = b'<row r="900000"><c r="A900000"><v>1</v></c></row></sheetData>'
    path = rewrite_package(SAMPLE, tmp_path / "s.xlsx", change={"xl/worksheets/sheet3.xml": lambda d: d.replace(b"</sheetData>", far)})
    grids = read_workbook(path)
    assert [(g.sheet, g.unreadable) for g in grids if g.unreadable] == [("支出决算表", "无法读取：单元格分布的范围过大（相距极远的单元格）（文件损坏）")]
    assert all(g.values for g in grids if not g.unreadable)


def test_too_many_cells_refuse_the_workbook(tmp_path, monkeypatch):
    monkeypatch.setattr(ooxml, "MAX_CELLS", 500)
    try:
        ooxml.read_ooxml(SAMPLE)  # the streaming reader's own limit (plain workbooks are bounded by plain.MAX_DENSE)
    except InputError as exc:
        assert str(exc) == "工作簿的单元格超过 0 万个，超出审核范围：gz_2023_juesuan.xlsx"
    else:
        raise AssertionError("not refused")


def test_rows_are_ragged_and_trimmed():
    grid = next(g for g in read_workbook(SAMPLE) if g.sheet == "三公经费")
    assert grid.values[1] == ["公开09表"] and len(grid.values[0]) == 1
    assert grid.n_cols == max(len(row) for row in grid.values) and all(row[-1] is not None for row in grid.values if row)


def test_a_row_claiming_many_cells_is_pruned_while_read(tmp_path, sample_report):
    """Cells of one row are dropped from the parse tree every few thousand: 100,000 duplicates of one cell
    (the last one wins, as in Excel) leave the sample's check unchanged."""
    dupes = b'<row r="40">' + b'<c r="A40"><v>1</v></c>' * 100_000 + b"</row></sheetData>"
    path = rewrite_package(SAMPLE, tmp_path / "d.xlsx", change={"xl/worksheets/sheet9.xml": lambda d: d.replace(b"</sheetData>", dupes)})
    grid = next(g for g in read_workbook(path) if g.sheet == "三公经费")
    assert grid.get(39, 0) == 1.0
    assert [(f.rule, f.cell) for f in check_file(path).findings] == [(f.rule, f.cell) for f in sample_report.findings]
