"""The file writer edits the workbook package: everything the user had comes back, and 清除标注 is exact.

Fixtures are the real sample (贵州省人社厅 2023, 19 尾数误差 findings) and ``fixtures/rich.xlsx``: the same workbook
with a text box, a data validation, a conditional format, a defined name, a chart, an image and a pivot table,
made by LibreOffice (``fixtures/make_rich_workbook.py``).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import GradientFill, PatternFill
from openpyxl.styles.colors import Color

from conftest import SAMPLE, requires_libreoffice, soffice
from juesuan.adapters.openpyxl_file import apply_plan, clear_file, lost_content
from juesuan.cli import main
from juesuan.findings import Finding, Report, Severity
from juesuan.plan import COLORS, MARKS_SHEET, RESULTS_SHEET, Action, Plan, plan_marks
from workbooks.fuzz import rewrite_package

RICH = Path(__file__).parent / "fixtures" / "rich.xlsx"
#: The cells the sample's 19 findings are on.
FOUND = [("收支总表", "F14"), ("收支总表", "F15"), ("收支总表", "C33"), ("收支总表", "F35"), ("收支总表", "C37"),
         ("收入决算表", "C7"), ("收入决算表", "D7"), ("财拨总表", "G14"), ("财拨总表", "G15"), ("财拨总表", "F33"),
         ("财拨总表", "G33"), ("财拨总表", "C38"), ("财拨总表", "F38"), ("财拨总表", "G38"), ("一般公共预算支出", "C7"),
         ("一般公共预算支出", "E7"), ("基本支出明细", "C6"), ("基本支出明细", "F6"), ("三公经费", "G8")]
YELLOW = "FF" + COLORS[Severity.warning].lstrip("#")


def run(*args: object) -> int:
    return main([str(a) for a in args])


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def cell_styles(path: Path) -> dict[tuple[str, str], str]:
    """(sheet name, cell) -> its ``s`` attribute, for every cell of every worksheet."""
    content = parts(path)
    wb = etree.fromstring(content["xl/workbook.xml"])
    rels = etree.fromstring(content["xl/_rels/workbook.xml.rels"])
    target = {r.get("Id"): "xl/" + r.get("Target").lstrip("/").removeprefix("xl/") for r in rels}
    out = {}
    for sheet in wb.iter("{*}sheet"):
        part = target[next(v for k, v in sheet.attrib.items() if k.endswith("}id"))]  # transitional or strict
        for c in etree.fromstring(content[part]).iter("{*}c"):
            if c.get("s", "0") != "0":
                out[(sheet.get("name"), c.get("r"))] = c.get("s")
    return out


def fill_xml(cell) -> bytes:  # type: ignore[no-untyped-def]
    return etree.tostring(copy.copy(cell.fill).to_tree())


# --- fidelity ---------------------------------------------------------------------------------------------


def test_marked_copy_keeps_every_part_and_clear_gives_the_workbook_back(tmp_path, capsys):
    marked, clean = tmp_path / "marked.xlsx", tmp_path / "clean.xlsx"
    assert run("check", RICH, "--out", marked) == 0
    assert "注意" not in capsys.readouterr().err  # nothing lost, nothing to warn about
    before, after = parts(RICH), parts(marked)
    assert set(before) <= set(after)
    kinds = ("xl/charts/", "xl/drawings/drawing", "xl/media/", "xl/pivotTables/", "xl/pivotCache/", "docProps/")
    for name in before:
        if name.startswith(kinds) or name == "xl/sharedStrings.xml":
            assert after[name] == before[name], name  # untouched parts are copied byte for byte
    for name, data in after.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)  # every XML part is well-formed
    book = load_workbook(marked)
    assert book.sheetnames[0] == RESULTS_SHEET and book.sheetnames[-1] == MARKS_SHEET
    assert book[MARKS_SHEET].sheet_state == "hidden"
    for sheet, cell in FOUND:
        assert book[sheet][cell].fill.fgColor.rgb == YELLOW, (sheet, cell)
        assert book[sheet][cell].comment.text.startswith("[警告] ")
    assert "三公经费合计" in book.defined_names and book["三公经费"].data_validations.dataValidation
    assert book["收支总表"].conditional_formatting

    assert run("clear", marked, "--out", clean) == 0
    assert "恢复 19 个单元格" in capsys.readouterr().out
    restored = parts(clean)
    assert set(restored) == set(before)
    assert cell_styles(clean) == cell_styles(RICH)  # every cell has its very format index back
    for name in ("xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/_rels/sheet1.xml.rels"):
        assert etree.tostring(etree.fromstring(restored[name]), method="c14n") == \
            etree.tostring(etree.fromstring(before[name]), method="c14n"), name


@requires_libreoffice
def test_marked_rich_copy_renders_in_libreoffice_with_its_shape(tmp_path):
    marked = tmp_path / "marked.xlsx"
    assert run("check", RICH, "--out", marked) == 0
    subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(marked)], check=True, capture_output=True,
                   timeout=180)
    pdf = tmp_path / "marked.pdf"
    assert pdf.stat().st_size > 50_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "审核意见：请核对合计行" in text  # the text box
        assert "收入支出决算总表" in text and "T01.R1" in text  # a table and 审核结果


# --- reversible means exact -------------------------------------------------------------------------------


def test_clear_restores_theme_indexed_pattern_and_gradient_fills_and_whole_notes(tmp_path):
    book = load_workbook(SAMPLE)
    fills = [
        PatternFill("solid", fgColor=Color(theme=4, tint=0.3999755851924192)),
        PatternFill("solid", fgColor=Color(indexed=22)),
        PatternFill("darkGrid", fgColor="FF00B050", bgColor="FFFFFF00"),
        PatternFill("gray125"),
        GradientFill(degree=90, stop=("FFFFFFFF", "FF4472C4")),
    ]
    for i, (sheet, cell) in enumerate(FOUND):
        book[sheet][cell].fill = fills[i % len(fills)]
    note = Comment("原来的批注：请复核", "张会计", width=300, height=120)
    book["收支总表"]["C33"].comment = note
    src = tmp_path / "user.xlsx"
    book.save(src)
    marked, twice, clean = tmp_path / "m.xlsx", tmp_path / "m2.xlsx", tmp_path / "c.xlsx"
    assert run("check", src, "--out", marked) == 0
    assert run("check", marked, "--out", twice) == 0  # marked again: the record keeps the true originals
    assert load_workbook(twice)["收支总表"]["C33"].comment.author == "juesuan"
    assert run("clear", twice, "--out", clean) == 0
    assert cell_styles(clean) == cell_styles(src)
    original, back = load_workbook(src), load_workbook(clean)
    for sheet, cell in FOUND:
        assert fill_xml(back[sheet][cell]) == fill_xml(original[sheet][cell]), (sheet, cell)
    restored = back["收支总表"]["C33"].comment
    assert (restored.text, restored.author) == ("原来的批注：请复核", "张会计")
    vml = next(v for n, v in parts(clean).items() if n.endswith(".vml")).decode()
    assert "width:225pt" in vml.replace(" ", "") or "width:300px" in vml.replace(" ", "")  # the box size kept
    assert back["收支总表"]["F14"].comment is None


def test_users_own_results_and_record_sheets_are_never_deleted(tmp_path):
    book = load_workbook(SAMPLE)
    book.create_sheet(RESULTS_SHEET)["A1"] = "我自己的审核结果"
    book.create_sheet(MARKS_SHEET)["A1"] = "我的记录"
    src, marked, clean = tmp_path / "u.xlsx", tmp_path / "m.xlsx", tmp_path / "c.xlsx"
    book.save(src)
    assert run("check", src, "--out", marked) == 0
    names = load_workbook(marked).sheetnames
    assert names[0] == f"{RESULTS_SHEET}（2）" and names[-1] == f"{MARKS_SHEET}（2）"
    assert RESULTS_SHEET in names and MARKS_SHEET in names
    assert run("clear", marked, "--out", clean) == 0
    back = load_workbook(clean)
    assert back.sheetnames == book.sheetnames
    assert back[RESULTS_SHEET]["A1"].value == "我自己的审核结果" and back[MARKS_SHEET]["A1"].value == "我的记录"
    assert cell_styles(clean) == cell_styles(src)


def test_a_finding_inside_a_merged_area_marks_its_first_cell(tmp_path):
    merged = next(iter(load_workbook(SAMPLE)["收支总表"].merged_cells.ranges))
    inner = merged.coord.split(":")[1]
    report = Report(file="x", findings=[Finding(rule="T", severity=Severity.error, sheet="收支总表", cell=inner,
                                                message="合并单元格中的问题", expected=Decimal("1" * 40))])
    out = tmp_path / "m.xlsx"
    apply_plan(SAMPLE, plan_marks(report.finish()), out)
    ws = load_workbook(out)["收支总表"]
    anchor = ws.cell(merged.min_row, merged.min_col)
    assert anchor.fill.fgColor.rgb == "FF" + COLORS[Severity.error].lstrip("#")
    assert "合并单元格中的问题" in anchor.comment.text and "应为 1.111111E+39" in anchor.comment.text  # past any amount
    assert load_workbook(out)[RESULTS_SHEET]["F2"].value == pytest.approx(float("1" * 40))


# --- any result sheet -------------------------------------------------------------------------------------


def test_write_results_makes_any_sheet_with_links_in_the_chosen_column(tmp_path):
    rows = [["段落", "引用", "说明文字", "位置"], [1, "收入 51,368.15 万元", "与公开01一致", "C7"], [2, "支出", "", "F14"]]
    plan = Plan(actions=[
        Action(func="writeResults", sheet="说明核对", values=rows, links=["收支总表!C7", "收支总表!F14"], link_column=3),
        Action(func="writeResults", sheet="juesuan_说明", values=[["键", "值"], ["a", "b"]], hidden=True),
    ])
    out = tmp_path / "m.xlsx"
    apply_plan(SAMPLE, plan, out)
    book = load_workbook(out)
    assert book.sheetnames[0] == "说明核对" and book["juesuan_说明"].sheet_state == "hidden"
    ws = book["说明核对"]
    assert [c.value for c in ws[1]] == rows[0] and ws["D2"].hyperlink.location == "'收支总表'!C7"
    assert ws["D3"].hyperlink.location == "'收支总表'!F14" and ws["A1"].font.b and ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 21  # sized to its longest text: 4 CJK characters, 11 others, + 2
    assert book["收支总表"]["C7"].fill.fill_type is None  # nothing else changed
    assert run("clear", out, "--out", tmp_path / "c.xlsx") == 0
    assert load_workbook(tmp_path / "c.xlsx").sheetnames == load_workbook(SAMPLE).sheetnames


# --- damaged and unusual packages -------------------------------------------------------------------------


def rewrite(src: Path, dst: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of a package with parts replaced (bytes) or left out (None)."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change.get(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info, data)
        for name, data in change.items():
            if name not in old.namelist() and data is not None:
                new.writestr(name, data)
    return dst


def corrupt_crc(path: Path, name: str) -> None:
    """Make the stored checksum of one entry wrong, in its local header and its central directory record."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data[info.header_offset + 14] ^= 0xFF
    record = data.find(b"PK\x01\x02")
    while record >= 0:
        length = int.from_bytes(data[record + 28:record + 30], "little")
        if data[record + 46:record + 46 + length] == name.encode():
            data[record + 16] ^= 0xFF
        record = data.find(b"PK\x01\x02", record + 46)
    path.write_bytes(bytes(data))


