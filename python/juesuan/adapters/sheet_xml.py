"""One worksheet part edited in place: find or create a cell, give it a format, a value or a formula; read the
formulas and number formats of a sheet (filling needs both and takes them from here, not from a second reader).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import cached_property
from typing import Any

from lxml import etree

from ..grid import a1, parse_a1
from ..numbers import count
from ..plan import clip_text
from .package import Package, SheetRef
from .styles import Styles

__all__ = ["WORKSHEET_ORDER", "Worksheet", "cell_text", "insert_child", "shared_strings", "xml_text"]

#: Children of <worksheet>, in the order the schema demands (a new child goes in its place).
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
    "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
]
#: Characters XML 1.0 cannot hold; a value carrying them would make the whole part unreadable.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LETTERS = re.compile(r"^\$?([A-Za-z]{1,3})")


def xml_text(value: str) -> str:
    return _INVALID_XML.sub("", value)


def insert_child(root: etree._Element, child: etree._Element, order: list[str]) -> etree._Element:
    """Put ``child`` where the schema wants it among ``root``'s children; returns it."""
    name = etree.QName(child).localname
    later = set(order[order.index(name) + 1:])
    for existing in root:
        if isinstance(existing.tag, str) and etree.QName(existing).localname in later:
            existing.addprevious(child)
            return child
    root.append(child)
    return child


def shared_strings(package: Package) -> list[str]:
    """The workbook's shared strings (their visible text; phonetic runs left out)."""
    found = package.targets(package.workbook_part, "sharedStrings")
    if not found or not package.exists(found[0][1]):
        return []
    root = package.tree(found[0][1], edit=False)
    q = package.q
    return ["".join(t.text or "" for t in si.iter(q("t")) if etree.QName(t.getparent()).localname != "rPh")
            for si in root.iter(q("si"))]


