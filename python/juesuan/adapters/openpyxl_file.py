"""The file adapter: applies a plan to a *copy* of a workbook file, and clears juesuan's marks from one.

An .xlsx/.xlsm is edited as a package (:mod:`.package`): every part the plan does not touch is copied unchanged,
so charts, shapes, pivot tables, slicers, form controls and extensions all survive, and the copy is written in a
fraction of the time a full load and save takes. Other formats (.xls, .xlsb, .ods) are first rebuilt as an
.xlsx with openpyxl, carrying over what can be read (:mod:`.legacy`); what cannot is said (:func:`lost_content`).

The user's file is never written. Output goes to a temporary file beside the target and is moved into place only
when complete. Before a cell is coloured or given a note, its cell format and note are recorded in a hidden
sheet, which is what makes 清除标注 exact - also on a file marked twice, or marked, saved in Excel and re-opened.
"""

from __future__ import annotations

import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lxml import etree

from ..grid import a1, parse_a1
from ..outputs import atomic_write, same_file
from ..plan import (
    KEPT_SHEETS,
    MARKS_HEADER,
    MARKS_SHEET,
    Action,
    MarkRecord,
    Plan,
    expand,
    mark_row,
    own_name,
)
from ..read import InputError, _check_path
from .legacy import LEGACY_FORMATS, legacy_losses, rebuild_as_xlsx
from .notes import Note, Notes
from .own_sheets import OwnSheets
from .package import WORKBOOK_TYPES, Package, PackageError
from .record import read_records, unusable_notice
from .results_xml import print_titles, results_sheet
from .sheet_xml import Worksheet, shared_strings
from .styles import Styles, interior_of

__all__ = ["Editor", "apply_plan", "apply_to_file", "clear_file", "lost_content", "sheet_details"]


