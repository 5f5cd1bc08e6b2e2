"""Files that are no workbook, or a hostile one, are refused before any reader touches them: exit code 2 and
one Chinese line naming the reason, never a traceback, a hang or an exhausted memory (issue #9 §10)."""

from __future__ import annotations

import errno
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLE, requires_libreoffice, soffice
from juesuan.cli import main
from juesuan.read import InputError, read_workbook
from juesuan.read import guard


def refused(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_workbook(path)
    return str(info.value)


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    """The real command line in its own process, with a timeout: a hang fails the test instead of the suite."""
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=60)


def one_reason(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("juesuan："), result.stderr
    return lines[0]


def test_named_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "决算.xlsx"
    os.mkfifo(pipe)
    assert "不是普通文件（是命名管道、设备或套接字）" in one_reason(cli("check", pipe))


def test_device_file_is_refused(tmp_path):
    device = tmp_path / "zero.xlsx"
    device.symlink_to("/dev/zero")
    assert refused(device) == f"这不是普通文件（是命名管道、设备或套接字），不是工作簿：{device}"


def test_directory_is_refused(tmp_path):
    folder = tmp_path / "a.xlsx"
    folder.mkdir()
    assert refused(folder) == f"这是一个文件夹，不是工作簿：{folder}"


def test_symlink_loop_is_refused(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.symlink_to(b)
    b.symlink_to(a)
    assert refused(a) == f"路径中的符号链接形成了循环，无法打开：{a}"


def test_unreadable_file_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(SAMPLE.read_bytes())
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: let the open fail as it does for a user
        def denied(*args: object) -> int:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(guard.os, "open", denied)
    assert refused(path) == f"没有读取权限：{path}"


def test_empty_file_and_empty_zip(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.touch()
    assert refused(empty) == "文件是空的（0 字节），不是工作簿：empty.xlsx"
    zipped = tmp_path / "zero.xlsx"
    zipfile.ZipFile(zipped, "w").close()
    assert refused(zipped) == "压缩包中没有工作簿内容（不是 Excel 或 ODS 文件）：zero.xlsx"


@pytest.mark.parametrize("content, reason", [
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>",
     "无法读取工作簿（内容是网页或 XML 文本，不是 Excel 工作簿；请在 Excel 中另存为 .xlsx）：t.xls"),
    (b"\x00\x01 not a workbook at all" * 10, "无法读取工作簿（内容不是 Excel 工作簿：文件损坏，或扩展名与内容不符）：t.xls"),
])
def test_content_that_is_no_workbook(tmp_path, content, reason):
    path = tmp_path / "t.xls"
    path.write_bytes(content)
    assert refused(path) == reason


def test_truncated_package(tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(SAMPLE.read_bytes()[:10_000])
    assert refused(path) == "无法读取工作簿（压缩包结构损坏，文件可能不完整）：cut.xlsx"


def test_file_over_the_size_limit_is_not_read(tmp_path):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as fh:
        fh.write(SAMPLE.read_bytes())
        fh.truncate(guard.MAX_FILE + 1)  # sparse: costs no disk
    assert refused(path) == "文件过大（256 MiB，上限 256 MiB），不像是决算或绩效自评工作簿：huge.xlsx"


def test_zip_bomb_is_refused_from_its_directory(tmp_path):
    """A part that would expand to 64 MiB from 64 KiB is refused before a byte of it is decompressed."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/zeros.bin", bytes(64 * 1024 * 1024))
    assert refused(path) == "工作簿解压后过大（疑似“压缩炸弹”），为安全起见不予读取：bomb.xlsx"
    assert "疑似“压缩炸弹”" in one_reason(cli("check", path))


def test_too_many_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_PARTS", 5)
    assert refused(SAMPLE) == "压缩包中的部件过多（17 个），不是正常的工作簿：gz_2023_juesuan.xlsx"


def _central_entry(data: bytes, name: str) -> int:
    """Offset of a part's entry in the zip's central directory."""
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + length] == name.encode():
            return at
        at += 4
    raise KeyError(name)


def test_encrypted_part_is_refused(tmp_path):
    data = bytearray(SAMPLE.read_bytes())
    at = _central_entry(bytes(data), "xl/worksheets/sheet3.xml")
    struct.pack_into("<H", data, at + 8, struct.unpack_from("<H", data, at + 8)[0] | 1)
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes(data))
    assert refused(path) == "工作簿的压缩包部件已加密，无法读取：locked.xlsx"


def _declare_size(tmp_path: Path, size: int) -> Path:
    data = bytearray(SAMPLE.read_bytes())
    struct.pack_into("<I", data, _central_entry(bytes(data), "xl/worksheets/sheet3.xml") + 24, size)
    path = tmp_path / "lie.xlsx"
    path.write_bytes(bytes(data))
    return path


def test_part_larger_than_declared_is_a_broken_sheet(tmp_path):
    """Python's zipfile never returns more than a part declares and then checks its CRC: the sheet is reported
    as unreadable, and the other eight tables are still checked."""
    from juesuan import check_file

    report = check_file(_declare_size(tmp_path, 100))
    assert [(s.sheet, s.reason) for s in report.skipped] == [("支出决算表", "无法读取：工作表的压缩数据损坏（文件损坏）")]
    assert [t.sheet for t in report.tables] == ["收支总表", "收入决算表", "财拨总表", "一般公共预算支出", "基本支出明细",
                                                "政府性基金", "国有资本经营", "三公经费"]


def test_part_smaller_than_declared_is_read_as_it_is(tmp_path, sample_report):
    """The stream ends early, its CRC holds: the data is what it is, and the check is the sample's."""
    from juesuan import check_file

    report = check_file(_declare_size(tmp_path, 500_000))
    assert [(f.rule, f.cell, f.expected) for f in report.findings] == [(f.rule, f.cell, f.expected) for f in sample_report.findings]


def test_compound_file_header_in_front_of_a_package(tmp_path, sample_report):
    """An OLE/CFB signature glued before an .xlsx (killed the process at 1 GiB): the package behind it is read."""
    path = tmp_path / "ole.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + SAMPLE.read_bytes())
    assert main(["check", str(path)]) == 0
    from juesuan import check_file

    assert [(f.rule, f.cell, f.expected) for f in check_file(path).findings] == [
        (f.rule, f.cell, f.expected) for f in sample_report.findings]


def test_compound_file_that_is_no_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    assert refused(path) == "无法读取 .xls 工作簿（文件损坏，或是设有打开密码的工作簿）：x.xlsx"


def test_package_with_an_xls_extension_is_read_as_what_it_is(tmp_path, sample_report):
    path = tmp_path / "renamed.xls"
    path.write_bytes(SAMPLE.read_bytes())
    from juesuan import check_file

    assert [(f.rule, f.cell) for f in check_file(path).findings] == [(f.rule, f.cell) for f in sample_report.findings]


@requires_libreoffice
def test_xls_read_by_content_and_sparse(tmp_path, sample_report):
    """A real .xls (LibreOffice makes it from the sample) gives the sample's findings, also when saved under
    .xlsx; xlrd reads it with ragged rows, so two cells at A1 and IV65536 stay small."""
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xls",
                    "--outdir", str(tmp_path), str(SAMPLE)], check=True, capture_output=True, timeout=180)
    xls = tmp_path / "gz_2023_juesuan.xls"
    renamed = tmp_path / "saved-as.xlsx"
    renamed.write_bytes(xls.read_bytes())
    from juesuan import check_file

    expected = [(f.rule, f.sheet, f.cell, f.expected) for f in sample_report.findings]
    assert [(f.rule, f.sheet, f.cell, f.expected) for f in check_file(xls).findings] == expected
    assert [(f.rule, f.sheet, f.cell, f.expected) for f in check_file(renamed).findings] == expected
    grids = read_workbook(xls)
    assert [g.merged[:2] for g in grids][0] == [(0, 0, 0, 5), (1, 0, 1, 5)]
