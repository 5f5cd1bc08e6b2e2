"""The fast road (:mod:`juesuan.read.plain`): python-calamine for plain workbooks gives exactly the grids of the
streaming reader; anything calamine would get wrong or choke on takes the streaming road."""

from __future__ import annotations

import signal

import pytest

from conftest import SAMPLES
from juesuan.read import read_workbook
from juesuan.read.ooxml import read_ooxml
from juesuan.read.plain import read_plain
from test_read_ooxml import SHEET3, variant, with_cell
from workbooks.build import build_workbook, load_seed_tables
from workbooks.fuzz import RESPELLINGS, respell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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
    # a far cell calamine would place (and abort on) although it is not written the usual way:
    with_cell("L8", '<c\tr="XFD1048576"><v>1</v></c>'),
    with_cell("L8", '<c\nr="XFD1048576"><v>1</v></c>'),
    with_cell("L8", '<c s="0" r="XFD1048576"><v>1</v></c>'),
    with_cell("L8", '<c r="&#88;FD1048576"><v>1</v></c>'),
    with_cell("L8", f'<x:c xmlns:x="{MAIN}" r="XFD1048576"><x:v>1</x:v></x:c>'),
    {SHEET3: lambda d: d.replace(b"</sheetData>", f'<x:row xmlns:x="{MAIN}" r="1048576"><x:c r="XFD1048576"><x:v>1</x:v>'
                                                  f'</x:c></x:row></sheetData>'.encode())},
], ids=["error-value", "uncached-formula", "boolean", "far-cell", "reference-without-row", "dtd", "inf", "nan",
        "overflow", "tab-before-reference", "newline-before-reference", "reference-not-first", "character-reference",
        "prefixed-cell", "prefixed-row"])
def test_what_calamine_gets_wrong_takes_the_streaming_road(tmp_path, change):
    assert read_plain(variant(tmp_path, change=change)) is None


def test_page_breaks_keep_the_fast_road(tmp_path):
    """A report set up for printing has manual page breaks (``<rowBreaks>``, ``<colBreaks>``): that is no reason
    to read it four times slower."""
    breaks = '<rowBreaks count="1" manualBreakCount="1"><brk id="20" max="16383" man="1"/></rowBreaks>'
    path = variant(tmp_path, change={SHEET3: lambda d: d.replace(b"</worksheet>", breaks.encode() + b"</worksheet>")})
    grids = read_plain(path)
    assert grids is not None and same(grids, read_ooxml(path))


def test_row_elements_that_understate_the_cells_are_counted_by_calamine(tmp_path, monkeypatch):
    """Row elements say row 1, the cell says Z99999: the scan counts one row, calamine places the cell where its
    reference says; the rectangles calamine actually built are held to the same limit."""
    path = variant(tmp_path, change=with_cell("L8", '<c r="Z99999"><v>1</v></c>'))
    assert read_plain(path) is not None
    monkeypatch.setattr("juesuan.read.plain.MAX_DENSE", 2_000_000)  # the scan's count stays far below it
    assert read_plain(path) is None


def test_a_row_longer_than_a_chunk_takes_the_streaming_road(tmp_path, monkeypatch):
    """The scan reads a part in chunks cut after a row's end, reading on while a row goes on; more than a chunk
    without any row end could hide a tag split between two chunks, so such a part is not plain."""
    monkeypatch.setattr("juesuan.read.plain._CHUNK", 4096)
    assert read_plain(SAMPLES / "gz_2023_juesuan.xlsx") is not None  # its rows are far shorter
    long_row = "".join(f'<c r="{column}1"><v>1</v></c>' for column in ("A", "B", "C", "D") * 300)
    path = variant(tmp_path, change={SHEET3: lambda d: d.replace(b"<sheetData>", f'<sheetData><row r="1">{long_row}</row>'.encode(), 1)})
    assert read_plain(path) is None


@pytest.mark.parametrize("how", RESPELLINGS)
def test_rows_and_cells_spelled_another_way_read_the_same(tmp_path, how):
    """Valid XML that Excel does not write (a prefix, a newline before the reference, the reference last, a
    character reference in it) leaves the fast road and reads cell for cell as the sample does."""
    sheets = [f"xl/worksheets/sheet{i}.xml" for i in range(1, 10)]
    path = variant(tmp_path, change={name: lambda d: respell(d, how) for name in sheets})
    assert read_plain(path) is None
    assert same(read_workbook(path), read_workbook(SAMPLES / "gz_2023_juesuan.xlsx"))


@pytest.mark.parametrize("tail", [0, 1, 5, 6, 7])
def test_a_part_cut_just_after_a_row_is_scanned_to_its_end(tmp_path, tail):
    """A sheet part cut a few bytes after its last row end: the scan once read the short tail again and again
    (fewer than six bytes looked like "no row end yet") and the check never answered (found by make fuzz)."""
    cut = lambda d: d[: d.rfind(b"</row>") + 6 + tail]  # noqa: E731
    path = variant(tmp_path, change={SHEET3: cut})

    expired: list[int] = []

    def stop(signum: int, frame: object) -> None:
        expired.append(signum)
        raise TimeoutError("the scan did not finish")  # (the fast road takes it for "not plain")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(10)
    try:
        read_plain(path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not expired


def test_a_tall_sheet_keeps_the_fast_road(tmp_path):
    """A sheet down to row 200,000 is estimated at 200,000 × 26 cells (no column past Z seen): 5.2 M, past the
    workbook's 4 M of real cells, which sent 200,000-row tables to the streaming reader (7.7× the read); a sheet
    is now held to its estimate and the workbook to calamine's real sizes (here 200,000 × 8)."""
    far = b'<row r="200000"><c r="A200000"><v>7</v></c></row></sheetData>'
    path = variant(tmp_path, change={SHEET3: lambda d: d.replace(b"</sheetData>", far)})
    grids = read_plain(path)
    assert grids is not None
    assert next(g for g in grids if g.sheet == "支出决算表").values[199_999] == [7]
