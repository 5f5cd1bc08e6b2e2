"""Faults injected into the real 贵州 2023 tables are found at the right cell with the right expected value,
and the checker does not depend on one layout."""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan import check_file
from workbooks.build import build_workbook, load_seed_tables, locate, placed_amounts, save_workbook

D = Decimal


def check(tmp_path, tables=None, name="t.xlsx", **layout):
    path = tmp_path / name
    save_workbook(build_workbook(tables or load_seed_tables(), **layout), path)
    return check_file(path)


def errors(report):
    return [f for f in report.findings if f.severity.value == "error"]


def find(report, rule, cell, sheet=None):
    hits = [f for f in report.findings if f.rule == rule and f.cell == cell and (sheet is None or f.sheet == sheet)]
    assert len(hits) == 1, [(f.rule, f.sheet, f.cell) for f in report.findings]
    return hits[0]


def test_leaf_amount(tmp_path):
    tables = load_seed_tables()
    t03 = tables["公开03"]
    parts = sum(v for k, v in t03.row("2080101").values.items() if k != "本年支出合计")
    assert parts == t03.row("2080101").values["本年支出合计"] == D("5655.77")  # 行政运行, all 基本支出
    t03.set("2080101", "本年支出合计", "5755.77")
    report = check(tmp_path, tables)
    row = find(report, "T03.C1", locate(t03, "2080101", "本年支出合计"))
    assert (row.severity.value, row.expected, row.actual, row.difference) == ("error", D("5655.77"), D("5755.77"), D("100.00"))
    assert f"支出决算表!{locate(t03, '2080101', '基本支出')}" in row.related
    parent = find(report, "T03.H2", locate(t03, "20801", "本年支出合计"))
    assert parent.expected == parent.actual + 100


def test_total(tmp_path):
    tables = load_seed_tables()
    tables["公开01"].set(27, "决算数", "62684.67")  # 本年收入合计, printed 62,584.67
    report = check(tmp_path, tables)
    r1 = find(report, "T01.R1", "C33")
    assert (r1.severity.value, r1.expected, r1.actual) == ("error", D("62584.66"), D("62684.67"))
    x01 = find(report, "X01", "C33")
    assert (x01.expected, x01.related) == (D("62584.67"), ["收入决算表!C7"])


def test_cross_table_value(tmp_path):
    tables = load_seed_tables()
    tables["公开05"].set("合计", "本年支出.基本支出", "9398.40")  # printed 9,298.40 = 人员经费 8,416.13 + 公用经费 882.27
    report = check(tmp_path, tables)
    x12 = find(report, "X12", "D7")
    assert (x12.severity.value, x12.expected, x12.actual) == ("error", D("9298.40"), D("9398.40"))
    assert x12.related == ["基本支出明细!C60", "基本支出明细!F60"]
    assert find(report, "X14-1", "D7").expected == D("9373.01")  # ≤ 公开03 基本支出


def test_deleted_item_row(tmp_path):
    tables = load_seed_tables()
    deleted = tables["公开03"].delete("2080102")  # 一般行政管理事务 2,164.58
    report = check(tmp_path, tables)
    t03 = tables["公开03"]
    kuan = find(report, "T03.H2", locate(t03, "20801", "本年支出合计"))
    assert kuan.actual - kuan.expected == deleted.values["本年支出合计"]
    missing = find(report, "X13", locate(tables["公开05"], "2080102", "本年支出.小计").replace("C", "A"), sheet="一般公共预算支出")
    assert "公开03中没有科目 2080102" in missing.message


def test_text_stored_numbers_are_read_and_flagged(tmp_path):
    tables = load_seed_tables()
    tables["公开03"].set("2080101", "本年支出合计", "5755.77")
    report = check(tmp_path, tables, numbers_as_text=True)
    text_cells = {f.cell for f in report.findings if f.rule == "V01" and f.sheet == "支出决算表"}
    placed = {cell for row, col, cell in placed_amounts(tables["公开03"]) if row.values[col] is not None}
    assert text_cells == placed
    kuan = tables["公开03"].row("20801").values["本年支出合计"]  # 13,063.32 = Σ its 项 before the fault
    assert [(f.rule, f.cell, f.expected, f.actual) for f in errors(report)] == [
        ("T03.H2", "C16", kuan + 100, kuan),
        ("L01", "C17", D("5655.77"), D("5755.77")),  # the one cell whose correction makes both hold
        ("T03.C1", "C17", D("5655.77"), D("5755.77")),
    ]


