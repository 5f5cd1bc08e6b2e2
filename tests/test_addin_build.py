"""The add-in file, checked statically: package parts and relationships, the ribbon, and the VBA project read
back with independent readers (olefile for the compound file, oletools for the MS-OVBA streams).

What only Excel can confirm is listed in docs/addin.md ("开发说明"): that Excel loads the project and compiles
the modules from source, that the ribbon appears, and that RunPython and the UDF import run.
"""

from __future__ import annotations

import importlib.util
import io
import re
import struct
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import olefile
import pytest
import xlwings as xw
from lxml import etree
from oletools.olevba import VBA_Parser, decompress_stream
from python_calamine import CalamineWorkbook

from juesuan import addin

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "addin" / "juesuan.xlam"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_xlam", ROOT / "addin" / "build_xlam.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


build_xlam = _load_builder()


@pytest.fixture(scope="module")
def xlam() -> bytes:
    return build_xlam.build()


@pytest.fixture(scope="module")
def parts(xlam: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlam)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def vba(parts: dict[str, bytes]) -> olefile.OleFileIO:
    return olefile.OleFileIO(parts["xl/vbaProject.bin"])


def _rels(data: bytes) -> dict[str, str]:
    return {r.get("Type").rsplit("/", 1)[1]: r.get("Target") for r in etree.fromstring(data).iter(PKG_REL)}


def test_build_is_reproducible_and_the_committed_file_is_current(xlam: bytes) -> None:
    assert build_xlam.build() == xlam
    if addin.built_with(COMMITTED) != xw.__version__:
        pytest.skip(f"committed add-in is for xlwings {addin.built_with(COMMITTED)}, installed is {xw.__version__}")
    assert COMMITTED.read_bytes() == xlam, "run python addin/build_xlam.py"


def test_package_parts_and_relationships(parts: dict[str, bytes]) -> None:
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)  # well-formed
    root = _rels(parts["_rels/.rels"])
    assert root == {
        "officeDocument": "xl/workbook.xml",
        "extensibility": "customUI/customUI.xml",
        "custom-properties": "docProps/custom.xml",
    }
    assert b"http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" in parts["_rels/.rels"]
    book = _rels(parts["xl/_rels/workbook.xml.rels"])
    assert book == {"worksheet": "worksheets/sheet1.xml", "styles": "styles.xml", "vbaProject": "vbaProject.bin"}
    for target in [*root.values(), *("xl/" + t for t in book.values())]:
        assert target in parts
    types = parts["[Content_Types].xml"].decode()
    assert 'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"' in types
    assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types


def test_ribbon_part_is_the_committed_custom_ui(parts: dict[str, bytes]) -> None:
    assert parts["customUI/customUI.xml"] == (ROOT / "ribbon" / "customUI.xml").read_bytes()


def test_workbook_code_names_match_the_document_modules(parts: dict[str, bytes], vba: olefile.OleFileIO) -> None:
    assert b'codeName="ThisWorkbook"' in parts["xl/workbook.xml"]
    assert b'codeName="Sheet1"' in parts["xl/worksheets/sheet1.xml"]
    project = vba.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    assert project[1:5] == [
        "Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000", "Module=JuesuanRibbon", "Module=xlwings"
    ]
    assert re.fullmatch(r'ID="\{[0-9A-F-]{36}\}"', project[0]) and 'Name="juesuan"' in project
    protection = {line.split("=", 1)[0]: line for line in project if line.startswith(("CMG=", "DPB=", "GC="))}
    assert all(re.fullmatch(rf'{key}="[0-9A-F]+"', protection[key]) for key in ("CMG", "DPB", "GC"))


def test_config_sheet_names_the_udf_module(xlam: bytes) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlam))
    assert book.sheet_names == ["juesuan.conf"]
    assert book.get_sheet_by_index(0).to_python() == [["UDF Modules", "juesuan.udf"]]
    assert addin.built_with(COMMITTED) is not None


