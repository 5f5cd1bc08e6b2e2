""".ods (and .xlsb) go through python-calamine, which builds dense rectangles: their size is known or checked
before it can cost the memory (issue #9 §10, §12)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLE, requires_libreoffice, soffice
from juesuan import check_file
from juesuan.read import InputError, read_workbook

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def ods(path: Path, rows: str, prolog: str = "") -> Path:
    """A minimal OpenDocument spreadsheet with one table of the given ``table:table-row`` XML."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {NS} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="表一">{rows}</table:table>'
               f"</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", MANIFEST)
    return path


def cell(value: str) -> str:
    return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'


def test_small_ods_is_read_with_empty_repeats_ignored(tmp_path):
    """LibreOffice writes a million empty repeated rows for a formatted column: they cost nothing."""
    rows = (f'<table:table-row>{cell("1.5")}<table:table-cell table:number-columns-repeated="3"/>{cell("2")}</table:table-row>'
            '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    (grid,) = read_workbook(ods(tmp_path / "s.ods", rows))
    assert grid.values == [[1.5, None, None, None, 2.0]]


def test_ods_with_cells_far_apart_is_refused_before_calamine_builds_it(tmp_path):
    """A value at A1 and one at Z1000000: calamine would take 1.6 GiB for the 26 million cells between."""
    rows = (f'<table:table-row>{cell("1")}</table:table-row>'
            '<table:table-row table:number-rows-repeated="999998"><table:table-cell/></table:table-row>'
            f'<table:table-row><table:table-cell table:number-columns-repeated="25"/>{cell("2")}</table:table-row>')
    with pytest.raises(InputError) as info:
        read_workbook(ods(tmp_path / "far.ods", rows))
    assert str(info.value) == "工作簿中的单元格分布范围过大（相距极远的单元格），无法读取：far.ods"


def test_ods_with_a_dtd_is_refused(tmp_path):
    path = ods(tmp_path / "x.ods", f"<table:table-row>{cell('1')}</table:table-row>",
               prolog='<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>')
    with pytest.raises(InputError, match="DOCTYPE"):
        read_workbook(path)


def test_ods_under_another_extension_is_refused_with_the_reason(tmp_path):
    path = ods(tmp_path / "x.xls", f"<table:table-row>{cell('1')}</table:table-row>")
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert str(info.value) == "文件扩展名是“.xls”，但内容是 .ods 工作簿：请改正扩展名后再试：x.xls"


@requires_libreoffice
def test_ods_from_libreoffice_gives_the_samples_findings(tmp_path, sample_report):
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "ods",
                    "--outdir", str(tmp_path), str(SAMPLE)], check=True, capture_output=True, timeout=180)
    report = check_file(tmp_path / "gz_2023_juesuan.ods")
    assert [(f.rule, f.sheet, f.cell, f.expected) for f in report.findings] == [
        (f.rule, f.sheet, f.cell, f.expected) for f in sample_report.findings]
