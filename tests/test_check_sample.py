"""The real 贵州 2023 tables: no errors, and exactly the rounding gaps juesuan-tables.md §9.1 lists."""

from decimal import Decimal

from openpyxl import load_workbook

from conftest import SAMPLE

D = Decimal
# (rule, sheet, cell, printed, recomputed) - doc §9.1 #1–#17; #7 and #8 occur in two columns each.
EXPECTED_ROUNDING = {
    ("T01.R1", "收支总表", "C33", D("62584.67"), D("62584.66")),  # 1
    ("T01.R3", "收支总表", "C37", D("80473.90"), D("80473.91")),  # 2
    ("T01.R6", "收支总表", "F35", D("3780.77"), D("3780.78")),  # 3
    ("T02.C1", "收入决算表", "C7", D("62584.67"), D("62584.66")),  # 4
    ("T02.H0", "收入决算表", "D7", D("51368.15"), D("51368.16")),  # 5
    ("T04.R3", "财拨总表", "C38", D("52385.67"), D("52385.66")),  # 6
    ("T04.R4", "财拨总表", "F33", D("51716.82"), D("51716.83")),  # 7 合计
    ("T04.R4", "财拨总表", "G33", D("51716.82"), D("51716.83")),  # 7 一般公共预算
    ("T04.R5", "财拨总表", "F38", D("52385.67"), D("52385.66")),  # 8 合计
    ("T04.R5", "财拨总表", "G38", D("52385.67"), D("52385.66")),  # 8 一般公共预算
    ("T05.H0", "一般公共预算支出", "C7", D("51716.82"), D("51716.84")),  # 9
    ("T05.H0", "一般公共预算支出", "E7", D("42418.42"), D("42418.44")),  # 10
    ("T06.H1", "基本支出明细", "C6", D("7032.90"), D("7032.91")),  # 11
    ("T06.H1", "基本支出明细", "F6", D("882.27"), D("882.25")),  # 12
    ("T09.C1-2", "三公经费", "G8", D("51.23"), D("51.24")),  # 13
    ("X05", "收支总表", "F14", D("57866.64"), D("57866.65")),  # 14
    ("X05", "收支总表", "F15", D("441.31"), D("441.30")),  # 15
    ("X09", "财拨总表", "G14", D("32890.34"), D("32890.36")),  # 16
    ("X09", "财拨总表", "G15", D("441.31"), D("441.30")),  # 17
}


def test_all_nine_tables_recognised(sample_report):
    assert sorted(t.table for t in sample_report.tables) == [f"公开0{i}" for i in range(1, 10)]
    assert sample_report.skipped == []


def test_no_errors_and_exactly_the_documented_rounding_gaps(sample_report):
    assert sample_report.summary.errors == 0
    found = {(f.rule, f.sheet, f.cell, f.actual, f.expected) for f in sample_report.findings}
    assert found == EXPECTED_ROUNDING
    assert all(f.severity.value == "warning" and f.message.startswith("尾数误差") for f in sample_report.findings)
    assert all(f.difference == f.actual - f.expected for f in sample_report.findings)


def test_cells_named_in_findings_hold_the_printed_values(sample_report):
    book = load_workbook(SAMPLE, read_only=True)
    for rule, sheet, cell, printed, _ in EXPECTED_ROUNDING:
        assert D(repr(book[sheet][cell].value)) == printed, (rule, sheet, cell)


def test_related_cells_name_the_other_side_of_the_identity(sample_report):
    x09 = next(f for f in sample_report.findings if f.rule == "X09" and f.cell == "G14")
    assert x09.related == ["一般公共预算支出!C15"]  # 公开05 208 小计, printed 32,890.36
    assert load_workbook(SAMPLE, read_only=True)["一般公共预算支出"]["C15"].value == 32890.36
    h0 = next(f for f in sample_report.findings if f.rule == "T05.H0" and f.cell == "C7")
    assert len(h0.related) == 4  # the four 类 rows
