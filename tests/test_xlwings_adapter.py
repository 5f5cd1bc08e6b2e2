"""The live-workbook adapter against real xlwings ``Book`` objects of the remote engine.

The remote engine (``xw.Book(json=...)``) is xlwings' own stand-in for Excel: it takes the values Excel would
send and returns the edits as an action list (``book.json()["actions"]``), which is what these tests assert:
values, colours, hyperlinks, sheets, and how many operations an edit costs. It needs the key
``XLWINGS_LICENSE_KEY=noncommercial``, set here for the tests only (this project is public-sector and
noncommercial). What the remote engine cannot do that desktop Excel can - read fills, note texts and merged
areas, take union addresses - is covered where it matters: the adapter's degraded path is asserted, and the
desktop colouring path is run against a recording fake sheet.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from python_calamine import CalamineWorkbook

from juesuan import check_file
from juesuan.adapters import xlwings_book
from juesuan.check import check_grids
from juesuan.findings import Finding, Report, Severity
from juesuan.grid import a1, parse_a1
from juesuan.plan import COLORS, MARKS_SHEET, RESULTS_SHEET, Action, Plan, expand, plan_marks
from remote_book import SAMPLE, SAMPLE_SHEETS, actions, book_payload, colours_set, marks_payload, open_book, reopen, sample_book, sheet_payload


# --- reading ----------------------------------------------------------------------------------------------


def test_read_grid_keeps_the_a1_origin_of_a_used_range(remote: None) -> None:
    values = [[None] * 5 for _ in range(4)] + [[None, None, "项目", "金额", None], [None, None, "合计", 12.5, "—"]]
    book = open_book(book_payload([sheet_payload("表", values, used="C5:E6")]))
    assert book.sheets[0].used_range.address == "$C$5:$E$6"
    grid = xlwings_book.read_grid(book.sheets[0], xlwings_book.capabilities(book))
    assert (grid.get(4, 2), grid.get(5, 3), grid.get(5, 4)) == ("项目", 12.5, "—")
    assert grid.get(0, 0) is None and grid.n_rows == 6
    assert actions(book) == []  # reading issues no edits


def test_live_check_finds_what_the_file_check_finds(remote: None) -> None:
    """Values alone are enough: the remote engine sends no merged areas, recognition does not need them."""
    book = sample_book()
    grids = xlwings_book.read_grids(book)
    assert [g.sheet for g in grids] == [s["name"] for s in SAMPLE_SHEETS]
    live = check_grids(grids, "x").model_dump(exclude={"file"})
    assert live == check_file(SAMPLE).model_dump(exclude={"file"})


def test_remote_engine_says_what_it_cannot_do(remote: None) -> None:
    book = sample_book()
    caps = xlwings_book.capabilities(book)
    assert caps == xlwings_book.Capabilities(union_ranges=False, read_formats=False, screen_updating=False)
    assert any("底色" in line for line in xlwings_book.limits(caps))
    assert any("批注" in line for line in xlwings_book.limits(caps))


# --- applying ---------------------------------------------------------------------------------------------


def _report(cells: list[tuple[str, str]], severity: Severity = Severity.error) -> Report:
    findings = [Finding(rule="T", severity=severity, sheet=s, cell=c, message=f"{c} 不平") for s, c in cells]
    return Report(file="x", findings=findings).finish()


def test_500_marked_cells_cost_a_handful_of_operations(remote: None) -> None:
    checkerboard = [("收支总表", a1(r, c)) for r in range(60, 110) for c in range(20) if (r + c) % 2 == 0]
    assert len(checkerboard) == 500
    book = sample_book()
    applied = xlwings_book.apply_plan(book, plan_marks(_report(checkerboard)))
    assert applied.marked == 500
    funcs = [a["func"] for a in actions(book)]
    # 16, not the 12 of before: the two sheets of ours carry their ownership name (namesAdd), and 审核结果 gets
    # its severity colours, wrapped texts and a second width run - a fixed cost per sheet, not per marked cell
    assert len(funcs) <= 16, funcs
    marked = [a for a in actions(book) if a["func"] == "setRangeColors" and a["sheet"] == "收支总表"]
    assert len(marked) == 1  # the whole checkerboard in one colour matrix
    assert colours_set(book, "收支总表") == {c: COLORS[Severity.error] for _, c in checkerboard}
    assert "addNote" not in funcs  # the remote engine cannot read note texts, so notes are not touched


class RecordingSheet:
    """Desktop Excel's side of colouring, reduced to what the adapter calls: ``sheet.range(address).color``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def range(self, address: str) -> Any:
        sheet = self

        class Target:
            @property
            def color(self) -> None:
                raise AssertionError("colouring never reads")

            @color.setter
            def color(self, fill: str | None) -> None:
                sheet.calls.append((address, fill))

        return Target()


