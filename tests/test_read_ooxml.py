"""The streaming .xlsx reader on real samples and on broken or unusual sheet XML: every cell read as Excel shows
it, what cannot be read said per sheet, and never a traceback (issue #9 §8, §10, §15, §16)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from conftest import SAMPLE, SAMPLES
from juesuan import check_file
from juesuan.cli import main
from juesuan.read import InputError, ooxml, read_workbook
from workbooks.fuzz import rewrite_package

SHEET3 = "xl/worksheets/sheet3.xml"  # 支出决算表 (公开03) of the sample
SHEET9 = "xl/worksheets/sheet9.xml"  # 三公经费 (公开09)


def with_cell(ref: str, xml: str, part: str = SHEET9) -> dict:
    """A change that replaces cell ``ref`` of a sheet part with ``xml`` (the sample writes every cell it has)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)', re.S)

    def change(data: bytes) -> bytes:
        assert pattern.search(data), ref
        return pattern.sub(xml.encode().replace(b"\\", b"\\\\"), data, count=1)

    return {part: change}


def variant(tmp_path: Path, name: str = "v.xlsx", **kwargs) -> Path:
    return rewrite_package(SAMPLE, tmp_path / name, **kwargs)


def findings(report) -> list[tuple]:
    return [(f.rule, f.severity.value, f.sheet, f.cell, f.expected, f.actual) for f in report.findings]


def only(report, rule: str):
    hits = [f for f in report.findings if f.rule == rule]
    assert len(hits) == 1, findings(report)
    return hits[0]


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.xlsx")), ids=lambda p: p.stem)
def test_same_cells_and_merges_as_calamine_on_the_samples(sample):
    """On well-formed files python-calamine is the reference; the sparse reader only leaves out the padding."""
    book = CalamineWorkbook.from_path(str(sample))
    grids = read_workbook(sample)
    assert [g.sheet for g in grids] == book.sheet_names
    for grid in grids:
        sheet = book.get_sheet_by_name(grid.sheet)
        rows = sheet.to_python(skip_empty_area=False)
        dense = [[grid.get(r, c) for c in range(len(row))] for r, row in enumerate(rows)]
        assert dense == [[None if v == "" or (isinstance(v, str) and not v.strip()) else v for v in row] for row in rows]
        assert grid.n_rows <= len(rows) and all(line and line[-1] is not None for line in grid.values if line)
        assert sorted(grid.merged) == sorted((a, b, c, d) for (a, b), (c, d) in sheet.merged_cell_ranges or [])
        assert grid.uncached == [] and grid.unreadable == ""


def test_strict_ooxml_gives_the_samples_findings(tmp_path, sample_report):
    def strict(data: bytes) -> bytes:
        return data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                            b"http://purl.oclc.org/ooxml/spreadsheetml/main").replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships")

    import zipfile

    names = zipfile.ZipFile(SAMPLE).namelist()
    path = variant(tmp_path, change={n: strict for n in names})
    assert findings(check_file(path)) == findings(sample_report)


def test_missing_sheet_part_skips_that_sheet_and_checks_the_rest(tmp_path):
    report = check_file(variant(tmp_path, drop=[SHEET3]))
    assert [(s.sheet, s.reason) for s in report.skipped] == [("支出决算表", "无法读取：工作簿中缺少这张工作表的数据（文件损坏）")]
    assert "公开03" not in {t.table for t in report.tables} and len(report.tables) == 8


