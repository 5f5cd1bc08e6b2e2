"""``juesuan fill`` on real 绩效自评表: emptied derived cells come back as published, formulas are kept."""

from __future__ import annotations

import subprocess

import pytest
from openpyxl import load_workbook

from conftest import SAMPLES, requires_libreoffice, soffice
from juesuan.cli import main
from juesuan.grid import a1
from juesuan.perf import recognise_perf
from juesuan.plan import FILL_COLOR
from juesuan.read import read_workbook

GUIZHOU = SAMPLES / "perf_guizhou_2023.xlsx"
SHEETS = 3  # the first tables of the 贵州 sample


def derived_cells() -> dict[str, list[str]]:
    """执行率, 预算执行得分 and 总分 得分 of the first tables, as recognised."""
    out = {}
    for grid in read_workbook(GUIZHOU)[:SHEETS]:
        table = recognise_perf(grid)[0]
        fund = table.funds[0]
        out[grid.sheet] = [a1(*fund.cells["rate"]), a1(*fund.cells["score"]), a1(*table.total.cells["score"])]
    return out


@pytest.fixture
def emptied(tmp_path):
    book = load_workbook(GUIZHOU)
    cells = derived_cells()
    published = {(s, c): book[s][c].value for s, addresses in cells.items() for c in addresses}
    for sheet, addresses in cells.items():
        for c in addresses:
            book[sheet][c].value = None
    for ws in book.worksheets[SHEETS:]:
        book.remove(ws)
    path = tmp_path / "emptied.xlsx"
    book.save(path)
    return path, published


def test_fill_restores_the_published_numbers(emptied, tmp_path, capsys):
    path, published = emptied
    out = tmp_path / "filled.xlsx"
    assert main(["fill", str(path), "--out", str(out)]) == 0
    assert "已填充" in capsys.readouterr().out
    book = load_workbook(out)
    for (sheet, cell), value in published.items():
        assert book[sheet][cell].value == pytest.approx(float(value)), (sheet, cell)
        assert book[sheet][cell].fill.fgColor.rgb == "FF" + FILL_COLOR.lstrip("#")


def test_fill_never_replaces_a_users_formula(emptied, tmp_path):
    path, published = emptied
    sheet, (rate, *_) = next(iter(derived_cells().items()))
    book = load_workbook(path)
    book[sheet][rate] = "=1+1"
    book.save(path)
    out = tmp_path / "filled.xlsx"
    assert main(["fill", str(path), "--out", str(out)]) == 0
    assert load_workbook(out)[sheet][rate].value == "=1+1"


def test_fill_on_a_workbook_without_perf_tables_is_exit_2(tmp_path, capsys):
    assert main(["fill", str(SAMPLES / "gz_2023_juesuan.xlsx"), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "没有可识别的绩效自评表" in capsys.readouterr().err


@requires_libreoffice
def test_formulas_recalculate_to_the_published_numbers(emptied, tmp_path):
    path, published = emptied
    out = tmp_path / "formulas.xlsx"
    assert main(["fill", str(path), "--out", str(out), "--formulas"]) == 0
    book = load_workbook(out)
    assert all(str(book[s][c].value).startswith("=") for s, c in published)
    calc = tmp_path / "calc"
    subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx", "--outdir", str(calc), str(out)], check=True, capture_output=True, timeout=180)
    values = load_workbook(calc / "formulas.xlsx", data_only=True)
    for (sheet, cell), value in published.items():
        assert values[sheet][cell].value == pytest.approx(float(value)), (sheet, cell)
