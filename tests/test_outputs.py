"""Outputs never land on an input or on each other; batch outputs mirror the input folders (issue #9 §1–4)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import SAMPLE
from juesuan.cli import main
from juesuan.outputs import atomic_write, guard_outputs, same_file
from juesuan.read import InputError


def run(*args: object) -> int:
    return main([str(a) for a in args])


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "a.xlsx"
    shutil.copy(SAMPLE, path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ("--json", "{book}"),
        ("--out", "{book}"),
        ("--out", "{dir}/m.xlsx", "--json", "{dir}/m.xlsx"),
        ("--json", "{dir}/A.XLSX"),  # case-insensitive file systems: the same file
        ("--json", "{dir}/link.xlsx"),  # a symlink to the input
        ("--json", "{dir}/hard.xlsx"),  # a hard link to the input
    ],
)
def test_output_onto_an_input_or_another_output_is_refused_before_any_work(book, tmp_path, capsys, args):
    os.symlink(book, tmp_path / "link.xlsx")
    os.link(book, tmp_path / "hard.xlsx")
    before = book.read_bytes()
    argv = [a.format(book=book, dir=tmp_path) for a in args]
    assert run("check", book, *argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("juesuan：") and err.count("\n") == 1 and ("原文件从不被改写" in err or "同一个文件" in err)
    assert book.read_bytes() == before
    assert not (tmp_path / "m.xlsx").exists()


def test_summary_onto_an_input_of_the_folder_is_refused(book, tmp_path, capsys):
    before = book.read_bytes()
    assert run("check", tmp_path, "--summary", book) == 2
    assert "原文件从不被改写" in capsys.readouterr().err and book.read_bytes() == before


def test_clear_and_fill_refuse_their_source(book, capsys):
    assert run("clear", book, "--out", book) == 2
    assert run("fill", book, "--out", book) == 2
    assert capsys.readouterr().err.count("原文件从不被改写") == 2


def test_batch_mirrors_folders_and_skips_its_own_outputs(tmp_path, capsys):
    units = tmp_path / "各局"
    for bureau in ("A局", "B局"):
        (units / bureau).mkdir(parents=True)
        shutil.copy(SAMPLE, units / bureau / "决算.xlsx")
    out = units / "审核结果"  # inside the input folder
    summary = units / "汇总.xlsx"
    assert run("check", units, "--out-dir", out, "--summary", summary, "-q") == 0
    for bureau in ("A局", "B局"):
        assert (out / bureau / "决算.checked.xlsx").exists()
        assert json.loads((out / bureau / "决算.report.json").read_text("utf-8"))["summary"]["errors"] == 0
    first = capsys.readouterr().out
    assert first.count("决算.xlsx\t9 张表") == 2
    # a second run checks the two inputs again, not its own marked copies, reports or summary
    assert run("check", units, "--out-dir", out, "--summary", summary, "-q") == 0
    assert capsys.readouterr().out.count("\t9 张表") == 2


def test_two_given_files_with_one_name_get_two_outputs(tmp_path):
    for bureau in ("A", "B"):
        (tmp_path / bureau).mkdir()
        shutil.copy(SAMPLE, tmp_path / bureau / "决算.xlsx")
    assert run("check", tmp_path / "A" / "决算.xlsx", tmp_path / "B" / "决算.xlsx", "--out-dir", tmp_path / "o", "-q") == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "决算.checked.xlsx", "决算.report.json", "决算（2）.checked.xlsx", "决算（2）.report.json"]


def test_a_marked_copy_checked_again_reports_no_extra_sheets(book, tmp_path, capsys):
    marked = tmp_path / "m.xlsx"
    assert run("check", book, "--out", marked) == 0
    capsys.readouterr()
    assert run("check", marked, "--json", tmp_path / "r.json") == 0
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["skipped"] == [] and report["summary"]["warnings"] == 19


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_output_folder_is_refused_before_work(book, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert run("check", book, "--out", locked / "m.xlsx") == 2
        assert "没有写入权限" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def test_output_folder_that_is_a_file_is_refused(book, tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert run("check", book, "--json", tmp_path / "f" / "r.json") == 2
    assert capsys.readouterr().err.startswith("juesuan：无法写出")


def test_target_open_in_excel_is_refused(book, tmp_path, capsys):
    (tmp_path / "~$m.xlsx").write_text("owner")
    assert run("check", book, "--out", tmp_path / "m.xlsx") == 2
    assert "正在 Excel 中打开" in capsys.readouterr().err


def test_outputs_get_the_permissions_of_a_normal_file(book, tmp_path):
    old = os.umask(0o022)
    try:
        assert run("check", book, "--out", tmp_path / "m.xlsx", "--json", tmp_path / "r.json") == 0
    finally:
        os.umask(old)
    for name in ("m.xlsx", "r.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "x.json", broken)
    assert list(tmp_path.iterdir()) == []


def test_guard_and_same_file(tmp_path):
    a = tmp_path / "a.xlsx"
    a.write_text("x")
    assert same_file(a, tmp_path / "." / "a.xlsx") and not same_file(a, tmp_path / "b.xlsx")
    with pytest.raises(InputError):
        guard_outputs([a], [("--out", tmp_path / "b.xlsx"), ("--json", tmp_path / "B.xlsx")])
    guard_outputs([a], [("--out", tmp_path / "b.xlsx"), ("--json", tmp_path / "b.json")])


def test_full_disk_is_a_chinese_reason_not_a_traceback(book, tmp_path, capsys, monkeypatch):
    import errno

    def full(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("juesuan.adapters.package.Package.save", full)
    assert run("check", book, "--out", tmp_path / "m.xlsx", "--json", tmp_path / "r.json") == 2
    assert "磁盘空间不足" in capsys.readouterr().err
    assert (tmp_path / "r.json").exists()  # the report is written first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "r.json"]  # no temporary file left


NARRATIVE = SAMPLE.parent / "narratives" / "gz_2023_narrative.txt"


def test_outputs_never_land_on_the_other_files_a_check_reads(book, tmp_path, capsys):
    """The 情况说明 and the rule files are inputs too: ``--json 说明.txt`` replaced the narrative with the report,
    and a batch ``--summary`` over its own ``--rules`` workbook replaced the rules (found by probing)."""
    narrative = tmp_path / "说明.txt"
    shutil.copy(NARRATIVE, narrative)
    before = narrative.read_bytes()
    assert run("check", book, "--narrative", narrative, "--json", narrative) == 2
    assert run("rules", "--export", tmp_path / "公式.xlsx") == 0
    rules = (tmp_path / "公式.xlsx").read_bytes()
    folder = tmp_path / "各单位"
    folder.mkdir()
    shutil.copy(book, folder / "a.xlsx")
    assert run("check", folder, "--rules", tmp_path / "公式.xlsx", "--summary", tmp_path / "公式.xlsx", "-q") == 2
    err = capsys.readouterr().err
    assert "--json 指向了输入文件“说明.txt”" in err and "--summary 指向了输入文件“公式.xlsx”" in err
    assert narrative.read_bytes() == before and (tmp_path / "公式.xlsx").read_bytes() == rules


def test_a_pipe_or_a_link_given_as_output_stays_what_it_is(book, tmp_path):
    """``--json`` into a named pipe writes through it (renaming a file over it replaced the pipe - and, as root,
    ``--json /dev/null`` would have replaced the system's null device); a symlink keeps pointing at the new
    report."""
    pipe = tmp_path / "r.json"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)  # never hangs the suite
    reader.start()
    assert run("check", book, "--json", pipe) == 0
    reader.join(timeout=60)
    assert stat.S_ISFIFO(pipe.stat().st_mode) and json.loads(received[0])["summary"]["errors"] == 0
    (tmp_path / "target.json").write_text("{}")
    os.symlink(tmp_path / "target.json", tmp_path / "link.json")
    assert run("check", book, "--json", tmp_path / "link.json") == 0
    assert (tmp_path / "link.json").is_symlink()
    assert json.loads((tmp_path / "target.json").read_text("utf-8"))["summary"]["warnings"] == 19


def test_a_name_too_long_for_the_file_system_is_a_reason(book, tmp_path, capsys):
    long = "长" * 90  # 270 bytes in UTF-8, past the 255 a name may have
    assert run("check", book, "--json", tmp_path / f"{long}.json") == 2
    assert run("check", tmp_path / f"{long}.xlsx") == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(line.startswith("juesuan：文件名过长") for line in lines)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_or_stderr_is_exit_2_without_a_traceback(book):
    """``> /dev/full``: the summary cannot be printed; ``2> /dev/full``: the reason cannot be either."""
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "juesuan", "check", str(book)], stdout=full, stderr=subprocess.PIPE,
                             text=True, timeout=120)
        err = subprocess.run([sys.executable, "-m", "juesuan", "check", str(book.with_name("无.xlsx"))],
                             stdout=subprocess.PIPE, stderr=full, text=True, timeout=120)
    assert (out.returncode, out.stderr) == (2, "juesuan：磁盘空间不足，无法写出标准输出\n")
    assert err.returncode == 2


def test_a_batch_of_unusable_files_says_so(tmp_path, capsys):
    for name in ("a.xlsx", "b.xlsx"):
        (tmp_path / name).write_bytes(b"")
    assert run("check", tmp_path, "-q") == 2
    assert capsys.readouterr().err.endswith("juesuan：2 个文件都无法使用（原因见上）\n")


def test_an_output_folder_that_holds_the_inputs_is_refused(tmp_path, capsys):
    (tmp_path / "s").mkdir()
    shutil.copy(SAMPLE, tmp_path / "s" / "a.xlsx")
    assert run("check", tmp_path / "s", "--out-dir", tmp_path / "s", "-q") == 2
    assert run("check", tmp_path / "s", "--out-dir", tmp_path, "-q") == 2
    assert capsys.readouterr().err.count("就是要检查的文件夹") == 2


def test_a_summary_not_named_as_a_workbook_is_refused(book, tmp_path, capsys):
    """The summary is a workbook: ``--summary s.csv`` wrote one under a .csv name."""
    assert run("check", book, "--summary", tmp_path / "汇总.csv") == 2
    assert capsys.readouterr().err.startswith("juesuan：汇总表是 Excel 工作簿") and not (tmp_path / "汇总.csv").exists()
