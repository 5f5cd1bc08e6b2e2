"""Texts juesuan writes into a marked copy - messages, 说明, file and sheet names, the record - are text, never a
formula (a user's ``=1+`` must not become a live formula), and never longer than a cell holds (32,767); the
formulas juesuan writes on purpose (``fill --formulas``) stay formulas."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook
from openpyxl.comments import Comment

from conftest import SAMPLE
from juesuan.adapters.openpyxl_file import apply_to_file
from juesuan.cli import main
from juesuan.plan import CELL_TEXT_LIMIT, MARKS_SHEET, RESULTS_HEADER, RESULTS_SHEET, Action, Plan, clip_text
from test_writer import FOUND, parts

MESSAGE = RESULTS_HEADER.index("问题")


def run(*args: object) -> int:
    return main([str(a) for a in args])


def rules_file(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A --rules file of 基本平衡 rules that fire on the sample (公开01 行1 ≠ 行2), each with its 说明."""
    lines = ["编号,公式,类型,说明"] + [f"{rule},[公开01]1行=2行,基本平衡,{text}" for rule, text in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sheet_part(path: Path, name: str) -> bytes:
    """The worksheet XML of sheet ``name``."""
    content = parts(path)
    wb = etree.fromstring(content["xl/workbook.xml"])
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(content["xl/_rels/workbook.xml.rels"])}
    sheet = next(s for s in wb.iter("{*}sheet") if s.get("name") == name)
    target = rels[next(v for k, v in sheet.attrib.items() if k.endswith("}id"))]
    return content["xl/" + target.lstrip("/").removeprefix("xl/")]


def test_a_message_starting_with_an_equals_sign_is_text(tmp_path, capsys):
    out = tmp_path / "o.xlsx"
    assert run("check", SAMPLE, "--rules", rules_file(tmp_path / "e.csv", [("K1", "=1+")]), "--out", out, "-q") == 1
    capsys.readouterr()
    rows = [r for r in load_workbook(out)[RESULTS_SHEET].iter_rows(min_row=2) if r[2].value == "K1"]
    assert len(rows) == 1
    cell = rows[0][MESSAGE]
    assert (cell.value, cell.data_type) == ("=1+：[公开01]1行=2行", "s")
    assert b"<f>" not in sheet_part(out, RESULTS_SHEET) and b"<f " not in sheet_part(out, RESULTS_SHEET)


def test_a_sheet_called_like_a_formula_is_a_name_in_cells_and_a_link(tmp_path):
    book = load_workbook(SAMPLE)
    book["收支总表"].title = "=1+1"
    src, out = tmp_path / "eq.xlsx", tmp_path / "o.xlsx"
    book.save(src)
    assert run("check", src, "--out", out, "-q") == 0
    results = load_workbook(out)[RESULTS_SHEET]
    row = next(r for r in results.iter_rows(min_row=2) if r[3].value == "=1+1")
    assert row[3].data_type == "s" and row[4].hyperlink.location == "'=1+1'!F14"


def test_a_users_note_starting_with_an_equals_sign_is_recorded_as_text_and_comes_back(tmp_path):
    book = load_workbook(SAMPLE)
    sheet, cell = FOUND[2]
    book[sheet][cell].comment = Comment("=HYPERLINK(\"http://x\")", "张会计")
    src, marked, clean = tmp_path / "u.xlsx", tmp_path / "m.xlsx", tmp_path / "c.xlsx"
    book.save(src)
    assert run("check", src, "--out", marked, "-q") == 0
    record = load_workbook(marked)[MARKS_SHEET]
    row = next(r for r in record.iter_rows(min_row=2) if (r[0].value, r[1].value) == (sheet, cell))
    assert (row[3].value, row[3].data_type) == ("=HYPERLINK(\"http://x\")", "s")
    assert all(c.data_type != "f" for r in record.iter_rows() for c in r)
    assert run("clear", marked, "--out", clean) == 0
    assert load_workbook(clean)[sheet][cell].comment.text == "=HYPERLINK(\"http://x\")"


def test_a_text_longer_than_a_cell_holds_is_clipped(tmp_path, capsys):
    long = "长" * 40_000
    out = tmp_path / "o.xlsx"
    assert run("check", SAMPLE, "--rules", rules_file(tmp_path / "e.csv", [("K2", long)]), "--out", out, "-q") == 1
    capsys.readouterr()
    results = load_workbook(out)[RESULTS_SHEET]
    row = next(r for r in results.iter_rows(min_row=2) if r[2].value == "K2")
    text = row[MESSAGE].value
    assert len(text) == CELL_TEXT_LIMIT and text == long[: CELL_TEXT_LIMIT - 1] + "…"
    assert results.row_dimensions[row[0].row].height <= 409  # the tallest row Excel has
    comment = load_workbook(out)["收支总表"]["C7"].comment.text  # the note on the cell is clipped too
    assert len(comment) == CELL_TEXT_LIMIT and comment.endswith("…")


def test_clip_text_counts_as_excel_does():
    assert clip_text("短") == "短"
    exact = "a" * CELL_TEXT_LIMIT
    assert clip_text(exact) is exact
    assert clip_text(exact + "b") == "a" * (CELL_TEXT_LIMIT - 1) + "…"
    wide = "😀" * 20_000  # outside the BMP: two UTF-16 units each, as Excel counts them
    clipped = clip_text(wide)
    assert clipped.endswith("…") and len(clipped.encode("utf-16-le")) // 2 <= CELL_TEXT_LIMIT
    assert clipped[:-1] == "😀" * len(clipped[:-1])  # never half a character


def test_formulas_written_on_purpose_stay_formulas_and_texts_of_ours_do_not(tmp_path):
    plan = Plan(actions=[
        Action(func="setValues", sheet="收支总表", start="H1", values=[["=C7*2"], ["文字"]]),
        Action(func="writeResults", sheet="自定", start="A1", values=[["序号", "问题"], [1, "=C7*2"], [2, "#N/A"],
                                                                      [3, "x" * 50_000]]),
    ])
    out = tmp_path / "o.xlsx"
    apply_to_file(SAMPLE, plan, out)
    book = load_workbook(out)
    assert (book["收支总表"]["H1"].value, book["收支总表"]["H1"].data_type) == ("=C7*2", "f")
    assert (book["收支总表"]["H2"].value, book["收支总表"]["H2"].data_type) == ("文字", "s")
    ours = book["自定"]
    assert [(c.value, c.data_type) for c in ours["B"][1:3]] == [("=C7*2", "s"), ("#N/A", "s")]
    assert len(ours["B4"].value) == CELL_TEXT_LIMIT and ours["B4"].value.endswith("…")
    with zipfile.ZipFile(out) as archive:
        assert b'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml")  # the formula is computed on open


def test_the_live_adapter_writes_texts_with_the_text_prefix():
    from juesuan.adapters.xlwings_book import _as_text, _link_formula

    assert _as_text("=1+") == "'=1+" and _as_text(3) == 3
    assert len(_as_text("x" * 40_000)) == CELL_TEXT_LIMIT + 1  # the prefix is not part of the value
    assert _link_formula('表"1!C7', 'C"7') == '=HYPERLINK("#\'表""1\'!C7","C""7")'
