"""Installing the Excel add-in ``juesuan.xlam`` (``juesuan addin install|uninstall|status``).

Like ``xlwings addin install``: the add-in is copied into Excel's XLSTART folder, which Excel asks for
(``App.startup_path``), so it loads with every Excel start. Installing also writes the user config
``%USERPROFILE%\\.juesuan\\juesuan.conf`` that the add-in's xlwings VBA reads (``GetConfigFilePath`` with
``PROJECT_NAME = "juesuan"``), pointing ``INTERPRETER_WIN`` at the Python that runs this command - the one
that has juesuan installed - or, for a Conda environment, ``CONDA PATH`` and ``CONDA ENV`` (xlwings' own
``config_create`` rule). Only Windows desktop Excel runs the add-in; elsewhere these commands say so and
point to ``juesuan check`` / ``juesuan fill``, which do the same work on files.

The VBA reads that file with ``Open … For Input``, i.e. in the system's ANSI code page (936 on Chinese Windows),
and xlwings writes its own config with Python's locale encoding, which on Windows is that code page. So does
:func:`config_bytes`: a path such as ``C:\\Users\\张伟\\…\\python.exe`` written as UTF-8 would reach the VBA as
garbage and every button would fail. A path the code page cannot spell is refused with a reason.
"""

from __future__ import annotations

import locale
import os
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import xlwings as xw

__all__ = [
    "ADDIN_FILE",
    "AddinError",
    "AddinStatus",
    "built_with",
    "config_bytes",
    "config_path",
    "config_text",
    "install",
    "main_addin",
    "status",
    "uninstall",
]

ADDIN_NAME = "juesuan.xlam"


def _addin_file() -> Path:
    """The add-in built by ``addin/build_xlam.py``: in a source checkout (editable install) ``addin/`` beside
    the package; installed from a wheel (the offline bundle), ``<prefix>/share/juesuan``."""
    checkout = Path(__file__).resolve().parents[2] / "addin" / ADDIN_NAME
    installed = Path(sys.prefix) / "share" / "juesuan" / ADDIN_NAME
    return checkout if checkout.exists() or not installed.exists() else installed


ADDIN_FILE = _addin_file()
_CUSTOM_PROPS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"


class AddinError(Exception):
    """Installing or removing failed; the message is one Chinese sentence for the user."""


@dataclass(frozen=True)
class AddinStatus:
    installed_at: Path | None  # the copy in XLSTART, if any
    source: Path  # the add-in this juesuan would install
    built_with: str | None  # xlwings version the add-in's VBA was built for
    config: Path  # the user config with the interpreter


def _is_windows() -> bool:
    return sys.platform.startswith("win")


def config_path() -> Path:
    """Where the add-in's xlwings VBA looks for its user config (``%USERPROFILE%\\.juesuan\\juesuan.conf``)."""
    return Path(os.environ.get("USERPROFILE", Path.home())) / ".juesuan" / "juesuan.conf"


def built_with(xlam: Path) -> str | None:
    """The xlwings version whose VBA module (and DLL name) the add-in carries, from its custom properties."""
    try:
        with zipfile.ZipFile(xlam) as archive:
            root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    for prop in root.iter(_CUSTOM_PROPS):
        if prop.get("name") == "xlwings":
            return "".join(prop.itertext()).strip() or None
    return None


def config_text(interpreter: str, conda: tuple[str, str] | None = None) -> str:
    """xlwings' config file format: one ``"KEY","value"`` line per setting. A Conda environment is activated by
    the VBA (``CONDA PATH`` = the Conda installation, ``CONDA ENV`` = the environment) instead of naming its
    python.exe, which would run without the environment's DLL folders on PATH."""
    if conda is not None:
        return f'"CONDA PATH","{conda[0]}"\n"CONDA ENV","{conda[1]}"\n'
    return f'"INTERPRETER_WIN","{interpreter}"\n'


def ansi_encoding() -> str:
    """The encoding of the Windows ANSI code page (``cp936`` on Chinese Windows): ``locale.getencoding`` ignores
    Python's UTF-8 mode, which the config reader in VBA knows nothing of."""
    return locale.getencoding()


