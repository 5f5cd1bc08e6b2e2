"""The command line speaks Chinese: argparse's own texts, a guide without arguments, help for every option, the
findings as an aligned table; and it ends quietly when its reader goes away or the user presses Ctrl+C."""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE
from juesuan import batch
from juesuan.cli import build_parser, main
from juesuan.console import run
from juesuan.read import SUPPORTED
from juesuan.textwidth import display_width, wrap
from test_cli import faulty

EXE = str(Path(sys.executable).with_name("juesuan"))
#: argparse's English texts that must not reach the user.
ENGLISH = re.compile(r"usage:|error:|options:|positional arguments|show this help|the following arguments|invalid choice|unrecognized")


def test_no_arguments_prints_a_short_guide(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("决算审核 juesuan") and "juesuan check 决算.xlsx" in out and len(out.splitlines()) < 20
    assert all(ext in out for ext in SUPPORTED)


@pytest.mark.parametrize(("argv", "message"), [
    (["check"], "juesuan check：错误：缺少必需的参数：文件"),
    (["fill", "a.xlsx"], "juesuan fill：错误：缺少必需的参数：--out"),
    (["chek", "a.xlsx"], "juesuan：错误：参数 命令：无效的取值 'chek'（可选：'check', 'fill', 'clear', 'rules', 'addin'）"),
    (["check", "a.xlsx", "--bogus"], "juesuan：错误：无法识别的参数：--bogus"),
    (["check", "a.xlsx", "--json"], "juesuan check：错误：参数 --json：缺少一个值"),
    (["check", "a.xlsx", "-j", "0"], "juesuan check：错误：参数 -j/--jobs：应为正整数：0"),
    (["addin", "setup"], "juesuan addin：错误：参数 操作：无效的取值 'setup'（可选：'install', 'uninstall', 'status'）"),
])
def test_usage_errors_are_chinese_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：juesuan") and message in err.splitlines() and "查看帮助" in err
    assert not ENGLISH.search(err)


def _parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {"juesuan": parser, **subs.choices}


def test_every_command_and_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parsers = _parsers(build_parser())
    assert set(parsers) == {"juesuan", "check", "fill", "clear", "rules", "addin"}
    for name, parser in parsers.items():
        for action in parser._actions:
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
        text = parser.format_help()
        assert not ENGLISH.search(text), name
        assert "选项：" in text
    check_help = parsers["check"].format_help()
    assert all(ext in check_help for ext in SUPPORTED)
    assert "退出码：0 无错误，1 有错误，2 输入无法使用" in check_help.replace("\n", "")


def test_help_aligns_and_wraps_by_display_width() -> None:
    lines = build_parser().format_help().splitlines() + _parsers(build_parser())["check"].format_help().splitlines()
    assert max(display_width(line) for line in lines) <= 82  # COLUMNS is 80 under pytest; closing punctuation may hang
    options = [line for line in _parsers(build_parser())["check"].format_help().splitlines()
               if line.startswith("  --json") or line.startswith("  --out ") or line.startswith("  -q")]
    help_columns = {display_width(line) - display_width(line.split("  ", 2)[2].lstrip()) for line in options}
    assert len(help_columns) == 1  # "--json 报告.json" and "-q, --quiet" help texts start in one column


def test_wrap_keeps_punctuation_off_the_line_start() -> None:
    lines = wrap("批量检查时，每个文件的标注副本和报告写到此目录（保持原有的子文件夹结构）", 20)
    assert all(display_width(line) <= 22 for line in lines)
    assert not any(line[0] in "，。、；：）" for line in lines) and "".join(lines).endswith("结构）")


def test_findings_table_columns_align(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(faulty(tmp_path))]) == 1
    lines = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(lines) if "应为" in line and "差额" in line)
    table = [line for line in lines[header:] if line.startswith("  ") and not line.startswith("  …") and "完整说明" not in line]
    assert len(table) == 22  # header and the 21 findings (5 errors, 16 rounding warnings)
    for label in ("应为", "实为", "差额"):  # amounts end in the column where their heading ends
        end = display_width(lines[header][: lines[header].index(label) + 2])
        assert {display_width(line[: line.index(value) + len(value)])
                for line in table[1:] for value in [line.split()[4 + ("应为", "实为", "差额").index(label)]]} == {end}
    assert "结果：核对勾稽关系 673 个，错误 5 条，警告 16 条（其中尾数误差 16 条），提示 0 条" in lines


