"""A workbook file as its zip package: parts read on demand, the few edited parts written back, every other part
copied byte for byte.

This is what makes the marked copy the user's workbook with a few cells restyled: shapes, form controls, pivot
caches, slicers, extensions and anything else no Python library models are never parsed, so nothing can be
dropped. Only the sheets touched, ``styles.xml``, comment and VML parts, the sheets juesuan adds and the
workbook/relationship/content-type parts that list them are rewritten.

XML is parsed with lxml and never resolves entities, loads a DTD or reaches the network; a part that declares a
DTD is refused (a workbook has no use for one, an attacker has).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..read import InputError
from ..read.guard import open_package

__all__ = ["CT", "Package", "PackageError", "REL", "SheetRef", "recorded_element", "rel_type"]

#: A style index on a cell or a row of a sheet part (``s="12"``).
_STYLE_INDEX = re.compile(rb'\ss="(\d{1,9})"')

#: Namespaces of the package layer (the same in transitional and strict OOXML).
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
#: The main and relationship namespaces of transitional and strict SpreadsheetML.
MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
R_NS = {
    MAIN_NS[0]: "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    MAIN_NS[1]: "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
#: Content types of the workbook part, by the output's extension.
WORKBOOK_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
}
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False,
                          huge_tree=True)


_FRAGMENT_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)


def recorded_element(text: str) -> etree._Element | None:
    """An element kept as XML text in juesuan's record (a cell format, fill or comment), parsed as safely as a
    part: ``None`` when it is not well-formed XML or declares a DTD (the record was edited by hand)."""
    try:
        root = etree.fromstring(text.encode("utf-8"), _FRAGMENT_PARSER)
    except (etree.XMLSyntaxError, ValueError):  # also UnicodeEncodeError (a lone surrogate)
        return None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        return None
    return root


class PackageError(InputError):
    """The package cannot be edited; the message says why, in Chinese."""


def rel_type(rel: etree._Element) -> str:
    """The last segment of a relationship type (``worksheet``, ``comments`` …), the same in strict OOXML."""
    return rel.get("Type", "").rsplit("/", 1)[-1]


class SheetRef:
    """One ``<sheet>`` of the workbook: its name, element, part name and position."""

    def __init__(self, element: etree._Element, part: str, index: int, r_ns: str) -> None:
        self.element = element
        self.part = part
        self.index = index
        self.r_ns = r_ns

    @property
    def name(self) -> str:
        return self.element.get("name", "")

    @property
    def rid(self) -> str:
        return self.element.get(f"{{{self.r_ns}}}id", "")


class Package:
    """The parts of one .xlsx/.xlsm file. ``tree(name)`` parses a part once and marks it for rewriting;
    ``save(out)`` writes the package with edited parts serialised and all others copied unchanged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:  # the reader's limits (parts, sizes, compression ratio, encryption): what it reads, we may copy
            self.zip = open_package(path)
        except InputError as exc:
            raise PackageError(str(exc)) from None
        self.infos = {i.filename: i for i in self.zip.infolist() if not i.is_dir()}
        self.trees: dict[str, etree._Element] = {}  # parts to serialise on save
        self._parsed: dict[str, etree._Element] = {}  # every part parsed so far
        self.data: dict[str, bytes] = {}  # parts replaced or added as bytes
        self.removed: set[str] = set()
        self.workbook_part = self._main_part()
        wb = self.tree(self.workbook_part, edit=False)
        ns = etree.QName(wb).namespace or MAIN_NS[0]
        if ns not in MAIN_NS:
            raise PackageError("工作簿主部件不是 SpreadsheetML")
        self.ns, self.r_ns = ns, R_NS[ns]

    # -------------------------------------------------------------- parts

    def exists(self, name: str) -> bool:
        return name not in self.removed and (name in self.infos or name in self.data or name in self.trees)

    def read(self, name: str) -> bytes:
        """A part's bytes, decompressed with a size cap; a CRC error alone does not stop the copy (the bytes are
        read again without the check: a wrong checksum in docProps should not lose the user a marked copy)."""
        if name in self.data:
            return self.data[name]
        info = self.infos.get(name)
        if info is None or name in self.removed:
            raise PackageError(f"工作簿缺少部件“{name}”")
        try:
            with self.zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except zipfile.BadZipFile:
            data = self._read_unchecked(info)
        except (zlib.error, EOFError, OSError, NotImplementedError):
            raise PackageError(f"工作簿部件“{name}”已损坏，无法读取") from None
        if len(data) > info.file_size:
            raise PackageError(f"工作簿部件“{name}”比声明的更大，疑似压缩炸弹")
        return data

    def _read_unchecked(self, info: zipfile.ZipInfo) -> bytes:
        """The data of an entry whose checksum is wrong: decompressed from the raw bytes after its local header."""
        with open(self.path, "rb") as raw:
            raw.seek(info.header_offset)
            header = raw.read(30)
            if header[:4] != b"PK\x03\x04":
                raise PackageError(f"工作簿部件“{info.filename}”已损坏")
            skip = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
            raw.seek(skip, 1)
            blob = raw.read(info.compress_size)
        try:
            if info.compress_type == zipfile.ZIP_STORED:
                return blob[: info.file_size + 1]
            return zlib.decompressobj(-15).decompress(blob, info.file_size + 1)
        except zlib.error:
            raise PackageError(f"工作簿部件“{info.filename}”已损坏") from None

    def tree(self, name: str, *, edit: bool = True) -> etree._Element:
        """The parsed root of an XML part; with ``edit`` it is serialised back on save."""
        root = self._parsed.get(name)
        if root is None:
            try:
                document = etree.fromstring(self.read(name), _PARSER).getroottree()
            except etree.XMLSyntaxError as exc:
                raise PackageError(f"工作簿部件“{name}”不是有效的 XML（第 {exc.lineno} 行）") from None
            if document.docinfo.internalDTD is not None or document.docinfo.doctype:
                raise PackageError(f"工作簿部件“{name}”含有 DTD 声明，出于安全原因不予处理")
            root = self._parsed[name] = document.getroot()
        if edit:
            self.trees[name] = root
        return root

    def put(self, name: str, data: bytes | etree._Element, content_type: str | None = None) -> None:
        """Add or replace a part (bytes, or an element serialised on save) and list its content type."""
        self.removed.discard(name)
        if isinstance(data, bytes):
            self.data[name] = data
            self.trees.pop(name, None)
            self._parsed.pop(name, None)
        else:
            self.trees[name] = self._parsed[name] = data
        if content_type:
            self.set_override(name, content_type)

    def remove(self, name: str) -> None:
        """Drop a part, its relationships part and its content-type override."""
        self._forget(name)
        self._forget(rels_name(name))
        types = self.tree("[Content_Types].xml")
        for override in types.findall(f"{{{CT}}}Override"):
            if override.get("PartName") == "/" + name:
                types.remove(override)

    def _forget(self, name: str) -> None:
        self.removed.add(name)
        self.trees.pop(name, None)
        self._parsed.pop(name, None)
        self.data.pop(name, None)

    def names(self) -> list[str]:
        listed = [n for n in self.infos if n not in self.removed]
        return listed + [n for n in [*self.data, *self.trees] if n not in self.infos and n not in listed]

    def new_name(self, pattern: str) -> str:
        """A free part name: ``xl/worksheets/sheet{}.xml`` -> the first unused number."""
        taken = {n.lower() for n in self.names()}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        return pattern.format(n)

    # -------------------------------------------------------------- relationships and content types

    def rels(self, part: str, *, create: bool = False) -> etree._Element | None:
        """The relationships of ``part``; with ``create`` they are made if missing and written back on save."""
        name = rels_name(part)
        if not self.exists(name):
            if not create:
                return None
            self.put(name, etree.Element(f"{{{REL}}}Relationships", nsmap={None: REL}))
        return self.tree(name, edit=create)

    def targets(self, part: str, kind: str) -> list[tuple[etree._Element, str]]:
        """(relationship, part name) of every internal relationship of ``part`` of type ``kind``."""
        rels = self.rels(part)
        if rels is None:
            return []
        return [(r, resolve(part, r.get("Target", ""))) for r in rels.findall(f"{{{REL}}}Relationship")
                if rel_type(r) == kind and r.get("TargetMode") != "External"]

    def relate(self, part: str, target: str, kind: str) -> str:
        """Add a relationship from ``part`` to ``target`` of type ``kind``; returns its id."""
        rels = self.rels(part, create=True)
        assert rels is not None
        ids = {r.get("Id") for r in rels}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        if self.ns == MAIN_NS[1]:
            base = "http://purl.oclc.org/ooxml/officeDocument/relationships"
        etree.SubElement(rels, f"{{{REL}}}Relationship", Id=f"rId{n}", Type=f"{base}/{kind}",
                         Target=posixpath.relpath(target, posixpath.dirname(part) or "."))
        return f"rId{n}"

    def unrelate(self, part: str, rid: str) -> None:
        """Drop one relationship of ``part`` (and the relationships part, when that was the last)."""
        if not self.exists(rels_name(part)):
            return
        rels = self.rels(part, create=True)
        assert rels is not None
        for r in rels.findall(f"{{{REL}}}Relationship"):
            if r.get("Id") == rid:
                rels.remove(r)
        if len(rels) == 0:
            self._forget(rels_name(part))

    def set_override(self, name: str, content_type: str) -> None:
        types = self.tree("[Content_Types].xml")
        for override in types.findall(f"{{{CT}}}Override"):
            if override.get("PartName", "").lower() == "/" + name.lower():
                override.set("ContentType", content_type)
                return
        extension = name.rsplit(".", 1)[-1].lower()
        if any(d.get("Extension", "").lower() == extension and d.get("ContentType") == content_type
               for d in types.findall(f"{{{CT}}}Default")):
            return
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/" + name, ContentType=content_type)

    def ensure_default(self, extension: str, content_type: str) -> None:
        types = self.tree("[Content_Types].xml")
        if not any(d.get("Extension", "").lower() == extension for d in types.findall(f"{{{CT}}}Default")):
            types.insert(0, etree.Element(f"{{{CT}}}Default", Extension=extension, ContentType=content_type))

    def drop_unused_default(self, extension: str) -> None:
        """Forget the content type of an extension no part has any more (``vml``, once the last note of a
        workbook that had none before marking is cleared), so a cleared copy lists what the original did."""
        if any(n.lower().endswith("." + extension) for n in self.names()):
            return
        types = self.tree("[Content_Types].xml", edit=False)
        for default in types.findall(f"{{{CT}}}Default"):
            if default.get("Extension", "").lower() == extension:
                self.tree("[Content_Types].xml").remove(default)

    def content_type(self, name: str) -> str | None:
        types = self.tree("[Content_Types].xml", edit=False)
        for override in types.findall(f"{{{CT}}}Override"):
            if override.get("PartName", "").lower() == "/" + name.lower():
                return override.get("ContentType")
        extension = name.rsplit(".", 1)[-1].lower()
        for default in types.findall(f"{{{CT}}}Default"):
            if default.get("Extension", "").lower() == extension:
                return default.get("ContentType")
        return None

    # -------------------------------------------------------------- workbook

    def _main_part(self) -> str:
        try:
            root = etree.fromstring(self.read("_rels/.rels"), _PARSER)
        except (PackageError, etree.XMLSyntaxError):
            return "xl/workbook.xml" if "xl/workbook.xml" in self.infos else self._missing_workbook()
        for rel in root.findall(f"{{{REL}}}Relationship"):
            if rel_type(rel) == "officeDocument":
                return resolve("", rel.get("Target", ""))
        return self._missing_workbook()

    def _missing_workbook(self) -> str:
        raise PackageError("工作簿缺少主部件（workbook.xml）")

    def q(self, tag: str) -> str:
        """A SpreadsheetML tag in this package's namespace."""
        return f"{{{self.ns}}}{tag}"

    def workbook(self, *, edit: bool = False) -> etree._Element:
        return self.tree(self.workbook_part, edit=edit)

    def sheets(self) -> list[SheetRef]:
        """The workbook's sheets in tab order (worksheets only: chart sheets are never edited)."""
        wb = self.workbook()
        parts = {r.get("Id"): part for r, part in self.targets(self.workbook_part, "worksheet")}
        sheets = wb.find(self.q("sheets"))
        out = []
        for index, element in enumerate(sheets if sheets is not None else []):
            part = parts.get(element.get(f"{{{self.r_ns}}}id", ""))
            if part is not None:
                out.append(SheetRef(element, part, index, self.r_ns))
        return out

    def sheet(self, name: str) -> SheetRef:
        for ref in self.sheets():
            if ref.name == name:
                if not self.exists(ref.part):
                    raise PackageError(f"工作表“{name}”的部件“{ref.part}”不在工作簿中")
                return ref
        raise PackageError(f"工作簿中没有工作表：{name}")

    def styles_part(self) -> str:
        """The workbook's style sheet. In a package that lost its relationship, a ``styles.xml`` that is still
        there is related again (readers such as openpyxl take it by that name anyway); without one a new part
        is made, under a name no part has, with as many default cell formats as the sheets' style indexes
        need - fewer would leave their ``s="…"`` pointing past the end."""
        found = self.targets(self.workbook_part, "styles")
        if found and self.exists(found[0][1]):
            return found[0][1]
        folder = posixpath.dirname(self.workbook_part)
        orphan = posixpath.join(folder, "styles.xml")
        if self.exists(orphan) and self._is_style_sheet(orphan):
            self.relate(self.workbook_part, orphan, "styles")
            return orphan
        name = next(n for n in (posixpath.join(folder, f"styles{i or ''}.xml") for i in range(len(self.names()) + 1))
                    if not self.exists(n))
        root = etree.Element(self.q("styleSheet"), nsmap={None: self.ns})
        used = max((int(i) for ref in self.sheets() if self.exists(ref.part)
                    for i in _STYLE_INDEX.findall(self.read(ref.part))), default=0)
        formats = etree.SubElement(root, self.q("cellXfs"), count=str(used + 1))
        for _ in range(used + 1):
            etree.SubElement(formats, self.q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0")
        self.put(name, root, "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")
        self.relate(self.workbook_part, name, "styles")
        return name

    def _is_style_sheet(self, name: str) -> bool:
        try:
            root = self.tree(name, edit=False)
        except PackageError:
            return False
        return etree.QName(root).localname == "styleSheet" and root.find(self.q("cellXfs")) is not None

    # -------------------------------------------------------------- saving

    def save(self, out: Path) -> None:
        """Write the package to ``out``: edited parts serialised, the content types first, others copied."""
        order = ["[Content_Types].xml"] + [n for n in self.names() if n != "[Content_Types].xml"]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target:
            for name in order:
                if name in self.trees:
                    data = etree.tostring(self.trees[name], xml_declaration=True, encoding="UTF-8", standalone=True)
                else:
                    data = self.read(name)
                info = zipfile.ZipInfo(name, date_time=self.infos[name].date_time if name in self.infos else (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, data)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str) -> str:
    """A relationship target as a part name: absolute (``/xl/…``) or relative to the source part's folder."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))