def cell_text(cell: etree._Element, strings: list[str], q: Any) -> str | None:
    """A cell's value as text (what juesuan's own record sheets hold), ``None`` when empty."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        node = cell.find(q("is"))
        return None if node is None else "".join(t.text or "" for t in node.iter(q("t")))
    value = cell.findtext(q("v"))
    if value is None:
        return None
    if kind == "s":
        index = count(value)
        return strings[index] if index is not None and index < len(strings) else None
    if kind == "n" and value.endswith(".0"):
        return value[:-2]
    return value


class Worksheet:
    """A worksheet part, parsed once; rows and cells are indexed on first use."""

    def __init__(self, package: Package, ref: SheetRef) -> None:
        self.package = package
        self.ref = ref
        self.root = package.tree(ref.part, edit=False)
        self.q = package.q
        data = self.root.find(self.q("sheetData"))
        if data is None:
            data = insert_child(self.root, etree.Element(self.q("sheetData")), WORKSHEET_ORDER)
        self.data = data
        self._rows: dict[int, etree._Element] | None = None
        self._cells: dict[int, dict[int, etree._Element]] = {}

    def edit(self) -> None:
        """From now on the part is written back on save."""
        self.package.tree(self.ref.part)

    # -------------------------------------------------------------- index

    def rows(self) -> dict[int, etree._Element]:
        """1-based row number -> <row>; rows without ``r`` get the number they implicitly have."""
        if self._rows is None:
            self._rows = {}
            last = 0
            for row in self.data.iter(self.q("row")):
                number = int(row.get("r") or last + 1)
                self._rows[number] = row
                last = number
        return self._rows

    def _row_cells(self, number: int) -> dict[int, etree._Element]:
        cells = self._cells.get(number)
        if cells is None:
            cells = self._cells[number] = {}
            row = self.rows().get(number)
            last = -1
            for c in row.iter(self.q("c")) if row is not None else ():
                ref = c.get("r")
                match = _LETTERS.match(ref or "")
                col = parse_a1(f"{match.group(1)}1")[1] if match else last + 1
                cells[col] = c
                last = col
        return cells

    def cell(self, row: int, col: int, *, create: bool = False) -> etree._Element | None:
        """The <c> element of a 0-based cell, created in its place when asked."""
        cells = self._row_cells(row + 1)
        found = cells.get(col)
        if found is not None or not create:
            return found
        self.edit()
        row_element = self._row(row + 1)
        row_element.attrib.pop("spans", None)  # a hint only, and no longer true
        element = etree.Element(self.q("c"), r=a1(row, col))
        after = min((k for k in cells if k > col), default=None)
        if after is not None:
            cells[after].addprevious(element)
        else:
            row_element.append(element)
        for k, c in cells.items():  # cells without r would be renumbered by the new neighbour
            if c.get("r") is None:
                c.set("r", a1(row, k))
        cells[col] = element
        return element

    def _row(self, number: int) -> etree._Element:
        rows = self.rows()
        if number in rows:
            return rows[number]
        element = etree.Element(self.q("row"), r=str(number))
        later = [n for n in rows if n > number]
        if later:
            rows[min(later)].addprevious(element)
        else:
            self.data.append(element)
        for n, row in rows.items():
            if row.get("r") is None:
                row.set("r", str(n))
        rows[number] = element
        return element

    # -------------------------------------------------------------- reading

    def style(self, row: int, col: int) -> int:
        """The cell format index of a 0-based cell (0 when the cell has none; the row's or column's format does
        not matter here: a marked cell gets a <c> of its own)."""
        cell = self.cell(row, col)
        if cell is not None and (s := count(cell.get("s"))) is not None:
            return s
        row_element = self.rows().get(row + 1)
        if row_element is not None and row_element.get("customFormat") in ("1", "true"):
            if (s := count(row_element.get("s"))) is not None:
                return s
        return self._column_style(col)

    def _column_style(self, col: int) -> int:
        cols = self.root.find(self.q("cols"))
        for spec in cols.iter(self.q("col")) if cols is not None else ():
            low, high, style = count(spec.get("min")), count(spec.get("max")), count(spec.get("style"))
            if low is not None and high is not None and style is not None and low <= col + 1 <= high:
                return style
        return 0

    def texts(self, strings: list[str]) -> list[list[str | None]]:
        """Every row's cells as text, from A (juesuan's record sheet, read back)."""
        out = []
        for number in sorted(self.rows()):
            cells = self._row_cells(number)
            line: list[str | None] = [None] * (max(cells, default=-1) + 1)
            for col, c in cells.items():
                line[col] = cell_text(c, strings, self.q)
            out.append(line)
        return out

    @cached_property
    def merges(self) -> list[tuple[int, int, int, int]]:
        """Merged areas, 0-based (r1, c1, r2, c2); read once (juesuan never merges or unmerges)."""
        found = self.root.find(self.q("mergeCells"))
        out = []
        for merge in found.iter(self.q("mergeCell")) if found is not None else ():
            first, _, last = (merge.get("ref") or "").partition(":")
            try:
                (r1, c1), (r2, c2) = parse_a1(first), parse_a1(last or first)
            except ValueError:
                continue
            out.append((r1, c1, r2, c2))
        return out

    def details(self, styles: Styles) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
        """Formula text and number format (other than General) of each 0-based cell."""
        formulas: dict[tuple[int, int], str] = {}
        formats: dict[tuple[int, int], str] = {}
        codes: dict[int, str] = {}
        for number in self.rows():
            for col, c in self._row_cells(number).items():
                pos = (number - 1, col)
                f = c.find(self.q("f"))
                if f is not None:
                    formulas[pos] = "=" + (f.text or "")
                s = count(c.get("s"))
                if s:
                    code = codes.get(s)
                    if code is None:
                        code = codes[s] = styles.number_format(s)
                    if code:
                        formats[pos] = code
        return formulas, formats

    # -------------------------------------------------------------- writing

    def set_style(self, row: int, col: int, index: int) -> None:
        cell = self.cell(row, col, create=True)
        assert cell is not None
        self.edit()
        cell.set("s", str(index))

    def set_value(self, row: int, col: int, value: Any) -> None:
        """A number, text, bool or ``=…`` formula (a planned ``setValues``: 填充 writes formulas on purpose) into
        a 0-based cell; its format is kept."""
        cell = self.cell(row, col, create=True)
        assert cell is not None
        self.edit()
        write_value(cell, value, self.q)


def write_value(cell: etree._Element, value: Any, q: Any, *, formulas: bool = True) -> None:
    """Replace the content of a <c> element (its ``s`` stays): with ``formulas``, an ``=…`` string as a formula
    without a cached value (Excel computes it on load); every other string as text - without ``formulas``
    (juesuan's own sheets: messages, 说明, file and sheet names) an ``=…`` string too, never a formula - clipped
    to what a cell holds (:func:`~juesuan.plan.clip_text`); numbers that are not finite as text."""
    for child in list(cell):
        if etree.QName(child).localname in ("f", "v", "is"):
            cell.remove(child)
    cell.attrib.pop("t", None)
    if value is None:
        return
    if isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, q("v")).text = "1" if value else "0"
    elif isinstance(value, (int, float, Decimal)) and _finite(value):
        etree.SubElement(cell, q("v")).text = _number(value)
    elif formulas and isinstance(value, str) and value.startswith("=") and len(value) > 1:
        etree.SubElement(cell, q("f")).text = xml_text(value[1:])
    else:
        cell.set("t", "inlineStr")
        text = etree.SubElement(etree.SubElement(cell, q("is")), q("t"))
        text.text = clip_text(xml_text(str(value)))
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _finite(value: int | float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else isinstance(value, int) or math.isfinite(value)


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else format(value, "f")
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
