"""The hidden record of marked cells (juesuan_标注记录) is a sheet of the user's workbook: a row edited by hand,
damaged or forged is left out - that cell is not restored, every other cell is - and the user is told once, in
Chinese, how many rows could not be used. Never a traceback, never an English exception name."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.comments import Comment

from conftest import SAMPLE
from juesuan.adapters.record import read_records, usable_interior
from juesuan.cli import main
from juesuan.plan import MARKS_SHEET, UnusableRecord, read_mark_row
from test_writer import FOUND, cell_styles, parts, rewrite

NOTICE = f"隐藏的标注记录表（{MARKS_SHEET}）中有 {{n}} 条记录内容有误、无法使用，相应单元格的原格式和批注未能还原（其余单元格不受影响）"
COLUMNS = {"工作表": "A", "单元格": "B", "原填充": "C", "原批注": "D", "批注作者": "E", "批注大小": "F", "原格式": "G"}


def run(*args: object) -> int:
    return main([str(a) for a in args])


def record_part(path: Path) -> str:
    return next(n for n, d in parts(path).items() if n.startswith("xl/worksheets/sheet") and b"xf_xml" in d)


def edit_record(marked: Path, dst: Path, edits: dict[tuple[str, str], dict[str, str | None]]) -> Path:
    """A copy of a marked file whose record rows for (sheet, cell) have columns (by header name) replaced: text,
    or ``None`` for an empty cell. The rest of the package is left byte for byte."""
    name = record_part(marked)
    root = etree.fromstring(parts(marked)[name])

    def text(c: etree._Element) -> str:
        return "".join(c.itertext())

    for row in root.iter("{*}row"):
        cells = {c.get("r").rstrip("0123456789"): c for c in row.iter("{*}c")}
        key = (text(cells["A"]), text(cells["B"])) if "A" in cells and "B" in cells else None
        for column, value in edits.get(key, {}).items():
            cell = cells[COLUMNS[column]]
            for child in list(cell):
                cell.remove(child)
            cell.attrib.pop("t", None)
            if value is not None:
                cell.set("t", "inlineStr")
                ns = root.nsmap[None]
                etree.SubElement(etree.SubElement(cell, f"{{{ns}}}is"), f"{{{ns}}}t").text = value
    return rewrite(marked, dst, {name: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)})


def detail_of(marked: Path, sheet: str, cell: str) -> dict:
    rows = load_workbook(marked)[MARKS_SHEET].iter_rows(min_row=2, values_only=True)
    return json.loads(next(r for r in rows if (r[0], r[1]) == (sheet, cell))[6])


def notices(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("注意：")]


def assert_chinese_only(err: str) -> None:
    assert "Traceback" not in err and "Error" not in err and "（ValueError）" not in err


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("record") / "m.xlsx"
    assert run("check", SAMPLE, "--out", out) == 0
    return out


TARGET = FOUND[0]  # 收支总表 F14
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BAD = [  # (column, value): each from the adversarial testing or its like
    ("原格式", '{"xf": "abc"}'),
    ("原格式", '{"xf": 1.5, "xf_xml": 5}'),
    ("原格式", '{"xf": -1}'),
    ("原格式", '{"xf": true}'),
    ("原格式", '{"xf": 10, "xf_xml": "<xf"}'),
    ("原格式", json.dumps({"xf": 10, "xf_xml": f'<xf xmlns="{NS}" fillId="abc"/>'})),
    ("原格式", json.dumps({"xf": 10, "fill_xml": "<foo/>"})),
    ("原格式", json.dumps({"xf": 10, "fill_xml": '<!DOCTYPE fill [<!ENTITY a "b">]><fill>&a;</fill>'})),
    ("原格式", json.dumps({"interior": {"Pattern": "x"}})),
    ("原格式", json.dumps({"interior": {"Pattern": 1, "Color": -5}})),
    ("原格式", json.dumps({"interior": {"Pattern": 4000, "Gradient": {"Stops": [1]}}})),
    ("原格式", json.dumps({"xf": 10, "comment_xml": 3})),
    ("原格式", json.dumps({"xf": 10, "shape": "<v:shape x></v:shape>"})),
    ("原格式", "不是 JSON"),
    ("原格式", "[1, 2]"),
    ("原格式", '{"interior": {"Pattern": NaN}}'),
    ("原填充", "red"),
    ("批注大小", "abc"),
    ("批注大小", "1×nan"),
]


@pytest.mark.parametrize(("column", "value"), BAD)
def test_an_unusable_record_row_is_skipped_and_said_once(marked, tmp_path, capsys, column, value):
    broken = edit_record(marked, tmp_path / "broken.xlsx", {TARGET: {column: value}})
    clean, again = tmp_path / "c.xlsx", tmp_path / "x.xlsx"
    capsys.readouterr()
    assert run("clear", broken, "--out", clean) == 0
    err = capsys.readouterr().err
    assert_chinese_only(err)
    assert notices(err) == [f"注意：broken.xlsx：{NOTICE.format(n=1)}"]
    restored, original = cell_styles(clean), cell_styles(SAMPLE)
    assert restored[TARGET] != original.get(TARGET)  # that cell keeps its mark …
    restored.pop(TARGET)
    original.pop(TARGET, None)
    assert restored == original  # … every other cell has its very format back
    assert MARKS_SHEET not in load_workbook(clean).sheetnames

    assert run("check", broken, "--out", again) == 0  # a marked copy checked again: cleared first, then marked
    err = capsys.readouterr().err
    assert_chinese_only(err)
    assert notices(err) == [f"注意：broken.xlsx：{NOTICE.format(n=1)}"]  # once, though the record is read twice


def test_a_misplaced_cell_address_is_an_unusable_row(marked, tmp_path, capsys):
    broken = edit_record(marked, tmp_path / "b.xlsx", {TARGET: {"单元格": "ZZZZ1"}, FOUND[1]: {"单元格": "A0"},
                                                       FOUND[2]: {"工作表": None}})
    capsys.readouterr()
    assert run("clear", broken, "--out", tmp_path / "c.xlsx") == 0
    err = capsys.readouterr().err
    assert_chinese_only(err)
    assert notices(err) == [f"注意：b.xlsx：{NOTICE.format(n=3)}"]
    restored, original = cell_styles(tmp_path / "c.xlsx"), cell_styles(SAMPLE)
    for key in FOUND[:3]:
        restored.pop(key)
        original.pop(key, None)
    assert restored == original


def noted(tmp_path: Path) -> tuple[Path, Path]:
    """A workbook with the user's notes on two found cells (in VML as Excel writes it: openpyxl's own is given
    back by a first check and clear) and its marked copy, whose record holds each note's comment and shape."""
    book = load_workbook(SAMPLE)
    for (sheet, cell), (text, author) in zip(FOUND[2:4], [("原来的批注一", "张会计"), ("原来的批注二", "李会计")], strict=True):
        book[sheet][cell].comment = Comment(text, author)
    first, src, marked = tmp_path / "first.xlsx", tmp_path / "u.xlsx", tmp_path / "m.xlsx"
    book.save(first)
    assert run("check", first, "--out", tmp_path / "m0.xlsx") == 0
    assert run("clear", tmp_path / "m0.xlsx", "--out", src) == 0
    assert run("check", src, "--out", marked) == 0
    return src, marked


