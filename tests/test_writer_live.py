"""The live adapter's sheets and records (issue #9 §7): a user's own 审核结果 survives, any result sheet is
written with its links, and desktop Excel's fills and notes come back whole.

The remote engine stands in for Excel where it can (sheets, names, values); desktop-only COM properties - the
interior's pattern and theme colours, a note's author and size - are played by a small fake of those objects.
"""

from __future__ import annotations

import copy
from typing import Any

from xlwings.utils import hex_to_rgb, rgb_to_int

from juesuan.adapters import xlwings_book
from juesuan.findings import Finding, Report, Severity
from juesuan.plan import MARKS_SHEET, RESULTS_SHEET, Action, Plan, plan_marks
from remote_book import SAMPLE_SHEETS, actions, book_payload, colours_set, open_book, reopen, sample_book, sheet_payload

DESKTOP = xlwings_book.Capabilities(union_ranges=True, read_formats=True, screen_updating=True)


def report(cells: list[tuple[str, str]]) -> Report:
    return Report(file="x", findings=[Finding(rule="T", severity=Severity.warning, sheet=s, cell=c, message="不平")
                                      for s, c in cells]).finish()


def test_a_users_own_results_sheet_is_never_cleared_or_deleted(remote: None) -> None:
    mine = sheet_payload(RESULTS_SHEET, [["我的审核意见"]])
    book = open_book(book_payload(copy.deepcopy(SAMPLE_SHEETS) + [mine]))
    xlwings_book.apply_plan(book, plan_marks(report([("收支总表", "C33")])))
    names = [s.name for s in book.sheets]
    assert names[0] == f"{RESULTS_SHEET}（2）" and RESULTS_SHEET in names
    assert not [a for a in actions(book) if a["sheet"] == RESULTS_SHEET]  # not one edit to the user's sheet
    reopened = open_book(reopen(book))
    assert set(xlwings_book.own_sheets(reopened)) == {f"{RESULTS_SHEET}（2）", MARKS_SHEET}
    assert xlwings_book.clear_marks(reopened) == 1
    deleted = [a["sheet"] for a in actions(reopened) if a["func"] == "sheetDelete"]
    assert sorted(deleted) == sorted([f"{RESULTS_SHEET}（2）", MARKS_SHEET])


def test_any_result_sheet_gets_its_links_in_the_chosen_column(remote: None) -> None:
    book = sample_book()
    rows = [["段落", "引用", "说明文字", "位置"], [1, "收入 51,368.15 万元", "与公开01一致", "C7"]]
    plan = Plan(actions=[
        Action(func="writeResults", sheet="说明核对", values=rows, links=["收支总表!C7"], link_column=3),
        Action(func="writeResults", sheet="juesuan_说明", values=[["键", "值"], ["a", "b"]], hidden=True),
    ])
    xlwings_book.apply_plan(book, plan, scope=set())
    names = [s.name for s in book.sheets]
    assert names[0] == "说明核对" and names[-1] == "juesuan_说明"
    written = next(a for a in actions(book) if a["func"] == "setValues" and a["sheet"] == "说明核对")["values"]
    assert written[1] == [1, "'收入 51,368.15 万元", "'与公开01一致", '=HYPERLINK("#\'收支总表\'!C7","C7")']
    hidden = [a for a in actions(book) if a["sheet"] == "juesuan_说明"]
    assert ("setSheetVisibility", ["Hidden"]) in [(a["func"], a["args"]) for a in hidden]
    assert not [a for a in hidden if a["func"] in ("setFontProperty", "setColumnWidth")]  # a record: no look
    assert colours_set(book, "说明核对") == {}  # no 严重程度 column, nothing coloured


# --- desktop Excel: interiors and notes, with a fake of the COM objects ----------------------------------


class FakeStops:
    def __init__(self, stops: list[dict[str, Any]]) -> None:
        self.stops = stops

    @property
    def Count(self) -> int:  # noqa: N802 (COM names)
        return len(self.stops)

    def Item(self, i: int) -> "Props":  # noqa: N802
        return Props(self.stops[i - 1])

    def Clear(self) -> None:  # noqa: N802
        self.stops.clear()

    def Add(self, position: float) -> "Props":  # noqa: N802
        self.stops.append({"Position": position})
        return Props(self.stops[-1])


