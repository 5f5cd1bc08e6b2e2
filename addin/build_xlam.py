"""Build ``addin/juesuan.xlam`` from text, on any OS, byte for byte reproducibly.

Inputs (all text):

* ``ribbon/customUI.xml`` - the 决算审核 tab;
* ``addin/JuesuanRibbon.bas`` - the one ribbon callback, which calls ``juesuan.ribbon.dispatch`` via RunPython;
* ``xlwings_custom_addin.bas`` from the *installed* xlwings - RunPython, the UDF bridge and
  ``ImportPythonUDFsToAddin``. It is taken from the installed package on purpose: its ``Declare`` lines name
  the DLL of that exact xlwings version, so the add-in must be rebuilt with the xlwings the users install.

The VBA project (``xl/vbaProject.bin``) is written here from the MS-OVBA specification: the PROJECT and
PROJECTwm streams, the ``dir`` stream, module streams holding only compressed source (MODULEOFFSET 0) and a
version-independent ``_VBA_PROJECT`` stream (version 0xFFFF). Without compiled p-code Excel compiles the
modules from source on first load. Compression (:func:`compress`, MS-OVBA 2.4.1) and the compound-file
container (:func:`compound_file`, MS-CFB) are written here too, so the build needs nothing but xlwings. Only Excel
itself can confirm that the result loads - the tests read everything back with the independent readers of
olefile and oletools (see ``tests/test_addin_build.py``).

Usage: ``python addin/build_xlam.py [--out PATH] [--check]``.
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import xlwings

HERE = Path(__file__).resolve().parent
CUSTOM_UI = HERE.parent / "ribbon" / "customUI.xml"
RIBBON_BAS = HERE / "JuesuanRibbon.bas"
OUTPUT = HERE / "juesuan.xlam"

PROJECT_NAME = "juesuan"
#: The config sheet xlwings' VBA reads (``<PROJECT_NAME>.conf``) and what it tells the UDF import.
CONF_SHEET = f"{PROJECT_NAME}.conf"
CONF = {"UDF Modules": "juesuan.udf"}
#: VBA source is stored in this code page; our own modules are ASCII, so it is locale-independent.
CODEPAGE = 1252
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "juesuan.xlam")).upper() + "}"

#: Type libraries every Excel VBA project references; Office holds IRibbonControl.
REFERENCES = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
               "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL"
               "#Microsoft Office 16.0 Object Library"),
)
#: VB_Base of the document modules: the Workbook and Worksheet coclasses of the Excel type library.
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"


@dataclass(frozen=True)
class Module:
    name: str
    source: str
    document: bool = False


# --- VBA sources ------------------------------------------------------------------------------------------


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def document_module(name: str, base: str) -> Module:
    """The attribute-only module Excel keeps for a workbook or sheet (no code of ours lives there)."""
    lines = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return Module(name, "\r\n".join(lines) + "\r\n", document=True)


def xlwings_module() -> Module:
    """xlwings' VBA for custom add-ins, with the project name that selects ``juesuan.conf`` as config."""
    path = Path(xlwings.__file__).with_name("xlwings_custom_addin.bas")
    source = path.read_text(encoding="ascii")
    old = 'Public Const PROJECT_NAME As String = "myaddin"'
    if old not in source:
        raise SystemExit(f"{path}: PROJECT_NAME line not found - xlwings changed its custom add-in module")
    return Module("xlwings", _crlf(source.replace(old, f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"')))


def modules() -> list[Module]:
    ribbon = _crlf(RIBBON_BAS.read_text(encoding="ascii"))
    return [
        document_module("ThisWorkbook", WORKBOOK_BASE),
        document_module("Sheet1", WORKSHEET_BASE),
        Module("JuesuanRibbon", ribbon),
        xlwings_module(),
    ]


# --- MS-OVBA streams --------------------------------------------------------------------------------------


def _mbcs(text: str) -> bytes:
    return text.encode(f"cp{CODEPAGE}")


def _record(rid: int, data: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _named(rid: int, unicode_rid: int, text: str) -> bytes:
    """A record in the code page followed by its UTF-16 twin (names, doc strings, help paths)."""
    return _record(rid, _mbcs(text)) + _record(unicode_rid, text.encode("utf-16-le"))


def dir_stream(mods: list[Module]) -> bytes:
    """The decompressed ``VBA/dir`` stream (MS-OVBA 2.3.4.2): project information, references, modules."""
    out = [
        _record(0x0001, struct.pack("<I", 1)),  # SYSKIND: Win32 (Excel recompiles for 64-bit)
        _record(0x0002, struct.pack("<I", 0x0409)),  # LCID
        _record(0x0014, struct.pack("<I", 0x0409)),  # LCIDINVOKE
        _record(0x0003, struct.pack("<H", CODEPAGE)),
        _record(0x0004, _mbcs(PROJECT_NAME)),
        _named(0x0005, 0x0040, ""),  # DOCSTRING
        _named(0x0006, 0x003D, ""),  # HELPFILEPATH
        _record(0x0007, struct.pack("<I", 0)),  # HELPCONTEXT
        _record(0x0008, struct.pack("<I", 0)),  # LIBFLAGS
        struct.pack("<HIIH", 0x0009, 4, 1, 0),  # VERSION 1.0 (the size field does not count the minor version)
        _named(0x000C, 0x003C, ""),  # CONSTANTS
    ]
    for name, libid in REFERENCES:
        raw = _mbcs(libid)
        out.append(_named(0x0016, 0x003E, name))
        out.append(_record(0x000D, struct.pack("<I", len(raw)) + raw + struct.pack("<IH", 0, 0)))
    out.append(_record(0x000F, struct.pack("<H", len(mods))))
    out.append(_record(0x0013, struct.pack("<H", 0xFFFF)))  # PROJECTCOOKIE
    for mod in mods:
        out += [
            _named(0x0019, 0x0047, mod.name),  # MODULENAME + MODULENAMEUNICODE
            _named(0x001A, 0x0032, mod.name),  # MODULESTREAMNAME
            _named(0x001C, 0x0048, ""),  # MODULEDOCSTRING
            _record(0x0031, struct.pack("<I", 0)),  # MODULEOFFSET: source starts the stream, no p-code
            _record(0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
            _record(0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
            _record(0x0022 if mod.document else 0x0021),  # MODULETYPE
            _record(0x002B),  # module terminator
        ]
    out.append(_record(0x0010))  # dir terminator
    return b"".join(out)


def encrypt(data: bytes, seed: int) -> str:
    """MS-OVBA 2.4.3.2 data encryption, used for the CMG/DPB/GC lines of the PROJECT stream.

    The seed is fixed (not random) so builds are reproducible; seeds with ``seed & 6 == 0`` carry no
    ignored bytes, which keeps this to the one loop the spec needs for length and data.
    """
    if seed & 6:
        raise ValueError("seed must have bits 1 and 2 clear")
    version = 2
    proj_key = sum(PROJECT_ID.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted, enc1, enc2 = proj_key, seed ^ proj_key, seed ^ version
    for byte in struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((unencrypted + enc2) & 0xFF)
        out.append(byte_enc)
        enc2, enc1, unencrypted = enc1, byte_enc, byte
    return out.hex().upper()


def project_stream(mods: list[Module]) -> bytes:
    """The PROJECT stream (MS-OVBA 2.3.1): module list, name, and an unlocked, visible protection state."""
    lines = [f'ID="{PROJECT_ID}"']
    lines += [f"Document={m.name}/&H00000000" if m.document else f"Module={m.name}" for m in mods]
    lines += [
        f'Name="{PROJECT_NAME}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(bytes(4), 0x11)}"',  # protection state: none
        f'DPB="{encrypt(bytes(1), 0x21)}"',  # password: none
        f'GC="{encrypt(bytes([0xFF]), 0x31)}"',  # visibility: visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
    ]
    return _mbcs("\r\n".join(lines))


def project_wm_stream(mods: list[Module]) -> bytes:
    """PROJECTwm: every module name in the code page and in UTF-16."""
    parts = [_mbcs(m.name) + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in mods]
    return b"".join(parts) + b"\0\0"


#: _VBA_PROJECT with Version 0xFFFF and no performance cache: tells Excel to compile from source.
VBA_PROJECT_STREAM = bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00])


def vba_project_bin(mods: list[Module]) -> bytes:
    vba = {
        "_VBA_PROJECT": VBA_PROJECT_STREAM,
        "dir": compress(dir_stream(mods)),
        **{m.name: compress(_mbcs(m.source)) for m in mods},
    }
    return compound_file({"VBA": vba, "PROJECT": project_stream(mods), "PROJECTwm": project_wm_stream(mods)})


# --- MS-OVBA compression ---------------------------------------------------------------------------------

CHUNK = 4096


def compress(data: bytes) -> bytes:
    """A CompressedContainer (MS-OVBA 2.4.1): signature byte, then one compressed chunk per 4096 bytes."""
    out = bytearray([0x01])
    for start in range(0, len(data), CHUNK):
        body = _compress_chunk(data[start : start + CHUNK])
        if len(body) > CHUNK:  # only incompressible data gets here; VBA source text never does
            raise ValueError("chunk does not compress")
        out += struct.pack("<H", 0x8000 | 0x3000 | (len(body) + 2 - 3)) + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """Token sequences of one chunk: a flag byte, then up to eight literal bytes or copy tokens."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk
    pos = 0
    while pos < len(chunk):
        flag_at, flags = len(out), 0
        out.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            # Offset and length share 16 bits; the split depends on how far into the chunk we are.
            offset_bits = max((pos - 1).bit_length(), 4)
            max_length = (0xFFFF >> offset_bits) + 3
            length, offset = 0, 0
            for earlier in reversed(seen.get(chunk[pos : pos + 3], [])):
                n = 0
                limit = min(max_length, len(chunk) - pos)
                while n < limit and chunk[earlier + n] == chunk[pos + n]:
                    n += 1
                if n > length:
                    length, offset = n, pos - earlier
            step = length if length >= 3 else 1
            if step > 1:
                flags |= 1 << bit
                out += struct.pack("<H", ((offset - 1) << (16 - offset_bits)) | (length - 3))
            else:
                out.append(chunk[pos])
            for p in range(pos, pos + step):
                seen.setdefault(chunk[p : p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


# --- MS-CFB container -------------------------------------------------------------------------------------

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
Tree = dict[str, "bytes | Tree"]


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _cfb_key(name: str) -> tuple[int, str]:
    """MS-CFB sibling order: shorter names first, then by upper-cased name."""
    return len(name), name.upper()


def _flatten(tree: Tree, entries: list[_Entry]) -> int:
    """Append ``tree``'s children to ``entries``; return the id of the root of their binary search tree.

    Every node is black: MS-CFB allows a plain binary tree coloured black throughout."""
    ids = []
    for name in sorted(tree, key=_cfb_key):
        node = tree[name]
        # MS-CFB 2.6.3: a storage's starting sector and size MUST be zero (only streams and the root have data)
        entry = _Entry(name, 2, node) if isinstance(node, bytes) else _Entry(name, 1, start=0)
        entries.append(entry)
        ids.append(len(entries) - 1)
        if not isinstance(node, bytes):
            entry.child = _flatten(node, entries)

    def balanced(lo: int, hi: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        entries[ids[mid]].left = balanced(lo, mid)
        entries[ids[mid]].right = balanced(mid + 1, hi)
        return ids[mid]

    return balanced(0, len(ids))


def _chain(table: list[int], start: int, count: int) -> None:
    table.extend(range(start + 1, start + count))
    table.append(ENDOFCHAIN)


def compound_file(tree: Tree) -> bytes:
    """A version-3 compound file (512-byte sectors) holding ``tree`` (name -> bytes, or name -> subtree).

    Layout: big streams, the mini stream, the mini FAT, the directory, then the FAT. Streams under 4096
    bytes live in the mini stream, as readers expect."""
    entries = [_Entry("Root Entry", 5)]
    entries[0].child = _flatten(tree, entries)
    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        count = -(-len(data) // SECTOR)
        start = len(sectors)
        padded = data.ljust(count * SECTOR, b"\0")
        sectors.extend(padded[i : i + SECTOR] for i in range(0, len(padded), SECTOR))
        _chain(fat, start, count)
        return start

    mini = bytearray()
    minifat: list[int] = []
    for entry in entries:
        if entry.kind != 2 or not entry.data:
            continue
        entry.size = len(entry.data)
        if entry.size >= MINI_CUTOFF:
            entry.start = allocate(entry.data)
        else:
            count = -(-entry.size // MINI_SECTOR)
            entry.start = len(mini) // MINI_SECTOR
            mini += entry.data.ljust(count * MINI_SECTOR, b"\0")
            _chain(minifat, entry.start, count)
    first_minifat, n_minifat = ENDOFCHAIN, 0
    if mini:
        entries[0].start, entries[0].size = allocate(bytes(mini)), len(mini)
        minifat += [FREESECT] * (-len(minifat) % (SECTOR // 4))
        first_minifat = allocate(struct.pack(f"<{len(minifat)}I", *minifat))
        n_minifat = len(minifat) * 4 // SECTOR
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _dir_entry(None) * (-len(entries) % (SECTOR // 128))
    first_dir = allocate(directory)
    n_fat = 1
    while len(fat) + n_fat > n_fat * (SECTOR // 4):
        n_fat += 1
    fat_ids = list(range(len(sectors), len(sectors) + n_fat))
    if n_fat > 109:
        raise ValueError("file too large for a header-only DIFAT")
    fat += [FATSECT] * n_fat
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors.extend(fat_bytes[i : i + SECTOR] for i in range(0, len(fat_bytes), SECTOR))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), bytes(16), 0x003E, 3, 0xFFFE, 9, 6, bytes(6),
        0, n_fat, first_dir, 0, MINI_CUTOFF, first_minifat, n_minifat, ENDOFCHAIN, 0,
    )
    header += struct.pack("<109I", *(fat_ids + [FREESECT] * (109 - n_fat)))
    return header + b"".join(sectors)


def _dir_entry(entry: _Entry | None) -> bytes:
    if entry is None:  # unused slot
        return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0)
    name = entry.name.encode("utf-16-le") + b"\0\0"
    if len(name) > 64:
        raise ValueError(f"name too long for a compound file: {entry.name}")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), entry.kind, 1, entry.left, entry.right, entry.child, bytes(16), 0, 0, 0,
        entry.start, entry.size,
    )


# --- the OOXML package ------------------------------------------------------------------------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_DOC = f"{NS_REL}/officeDocument"
#: Office 2007+ ribbon part (customUI 2006/01 namespace), MS-OI29500 3.4.1.3.
REL_UI = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_CUSTOM = f"{NS_REL}/custom-properties"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _rels(*rels: tuple[str, str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>' for i, (kind, target) in enumerate(rels, 1)
    )
    return f'{XML_DECL}<Relationships xmlns="{NS_PKG_REL}">{items}</Relationships>'


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def package_parts(mods: list[Module]) -> dict[str, bytes]:
    """Every part of the .xlam, in the order written to the zip."""
    content_types = (
        f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/custom.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
        "</Types>"
    )
    workbook = (
        f'{XML_DECL}<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
        '<workbookPr codeName="ThisWorkbook"/>'
        f'<sheets><sheet name="{escape(CONF_SHEET)}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    rows = "".join(
        f'<row r="{i}">{_inline(f"A{i}", key)}{_inline(f"B{i}", value)}</row>'
        for i, (key, value) in enumerate(CONF.items(), 1)
    )
    sheet = (
        f'{XML_DECL}<worksheet xmlns="{NS_MAIN}"><sheetPr codeName="Sheet1"/>'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )
    styles = (
        f'{XML_DECL}<styleSheet xmlns="{NS_MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    # Which xlwings the VBA module came from: juesuan.addin warns when the installed xlwings differs.
    custom = (
        f'{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="xlwings">'
        f"<vt:lpwstr>{escape(xlwings.__version__)}</vt:lpwstr></property></Properties>"
    )
    text_parts = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": _rels(
            (REL_DOC, "xl/workbook.xml"), (REL_UI, "customUI/customUI.xml"), (REL_CUSTOM, "docProps/custom.xml")
        ),
        "docProps/custom.xml": custom,
        "customUI/customUI.xml": CUSTOM_UI.read_text(encoding="utf-8"),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": _rels(
            (f"{NS_REL}/worksheet", "worksheets/sheet1.xml"),
            (f"{NS_REL}/styles", "styles.xml"),
            (REL_VBA, "vbaProject.bin"),
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/styles.xml": styles,
    }
    parts = {name: text.encode("utf-8") for name, text in text_parts.items()}
    parts["xl/vbaProject.bin"] = vba_project_bin(mods)
    return parts


def build() -> bytes:
    """The .xlam as bytes; fixed timestamps and part order make it reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in package_parts(modules()).items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the juesuan Excel add-in (.xlam) from text sources.")
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"output file (default: {OUTPUT})")
    parser.add_argument(
        "--check", action="store_true", help="only compare a fresh build with --out; exit 1 if they differ"
    )
    args = parser.parse_args(argv)
    data = build()
    if args.check:
        current = args.out.read_bytes() if args.out.exists() else b""
        if current != data:
            stale = f"{args.out} is out of date (xlwings {xlwings.__version__}): run python addin/build_xlam.py"
            print(stale, file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data)} bytes, xlwings {xlwings.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