def test_rounding_note_only_where_it_applies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from juesuan.findings import Finding, Report, Severity
    from juesuan.terminal import report_summary

    finding = Finding(rule="T01.R1", severity=Severity.error, sheet="收支总表", cell="C33", message="不平")
    text = report_summary(Report(file="x.xlsx", findings=[finding]).finish(), None, None)
    assert "错误 1 条，警告 0 条，提示 0 条" in text and "尾数误差" not in text


def test_a_closed_pipe_ends_quietly_with_the_checks_own_code() -> None:
    """``juesuan check f | head``: the reader is gone before the summary is printed."""
    process = subprocess.Popen([EXE, "check", str(SAMPLE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # type: ignore[union-attr]
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0 and err.decode() == ""


def test_interrupt_inside_a_command_is_one_chinese_line(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "check_one", interrupted)
    assert main(["check", str(SAMPLE)]) == 130
    assert capsys.readouterr().err == "juesuan：已中断\n"


@pytest.mark.parametrize("after", [0.02, 0.15])
def test_ctrl_c_while_starting_prints_no_traceback(after: float) -> None:
    """Ctrl+C while ``juesuan check`` imports the checker (after the command line itself has started, which
    takes as long as ``juesuan --version`` on this machine at this moment)."""
    start = time.perf_counter()
    subprocess.run([EXE, "--version"], capture_output=True, check=True)
    started = time.perf_counter() - start
    process = subprocess.Popen([EXE, "check", str(SAMPLE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(started + after)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    text = err.decode()
    assert "Traceback" not in text
    assert process.returncode == 130 and text == "juesuan：已中断\n" or process.returncode == 0  # finished first


class _InterruptImport:
    """A finder that is interrupted while the command line is being imported (Ctrl+C that early)."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == "juesuan.cli":
            raise KeyboardInterrupt


def test_ctrl_c_while_the_command_line_is_imported_ends_quietly(monkeypatch, capsys) -> None:
    """The console script imports the command line inside its own guard: an interrupt at that moment (a slow
    disk, a loaded machine) ends with the same line and code as one later, not with a traceback."""
    monkeypatch.delitem(sys.modules, "juesuan.cli")
    monkeypatch.setattr(sys, "meta_path", [_InterruptImport(), *sys.meta_path])
    with pytest.raises(SystemExit) as ended:
        run()
    assert ended.value.code == 130 and capsys.readouterr().err == "juesuan：已中断\n"


_LOADED = """
import sys
from juesuan.cli import main
code = main(sys.argv[1:])
heavy = ("pydantic", "numpy", "pandas", "openpyxl", "xlwings", "tqdm", "multiprocessing", "concurrent.futures",
         "juesuan.perf", "juesuan.perf.fill", "juesuan.check")
print("LOADED:" + " ".join(m for m in heavy if m in sys.modules))
"""


@pytest.mark.parametrize(("argv", "allowed"), [
    ([], set()),
    (["-h"], set()),
    (["check"], set()),
    (["check", str(SAMPLE)], {"pydantic", "juesuan.perf", "juesuan.check"}),  # the checker's own models and rules
])
def test_commands_import_only_what_they_use(argv: list[str], allowed: set[str]) -> None:
    """Issue 10 §3: the guide, help and usage errors load no model, table or Excel library; a single check adds
    only the checker (pydantic models, rules, 绩效 recognition) - no fill planner, numpy, openpyxl, xlwings, tqdm or
    pool."""
    result = subprocess.run([sys.executable, "-c", _LOADED, *argv], capture_output=True, text=True, timeout=300)
    loaded = result.stdout.rsplit("LOADED:", 1)[1].split()
    assert set(loaded) == allowed, result.stdout + result.stderr
