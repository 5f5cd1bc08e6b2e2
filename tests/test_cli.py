"""The command line as a user meets it: exit codes, the JSON report, the marked copy, clearing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from conftest import SAMPLE, requires_libreoffice, soffice
from juesuan.cli import main
from juesuan.plan import MARKS_SHEET, RESULTS_SHEET
from workbooks.build import build_workbook, load_seed_tables, save_workbook


def run(*args: str) -> int:
    return main([str(a) for a in args])


def faulty(tmp_path: Path) -> Path:
    tables = load_seed_tables()
    tables["公开01"].set(27, "决算数", "62684.67")
    path = tmp_path / "faulty.xlsx"
    save_workbook(build_workbook(tables), path)
    return path


def test_json_report_shape(tmp_path, capsys):
    report = tmp_path / "r.json"
    assert run("check", SAMPLE, "--json", report) == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data) >= {"file", "tables", "skipped", "findings", "summary"}
    assert data["summary"] == {"errors": 0, "warnings": 19, "infos": 0}
    assert data["tables"][0] == {"sheet": "收支总表", "table": "公开01", "title": "收入支出决算总表", "top_left": "A1"}
    f = data["findings"][0]
    assert set(f) >= {"rule", "severity", "sheet", "cell", "expected", "actual", "difference", "message", "related"}
    assert isinstance(f["expected"], float) and isinstance(f["related"], list)
    out = capsys.readouterr().out
    assert "结果：核对勾稽关系 673 个，错误 0 条，警告 19 条（其中尾数误差 19 条），提示 0 条" in out


def test_errors_give_exit_1_and_a_marked_copy(tmp_path, capsys):
    src = faulty(tmp_path)
    before = src.read_bytes()
    marked = tmp_path / "marked.xlsx"
    assert run("check", src, "--out", marked) == 1
    assert src.read_bytes() == before  # the original is never written
    book = load_workbook(marked)
    cell = book["收支总表"]["C33"]
    assert cell.value == 62684.67  # values kept
    assert cell.fill.fgColor.rgb == "FFFF7C80"  # the suspect cell: the strong red of L01
    assert "T01.R1" in cell.comment.text and "应为 62,584.66" in cell.comment.text and "差额 100.01" in cell.comment.text
    assert book["收支总表"]["F14"].fill.fgColor.rgb == "FFFFEB9C"  # rounding warning: yellow
    results = book[RESULTS_SHEET]
    assert [c.value for c in results[1]][:5] == ["序号", "严重程度", "规则", "工作表", "单元格"]
    links = {results.cell(r, 5).hyperlink.location for r in range(2, results.max_row + 1)}
    assert "'收支总表'!C33" in links
    assert book[MARKS_SHEET].sheet_state == "hidden"
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if " T01.R1 " in line and " C33 " in line)
    assert row.split()[:7] == ["[错误]", "收支总表", "C33", "T01.R1", "62,584.66", "62,684.67", "100.01"]


def test_clear_restores_original_fills(tmp_path):
    src = faulty(tmp_path)
    book = load_workbook(src)
    book["收支总表"]["C33"].fill = PatternFill(fill_type="solid", fgColor="FF00B0F0")
    book.save(src)
    marked, twice, clean = tmp_path / "m.xlsx", tmp_path / "m2.xlsx", tmp_path / "c.xlsx"
    assert run("check", src, "--out", marked) == 1
    assert run("check", marked, "--out", twice) == 1  # checking a marked copy again keeps the true originals
    assert run("clear", twice, "--out", clean) == 0
    book = load_workbook(clean)
    assert book["收支总表"]["C33"].fill.fgColor.rgb == "FF00B0F0"
    assert book["收支总表"]["F14"].fill.fill_type is None
    assert book["收支总表"]["C33"].comment is None
    assert RESULTS_SHEET not in book.sheetnames and MARKS_SHEET not in book.sheetnames


def test_unusable_input_exit_2_with_chinese_reason(tmp_path, capsys):
    text = tmp_path / "report.csv"
    text.write_text("a,b\n", encoding="utf-8")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    assert run("check", text) == 2
    assert "不支持的文件类型“.csv”" in capsys.readouterr().err
    assert run("check", tmp_path / "missing.xlsx") == 2
    assert "找不到文件" in capsys.readouterr().err
    assert run("check", fake) == 2
    assert "无法读取工作簿" in capsys.readouterr().err
    assert run("check", SAMPLE, "--out", SAMPLE) == 2
    assert "原文件从不被改写" in capsys.readouterr().err


def test_batch_directory_with_progress(tmp_path, capsys):
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.xlsx")
    shutil.copy(faulty(tmp_path), folder / "b.xlsx")
    (folder / "c.xlsx").write_text("broken", encoding="utf-8")
    # b has errors: exit 1 although c is unusable (2 is kept for "nothing could be checked")
    assert run("check", folder, "--out-dir", tmp_path / "out", "--summary", tmp_path / "汇总.xlsx") == 1
    out = capsys.readouterr().out
    assert "a.xlsx\t9 张表\t错误 0\t警告 19" in out and "b.xlsx\t9 张表\t错误 " in out and "c.xlsx\t无法使用" in out
    assert (tmp_path / "out" / "b.checked.xlsx").exists() and (tmp_path / "out" / "b.report.json").exists()
    summary = list(load_workbook(tmp_path / "汇总.xlsx")["明细"].values)
    assert summary[0][:6] == ("文件", "严重程度", "规则", "规则名称", "工作表", "单元格")
    assert sum(1 for row in summary[1:] if row[0].endswith("a.xlsx")) == 19
    assert ("错误", "T01.R1", "收支总表", "C33") in {row[1:3] + row[4:6] for row in summary[1:] if row[0].endswith("b.xlsx")}


def test_xls_input_is_read_with_calamine(tmp_path):
    """Real 部门决算 exports are often .xls; LibreOffice makes one from the sample."""
    if soffice() is None:
        return
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xls", "--outdir", str(tmp_path), str(SAMPLE)],
                   check=True, capture_output=True, timeout=180)
    xls = tmp_path / "gz_2023_juesuan.xls"
    assert run("check", xls, "--out", tmp_path / "from-xls.xlsx") == 0
    assert load_workbook(tmp_path / "from-xls.xlsx")["收支总表"]["F14"].fill.fgColor.rgb == "FFFFEB9C"


@requires_libreoffice
def test_marked_copy_opens_in_libreoffice(tmp_path):
    marked = tmp_path / "marked.xlsx"
    assert run("check", faulty(tmp_path), "--out", marked) == 1
    result = subprocess.run(
        [soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf", "--outdir", str(tmp_path), str(marked)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "marked.pdf"
    assert result.returncode == 0 and pdf.exists() and pdf.stat().st_size > 10_000, result.stderr
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "收入支出决算总表" in text and "62,684.67" in text and "T01.R1" in text


def test_console_script_help():
    exe = Path(sys.executable).with_name("juesuan")
    result = subprocess.run([str(exe), "check", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "退出码：0 无错误，1 有错误，2 输入无法使用" in result.stdout


def test_charts_are_kept_and_lost_content_is_reported(tmp_path, capsys):
    from openpyxl.chart import BarChart, Reference

    from juesuan.adapters.openpyxl_file import lost_content

    book = build_workbook(load_seed_tables())
    ws = book["三公经费"]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=8, max_col=6, max_row=8))
    ws.add_chart(chart, "A12")
    src, marked = tmp_path / "chart.xlsx", tmp_path / "marked.xlsx"
    save_workbook(book, src)
    assert run("check", src, "--out", marked) == 0
    assert "注意" not in capsys.readouterr().err and load_workbook(marked)["三公经费"]._charts
    # a part openpyxl would not write back: the user is told (the original file keeps it)
    with zipfile.ZipFile(src, "a") as archive:
        archive.writestr("xl/pivotTables/pivotTable1.xml", "<pivotTableDefinition/>")
    assert lost_content(src, marked) == ["原文件中的数据透视表未能保留在输出文件中（原文件不受影响）"]


def test_workbook_without_any_known_table_is_unusable(tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active["A1"] = "2023年度部门决算情况说明"
    book.save(tmp_path / "notes.xlsx")
    assert run("check", tmp_path / "notes.xlsx", "--json", tmp_path / "r.json") == 2
    err = capsys.readouterr().err
    assert err.startswith("juesuan：notes.xlsx 中没有可识别的部门决算公开表或绩效自评表（“说明”未识别") and err.count("\n") == 1
    assert not (tmp_path / "r.json").exists()