def test_workbooks_openpyxl_refuses_still_get_a_marked_copy(tmp_path):
    sheet1 = parts(SAMPLE)["xl/worksheets/sheet1.xml"].replace(b'r="F14" s="10"', b'r="F14" s="910"', 1)
    broken = rewrite(SAMPLE, tmp_path / "broken.xlsx", {"docProps/app.xml": None, "xl/worksheets/sheet1.xml": sheet1})
    expected = cell_styles(broken)
    corrupt_crc(broken, "docProps/core.xml")
    with pytest.raises(zipfile.BadZipFile):  # openpyxl refuses it
        load_workbook(broken)
    marked, clean = tmp_path / "m.xlsx", tmp_path / "c.xlsx"
    assert run("check", broken, "--out", marked, "--json", tmp_path / "r.json") == 0
    assert load_workbook(marked)["收支总表"]["F14"].fill.fgColor.rgb == YELLOW
    assert run("clear", marked, "--out", clean) == 0
    assert cell_styles(clean) == expected  # the bad index too; and the copy's checksums are right again


def test_a_part_declaring_entities_is_refused_without_a_traceback(tmp_path, capsys):
    marked = tmp_path / "m.xlsx"
    assert run("check", SAMPLE, "--out", marked) == 0
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    styles = parts(marked)["xl/styles.xml"].split(b"?>", 1)[1]
    hostile = rewrite(marked, tmp_path / "evil.xlsx", {"xl/styles.xml": evil + styles})
    capsys.readouterr()
    assert run("clear", hostile, "--out", tmp_path / "c.xlsx") == 2
    err = capsys.readouterr().err
    assert err.startswith("juesuan：无法写出“c.xlsx”") and "DTD" in err and "root:" not in err and err.count("\n") == 1
    assert not (tmp_path / "c.xlsx").exists()