def test_vba_modules_read_back_as_source(parts: dict[str, bytes], vba: olefile.OleFileIO) -> None:
    streams = sorted("/".join(e) for e in vba.listdir())
    assert streams == [
        "PROJECT", "PROJECTwm", "VBA/JuesuanRibbon", "VBA/Sheet1", "VBA/ThisWorkbook", "VBA/_VBA_PROJECT", "VBA/dir",
        "VBA/xlwings",
    ]
    assert vba.get_size("VBA/xlwings") >= 4096 > vba.get_size("VBA/dir")  # both the FAT and the mini stream in use
    parser = VBA_Parser("vbaProject.bin", data=parts["xl/vbaProject.bin"])
    sources = {name: code for _, _, name, code in parser.extract_macros()}
    assert set(sources) == {"ThisWorkbook.cls", "Sheet1.cls", "JuesuanRibbon.bas", "xlwings.bas"}
    ribbon_source = (ROOT / "addin" / "JuesuanRibbon.bas").read_text().replace("\n", "\r\n")
    assert sources["JuesuanRibbon.bas"].rstrip() == ribbon_source.rstrip()
    assert 'Public Const PROJECT_NAME As String = "juesuan"' in sources["xlwings.bas"]
    assert f'Public Const XLWINGS_VERSION As String = "{xw.__version__}"' in sources["xlwings.bas"]
    assert "Function RunPython(" in sources["xlwings.bas"] and "Sub ImportPythonUDFsToAddin()" in sources["xlwings.bas"]


def test_project_carries_source_only_so_excel_compiles_it(vba: olefile.OleFileIO) -> None:
    assert vba.openstream("VBA/_VBA_PROJECT").read()[:4] == b"\xcc\x61\xff\xff"  # version-independent
    records = bytes(decompress_stream(bytearray(vba.openstream("VBA/dir").read())))
    offsets, pos = [], 0
    while pos < len(records):
        rid, size = struct.unpack_from("<HI", records, pos)
        if rid == 0x0031:
            offsets.append(struct.unpack_from("<I", records, pos + 6)[0])
        pos += 6 + (6 if rid == 0x0009 else size)  # PROJECTVERSION's size field leaves out its minor version
    assert offsets == [0, 0, 0, 0]
    assert records.endswith(b"\x10\x00\x00\x00\x00\x00")


def test_vba_sources_are_ascii() -> None:
    for module in build_xlam.modules():
        module.source.encode("ascii")
        assert "\r\n" in module.source and "\n" not in module.source.replace("\r\n", "")


@pytest.mark.parametrize("data", [b"", b"Attribute VB_Name = \"x\"\r\n" * 400, bytes(range(256)) * 20, b"a" * 9000])
def test_compression_round_trips_through_oletools(data: bytes) -> None:
    if data == bytes(range(256)) * 20:  # the first 256 bytes cannot shrink, the repeats can
        assert len(build_xlam.compress(data)) < len(data)
    assert bytes(decompress_stream(bytearray(build_xlam.compress(data)))) == data


def test_compound_file_reads_back() -> None:
    tree = {"A": b"x" * 5000, "B": {"small": b"1234", "empty": b"", "Big": bytes(range(256)) * 40}, "ZZ": b"z"}
    ole = olefile.OleFileIO(build_xlam.compound_file(tree))
    assert ole.openstream("A").read() == tree["A"] and ole.openstream("ZZ").read() == b"z"
    assert ole.openstream("B/Big").read() == tree["B"]["Big"] and ole.openstream("B/small").read() == b"1234"
    assert ole.get_size("B/empty") == 0


def test_storages_start_at_sector_zero_as_ms_cfb_requires(vba: olefile.OleFileIO) -> None:
    """MS-CFB 2.6.3: a storage object's starting sector location and stream size MUST be zero."""
    committed = olefile.OleFileIO(zipfile.ZipFile(COMMITTED).read("xl/vbaProject.bin"))
    for ole in (vba, committed):
        storages = [d for d in ole.direntries if d is not None and d.entry_type == olefile.STGTY_STORAGE]
        assert [d.name for d in storages] == ["VBA"]
        assert all((d.isectStart, d.size) == (0, 0) for d in storages)
        root = ole.direntries[0]
        assert root.isectStart != 0 and root.size > 0  # the root holds the mini stream


