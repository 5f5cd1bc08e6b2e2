"""The fast road (:mod:`juesuan.read.plain`): python-calamine for plain workbooks gives exactly the grids of the
streaming reader; anything calamine would get wrong or choke on takes the streaming road."""

from __future__ import annotations

import pytest

from conftest import SAMPLES
from juesuan.read.ooxml import read_ooxml
from juesuan.read.plain import read_plain
from test_read_ooxml import SHEET3, variant, with_cell
from workbooks.build import build_workbook, load_seed_tables


def same(a, b) -> bool:
    return [(g.sheet, g.values, sorted(g.merged)) for g in a] == [(g.sheet, g.values, sorted(g.merged)) for g in b]


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.xlsx")), ids=lambda p: p.stem)
def test_plain_samples_take_the_fast_road_and_read_the_same(sample):
    grids = read_plain(sample)
    assert grids is not None and same(grids, read_ooxml(sample))


@pytest.mark.parametrize("layout", [{"numbers_as_text": True, "codes_as_numbers": True}, {"split_codes": "inherit", "unmerged": True},
                                    {"stacked": True, "blank_zero": True, "start_row": 4, "start_col": 3}])
def test_layout_variants_read_the_same_on_both_roads(tmp_path, layout):
    path = tmp_path / "v.xlsx"
    build_workbook(load_seed_tables(), **layout).save(path)
    grids = read_plain(path)
    assert grids is not None and same(grids, read_ooxml(path))


@pytest.mark.parametrize("change", [
    with_cell("L8", '<c r="L8" t="e"><v>#DIV/0!</v></c>'),  # calamine reads error values as blanks
    with_cell("L8", '<c r="L8"><f>SUM(A1:A2)</f></c>'),  # a formula without its value
    with_cell("L8", '<c r="L8" t="b"><v>1</v></c>'),
    with_cell("L8", '<c r="XFD1048576"><v>1</v></c>'),  # calamine would allocate the whole sheet
    {SHEET3: lambda d: d.replace(b'<c r="A7"', b'<c r="A"', 1)},
    {"xl/workbook.xml": lambda d: b'<!DOCTYPE workbook [<!ENTITY a "aaaa">]>' + d},
    with_cell("L8", '<c r="L8"><v>inf</v></c>'),  # calamine makes an infinity of these
    with_cell("L8", '<c r="L8"><v>NaN</v></c>'),
    with_cell("L8", '<c r="L8"><v>1e309</v></c>'),
], ids=["error-value", "uncached-formula", "boolean", "far-cell", "reference-without-row", "dtd", "inf", "nan",
        "overflow"])
def test_what_calamine_gets_wrong_takes_the_streaming_road(tmp_path, change):
    assert read_plain(variant(tmp_path, change=change)) is None