def test_not_a_number(tmp_path):
    book = build_workbook(load_seed_tables())
    book["三公经费"]["L8"] = "待定"  # 公务接待费 决算数, printed 6.85
    save_workbook(book, tmp_path / "t.xlsx")
    report = check_file(tmp_path / "t.xlsx")
    v02 = find(report, "V02", "L8")
    assert v02.severity.value == "error" and "待定" in v02.message


def test_a_long_text_in_an_amount_cell_is_quoted_short(tmp_path):
    book = build_workbook(load_seed_tables())
    book["三公经费"]["L8"] = "待定" + "说明" * 5000
    save_workbook(book, tmp_path / "t.xlsx")
    v02 = find(check_file(tmp_path / "t.xlsx"), "V02", "L8")
    assert v02.message == "金额单元格中不是数字：“待定" + "说明" * 19 + "…”"


def test_table_starting_elsewhere(tmp_path):
    base = {(f.rule, f.cell, f.expected) for f in check(tmp_path, name="a.xlsx").findings}
    moved = check(tmp_path, name="b.xlsx", start_row=5, start_col=3)
    assert moved.summary.errors == 0

    def shift(cell):
        from juesuan.grid import a1, parse_a1

        r, c = parse_a1(cell)
        return a1(r + 4, c + 2)

    assert {(f.rule, f.cell, f.expected) for f in moved.findings} == {(r, shift(c), e) for r, c, e in base}


@pytest.mark.parametrize(
    "layout",
    [
        {"code_header": "科目编码"},
        {"code_header": "功能分类科目编码"},
        {"codes_as_numbers": True},
        {"total_position": "merged"},
        {"total_position": "code"},
        {"total_position": "name"},
        {"no_line_numbers": True},
        {"titles_with_number": False, "title_suffix": "（财决{nn}表）"},
        {"sheet_order": [9, 5, 1, 7, 3, 8, 2, 6, 4]},
        {"dash_for_zero": True},
    ],
    ids=lambda d: ",".join(d),
)
def test_layout_variants_give_the_same_findings(tmp_path, layout, sample_report):
    report = check(tmp_path, **layout)
    assert sorted(t.table for t in report.tables) == [f"公开0{i}" for i in range(1, 10)]
    assert {(f.rule, f.table, f.expected, f.actual) for f in report.findings} == {
        (f.rule, f.table, f.expected, f.actual) for f in sample_report.findings
    }


def test_sheet_that_is_no_table_is_skipped_with_reason(tmp_path):
    book = build_workbook(load_seed_tables(), sheet_order=[1, 2])
    notes = book.create_sheet("说明")
    notes["A1"] = "2023年度部门决算情况说明"
    notes["A2"] = "收支总计均为80,473.90万元"
    book.create_sheet("空白")
    path = tmp_path / "x.xlsx"
    save_workbook(book, path)
    report = check_file(path)
    assert [(s.sheet, s.reason) for s in report.skipped] == [
        ("说明", "未识别为部门决算公开表或绩效自评表：没有找到表名（如“收入支出决算总表”“项目支出绩效自评表”）或可辨认的表头"),
        ("空白", "空工作表"),
    ]


def test_empty_fund_table_needs_its_note(tmp_path):
    tables = load_seed_tables()
    assert not errors(check(tmp_path, tables, name="with-note.xlsx"))
    tables["公开07"].notes = tables["公开07"].notes[:1]  # drop “……故本表无数据。”
    report = check(tmp_path, tables, name="without-note.xlsx")
    e01 = [f for f in report.findings if f.rule == "E01"]
    assert [(f.severity.value, f.sheet, f.cell) for f in e01] == [("warning", "政府性基金", "A1")]


