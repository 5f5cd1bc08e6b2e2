"""What a file must be before any reader touches it: a regular, readable, non-empty file of a known kind, and, if
it is a zip package, one whose parts stay within size and compression limits.

These checks run before parsing because the failures they prevent cannot be caught afterwards: opening a named
pipe blocks for ever, a zip bomb fills the memory, a native reader handed the wrong container may abort the
process. The file's kind is taken from its content, not its extension (an ``.xls`` saved as ``.xlsx``, or an
``.xlsx`` renamed ``.xls``, is read as what it is). Every refusal is an :class:`InputError` with one Chinese
sentence that names the file but never echoes its content.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from pathlib import Path
from typing import Literal

__all__ = ["InputError", "Kind", "SUPPORTED", "check_input", "open_package"]

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

#: What a workbook file is, by content: SpreadsheetML (.xlsx/.xlsm, transitional or strict), binary Excel 2007
#: (.xlsb), OpenDocument (.ods), or a compound file (.xls, or an encrypted workbook).
Kind = Literal["ooxml", "xlsb", "ods", "ole"]

MiB = 1024 * 1024
#: A published 决算 or 绩效 workbook is a few MiB; these limits leave two orders of magnitude and keep any single
#: file within the 768 MiB / 20 s budget of a check.
MAX_FILE = 256 * MiB
MAX_PARTS = 10_000
MAX_PART = 256 * MiB
MAX_TOTAL = 1024 * MiB
#: Sheet XML compresses 10-50 times; a part expanding more than this (and past RATIO_FLOOR) is a zip bomb.
MAX_RATIO = 200
RATIO_FLOOR = 4 * MiB

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class InputError(Exception):
    """A file juesuan cannot use; the message is one Chinese sentence for the user (CLI exit code 2)."""


def _os_reason(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOENT:
        return f"找不到文件：{path}"
    if exc.errno == errno.ELOOP:
        return f"路径中的符号链接形成了循环，无法打开：{path}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"没有读取权限：{path}"
    return f"无法打开文件“{path.name}”：{exc.strerror or type(exc).__name__}"


def _head(path: Path) -> bytes:
    """The first bytes of a regular file, after every check that needs no parsing. The file is opened
    non-blocking and checked again on the open descriptor, so a named pipe put in its place cannot block."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError(_os_reason(exc, path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"这是一个文件夹，不是工作簿：{path}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"这不是普通文件（是命名管道、设备或套接字），不是工作簿：{path}")
    if path.suffix.lower() not in SUPPORTED:
        raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：请提供 Excel 工作簿（{'、'.join(SUPPORTED)}）")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(_os_reason(exc, path)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"这不是普通文件（是命名管道、设备或套接字），不是工作簿：{path}")
        if info.st_size == 0:
            raise InputError(f"文件是空的（0 字节），不是工作簿：{path.name}")
        if info.st_size > MAX_FILE:
            raise InputError(f"文件过大（{info.st_size // MiB} MiB，上限 {MAX_FILE // MiB} MiB），不像是决算或绩效自评工作簿：{path.name}")
        return os.read(fd, 8)
    except OSError as exc:
        raise InputError(_os_reason(exc, path)) from None
    finally:
        os.close(fd)


def _not_a_workbook(path: Path, head: bytes) -> str:
    if head.startswith(b"PK"):
        return f"无法读取工作簿（压缩包结构损坏，文件可能不完整）：{path.name}"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        return f"无法读取工作簿（内容是网页或 XML 文本，不是 Excel 工作簿；请在 Excel 中另存为 .xlsx）：{path.name}"
    return f"无法读取工作簿（内容不是 Excel 工作簿：文件损坏，或扩展名与内容不符）：{path.name}"


def open_package(path: Path) -> zipfile.ZipFile:
    """The zip package of a workbook, after its directory has been checked against the limits (number of parts,
    size of each and of all, compression ratio, encryption). Python's zipfile never returns more bytes than a
    part declares and checks its CRC, so a part that is larger than declared fails when read instead of
    filling the memory."""
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InputError(f"无法读取工作簿（压缩包结构损坏，文件可能不完整）：{path.name}") from None
    try:
        if len(infos) > MAX_PARTS:
            raise InputError(f"压缩包中的部件过多（{len(infos)} 个），不是正常的工作簿：{path.name}")
        total = 0
        for info in infos:
            total += info.file_size
            if info.flag_bits & 0x1:
                raise InputError(f"工作簿的压缩包部件已加密，无法读取：{path.name}")
            if info.file_size > MAX_PART or total > MAX_TOTAL or (
                info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                raise InputError(f"工作簿解压后过大（疑似“压缩炸弹”），为安全起见不予读取：{path.name}")
    except InputError:
        archive.close()
        raise
    return archive


def _zip_kind(path: Path) -> Kind:
    with open_package(path) as archive:
        names = {n.lower() for n in archive.namelist()}
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    if "[content_types].xml" in names:
        return "ooxml"
    raise InputError(f"压缩包中没有工作簿内容（不是 Excel 或 ODS 文件）：{path.name}")


def check_input(path: Path) -> Kind:
    """The kind of workbook ``path`` holds, after the checks above; raises InputError with the reason."""
    head = _head(path)
    if zipfile.is_zipfile(path):  # also a package behind a stray compound-file header
        return _zip_kind(path)
    if head.startswith(_OLE):
        return "ole"
    raise InputError(_not_a_workbook(path, head))
