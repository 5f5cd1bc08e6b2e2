"""The desktop-Excel (COM) path of the live adapter against a recording fake of Excel's object model.

xlwings' remote engine cannot read fills or notes, so the COM path - original fills read per union chunk with
smaller reads where Excel answers Null, notes read once per sheet - is driven here through a fake that keeps
each sheet's fills and notes and counts every round trip a real Excel would serve (``Range()``, each property
read or write, each method call). The count of a whole check must grow with colours × address chunks and
sheets, not with the number of marked cells; notes are the exception Excel imposes (one ``AddComment`` each).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from juesuan.adapters import xlwings_book
from juesuan.findings import Finding, Report, Severity
from juesuan.grid import a1, parse_a1
from juesuan.plan import COLORS, MARKS_SHEET, RESULTS_SHEET, expand, plan_marks, rectangles

YELLOW, GOLD, BLUE = "#FFFF00", "#FFD700", "#00B0F0"
#: Excel maps every RGB colour to the nearest of 56 palette entries; yellow and gold share one here, so a range
#: holding both answers ColorIndex = 6 and Color = Null (the case that crashed).
PALETTE = {YELLOW: 6, GOLD: 6, BLUE: 33}


class Excel:
    """Counts operations; ``fills`` and ``notes`` are the sheets' state by (sheet, cell)."""

    def __init__(self) -> None:
        self.ops: Counter[str] = Counter()
        self.fills: dict[tuple[str, str], str] = {}
        self.notes: dict[tuple[str, str], str] = {}

    def op(self, name: str) -> None:
        self.ops[name] += 1


class Interior:
    def __init__(self, rng: Range) -> None:
        self.rng = rng

    def _fills(self) -> set[str | None]:
        return {self.rng.excel.fills.get((self.rng.sheet.name, c)) for c in self.rng.cells()}

    @property
    def ColorIndex(self) -> int | None:  # noqa: N802 - COM name
        self.rng.excel.op("Interior.ColorIndex")
        indexes = {PALETTE[f] if f else xlwings_book.XL_COLOR_INDEX_NONE for f in self._fills()}
        return indexes.pop() if len(indexes) == 1 else None

    @property
    def Color(self) -> int | None:  # noqa: N802
        self.rng.excel.op("Interior.Color")
        fills = self._fills()
        if len(fills) != 1 or None in fills:
            return None
        r, g, b = bytes.fromhex(fills.pop()[1:])
        return r + (g << 8) + (b << 16)

    @property
    def Pattern(self) -> int | None:  # noqa: N802
        self.rng.excel.op("Interior.Pattern")
        fills = self._fills()
        return None if len(fills) != 1 else -4142 if None in fills else 1

    @property
    def ThemeColor(self) -> int:  # noqa: N802 - a plain RGB fill has no theme colour: COM raises
        self.rng.excel.op("Interior.ThemeColor")
        raise RuntimeError("Unable to get the ThemeColor property of the Interior class")

    def __getattr__(self, name: str) -> Any:  # PatternColor, TintAndShade, …: plain values
        self.rng.excel.op(f"Interior.{name}")
        return 0


class RangeApi:
    def __init__(self, rng: Range) -> None:
        self.rng = rng

    @property
    def Interior(self) -> Interior:  # noqa: N802
        self.rng.excel.op("Interior")
        return Interior(self.rng)

    def ClearComments(self) -> None:  # noqa: N802
        self.rng.excel.op("ClearComments")
        for cell in self.rng.cells():
            self.rng.excel.notes.pop((self.rng.sheet.name, cell), None)

    def AutoFilter(self, field: int) -> None:  # noqa: N802
        self.rng.excel.op("AutoFilter")


class Note:
    def __init__(self, text: str) -> None:
        self.text = text


class Font:
    def __init__(self, excel: Excel) -> None:
        self.excel = excel

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "excel":
            self.excel.op(f"font.{name}=")
        object.__setattr__(self, name, value)


class Range:
    def __init__(self, sheet: Sheet, address: str) -> None:
        self.sheet, self.excel, self.address = sheet, sheet.excel, address

    def cells(self) -> list[str]:
        return [cell for rect in self.address.split(",") for cell in expand(rect)]

    @property
    def api(self) -> RangeApi:
        return RangeApi(self)

    @property
    def color(self) -> None:
        raise AssertionError("colouring never reads")

    @color.setter
    def color(self, fill: str | None) -> None:
        self.excel.op("color=")
        for cell in self.cells():
            if fill:
                self.excel.fills[(self.sheet.name, cell)] = fill.upper()
            else:
                self.excel.fills.pop((self.sheet.name, cell), None)

    @property
    def note(self) -> Note | None:
        self.excel.op("note")
        text = self.excel.notes.get((self.sheet.name, self.address))
        return None if text is None else Note(text)

    def add_note(self, text: str) -> None:
        self.excel.op("add_note")
        self.excel.notes[(self.sheet.name, self.address)] = text

    @property
    def font(self) -> Font:
        return Font(self.excel)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("value", "number_format", "column_width", "wrap_text"):
            self.excel.op(f"{name}=")
            if name == "value":
                self.sheet.values[self.address] = value
        object.__setattr__(self, name, value)


