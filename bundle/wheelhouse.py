"""Build the offline bundle: every wheel juesuan needs, for Windows x64 and Linux x86-64, CPython 3.11-3.13, plus
the install scripts - for government intranets without internet.

    python bundle/wheelhouse.py [--out dist/juesuan-offline] [--platform windows linux] [--python 3.11 3.12 3.13]

pip can download wheels for another platform (``--platform … --only-binary=:all:``) but evaluates dependency
markers for the machine it runs on, so Windows-only dependencies (``pywin32; platform_system == "Windows"`` of
xlwings, ``colorama`` of tqdm) would be missing. So after each download the wheels' own ``Requires-Dist`` lines
are read, their markers evaluated for the target (``packaging.markers``), and what is missing is downloaded too,
until nothing is. The bundle is checked by installing it with ``pip install --no-index`` (tests/test_bundle.py
does so for Linux; install.bat does the same on Windows).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
#: pip platform tags per target and the marker environment a Python there reports.
PLATFORMS = {
    "windows": (["win_amd64"], {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                                "platform_machine": "AMD64"}),
    "linux": (["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
              {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"}),
}
PYTHONS = ["3.11", "3.12", "3.13"]
#: Files of the bundle besides the wheels (install scripts and the user's instructions).
FILES = ["install.bat", "install.sh", "检查工作簿.bat", "安装说明.txt"]


def project_requirements() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]


def _requires(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(name).decode("utf-8"))
    return [Requirement(line) for line in metadata.get_all("Requires-Dist") or []]


def _download(requirements: list[str], wheels: Path, tags: list[str], python: str) -> None:
    platforms = [arg for tag in tags for arg in ("--platform", tag)]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--implementation", "cp",
         "--python-version", python, *platforms, "--dest", str(wheels), *requirements],
        check=True,
    )


def download_for(target: str, python: str, wheels: Path, requirements: list[str]) -> None:
    """Download ``requirements`` and their dependencies as the target platform's Python would need them, into a
    folder of its own (what one target has says nothing of another's), then add them to ``wheels``."""
    own = wheels.parent / f".{target}-{python}"
    own.mkdir()
    _closure(requirements, own, target, python)
    for wheel in own.glob("*.whl"):
        shutil.move(wheel, wheels / wheel.name)
    own.rmdir()


def _closure(requirements: list[str], wheels: Path, target: str, python: str) -> None:
    tags, markers = PLATFORMS[target]
    environment = default_environment() | markers | {
        "python_version": python, "python_full_version": f"{python}.0", "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    wanted = list(requirements)
    while True:
        _download(wanted, wheels, tags, python)
        have = {canonicalize_name(parse_wheel_filename(w.name)[0]) for w in wheels.glob("*.whl")}
        missing = {
            str(req.name) + str(req.specifier)
            for wheel in wheels.glob("*.whl")
            for req in _requires(wheel)
            if canonicalize_name(req.name) not in have
            and (req.marker is None or req.marker.evaluate(environment | {"extra": ""}))
        }
        if not missing:
            return
        wanted = sorted(missing)


def build(out: Path, targets: list[str], pythons: list[str]) -> Path:
    """The bundle folder: ``wheels/`` (juesuan's own wheel and every dependency) and the install scripts."""
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels),
                    str(ROOT)], check=True)
    for target in targets:
        for python in pythons:
            download_for(target, python, wheels, project_requirements())
    for name in FILES:
        data = (HERE / name).read_bytes()
        (out / name).write_bytes(data)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成离线安装包（wheels 与安装脚本）")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "juesuan-offline", help="输出文件夹")
    parser.add_argument("--platform", nargs="+", choices=sorted(PLATFORMS), default=sorted(PLATFORMS), help="目标平台")
    parser.add_argument("--python", nargs="+", default=PYTHONS, help="目标 Python 版本")
    args = parser.parse_args(argv)
    out = build(args.out, args.platform, args.python)
    count = len(list((out / "wheels").glob("*.whl")))
    print(f"离线安装包：{out}（{count} 个 wheel，平台 {'、'.join(args.platform)}，Python {'、'.join(args.python)}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
