"""说明 for findings, through the file route (``juesuan check`` / ``clear`` on the marked copy, ``--explain``):
an explained finding is 已说明 while its cell keeps the value it was explained with, the 说明 survives saving,
re-checking and clearing, and a changed value makes it count again."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

from openpyxl import load_workbook

from conftest import SAMPLE
from juesuan import check_file
from juesuan.cli import main
from juesuan.explain import EXPLAIN_HEADER, EXPLAIN_SHEET
from juesuan.plan import RESULTS_HEADER, RESULTS_SHEET

D = Decimal
#: 公开09 决算数 合计 51.23 vs 0.00 + 44.39 + 6.85 = 51.24: the documented 尾数误差 #13.
RULE, SHEET, CELL = "T09.C1-2", "三公经费", "G8"
TEXT = "三公经费按元汇总后换算为万元，差额 0.01 为四舍五入"


def write_explanation(path, text, rule=RULE, cell=CELL, sheet=RESULTS_SHEET):
    """What the user does in Excel: type a 说明 into the 审核结果 row of a finding and save."""
    book = load_workbook(path)
    results = book[sheet]
    column = RESULTS_HEADER.index("说明")
    rows = [r for r in results.iter_rows(min_row=2) if (r[2].value, r[4].value) == (rule, cell)]
    assert len(rows) == 1
    rows[0][column].value = text
    book.save(path)


def finding(report, rule=RULE, cell=CELL):
    hits = [f for f in report.findings if (f.rule, f.sheet, f.cell) == (rule, SHEET, cell)]
    assert len(hits) == 1, [(f.rule, f.cell) for f in report.findings]
    return hits[0]


def record(path):
    book = load_workbook(path)
    assert book[EXPLAIN_SHEET].sheet_state == "hidden"
    return [list(r) for r in book[EXPLAIN_SHEET].values]


def test_an_explanation_survives_save_recheck_and_clear(tmp_path, capsys):
    a, b, c = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    assert main(["check", str(SAMPLE), "--out", str(a)]) == 0
    assert EXPLAIN_SHEET not in load_workbook(a).sheetnames  # nothing explained, nothing recorded
    write_explanation(a, TEXT)

    assert main(["check", str(a), "--out", str(b)]) == 0
    assert "错误 0 条，警告 18 条（其中尾数误差 18 条），提示 1 条（其中已说明 1 条）" in capsys.readouterr().out
    explained = finding(check_file(b))
    assert (explained.severity.value, explained.explanation) == ("info", TEXT)
    assert explained.message.startswith("已说明：尾数误差")
    assert record(b) == [EXPLAIN_HEADER, [RULE, SHEET, CELL, TEXT, 51.23]]
    row = next(r for r in load_workbook(b)[RESULTS_SHEET].values if r[2] == RULE)
    assert (row[1], row[-1]) == ("提示", TEXT)
    assert load_workbook(b)[SHEET][CELL].fill.fgColor.rgb == "FFDDEBF7"  # info colour, not the warning yellow

    assert main(["clear", str(b), "--out", str(c)]) == 0
    cleared = load_workbook(c)
    assert RESULTS_SHEET not in cleared.sheetnames and record(c) == record(b)
    assert finding(check_file(c)).severity.value == "info"


def test_a_changed_value_counts_again_until_the_explanation_is_edited(tmp_path, capsys):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    main(["check", str(SAMPLE), "--out", str(a)])
    write_explanation(a, TEXT)
    main(["check", str(a), "--out", str(b)])
    book = load_workbook(b)
    book[SHEET][CELL] = 51.22  # now 0.02 from the sum: above the bound of 0.015
    book.save(b)

    changed = tmp_path / "changed.xlsx"
    assert main(["check", str(b), "--out", str(changed)]) == 1
    capsys.readouterr()
    counted = finding(check_file(changed))
    assert (counted.severity.value, counted.actual, counted.explanation) == ("error", D("51.22"), TEXT)
    assert counted.message.endswith("（说明时数值为 51.23，现为 51.22：请核实后修改说明）")
    assert record(changed)[1] == [RULE, SHEET, CELL, TEXT, 51.23]  # the record keeps the value it was given for
    suspect = finding(check_file(changed), "L01")  # localisation: G8 alone explains the failure
    assert (suspect.severity.value, suspect.expected) == ("error", D("51.24"))

    write_explanation(changed, TEXT + "；已核实，51.22 无误")
    again = tmp_path / "again.xlsx"
    assert main(["check", str(changed), "--out", str(again)]) == 0
    assert finding(check_file(again)).severity.value == "info"
    suspect = finding(check_file(again), "L01")  # follows the 说明 of the identity it was derived from
    assert (suspect.severity.value, suspect.explanation) == ("info", None)
    assert suspect.message.startswith("已说明（所涉勾稽关系均已说明）：疑似出错单元格")
    assert record(again)[1] == [RULE, SHEET, CELL, TEXT + "；已核实，51.22 无误", 51.22]

    write_explanation(again, None)  # withdrawn
    withdrawn = tmp_path / "withdrawn.xlsx"
    assert main(["check", str(again), "--out", str(withdrawn)]) == 1
    assert finding(check_file(withdrawn)).explanation is None
    assert record(withdrawn) == [EXPLAIN_HEADER]


def test_an_explain_file(tmp_path, capsys):
    explain = tmp_path / "说明.csv"
    with open(explain, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([["规则", "工作表", "单元格", "说明"], [RULE, SHEET, "$G$8", TEXT]])
    out = tmp_path / "out.xlsx"
    assert main(["check", str(SAMPLE), "--explain", str(explain), "--out", str(out), "--json", str(tmp_path / "r.json")]) == 0
    capsys.readouterr()
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    explained = [f for f in report["findings"] if f["explanation"]]
    assert [(f["rule"], f["cell"], f["severity"], f["explanation"]) for f in explained] == [(RULE, CELL, "info", TEXT)]
    assert report["summary"] == {"errors": 0, "warnings": 18, "infos": 1}
    assert record(out) == [EXPLAIN_HEADER, [RULE, SHEET, CELL, TEXT, 51.23]]  # the value seen at the check

    assert main(["check", str(SAMPLE), str(SAMPLE), "--out-dir", str(tmp_path / "batch"), "--explain", str(explain)]) == 2
    assert "--explain 只能用于检查单个文件" in capsys.readouterr().err
    (tmp_path / "空.csv").write_text("a,b\n", encoding="utf-8")
    assert main(["check", str(SAMPLE), "--explain", str(tmp_path / "空.csv")]) == 2
    err = capsys.readouterr().err
    assert "说明文件中没有可用的行（应有“规则”“工作表”“单元格”“说明”四列）" in err and "Traceback" not in err


def test_an_unexplained_verification_formula_stays_a_warning(tmp_path):
    from juesuan.formula.rulefile import read_rule_file

    rules_csv = tmp_path / "r.csv"
    rules_csv.write_text("编号,公式,类型\nV9,[公开03]“合计”行“项目支出”栏≤“基本支出”栏,核实性\n", encoding="utf-8")
    rules, _ = read_rule_file(rules_csv)
    report = check_file(SAMPLE, rules=rules)
    hit = next(f for f in report.findings if f.rule == "V9")
    assert (hit.severity.value, hit.sheet, hit.cell, hit.explanation) == ("warning", "支出决算表", "E7", None)

    explain = tmp_path / "e.csv"
    explain.write_text("规则,工作表,单元格,说明\nV9,支出决算表,E7,项目支出为主是本部门职能所致\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["check", str(SAMPLE), "--rules", str(rules_csv), "--explain", str(explain), "--out", str(out)]) == 0
    again = next(f for f in check_file(out, rules=rules).findings if f.rule == "V9")
    assert (again.severity.value, again.explanation) == ("info", "项目支出为主是本部门职能所致")


def test_our_results_sheet_beside_a_users_sheet_of_that_name(tmp_path):
    book = load_workbook(SAMPLE)
    book.create_sheet(RESULTS_SHEET)["A1"] = "本单位自己的审核结果"
    book.save(tmp_path / "own.xlsx")
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    main(["check", str(tmp_path / "own.xlsx"), "--out", str(a)])
    ours = f"{RESULTS_SHEET}（2）"
    assert load_workbook(a)[RESULTS_SHEET]["A1"].value == "本单位自己的审核结果"
    write_explanation(a, TEXT, sheet=ours)
    main(["check", str(a), "--out", str(b)])
    assert finding(check_file(b)).explanation == TEXT


def explain_file(path, text):
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([["规则", "工作表", "单元格", "说明"], [RULE, SHEET, CELL, text]])
    return path


def explained_cells(path):
    """The 说明 cell of the finding's 审核结果 row and the 说明 cell of its record row (openpyxl cells)."""
    book = load_workbook(path)
    row = next(r for r in book[RESULTS_SHEET].iter_rows(min_row=2) if r[2].value == RULE)
    kept = next(r for r in book[EXPLAIN_SHEET].iter_rows(min_row=2) if r[0].value == RULE)
    return row[RESULTS_HEADER.index("说明")], kept[EXPLAIN_HEADER.index("说明")]


