"""说明 and 审核公式 in live Excel (xlwings' remote engine): the 检查 buttons read the 说明 column of 审核结果
before re-marking and keep it in the hidden record, 清除标注 keeps what was typed, and the 审核公式 button opens
or creates the unit's formula sheet from the built-in rules."""

from __future__ import annotations

import pytest

from juesuan import ribbon
from juesuan.explain import EXPLAIN_HEADER, EXPLAIN_SHEET
from juesuan.formula.rulefile import FORMULA_SHEET, export_rows
from juesuan.plan import COLORS, MARKS_SHEET, RESULTS_HEADER, RESULTS_SHEET
from juesuan.findings import Severity
from juesuan.rules import load_catalogue
from remote_book import (
    SAMPLE_SHEETS,
    actions,
    book_payload,
    colours_set,
    marks_payload,
    open_book,
    reopen,
    sample_book,
    sheet_payload,
)

pytestmark = pytest.mark.usefixtures("remote")

RULE, SHEET, CELL = "T09.C1-2", "三公经费", "G8"
TEXT = "三公经费按元汇总后换算为万元，差额为四舍五入"


def results_with(text: str | None) -> dict:
    """A 审核结果 sheet as an earlier check left it, with the user's 说明 typed into the row of G8."""
    row = [1, "警告", RULE, SHEET, CELL, 51.24, 51.23, -0.01, "尾数误差……", "三公经费!H8、I8、L8", text or ""]
    sheet = sheet_payload(RESULTS_SHEET, [RESULTS_HEADER, row])
    sheet["_juesuan_own"] = True  # the sheet an earlier check wrote carries juesuan's marker
    return sheet


def written(book, sheet: str) -> list[list]:
    hits = [a["values"] for a in actions(book) if a["func"] == "setValues" and a["sheet"] == sheet]
    assert len(hits) == 1, [(a["func"], a["sheet"]) for a in actions(book)]
    return [[v[1:] if isinstance(v, str) and v.startswith("'") else v for v in row] for row in hits[0]]


def test_check_all_respects_the_explanation_column_and_records_it():
    book = sample_book(extra=[results_with(TEXT)])
    message = ribbon.dispatch("btnCheckAll", book)
    assert "发现 0 个错误、18 个警告、1 个提示" in message
    results = written(book, RESULTS_SHEET)
    g8 = next(r for r in results[1:] if r[2] == RULE)
    assert (g8[1], g8[-1]) == ("提示", TEXT) and g8[8].startswith("已说明：")
    assert written(book, EXPLAIN_SHEET) == [EXPLAIN_HEADER, [RULE, SHEET, CELL, TEXT, 51.23]]
    assert colours_set(book, SHEET)[CELL] == COLORS[Severity.info]

    # saved and opened again: still explained, and the unchanged record is not written again
    again = open_book(reopen(book))
    assert "1 个提示" in ribbon.dispatch("btnCheckAll", again)
    assert not [a for a in actions(again) if a["sheet"] == EXPLAIN_SHEET and a["func"] == "setValues"]
    assert next(r for r in written(again, RESULTS_SHEET)[1:] if r[2] == RULE)[-1] == TEXT


def test_check_sheet_keeps_explanations_of_other_sheets():
    book = sample_book(active=3, extra=[results_with(TEXT)])  # 财拨总表 is checked, the 说明 is on 三公经费
    ribbon.dispatch("btnCheckSheet", book)
    assert written(book, EXPLAIN_SHEET)[1] == [RULE, SHEET, CELL, TEXT, 51.23]


def test_clear_records_what_was_typed_before_removing_the_results():
    book = sample_book(extra=[results_with(TEXT), marks_payload([[SHEET, CELL, "", ""]])])
    message = ribbon.dispatch("btnClear", book)
    assert message.startswith("已清除 1 个单元格的标注")
    assert written(book, EXPLAIN_SHEET) == [EXPLAIN_HEADER, [RULE, SHEET, CELL, TEXT, 51.23]]
    deleted = [a["sheet"] for a in actions(book) if a["func"] == "sheetDelete"]
    assert set(deleted) == {MARKS_SHEET, RESULTS_SHEET}
    cleared = open_book(reopen(book))
    assert "1 个提示" in ribbon.dispatch("btnCheckAll", cleared)


def test_the_formula_button_creates_the_sheet_once():
    book = sample_book()
    message = ribbon.dispatch("btnFormulas", book)
    rows = export_rows(load_catalogue())
    assert message.startswith(f"已新建“{FORMULA_SHEET}”表，列出 {len(rows) - 1} 条内置规则的审核公式作为起点。")
    assert written(book, FORMULA_SHEET) == rows
    assert actions(book)[-2]["func"] == "activateSheet" and actions(book)[-2]["sheet"] == FORMULA_SHEET

    again = open_book(reopen(book))
    assert ribbon.dispatch("btnFormulas", again) == ""
    assert [(a["func"], a["sheet"]) for a in actions(again)] == [("activateSheet", FORMULA_SHEET)]
    message = ribbon.dispatch("btnCheckAll", again)  # the formulas replace the built-ins they were exported from
    assert "发现 0 个错误、19 个警告" in message and "未识别的工作表" not in message


def test_check_sheet_on_our_sheets_asks_for_a_table():
    for name in (FORMULA_SHEET, EXPLAIN_SHEET):
        book = open_book(book_payload([*SAMPLE_SHEETS, sheet_payload(name, [["编号"]])], active=len(SAMPLE_SHEETS)))
        assert ribbon.dispatch("btnCheckSheet", book) == "请先切换到要检查的决算表，再点击“检查本表”。"
        assert [a["func"] for a in actions(book)] == ["alert"]