@pytest.mark.parametrize("change, reason", [
    (lambda d: d[: len(d) // 2], "无法读取：工作表的 XML 格式错误（文件损坏）"),
    (lambda d: d.replace(b'<c r="A7"', b'<c r="A"', 1), "无法读取：单元格地址“A”无效（文件损坏）"),
    (lambda d: d.replace(b'<c r="A7"', b'<c r="XFE7"', 1), "无法读取：单元格地址“XFE7”超出 Excel 工作表的范围（文件损坏）"),
    (lambda d: d.replace(b'<c r="A7"', b'<c r="A1048577"', 1), "无法读取：单元格地址“A1048577”超出 Excel 工作表的范围（文件损坏）"),
    (lambda d: re.sub(rb'<c r="C8"[^>]*>.*?</c>', b'<c r="C8" t="b"><v>7</v></c>', d, count=1, flags=re.S),
     "无法读取：单元格类型“b”或其值无效（文件损坏）"),
    (lambda d: re.sub(rb'<c r="C8"[^>]*>.*?</c>', b'<c r="C8" t="s"><v>99</v></c>', d, count=1, flags=re.S),
     "无法读取：单元格引用的共享字符串不存在（文件损坏）"),
], ids=["malformed", "no-row", "past-XFD", "past-row-limit", "bad-boolean", "shared-string-index"])
def test_broken_sheet_is_skipped_with_its_reason(tmp_path, change, reason):
    report = check_file(variant(tmp_path, change={SHEET3: change}))
    assert [(s.sheet, s.reason) for s in report.skipped] == [("支出决算表", reason)]
    assert len(report.tables) == 8


def test_a_number_cell_holding_text_is_not_a_number_at_its_cell(tmp_path):
    """``<v>12abc</v>`` in a number cell: the streaming reader calls the sheet broken; python-calamine (the fast
    road for plain workbooks) reads the text as it is, and the check says the cell holds no number."""
    change = {SHEET3: lambda d: re.sub(rb'<c r="C8"[^>]*>.*?</c>', b'<c r="C8"><v>12abc</v></c>', d, count=1, flags=re.S)}
    v02 = only(check_file(variant(tmp_path, change=change)), "V02")
    assert (v02.sheet, v02.cell) == ("支出决算表", "C8") and "“12abc”" in v02.message
    with pytest.raises(ooxml._Unreadable, match="数值单元格的值不是数字"):
        ooxml._number("12abc")


def test_xxe_is_refused_and_never_resolved(tmp_path):
    """A DTD with an external entity (XXE): refused before any cell is read; the entity's file is never
    opened, and the message shows nothing of it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")

    def xxe(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[-1].replace(b"<t>", b"<t>&xxe;", 1)
        return b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">]>' + body

    path = variant(tmp_path, change={SHEET3: xxe})
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert str(info.value) == "工作簿中含有文档类型声明（DOCTYPE），Excel 不会写出这样的文件，为安全起见不予读取：v.xlsx"
    result = subprocess.run([sys.executable, "-m", "juesuan.cli", "check", str(path), "--json", str(tmp_path / "r.json")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "TOP-SECRET" not in result.stdout + result.stderr
    assert not (tmp_path / "r.json").exists()


def test_billion_laughs_is_refused(tmp_path):
    laughs = b'<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    path = variant(tmp_path, change={"xl/workbook.xml": lambda d: laughs + d})
    with pytest.raises(InputError, match="DOCTYPE"):
        read_workbook(path)


@pytest.mark.parametrize("code", ["#SPILL!", "#CALC!", "#BLOCKED!", "#N/A"])
def test_newer_error_values_are_not_a_number(tmp_path, code):
    """公务接待费 决算数 (L8, printed 6.85) holding an error value: V02 at that cell, not a blank and not a crash."""
    report = check_file(variant(tmp_path, change=with_cell("L8", f'<c r="L8" t="e"><v>{code}</v></c>')))
    v02 = only(report, "V02")
    assert (v02.sheet, v02.cell, v02.severity.value) == ("三公经费", "L8", "error") and code in v02.message


@pytest.mark.parametrize("text", ["1e309", "-1e309", "NaN", "inf"])
def test_non_finite_numbers_are_not_a_number(tmp_path, text):
    """A number cell holding a value no double can be: reported as not a number with what the file holds, and
    never added as an infinity (issue #9 §15)."""
    report = check_file(variant(tmp_path, change=with_cell("L8", f'<c r="L8"><v>{text}</v></c>')))
    v02 = only(report, "V02")
    assert (v02.sheet, v02.cell) == ("三公经费", "L8") and f"“{text}”" in v02.message


@pytest.mark.parametrize(("cell", "shown"), [('<c r="L8"><v>1e300</v></c>', "1e+300"),
                                           (f'<c r="L8" t="inlineStr"><is><t>{"9" * 30}</t></is></c>', "9" * 30)])
def test_numbers_no_table_holds_are_not_a_number(tmp_path, cell, shown):
    """A finite number past any amount (1e300 as a double, 30 digits as text) is corrupt, not an amount: V02 at
    its cell, like an infinity. Before, the check went on with it and printing the summary raised
    InvalidOperation (rounding 1e300 to cents needs 303 digits); the marked copy and the report are written."""
    path = variant(tmp_path, change=with_cell("L8", cell))
    out, report = tmp_path / "m.xlsx", tmp_path / "r.json"
    assert main(["check", str(path), "--out", str(out), "--json", str(report)]) == 1
    v02 = only(check_file(path), "V02")
    assert (v02.sheet, v02.cell) == ("三公经费", "L8") and f"“{shown}”" in v02.message
    assert load_workbook(out)["三公经费"]["L8"].comment is not None
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["errors"] >= 1


def test_formulas_without_cached_values_are_reported(tmp_path):
    """Generators write formulas without results: V04 names the sheet, how many and where, and the amounts
    read as blank break the identities they are in (which the user then understands)."""
    formula = lambda ref: f'<c r="{ref}"><f>SUM({ref}9:{ref}20)</f></c>'  # noqa: E731
    change = with_cell("C7", formula("C7"), SHEET3)
    change2 = with_cell("D7", formula("D7"), SHEET3)
    both = {SHEET3: lambda d: change2[SHEET3](change[SHEET3](d))}
    path = variant(tmp_path, change=both)
    grid = next(g for g in read_workbook(path) if g.sheet == "支出决算表")
    assert grid.uncached == [(6, 2), (6, 3)] and grid.get(6, 2) is None
    report = check_file(path)
    v04 = only(report, "V04")
    assert (v04.severity.value, v04.sheet, v04.cell, v04.related) == ("warning", "支出决算表", "C7", ["支出决算表!D7"])
    assert v04.message.startswith("2 个公式单元格没有计算结果") and "C7、D7" in v04.message


def test_formula_with_a_cached_value_is_read_as_its_value(tmp_path, sample_report):
    change = with_cell("L8", '<c r="L8"><f>SUM(L9:L10)</f><v>6.85</v></c>')
    report = check_file(variant(tmp_path, change=change))
    assert findings(report) == findings(sample_report)


def test_far_cell_keeps_the_grid_sparse(tmp_path, sample_report):
    """One value at XFD1048576 (calamine aborted the process allocating 512 GiB): rows up to it, each as
    short as its cells; the check is the sample's."""
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    path = variant(tmp_path, change={SHEET9: lambda d: d.replace(b"</sheetData>", far)})
    grid = next(g for g in read_workbook(path) if g.sheet == "三公经费")
    assert grid.n_rows == 1_048_576 and len(grid.values[-1]) == 16_384 and grid.get(1_048_575, 16_383) == 1.0
    assert sum(len(line) for line in grid.values) < 16_384 + 200
    assert findings(check_file(path)) == findings(sample_report)


def test_bad_style_indexes_and_docprops_crc_do_not_stop_a_check(tmp_path, sample_report):
    """What makes openpyxl refuse a workbook (styles out of range, a damaged docProps part) is no reason not
    to check its cells (issue #9 §8)."""
    path = variant(tmp_path, change={SHEET3: lambda d: re.sub(rb' s="\d+"', b' s="99999"', d)})
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while data[at + 46: at + 46 + len(b"docProps/core.xml")] != b"docProps/core.xml":
        at = data.find(b"PK\x01\x02", at + 4)
    data[at + 16: at + 20] = b"\0\0\0\0"  # a wrong CRC-32
    path.write_bytes(bytes(data))
    assert findings(check_file(path)) == findings(sample_report)


def test_cell_kinds_and_positions_without_references(tmp_path):
    """Rows and cells may omit their reference (they follow the previous one); booleans, inline rich text,
    escaped control characters and shared strings with phonetic runs read as Excel shows them."""
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row><c t="inlineStr"><is><r><t>收入</t></r><r><t>决算</t></r></is></c><c><v>2.5</v></c></row>'
             '<row r="4"><c t="b"><v>1</v></c><c r="D4" t="s"><v>0</v></c><c t="str"><v>算_x000D_好_xD800__x0000_</v></c></row>'
             '<row><c t="e"><v>#DIV/0!</v></c></row><row r="１"><c><v>7</v></c></row>'
             '<row r="99999999999999999999"><c><v>8</v></c></row></sheetData></worksheet>')
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>科目</t>'
           '<rPh sb="0" eb="1"><t>カモク</t></rPh></si></sst>')
    book = Workbook()
    book.active["A1"] = "x"
    base = tmp_path / "base.xlsx"
    book.save(base)
    rels = lambda d: d.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sst.xml"/></Relationships>')  # noqa: E731
    import zipfile

    with zipfile.ZipFile(base) as src, zipfile.ZipFile(tmp_path / "kinds.xlsx", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            data = sheet.encode() if info.filename == "xl/worksheets/sheet1.xml" else data
            data = rels(data) if info.filename == "xl/_rels/workbook.xml.rels" else data
            dst.writestr(info.filename, data)
        dst.writestr("xl/sst.xml", sst)
    (grid,) = read_workbook(tmp_path / "kinds.xlsx")
    assert grid.values == [["收入决算", 2.5], [], [], [True, None, None, "科目", "算\r好_xD800__x0000_"],
                           [grid.values[4][0]], [7.0], [8.0]]  # row numbers that are no ASCII count follow the last
    assert str(grid.values[4][0]) == "#DIV/0!"


def test_dates_are_read_as_dates(tmp_path):
    book = Workbook()
    ws = book.active
    ws["A1"] = datetime(2023, 12, 31)
    ws["A2"] = 45291
    ws["A2"].number_format = 'yyyy"年"m"月"d"日"'
    ws["A3"] = 1234.5
    ws["A3"].number_format = '#,##0.00_ ;[Red]\\-#,##0.00\\ '
    book.save(tmp_path / "d.xlsx")
    (grid,) = read_workbook(tmp_path / "d.xlsx")
    assert [grid.get(r, 0) for r in range(3)] == [datetime(2023, 12, 31), datetime(2023, 12, 31), 1234.5]


def test_text_amount_of_a_million_digits_is_not_a_number(tmp_path):
    report = check_file(variant(tmp_path, change=with_cell("L8", '<c r="L8" t="inlineStr"><is><t>' + "9" * 1_000_000 + "</t></is></c>")))
    v02 = only(report, "V02")
    assert (v02.sheet, v02.cell, v02.expected) == ("三公经费", "L8", None)


def test_amounts_read_exactly(tmp_path):
    """The reader gives the double the file holds; amounts become the decimal it shows (51,368.15 stays exact)."""
    grid = next(g for g in read_workbook(SAMPLE) if g.sheet == "三公经费")
    assert grid.number(7, 11) == Decimal("6.85")
