"""Marked copies of .xls and .ods inputs (issue #9 §5): an .xls keeps its formatting, an .ods says what it lost,
and the output's extension decides its content type. The inputs are the sample, converted by LibreOffice."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import SAMPLE, requires_libreoffice, soffice
from juesuan.cli import main

pytestmark = requires_libreoffice
MACRO = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("converted")
    out = {}
    for kind in ("xls", "ods"):
        subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/lo",
                        "--convert-to", kind, "--outdir", str(folder), str(SAMPLE)], check=True, capture_output=True,
                       timeout=180)
        out[kind] = folder / f"{SAMPLE.stem}.{kind}"
    return out


def test_marked_copy_of_an_xls_keeps_its_formatting(converted, tmp_path, capsys):
    marked = tmp_path / "m.xlsx"
    assert main(["check", str(converted["xls"]), "--out", str(marked)]) == 0
    err = capsys.readouterr().err
    assert "原 .xls 文件中的批注、图表、图片、条件格式和数据有效性（如有）未能带到输出文件中" in err
    original, copy = load_workbook(SAMPLE)["收支总表"], load_workbook(marked)["收支总表"]
    assert {str(r) for r in copy.merged_cells.ranges} == {str(r) for r in original.merged_cells.ranges}
    assert {k: d.width for k, d in copy.column_dimensions.items()} == {k: d.width for k, d in original.column_dimensions.items()}
    for cell in ("A1", "A4", "C7", "C33", "F14", "D20"):
        a, b = original[cell], copy[cell]
        assert b.number_format == a.number_format, cell
        assert (b.font.sz, b.font.b) == (a.font.sz, a.font.b), cell
        assert (b.border.left.style, b.border.bottom.style) == (a.border.left.style, a.border.bottom.style), cell
        assert b.alignment.horizontal == a.alignment.horizontal, cell
    assert copy["C7"].number_format == "#,##0.00" and copy["F14"].fill.fgColor.rgb == "FFFFEB9C"
    assert copy.row_dimensions[1].height == original.row_dimensions[1].height == 30


def test_xls_to_xlsm_is_labelled_as_a_macro_workbook(converted, tmp_path):
    out = tmp_path / "m.xlsm"
    assert main(["check", str(converted["xls"]), "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert MACRO in archive.read("[Content_Types].xml")
    load_workbook(out, keep_vba=True)


def test_marked_copy_of_an_ods_says_exactly_what_is_lost(converted, tmp_path, capsys):
    marked = tmp_path / "m.xlsx"
    assert main(["check", str(converted["ods"]), "--out", str(marked)]) == 0
    assert capsys.readouterr().err.strip() == (
        "注意：原 .ods 文件只能读出数值：合并单元格、字体、底色、边框、数字格式、列宽、批注和图表（如有）未能带到输出文件中（原文件不受影响）")
    ws = load_workbook(marked)["收支总表"]
    assert ws["F14"].fill.fgColor.rgb == "FFFFEB9C" and ws["C7"].value == pytest.approx(51368.15)


def test_a_text_like_a_formula_in_an_xls_or_ods_stays_text_in_the_copy(tmp_path):
    """The rebuilt copy holds what was read: a user's text ``=1+1`` is a text there too, never a live formula."""
    book = load_workbook(SAMPLE)
    cell = book["收支总表"]["Z1"]
    cell.value = "=1+1"
    cell.data_type = "s"
    src = tmp_path / "text.xlsx"
    book.save(src)
    for kind in ("xls", "ods"):
        subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", kind, "--outdir", str(tmp_path), str(src)], check=True, capture_output=True,
                       timeout=180)
        marked = tmp_path / f"m_{kind}.xlsx"
        assert main(["check", str(tmp_path / f"text.{kind}"), "--out", str(marked), "-q"]) == 0
        copied = load_workbook(marked)["收支总表"]["Z1"]
        assert (copied.value, copied.data_type) == ("=1+1", "s"), kind