class Editor:
    """One workbook package being edited: its styles, sheets, notes and juesuan's own sheets."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.styles = Styles(package)
        self.own = OwnSheets(package)
        self._sheets: dict[str, Worksheet] = {}
        self._notes: dict[str, Notes] = {}
        self.formulas = False
        #: Rows of the record that could not be used (their cells are not restored); said once, when written.
        self.unusable = 0

    def sheet(self, name: str) -> Worksheet:
        if name not in self._sheets:
            self._sheets[name] = Worksheet(self.package, self.package.sheet(name))
        return self._sheets[name]

    def notes(self, name: str) -> Notes:
        if name not in self._notes:
            self._notes[name] = Notes(self.package, self.sheet(name))
        return self._notes[name]

    def user_sheets(self) -> set[str]:
        own = self.own.own()
        return {ref.name for ref in self.package.sheets() if ref.name not in own}

    # -------------------------------------------------------------- the record of original formats

    def records(self) -> list[MarkRecord]:
        """The hidden record of marked cells, as written by either adapter; rows that cannot be used are left out
        and counted in :attr:`unusable`."""
        ref = next((r for name, r in self.own.own().items() if own_name(name) == MARKS_SHEET), None)
        if ref is None:
            return []
        rows = Worksheet(self.package, ref).texts(shared_strings(self.package))
        records, unusable = read_records(rows[1:])
        self.unusable = max(self.unusable, unusable)  # the same record read again (clear, then apply) counts once
        return records

    def _original(self, sheet: str, cell: str) -> MarkRecord:
        ws = self.sheet(sheet)
        r, c = parse_a1(cell)
        index = ws.style(r, c)
        fill = self.styles.fill_of(index)
        note = self.notes(sheet).get(cell)
        detail: dict[str, Any] = {"xf": index, "xf_xml": etree.tostring(self.styles.xf(index), encoding="unicode"),
                                  "fill_xml": etree.tostring(fill, encoding="unicode")}
        interior = interior_of(fill, self.styles.palette())
        if interior is not None:  # the same fill in live Excel's terms: 清除标注 in Excel restores it too
            detail["interior"] = interior
        if note is not None:
            detail.update({"comment_xml": note.comment_xml, "shape": note.shape})
        return MarkRecord(sheet, cell, _solid_rgb(fill), note.text if note else None, note.author if note else None,
                          note.size if note else None, detail)

    # -------------------------------------------------------------- clearing

    def clear(self) -> int:
        """Give every recorded cell its format and note back, drop juesuan's sheets (but the record of the
        users' 说明, :data:`~juesuan.plan.KEPT_SHEETS`); returns the cells restored."""
        restored = 0
        present = self.user_sheets()
        for mark in self.records():
            if mark.sheet not in present:
                continue
            ws = self.sheet(mark.sheet)
            r, c = parse_a1(mark.cell)
            detail = mark.detail
            index = self.styles.restored(ws.style(r, c), detail.get("xf_xml"), detail.get("fill_xml"), detail.get("xf"),
                                         mark.fill, detail.get("interior"))
            ws.set_style(r, c, index)
            if mark.note is not None or detail.get("comment_xml"):
                note = Note(mark.note or "", mark.author or "", mark.size, detail.get("comment_xml"), detail.get("shape"))
                self.notes(mark.sheet).restore(mark.cell, note)
            else:
                self.notes(mark.sheet).remove(mark.cell)
            restored += 1
        while own := [ref for name, ref in self.own.own().items() if own_name(name) not in KEPT_SHEETS]:
            self.own.remove(own[0])
        return restored

    # -------------------------------------------------------------- applying

    def _anchored(self, sheet: str, cell: str) -> str:
        """A cell inside a merged area is shown by the area's first cell: that is the one to mark."""
        r, c = parse_a1(cell)
        for r1, c1, r2, c2 in self.sheet(sheet).merges:
            if r1 <= r <= r2 and c1 <= c <= c2:
                return a1(r1, c1)
        return cell

    def apply(self, plan: Plan) -> None:
        """Apply every action; the cells to be coloured or noted are recorded first."""
        present = self.user_sheets()
        missing = sorted({a.sheet for a in plan.actions if a.func != "writeResults"} - present)
        if missing:
            raise InputError(f"工作簿中没有工作表：{'、'.join(missing)}")
        colours: dict[tuple[str, str], str] = {}
        for action in plan.by_func("setRangeColor"):
            for rect in action.cells:
                colours.update({(action.sheet, self._anchored(action.sheet, c)): action.args[0] for c in expand(rect)})
        notes: dict[tuple[str, str], list[str]] = {}
        for action in plan.by_func("addNote"):
            notes.setdefault((action.sheet, self._anchored(action.sheet, action.cells[0])), []).append(action.args[0])
        records = self.records()
        known = {(m.sheet, m.cell) for m in records}
        records += [self._original(s, c) for s, c in sorted(set(colours) | set(notes)) if (s, c) not in known]

        for action in plan.by_func("setValues"):
            self._set_values(action)
        for action in plan.by_func("setNumberFormat"):
            ws = self.sheet(action.sheet)
            for rect in action.cells:
                for r, c in map(parse_a1, expand(rect)):
                    ws.set_style(r, c, self.styles.with_number_format(ws.style(r, c), action.args[0]))
        for (sheet, cell), colour in colours.items():
            ws = self.sheet(sheet)
            r, c = parse_a1(cell)
            ws.set_style(r, c, self.styles.with_fill(ws.style(r, c), colour))
        for (sheet, cell), texts in notes.items():
            self.notes(sheet).put(cell, "\n\n".join(texts))
        visible = 0
        for action in plan.by_func("writeResults"):
            self._write_sheet(action, index=None if action.hidden else visible)
            visible += not action.hidden
        if records and (colours or notes):
            rows = [list(MARKS_HEADER)] + [mark_row(m) for m in records]
            self._write_sheet(Action(func="writeResults", sheet=MARKS_SHEET, values=rows, hidden=True), index=None)

    def _set_values(self, action: Action) -> None:
        ws = self.sheet(action.sheet)
        top, left = parse_a1(action.start or "A1")
        for dr, row in enumerate(action.values or []):
            for dc, value in enumerate(row):
                if value is not None:
                    ws.set_value(top + dr, left + dc, value)
                    self.formulas |= isinstance(value, str) and value.startswith("=")

    def _write_sheet(self, action: Action, index: int | None) -> None:
        root = results_sheet(self.package, self.styles, action)
        ref = self.own.replace(action.sheet, root, index=index, hidden=action.hidden)
        if not action.hidden:
            self.own.define("_xlnm.Print_Titles", print_titles(ref.name), ref.index)

    # -------------------------------------------------------------- saving

    def finish(self, suffix: str) -> None:
        """Notes written back; the workbook's content type made to match the output's extension (an .xlsx
        cannot carry macros, so a macro project is left out of one); formulas computed when opened."""
        for notes in self._notes.values():
            notes.finish()
        package = self.package
        package.drop_unused_default("vml")
        main = WORKBOOK_TYPES[suffix]
        if package.content_type(package.workbook_part) != main:
            package.set_override(package.workbook_part, main)
        if suffix == ".xlsx":
            for rel, target in package.targets(package.workbook_part, "vbaProject"):
                package.unrelate(package.workbook_part, rel.get("Id", ""))
                package.remove(target)
        if self.formulas:
            wb = package.workbook(edit=True)
            calc = wb.find(package.q("calcPr"))
            if calc is None:
                calc = etree.Element(package.q("calcPr"))
                following = [e for e in wb if isinstance(e.tag, str) and etree.QName(e).localname in _AFTER_CALC]
                if following:
                    following[0].addprevious(calc)
                else:
                    wb.append(calc)
            calc.set("fullCalcOnLoad", "1")


_AFTER_CALC = {"oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
               "fileRecoveryPr", "webPublishObjects", "extLst"}


def _solid_rgb(fill: etree._Element) -> str | None:
    pattern = next((e for e in fill if isinstance(e.tag, str) and etree.QName(e).localname == "patternFill"), None)
    if pattern is None or pattern.get("patternType") != "solid":
        return None
    colour = next((e for e in pattern if isinstance(e.tag, str) and etree.QName(e).localname == "fgColor"), None)
    rgb = colour.get("rgb") if colour is not None else None
    return "#" + rgb[-6:].upper() if rgb and len(rgb) >= 6 else None