def test_desktop_colouring_uses_union_addresses_under_255_characters() -> None:
    cells = {a1(r, c): COLORS[Severity.error] for r in range(60, 110) for c in range(20) if (r + c) % 2 == 0}
    cells.update({"B2": None, "B3": None, "Z9": COLORS[Severity.warning]})
    sheet = RecordingSheet()
    desktop = xlwings_book.Capabilities(union_ranges=True, read_formats=True, screen_updating=True)
    xlwings_book._colour(sheet, cells, desktop)  # type: ignore[arg-type]
    assert len(sheet.calls) <= 12
    assert all(len(address) < 255 for address, _ in sheet.calls)  # Excel's limit for one Range() address
    painted = {cell: fill for address, fill in sheet.calls for rect in address.split(",") for cell in expand(rect)}
    assert painted == cells


def test_union_chunks_split_only_when_needed() -> None:
    rects = [a1(r, 0) for r in range(200)]
    chunks = xlwings_book.union_chunks(rects)
    assert ",".join(chunks).split(",") == rects
    assert all(len(c) < 255 for c in chunks) and len(chunks) == -(-len(",".join(rects)) // 254)
    assert xlwings_book.union_chunks(["A1:B2"]) == ["A1:B2"] and xlwings_book.union_chunks([]) == []


def test_results_sheet_comes_first_with_hyperlinks_in_one_block(remote: None) -> None:
    book = sample_book(active=2)
    report = _report([("收支总表", "C33"), ("财拨总表", "G14")], Severity.warning)
    xlwings_book.apply_plan(book, plan_marks(report))
    names = [s.name for s in book.sheets]
    assert names[0] == RESULTS_SHEET and names[-1] == MARKS_SHEET
    writes = [a for a in actions(book) if a["func"] == "setValues" and a["sheet"] == RESULTS_SHEET]
    assert len(writes) == 1 and (writes[0]["start_row"], writes[0]["start_column"]) == (0, 0)
    header, *rows = writes[0]["values"]
    assert header[:5] == ["'序号", "'严重程度", "'规则", "'工作表", "'单元格"]
    assert [r[4] for r in rows] == [
        '=HYPERLINK("#\'收支总表\'!C33","C33")',
        '=HYPERLINK("#\'财拨总表\'!G14","G14")',
    ]
    # the user stays on the sheet they were on
    last = actions(book)[-1]
    assert (last["func"], last["sheet"]) == ("activateSheet", "支出决算表")


def test_marks_are_remembered_in_a_hidden_sheet_before_anything_is_coloured(remote: None) -> None:
    book = sample_book()
    xlwings_book.apply_plan(book, plan_marks(_report([("收支总表", "C33"), ("收支总表", "C34")])))
    funcs = [a["func"] for a in actions(book)]
    assert funcs[:4] == ["addSheet", "namesAdd", "setSheetVisibility", "setValues"]
    assert actions(book)[1]["args"] == ["juesuan_own", '="juesuan_标注记录"']  # marked as ours
    assert actions(book)[2]["args"] == ["Hidden"]
    assert funcs.index("setValues") < funcs.index("setRangeColors")
    record = actions(book)[3]["values"]
    assert record == [  # empty = no fill, no note
        ["'工作表", "'单元格", "'原填充", "'原批注", "'批注作者", "'批注大小", "'原格式"],
        ["'收支总表", "'C33", "", "", "", "", ""], ["'收支总表", "'C34", "", "", "", "", ""],
    ]


def test_clear_restores_the_recorded_fills_after_reopening(remote: None) -> None:
    # A workbook marked in desktop Excel: C33 had a yellow fill before, C34 none; saved and reopened.
    seeded = marks_payload(
        [["收支总表", "C33", "#FFFF00", ""], ["收支总表", "C34", "", ""], ["已删除的表", "A1", "", ""]]
    )
    book = sample_book(extra=[seeded])
    assert xlwings_book.clear_marks(book) == 2
    assert colours_set(book, "收支总表") == {"C33": "#FFFF00", "C34": None}
    deleted = [a for a in actions(book) if a["func"] == "sheetDelete"]
    assert len(deleted) == 1 and [s.name for s in book.sheets] == [s["name"] for s in SAMPLE_SHEETS]
    assert "values" not in {a["func"] for a in actions(book)}  # values are never touched


def test_check_mark_reopen_recheck_and_clear_round_trip(remote: None) -> None:
    book = sample_book()
    xlwings_book.apply_plan(book, plan_marks(_report([("收支总表", "C33"), ("财拨总表", "G14")])))
    reopened = open_book(reopen(book))
    assert set(xlwings_book.read_marks(reopened)) == {("收支总表", "C33"), ("财拨总表", "G14")}

    # 检查本表 on 收支总表: C33 is fixed, F14 is new; 财拨总表 is out of scope and keeps its mark.
    xlwings_book.apply_plan(reopened, plan_marks(_report([("收支总表", "F14")])), scope={"收支总表"})
    assert colours_set(reopened, "收支总表") == {"C33": None, "F14": COLORS[Severity.error]}
    assert colours_set(reopened, "财拨总表") == {}
    again = open_book(reopen(reopened))
    assert set(xlwings_book.read_marks(again)) == {("收支总表", "F14"), ("财拨总表", "G14")}

    assert xlwings_book.clear_marks(again) == 2
    assert colours_set(again, "收支总表") == {"F14": None} and colours_set(again, "财拨总表") == {"G14": None}
    assert [s.name for s in again.sheets] == [s["name"] for s in SAMPLE_SHEETS]


def test_values_are_written_per_block(remote: None) -> None:
    book = sample_book()
    plan = Plan(actions=[
        Action(func="setValues", sheet="三公经费", start="D8", values=[[Decimal("0.95"), 0.5], [1.0, ""]]),
        Action(func="setRangeColor", sheet="三公经费", args=["#C6EFCE"], cells=["D8:E9"]),
    ])
    assert xlwings_book.apply_plan(book, plan, scope=set()).marked == 4
    writes = [a for a in actions(book) if a["func"] == "setValues" and a["sheet"] == "三公经费"]
    assert [(w["start_row"], w["start_column"], w["values"]) for w in writes] == [(7, 3, [[0.95, 0.5], [1.0, ""]])]


def test_a_bad_plan_changes_nothing(remote: None) -> None:
    book = sample_book()
    plan = Plan(actions=[Action(func="setRangeColor", sheet="没有这张表", args=["#FFC7CE"], cells=["A1"])])
    with pytest.raises(ValueError, match="没有这张表"):
        xlwings_book.apply_plan(book, plan)
    assert actions(book) == []


def test_record_reader_accepts_the_file_adapters_argb_and_numeric_sheet_names(remote: None) -> None:
    rows = [["收支总表", "c33", "FFFFC7CE", "原来的批注"], [2023.0, "A1", None, None]]
    book = open_book(book_payload([sheet_payload("2023", [[1]]), marks_payload(rows)]))
    assert xlwings_book.read_marks(book) == {
        ("收支总表", "C33"): xlwings_book.Mark("#FFC7CE", "原来的批注"),
        ("2023", "A1"): xlwings_book.Mark(None, None),
    }
    assert parse_a1("C33") == (32, 2)