class Comment:
    def __init__(self, sheet: Sheet, cell: str, text: str) -> None:
        self.sheet, self.cell, self.text = sheet, cell, text

    @property
    def Parent(self) -> Any:  # noqa: N802
        self.sheet.excel.op("Comment.Parent")
        r, c = parse_a1(self.cell)
        return type("Cell", (), {"Address": f"${a1(r, c).rstrip('0123456789')}${r + 1}"})()

    def Text(self) -> str:  # noqa: N802
        self.sheet.excel.op("Comment.Text")
        return self.text

    @property
    def Author(self) -> str:  # noqa: N802
        self.sheet.excel.op("Comment.Author")
        return "张伟"

    @property
    def Shape(self) -> Any:  # noqa: N802
        self.sheet.excel.op("Comment.Shape")
        return type("Shape", (), {"Width": 108.0, "Height": 59.25})()


class Comments:
    def __init__(self, items: list[Comment]) -> None:
        self.items = items
        self.Count = len(items)  # noqa: N815

    def Item(self, i: int) -> Comment:  # noqa: N802
        return self.items[i - 1]


class SheetApi:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    @property
    def Comments(self) -> Comments:  # noqa: N802
        self.sheet.excel.op("Comments")
        return Comments([Comment(self.sheet, c, t) for (s, c), t in self.sheet.excel.notes.items() if s == self.sheet.name])


class Name:
    def __init__(self, excel: Excel, name: str, refers_to: str) -> None:
        self.name, self.refers_to = name, refers_to
        self.api = type("NameApi", (), {"Visible": True})()


class SheetNames:
    def __init__(self, sheet: Sheet, book_names: list[Name]) -> None:
        self.sheet, self.book_names = sheet, book_names

    def add(self, name: str, refers_to: str) -> Name:
        self.sheet.excel.op("names.add")
        quoted = "'" + self.sheet.name.replace("'", "''") + "'"
        created = Name(self.sheet.excel, f"{quoted}!{name}", refers_to)
        self.book_names.append(created)
        return created


class Sheet:
    def __init__(self, excel: Excel, name: str, book_names: list[Name]) -> None:
        self.excel, self.name, self.values = excel, name, {}
        self.api = SheetApi(self)
        self.names = SheetNames(self, book_names)

    def range(self, first: Any, last: Any = None) -> Range:
        self.excel.op("Range")
        if isinstance(first, tuple):
            first = a1(first[0] - 1, first[1] - 1) + (f":{a1(last[0] - 1, last[1] - 1)}" if last else "")
        return Range(self, first)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "visible":
            self.excel.op("visible=")
        object.__setattr__(self, name, value)

    def clear(self) -> None:
        self.excel.op("clear")

    def activate(self) -> None:
        self.excel.op("activate")

    def autofit(self, axis: str) -> None:
        self.excel.op("autofit")

    def delete(self) -> None:
        self.excel.op("delete")


