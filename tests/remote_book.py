"""Helpers for tests against xlwings' remote engine: payloads built from sample workbooks, the queued
edits of a remote ``Book``, and a stand-in for Excel re-opening a saved workbook."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import xlwings as xw
from python_calamine import CalamineWorkbook

from juesuan.grid import a1
from juesuan.plan import MARKS_HEADER, MARKS_SHEET, OWN_MARKER, marker_value

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "samples" / "gz_2023_juesuan.xlsx"


def sheet_payload(
    name: str, values: list[list[Any]], *, used: str | None = None, hidden: bool = False
) -> dict[str, Any]:
    """One sheet as the Office.js client sends it: values anchored at A1, "" for empty cells."""
    width = max((len(r) for r in values), default=0)
    rows = [["" if v is None else v for v in row] + [""] * (width - len(row)) for row in values]
    sheet: dict[str, Any] = {
        "name": name, "values": rows or [[]], "pictures": [], "tables": [], "shapes": [], "charts": [],
        "notes": [], "visibility": "Hidden" if hidden else "Visible", "print_area": None,
    }
    if used is not None:
        sheet["used_range_address"] = used
    return sheet


def own_name_entry(sheet: str, index: int) -> dict[str, Any]:
    """The hidden sheet-level name juesuan puts on a sheet of its own, as the client sends names."""
    return {"name": OWN_MARKER, "refers_to": "=" + marker_value(sheet), "sheet_index": None, "address": None,
            "book_scope": False, "scope_sheet_name": sheet, "scope_sheet_index": index}


def book_payload(sheets: list[dict[str, Any]], active: int = 0) -> dict[str, Any]:
    """A workbook as the client sends it; sheets made by :func:`marks_payload` carry juesuan's marker name."""
    names = [own_name_entry(s["name"], i) for i, s in enumerate(sheets) if s.pop("_juesuan_own", False)]
    return {
        "client": "Office.js", "version": xw.__version__,
        "book": {"name": "gz_2023_juesuan.xlsx", "active_sheet_index": active, "selection": "A1"},
        "names": names, "sheets": sheets,
    }


def read_sample(path: Path = SAMPLE) -> list[dict[str, Any]]:
    """The sample's sheets as payload entries: values only, as the remote engine has them (no merged areas)."""
    book = CalamineWorkbook.from_path(str(path))
    sheets = [sheet_payload(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names]
    book.close()
    return sheets


SAMPLE_SHEETS = read_sample()


_OPENED: dict[int, list[str]] = {}  # id(book) -> its sheet names when it was opened


def open_book(payload: dict[str, Any]) -> xw.Book:
    book = xw.Book(json=payload)
    _OPENED[id(book)] = [s["name"] for s in payload["sheets"]]
    return book


def sample_book(active: int = 0, extra: list[dict[str, Any]] | None = None) -> xw.Book:
    return open_book(book_payload(copy.deepcopy(SAMPLE_SHEETS) + (extra or []), active))


def actions(book: xw.Book) -> list[dict[str, Any]]:
    """The queued edits, each with the name of the sheet it addresses at that moment (``"sheet"``)."""
    names = list(_OPENED[id(book)])
    out = []
    for act in book.json()["actions"]:
        if act["func"] == "addSheet":
            names.insert(act["args"][0], act["args"][1])
        position = act["sheet_position"]
        out.append({**act, "sheet": names[position] if position is not None else None})
        if act["func"] == "sheetDelete":
            del names[position]
    return out


def colours_set(book: xw.Book, sheet: str) -> dict[str, str | None]:
    """Cell -> fill of every setRangeColor(s) action on ``sheet`` (None = fill removed)."""
    out: dict[str, str | None] = {}
    for act in actions(book):
        if act["sheet"] != sheet:
            continue
        if act["func"] == "setRangeColor":
            for r in range(act["row_count"]):
                for c in range(act["column_count"]):
                    out[a1(act["start_row"] + r, act["start_column"] + c)] = act["args"][0]
        elif act["func"] == "setRangeColors":
            for r, row in enumerate(act["args"][0]):
                for c, colour in enumerate(row):
                    if colour != "keep":
                        out[a1(act["start_row"] + r, act["start_column"] + c)] = colour
    return {cell: colour.upper() if colour else None for cell, colour in out.items()}


def reopen(book: xw.Book) -> dict[str, Any]:
    """The payload Excel would send after applying ``book``'s actions and saving: a tiny Office.js stand-in for
    the actions that change values or sheets."""
    payload = copy.deepcopy(book.api)
    sheets = {s["name"]: s for s in payload["sheets"]}  # the remote Book keeps added sheets in its payload
    for act in actions(book):
        func, sheet = act["func"], sheets.get(act["sheet"])
        if func == "sheetClear":
            sheet["values"] = [[]]
        elif func == "sheetDelete" and sheet is not None:  # (the remote Book drops a deleted sheet itself)
            sheet["_deleted"] = True
        elif func == "setValues":
            rows = sheet["values"]
            for r, row in enumerate(act["values"]):
                while len(rows) <= act["start_row"] + r:
                    rows.append([])
                line = rows[act["start_row"] + r]
                for c, value in enumerate(row):
                    while len(line) <= act["start_column"] + c:
                        line.append("")
                    text_prefixed = isinstance(value, str) and value.startswith("'")
                    line[act["start_column"] + c] = value[1:] if text_prefixed else value
    payload["sheets"] = [s for s in payload["sheets"] if not s.pop("_deleted", False)]
    positions = {s["name"]: i for i, s in enumerate(payload["sheets"])}  # names move with their sheets
    payload["names"] = [{**n, "scope_sheet_index": positions[n["scope_sheet_name"]]} for n in payload["names"]
                        if n["book_scope"] or n["scope_sheet_name"] in positions]
    for s in payload["sheets"]:
        s.pop("_xlwings_values_loaded", None)
        width = max((len(r) for r in s["values"]), default=0)
        s["values"] = [r + [""] * (width - len(r)) for r in s["values"]] or [[]]
    payload["book"]["active_sheet_index"] = 0
    return payload


def marks_payload(rows: list[list[str]]) -> dict[str, Any]:
    """A hidden record sheet as desktop Excel would have left it (it can read the original fills), marked as
    juesuan's; rows may give only the first columns."""
    sheet = sheet_payload(MARKS_SHEET, [list(MARKS_HEADER), *rows], hidden=True)
    sheet["_juesuan_own"] = True
    return sheet