def test_an_explanation_like_a_formula_is_written_as_text_and_read_back(tmp_path, capsys):
    out, again = tmp_path / "out.xlsx", tmp_path / "again.xlsx"
    text = "=cmd|' /C calc'!A0"
    assert main(["check", str(SAMPLE), "--explain", str(explain_file(tmp_path / "e.csv", text)), "--out", str(out)]) == 0
    shown, kept = explained_cells(out)
    assert (shown.value, shown.data_type) == (text, "s") and (kept.value, kept.data_type) == (text, "s")
    assert main(["check", str(out), "--out", str(again)]) == 0  # read back from the copy: still that 说明
    capsys.readouterr()
    assert finding(check_file(again)).explanation == text
    assert record(again)[1] == [RULE, SHEET, CELL, text, 51.23]


def test_an_explanation_longer_than_a_cell_holds_is_clipped_and_stays_explained(tmp_path, capsys):
    from juesuan.plan import CELL_TEXT_LIMIT

    out, again = tmp_path / "out.xlsx", tmp_path / "again.xlsx"
    text = "说" * 100_000
    assert main(["check", str(SAMPLE), "--explain", str(explain_file(tmp_path / "e.csv", text)), "--out", str(out)]) == 0
    clipped = "说" * (CELL_TEXT_LIMIT - 1) + "…"
    for cell in explained_cells(out):
        assert (cell.value, cell.data_type) == (clipped, "s")
    assert main(["check", str(out), "--out", str(again)]) == 0
    capsys.readouterr()
    kept = finding(check_file(again))
    assert (kept.severity.value, kept.explanation) == ("info", clipped)
    assert [c.value for c in explained_cells(again)] == [clipped, clipped]
