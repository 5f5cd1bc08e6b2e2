"""The sample workbook holds exactly the seed tables, and the builder's layout variants do what they promise.

Every checker test stands on this sample and on builder variants of it, so a wrong amount or a variant
that silently does nothing here would make those tests prove nothing.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbooks.build import (  # noqa: E402  (the repository root must be importable first)
    DEFAULT_SEED_DIR,
    SEED_PREFIX,
    SHEET_NAMES,
    TableModel,
    build_workbook,
    load_seed_tables,
    locate,
    placed_amounts,
)

SAMPLE = ROOT / "workbooks" / "samples" / "gz_2023_juesuan.xlsx"
CODE_TABLES = ("公开02", "公开03", "公开05", "公开06", "公开07", "公开08")


@pytest.fixture(scope="module")
def sample() -> openpyxl.Workbook:
    return openpyxl.load_workbook(SAMPLE)


@pytest.fixture(scope="module")
def tables() -> dict[str, TableModel]:
    """Read-only models; tests that edit call load_seed_tables() themselves."""
    return load_seed_tables()


def sheet(wb: openpyxl.Workbook, number: int) -> Worksheet:
    return wb[SHEET_NAMES[number]]


def texts(ws: Worksheet) -> list[str]:
    return [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def seed_amounts(number: int) -> dict[tuple, Decimal | None]:
    """Amounts straight from the seed fact file (or the committed model when ../shared is absent)."""
    path = DEFAULT_SEED_DIR / f"{SEED_PREFIX}.gk{number:02d}.json"
    if not path.exists():
        table = load_seed_tables()[f"公开{number:02d}"]
        return {key: row.values[col] for key, row, col in keyed_rows(table)}
    data = json.loads(path.read_text("utf-8"))
    amounts: dict[tuple, Decimal | None] = {}

    def dec(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    for side in ("income_side", "expense_side"):
        for r in data.get(side, []):
            values = list(r["values"].values()) if "values" in r else [r["amount"]]
            for index, v in enumerate(values):
                amounts[(side, r["line_no"], index)] = dec(v)
    for r in data.get("rows", []):
        if "amount" in r:
            amounts[(r.get("code") or r["name"], "决算数")] = dec(r["amount"])
        else:
            for col, v in r["values"].items():
                amounts[(r.get("code") or r.get("name", ""), col)] = dec(v)
    return amounts


def keyed_rows(table: TableModel):
    """(seed-style key, row, column) for every amount of the model, matching seed_amounts()."""
    for index, blk in enumerate(table.blocks):
        for row in blk.all_rows():
            for k, col in enumerate(blk.columns):
                if blk.kind == "line":
                    key = (("income_side", "expense_side")[index], row.line_no, k)
                else:
                    key = (row.code or row.name, col)
                yield key, row, col


# ------------------------------------------------------------------------------------------ the sample


def test_sheets_are_the_nine_tables_in_order(sample: openpyxl.Workbook) -> None:
    assert sample.sheetnames == [SHEET_NAMES[n] for n in range(1, 10)]


@pytest.mark.parametrize("number", range(1, 10))
def test_every_amount_equals_the_seed(sample: openpyxl.Workbook, tables: dict[str, TableModel], number: int) -> None:
    table = tables[f"公开{number:02d}"]
    ws = sheet(sample, number)
    expected = seed_amounts(number)
    keys = {(id(row), col): key for key, row, col in keyed_rows(table)}
    seen = set()
    for row, col, address in placed_amounts(table):
        key = keys[(id(row), col)]
        cell = ws[address]
        want = expected[key]
        seen.add(key)
        if want is None:
            assert cell.value is None, address
        else:
            assert isinstance(cell.value, (int, float)), address
            assert Decimal(repr(cell.value)).quantize(Decimal("0.01")) == want, address
            assert cell.number_format == "#,##0.00"
    assert seen == set(expected)


def test_landmarks_of_the_default_layout(sample: openpyxl.Workbook) -> None:
    ws = sheet(sample, 1)
    assert ws["A1"].value == "收入支出决算总表"
    assert ws["A1"].font.bold and ws["A1"].font.size > ws["A7"].font.size
    assert ws["A2"].value == "公开01表"
    assert ws["A3"].value == "部门（单位）：贵州省人力资源和社会保障厅"
    assert ws["D3"].value == "2023年度"
    assert ws["F3"].value == "金额单位：万元"
    assert [ws.cell(6, c).value for c in range(1, 7)] == ["栏次", None, 1, "栏次", None, 2]
    assert (ws["A33"].value, ws["B33"].value, ws["C33"].value) == ("本年收入合计", 27, 62584.67)
    assert (ws["D33"].value, ws["E33"].value, ws["F33"].value) == ("本年支出合计", 58, 76693.13)
    assert (ws["A15"].value, ws["B15"].value, ws["C15"].value) == (None, 9, None)  # placeholder line
    assert ws["C37"].value == ws["F37"].value == 80473.90
    assert ws["A38"].value.startswith("注：1.") and ws["A39"].value.startswith("2. ")

    ws = sheet(sample, 2)
    assert (ws["A7"].value, ws["B7"].value, ws["C7"].value) == ("合计", None, 62584.67)
    ws = sheet(sample, 3)
    assert (ws["A7"].value, ws["B7"].value, ws["C7"].value) == (None, "合计", 76693.13)
    assert ws["A8"].value == "205" and ws["A8"].number_format == "@"
    ws = sheet(sample, 6)
    assert (ws["B60"].value, ws["C60"].value, ws["E60"].value, ws["F60"].value) == (
        "人员经费合计", 8416.13, "公用经费合计", 882.27)
    assert ws["A32"].value == "30399" and ws["A33"].value is None and ws["D33"].value == "30299"  # 人员经费 block ended
    ws = sheet(sample, 9)
    assert [ws.cell(7, c).value for c in range(1, 13)] == list(range(1, 13))
    assert ws["G8"].value == 51.23


def test_header_merges_as_printed(sample: openpyxl.Workbook) -> None:
    def merged(number: int) -> set[str]:
        return {str(r) for r in sheet(sample, number).merged_cells.ranges}

    assert {"A1:F1", "A4:C4", "D4:F4"} <= merged(1)  # title; 收入 / 支出 over three columns
    assert {"A4:B4", "C4:C5", "I4:I5"} <= merged(2)  # 项目 over 科目代码+科目名称; amounts two rows high
    assert "C4:E4" in merged(5) and sheet(sample, 5)["C4"].value == "本年支出"
    assert {"C4:C5", "D4:D5", "E4:G4", "H4:H5"} <= merged(7)  # 本年支出 over 小计/基本支出/项目支出
    assert {"A4:F4", "G4:L4", "C5:E5", "I5:K5", "A5:A6", "F5:F6"} <= merged(9)
    assert sheet(sample, 9)["C5"].value == "公务用车购置及运行维护费"


def test_sample_is_regenerated_from_the_committed_model(
    sample: openpyxl.Workbook, tables: dict[str, TableModel]
) -> None:
    built = build_workbook(tables)
    for name in sample.sheetnames:
        old, new = sample[name], built[name]
        assert list(old.iter_rows(values_only=True)) == list(new.iter_rows(values_only=True)), name
        assert {str(r) for r in old.merged_cells.ranges} == {str(r) for r in new.merged_cells.ranges}, name


@pytest.mark.skipif(not DEFAULT_SEED_DIR.is_dir(), reason="../shared/seed-tables 不在")
def test_committed_model_equals_the_seeds(tables: dict[str, TableModel]) -> None:
    assert load_seed_tables(DEFAULT_SEED_DIR) == tables


# ------------------------------------------------------------------------------------------ variants


def test_start_offset_moves_the_whole_table(tables: dict[str, TableModel]) -> None:
    ws = sheet(build_workbook(tables, start_row=4, start_col=3), 1)
    assert ws["A1"].value is None and ws["C4"].value == "收入支出决算总表"
    assert locate(tables["公开01"], 27, "决算数", start_row=4, start_col=3) == "E36"
    assert ws["E36"].value == 62584.67


def test_numbers_as_text(tables: dict[str, TableModel]) -> None:
    wb = build_workbook(tables, numbers_as_text=True)
    assert sheet(wb, 1)[locate(tables["公开01"], 1, "决算数")].value == "51,368.15"
    assert sheet(wb, 3)[locate(tables["公开03"], "208", "经营支出")].value == "0.00"


def test_code_header_and_codes_as_numbers(tables: dict[str, TableModel]) -> None:
    wb = build_workbook(tables, code_header="功能分类科目编码", codes_as_numbers=True)
    for key in CODE_TABLES:
        found = texts(sheet(wb, tables[key].number))
        assert "功能分类科目编码" in found and "科目代码" not in found
    assert sheet(wb, 3)["A8"].value == 205


@pytest.mark.parametrize(
    ("position", "cells", "merge"),
    [("code", ("合计", None), False), ("name", (None, "合计"), False), ("merged", ("合计", None), True)],
)
def test_total_position(tables: dict[str, TableModel], position: str, cells: tuple, merge: bool) -> None:
    ws = sheet(build_workbook(tables, total_position=position), 2)
    assert (ws["A7"].value, ws["B7"].value) == cells
    assert ("A7:B7" in {str(r) for r in ws.merged_cells.ranges}) is merge


def test_no_line_numbers(tables: dict[str, TableModel]) -> None:
    wb = build_workbook(tables, no_line_numbers=True)
    ws = sheet(wb, 1)
    assert ws.max_column == 4 and [ws.cell(5, c).value for c in range(1, 5)] == ["项目", "决算数"] * 2
    assert ws["B32"].value == 62584.67  # 本年收入合计 moved up by the missing 栏次 row
    for n in range(1, 10):
        assert not {"栏次", "行次"} & set(texts(sheet(wb, n)))
    assert sheet(wb, 9)["A7"].value == 53.08  # the 1…12 row is gone


def test_title_variants(tables: dict[str, TableModel]) -> None:
    wb = build_workbook(tables, titles_with_number=False, title_suffix="（财决{nn}表）")
    for n in range(1, 10):
        assert not any(re.fullmatch(r"公开\d\d表", t) for t in texts(sheet(wb, n)))
    assert sheet(wb, 1)["A1"].value == "收入支出决算总表（财决01表）"
    assert sheet(wb, 1)["A2"].value.startswith("部门（单位）：")


def test_sheet_order_and_omitted_tables(tables: dict[str, TableModel]) -> None:
    wb = build_workbook(tables, sheet_order=[9, 1, 3])
    assert wb.sheetnames == [SHEET_NAMES[9], SHEET_NAMES[1], SHEET_NAMES[3]]


def test_dash_for_zero_only_in_code_tables(tables: dict[str, TableModel]) -> None:
    wb = build_workbook(tables, dash_for_zero=True)
    ws = sheet(wb, 3)
    assert ws[locate(tables["公开03"], "2080101", "项目支出")].value == "—"
    assert ws[locate(tables["公开03"], "2080101", "基本支出")].value == 5655.77
    assert sheet(wb, 1)[locate(tables["公开01"], 2, "决算数")].value == 0


def test_edit_a_value_and_delete_a_row() -> None:
    tables = load_seed_tables()
    t03, t05 = tables["公开03"], tables["公开05"]
    t03.set("2080101", "基本支出", "5655.78")
    removed = t05.delete("2080102")
    assert removed.name == "一般行政管理事务"
    wb = build_workbook(tables)
    assert sheet(wb, 3)[locate(t03, "2080101", "基本支出")].value == 5655.78
    ws = sheet(wb, 5)
    assert "2080102" not in texts(ws)
    assert ws["A17"].value == "2080101" and ws["A18"].value == "2080104"
    assert load_seed_tables()["公开05"].row("2080102").name == "一般行政管理事务"  # fresh models each call


def test_row_lookup_and_errors(tables: dict[str, TableModel]) -> None:
    t01 = tables["公开01"]
    assert t01.row("社会保障和就业支出").values["决算数"] == Decimal("57866.64")
    assert t01.row("总计", block=1).line_no == 62
    with pytest.raises(KeyError):
        t01.row("总计")
    with pytest.raises(KeyError):
        tables["公开03"].set("2080101", "小计", 1)
    with pytest.raises(TypeError):
        build_workbook(tables, start_rwo=3)