def test_output_extension_decides_the_content_type_and_macros_are_said_to_be_dropped(tmp_path, capsys):
    macro = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    content = parts(SAMPLE)
    types = content["[Content_Types].xml"].replace(b"spreadsheetml.sheet.main+xml", b"x", 1)
    types = types.replace(b"application/vnd.openxmlformats-officedocument.x", macro.encode())
    types = types.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    rels = content["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    xlsm = rewrite(SAMPLE, tmp_path / "macro.xlsm", {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels,
                                                      "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"})
    assert run("check", xlsm, "--out", tmp_path / "as-macro.xlsm") == 0
    assert macro.encode() in parts(tmp_path / "as-macro.xlsm")["[Content_Types].xml"]
    assert "xl/vbaProject.bin" in parts(tmp_path / "as-macro.xlsm")
    capsys.readouterr()
    assert run("check", xlsm, "--out", tmp_path / "plain.xlsx") == 0
    plain = parts(tmp_path / "plain.xlsx")
    assert macro.encode() not in plain["[Content_Types].xml"] and b"spreadsheetml.sheet.main+xml" in plain["[Content_Types].xml"]
    assert "xl/vbaProject.bin" not in plain and b"vbaProject" not in plain["xl/_rels/workbook.xml.rels"]
    assert "原文件中的宏（VBA 工程）未能保留在输出文件中" in capsys.readouterr().err
    load_workbook(tmp_path / "plain.xlsx")
    assert run("check", SAMPLE, "--out", tmp_path / "from-xlsx.xlsm") == 0
    assert macro.encode() in parts(tmp_path / "from-xlsx.xlsm")["[Content_Types].xml"]


