"""Cell notes of one sheet in a file: the legacy comments part (text, author) and the VML drawing that gives each
note its box (size, position). Both are edited in place; other shapes of the VML drawing (form controls) stay.

VML is edited as text, shape by shape: Excel's own VML is not always well-formed XML (``<br>``), so it is never
parsed, only cut at ``<v:shape …>…</v:shape>`` boundaries.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from lxml import etree

from ..grid import parse_a1
from ..plan import clip_text
from .package import MAIN_NS, Package, recorded_element, resolve
from .sheet_xml import WORKSHEET_ORDER, Worksheet, insert_child, xml_text

__all__ = ["AUTHOR", "Note", "Notes", "note_size"]

AUTHOR = "juesuan"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_SHAPE = re.compile(rb"<v:shape\s.*?</v:shape>", re.S)
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_IDMAP = re.compile(rb'<o:idmap[^>]*data="(\d+)')
_SIZE = re.compile(r"(width|height):\s*([\d.]+)(pt|px|in|cm|mm)?")
_UNITS = {"pt": 1.0, "px": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, None: 1.0}
_VML_HEAD = (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
             b'xmlns:x="urn:schemas-microsoft-com:office:excel">'
             b'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="%d"/></o:shapelayout>')
_SHAPETYPE = (b'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
              b'<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


@dataclass(frozen=True)
class Note:
    """A note as it was: plain text, author, box size in points, and - for exact restoration in files - the
    comment element (rich text kept) and the VML shape."""

    text: str
    author: str
    size: tuple[float, float] | None = None
    comment_xml: str | None = None
    shape: str | None = None


def note_size(text: str) -> tuple[float, float]:
    """A box that shows a juesuan note without scrolling: wide, and as tall as its lines."""
    return 270.0, 30.0 + 13.5 * text.count("\n") + 13.5 * (len(text) // 30)


def _size_of(shape: bytes) -> tuple[float, float] | None:
    style = re.search(rb'style="([^"]*)"', shape)
    found = dict((k, float(v) * _UNITS[u]) for k, v, u in _SIZE.findall(style.group(1).decode() if style else ""))
    return (found["width"], found["height"]) if {"width", "height"} <= set(found) else None


def _shape_at(shape: bytes, row: int, col: int) -> bool:
    return (b'ObjectType="Note"' in shape and re.search(rb"<x:Row>\s*%d\s*</x:Row>" % row, shape) is not None
            and re.search(rb"<x:Column>\s*%d\s*</x:Column>" % col, shape) is not None)


class Notes:
    """The notes of one worksheet; ``finish()`` writes the parts back (and drops them when empty)."""

    def __init__(self, package: Package, sheet: Worksheet) -> None:
        self.package = package
        self.sheet = sheet
        self.q = package.q
        part = sheet.ref.part
        found = [t for _, t in package.targets(part, "comments") if package.exists(t)]
        self.part = found[0] if found else None
        self.root = package.tree(self.part, edit=False) if self.part else None
        self.vml_part: str | None = None
        legacy = sheet.root.find(self.q("legacyDrawing"))
        if legacy is not None:
            rid = legacy.get(f"{{{package.r_ns}}}id", "")
            rels = package.rels(part)
            for rel in rels if rels is not None else ():
                if rel.get("Id") == rid:
                    self.vml_part = resolve(part, rel.get("Target", ""))
        self.vml = package.read(self.vml_part) if self.vml_part and package.exists(self.vml_part) else None
        self.changed = False

    # -------------------------------------------------------------- reading

    def _comments(self) -> list[etree._Element]:
        if self.root is None:
            return []
        found = self.root.find(self.q("commentList"))
        return [] if found is None else found.findall(self.q("comment"))

    def _authors(self) -> list[etree._Element]:
        if self.root is None:
            return []
        found = self.root.find(self.q("authors"))
        return [] if found is None else found.findall(self.q("author"))

    def _find(self, ref: str) -> etree._Element | None:
        return next((c for c in self._comments() if (c.get("ref") or "").upper() == ref), None)

    def _shape(self, ref: str) -> bytes | None:
        if self.vml is None:
            return None
        row, col = parse_a1(ref)
        return next((m.group(0) for m in _SHAPE.finditer(self.vml) if _shape_at(m.group(0), row, col)), None)

    def get(self, ref: str) -> Note | None:
        comment = self._find(ref)
        if comment is None:
            return None
        authors = self._authors()
        index = int(comment.get("authorId", "0") or 0)
        author = (authors[index].text or "") if 0 <= index < len(authors) else ""
        text_node = comment.find(self.q("text"))
        text = "" if text_node is None else "".join(
            t.text or "" for t in text_node.iter(self.q("t")) if etree.QName(t.getparent()).localname != "rPh")
        shape = self._shape(ref)
        return Note(text, author, _size_of(shape) if shape else None, etree.tostring(comment, encoding="unicode"),
                    shape.decode("utf-8", "replace") if shape else None)

    # -------------------------------------------------------------- writing

    def _ensure(self) -> None:
        if self.root is None:
            self.part = self.package.new_name("xl/comments{}.xml")
            self.root = etree.Element(self.q("comments"), nsmap={None: self.package.ns})
            etree.SubElement(self.root, self.q("authors"))
            etree.SubElement(self.root, self.q("commentList"))
            self.package.put(self.part, self.root, COMMENTS_TYPE)
            self.package.relate(self.sheet.ref.part, self.part, "comments")
        if self.vml is None:
            taken = [int(m) for name in self.package.names() if name.endswith(".vml") and self.package.exists(name)
                     for m in _IDMAP.findall(self.package.read(name))]
            self.vml = _VML_HEAD % (max(taken, default=0) + 1) + _SHAPETYPE + b"</xml>"
            if self.vml_part is None:
                self.vml_part = self.package.new_name("xl/drawings/vmlDrawing{}.vml")
                self.package.put(self.vml_part, self.vml)  # the name is taken from now on
                rid = self.package.relate(self.sheet.ref.part, self.vml_part, "vmlDrawing")
                self.sheet.edit()
                legacy = etree.Element(self.q("legacyDrawing"))
                legacy.set(f"{{{self.package.r_ns}}}id", rid)
                insert_child(self.sheet.root, legacy, WORKSHEET_ORDER)
        self.package.ensure_default("vml", VML_TYPE)
        assert self.part is not None
        self.package.tree(self.part)
        self.changed = True

    def _author_id(self, name: str) -> str:
        authors = self._authors()
        for i, author in enumerate(authors):
            if author.text == name:
                return str(i)
        assert self.root is not None
        etree.SubElement(self.root.find(self.q("authors")), self.q("author")).text = xml_text(name)
        return str(len(authors))

    def remove(self, ref: str) -> None:
        comment = self._find(ref)
        if comment is not None:
            self.package.tree(self.part or "")
            comment.getparent().remove(comment)
            self.changed = True
        shape = self._shape(ref)
        if shape is not None and self.vml is not None:
            self.vml = self.vml.replace(shape, b"", 1)
            self.changed = True

    def put(self, ref: str, text: str, author: str = AUTHOR, size: tuple[float, float] | None = None) -> None:
        """A plain-text note on ``ref``, replacing any note there."""
        self.remove(ref)
        self._ensure()
        comment = etree.Element(self.q("comment"), ref=ref, authorId=self._author_id(author))
        run = etree.SubElement(etree.SubElement(comment, self.q("text")), self.q("t"))
        run.text = clip_text(xml_text(text))
        run.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        self._insert(comment)
        self._add_shape(ref, size or note_size(text))

    def restore(self, ref: str, note: Note) -> None:
        """Put back a recorded note: the very comment element and shape when recorded (files), else text,
        author and size (a record made in live Excel)."""
        recorded = recorded_element(note.comment_xml) if note.comment_xml else None  # checked when read
        if recorded is None:
            self.put(ref, note.text, note.author or AUTHOR, note.size)
            return
        self.remove(ref)
        self._ensure()
        comment = copy.deepcopy(recorded)
        for node in comment.iter():
            if isinstance(node.tag, str) and etree.QName(node).namespace in MAIN_NS:
                node.tag = f"{{{self.package.ns}}}{etree.QName(node).localname}"
        comment.set("ref", ref)
        comment.set("authorId", self._author_id(note.author))
        self._insert(comment)
        if note.shape:
            self._add_shape_bytes(note.shape.encode("utf-8"))
        else:
            self._add_shape(ref, note.size or note_size(note.text))

    def _insert(self, comment: etree._Element) -> None:
        assert self.root is not None
        listing = self.root.find(self.q("commentList"))
        key = parse_a1(comment.get("ref", "A1"))
        for existing in listing.findall(self.q("comment")):
            if parse_a1(existing.get("ref") or "A1") > key:
                existing.addprevious(comment)
                return
        listing.append(comment)

    def _next_id(self) -> int:
        assert self.vml is not None
        used = [int(n) for n in _SHAPE_ID.findall(self.vml)]
        block = [int(n) for n in _IDMAP.findall(self.vml)][:1] or [1]
        return max(used + [block[0] * 1024]) + 1

    def _add_shape(self, ref: str, size: tuple[float, float]) -> None:
        row, col = parse_a1(ref)
        width, height = size
        shape = (
            f'<v:shape id="_x0000_s0" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
            f'margin-top:1.5pt;width:{width:g}pt;height:{height:g}pt;z-index:1;visibility:hidden" '
            f'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            f'<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            f'<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            f'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{col + 1}, 15, {row}, 2, {col + 4}, 15, {row + 5}, 4</x:Anchor><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
        )
        self._add_shape_bytes(shape.encode("utf-8"))

    def _add_shape_bytes(self, shape: bytes) -> None:
        """Append a note's shape with a fresh id (ids are unique within the drawing)."""
        assert self.vml is not None
        shape = re.sub(rb'\bid="_x0000_s\d+"', b'id="_x0000_s%d"' % self._next_id(), shape, count=1)
        if b'id="_x0000_t202"' not in self.vml:
            shape = _SHAPETYPE + shape
        end = self.vml.rfind(b"</xml>")
        self.vml = self.vml[:end] + shape + self.vml[end:] if end >= 0 else self.vml + shape

    def finish(self) -> None:
        """Write the comments and VML parts back; a part left without notes (and, for VML, without any other
        shape) is removed with its relationship."""
        if not self.changed:
            return
        part = self.sheet.ref.part
        if self.root is not None and self.part is not None and not self._comments():
            for rel, target in self.package.targets(part, "comments"):
                if target == self.part:
                    self.package.unrelate(part, rel.get("Id", ""))
            self.package.remove(self.part)
        if self.vml is not None and self.vml_part is not None:
            if _SHAPE.search(self.vml) is None:
                legacy = self.sheet.root.find(self.q("legacyDrawing"))
                if legacy is not None:
                    self.sheet.edit()
                    self.package.unrelate(part, legacy.get(f"{{{self.package.r_ns}}}id", ""))
                    self.sheet.root.remove(legacy)
                self.package.remove(self.vml_part)
            else:
                self.package.put(self.vml_part, self.vml)
