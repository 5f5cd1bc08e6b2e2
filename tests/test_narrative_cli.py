"""情况说明 end to end: ``juesuan check --narrative``, a 情况说明 sheet found in the workbook, the 说明核对 sheet of
the marked copy, and the 核对说明 ribbon button."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from juesuan import ribbon
from juesuan.check import check_file
from juesuan.cli import main
from juesuan.narrative import NARRATIVE_HEADER
from juesuan.plan import NARRATIVE_SHEET, RESULTS_SHEET, plan_marks
from remote_book import actions, book_payload, colours_set, open_book, sample_book, sheet_payload
from test_narrative import GZ_DOCX, GZ_TEXT, NARRATIVES, SAMPLE

LZ_TEXT = NARRATIVES / "lz_2023_narrative.txt"


def lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def with_narrative_sheet(tmp_path: Path, text: Path, tables: bool = True) -> Path:
    """A workbook holding a 情况说明 sheet (one source line per cell of column A), with or without the tables."""
    book = openpyxl.load_workbook(SAMPLE) if tables else openpyxl.Workbook()
    sheet = book.create_sheet("说明") if tables else book.active
    sheet.title = "说明"
    for i, line in enumerate(lines(text), 1):
        sheet.cell(i, 1, line)
    path = tmp_path / "决算与说明.xlsx"
    book.save(path)
    return path


def test_cli_checks_a_word_narrative(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, report = tmp_path / "marked.xlsx", tmp_path / "report.json"
    assert main(["check", str(SAMPLE), "--narrative", str(GZ_DOCX), "--out", str(out), "--json", str(report)]) == 0
    printed = capsys.readouterr().out
    assert "情况说明：gz_2023_narrative.docx，核对 201 处数字与用词：一致 174，尾数误差 6，不一致 0，未核对 21" in printed
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["narrative_source"] == "gz_2023_narrative.docx" and len(data["narrative"]) == 201
    first = data["narrative"][0]
    assert first == {"paragraph": 4, "printed": "80,473.90万元", "quote": "2023年度收、支总计均为80,473.90万元",
                     "meaning": "收支总计", "status": "一致", "sheet": "收支总表", "cell": "C37", "expected": 80473.9,
                     "message": ""}
    n18 = next(f for f in data["findings"] if f["rule"] == "N-AMOUNT" and f["cell"] == "C15")
    assert (n18["sheet"], n18["source"], n18["paragraph"], n18["expected"], n18["actual"]) == (
        "一般公共预算支出", "gz_2023_narrative.docx", 15, 32890.36, 32890.34)
    assert n18["quote"] == "社会保障和就业支出（类）32,890.34万元"
    marked = openpyxl.load_workbook(out)
    rows = list(marked[NARRATIVE_SHEET].iter_rows(values_only=True))
    assert list(rows[0]) == NARRATIVE_HEADER and len(rows) == 202
    link = marked[NARRATIVE_SHEET]["H2"].hyperlink
    assert link is not None and link.location == "'收支总表'!C37"
    # the table cell the text disagrees with (within rounding) is marked; rows of 说明核对 are listed, not coloured
    assert marked["一般公共预算支出"]["C15"].fill.fgColor.rgb == "FFFFEB9C"
    assert "说明第15段" in marked["一般公共预算支出"]["C15"].comment.text
    assert marked[NARRATIVE_SHEET]["C36"].fill.fill_type is None
    results = [r for r in marked[RESULTS_SHEET].iter_rows(values_only=True) if r[2] == "N-SUM"]
    assert len(results) == 4 and all(r[3] == NARRATIVE_SHEET for r in results)
    # clearing the marks removes 说明核对 too
    cleared = tmp_path / "cleared.xlsx"
    assert main(["clear", str(out), "--out", str(cleared)]) == 0
    assert NARRATIVE_SHEET not in openpyxl.load_workbook(cleared).sheetnames


def test_a_narrative_sheet_is_found_and_findings_stand_at_its_cells(tmp_path: Path) -> None:
    path = with_narrative_sheet(tmp_path, GZ_TEXT)
    report = check_file(path)
    assert report.narrative_source == "工作表“说明”" and len(report.narrative) == 201
    assert ("说明", "情况说明") in {(t.sheet, t.table) for t in report.tables}
    assert "说明" not in {s.sheet for s in report.skipped}
    # Σ 4 类 (§9.1 #20) is a finding about the text: it stands at the cell holding that paragraph
    n20 = next(f for f in report.findings if f.rule == "N-SUM" and f.paragraph == 13)
    assert (n20.sheet, n20.cell) == ("说明", "A13") and n20.source == "工作表“说明”"
    plan = plan_marks(report)
    coloured = {(a.sheet, c) for a in plan.by_func("setRangeColor") for c in a.cells}
    assert ("说明", "A13") in coloured


def test_the_narrative_alone_is_checked_from_a_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A workbook with only the 泸州 情况说明 (the report publishes no tables) is no unusable input."""
    path = with_narrative_sheet(tmp_path, LZ_TEXT, tables=False)
    assert main(["check", str(path)]) == 1
    printed = capsys.readouterr().out
    # the findings table (issue 13 §5) shows 表 and 单元格 in their own columns: 说明 | A<paragraph>
    assert "不一致" in printed and "N-RATE-SPAN" in printed and re.search(r"\]\s+说明\s+A\d+\s+N-", printed)


