"""The layout layer on small grids: header depth, column paths of merged and unmerged headers, split codes,
and the reasons given for a sheet that is no known table."""

from __future__ import annotations

import pytest

from juesuan.gongkai import NotATable, recognise_sheet
from juesuan.grid import Grid
from juesuan.layout import CodeComposer, SheetIndex, code_columns, header_block, header_bottom

N = None


def grid(rows: list[list[object]], merged: list[tuple[int, int, int, int]] | None = None) -> Grid:
    return Grid("表", rows, merged or [])


def test_header_ends_above_the_first_data_row_without_a_number_row():
    g = grid([
        ["项目", N, "本年支出", N, N],
        ["科目代码", "科目名称", "合计", "基本支出", "项目支出"],
        [N, "合计", 3.0, 1.0, 2.0],
    ], merged=[(0, 0, 0, 1), (0, 2, 0, 4)])
    index = SheetIndex(g)
    assert header_bottom(index, 0) == 1
    block = header_block(index, 0, 1)
    assert [c.path for c in block.columns] == [
        ("项目", "科目代码"), ("项目", "科目名称"), ("本年支出", "合计"), ("本年支出", "基本支出"), ("本年支出", "项目支出")]


def test_a_label_merged_over_two_rows_keeps_the_header_going():
    g = grid([["一级指标", "二级指标", "分值"], [N, N, N], ["产出指标", "数量指标", 10]],
             merged=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2)])
    assert header_bottom(SheetIndex(g), 0) == 1


def test_a_number_row_of_odd_digits_is_read_without_error():
    """A 栏次 cell of ``²`` or of thousands of digits is no column number (``int`` raises on both)."""
    g = grid([["项目", "合计", "基本支出"], ["栏次", "²", "9" * 5000], ["合计", 3.0, 3.0]])
    block = header_block(SheetIndex(g), 0, 1)
    assert [c.number for c in block.columns] == [None, None, None]
    assert [c.path for c in block.columns] == [("项目",), ("合计",), ("基本支出",)]


def test_unmerged_header_reads_like_the_merged_one():
    rows = [
        ["项目", N, N, N, "本年支出合计", "基本支出"],
        ["科目编码", N, N, "科目名称", N, N],
        ["类", "款", "项", N, N, N],
        [201, N, N, "一般公共服务支出", 5.0, 5.0],
    ]
    block = header_block(SheetIndex(grid(rows)), 0, 2)
    assert [c.path for c in block.columns] == [
        ("项目", "科目编码", "类"), ("项目", "科目编码", "款"), ("项目", "科目编码", "项"), ("项目", "科目名称"),
        ("本年支出合计",), ("基本支出",)]  # a label with nothing below spans down, not right


def test_a_group_ends_where_the_labels_above_change():
    rows = [
        ["公务用车购置及运行维护费", N, N, N, "公务接待费", N],
        ["公务用车购置费", N, "公务用车运行维护费", N, N, N],
        ["预算数", "决算数", "预算数", "决算数", "预算数", "决算数"],
    ]
    paths = [c.path for c in header_block(SheetIndex(grid(rows)), 0, 2).columns]
    assert paths[4:] == [("公务接待费", "预算数"), ("公务接待费", "决算数")]
    assert paths[3] == ("公务用车购置及运行维护费", "公务用车运行维护费", "决算数")


def test_split_codes_compose_and_inherit():
    rows = [["科目编码", N, N, "科目名称"], ["类", "款", "项", N]]
    index = SheetIndex(grid(rows, merged=[(0, 0, 0, 2), (0, 3, 1, 3)]))
    (group,) = code_columns(header_block(index, 0, 1))
    assert (group.cols, group.parts, group.name_col) == ((0, 1, 2), ("类", "款", "项"), 3)
    composer = CodeComposer(group.parts)
    assert [composer.code(parts) for parts in (["205", "", ""], ["", "03", ""], ["", "", "3"], ["205", "08", "03"], ["合计", "", ""])] == [
        "205", "20503", "2050303", "2050803", "合计"]


def test_reasons_say_what_was_found_and_what_is_missing():
    no_code = grid([["支出决算表"], ["项目", "本年支出合计", "基本支出"], ["教育支出", 5.0, 5.0]])
    with pytest.raises(NotATable, match=r"找到表名“支出决算表”（公开03），表头在第 2–2 行（项目；本年支出合计；基本支出），但其中没有“科目代码/科目编码”列"):
        recognise_sheet(no_code)
    no_amounts = grid([["收入决算表"], ["科目代码", "科目名称", "备注"], ["205", "教育支出", "x"]])
    with pytest.raises(NotATable, match="但其中没有可识别的金额列"):
        recognise_sheet(no_amounts)
    with pytest.raises(NotATable, match="没有找到表名"):
        recognise_sheet(grid([["随便写的"], [1, 2]]))
