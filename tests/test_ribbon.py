"""The ribbon: its XML (schema subset, ids, callbacks) and every button's action end to end on a remote Book."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlwings as xw
from lxml import etree

from juesuan import __version__, check_file, ribbon
from juesuan.adapters import xlwings_book
from juesuan.grid import a1, parse_a1
from juesuan.perf.fill import plan_fill
from juesuan.plan import FILL_COLOR, MARKS_SHEET, RESULTS_SHEET
from juesuan.adapters.openpyxl_file import sheet_details
from juesuan.read import read_workbook
from remote_book import (
    SAMPLE,
    actions,
    book_payload,
    colours_set,
    marks_payload,
    open_book,
    read_sample,
    reopen,
    sample_book,
    sheet_payload,
)

ROOT = Path(__file__).resolve().parents[1]
CUSTOM_UI = ROOT / "ribbon" / "customUI.xml"
RIBBON_BAS = ROOT / "addin" / "JuesuanRibbon.bas"
PERF_SAMPLE = ROOT / "workbooks" / "samples" / "perf_zhuzhou_2023.xlsx"
NS = "http://schemas.microsoft.com/office/2006/01/customui"

#: Every test runs against xlwings' remote engine (see test_xlwings_adapter.remote).
pytestmark = pytest.mark.usefixtures("remote")

#: The part of Microsoft's customUI.xsd (2006/01) that this ribbon uses: element nesting, the attributes a
#: button may carry, their types and length limits (ST_ID, ST_String 1-1024, ST_Size, ST_Delegate).
CUSTOM_UI_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}" xmlns="{NS}"
           elementFormDefault="qualified">
  <xs:simpleType name="ST_ID">
    <xs:restriction base="xs:NCName"><xs:maxLength value="1024"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="ST_String">
    <xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="1024"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="ST_Delegate">
    <xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="1024"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="ST_Size">
    <xs:restriction base="xs:string"><xs:enumeration value="normal"/><xs:enumeration value="large"/></xs:restriction>
  </xs:simpleType>
  <xs:element name="customUI">
    <xs:complexType><xs:sequence><xs:element ref="ribbon"/></xs:sequence>
      <xs:attribute name="onLoad" type="ST_Delegate"/></xs:complexType>
  </xs:element>
  <xs:element name="ribbon">
    <xs:complexType><xs:sequence><xs:element ref="tabs"/></xs:sequence>
      <xs:attribute name="startFromScratch" type="xs:boolean"/></xs:complexType>
  </xs:element>
  <xs:element name="tabs">
    <xs:complexType><xs:sequence><xs:element ref="tab" maxOccurs="100"/></xs:sequence></xs:complexType>
  </xs:element>
  <xs:element name="tab">
    <xs:complexType><xs:sequence><xs:element ref="group" maxOccurs="100"/></xs:sequence>
      <xs:attribute name="id" type="ST_ID" use="required"/>
      <xs:attribute name="label" type="ST_String" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="group">
    <xs:complexType><xs:sequence><xs:element ref="button" maxOccurs="1000"/></xs:sequence>
      <xs:attribute name="id" type="ST_ID" use="required"/>
      <xs:attribute name="label" type="ST_String" use="required"/></xs:complexType>
  </xs:element>
  <xs:element name="button">
    <xs:complexType>
      <xs:attribute name="id" type="ST_ID" use="required"/>
      <xs:attribute name="label" type="ST_String" use="required"/>
      <xs:attribute name="size" type="ST_Size"/>
      <xs:attribute name="imageMso" type="ST_ID" use="required"/>
      <xs:attribute name="screentip" type="ST_String" use="required"/>
      <xs:attribute name="supertip" type="ST_String" use="required"/>
      <xs:attribute name="onAction" type="ST_Delegate" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


@pytest.fixture(scope="module")
def ui() -> etree._Element:
    return etree.parse(str(CUSTOM_UI)).getroot()


def test_custom_ui_is_valid_against_the_schema_subset(ui: etree._Element) -> None:
    schema = etree.XMLSchema(etree.fromstring(CUSTOM_UI_XSD.encode()))
    schema.assertValid(ui)
    # the check can fail: a button without onAction, or one in a stray element, is rejected
    broken = etree.fromstring(etree.tostring(ui))
    del broken.find(f".//{{{NS}}}button").attrib["onAction"]
    assert not schema.validate(broken)


def test_ids_are_unique_and_every_button_has_an_action(ui: etree._Element) -> None:
    ids = [el.get("id") for el in ui.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    buttons = {b.get("id") for b in ui.iter(f"{{{NS}}}button")}
    assert buttons == set(ribbon.ACTIONS)
    assert {"btnCheckSheet", "btnCheckAll", "btnNarrative", "btnFill", "btnClear", "btnResults", "btnFormulas",
            "btnImportUdfs", "btnAbout"} == buttons
    tab = ui.find(f".//{{{NS}}}tab")
    assert tab.get("label") == "决算审核"


def test_buttons_are_large_with_chinese_labels_and_one_vba_callback(ui: etree._Element) -> None:
    vba = RIBBON_BAS.read_text(encoding="ascii")
    for button in ui.iter(f"{{{NS}}}button"):
        assert button.get("size") == "large"
        assert all(re.search(r"[\u4e00-\u9fff]", button.get(key)) for key in ("label", "screentip", "supertip"))
        module, _, sub = button.get("onAction").partition(".")
        assert re.search(rf'^Attribute VB_Name = "{module}"', vba, re.M)
        assert re.search(rf"^Public Sub {sub}\(control As IRibbonControl\)", vba, re.M)
    assert "juesuan.ribbon.dispatch('\" & control.ID & \"')" in vba


def test_vba_chinese_text_decodes() -> None:
    """The VBA is ASCII (code page 1252); its Chinese message box text is spelled as UTF-16 code units."""
    calls = re.findall(r'Zh\("([0-9A-F ]+)"\)', RIBBON_BAS.read_text())
    texts = ["".join(chr(int(unit, 16)) for unit in codes.split()) for codes in calls]
    assert texts == ["请先打开要检查的工作簿。", "决算审核"]


# --- the actions, end to end ------------------------------------------------------------------------------


def test_check_all_marks_the_workbook_in_few_operations() -> None:
    book = sample_book()
    message = ribbon.dispatch("btnCheckAll", book)
    report = check_file(SAMPLE)
    assert message.startswith(f"检查完成：{len(report.tables)} 张表中发现") and "审核结果" in message
    acts = actions(book)
    assert len(acts) <= 25, [a["func"] for a in acts]
    assert acts[-1]["func"] == "alert" and acts[-1]["args"][:2] == [message, "决算审核"]
    coloured = {(a["sheet"]) for a in acts if a["func"] == "setRangeColors"} - {RESULTS_SHEET}
    assert coloured == {f.sheet for f in report.findings}
    severity = colours_set(book, RESULTS_SHEET)  # 审核结果's 严重程度 cells, coloured by severity
    assert severity == {f"B{i}": "#FFEB9C" for i in range(2, len(report.findings) + 2)}
    for sheet in coloured:
        assert set(colours_set(book, sheet)) == {f.cell for f in report.findings if f.sheet == sheet}
    results = next(a for a in acts if a["func"] == "setValues" and a["sheet"] == RESULTS_SHEET)["values"]
    assert len(results) == len(report.findings) + 1
    assert all(row[4].startswith('=HYPERLINK("#\'') for row in results[1:])
    assert [s.name for s in book.sheets][0] == RESULTS_SHEET and MARKS_SHEET in [s.name for s in book.sheets]


def test_check_sheet_touches_only_the_active_sheet() -> None:
    book = sample_book(active=3)  # 财拨总表
    message = ribbon.dispatch("btnCheckSheet", book)
    assert message.startswith("检查完成：“财拨总表”")
    touched = {a["sheet"] for a in actions(book) if a["sheet"] is not None}
    assert touched == {"财拨总表", RESULTS_SHEET, MARKS_SHEET}
    expected = {f.cell for f in check_file(SAMPLE).findings if f.sheet == "财拨总表"}
    assert set(colours_set(book, "财拨总表")) == expected
    results = next(a for a in actions(book) if a["func"] == "setValues" and a["sheet"] == RESULTS_SHEET)["values"]
    assert {row[3] for row in results[1:]} == {"'财拨总表"}


def test_check_sheet_on_a_sheet_that_is_no_table() -> None:
    book = open_book(book_payload([sheet_payload("说明", [["本表为空"]])]))
    message = ribbon.dispatch("btnCheckSheet", book)
    assert message.startswith("“说明”不是可识别的决算表")
    assert [a["func"] for a in actions(book)] == ["alert"]  # nothing to mark, nothing written


def test_clear_restores_and_removes_the_results() -> None:
    book = sample_book(extra=[marks_payload([["三公经费", "G8", "#FFFF00", ""]])])
    message = ribbon.dispatch("btnClear", book)
    assert message.startswith("已清除 1 个单元格的标注")
    assert colours_set(book, "三公经费") == {"G8": "#FFFF00"}
    assert ribbon.dispatch("btnClear", sample_book()) == "工作簿中没有本工具的标注。"


def test_results_button_goes_to_the_results_sheet() -> None:
    book = sample_book(extra=[sheet_payload(RESULTS_SHEET, [["序号"]])])
    assert ribbon.dispatch("btnResults", book) == ""
    assert [(a["func"], a["sheet"]) for a in actions(book)] == [("activateSheet", RESULTS_SHEET)]
    assert "请先点击" in ribbon.dispatch("btnResults", sample_book())


def test_fill_without_a_planner_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ribbon, "FILL_PLANNER", "juesuan.perf:no_such_planner")
    book = sample_book()
    message = ribbon.dispatch("btnFill", book)
    assert "暂不可用" in message and "juesuan.perf.no_such_planner" in message
    assert [a["func"] for a in actions(book)] == ["alert"]


def test_fill_completes_the_perf_tables_like_the_cli() -> None:
    sheets = read_sample(PERF_SAMPLE)
    book = open_book(book_payload(sheets))
    message = ribbon.dispatch("btnFill", book)
    expected: dict[tuple[str, str], object] = {}
    details = sheet_details(PERF_SAMPLE)
    for grid in read_workbook(PERF_SAMPLE):
        grid.formulas = details.get(grid.sheet, ({}, {}))[0]  # the remote engine reads no number formats
        for action in plan_fill(grid).by_func("setValues"):
            r0, c0 = parse_a1(action.start)
            for r, row in enumerate(action.values):
                expected.update({(grid.sheet, a1(r0 + r, c0 + c)): v for c, v in enumerate(row)})
    filled_sheets = {s for s, _ in expected}
    assert expected and message.startswith(f"已在{len(filled_sheets)} 张绩效自评表中填充 {len(expected)} 个单元格")
    written = {
        (a["sheet"], a1(a["start_row"] + r, a["start_column"] + c)): v
        for a in actions(book) if a["func"] == "setValues" and a["sheet"] != MARKS_SHEET
        for r, row in enumerate(a["values"]) for c, v in enumerate(row)
    }
    assert written == expected
    for sheet in filled_sheets:
        assert colours_set(book, sheet) == {cell: FILL_COLOR for s, cell in expected if s == sheet}
    assert RESULTS_SHEET not in [s.name for s in book.sheets]
    # filled once, nothing is left to fill: the planner never writes over values
    assert ribbon.dispatch("btnFill", open_book(reopen(book))).startswith("没有找到需要填充")


def test_import_udfs_needs_windows_excel() -> None:
    assert "Windows 版 Excel" in ribbon.dispatch("btnImportUdfs", sample_book())


def test_about_and_unknown_buttons() -> None:
    assert __version__ in ribbon.dispatch("btnAbout", sample_book())
    assert ribbon.dispatch("btnNope", sample_book()).startswith("未知的按钮")


def test_errors_become_a_message_and_leave_the_book_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("规则文件损坏")

    monkeypatch.setattr(ribbon, "check_grids", broken)
    book = sample_book()
    message = ribbon.dispatch("btnCheckAll", book)
    assert message == "操作没有完成，工作簿未被修改。\n原因：规则文件损坏"
    assert [a["func"] for a in actions(book)] == ["alert"]


def test_errors_while_editing_say_how_to_recover(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise OSError("Excel 忙")

    monkeypatch.setattr(xlwings_book, "_colour", failing)
    message = ribbon.dispatch("btnCheckAll", sample_book())
    assert "清除标注" in message and "Excel 忙" in message


def test_dispatch_uses_the_calling_book_in_excel(monkeypatch: pytest.MonkeyPatch) -> None:
    book = sample_book()
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    assert ribbon.dispatch("btnAbout").startswith("决算审核 juesuan")
    assert [a["func"] for a in actions(book)] == ["alert"]


class _Untrusted:
    """A workbook's COM object when 信任对 VBA 工程对象模型的访问 is off: the VBA project cannot be read."""

    @property
    def VBProject(self) -> object:  # noqa: N802 - COM name
        raise RuntimeError("(-2147352567, 'Exception occurred.', (0, 'Microsoft Excel', "
                           "'Programmatic access to Visual Basic Project is not trusted', None, 0, -2146827284), None)")


class _Trusted:
    VBProject = type("VBProject", (), {"VBComponents": type("Components", (), {"Count": 3})()})()


def test_import_udfs_without_trusted_vba_access_explains_where_to_allow_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    from types import SimpleNamespace

    desktop = xlwings_book.Capabilities(union_ranges=True, read_formats=True, screen_updating=True)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(xlwings_book, "capabilities", lambda book: desktop)
    addin = SimpleNamespace(api=_Untrusted(), save=lambda: None)
    book = SimpleNamespace(app=SimpleNamespace(books={ribbon.ADDIN_NAME: addin}))
    message = ribbon.import_udfs(book)  # type: ignore[arg-type]
    assert message == ribbon.TRUST_HINT and "信任对 VBA 工程对象模型的访问" in message
    assert "Programmatic access" not in message
    assert ribbon.trusts_vba_project(_Trusted()) and not ribbon.trusts_vba_project(_Untrusted())