def test_lost_content_names_what_a_copy_lacks(tmp_path):
    copy = rewrite(RICH, tmp_path / "less.xlsx", {"xl/pivotTables/pivotTable1.xml": None, "xl/media/image1.png": None})
    assert lost_content(RICH, copy) == ["原文件中的图片未能保留在输出文件中（原文件不受影响）",
                                        "原文件中的数据透视表未能保留在输出文件中（原文件不受影响）"]
    assert lost_content(RICH, RICH) == []


def test_clear_of_a_file_without_marks_is_a_faithful_copy(tmp_path):
    assert clear_file(RICH, tmp_path / "c.xlsx") == 0
    assert {n: d for n, d in parts(tmp_path / "c.xlsx").items()} == parts(RICH)



def strict(src: Path, dst: Path) -> Path:
    """The same package in Strict OOXML: other namespaces and relationship types."""
    pairs = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
             (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              b"http://purl.oclc.org/ooxml/officeDocument/relationships")]
    content = parts(src)
    for old, new in pairs:
        content = {name: data.replace(old, new) for name, data in content.items()}
    return rewrite(src, dst, content)


def test_clear_of_a_strict_ooxml_workbook(tmp_path, capsys):
    marked = tmp_path / "m.xlsx"
    assert run("check", RICH, "--out", marked) == 0
    strict_copy = strict(marked, tmp_path / "strict.xlsx")
    assert run("clear", strict_copy, "--out", tmp_path / "c.xlsx") == 0
    assert "恢复 19 个单元格" in capsys.readouterr().out
    back = parts(tmp_path / "c.xlsx")
    assert b"purl.oclc.org/ooxml/spreadsheetml/main" in back["xl/workbook.xml"]
    assert set(back) == set(parts(RICH))  # 审核结果, the record, the notes: all gone again
    assert cell_styles(tmp_path / "c.xlsx") == cell_styles(RICH)