class Sheets(list):
    def __init__(self, excel: Excel, names: list[str], book_names: list[Name]) -> None:
        super().__init__(Sheet(excel, n, book_names) for n in names)
        self.excel, self.book_names = excel, book_names

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)

    @property
    def active(self) -> Sheet:
        return self[0]

    def add(self, name: str, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        self.excel.op("sheets.add")
        sheet = Sheet(self.excel, name, self.book_names)
        self.insert(self.index(before) if before is not None else self.index(after) + 1, sheet)
        return sheet


class Window:
    def __init__(self, excel: Excel) -> None:
        object.__setattr__(self, "excel", excel)

    def __setattr__(self, name: str, value: Any) -> None:
        self.excel.op(f"window.{name}=")


class App:
    engine = type("Engine", (), {"name": "excel"})()
    screen_updating = True

    def __init__(self, excel: Excel) -> None:
        self.api = type("AppApi", (), {"ActiveWindow": Window(excel)})()


class Book:
    def __init__(self, excel: Excel, names: list[str]) -> None:
        self.names: list[Name] = []
        self.sheets, self.app, self.name = Sheets(excel, names, self.names), App(excel), "决算.xlsx"


SHEETS = ["收支总表", "财拨总表", "支出决算表"]


def _report(cells: list[tuple[str, str]]) -> Report:
    findings = [Finding(rule="T01.R1", severity=Severity.error, sheet=s, cell=c, message="不平", expected=1, actual=2,
                        difference=1) for s, c in cells]
    return Report(file="x", findings=findings).finish()


def _checkerboard(n: int) -> list[tuple[str, str]]:
    """``n`` cells spread over the three sheets in a checkerboard: the worst case for rectangles."""
    per_sheet = n // len(SHEETS)
    cells = []
    for sheet in SHEETS:
        cells += [(sheet, a1(5 + i // 50 * 1, (i % 50) * 2 + (i // 50) % 2)) for i in range(per_sheet)]
    return cells[:n] + [(SHEETS[0], a1(9000, 0))] * (n - len(cells[:n]))


def _bound(excel_cells: list[tuple[str, str]], colours: int) -> int:
    """colours × address chunks + sheets, as the issue states the budget."""
    chunks = 0
    for sheet in SHEETS:
        rects = rectangles(parse_a1(c) for s, c in excel_cells if s == sheet)
        chunks += len(xlwings_book.union_chunks(rects))
    return colours * chunks + len(SHEETS)


NOTE_OPS = ("add_note", "ClearComments")  # Excel adds notes one cell at a time


def _seed(excel: Excel, cells: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """What the user had: a yellow band, a gold cell beside it (same palette index), a blue cell, two notes."""
    first = cells[:6]
    for key, fill in zip(first, [YELLOW, YELLOW, GOLD, YELLOW, BLUE, None], strict=True):
        if fill:
            excel.fills[key] = fill
    excel.notes[first[0]] = "原批注一"
    excel.notes[(SHEETS[1], "Z99")] = "别处的批注"
    return dict(excel.fills)


DESKTOP = xlwings_book.Capabilities(union_ranges=True, read_formats=True, screen_updating=True)


def test_originals_are_read_per_chunk_and_per_sheet() -> None:
    excel = Excel()
    book = Book(excel, SHEETS)
    cells = _checkerboard(300)
    before = _seed(excel, cells)
    marks = xlwings_book._current_marks(book, cells, DESKTOP)  # type: ignore[arg-type]
    assert {k: m.fill for k, m in marks.items() if m.fill} == before  # yellow and gold told apart
    assert marks[cells[0]].note == "原批注一" and marks[cells[0]].author == "张伟"
    assert marks[cells[0]].size == (108.0, 59.25) and marks[cells[1]].note is None
    assert excel.ops["note"] == 0 and excel.ops["Comments"] == len(SHEETS)  # one pass over each sheet's notes


@pytest.mark.parametrize("n", [10, 10_000])
def test_a_check_costs_colours_times_chunks_plus_sheets(n: int) -> None:
    excel = Excel()
    book = Book(excel, SHEETS)
    cells = _checkerboard(n)
    before = _seed(excel, cells)

    applied = xlwings_book.apply_plan(book, plan_marks(_report(cells)))
    assert applied.marked == len(set(cells)) and applied.notes == len(set(cells))
    assert excel.ops["add_note"] == len(set(cells)) and excel.ops["ClearComments"] == 1  # only the cell that had one
    assert excel.ops["note"] == 0  # no note is read cell by cell
    assert {fill for fill in excel.fills.values()} == {COLORS[Severity.error]}

    bound = _bound(cells, colours=1)
    # fills: one read per chunk; a chunk holding some of the 4 cells with a fill is read again cell by cell
    assert excel.ops["Interior"] <= bound + 2 * 50 * len(before)
    # notes: each sheet's Comments once before marking and once before writing the new notes
    assert excel.ops["Comments"] == 2 * len(SHEETS) and excel.ops["Comment.Text"] == 2 * 2
    assert excel.ops["color="] <= bound  # one write per colour and chunk
    writes = sum(v for k, v in excel.ops.items() if k not in NOTE_OPS and k != "Range" and not k.startswith(
        ("Interior", "Comment", "color=")))
    assert writes <= 30, excel.ops  # the hidden record, 审核结果 (one block), back to the user's sheet
    per_cell = sum(excel.ops.values()) - excel.ops["Range"] - sum(excel.ops[k] for k in NOTE_OPS)
    if n == 10_000:
        assert per_cell < n / 10, excel.ops  # far below one operation per marked cell


def test_mixed_colours_with_one_palette_index_never_crash() -> None:
    """A rectangle of yellow and gold: ColorIndex is 6 for both, Color is Null - read again in parts."""
    excel = Excel()
    sheet = Book(excel, ["表"]).sheets[0]
    cells = [a1(r, 2) for r in range(10, 18)]
    excel.fills.update({("表", c): YELLOW for c in cells[:5]} | {("表", c): GOLD for c in cells[5:7]})
    fills = xlwings_book._read_fills(sheet, f"{cells[0]}:{cells[-1]}")  # type: ignore[arg-type]
    portable = {cell: xlwings_book._portable(interior) for cell, interior in fills.items()}
    assert portable == {c: YELLOW for c in cells[:5]} | {c: GOLD for c in cells[5:7]} | {cells[7]: None}


def test_note_writes_use_what_the_sheet_pass_knows() -> None:
    excel = Excel()
    sheet = Book(excel, ["表"]).sheets[0]
    excel.notes[("表", "C33")] = "旧"
    xlwings_book._set_note(sheet, "C33", "新", had_note=True)  # type: ignore[arg-type]
    xlwings_book._set_note(sheet, "D40", "新", had_note=False)  # type: ignore[arg-type]
    assert excel.notes == {("表", "C33"): "新", ("表", "D40"): "新"}
    assert excel.ops["note"] == 0 and excel.ops["ClearComments"] == 1