def test_a_bad_note_record_leaves_that_note_and_restores_the_others(tmp_path, capsys):
    src, marked = noted(tmp_path)
    (s1, c1), (s2, c2) = FOUND[2], FOUND[3]  # 收支总表 C33, F35
    detail = detail_of(marked, s1, c1)
    assert detail["comment_xml"] and detail["shape"]
    forged = {**detail, "comment_xml": "<foo/>"}
    broken = edit_record(marked, tmp_path / "b.xlsx", {(s1, c1): {"原格式": json.dumps(forged)}})
    clean = tmp_path / "c.xlsx"
    capsys.readouterr()
    assert run("clear", broken, "--out", clean) == 0
    err = capsys.readouterr().err
    assert_chinese_only(err)
    assert notices(err) == [f"注意：b.xlsx：{NOTICE.format(n=1)}"]
    back = load_workbook(clean)
    assert back[s1][c1].comment.author == "juesuan"  # not restored: still juesuan's note
    assert (back[s2][c2].comment.text, back[s2][c2].comment.author) == ("原来的批注二", "李会计")
    restored, original = cell_styles(clean), cell_styles(src)
    restored.pop((s1, c1))
    original.pop((s1, c1), None)
    assert restored == original


def test_a_shape_of_another_cell_is_not_spliced_into_the_drawing(tmp_path, capsys):
    _, marked = noted(tmp_path)
    (s1, c1), (s2, c2) = FOUND[2], FOUND[3]
    first, second = detail_of(marked, s1, c1), detail_of(marked, s2, c2)
    swapped = {**first, "shape": second["shape"]}  # a note box anchored at F35 recorded for C33
    broken = edit_record(marked, tmp_path / "b.xlsx", {(s1, c1): {"原格式": json.dumps(swapped)}})
    capsys.readouterr()
    assert run("clear", broken, "--out", tmp_path / "c.xlsx") == 0
    assert notices(capsys.readouterr().err) == [f"注意：b.xlsx：{NOTICE.format(n=1)}"]
    back = load_workbook(tmp_path / "c.xlsx")
    assert back[s2][c2].comment.text == "原来的批注二"


def test_an_intact_record_says_nothing(marked, tmp_path, capsys):
    capsys.readouterr()
    assert run("clear", marked, "--out", tmp_path / "c.xlsx") == 0
    assert "注意" not in capsys.readouterr().err
    assert cell_styles(tmp_path / "c.xlsx") == cell_styles(SAMPLE)


