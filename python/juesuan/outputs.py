"""Where juesuan writes, and how: no output may land on an input or on another output of the same run, and every
file appears at its path complete or not at all.

The promise "原文件从不被改写" is kept here, once, for every writer (marked copy, filled copy, JSON report,
batch summary): paths are compared after resolving symlinks and hard links and without regard to case (Windows
and macOS file systems ignore it), output folders are tried before a long batch starts, and a write goes through
a temporary file beside the target that is renamed into place only when it is complete (a device or a pipe,
``--json /dev/stdout``, is written to as it is; a symlink keeps pointing at the new file).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .read import InputError

__all__ = ["TEMP_PREFIX", "atomic_write", "guard_outputs", "os_reason", "preflight", "remove_stale_temps", "same_file",
           "write_text_atomic"]

#: Prefix of our temporary files, so a later run can recognise (and remove) the ones a killed run left behind.
TEMP_PREFIX = ".juesuan-"
#: What ``tempfile.mkstemp`` makes of it: the prefix, eight random characters, the target's extension.
_TEMP_NAME = re.compile(r"^\.juesuan-[a-z0-9_]{8}(\.[A-Za-z0-9]{1,8})?$")
#: A temporary file of ours this old was left by a run that was killed (no write takes minutes).
STALE_AFTER = 10 * 60


def _key(path: Path) -> str:
    """A comparable form of a path: symlinks resolved, case folded (case-insensitive file systems)."""
    return os.path.normcase(os.path.realpath(path)).casefold()


def same_file(a: Path, b: Path) -> bool:
    """True when writing ``b`` would change ``a``: the same path after resolution, or the same file on disk
    (a hard link, or a name that differs only in case on a case-insensitive file system)."""
    if _key(a) == _key(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def guard_outputs(inputs: Iterable[Path], outputs: Iterable[tuple[str, Path]]) -> None:
    """Refuse, before any work, an output that is an input or that another output of the run also names.

    ``outputs`` pairs each path with the option that named it (``--out``, ``--json`` …) for the message."""
    inputs = list(inputs)
    seen: dict[str, str] = {}
    for option, path in outputs:
        for source in inputs:
            if same_file(source, path):
                raise InputError(f"{option} 指向了输入文件“{source.name}”：原文件从不被改写，请换一个输出文件名")
        key = _key(path)
        if key in seen:
            raise InputError(f"{seen[key]} 与 {option} 指向同一个文件“{path.name}”：同一次运行的两个输出不能相同")
        seen[key] = option


def os_reason(exc: OSError, path: Path | None = None) -> str:
    """A Chinese reason for a failed file operation, by its cause (``path`` ``None``: the standard output)."""
    import errno

    where = f"“{path}”" if path is not None else "标准输出"
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写出{where}"
    if exc.errno == errno.ENAMETOOLONG:
        return f"文件名过长（超过系统允许的 255 字节）：“{str(path.name if path else '')[:40]}…”"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入权限，或文件正被其他程序（如 Excel）占用：{where}"
    if exc.errno == errno.EBUSY:
        return f"文件正被其他程序（如 Excel）占用：{where}"
    if exc.errno == errno.ENOTDIR:
        return f"无法写出{where}：路径中有一级是文件，不是文件夹"
    if exc.errno == errno.ENOENT:
        return f"路径不存在：{where}"
    if exc.errno == errno.EEXIST:
        return f"路径中有同名的文件，无法建立文件夹：{where}"
    if exc.errno == errno.ELOOP:
        return f"路径中的符号链接形成了循环：{where}"
    return f"无法写出{where}（系统错误 {exc.errno}）"


def _open_in_excel(path: Path) -> bool:
    """Excel keeps a ``~$name`` owner file beside a workbook it has open."""
    return (path.parent / f"~${path.name}").exists()


def _special(path: Path) -> bool:
    """True for an existing target that is no regular file or folder: ``/dev/null``, ``/dev/stdout``, a named
    pipe. Such a target is written to as it is - renaming a file over it would replace the device itself."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise InputError(os_reason(exc, path)) from None
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def preflight(paths: Iterable[Path]) -> None:
    """Make sure every output can be written before work starts: its folder can be created and written to,
    the target is not open in Excel. Raises InputError with the reason."""
    folders: set[Path] = set()
    for path in paths:
        if _special(path):
            continue
        if path.is_dir():
            raise InputError(f"输出路径是一个文件夹：“{path}”")
        if _open_in_excel(path):
            raise InputError(f"“{path.name}”正在 Excel 中打开：请先关闭它，或换一个输出文件名")
        folders.add(path.parent)
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise InputError(os_reason(exc, folder)) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_stale_temps(folder: Path, now: float | None = None) -> int:
    """Remove temporary files of ours in ``folder`` that a killed run left (a SIGKILL cannot be caught): only
    names juesuan makes, only files older than :data:`STALE_AFTER`. Returns how many were removed."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


class Terminated(BaseException):
    """SIGTERM arrived during a write: unwinds like Ctrl+C, so the temporary file is removed."""


@contextmanager
def _terminate_unwinds() -> Iterator[None]:
    """While a temporary file exists, SIGTERM raises :class:`Terminated` instead of ending the process on the
    spot (the default), so cleanup runs. Only the main thread can take signals; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Have ``write`` fill a temporary file beside ``path``, then rename it into place. The file gets the
    permissions a normal new file gets (the user's umask), not the owner-only ones of a temporary file; on any
    failure, Ctrl+C or SIGTERM the temporary file is removed and ``path`` is untouched (a SIGTERM still ends
    the process afterwards). Temporary files a killed run left beside ``path`` are removed first."""
    path = Path(path)
    if _special(path):
        _write_through(path, write)
        return
    if os.path.islink(path):  # a link to a file keeps pointing at the new file
        path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(os_reason(exc, path)) from None
    remove_stale_temps(path.parent)
    with _terminate_unwinds():
        try:
            fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=path.parent)
            os.close(fd)
        except OSError as exc:
            raise InputError(os_reason(exc, path)) from None
        tmp = Path(name)
        try:
            write(tmp)
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(os_reason(exc, path)) from None
        except Terminated:
            tmp.unlink(missing_ok=True)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)  # end as the sender meant, now that nothing is left behind
            raise
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _write_through(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` into a temporary file elsewhere, then its bytes into the device or pipe at ``path``."""
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb") as source, open(path, "wb") as target:
            shutil.copyfileobj(source, target)
    except OSError as exc:
        raise InputError(os_reason(exc, path)) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
