"""Reading .xlsx/.xlsm (transitional or strict SpreadsheetML) into grids, streaming each sheet's XML once and
keeping only the cells that hold something.

Neither library reader fits hostile or generated files: python-calamine builds a dense rectangle from A1 to the
last cell (one cell at XFD1048576 asks for 17 billion and aborts the process), refuses newer error values
(``#SPILL!``), reads error values as blanks (python-calamine#105) and cannot tell a formula without a cached
value from an empty cell; openpyxl pads read-only rows to the declared dimension and, in full mode, creates a
cell for every cell of a merged area. Here rows are ragged lists that end at their last value, merged areas
stay four numbers, and what could not be read is said: formulas without a cached value
(:attr:`Grid.uncached`), sheets whose part is missing or broken (:attr:`Grid.unreadable`, the other sheets are
still read). Memory is bounded by the cells present (:data:`MAX_CELLS`, :data:`MAX_UNITS`), never by the
references or the declared dimension.

XML is parsed by lxml without resolving entities, loading a DTD or reaching the network, and a part that
declares a DTD is refused outright: Excel never writes one, an XXE attempt does.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from lxml import etree

from ..grid import MAX_COL, MAX_ROW, CellError, Grid, normalise_value
from ..numbers import count
from .guard import InputError, open_package

__all__ = ["MAX_CELLS", "MAX_UNITS", "read_ooxml"]

#: Cell elements in one workbook (a 决算 workbook has tens of thousands): bounds the time of a read.
MAX_CELLS = 4_000_000
#: Memory units (8 bytes: a list slot; a new row list counts 8) one workbook's grids may take: bounds the
#: memory of cells scattered far apart (a single cell at XFD1048576 takes about 8.4 million).
MAX_UNITS = 32 * 2**20
MAX_MERGES = 100_000
_PRUNE = 4096  # cells of one row kept in the tree at most before the ones already read are dropped

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SCATTERED = "单元格分布的范围过大（相距极远的单元格）"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: What reading a damaged part raises: CRC and size mismatches, broken deflate streams, unknown compression
#: methods or flags.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)
_PARSE = {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False}
#: Built-in number formats that show dates or times (ECMA-376 §18.8.30, with the East Asian ones).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)])
#: What a format code shows literally (quoted text, escaped and padding characters, colours, locales), removed
#: before looking for date letters; elapsed-time brackets ([h], [mm]) are kept.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|[_*].|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)


class _Unreadable(Exception):
    """One sheet cannot be read; the message is the Chinese reason, shown where the sheet is listed as skipped."""


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _refuse_dtd(tree: etree._ElementTree, path: Path) -> None:
    if tree.docinfo.internalDTD is not None or tree.docinfo.system_url or tree.docinfo.public_id:
        raise InputError(f"工作簿中含有文档类型声明（DOCTYPE），Excel 不会写出这样的文件，为安全起见不予读取：{path.name}")


class _Package:
    """The parts of one package by name (names compared without case, as Excel does)."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.names = {n.lower(): n for n in archive.namelist()}

    def open(self, name: str) -> IO[bytes]:
        return self.archive.open(self.names[name.lower()])

    def has(self, name: str) -> bool:
        return name.lower() in self.names

    def tree(self, name: str) -> etree._Element:
        """A small part (workbook, relationships, styles) parsed whole."""
        with self.open(name) as fh:
            tree = etree.parse(fh, etree.XMLParser(**_PARSE))
        _refuse_dtd(tree, self.path)
        return tree.getroot()

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type's last segment, target part name) of a part; none if it has no rels part."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if not self.has(rels):
            return {}
        out = {}
        for rel in self.tree(rels):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], full)
        return out


def _workbook_part(package: _Package) -> str:
    for kind, target in package.relationships("").values():
        if kind == "officeDocument":
            return target
    return "xl/workbook.xml"


def _rich_text(element: etree._Element) -> str:
    """The text of a string item (``<si>``/``<is>``): plain ``<t>`` or the runs' ``<t>``, phonetic runs left out."""
    parts = []
    for child in element:
        local = _local(child.tag)
        if local == "t":
            parts.append(child.text or "")
        elif local == "r":
            parts += [t.text or "" for t in child if _local(t.tag) == "t"]
    return _unescape("".join(parts))