def test_clear_of_a_workbook_missing_a_sheet_part_is_a_reason_not_a_traceback(tmp_path, capsys):
    marked = tmp_path / "m.xlsx"
    assert run("check", SAMPLE, "--out", marked) == 0
    broken = rewrite(marked, tmp_path / "broken.xlsx", {"xl/worksheets/sheet1.xml": None})
    capsys.readouterr()
    assert run("clear", broken, "--out", tmp_path / "c.xlsx") == 2
    err = capsys.readouterr().err
    assert err.startswith("juesuan：无法写出“c.xlsx”：工作表“收支总表”的部件") and err.count("\n") == 1


def test_fill_goes_through_the_same_writer_and_keeps_every_part(tmp_path):
    from openpyxl.chart import BarChart, Reference

    perf = SAMPLE.with_name("perf_zhuzhou_2023.xlsx")
    book = load_workbook(perf)
    ws = book.worksheets[0]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=5, max_row=8))
    ws.add_chart(chart, "M2")
    src, out = tmp_path / "perf.xlsx", tmp_path / "filled.xlsx"
    book.save(src)
    assert run("fill", src, "--out", out, "--formulas") == 0
    before, after = parts(src), parts(out)
    assert set(before) <= set(after) and after["xl/charts/chart1.xml"] == before["xl/charts/chart1.xml"]
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]  # formulas without cached values are computed on open
    assert run("clear", out, "--out", tmp_path / "clean.xlsx") == 0
    assert cell_styles(tmp_path / "clean.xlsx") == cell_styles(src)  # the green of filled cells is undone


FILLS = [  # as Excel writes them: theme with tint, indexed, patterns, both kinds of gradient
    '<fill><patternFill patternType="solid"><fgColor theme="4" tint="0.3999755851924192"/><bgColor indexed="64"/></patternFill></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFC000"/></patternFill></fill>',
    '<fill><patternFill patternType="darkGrid"><fgColor rgb="FF00B050"/><bgColor theme="0"/></patternFill></fill>',
    '<fill><patternFill patternType="gray125"/></fill>',
    '<fill><gradientFill degree="90"><stop position="0"><color theme="0"/></stop><stop position="1"><color rgb="FF4472C4"/></stop></gradientFill></fill>',
    '<fill><gradientFill type="path" left="0.5" right="0.5" top="0.5" bottom="0.5"><stop position="0"><color rgb="FFFFFFFF"/></stop><stop position="1"><color theme="4"/></stop></gradientFill></fill>',
]


@pytest.mark.parametrize("xml", FILLS)
def test_fills_translate_to_live_excel_interiors_and_back(xml):
    from juesuan.adapters.styles import canonical, fill_of_interior, interior_of

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    fill = etree.fromstring(xml.replace("<fill>", f'<fill xmlns="{ns}">'))
    interior = interior_of(fill, [])
    back = fill_of_interior(interior, ns)
    expected = copy.deepcopy(fill)
    for colour in expected.iter(f"{{{ns}}}bgColor"):
        if colour.get("indexed") == "64":  # "automatic" behind a solid fill: Excel has no property for it
            colour.getparent().remove(colour)
    assert canonical(back) == canonical(expected)


def test_indexed_colours_become_their_palette_colour():
    from juesuan.adapters.styles import interior_of

    fill = etree.fromstring('<fill><patternFill patternType="solid"><fgColor indexed="22"/></patternFill></fill>')
    assert interior_of(fill, ["FF000000"] * 22 + ["FFC0C0C0"]) == {"Pattern": 1, "TintAndShade": 0.0, "Color": 0xC0C0C0}


def test_a_record_made_in_live_excel_is_cleared_exactly_in_a_file(tmp_path):
    """Live Excel records interiors, not cell formats: the file adapter rebuilds the fills from them."""
    book = load_workbook(SAMPLE)
    fills = [PatternFill("solid", fgColor=Color(theme=4, tint=0.4)), PatternFill("darkGrid", fgColor="FF00B050", bgColor="FFFFFF00"),
             GradientFill(degree=90, stop=("FFFFFFFF", "FF4472C4"))]
    for (sheet, cell), fill in zip(FOUND[:3], fills, strict=True):
        book[sheet][cell].fill = fill
    src, marked, clean = tmp_path / "u.xlsx", tmp_path / "m.xlsx", tmp_path / "c.xlsx"
    book.save(src)
    assert run("check", src, "--out", marked) == 0
    content = parts(marked)
    record = next(n for n, d in content.items() if n.startswith("xl/worksheets/sheet") and b"xf_xml" in d)
    root = etree.fromstring(content[record])
    for text in root.iter("{*}t"):
        if text.text and text.text.startswith("{"):  # 原格式: keep only what live Excel would have recorded
            detail = json.loads(text.text)
            text.text = json.dumps({k: v for k, v in detail.items() if k == "interior"})
    live_made = rewrite(marked, tmp_path / "live.xlsx", {record: etree.tostring(root)})
    assert run("clear", live_made, "--out", clean) == 0
    original, back = load_workbook(src), load_workbook(clean)
    for sheet, cell in FOUND[:3]:
        assert fill_xml(back[sheet][cell]) == fill_xml(original[sheet][cell]), (sheet, cell)