# ------------------------------------------------------------------ entry points


@contextmanager
def _package(src: Path) -> Iterator[Package]:
    """The source as an editable package: an .xlsx/.xlsm itself, other formats rebuilt as .xlsx first."""
    _check_path(src)
    if src.suffix.lower() in LEGACY_FORMATS:
        with rebuild_as_xlsx(src) as rebuilt, Package(rebuilt) as package:
            yield package
        return
    with Package(src) as package:
        yield package


def _output_suffix(src: Path, out: Path) -> str:
    if same_file(src, out):
        raise InputError("不能覆盖原文件：请用 --out 指定另一个文件名")
    suffix = out.suffix.lower()
    if suffix not in WORKBOOK_TYPES:
        raise InputError(f"输出文件须为 .xlsx 或 .xlsm：{out.name}")
    return suffix


def _write(src: Path, out: Path, edit: Callable[[Editor], int]) -> int:
    """Open ``src``, let ``edit`` change it, write the result to ``out`` atomically. Any failure to read or
    write the package becomes one Chinese sentence (exit 2), never a traceback."""
    suffix = _output_suffix(src, out)
    try:
        with _package(src) as package:
            editor = Editor(package)
            result = edit(editor)
            editor.finish(suffix)
            atomic_write(out, package.save)
    except PackageError as exc:
        raise InputError(f"无法写出“{out.name}”：{exc}") from None
    except (etree.Error, zipfile.BadZipFile, zlib.error, KeyError, IndexError, ValueError):
        raise InputError(f"无法写出“{out.name}”：工作簿结构有误，无法处理") from None
    if editor.unusable:
        print(f"注意：{src.name}：{unusable_notice(editor.unusable)}", file=sys.stderr)
    return result


def apply_plan(src: str | Path, plan: Plan, out: str | Path) -> None:
    """Write a copy of ``src`` with the plan applied to ``out``; earlier juesuan marks are cleared first,
    so checking a marked copy again gives the same result."""

    def edit(editor: Editor) -> int:
        editor.clear()
        editor.apply(plan)
        return 0

    _write(Path(src), Path(out), edit)


def apply_to_file(src: str | Path, plan: Plan, out: str | Path) -> None:
    """Write a copy of ``src`` with the plan added to whatever marks it has (filling)."""

    def edit(editor: Editor) -> int:
        editor.apply(plan)
        return 0

    _write(Path(src), Path(out), edit)


def clear_file(src: str | Path, out: str | Path) -> int:
    """A copy of ``src`` without juesuan's marks; returns how many cells were restored."""
    return _write(Path(src), Path(out), lambda editor: editor.clear())


def sheet_details(src: str | Path) -> dict[str, tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]]:
    """Per sheet: formula text and number format (other than General) of each 0-based cell, read from the sheet
    XML. Filling needs both - never overwrite a user's formula, show a filled fraction as a percentage only where
    the cell is not formatted as one already."""
    src = Path(src)
    if src.suffix.lower() in LEGACY_FORMATS:
        from .legacy import legacy_details

        return legacy_details(src)
    try:
        with Package(src) as package:
            styles = Styles(package)
            return {ref.name: Worksheet(package, ref).details(styles) for ref in package.sheets()
                    if package.exists(ref.part)}
    except (PackageError, etree.Error, ValueError) as exc:
        raise InputError(f"无法读取工作簿的公式与格式：{exc}") from None


#: What may be left behind when a copy is written: (label, part-name prefix).
_FRAGILE = [
    ("图表", "xl/charts/chart"),
    ("图片", "xl/media/"),
    ("绘图（形状、文本框）", "xl/drawings/drawing"),
    ("数据透视表", "xl/pivotTables/"),
    ("切片器", "xl/slicers/"),
    ("宏（VBA 工程）", "xl/vbaProject"),
]


def lost_content(src: str | Path, out: str | Path) -> list[str]:
    """What the source workbook had that the written copy lacks, as sentences for the user (the original keeps
    it): formatting a rebuilt .xls/.xlsb/.ods could not carry, or parts missing from an .xlsx/.xlsm copy (a
    macro project, when an .xlsm is written as .xlsx)."""
    src, out = Path(src), Path(out)
    if src.suffix.lower() in LEGACY_FORMATS:
        return legacy_losses(src)
    try:
        with zipfile.ZipFile(src) as before, zipfile.ZipFile(out) as after:
            old, new = before.namelist(), after.namelist()
    except (OSError, zipfile.BadZipFile):
        return []
    lost = [label for label, prefix in _FRAGILE
            if sum(n.startswith(prefix) for n in new) < sum(n.startswith(prefix) for n in old)]
    return [f"原文件中的{label}未能保留在输出文件中（原文件不受影响）" + _why(label, out) for label in lost]


def _why(label: str, out: Path) -> str:
    return "：.xlsx 文件不能含宏，如需保留请用 .xlsm 作输出文件名" if label.startswith("宏") and out.suffix.lower() == ".xlsx" else ""