def _unescape(text: str) -> str:
    """OOXML strings write characters XML cannot hold as ``_xHHHH_`` (a line break in a cell: ``_x000D_``).
    Only characters a workbook can hold come back (XML 1.0 characters); any other escape stays as written,
    so no NUL or lone surrogate reaches a report or a marked copy."""
    return _ESCAPE.sub(_escaped, text) if "_x" in text else text


def _escaped(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
    return chr(code) if allowed else match.group(0)


def _shared_strings(package: _Package, part: str | None) -> list[object]:
    """The shared string table, each entry normalised once (error texts, blanks) as cells of its own."""
    if part is None or not package.has(part):
        return []
    strings = []
    try:
        with package.open(part) as fh:
            context = etree.iterparse(fh, events=("end",), tag="{*}si", **_PARSE)
            for _, si in context:
                if not strings:
                    _refuse_dtd(si.getroottree(), package.path)
                strings.append(normalise_value(_rich_text(si)))
                si.clear(keep_tail=True)
    except (etree.XMLSyntaxError, *_ZIP_ERRORS):
        raise InputError(f"工作簿的共享字符串表损坏，无法读取：{package.path.name}") from None
    return strings


def _is_date_code(code: str) -> bool:
    """A custom number format that shows a date or time (its first section has d, m, y, h or s outside
    literals), as Excel and python-calamine decide."""
    return re.search(r"[dmyhs]", _FORMAT_LITERALS.sub("", code.split(";")[0]), re.IGNORECASE) is not None


def _date_styles(package: _Package, part: str | None) -> frozenset[str]:
    """Indexes of the cell formats that show numbers as dates. Broken or missing styles give none: the values
    are then read as plain numbers, which is better than not checking the workbook at all."""
    if part is None or not package.has(part):
        return frozenset()
    try:
        root = package.tree(part)
    except (etree.XMLSyntaxError, *_ZIP_ERRORS):
        return frozenset()
    custom = {}
    xfs: list[str] = []
    for child in root:
        local = _local(child.tag)
        if local == "numFmts":
            custom = {f.get("numFmtId", ""): f.get("formatCode", "") for f in child if _local(f.tag) == "numFmt"}
        elif local == "cellXfs":
            xfs = [xf.get("numFmtId", "0") for xf in child if _local(xf.tag) == "xf"]
    dates = set()
    for i, fmt in enumerate(xfs):
        code = custom.get(fmt)
        if (code is not None and _is_date_code(code)) or (code is None and count(fmt) in _DATE_FORMAT_IDS):
            dates.add(str(i))
    return frozenset(dates)


def _number(text: str) -> float | str | None:
    """A number cell's value. Infinities and NaN (``1e309``) are kept as the text the file holds, which no
    reader takes for an amount: they are reported as not a number, never added."""
    try:
        number = float(text)
    except ValueError:
        if not text.strip():
            return None
        raise _Unreadable("数值单元格的值不是数字") from None
    return number if number - number == 0 else text.strip()


def _drop_before(el: etree._Element) -> None:
    """Remove the elements before ``el`` from its parent: what has been read is not kept."""
    while el.getprevious() is not None:
        del el.getparent()[0]


def _excel_date(serial: float, date1904: bool) -> datetime | float:
    """The date a serial number shows (the 1900 system counts a 29 February 1900 that never was)."""
    if date1904:
        base = datetime(1904, 1, 1)
    else:
        base = datetime(1899, 12, 31) if serial < 60 else datetime(1899, 12, 30)
    try:
        return base + timedelta(days=serial)
    except (OverflowError, ValueError):
        return serial


class _Columns(dict[str, int]):
    """Column numbers of reference letters (``AB`` -> 28), computed once per letters: they repeat on every row."""

    def __missing__(self, letters: str) -> int:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        self[letters] = col
        return col


def _position(ref: str, columns: _Columns) -> tuple[int, int]:
    """1-based (row, column) of a cell reference; raises _Unreadable for anything Excel could not address."""
    digits = ref.lstrip(_LETTERS)
    letters = ref[: len(ref) - len(digits)]
    if not (0 < len(letters) <= 3 and 0 < len(digits) <= 7 and digits.isascii() and digits.isdigit()):
        raise _Unreadable(f"单元格地址“{ref[:20]}”无效")
    row, col = int(digits), columns[letters]
    if not (1 <= row <= MAX_ROW and col <= MAX_COL):
        raise _Unreadable(f"单元格地址“{ref[:20]}”超出 Excel 工作表的范围")
    return row, col


class _LocalNames(dict[object, str]):
    """Local names of the tags met in one part (``{ns}c`` -> ``c``), computed once each: the same few tags
    repeat for every cell, in either namespace (transitional or strict) or none."""

    def __missing__(self, tag: object) -> str:
        name = self[tag] = _local(tag)
        return name


class _SheetReader:
    """Worksheet parts, streamed: values into ragged rows, merged areas, formulas without cached values.

    One budget of cell elements and memory units is shared by all the sheets of a workbook; a sheet that
    cannot be read gives its units back, so the others are still read."""

    def __init__(self, package: _Package, strings: list[object], dates: frozenset[str], date1904: bool) -> None:
        self.package = package
        self.strings = strings
        self.dates = dates
        self.date1904 = date1904
        self.cells = MAX_CELLS
        self.units = MAX_UNITS

    def read(self, name: str, part: str) -> Grid:
        """One sheet; a sheet that cannot be read comes back empty with the reason."""
        if not self.package.has(part):
            return Grid(name, [], unreadable="无法读取：工作簿中缺少这张工作表的数据（文件损坏）")
        self.rows: list[list[object]] = []
        self.uncached: list[tuple[int, int]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        units = self.units
        try:
            with self.package.open(part) as fh:
                self._stream(fh)
            return Grid(name, self.rows, self.merged, uncached=self.uncached)
        except _Unreadable as exc:
            reason = str(exc)
        except etree.XMLSyntaxError:
            reason = "工作表的 XML 格式错误"
        except _ZIP_ERRORS:
            reason = "工作表的压缩数据损坏"
        self.units = units
        return Grid(name, [], unreadable=f"无法读取：{reason}（文件损坏）")

    def _stream(self, fh: IO[bytes]) -> None:
        """One pass over the part with one event per cell. This is the reader's hot loop, so the common cell
        (a reference and a number or shared string) is handled inline and anything else by :meth:`_value`.
        Finished rows are dropped from the tree, and within a row the cells already read every ``_PRUNE``
        cells: no row, however many cells it claims, is held whole."""
        events = etree.iterparse(fh, events=("end",), tag=("{*}c", "{*}row", "{*}mergeCell"), **_PARSE)
        local, columns = _LocalNames(), _Columns()
        strings, dates, n_strings = self.strings, self.dates, len(self.strings)
        row_no = col_no = 0  # where the last cell was: cells and rows may omit their reference
        in_row = line_no = 0
        line: list[object] = []
        first = True
        for _, el in events:
            if first:
                _refuse_dtd(el.getroottree(), self.package.path)
                first = False
            name = local[el.tag]
            if name == "row":
                ref = el.get("r")
                if (number := count(ref)) is not None:
                    row_no = number
                elif not len(el):
                    row_no += 1
                col_no = in_row = 0
                el.clear(keep_tail=True)
                _drop_before(el)
                continue
            if name != "c":
                self._merge(el.get("ref", ""), columns)
                el.clear(keep_tail=True)
                continue
            self.cells -= 1
            if self.cells < 0:
                raise InputError(f"工作簿的单元格超过 {MAX_CELLS // 10000} 万个，超出审核范围：{self.package.path.name}")
            ref = el.get("r")
            row_no, col_no = _position(ref, columns) if ref is not None else _next(el, row_no, col_no)
            kind = el.get("t")
            text = inline = None
            formula = False
            for child in el:
                part = local[child.tag]
                if part == "v":
                    text = child.text or ""
                elif part == "f":
                    formula = True
                elif part == "is":
                    inline = _rich_text(child)
            if formula and text is None and kind != "inlineStr":
                self.uncached.append((row_no - 1, col_no - 1))
            in_row += 1
            if in_row % _PRUNE == 0:
                _drop_before(el)
            if text is None and inline is None:
                continue
            if text is not None and (kind is None or kind == "n") and el.get("s") not in dates:
                value = _number(text)
            elif kind == "s" and (index := count(text)) is not None and index < n_strings:
                value = strings[index]
            else:
                value = self._value(kind or "n", text, inline, el.get("s"))
            if value is None:
                continue
            if row_no != line_no:
                line, line_no = self._line(row_no - 1), row_no
            gap = col_no - len(line)
            if gap <= 0:
                line[col_no - 1] = value
                continue
            self.units -= gap
            if self.units < 0:
                raise _Unreadable(_SCATTERED)
            if gap > 1:
                line.extend([None] * (gap - 1))
            line.append(value)

    def _line(self, row: int) -> list[object]:
        """The list of a 0-based row, adding the rows up to it (each new row list costs 8 units)."""
        rows = self.rows
        missing = row + 1 - len(rows)
        if missing > 0:
            self.units -= 8 * missing
            if self.units < 0:
                raise _Unreadable(_SCATTERED)
            rows.extend([] for _ in range(missing))
        return rows[row]

    def _value(self, kind: str, text: str | None, inline: str | None, style: str | None) -> object:
        """A cell's value by its type, for all but the common cases handled in :meth:`_stream`."""
        if kind == "inlineStr":
            return normalise_value(inline if inline is not None else text)
        if text is None:
            return None
        if kind == "n":
            number = _number(text)
            return _excel_date(number, self.date1904) if type(number) is float and style in self.dates else number
        if kind == "s":
            raise _Unreadable("单元格引用的共享字符串不存在")
        if kind in ("str", "d"):
            return normalise_value(_unescape(text))
        if kind == "e":
            return CellError(text.strip()) if text.strip() else None
        if kind == "b" and text.strip() in ("0", "1", "true", "false"):
            return text.strip() in ("1", "true")
        raise _Unreadable(f"单元格类型“{kind[:10]}”或其值无效")

    def _merge(self, ref: str, columns: _Columns) -> None:
        first, _, last = ref.partition(":")
        if not last:
            return
        try:
            (r1, c1), (r2, c2) = _position(first, columns), _position(last, columns)
        except _Unreadable:
            return  # a broken merge hides no value: the cells are read as they are
        if len(self.merged) >= MAX_MERGES:
            raise _Unreadable("合并单元格过多")
        self.merged.append((min(r1, r2) - 1, min(c1, c2) - 1, max(r1, r2) - 1, max(c1, c2) - 1))


def _next(el: etree._Element, row_no: int, col_no: int) -> tuple[int, int]:
    """Where a cell without a reference is: after the previous cell of its row; the first cell of a row is in
    the row's own number, or in the one after the last."""
    row = row_no
    if col_no == 0:
        parent = el.getparent()
        given = parent.get("r") if parent is not None else None
        number = count(given)
        row = number if number is not None else row_no + 1
    if not (1 <= row <= MAX_ROW and col_no < MAX_COL):
        raise _Unreadable("单元格超出 Excel 工作表的范围")
    return row, col_no + 1


def _workbook(package: _Package) -> tuple[etree._Element, dict[str, str], list[tuple[str, str, str]]]:
    """The workbook part's root, its shared-strings and styles parts by kind, and its sheets as
    (name, kind, part): kind is ``worksheet``, ``chartsheet`` …, part "" when no relationship names one."""
    try:
        workbook = _workbook_part(package)
        root = package.tree(workbook)
        rels = package.relationships(workbook)
    except (KeyError, etree.XMLSyntaxError, *_ZIP_ERRORS):
        raise InputError(f"工作簿目录（workbook.xml）缺失或损坏，无法读取：{package.path.name}") from None
    parts = {kind: part for kind, part in rels.values() if kind in ("sharedStrings", "styles")}
    sheets = [
        (s.get("name", ""), *rels.get(next((v for k, v in s.attrib.items() if k.endswith("}id")), ""), ("worksheet", "")))
        for e in root if _local(e.tag) == "sheets" for s in e if _local(s.tag) == "sheet"
    ]
    return root, parts, sheets


def read_ooxml(path: Path) -> list[Grid]:
    """Every worksheet of an .xlsx/.xlsm package as a Grid, in workbook order (chart and dialog sheets left out)."""
    with open_package(path) as archive:
        package = _Package(path, archive)
        root, parts, sheets = _workbook(package)
        pr = next((e for e in root if _local(e.tag) == "workbookPr"), None)
        date1904 = pr is not None and pr.get("date1904", "") in ("1", "true")
        strings = _shared_strings(package, parts.get("sharedStrings"))
        reader = _SheetReader(package, strings, _date_styles(package, parts.get("styles")), date1904)
        return [reader.read(name, part) for name, kind, part in sheets if kind == "worksheet"]