def test_bad_narrative_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "情况说明.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    for argv, reason in [
        (["check", str(SAMPLE), "--narrative", str(tmp_path / "无.docx")], "找不到情况说明文件"),
        (["check", str(SAMPLE), "--narrative", str(doc)], "另存为 .docx"),
        (["check", str(SAMPLE), str(SAMPLE), "--narrative", str(GZ_DOCX)], "--narrative 只能与一个工作簿一起使用"),
    ]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert reason in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_workbook_without_tables_or_narrative_is_still_unusable(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "一、收入支出决算总体情况说明"  # one heading is no 情况说明
    book.save(path)
    assert main(["check", str(path)]) == 2


# ------------------------------------------------------------------------------------------------ ribbon


@pytest.mark.usefixtures("remote")
def test_ribbon_checks_the_narrative_sheet() -> None:
    book = sample_book(extra=[sheet_payload("说明", [[line] for line in lines(GZ_TEXT)])])
    message = ribbon.dispatch("btnNarrative", book)
    assert message.startswith("已核对工作表“说明”中的 201 处数字与用词：一致 174，尾数误差 6，不一致 0，未核对 21。")
    assert "逐项结果见“说明核对”表" in message
    written = [a for a in actions(book) if a["func"] == "setValues" and a["sheet"] == NARRATIVE_SHEET]
    assert len(written) == 1 and len(written[0]["values"]) == 202
    assert written[0]["values"][1][7] == '=HYPERLINK("#\'收支总表\'!C37","C37")'
    assert colours_set(book, "一般公共预算支出")["C15"] == "#FFEB9C"
    assert [s.name for s in book.sheets][0] == RESULTS_SHEET


@pytest.mark.usefixtures("remote")
def test_ribbon_asks_for_the_word_file(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []
    monkeypatch.setattr(ribbon, "ask_narrative_file", lambda book: asked.append(book) or str(GZ_DOCX))
    book = sample_book()
    message = ribbon.dispatch("btnNarrative", book)
    assert asked and message.startswith("已核对gz_2023_narrative.docx中的 201 处数字")
    monkeypatch.setattr(ribbon, "ask_narrative_file", lambda book: None)
    book = sample_book()
    assert ribbon.dispatch("btnNarrative", book).startswith("没有选择情况说明文件")
    assert [a["func"] for a in actions(book)] == ["alert"]


@pytest.mark.usefixtures("remote")
def test_ribbon_without_excel_dialog_says_how_to_go_on() -> None:
    book = open_book(book_payload([sheet_payload("表", [["无关内容"]])]))
    assert ribbon.ask_narrative_file(book) is None
