"""The 情况说明 as paragraphs under their standard sections, read from Word, from text or from a sheet.

Published narratives come out of PDF and Word conversions: sentences broken over two lines (``支出决`` /
``算为3,247.55万元``), headings that lost their numbers, sections in the publisher's own order (tables doc
§3.1/§3.2). Reading therefore joins broken lines back into paragraphs and assigns sections by the words of each
heading, never by its number or position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..grid import Grid, a1
from ..read import InputError

__all__ = ["Document", "Paragraph", "SECTION_NAMES", "document_from_grid", "find_document", "load_document", "section_of"]

#: Section keys and their Chinese names, in the order of the 2023 template.
SECTION_NAMES = {
    "前言": "开头",
    "总体": "收入支出决算总体情况说明",
    "收入": "收入决算情况说明",
    "支出": "支出决算情况说明",
    "财拨": "财政拨款收入支出决算总体情况说明",
    "一般": "一般公共预算财政拨款支出决算情况说明",
    "基本": "一般公共预算财政拨款基本支出决算情况说明",
    "基金": "政府性基金预算财政拨款收入支出决算情况说明",
    "国资": "国有资本经营预算财政拨款支出决算情况说明",
    "三公": "财政拨款“三公”经费支出决算情况说明",
    "其他": "其他重要事项的情况说明",
    "绩效": "预算绩效情况说明",
    "名词": "名词解释",
}

#: Heading words -> section, most specific first (a 三公 sub-heading also says 总体情况; 财政拨款收入支出决算总体
#: contains 收入支出决算总体; 基本支出 headings also name 一般公共预算财政拨款).
_HEADING_WORDS = [
    ("三公", "三公"),
    ("财政拨款收入支出决算总体", "财拨"),
    ("收入支出决算总体", "总体"),
    ("收支决算总体", "总体"),
    ("基本支出决算", "基本"),
    ("一般公共预算财政拨款支出", "一般"),
    ("一般公共预算支出", "一般"),
    ("政府性基金", "基金"),
    ("国有资本经营", "国资"),
    ("收入决算情况", "收入"),
    ("支出决算情况", "支出"),
    ("其他重要事项", "其他"),
    ("机关运行经费", "其他"),
    ("政府采购", "其他"),
    ("国有资产", "其他"),
    ("绩效", "绩效"),
    ("名词解释", "名词"),
]

_ORDINAL = re.compile(r"^\s*(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))\s*")
_AMOUNT = re.compile(r"\d\s*(万元|元|%|％)")
_TERMINAL = tuple("。；：:！？!?")
_SKIPPED = re.compile(r"^\s*(\[image:|（图\d|\(图\d)")


def section_of(text: str) -> str | None:
    """The section a heading line opens, or ``None`` when the line is no heading.

    A heading is short, quotes no amount and carries the words of a standard section; its number (一、,
    （三）) may be missing."""
    line = re.sub(r"\s+", "", text.replace("*", ""))
    if not line or len(line) > 40 or _AMOUNT.search(line) or "。" in line:
        return None
    line = line.replace("收、支", "收支")
    for words, section in _HEADING_WORDS:
        if words in line and (line.endswith(("说明", "情况", "解释")) or _ORDINAL.match(text)):
            return section
    return None


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: 1-based ``number`` (of its first source line or Word paragraph), its text (broken lines
    joined), its section, and where it stands when read from a sheet (``工作表!A5``)."""

    number: int
    text: str
    section: str
    place: str | None = None


@dataclass
class Document:
    """A 情况说明: where it came from (file name or sheet) and its paragraphs."""

    source: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    sheet: str | None = None


def _join(lines: list[tuple[int, str, str | None]], source: str, sheet: str | None = None) -> Document:
    """Paragraphs from source lines (number, text, place): a line that stops mid-sentence is continued by the
    next one unless that one opens a heading or a numbered item; headings set the section."""
    doc = Document(source=source, sheet=sheet)
    section = "前言"
    pending: list[tuple[int, str, str | None]] = []

    def flush() -> None:
        if pending:
            number, _, place = pending[0]
            doc.paragraphs.append(Paragraph(number, "".join(t for _, t, _ in pending), section, place))
            pending.clear()

    for number, text, place in lines:
        if _SKIPPED.match(text):
            flush()
            continue
        heading = section_of(text)
        if heading is not None:
            flush()
            section = heading
            continue
        if pending and (pending[-1][1].rstrip().endswith(_TERMINAL) or _ORDINAL.match(text)):
            flush()
        pending.append((number, text.strip(), place))
    flush()
    return doc


def load_document(path: str | Path) -> Document:
    """The 情况说明 in a Word (.docx) or text (.txt) file; anything else is an :class:`InputError`."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是情况说明文件：{path}")
    if not path.is_file():
        raise InputError(f"找不到情况说明文件：{path}")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        texts = _docx_paragraphs(path)
    elif suffix == ".txt":
        texts = _text_lines(path)
    elif suffix in (".doc", ".wps", ".pdf"):
        raise InputError(f"不能直接读取 {suffix} 文件：请在 Word 或 WPS 中另存为 .docx 后再核对（{path.name}）")
    else:
        raise InputError(f"情况说明须为 .docx 或 .txt 文件：{path.name}")
    lines = [(i, t, None) for i, t in enumerate((t for t in texts if t.strip()), 1)]
    if not lines:
        raise InputError(f"情况说明文件中没有文字：{path.name}")
    return _join(lines, path.name)


def _docx_paragraphs(path: Path) -> list[str]:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx, zipfile and lxml raise several kinds (in English) for damaged files
        raise InputError(f"无法读取 Word 文件（文件损坏或不是 .docx）：{path.name}") from exc
    return [p.text for p in document.paragraphs]


def _text_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法识别文本文件的编码（请存为 UTF-8）：{path.name}")


def document_from_grid(grid: Grid) -> Document:
    """A sheet whose text cells hold the 情况说明, row by row; each paragraph remembers its cell."""
    lines = []
    for r, row in enumerate(grid.values):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.strip():
                lines.append((len(lines) + 1, value, f"{grid.sheet}!{a1(r, c)}"))
    return _join(lines, f"工作表“{grid.sheet}”", sheet=grid.sheet)


def find_document(grids: list[Grid]) -> Document | None:
    """The sheet that holds a 情况说明, found by its content: headings of at least two standard sections and
    amounts in 万元 or 元. The sheet with the most such headings wins."""
    best: tuple[int, Grid] | None = None
    for grid in grids:
        texts = [v for row in grid.values for v in row if isinstance(v, str)]
        sections = {s for s in map(section_of, texts) if s is not None}
        if len(sections) >= 2 and any(re.search(r"\d\s*万?元", t) for t in texts):
            if best is None or len(sections) > best[0]:
                best = (len(sections), grid)
    return document_from_grid(best[1]) if best else None