def test_code_names_and_missing_parent(tmp_path):
    tables = load_seed_tables()
    tables["公开05"].row("2080101").name = "行政运行支出"
    tables["公开02"].delete("20508")  # 款 进修及培训, its 项 2050803 stays
    report = check(tmp_path, tables)
    c01 = [f for f in report.findings if f.rule == "C01"]
    # the 科目名称 cell of the odd table out (公开02 and 公开03 print 行政运行), not its code cell
    assert [(f.sheet, f.cell) for f in c01] == [("一般公共预算支出", locate(tables["公开05"], "2080101", "本年支出.小计").replace("C", "B"))]
    assert "“行政运行”" in c01[0].message and "“行政运行支出”" in c01[0].message and "以多数表为准" in c01[0].message
    c02 = [f for f in report.findings if f.rule == "C02"]
    assert [(f.sheet, f.cell) for f in c02] == [("收入决算表", locate(tables["公开02"], "2050803", "本年收入合计").replace("C", "A"))]


def test_unmerged_headers_give_the_same_findings(tmp_path, sample_report):
    """Merges undone (or never made, or unknown to the reader, as on xlwings' remote engine)."""
    book = build_workbook(load_seed_tables())
    for ws in book.worksheets:
        for area in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(area))
    save_workbook(book, tmp_path / "unmerged.xlsx")
    report = check_file(tmp_path / "unmerged.xlsx")
    assert {(f.rule, f.sheet, f.cell, f.expected) for f in report.findings} == {
        (f.rule, f.sheet, f.cell, f.expected) for f in sample_report.findings
    }


def test_excel_error_value_is_an_error_not_a_blank(tmp_path):
    book = build_workbook(load_seed_tables())
    book["三公经费"]["L8"] = "#DIV/0!"  # openpyxl stores it as an error cell (t="e"), as Excel does
    save_workbook(book, tmp_path / "t.xlsx")
    v02 = find(check_file(tmp_path / "t.xlsx"), "V02", "L8")
    assert v02.severity.value == "error" and "#DIV/0!" in v02.message


def test_older_24_line_class_list(tmp_path, sample_report):
    """Templates before 抗疫特别国债 and 灾害防治 had 24 功能分类 lines on the summary tables."""
    tables = load_seed_tables()
    for kind in ("公开01", "公开04"):
        tables[kind].delete("二十六、抗疫特别国债安排的支出")
        tables[kind].delete("二十二、灾害防治及应急管理支出")
    report = check(tmp_path, tables)
    assert {(f.rule, f.table, f.expected, f.actual) for f in report.findings} == {
        (f.rule, f.table, f.expected, f.actual) for f in sample_report.findings
    }


def test_a_class_line_missing_from_the_summary_is_found(tmp_path):
    tables = load_seed_tables()
    tables["公开01"].delete("九、卫生健康支出")  # 441.31, while 公开03 has 210 卫生健康支出 441.30
    report = check(tmp_path, tables)
    x05 = [f for f in report.findings if f.rule == "X05" and f.severity.value == "error"]
    assert [(f.sheet, f.cell, f.actual) for f in x05] == [("支出决算表", locate(tables["公开03"], "210", "本年支出合计"), D("441.30"))]
    assert "公开01中没有与科目 210 卫生健康支出 对应的类级行" in x05[0].message
    r2 = find(report, "T01.R2", locate(tables["公开01"], "本年支出合计", "决算数"))  # no longer adds up either
    assert r2.actual - r2.expected == D("441.31")


def test_table_without_title_is_recognised_by_its_header(tmp_path, sample_report):
    book = build_workbook(load_seed_tables())
    for sheet in ("收入决算表", "三公经费"):
        book[sheet]["A1"] = None  # the title row emptied, as when a table is pasted without it
    save_workbook(book, tmp_path / "t.xlsx")
    report = check_file(tmp_path / "t.xlsx")
    refs = {t.sheet: (t.table, t.title) for t in report.tables}
    assert refs["收入决算表"] == ("公开02", "收入决算表") and refs["三公经费"] == ("公开09", "财政拨款“三公”经费支出决算表")
    assert {(f.rule, f.cell) for f in report.findings} == {(f.rule, f.cell) for f in sample_report.findings}
