"""Batch checking: a process pool with ordered results, broken files reported with their reason, the exit code,
and the summary workbook an auditor opens (单位 / 明细 / 规则 / 图表)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import SAMPLE
from juesuan import batch
from juesuan.batch import Options, Unit, check_units
from juesuan.cli import main
from juesuan.review import SUMMARY_TITLE, is_own_summary, worst_rule
from test_cli import faulty


def run(*args: object) -> int:
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def units_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """a: the sample (19 rounding warnings), b: one amount off by 100.01, c: not a workbook, d: no known table."""
    root = tmp_path_factory.mktemp("batch")
    folder = root / "units"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.xlsx")
    shutil.copy(faulty(root), folder / "b.xlsx")
    (folder / "c.xlsx").write_text("broken", encoding="utf-8")
    book = Workbook()
    book.active.title = "说明"
    book.active["A1"] = "2023年度部门决算情况说明"
    book.save(folder / "d.xlsx")
    return folder


@pytest.fixture(scope="module")
def summary(units_folder: Path) -> tuple[int, Path]:
    """The folder checked with two worker processes, marked copies and a summary beside them."""
    root = units_folder.parent
    code = run("check", units_folder, "--out-dir", root / "out", "--summary", root / "汇总.xlsx", "-j", 2, "-q")
    return code, root / "汇总.xlsx"


def test_pool_keeps_input_order_and_reports_unusable_files(summary: tuple[int, Path]) -> None:
    code, path = summary
    assert code == 1  # b has errors; c and d cannot be checked but do not hide that
    rows = list(load_workbook(path)["单位"].values)
    assert rows[0][:8] == ("文件", "状态", "表数", "错误", "警告", "其中尾数误差", "提示", "最严重的规则")
    assert [Path(r[0]).name for r in rows[1:]] == ["a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"]
    a, b, c, d = rows[1:]
    assert a[1:8] == ("无错误", 9, 0, 19, 19, 0, "T04.R4 本年支出合计应等于各功能分类类级支出之和（每栏）")
    assert b[1:4] == ("有错误", 9, 5) and b[7] == "L01 疑似出错单元格"  # five errors, one per rule: the first id
    assert c[1] == "无法使用" and "无法读取工作簿" in c[10]
    assert d[1] == "未识别表" and "没有可识别的部门决算公开表" in d[10]


def test_summary_links_formats_and_charts(summary: tuple[int, Path], units_folder: Path) -> None:
    _, path = summary
    assert is_own_summary(path)
    book = load_workbook(path)
    assert book.sheetnames == ["单位", "明细", "规则", "图表"] and book.properties.title == SUMMARY_TITLE
    units = book["单位"]
    assert units["I3"].value == "b.checked.xlsx" and units["I3"].hyperlink.target == "out/b.checked.xlsx"
    assert units["J3"].hyperlink.target == "out/b.report.json" and units["I4"].value is None
    assert units["D3"].fill.fgColor.rgb == "FFFFC7CE" and units["D2"].fill.fill_type is None

    details = book["明细"]
    header = [c.value for c in details[1]]
    row = next(r for r in details.iter_rows(min_row=2) if r[0].value.endswith("b.xlsx") and r[2].value == "T01.R1")
    cells = dict(zip(header, row, strict=True))
    assert (cells["严重程度"].value, cells["工作表"].value, cells["单元格"].value) == ("错误", "收支总表", "C33")
    assert cells["单元格"].hyperlink.target == "out/b.checked.xlsx#'收支总表'!C33"
    assert (cells["应为"].value, cells["实为"].value, cells["差额"].value) == (62584.66, 62684.67, 100.01)
    assert cells["应为"].number_format == "#,##0.00" and cells["规则名称"].value == "本年收入合计应等于各项收入之和"
    assert sum(1 for r in details.iter_rows(min_row=2, values_only=True) if r[0].endswith("a.xlsx")) == 19

    rules = {r[0]: r for r in book["规则"].iter_rows(min_row=2, values_only=True)}
    assert rules["T01.R1"][2:] == ("错误", 1, 1, 0, 2, 2)  # b's error and a's rounding warning, two units
    first = next(book["规则"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[3] == 1  # rules with errors come first

    for ws in (units, details, book["规则"]):
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    path_width = len(str(units_folder / "a.xlsx")) + 2  # columns fit their longest text (CJK counts two)
    assert units.column_dimensions["A"].width == details.column_dimensions["A"].width == min(60, path_width)
    assert details.column_dimensions["K"].width == 60 and details["K2"].alignment.wrap_text  # 说明 wraps
    assert book["规则"].column_dimensions["B"].width > 20
    charts = book["图表"]
    assert len(charts._charts) == 2
    assert [r[:2] for r in charts.iter_rows(min_row=2, max_row=2, values_only=True)] == [("units/b", 5)]


def test_nothing_checkable_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for name in ("x.xlsx", "y.xlsx"):
        (folder / name).write_text("broken", encoding="utf-8")
    assert run("check", folder, "-q") == 2
    assert capsys.readouterr().out.count("无法使用") == 2


def test_clean_batch_is_exit_0(tmp_path: Path) -> None:
    folder = tmp_path / "clean"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.xlsx")
    (folder / "c.xlsx").write_text("broken", encoding="utf-8")
    assert run("check", folder, "-q") == 0


def test_worst_rule_prefers_severity_then_count() -> None:
    from juesuan.findings import Finding, Severity

    def f(rule: str, severity: Severity) -> Finding:
        return Finding(rule=rule, severity=severity, sheet="s", cell="A1", message="m")

    found = [f("X05", Severity.warning)] * 3 + [f("T02.C1", Severity.error), f("T01.R1", Severity.error)] * 2
    assert worst_rule(found) == "T01.R1" and worst_rule(found + [f("T02.C1", Severity.error)]) == "T02.C1"
    assert worst_rule([]) is None


def die_on_b(path: Path, json_path: Path | None, out: Path | None, options: Options) -> Unit:
    """A worker that is killed by one file, like a reader that aborts the process."""
    if path.name == "b.xlsx":
        os._exit(3)
    return Unit(path, reason=f"pid {os.getpid()}")


def test_a_file_that_kills_its_worker_breaks_only_itself(units_folder: Path) -> None:
    planned = [(p, None, None) for p in sorted(units_folder.glob("*.xlsx"))]
    ticks: list[int] = []
    units = check_units(planned, jobs=2, done=lambda: ticks.append(1), work=die_on_b)
    assert [u.path.name for u in units] == ["a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"]
    assert units[1].reason == "检查该文件时程序异常退出（文件可能损坏或过大）"
    assert all(u.reason.startswith("pid ") for u in units if u.path.name != "b.xlsx")
    assert len({u.reason for u in units if u.path.name != "b.xlsx"} - {f"pid {os.getpid()}"}) >= 1  # in workers
    assert len(ticks) == 4


def test_default_jobs_keeps_each_worker_busy() -> None:
    cores = os.cpu_count() or 1
    per = batch.FILES_PER_WORKER
    assert batch.default_jobs(1) == 1 and batch.default_jobs(2 * per - 1) == 1
    assert batch.default_jobs(per * cores) == cores and batch.default_jobs(10_000) == cores


def test_summary_texts_are_text_never_formulas_and_fit_a_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A rule's 说明 ``=1+``, a unit file called ``=a.xlsx``, a message longer than a cell holds: written as text
    (openpyxl would take ``=…`` for a formula and ``#N/A`` for an error value), clipped to 32,767 characters."""
    from juesuan.plan import CELL_TEXT_LIMIT

    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "=a.xlsx")
    rules = tmp_path / "e.csv"
    long = "长" * 40_000
    rules.write_text(f"编号,公式,类型,说明\nK1,[公开01]1行=2行,基本平衡,=1+\nK2,[公开01]1行=2行,基本平衡,{long}\n",
                     encoding="utf-8")
    summary = tmp_path / "s.xlsx"
    assert run("check", folder, "--rules", rules, "--out-dir", tmp_path / "out", "--summary", summary, "-q") == 1
    capsys.readouterr()
    book = load_workbook(summary)
    details = book["明细"]
    header = [c.value for c in details[1]]
    by_rule = {r[header.index("规则")].value: dict(zip(header, r, strict=True)) for r in details.iter_rows(min_row=2)}
    message = by_rule["K1"]["说明"]
    assert (message.value, message.data_type) == ("=1+：[公开01]1行=2行", "s")
    clipped = by_rule["K2"]["说明"]
    assert clipped.data_type == "s" and len(clipped.value) == CELL_TEXT_LIMIT
    assert clipped.value == (long + "：[公开01]1行=2行")[: CELL_TEXT_LIMIT - 1] + "…"
    assert details.row_dimensions[clipped.row].height <= 409
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
    copy = book["单位"]["I2"]  # the marked copy's name, a link
    assert (copy.value, copy.data_type) == ("=a.checked.xlsx", "s") and copy.hyperlink.target == "out/=a.checked.xlsx"


def test_summary_cells_keep_error_lookalikes_as_text() -> None:
    from openpyxl import Workbook

    from juesuan.review import _put

    ws = Workbook().active
    assert [(c.value, c.data_type) for c in (_put(ws, 1, 1, "#N/A"), _put(ws, 2, 1, "=SUM(1)"), _put(ws, 3, 1, "a\x00b"),
                                             _put(ws, 4, 1, 7))] == [("#N/A", "s"), ("=SUM(1)", "s"), ("ab", "s"), (7, "n")]
