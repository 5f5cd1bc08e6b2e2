"""A unit's own 审核公式 on the real 贵州 2023 sample: from a .csv, .xlsx or .txt file (``--rules``) or from a
审核公式 sheet in the workbook. Holding, failing, rounding-only and 核实性 formulas each give the right outcome;
formulas that cannot apply or name no cell are said once; bad rows are reported and the rest still checked."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from conftest import SAMPLE
from juesuan import check_file
from juesuan.cli import main
from juesuan.formula.rulefile import FORMULA_SHEET, read_rule_file
from juesuan.read import InputError
from juesuan.rules import load_catalogue

D = Decimal
ROWS = [
    ["编号", "公式", "类型", "说明"],
    ["K01", "[公开01]31行=62行", "基本平衡", "收支总计平衡"],  # holds: 80,473.90 both
    ["K02", "27行=(1+2+…+8)行", "基本平衡", ""],  # 公开01 carried over; 62,584.67 vs 62,584.66: 尾数误差
    ["K03", "[公开01]29行=[公开04]28行", "逻辑性", "年初结转和结余应一致"],  # fails: 17,843.18 vs 1,017.51
    ["K04", "[公开03]“合计”行“项目支出”栏≤“基本支出”栏", "核实性", "项目支出超过基本支出需说明"],  # fails
    ["K05", "[公开09]“决算数/合计”栏≤“预算数/合计”栏", "核实性公式", "三公经费决算不超过预算"],  # holds
    ["K06", '如果报表小类≠"2"(调整表)，则[公开01]1至8行、28行、32至62行≥0', "核实性", ""],  # no 报表小类
    ["K07", "[公开05]{2080505}行“基本支出”栏=[公开06]{30108}行", "逻辑性", "养老保险缴费两种分类一致"],  # 696.74
    ["K08", "[公开01]27行=(1+2+…8)行", "基本平衡", "写错的公式"],
    ["K09", "如果[公开07]“合计”行“本年收入”栏≠0，则“合计”行“年末结转和结余”栏>0", "核实性", ""],  # not asked
    ["K10", "[公开01]99行=1行", "基本平衡", ""],
    ["K11", "[公开01]1至8行≥0", "平衡", ""],
    ["K12", "[公开07]“合计”行=({类})行", "基本平衡", ""],  # holds (all zero)
]
#: (rule, severity, sheet, cell, expected, actual, related) of every finding the list gives on the sample.
EXPECTED = {
    ("K02", "warning", "收支总表", "C33", D("62584.66"), D("62584.67"), tuple(f"收支总表!C{r}" for r in range(7, 15))),
    ("K03", "error", "收支总表", "C35", D("1017.51"), D("17843.18"), ("财拨总表!C34",)),
    ("K04", "warning", "支出决算表", "E7", D("9373.01"), D("67320.12"), ("支出决算表!D7",)),
    ("K06", "info", "收支总表", "A1", None, None, ()),
    ("K10", "warning", "收支总表", "A1", None, None, ()),
}


def user_findings(report):
    return {
        (f.rule, f.severity.value, f.sheet, f.cell, f.expected, f.actual, tuple(f.related))
        for f in report.findings if f.rule.startswith("K")
    }


def write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path, rows, sheet="审核公式"):
    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_rules_file_gives_each_formula_its_outcome(tmp_path, capsys):
    rules = write_csv(tmp_path / "审核公式.csv", ROWS)
    code = main(["check", str(SAMPLE), "--rules", str(rules), "--json", str(tmp_path / "r.json")])
    out, err = capsys.readouterr()
    assert code == 1  # K03 fails
    assert err.splitlines() == [
        "注意：审核公式.csv 第 9 行：公式 K08 第 17 个字符处应为“+”：[公开01]27行=(1+2+…8)行（此行未使用）",
        "注意：审核公式.csv 第 12 行：公式 K11 的类型“平衡”应为基本平衡、逻辑性或核实性（此行未使用）",
    ]
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    by_rule = {f["rule"]: f for f in report["findings"] if f["rule"].startswith("K")}
    assert set(by_rule) == {"K02", "K03", "K04", "K06", "K10"}
    assert by_rule["K02"]["message"] == "尾数误差（差额在容差 ±0.015 以内，多为金额单位换算四舍五入所致）：[公开01]27行=(1+2+…+8)行"
    assert by_rule["K03"]["message"] == "年初结转和结余应一致：[公开01]29行=[公开04]28行"
    assert by_rule["K03"]["difference"] == 16825.67
    assert by_rule["K04"]["message"].startswith("项目支出超过基本支出需说明：")
    assert by_rule["K06"]["message"] == "工作簿中没有封面属性“报表小类”，以下公式不适用、未检查：K06"
    assert by_rule["K10"]["message"] == "公式 K10 未能检查：公开01中没有第 99 行"
    # the built-in rules still run beside them: their 19 documented 尾数误差 and nothing else
    assert sum(1 for f in report["findings"] if not f["rule"].startswith("K")) == 19
    assert "错误 1 条" in out


def test_the_same_list_from_xlsx_gbk_csv_and_sheet(tmp_path):
    expected = EXPECTED
    assert user_findings(check_file(SAMPLE, rules=read_rule_file(write_xlsx(tmp_path / "r.xlsx", ROWS))[0])) == expected
    gbk = write_csv(tmp_path / "r.csv", ROWS, encoding="gbk")  # as Excel saves CSV on a Chinese Windows
    assert user_findings(check_file(SAMPLE, rules=read_rule_file(gbk)[0])) == expected

    book = load_workbook(SAMPLE)
    sheet = book.create_sheet(FORMULA_SHEET)
    for row in [["某单位 2023 年审核公式"], [], *ROWS]:  # a title above the header is fine
        sheet.append(row)
    book.save(tmp_path / "with-sheet.xlsx")
    report = check_file(tmp_path / "with-sheet.xlsx")
    assert FORMULA_SHEET not in {s.sheet for s in report.skipped} | {t.sheet for t in report.tables}
    found = user_findings(report)
    # problems are marked at the formula's own cell; K06's info and K10's warning too
    bad = {(f[0], f[1], f[3]) for f in found if f[2] == FORMULA_SHEET}
    assert bad == {("K06", "info", "B9"), ("K08", "warning", "B11"), ("K10", "warning", "B13"), ("K11", "warning", "B14")}
    assert found - {f for f in found if f[2] == FORMULA_SHEET} == {f for f in expected if f[0] not in ("K06", "K10")}
    k08 = next(f for f in report.findings if f.rule == "K08")
    assert k08.message == "审核公式未能使用：公式 K08 第 17 个字符处应为“+”：[公开01]27行=(1+2+…8)行"


def test_a_formula_sheet_without_its_header_row_says_so(tmp_path):
    """A 审核公式 sheet whose list has no 编号/公式/类型 header was ignored without a word."""
    book = load_workbook(SAMPLE)
    book.create_sheet(FORMULA_SHEET).append(["K01", "[公开01]27行=(1+2+…+8)行", "基本平衡"])
    book.save(tmp_path / "no-header.xlsx")
    said = [f for f in check_file(tmp_path / "no-header.xlsx").findings if f.sheet == FORMULA_SHEET]
    assert [(f.rule, f.severity.value, f.cell) for f in said] == [(FORMULA_SHEET, "warning", "A1")]
    assert said[0].message.startswith("审核公式未能使用：没有找到表头")


def test_the_official_text_as_a_txt_file(tmp_path):
    text = (
        "[公开01]\n"
        "1.基本平衡公式\n"
        "27行=(1+2+…+8)行；31行=(27+28+29)行；62行=(58+59+60)行；31行=62行。\n"
        "2.核实性公式\n"
        '32至62行≥0；如果报表小类≠"2"(调整表)，则1至8行、28行、32至62行≥0。\n'
    )
    (tmp_path / "公式.txt").write_text(text, encoding="utf-8")
    rules, problems = read_rule_file(tmp_path / "公式.txt")
    assert problems == []
    assert [(r.id, r.family) for r in rules] == [
        ("基本平衡1", "基本平衡"), ("基本平衡2", "基本平衡"), ("基本平衡3", "基本平衡"), ("基本平衡4", "基本平衡"),
        ("核实性1", "核实性"), ("核实性2", "核实性"),
    ]
    found = {(f.rule, f.severity.value, f.cell) for f in check_file(SAMPLE, rules=rules).findings
             if f.rule.startswith(("基本平衡", "核实性"))}
    # 27 and 31 are the documented 尾数误差 (#1, #2); 62 and the balance hold; 61 is a blank placeholder line
    assert found == {("基本平衡1", "warning", "C33"), ("基本平衡2", "warning", "C37"), ("核实性2", "info", "A1")}


def test_a_file_without_one_usable_formula_is_unusable_input(tmp_path, capsys):
    rules = write_csv(tmp_path / "坏.csv", [["编号", "公式", "类型"], ["A1", "27行=(1+2", "基本平衡"]])
    assert main(["check", str(SAMPLE), "--rules", str(rules)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "注意：坏.csv 第 2 行：公式 A1 末尾应为“+”或“)”：27行=(1+2（此行未使用）",
        f"juesuan：审核公式文件中没有可用的公式：{rules}",
    ]
    assert "Traceback" not in err
    for name, content, message in [
        ("无表头.csv", "a,b\n1,2\n", "无表头.csv：没有找到表头（应有“编号”“公式”“类型”列，可选“说明”列）"),
        ("公式.doc", "x", "审核公式文件应为 .csv、.xlsx 或 .txt：公式.doc"),
    ]:
        (tmp_path / name).write_text(content, encoding="utf-8")
        assert main(["check", str(SAMPLE), "--rules", str(tmp_path / name)]) == 2
        assert message in capsys.readouterr().err
    assert main(["check", str(SAMPLE), "--rules", str(tmp_path / "没有.csv")]) == 2
    assert "找不到审核公式文件" in capsys.readouterr().err


def test_formulas_that_name_no_cell_are_warnings_not_crashes(tmp_path):
    rows = [["编号", "公式", "类型"],
            ["B1", "[公开04]“总计”行=1", "基本平衡"],  # 总计 is in both blocks
            ["B2", "[公开10]1行=1", "基本平衡"],
            ["B3", "[公开06]1行=2行", "基本平衡"],  # 公开06 prints no 行次
            ["B4", "[公开01]1行×2行=0", "基本平衡"],
            ["B5", "[公开02]“合计”行“不存在”栏=0", "基本平衡"],
            ["B6", "[公开01]1至3行=[公开04]1至2行", "逻辑性"]]
    rules, _ = read_rule_file(write_csv(tmp_path / "b.csv", rows))
    messages = {f.rule: f.message for f in check_file(SAMPLE, rules=rules).findings if f.rule.startswith("B")}
    assert messages == {
        "B1": "公式 B1 未能检查：公开04中有 2 行“总计”（收入第 32 行、支出第 64 行），请写成“收入/总计”或“上级行名/总计”，或用行次",
        "B2": "公式 B2 未能检查：不认识的表名“公开10”（可写 [公开01]、[公开01表] 或表名，如 [收入支出决算总表]）",
        "B3": "公式 B3 未能检查：公开06没有印出行次，请用行名（如“合计”行）或科目代码（如 {205}行）",
        "B4": "公式 B4 未能检查：公式中两个单元格相乘或以单元格作除数，暂不支持（可改写为乘以常数的形式）",
        "B5": "公式 B5 未能检查：公开02没有“不存在”栏",
        "B6": "公式 B6 未能检查：公式中逐行比较的各组行数不同（2、3 行），无法一一对应",
    }


def test_rows_zip_tables_by_title_and_a_missing_table_is_said_once(tmp_path):
    rows = [["编号", "公式", "类型"],
            ["Z1", "[收入支出决算总表]1至3行=[公开04表]1至3行", "逻辑性"],  # the three 财政拨款 lines, pairwise
            ["Z2", "[公开07]“合计”行=0", "基本平衡"],
            ["Z3", "[公开07]“合计”行“小计”栏=[公开08]“合计”行“小计”栏", "逻辑性"]]
    rules, _ = read_rule_file(write_csv(tmp_path / "z.csv", rows))
    book = load_workbook(SAMPLE)
    del book["政府性基金"]
    book["收支总表"]["C9"] = 5  # 三、国有资本经营预算财政拨款收入, printed 0.00
    book.save(tmp_path / "no07.xlsx")
    found = {(f.rule, f.severity.value, f.sheet, f.cell, f.actual, f.message) for f in check_file(tmp_path / "no07.xlsx", rules=rules).findings
             if f.rule.startswith("Z")}
    assert found == {
        ("Z1", "error", "收支总表", "C9", D(5), "逻辑性公式不成立：[收入支出决算总表]1至3行=[公开04表]1至3行（“国有资本经营预算财政拨款收入”行）"),
        ("Z2", "info", "收支总表", "A1", None, "工作簿中没有公开07，以下公式不适用、未检查：Z2、Z3"),
    }


def test_the_exported_built_ins_replace_themselves(tmp_path, capsys, sample_report):
    assert main(["rules", "--export", str(tmp_path / "内置.xlsx")]) == 0
    assert capsys.readouterr().out == f"已导出 60 条内置规则的审核公式：{tmp_path / '内置.xlsx'}\n"
    exported = load_workbook(tmp_path / "内置.xlsx")[FORMULA_SHEET]
    rows = list(exported.values)
    assert rows[0] == ("编号", "公式", "类型", "说明")
    with_formula = [r for r in load_catalogue() if r.formula]
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [(r.id, r.formula, r.name) for r in with_formula]
    assert {r[2] for r in rows[1:] if r[0].startswith("X")} == {"逻辑性"} and {r[2] for r in rows[1:] if r[0].startswith("T")} == {"基本平衡"}
    rules, problems = read_rule_file(tmp_path / "内置.xlsx")
    assert problems == [] and len(rules) == 60
    report = check_file(SAMPLE, rules=rules)
    same = lambda r: sorted((f.rule, f.severity.value, f.sheet, f.cell, f.expected, f.actual) for f in r.findings)  # noqa: E731
    assert same(report) == same(sample_report)
    assert main(["rules", "--export", str(tmp_path / "内置.csv")]) == 0
    assert read_rule_file(tmp_path / "内置.csv")[0] == rules
    assert main(["rules", "--export", str(tmp_path / "内置.json")]) == 2
    assert "导出的审核公式文件应为 .xlsx 或 .csv" in capsys.readouterr().err


@pytest.mark.parametrize("formula", ["[公开01]27行=(1+2+…+8)行", "[公开01]“本年收入合计”行=(1+2+…+8)行"])
def test_printed_line_numbers_and_labels_reach_the_same_cells(formula):
    from juesuan.formula.rules import FormulaRule
    from juesuan.formula.syntax import parse

    rule = FormulaRule("R", (parse(formula, "R"),), "基本平衡")
    found = [(f.cell, f.expected) for f in check_file(SAMPLE, rules=[rule]).findings if f.rule == "R"]
    assert found == [("C33", D("62584.66"))]


def test_a_csv_cell_past_the_csv_limit_is_a_clear_input_error(tmp_path):
    """The csv module refuses a field of more than 131,072 characters: exit 2 with the reason, no traceback."""
    path = tmp_path / "审核公式.csv"
    path.write_text("编号,公式,类型\nU1,\"1行=" + "9" * 200_000 + "\",基本平衡\n", encoding="utf-8")
    with pytest.raises(InputError, match="CSV 格式有误，或某一格超过 131,072 个字符"):
        read_rule_file(path)


HUGE = 99_999_999  # a 行次 far past any table: a range up to it used to be walked number by number


def formula_findings(path, formula):
    """The findings of one user formula (its own text in a message replaced by ``…``, so that two spellings of a
    range compare)."""
    from juesuan.formula.rules import FormulaRule
    from juesuan.formula.syntax import parse

    rule = FormulaRule("R", (parse(formula, "R"),), "基本平衡")
    return sorted((f.severity.value, f.sheet, f.cell, f.expected, f.actual, tuple(f.related), f.message.replace(formula, "…"))
                  for f in check_file(path, rules=[rule]).findings if f.rule == "R")


def test_a_huge_row_range_costs_the_rows_the_table_has(tmp_path):
    """``1至99999999行`` and ``(1+2+…+99999999)行`` stay one pair in the tree and bind through the 行次 the table
    prints: they finish at once (they used to run for minutes with memory growing) with the outcome of the range
    clipped to the table's rows."""
    from juesuan.formula.syntax import RowItem, RowRange, Rows, parse

    ref = parse(f"[公开01]1至{HUGE}行≥0", "R").terms[0]
    assert ref.rows.parts == (RowItem("number", 1), RowRange(2, HUGE - 1), RowItem("number", HUGE))
    assert parse(f"27行=(1+2+…+{HUGE})行", "R").terms[1].rows.parts == (
        RowItem("number", 1), RowItem("number", 2), RowRange(3, HUGE - 1), RowItem("number", HUGE))
    assert parse("1至8行≥0", "R").terms[0].rows == Rows("each", (RowItem("number", 1), RowRange(2, 7), RowItem("number", 8)))
    assert parse("1至2行≥0", "R").terms[0].rows.parts == (RowItem("number", 1), RowItem("number", 2))  # nothing inside

    # 公开01 of the sample prints 行次 1 to 62: the end of the range must exist, as for 1至63行
    for formula in (f"[公开01]1至{HUGE}行≥0", f"[公开01]27行=(1+2+…+{HUGE})行"):
        assert formula_findings(SAMPLE, formula) == [
            ("warning", "收支总表", "A1", None, None, (), f"公式 R 未能检查：公开01中没有第 {HUGE} 行")]

    # the same table printing 99999999 for its last line (总计, 62): the huge range is the range 1 to 62
    book = load_workbook(SAMPLE)
    assert book["收支总表"]["E37"].value == 62
    book["收支总表"]["E37"] = HUGE
    book.save(tmp_path / "huge.xlsx")
    for huge, clipped in [(f"[公开01]1至{HUGE}行≤50000", "[公开01]1至62行≤50000"),
                          (f"[公开01]27行=(1+2+…+{HUGE})行", "[公开01]27行=(1+2+…+62)行")]:
        found = formula_findings(tmp_path / "huge.xlsx", huge)
        assert found and found == formula_findings(SAMPLE, clipped)
    assert [f[2:5] for f in formula_findings(tmp_path / "huge.xlsx", f"[公开01]27行=(1+2+…+{HUGE})行")] == [
        ("C33", D("461173.40"), D("62584.67"))]

    # a workbook alone carries the formula (a 审核公式 sheet): the check finishes all the same
    book = load_workbook(SAMPLE)
    book.create_sheet(FORMULA_SHEET).append(["编号", "公式", "类型"])
    book[FORMULA_SHEET].append(["H1", f"[公开01]1至{HUGE}行≥0", "基本平衡"])
    book.save(tmp_path / "with-sheet.xlsx")
    h1 = [f for f in check_file(tmp_path / "with-sheet.xlsx").findings if f.rule == "H1"]
    assert [(f.severity.value, f.sheet, f.cell) for f in h1] == [("warning", FORMULA_SHEET, "B2")]
    assert h1[0].message.endswith(f"公开01中没有第 {HUGE} 行")


def test_exporting_one_rule_or_asking_for_two_things_at_once(tmp_path, capsys):
    """``rules T01.R1 --export`` writes that rule only (it wrote all 60); ``--markdown --export`` is refused
    rather than ignoring one of them."""
    assert main(["rules", "T01.R1", "--export", str(tmp_path / "one.csv")]) == 0
    rows = list(csv.reader((tmp_path / "one.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [row[0] for row in rows] == ["编号", "T01.R1"]
    assert main(["rules", "--markdown", "--export", str(tmp_path / "x.csv")]) == 2
    assert main(["rules", "NOPE", "--export", str(tmp_path / "x.csv")]) == 2
    assert not (tmp_path / "x.csv").exists()
    assert capsys.readouterr().err.count("juesuan：") == 2
