"""``styles.xml`` edited by appending: marking a cell gives it a new cell format (its own, with our fill), and the
existing fills, fonts and formats keep their indexes, so every other cell of the workbook looks as before and
清除标注 can give a cell back the very format index it had.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from ..numbers import count
from .package import Package, recorded_element

__all__ = ["BUILTIN_FORMATS", "Styles", "canonical", "fill_of_interior", "interior_of"]

#: Excel's built-in number formats that are the same in every locale.
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss",
    46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}
_BUILTIN_IDS = {code: i for i, code in BUILTIN_FORMATS.items()}
#: Children of <styleSheet>, in the order the schema demands.
_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
          "colors", "extLst"]
#: Children of <font>, in schema order.
_FONT_ORDER = ["b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color", "name",
               "family", "charset", "scheme"]


#: OOXML pattern types and the XlPattern constants desktop Excel reports for them (Interior.Pattern), so a record
#: made in live Excel can be restored in a file and the other way round.
PATTERNS = {"none": -4142, "solid": 1, "darkGray": -4126, "mediumGray": -4125, "lightGray": -4124, "gray125": 17,
            "gray0625": 18, "darkHorizontal": -4128, "darkVertical": -4166, "darkDown": -4121, "darkUp": -4162,
            "darkGrid": 9, "darkTrellis": 10, "lightHorizontal": 11, "lightVertical": 12, "lightDown": 13,
            "lightUp": 14, "lightGrid": 15, "lightTrellis": 16}
_PATTERN_NAMES = {v: k for k, v in PATTERNS.items()}
LINEAR, PATH = 4000, 4001  # xlPatternLinearGradient, xlPatternRectangularGradient
#: SpreadsheetML theme colour index -> XlThemeColor (Excel swaps the first two pairs: 0 is Background 1).
_THEMES = {0: 2, 1: 1, 2: 4, 3: 3}
_THEMES_BACK = {v: k for k, v in _THEMES.items()}


def _com_colour(node: etree._Element | None, palette: list[str]) -> dict[str, Any]:
    """An OOXML colour as COM properties: ``Color`` (BGR integer) or ``ThemeColor``, and ``TintAndShade``."""
    if node is None:
        return {}
    out: dict[str, Any] = {"TintAndShade": float(node.get("tint", "0"))}
    if node.get("theme") is not None:
        out["ThemeColor"] = _THEMES.get(int(node.get("theme", "0")), int(node.get("theme", "0")) + 1)
        return out
    rgb = node.get("rgb")
    indexed = count(node.get("indexed"))
    if rgb is None and indexed is not None and indexed < len(palette):
        rgb = palette[indexed]
    if rgb and len(rgb) >= 6:
        r, g, b = (int(rgb[-6:][i:i + 2], 16) for i in (0, 2, 4))
        out["Color"] = r | g << 8 | b << 16
    return out


def interior_of(fill: etree._Element, palette: list[str]) -> dict[str, Any] | None:
    """An OOXML fill in the terms of desktop Excel's Interior (pattern, colours, theme colours, gradient), for
    the record: live Excel restores a cell marked in a file from it."""
    kids = {etree.QName(k).localname: k for k in fill if isinstance(k.tag, str)}
    if "gradientFill" in kids:
        gradient = kids["gradientFill"]
        stops = []
        for stop in gradient:
            colour = next((c for c in stop if isinstance(c.tag, str)), None)
            stops.append({"Position": float(stop.get("position", "0")), **_com_colour(colour, palette)})
        shape = {"Degree": float(gradient.get("degree", "0"))} if gradient.get("type", "linear") == "linear" else {
            f"Rectangle{side.title()}": float(gradient.get(side, "0")) for side in ("left", "right", "top", "bottom")}
        return {"Pattern": LINEAR if "Degree" in shape else PATH, "Gradient": {**shape, "Stops": stops}}
    pattern = kids.get("patternFill")
    kind = pattern.get("patternType", "none") if pattern is not None else "none"
    if pattern is None or kind not in PATTERNS or kind == "none":
        return None
    colours = {etree.QName(c).localname: c for c in pattern if isinstance(c.tag, str)}
    out: dict[str, Any] = {"Pattern": PATTERNS[kind]}
    if kind == "solid":
        out.update(_com_colour(colours.get("fgColor"), palette))
    else:  # a pattern: fgColor draws the pattern, bgColor is the cell's colour
        out.update(_com_colour(colours.get("bgColor"), palette))
        out.update({"Pattern" + k: v for k, v in _com_colour(colours.get("fgColor"), palette).items()})
    return out


def _ooxml_colour(tag: str, values: dict[str, Any], prefix: str = "") -> etree._Element | None:
    theme, colour, tint = (values.get(prefix + n) for n in ("ThemeColor", "Color", "TintAndShade"))
    node = etree.Element(tag)
    if theme is not None:
        node.set("theme", str(_THEMES_BACK.get(int(theme), int(theme) - 1)))
    elif colour is not None:
        colour = int(colour)
        node.set("rgb", "FF%02X%02X%02X" % (colour & 0xFF, colour >> 8 & 0xFF, colour >> 16 & 0xFF))
    else:
        return None
    if tint:
        node.set("tint", repr(float(tint)))
    return node


def fill_of_interior(interior: dict[str, Any] | None, ns: str) -> etree._Element:
    """The OOXML fill of a cell recorded in live Excel (see :func:`interior_of`)."""
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    fill = etree.Element(q("fill"))
    pattern = (interior or {}).get("Pattern")
    gradient = (interior or {}).get("Gradient")
    if pattern in (LINEAR, PATH) and gradient:
        node = etree.SubElement(fill, q("gradientFill"))
        if pattern == LINEAR:
            node.set("degree", f"{gradient.get('Degree') or 0:g}")
        else:
            node.set("type", "path")
            for side in ("left", "right", "top", "bottom"):
                node.set(side, f"{gradient.get('Rectangle' + side.title()) or 0:g}")
        for stop in gradient.get("Stops", []):
            element = etree.SubElement(node, q("stop"), position=f"{stop.get('Position') or 0:g}")
            colour = _ooxml_colour(q("color"), stop)
            if colour is not None:
                element.append(colour)
        return fill
    kind = _PATTERN_NAMES.get(int(pattern), "none") if interior and pattern is not None else "none"
    node = etree.SubElement(fill, q("patternFill"), patternType=kind)
    if kind == "solid":
        colours = [_ooxml_colour(q("fgColor"), interior or {})]
    elif kind != "none":
        colours = [_ooxml_colour(q("fgColor"), interior or {}, "Pattern"), _ooxml_colour(q("bgColor"), interior or {})]
    else:
        colours = []
    for colour in colours:
        if colour is not None:
            node.append(colour)
    return fill


Canonical = tuple[str, tuple[tuple[str, str], ...], str, tuple[Any, ...]]


def canonical(element: etree._Element) -> Canonical:
    """A comparable form of an element: qualified tag, sorted attributes, text, children - blind to namespace
    prefixes, so an element of the file and one built here compare equal when Excel would treat them alike."""
    children = tuple(canonical(child) for child in element if isinstance(child.tag, str))
    return element.tag, tuple(sorted(element.attrib.items())), (element.text or "").strip(), children


def argb(colour: str) -> str:
    """``#FFC7CE`` -> ``FFFFC7CE``."""
    rgb = colour.lstrip("#").upper()
    return rgb if len(rgb) == 8 else "FF" + rgb