def config_bytes(text: str, encoding: str) -> bytes:
    """The config file's bytes in ``encoding``; raises AddinError when a path cannot be spelled in it."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        raise AddinError(
            f"Python 的安装路径中有字符“{bad}”，无法用本机的系统编码（{encoding}）写给 Excel 加载项。"
            "请把 Python 安装到只含英文字母和数字的文件夹（例如 C:\\Python311），或在“区域设置 → 非 Unicode 程序的语言”"
            "中选择与路径相同的语言，然后重新运行 juesuan addin install。"
        ) from None


def conda_env() -> tuple[str, str] | None:
    """(Conda installation, environment name) when this Python is a Conda environment, as ``xlwings config create``
    detects it (``CONDA_EXE`` and ``CONDA_DEFAULT_ENV`` set by ``conda activate``); ``None`` otherwise."""
    from xlwings.cli import get_conda_settings

    path, env = get_conda_settings()
    if not (path and env and (Path(sys.prefix) / "conda-meta").is_dir()):
        return None
    return path, env


def _startup_dir() -> Path:
    """Excel's XLSTART folder for this user, asked from a running Excel or a hidden one (as xlwings does)."""
    if xw.apps:
        return Path(xw.apps.active.startup_path)
    with xw.App(visible=False, add_book=False) as app:
        return Path(app.startup_path)


def _close_in_running_excel() -> None:
    """An add-in open in Excel is locked; close it in every running instance before replacing it."""
    for app in xw.apps:
        try:
            app.books[ADDIN_NAME].close()
        except KeyError:
            pass


def _require_windows() -> None:
    if not _is_windows():
        raise AddinError(
            "Excel 加载项只能安装在装有 Excel 的 Windows 电脑上。"
            "在本机可以用命令行完成同样的工作：juesuan check 文件.xlsx（检查并生成标注副本），"
            "juesuan fill（填充绩效自评表派生列）。"
        )


def install() -> Path:
    """Copy the add-in into XLSTART, write the interpreter config, load it into running Excel."""
    _require_windows()
    if not ADDIN_FILE.exists():
        raise AddinError(f"找不到加载项文件 {ADDIN_FILE}：请先运行 python addin/build_xlam.py 生成。")
    config = config_bytes(config_text(sys.executable, conda_env()), ansi_encoding())  # refused before any change
    target = _startup_dir() / ADDIN_NAME
    _close_in_running_excel()
    try:
        shutil.copyfile(ADDIN_FILE, target)
    except PermissionError as exc:
        raise AddinError(f"无法写入 {target}：请关闭 Excel 后重试。") from exc
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_bytes(config)
    for app in xw.apps:
        app.books.open(target)
    return target


def uninstall() -> Path | None:
    """Remove the add-in from XLSTART (and its config); returns what was removed, ``None`` if nothing."""
    _require_windows()
    target = _startup_dir() / ADDIN_NAME
    _close_in_running_excel()
    config_path().unlink(missing_ok=True)
    if not target.exists():
        return None
    try:
        target.unlink()
    except PermissionError as exc:
        raise AddinError(f"无法删除 {target}：请关闭 Excel 后重试。") from exc
    return target


def status() -> AddinStatus:
    _require_windows()
    target = _startup_dir() / ADDIN_NAME
    return AddinStatus(
        installed_at=target if target.exists() else None,
        source=ADDIN_FILE,
        built_with=built_with(target if target.exists() else ADDIN_FILE),
        config=config_path(),
    )


def _version_warning(version: str | None) -> str | None:
    if version is None or version == xw.__version__:
        return None
    return (
        f"注意：加载项是为 xlwings {version} 生成的，而本机安装的是 xlwings {xw.__version__}。"
        "工作表函数可能无法使用：请运行 python addin/build_xlam.py 重新生成后再安装。"
    )


def main_addin(action: str) -> int:
    """``juesuan addin install|uninstall|status``: prints Chinese messages; 0 = done, 2 = cannot be done here (one
    ``juesuan：`` line, as for any unusable input) or an unknown action."""
    try:
        if action == "install":
            target = install()
            lines = [
                f"已安装加载项：{target}",
                f"Python 解释器已写入 {config_path()}",
                "重新启动 Excel 后，功能区会出现“决算审核”选项卡。",
                "若要使用工作表函数，请在 Excel 中点击“决算审核 → 导入函数”"
                "（需在信任中心勾选“信任对 VBA 工程对象模型的访问”）。",
            ]
            warning = _version_warning(built_with(target))
        elif action == "uninstall":
            removed = uninstall()
            lines = [f"已卸载加载项：{removed}" if removed else "加载项没有安装，无需卸载。"]
            warning = None
        elif action == "status":
            state = status()
            lines = [
                f"已安装：{state.installed_at}" if state.installed_at else "未安装（运行 juesuan addin install 安装）",
                f"安装来源：{state.source}",
                f"加载项对应的 xlwings 版本：{state.built_with or '未知'}；本机 xlwings：{xw.__version__}",
                f"解释器配置：{state.config}" + ("" if state.config.exists() else "（不存在）"),
            ]
            warning = _version_warning(state.built_with)
        else:
            print(f"juesuan：未知的操作：{action}（可用：install、uninstall、status）", file=sys.stderr)
            return 2
    except AddinError as exc:
        print(f"juesuan：{exc}", file=sys.stderr)
        return 2
    print("\n".join(lines + ([warning] if warning else [])))
    return 0