def test_a_part_that_would_unpack_past_the_limit_is_refused(tmp_path, capsys, monkeypatch):
    marked = tmp_path / "m.xlsx"
    assert run("check", SAMPLE, "--out", marked) == 0
    monkeypatch.setattr("juesuan.read.guard.MAX_PART", 10_000)  # the sample's sheets are 15-23 KB
    capsys.readouterr()
    assert run("clear", marked, "--out", tmp_path / "c.xlsx") == 2
    assert "解压后过大（疑似“压缩炸弹”）" in capsys.readouterr().err
    assert not (tmp_path / "c.xlsx").exists()


@requires_libreoffice
def test_marks_survive_a_save_in_another_spreadsheet_program(tmp_path):
    """Saved again by LibreOffice (shared strings, renumbered styles, names rewritten), the marked copy still
    knows its own sheets and record, and clear gives the cells their look back."""
    book = load_workbook(SAMPLE)
    book["收支总表"]["F14"].fill = PatternFill("darkGrid", fgColor="FF00B050", bgColor="FFFFFF00")
    src, marked = tmp_path / "u.xlsx", tmp_path / "marked.xlsx"
    book.save(src)
    assert run("check", src, "--out", marked) == 0
    subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "resaved"), str(marked)],
                   check=True, capture_output=True, timeout=180)
    assert run("clear", tmp_path / "resaved" / "marked.xlsx", "--out", tmp_path / "c.xlsx") == 0
    original, back = load_workbook(src), load_workbook(tmp_path / "c.xlsx")
    assert back.sheetnames == original.sheetnames
    for sheet, cell in FOUND:
        assert back[sheet][cell].comment is None
        assert back[sheet][cell].fill.fill_type == original[sheet][cell].fill.fill_type, (sheet, cell)
    assert back["收支总表"]["F14"].fill.fgColor.rgb == "FF00B050" and back["收支总表"]["F14"].fill.bgColor.rgb == "FFFFFF00"


def _without_styles_relationship(data: bytes) -> bytes:
    return re.sub(rb'<Relationship [^>]*relationships/styles"[^>]*/>', b"", data)


@pytest.mark.parametrize("orphan", [True, False], ids=["styles-part-left", "styles-part-gone"])
def test_a_package_that_lost_its_style_sheet_relationship_gets_a_copy_that_opens(tmp_path, orphan):
    """The relationship to styles.xml deleted (found by make fuzz, case 3044): the writer made a new, nearly empty
    styles.xml over the orphan, so every cell's ``s`` pointed past the end and the copy no longer opened. Now an
    orphan style sheet is related again, and a new one has a default format for every index the sheets use."""
    src = rewrite_package(SAMPLE, tmp_path / "in.xlsx", change={"xl/_rels/workbook.xml.rels": _without_styles_relationship},
                          drop=() if orphan else ("xl/styles.xml",))
    out = tmp_path / "m.xlsx"
    assert run("check", src, "--out", out) == 0
    book = load_workbook(out)  # raised IndexError
    assert book["三公经费"]["G8"].fill.fgColor.rgb == "FF" + COLORS[Severity.warning].lstrip("#")
    with zipfile.ZipFile(out) as package:
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
        styles = [n for n in package.namelist() if n.startswith("xl/styles")]
    assert styles == ["xl/styles.xml"] and 'Target="styles.xml"' in rels
    assert run("clear", out, "--out", tmp_path / "c.xlsx") == 0 and load_workbook(tmp_path / "c.xlsx")