class Styles:
    """The workbook's style sheet, grown by appending only."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.part = package.styles_part()
        self.root = package.tree(self.part, edit=False)
        self.q = package.q
        self._edited = False
        self._cache: dict[tuple[object, ...], int] = {}

    def _list(self, tag: str, *, create: bool = True) -> etree._Element | None:
        found = self.root.find(self.q(tag))
        if found is None and create:
            found = etree.Element(self.q(tag))
            later = [self.root.find(self.q(t)) for t in _ORDER[_ORDER.index(tag) + 1:]]
            anchor = next((e for e in later if e is not None), None)
            if anchor is None:
                self.root.append(found)
            else:
                anchor.addprevious(found)
            if tag == "cellXfs":  # a style sheet without cell formats: give it Excel's default one
                etree.SubElement(found, self.q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0")
        return found

    def _append(self, tag: str, element: etree._Element) -> int:
        """Append to a collection (keeping ``count`` right); returns the new index."""
        if not self._edited:
            self.package.tree(self.part)  # from now on the part is written back
            self._edited = True
        collection = self._list(tag)
        assert collection is not None
        collection.append(element)
        size = len(collection.findall(self.q(element.tag.rsplit("}", 1)[-1])))
        collection.set("count", str(size))
        return size - 1

    def _items(self, tag: str, item: str) -> list[etree._Element]:
        collection = self._list(tag, create=False)
        return [] if collection is None else collection.findall(self.q(item))

    def xfs(self) -> list[etree._Element]:
        return self._items("cellXfs", "xf")

    def xf(self, index: int) -> etree._Element:
        """The cell format at ``index``; a format index past the end (a damaged file) counts as the default."""
        xfs = self.xfs()
        if 0 <= index < len(xfs):
            return xfs[index]
        return xfs[0] if xfs else etree.Element(self.q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0")

    def palette(self) -> list[str]:
        """The indexed colours: the workbook's own, else Excel's default palette."""
        custom = self.root.find(f"{self.q('colors')}/{self.q('indexedColors')}")
        if custom is not None:
            return [c.get("rgb", "") for c in custom]
        from openpyxl.styles.colors import COLOR_INDEX

        return list(COLOR_INDEX)

    def fill_of(self, index: int) -> etree._Element:
        fills = self._items("fills", "fill")
        fill_id = int(self.xf(index).get("fillId", "0") or 0)
        if 0 <= fill_id < len(fills):
            return fills[fill_id]
        return self._fill(None)

    def number_format(self, index: int) -> str:
        """The number format code of a cell format (``""`` for General or an unknown built-in)."""
        fmt_id = int(self.xf(index).get("numFmtId", "0") or 0)
        for fmt in self._items("numFmts", "numFmt"):
            if fmt.get("numFmtId") == str(fmt_id):
                return fmt.get("formatCode", "")
        code = BUILTIN_FORMATS.get(fmt_id, "")
        return "" if code == "General" else code

    # -------------------------------------------------------------- building blocks

    def _fill(self, colour: str | None) -> etree._Element:
        fill = etree.Element(self.q("fill"))
        pattern = etree.SubElement(fill, self.q("patternFill"), patternType="solid" if colour else "none")
        if colour:
            etree.SubElement(pattern, self.q("fgColor"), rgb=argb(colour))
            etree.SubElement(pattern, self.q("bgColor"), indexed="64")
        return fill

    def _find_or_add(self, tag: str, item: str, element: etree._Element, prefer: int | None = None) -> int:
        """The index of an equal element (``prefer`` first), else of the appended one."""
        items = self._items(tag, item)
        wanted = canonical(element)
        if prefer is not None and 0 <= prefer < len(items) and canonical(items[prefer]) == wanted:
            return prefer
        for i, existing in enumerate(items):
            if canonical(existing) == wanted:
                return i
        return self._append(tag, element)

    def _number_format_id(self, code: str) -> int:
        if code in _BUILTIN_IDS:
            return _BUILTIN_IDS[code]
        custom = self._items("numFmts", "numFmt")
        for fmt in custom:
            if fmt.get("formatCode") == code:
                return int(fmt.get("numFmtId", "0"))
        new_id = max([163] + [int(f.get("numFmtId", "0")) for f in custom]) + 1
        self._append("numFmts", etree.Element(self.q("numFmt"), numFmtId=str(new_id), formatCode=code))
        return new_id

    def _font(self, *, bold: bool = False, link: bool = False) -> int:
        """Font 0 (the workbook's normal font) made bold or hyperlink-blue and underlined."""
        fonts = self._items("fonts", "font")
        parts = {etree.QName(child).localname: child for child in (fonts[0] if fonts else [])}
        font = etree.Element(self.q("font"))
        extra = {"b": etree.Element(self.q("b")) if bold else None,
                 "u": etree.Element(self.q("u")) if link else None,
                 "color": etree.Element(self.q("color"), rgb="FF0563C1") if link else parts.get("color")}
        for tag in _FONT_ORDER:
            child = extra[tag] if tag in extra else parts.get(tag)
            if child is not None:
                font.append(copy.deepcopy(child))
        return self._find_or_add("fonts", "font", font)

    # -------------------------------------------------------------- cell formats

    def _derived(self, base: int, key: tuple[object, ...], change: dict[str, str]) -> int:
        """A copy of cell format ``base`` with attributes changed, appended once per (base, change)."""
        cached = self._cache.get((base, *key))
        if cached is not None:
            return cached
        xf = copy.deepcopy(self.xf(base))
        for name, value in change.items():
            xf.set(name, value)
        index = self._cache[(base, *key)] = self._find_or_add("cellXfs", "xf", xf)
        return index

    def with_fill(self, base: int, colour: str) -> int:
        """Cell format ``base`` with a solid ``#RRGGBB`` fill (the marked look of that cell)."""
        fill_id = self._find_or_add("fills", "fill", self._fill(colour))
        return self._derived(base, ("fill", colour), {"fillId": str(fill_id), "applyFill": "1"})

    def with_number_format(self, base: int, code: str) -> int:
        fmt_id = self._number_format_id(code)
        return self._derived(base, ("fmt", code), {"numFmtId": str(fmt_id), "applyNumberFormat": "1"})

    def restored(self, current: int, original_xf: str | None, original_fill: str | None, original: int | None,
                 colour: str | None = None, interior: dict[str, Any] | None = None) -> int:
        """The format a marked cell gets back: its current format with the original fill. When nothing else
        changed since marking this is the original format itself, at its original index. Records made in live
        Excel give the fill their ``interior`` describes, or the solid ``colour``, or no fill. An original index past
        the end of the list (a damaged file) is given back as it was: readers treat it as before."""
        if original is not None and original >= len(self.xfs()):
            return original
        recorded = recorded_element(original_fill) if original_fill else None  # the record is checked when read
        if recorded is not None:
            fill = recorded
        elif interior:
            fill = fill_of_interior(interior, self.package.ns)
        else:
            fill = self._fill(colour)
        xf = copy.deepcopy(self.xf(current))
        old = recorded_element(original_xf) if original_xf else None
        prefer_fill = int(old.get("fillId", "0")) if old is not None else None
        xf.set("fillId", str(self._find_or_add("fills", "fill", _retag(fill, self.package.ns), prefer_fill)))
        apply = old.get("applyFill") if old is not None else None
        if apply is None:
            xf.attrib.pop("applyFill", None)
        else:
            xf.set("applyFill", apply)
        return self._find_or_add("cellXfs", "xf", xf, original)

    def new(self, *, bold: bool = False, link: bool = False, colour: str | None = None, number_format: str | None = None,
            wrap: bool = False) -> int:
        """A cell format for juesuan's own sheets, built on the workbook's normal font."""
        key = ("new", bold, link, colour, number_format, wrap)
        if key in self._cache:
            return self._cache[key]
        xf = etree.Element(self.q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0", xfId="0")
        if bold or link:
            xf.set("fontId", str(self._font(bold=bold, link=link)))
            xf.set("applyFont", "1")
        if colour:
            xf.set("fillId", str(self._find_or_add("fills", "fill", self._fill(colour))))
            xf.set("applyFill", "1")
        if number_format:
            xf.set("numFmtId", str(self._number_format_id(number_format)))
            xf.set("applyNumberFormat", "1")
        if wrap:
            xf.set("applyAlignment", "1")
            etree.SubElement(xf, self.q("alignment"), vertical="top", wrapText="1")
        self._cache[key] = index = self._find_or_add("cellXfs", "xf", xf)
        return index


def _retag(element: etree._Element, ns: str) -> etree._Element:
    """A recorded element moved into this workbook's namespace (a record may come from a strict workbook)."""
    for node in element.iter():
        if isinstance(node.tag, str):
            node.tag = f"{{{ns}}}{etree.QName(node).localname}"
    return element