def test_a_workbook_juesuan_cannot_edit_is_said_without_an_english_class_name(marked, tmp_path, capsys, monkeypatch):
    from lxml.etree import XMLSyntaxError

    from juesuan.adapters.openpyxl_file import Editor

    for error in (ValueError("bad"), KeyError("x"), XMLSyntaxError("bad", 1, 1, 1)):
        def fail(self: Editor, error: Exception = error) -> int:
            raise error

        monkeypatch.setattr(Editor, "clear", fail)
        capsys.readouterr()
        assert run("clear", marked, "--out", tmp_path / "c.xlsx") == 2
        assert capsys.readouterr().err == "juesuan：无法写出“c.xlsx”：工作簿结构有误，无法处理\n"


# --- reading rows ---------------------------------------------------------------------------------------------


def test_record_rows_are_checked_where_they_are_read():
    good = ["表", "c7", "FFFFC7CE", "批注", "张", "270×30", json.dumps({"xf": 3})]
    record = read_mark_row(good)
    assert (record.cell, record.fill, record.size, record.detail) == ("C7", "#FFC7CE", (270.0, 30.0), {"xf": 3})
    assert read_mark_row([2023.0, "A1"]).sheet == "2023"  # a spreadsheet's number for a sheet called 2023
    assert read_mark_row([None] * 7) is None and read_mark_row([]) is None  # an empty row is no row
    for column, value in [(1, "A0"), (1, "XFE1"), (1, "A1048577"), (1, "1A"), (2, "#12345"), (5, "0×3"),
                          (5, "1×2×3"), (6, "{"), (6, "3"), (0, None)]:
        row = list(good)
        row[column] = value
        with pytest.raises(UnusableRecord):
            read_mark_row(row)
    records, unusable = read_records([good, [None] * 7, ["表", "C8", None, None, None, None, '{"xf": "1"}'],
                                      ["表", "C9", None, None, None, None, '{"xf_xml": "<xf/>"}']])
    assert [r.cell for r in records] == ["C7"] and unusable == 2  # an <xf> outside SpreadsheetML's namespace


def test_interiors_desktop_excel_reports_are_usable_and_forged_ones_are_not():
    theme = {"Pattern": 1, "Color": 0x9BC2E6, "ThemeColor": 5, "TintAndShade": 0.4, "PatternColor": 0,
             "PatternThemeColor": None, "PatternTintAndShade": 0}
    gradient = {"Pattern": 4000, "Color": 16777215.0, "ThemeColor": None, "TintAndShade": 0,
                "Gradient": {"Degree": 90, "RectangleLeft": None,
                             "Stops": [{"Position": 0, "Color": 0xFFFFFF, "ThemeColor": None, "TintAndShade": 0},
                                       {"Position": 1, "Color": 0xC47244, "ThemeColor": None, "TintAndShade": 0}]}}
    assert usable_interior(theme) and usable_interior(gradient) and usable_interior({"Pattern": -4105})
    for forged in ([], {"Pattern": 7}, {"Pattern": True}, {"Pattern": 1, "Color": 2**24}, {"Pattern": 1, "ThemeColor": 0},
                   {"Pattern": 1, "TintAndShade": 2}, {"Pattern": 1, "PatternColor": "red"},
                   {"Pattern": 4000, "Gradient": {"Degree": "x", "Stops": []}}, {"Pattern": 4000, "Gradient": {}},
                   {"Pattern": 4000, "Gradient": {"Stops": [{"Position": 2}]}}, {"Pattern": float("inf")}):
        assert not usable_interior(forged), forged


def test_the_live_adapter_reads_the_same_checked_record(monkeypatch):
    from juesuan.adapters import xlwings_book

    rows = [["工作表"], ["表", "C7", "#FFC7CE", None, None, None, json.dumps({"interior": {"Pattern": 1, "Color": 255}})],
            ["表", "C8", "#FFC7CE", None, None, None, json.dumps({"interior": {"Pattern": "solid"}})], ["表", "ZZZZ9"]]

    class Used:
        value = rows

        def options(self, **_: object) -> Used:
            return self

    sheet = type("Sheet", (), {"used_range": Used()})()
    monkeypatch.setattr(xlwings_book, "_own_sheet", lambda book, wanted: sheet)
    marks = xlwings_book.read_marks(None)  # type: ignore[arg-type]
    assert list(marks) == [("表", "C7")] and marks[("表", "C7")].detail == {"interior": {"Pattern": 1, "Color": 255}}


def test_record_part_is_written_as_text(marked):
    """What the checks above edit: the record's cells are inline strings, none a formula."""
    with zipfile.ZipFile(marked) as archive:
        data = archive.read(record_part(marked))
    assert b"<f>" not in data and b'<c r="G2" t="inlineStr">' in data