def test_addin_commands_explain_themselves_off_windows(capsys: pytest.CaptureFixture[str]) -> None:
    if sys.platform.startswith("win"):
        pytest.skip("on Windows the commands talk to Excel")
    assert addin.main_addin("install") == 2
    err = capsys.readouterr().err
    assert err.startswith("juesuan：") and err.count("\n") == 1 and "Windows" in err and "juesuan check" in err
    assert addin.main_addin("status") == 2 and addin.main_addin("uninstall") == 2
    assert addin.main_addin("upgrade") == 2


def test_addin_config_and_version_helpers(tmp_path: Path) -> None:
    assert addin.config_text(r"C:\venv\Scripts\python.exe") == '"INTERPRETER_WIN","C:\\venv\\Scripts\\python.exe"\n'
    custom = zipfile.ZipFile(COMMITTED).read("docProps/custom.xml").decode()
    assert addin.built_with(COMMITTED) == re.search(r"vt:lpwstr>([^<]+)<", custom)[1]
    broken = tmp_path / "x.xlam"
    broken.write_bytes(b"not a zip")
    assert addin.built_with(broken) is None
    assert addin.config_path().parts[-2:] == (".juesuan", "juesuan.conf")


CHINESE_PYTHON = r"C:\Users\张伟\AppData\Local\Programs\Python\Python311\python.exe"


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """``juesuan addin install`` as on Windows without a running Excel: XLSTART and the profile are folders here."""
    start = tmp_path / "XLSTART"
    start.mkdir()
    monkeypatch.setattr(addin, "_is_windows", lambda: True)
    monkeypatch.setattr(addin, "_startup_dir", lambda: start)
    monkeypatch.setattr(xw, "apps", [])
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "profile"))
    monkeypatch.delenv("CONDA_EXE", raising=False)
    monkeypatch.setattr(sys, "executable", CHINESE_PYTHON)
    return start


def test_install_writes_the_interpreter_in_the_ansi_code_page(windows: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(addin, "ansi_encoding", lambda: "cp936")  # Chinese Windows
    assert addin.main_addin("install") == 0
    data = addin.config_path().read_bytes()
    assert data == f'"INTERPRETER_WIN","{CHINESE_PYTHON}"\n'.encode("gbk")
    assert "张伟".encode("gbk") in data and "张伟".encode("utf-8") not in data  # what VBA's Open … For Input reads
    assert (windows / "juesuan.xlam").read_bytes() == addin.ADDIN_FILE.read_bytes()
    assert "已安装加载项" in capsys.readouterr().out


def test_install_refuses_a_path_the_code_page_cannot_spell(windows: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(addin, "ansi_encoding", lambda: "cp1252")  # Western Windows, Chinese user name
    assert addin.main_addin("install") == 2
    err = capsys.readouterr().err
    assert err.startswith("juesuan：Python 的安装路径中有字符“张伟”，无法用本机的系统编码（cp1252）写给 Excel 加载项") and err.count("\n") == 1
    assert not addin.config_path().exists() and not (windows / "juesuan.xlam").exists()  # nothing changed


def test_conda_environments_are_activated_like_xlwings_does(windows: Path, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    env = tmp_path / "miniconda3" / "envs" / "juesuan"
    (env / "conda-meta").mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(env))
    monkeypatch.setenv("CONDA_EXE", str(tmp_path / "miniconda3" / "Scripts" / "conda.exe"))
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "juesuan")
    assert addin.conda_env() == (str(tmp_path / "miniconda3"), "juesuan")
    text = addin.config_text(sys.executable, addin.conda_env())
    assert text == f'"CONDA PATH","{tmp_path / "miniconda3"}"\n"CONDA ENV","juesuan"\n'
    monkeypatch.setattr(sys, "prefix", str(tmp_path))  # a venv inside an activated Conda shell is not Conda
    assert addin.conda_env() is None


def test_the_wheel_carries_the_addin(tmp_path: Path) -> None:
    """An install from the offline bundle (a wheel, not a checkout) still finds juesuan.xlam."""
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("juesuan-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(next(n for n in archive.namelist() if n.endswith("/data/share/juesuan/juesuan.xlam")))
    assert data == COMMITTED.read_bytes()