class Props:
    """A COM object backed by a dict."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__["values"] = values

    def __getattr__(self, name: str) -> Any:
        return self.values.get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.values[name] = value


class FakeInterior:
    """The Interior of a range: a property reads Null (None) where the cells differ, as in COM."""

    def __init__(self, cells: list[dict[str, Any]], log: list[str]) -> None:
        self.__dict__.update(cells=cells, log=log)

    def __getattr__(self, name: str) -> Any:
        self.log.append(name)
        if name == "Gradient":
            cell = self.cells[0]
            gradient = cell.setdefault("Gradient", {"Stops": []})
            return _FakeGradient(gradient)
        if name == "ColorIndex":  # -4142 = no fill; Null where the cells' colours differ
            indexes = {-4142 if c.get("Pattern", -4142) == -4142 else c.get("Color") for c in self.cells}
            return next(iter(indexes)) if len(indexes) == 1 else None
        values = {repr(c.get(name)) for c in self.cells}
        return self.cells[0].get(name) if len(values) == 1 else None

    def __setattr__(self, name: str, value: Any) -> None:
        for c in self.cells:
            c[name] = value


class _FakeGradient(Props):
    @property
    def ColorStops(self) -> FakeStops:  # noqa: N802
        return FakeStops(self.values["Stops"])


class FakeSheet:
    def __init__(self, cells: dict[str, dict[str, Any]]) -> None:
        self.cells = cells
        self.log: list[str] = []
        self.api = Props({"Comments": Props({"Count": 0})})

    def range(self, address: str) -> Any:
        from juesuan.plan import expand

        cells = [self.cells.setdefault(c, {"Pattern": -4142}) for rect in address.split(",") for c in expand(rect)]
        return Props({"api": Props({"Interior": FakeInterior(cells, self.log)})})


class FakeBook:
    def __init__(self, sheets: dict[str, FakeSheet]) -> None:
        self.sheets = sheets


def test_desktop_interiors_are_recorded_and_restored_exactly() -> None:
    theme = {"Pattern": 1, "Color": 0x9BC2E6, "ThemeColor": 5, "TintAndShade": 0.4, "PatternColor": 0,
             "PatternThemeColor": None, "PatternTintAndShade": 0}
    grid = {"Pattern": 17, "Color": 0x00FFFF, "ThemeColor": None, "TintAndShade": 0, "PatternColor": 0x50B000,
            "PatternThemeColor": None, "PatternTintAndShade": 0}
    gradient = {"Pattern": 4000, "Color": 0xFFFFFF, "ThemeColor": None, "TintAndShade": 0, "PatternColor": 0,
                "PatternThemeColor": None, "PatternTintAndShade": 0,
                "Gradient": {"Degree": 90, "Stops": [{"Position": 0, "Color": 0xFFFFFF, "ThemeColor": None, "TintAndShade": 0},
                                                     {"Position": 1, "Color": 0xC47244, "ThemeColor": None, "TintAndShade": 0}]}}
    solid = {"Pattern": 1, "Color": 0x00FFFF, "ThemeColor": None, "TintAndShade": 0, "PatternColor": 0,
             "PatternThemeColor": None, "PatternTintAndShade": 0}
    original = {"C5": theme, "C6": grid, "C7": gradient, "C8": {"Pattern": -4142}, "D9": solid, "E9": solid}
    sheet = FakeSheet(copy.deepcopy(original))
    book = FakeBook({"表": sheet})
    keys = [("表", c) for c in original]
    marks = xlwings_book._current_marks(book, keys, DESKTOP)  # type: ignore[arg-type]
    assert marks[("表", "C8")] == xlwings_book.Mark(None, None)
    assert marks[("表", "D9")] == xlwings_book.Mark("#FFFF00", None)  # plain RGB: the portable colour says it all
    assert marks[("表", "C5")].fill == "#E6C29B" and marks[("表", "C6")].fill is None
    assert marks[("表", "C7")].detail["interior"]["Gradient"]["Stops"][1]["Color"] == 0xC47244
    assert sheet.log.count("ColorIndex") <= 10  # per union chunk, then per rectangle, per cell only where mixed

    for cell in original:  # marked yellow, as juesuan does
        sheet.cells[cell] = {"Pattern": 1, "Color": 0x9CEBFF, "TintAndShade": 0}
    for (_, cell), mark in marks.items():  # the plain colours first (as _colour does) …
        sheet.cells[cell] = {"Pattern": -4142} if mark.fill is None else {"Pattern": 1, "Color": rgb_to_int(hex_to_rgb(mark.fill))}
    xlwings_book._restore_interiors(book, marks)  # type: ignore[arg-type]  # … then what they cannot say
    for cell in ("C5", "C6"):
        restored = {k: v for k, v in sheet.cells[cell].items() if v is not None}
        assert restored == {k: v for k, v in original[cell].items() if v is not None}, cell
    back = sheet.cells["C7"]  # a gradient is its pattern, angle and colour stops
    assert back["Pattern"] == 4000 and back["Gradient"]["Degree"] == 90
    assert back["Gradient"]["Stops"] == [{k: v for k, v in stop.items() if v is not None}
                                         for stop in gradient["Gradient"]["Stops"]]


class NoteApp:
    def __init__(self) -> None:
        self.api = Props({"UserName": "当前用户"})
        self.seen: list[str] = []


class NoteRange:
    def __init__(self, app: NoteApp) -> None:
        self.app = app
        self.note: Any = None

    def add_note(self, text: str) -> None:
        self.app.seen.append(self.app.api.UserName)
        self.note = Props({"text": text, "api": Props({"Shape": Props({})}), "delete": lambda: None})


def test_a_note_comes_back_with_its_author_and_size() -> None:
    app = NoteApp()
    target = NoteRange(app)
    book = Props({"app": app})
    sheet = Props({"range": lambda cell: target})
    xlwings_book._restore_note(book, sheet, "C33", xlwings_book.Mark(None, "原批注", "张会计", (225.0, 90.0)))  # type: ignore[arg-type]
    assert target.note.text == "原批注" and app.seen == ["张会计"]  # added as its author
    assert app.api.UserName == "当前用户"  # the user's name given back
    assert (target.note.api.Shape.Width, target.note.api.Shape.Height) == (225.0, 90.0)
