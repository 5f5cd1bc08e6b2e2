"""The offline bundle, Linux half: build the wheelhouse for this Python, install it into a fresh virtual
environment with ``pip install --no-index`` (no registry), and check the sample with the installed command.

Building needs the package registry (or pip's cache of it); without either the test is skipped and says why.
The Windows half (install.bat, 检查工作簿.bat, win_amd64 wheels including pywin32) cannot run here: the scripts
are checked statically, and ``make wheelhouse`` downloads the Windows wheels.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "bundle"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _wheelhouse():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("wheelhouse", BUNDLE / "wheelhouse.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "juesuan-offline"
    try:
        _wheelhouse().build(out, ["linux"], [PYTHON])
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"离线包需要从软件包仓库（或 pip 缓存）下载 wheel，本机无法下载：{exc}")
    return out


def test_the_linux_bundle_installs_without_an_index_and_checks_the_sample(bundle: Path, tmp_path: Path) -> None:
    names = sorted(p.name for p in (bundle / "wheels").glob("*.whl"))
    assert any(n.startswith("juesuan-") for n in names) and any(n.startswith("xlwings-0.37.8") for n in names)
    assert {p.name for p in bundle.iterdir()} >= {"wheels", "install.bat", "install.sh", "检查工作簿.bat", "安装说明.txt"}
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", bundle / "wheels",
                    "juesuan"], check=True, capture_output=True, timeout=600)
    result = subprocess.run([env / "bin" / "juesuan", "check", SAMPLE], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "个，错误 0 条，警告 19 条（其中尾数误差 19 条）" in result.stdout, result.stderr
    found = subprocess.run([python, "-c", "from juesuan.addin import ADDIN_FILE; print(ADDIN_FILE)"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(found) == env / "share" / "juesuan" / "juesuan.xlam" and Path(found).is_file()
    assert not any(n.startswith(("pytest", "oletools")) for n in names)  # test extras stay out of the bundle


def test_windows_markers_are_evaluated_for_the_target() -> None:
    """pip evaluates dependency markers for the machine it runs on; the bundle evaluates them for Windows."""
    from packaging.requirements import Requirement

    wheelhouse = _wheelhouse()
    _, windows = wheelhouse.PLATFORMS["windows"]
    _, linux = wheelhouse.PLATFORMS["linux"]
    pywin32 = Requirement('pywin32>=224; platform_system == "Windows"')
    assert pywin32.marker.evaluate(windows | {"extra": ""}) and not pywin32.marker.evaluate(linux | {"extra": ""})


@pytest.mark.parametrize("name", ["install.bat", "检查工作簿.bat"])
def test_batch_files_switch_to_utf8_before_any_chinese_line(name: str) -> None:
    """cmd.exe reads a .bat line by line in the current code page: ``chcp 65001`` must come before any Chinese
    text, lines end in CRLF, and the files are UTF-8."""
    data = (BUNDLE / name).read_bytes()
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    chcp = lines.index("chcp 65001 >nul")
    assert all(line.isascii() for line in lines[:chcp])
    assert "--no-index" in text if name == "install.bat" else "-m juesuan check" in text


def test_drag_and_drop_names_the_copy_as_the_command_line_does() -> None:
    """检查工作簿.bat writes NAME.checked.xlsx (NAME.checked.xlsm for .xlsm) beside the file, like --out-dir."""
    from juesuan.cli import _marked_name

    text = (BUNDLE / "检查工作簿.bat").read_text(encoding="utf-8")
    assert 'set "OUT=%~dpn1.checked.xlsx"' in text and 'if /i "%~x1"==".xlsm" set "OUT=%~dpn1.checked.xlsm"' in text
    assert _marked_name(Path("决算.xls")) == "决算.checked.xlsx" and _marked_name(Path("a.xlsm")) == "a.checked.xlsm"
    assert 'start "" "%OUT%"' in text  # opens the marked copy
