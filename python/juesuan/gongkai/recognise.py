"""Recognising the nine 部门决算公开表 on a sheet, wherever they start and however the region lays them out.

A table is found by its title words, falling back to its header words - never by sheet name or position -
and several tables may stand one under another on one sheet. The header block, its columns' label paths and
the code columns come from the shared layout layer; here they are matched to the table's canonical columns,
the data lines are read, and every amount column is converted once into exact integers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..amounts import read_units, rescale
from ..grid import Grid, norm_text
from ..layout import (
    CodeColumns,
    CodeComposer,
    HeaderBlock,
    SheetIndex,
    clean_label,
    code_columns,
    code_part,
    header_block,
    header_bottom,
    is_note,
    is_number_row,
    is_total_label,
)
from ..numbers import NotANumber, parse_number
from .tables import CLASS_CODES, Block, Line, Table

__all__ = ["NotATable", "recognise", "recognise_sheet", "title_kind"]

HEAD_ROWS = 30  # the title, frame lines and header of a table sit within this many rows
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})(\D.*)$")
_FRAME = re.compile(r"公开\d{1,2}表|财决\d{1,2}表|单位[：:]|^部门|^编制|年度|^\d{4}年$|^单位$|^（?万?元）?$")
_LEVELS = {3: "类", 5: "款", 7: "项"}
#: Blank rows that end a table's notes: a line far below is no 注 of this table (and a stray cell a million rows
#: down does not make every table walk there).
_NOTE_GAP = 20


class NotATable(Exception):
    """The sheet holds no known 公开 table; the message is the Chinese reason shown as ``skipped``."""


# --- classification -----------------------------------------------------------------------------------------

#: Most specific stems first: 公开04 contains 公开01's stem, 公开05 contains 公开03's.
TITLE_STEMS: list[tuple[str, tuple[str, ...]]] = [
    ("公开09", ("三公",)),
    ("公开04", ("财政拨款收入支出决算总表",)),
    ("公开01", ("收入支出决算总表",)),
    ("公开06", ("基本支出决算",)),
    ("公开05", ("一般公共预算财政拨款支出决算",)),
    ("公开07", ("政府性基金预算财政拨款",)),
    ("公开08", ("国有资本经营预算财政拨款",)),
    ("公开02", ("收入决算表",)),
    ("公开03", ("支出决算表",)),
]

#: Header words that identify a table when the title is missing (juesuan-tables.md §3.3).
HEADER_SIGNATURES: list[tuple[str, frozenset[str]]] = [
    ("公开09", frozenset({"预算数", "决算数", "公务接待费"})),
    ("公开06", frozenset({"人员经费", "公用经费"})),
    ("公开02", frozenset({"本年收入合计", "财政拨款收入", "上级补助收入"})),
    ("公开03", frozenset({"本年支出合计", "基本支出", "项目支出", "上缴上级支出"})),
    ("公开07", frozenset({"年初结转和结余", "本年收入", "本年支出", "年末结转和结余"})),
    ("公开04", frozenset({"收入", "支出", "一般公共预算财政拨款", "政府性基金预算财政拨款"})),
    ("公开01", frozenset({"收入", "支出", "行次", "决算数"})),
]


def title_kind(text: str) -> str | None:
    """The table a title names (``支出决算表`` → 公开03), or ``None`` for any other text."""
    if "决算" not in text or len(text) > 80 or is_note(text):
        return None
    for kind, stems in TITLE_STEMS:
        if any(s in text for s in stems):
            return kind
    return None


@dataclass(frozen=True)
class _Start:
    kind: str
    title: str
    cell: tuple[int, int]
    body: int  # first row after the title


def _find_title(index: SheetIndex, start: int, stop: int) -> _Start | None:
    for r in range(start, min(stop, index.n_rows)):
        texts = index.texts(r)
        if not texts or len(texts) > 4:
            continue
        for c, text in texts.items():
            if "算" in text and (kind := title_kind(text)):
                return _Start(kind, str(index.grid.get(r, c)).strip(), (r, c), r + 1)
    return None


def _find_by_header(index: SheetIndex) -> _Start | None:
    rows = range(min(index.n_rows, HEAD_ROWS))
    words = {clean_label(t) for r in rows for t in index.texts(r).values()}
    for kind, signature in HEADER_SIGNATURES:
        if signature <= words:
            first = next(r for r in rows if index.texts(r) and not _is_frame(index.texts(r)))
            return _Start(kind, "", (first, min(index.texts(first))), first)
    return None


def _is_frame(texts: dict[int, str]) -> bool:
    """A line of the frame printed between title and header: 公开01表, 部门（单位）：…, 2023年度, 金额单位：万元."""
    return bool(texts) and all(_FRAME.search(t) for t in texts.values())


def _header_top(index: SheetIndex, start: int) -> int:
    for r in range(start, min(index.n_rows, start + HEAD_ROWS)):
        texts = index.texts(r)
        if texts and not _is_frame(texts):
            return r
    raise NotATable("找到了表名，但表名下方没有表头")


def _unit(index: SheetIndex, first: int, last: int) -> str:
    for r in range(first, last + 1):
        for text in index.texts(r).values():
            if "单位" in text and text.rstrip("）)").endswith("元"):
                return "万元" if "万元" in text else "元"
    return "万元"


# --- column headers -------------------------------------------------------------------------------------------

Spec = list[tuple[str, tuple[str, ...], str | None]]  # (key, accepted leaf words, required ancestor word)

CODE_TABLE_COLUMNS: dict[str, Spec] = {
    "公开02": [
        ("本年收入合计", ("本年收入合计", "收入合计", "合计"), None),
        ("财政拨款收入", ("财政拨款收入",), None),
        ("上级补助收入", ("上级补助收入",), None),
        ("事业收入", ("事业收入",), None),
        ("经营收入", ("经营收入",), None),
        ("附属单位上缴收入", ("附属单位上缴收入",), None),
        ("其他收入", ("其他收入",), None),
    ],
    "公开03": [
        ("本年支出合计", ("本年支出合计", "支出合计", "合计"), None),
        ("基本支出", ("基本支出",), None),
        ("项目支出", ("项目支出",), None),
        ("上缴上级支出", ("上缴上级支出",), None),
        ("经营支出", ("经营支出",), None),
        ("对附属单位补助支出", ("对附属单位补助支出",), None),
    ],
    "公开05": [
        ("小计", ("小计", "合计", "本年支出"), None),
        ("基本支出", ("基本支出",), None),
        ("项目支出", ("项目支出",), None),
    ],
    "公开07": [
        ("年初结转和结余", ("年初结转和结余",), None),
        ("本年收入", ("本年收入",), None),
        ("小计", ("小计", "合计"), "本年支出"),
        ("基本支出", ("基本支出",), None),
        ("项目支出", ("项目支出",), None),
        ("年末结转和结余", ("年末结转和结余",), None),
    ],
}
CODE_TABLE_COLUMNS["公开08"] = CODE_TABLE_COLUMNS["公开05"]

TWO_SIDED_COLUMNS: dict[str, dict[str, Spec]] = {
    "公开01": {
        "I": [("决算数", ("决算数", "金额", "本年决算数", "合计"), None)],
        "E": [("决算数", ("决算数", "金额", "本年决算数", "合计"), None)],
    },
    "公开04": {
        "I": [("决算数", ("金额", "决算数", "合计", "小计"), None)],
        "E": [
            ("合计", ("合计", "小计", "决算数"), None),
            ("一般", ("一般公共预算财政拨款",), None),
            ("基金", ("政府性基金预算财政拨款",), None),
            ("国资", ("国有资本经营预算财政拨款",), None),
        ],
    },
}
DETAIL_COLUMNS: Spec = [("决算数", ("决算数", "金额", "合计", "本年决算数"), None)]


def _match(block: HeaderBlock, spec: Spec, first: int, stop: int | None = None) -> dict[str, int]:
    """Canonical key → column for the amount columns between ``first`` and ``stop``, by each column's leaf
    word (and an ancestor word where the spec requires one); each column and each key used once."""
    found: dict[str, int] = {}
    for column in block.columns:
        if column.col < first or (stop is not None and column.col >= stop) or not column.path:
            continue
        for key, leaves, parent in spec:
            if key in found or column.leaf not in leaves:
                continue
            if parent and not any(parent in p for p in column.path[:-1]):
                continue
            found[key] = column.col
            break
    return found


def _numbers(block: HeaderBlock, columns: dict[str, int]) -> dict[str, int]:
    out = {}
    for key, col in columns.items():
        column = block.column(col)
        if column is not None and column.number is not None:
            out[key] = column.number
    return out


def _where(start: _Start, block: HeaderBlock) -> str:
    """Where the recogniser looked, for a reason: the title and the header it read."""
    title = f"表名“{start.title}”（{start.kind}）" if start.title else f"{start.kind}的表头词"
    return f"找到{title}，表头在第 {block.top + 1}–{block.bottom + 1} 行（{block.describe() or '空'}）"


def _block(index: SheetIndex, start: _Start) -> HeaderBlock:
    top = _header_top(index, start.body)
    return header_block(index, top, header_bottom(index, top))


# --- data lines -------------------------------------------------------------------------------------------------


class _Rows:
    """What every table's data loop asks of a row beyond its own columns: does it start the notes, another
    table, or repeat the header?"""

    def __init__(self, index: SheetIndex, header: HeaderBlock) -> None:
        self.index = index
        self.words = header.words

    def stops(self, text: str) -> bool:
        """A row beginning with this text ends the table's lines (notes or the next table's title)."""
        return is_note(text) or (len(text) >= 5 and "算" in text and title_kind(text) is not None)

    def repeats_header(self, row: int) -> bool:
        """A whole row of header words without amounts (a page break's repeated header, a 栏次 row)."""
        texts = self.index.texts(row)
        if is_number_row(texts):
            return True
        words = [t for t in texts.values() if t in self.words]
        return len(words) >= 2 and len(words) == len(texts)

    def notes(self, first: int) -> tuple[list[str], int]:
        """The note lines from ``first`` to the next table's title (exclusive) and the last row taken."""
        notes: list[str] = []
        last = first - 1
        for r in range(first, self.index.n_rows):
            texts = self.index.texts(r)
            if texts and r > first and any(title_kind(t) for t in texts.values()):
                break
            if not texts and r - last > _NOTE_GAP:
                break
            values = [str(v).strip() for v in self.index.grid.values[r] if isinstance(v, str) and v.strip()]
            if values:
                notes.append(" ".join(values))
                last = r
        return notes, last


def _text(grid: Grid, row: int, col: int | None) -> str:
    return "" if col is None else norm_text(grid.get(row, col))


def _printed(grid: Grid, row: int, col: int | None) -> str:
    value = grid.get(row, col) if col is not None else None
    return "" if value is None else str(value).strip()


def _code_and_name(code_text: str, name_text: str) -> tuple[str, str]:
    """Split ``2050303技校教育`` typed into the code cell when the name cell is empty."""
    if not _CODE.match(code_text):
        m = _CODE_NAME.match(code_text)
        if m and not name_text:
            return m.group(1), m.group(2)
    return code_text, name_text


class _CodeLines:
    """Reads the lines of one group of code columns (科目代码 [split or not] | 科目名称) into a block."""

    def __init__(self, grid: Grid, group: CodeColumns, detail: bool) -> None:
        self.grid = grid
        self.group = group
        self.detail = detail
        self.composer = CodeComposer(group.parts)

    def code(self, row: int) -> tuple[str, str]:
        """(code or label text, name text) of a row."""
        line = self.grid.values[row]
        parts = [code_part(line[c]) if c < len(line) else "" for c in self.group.cols]
        name_col = self.group.name_col
        name = norm_text(line[name_col]) if name_col is not None and name_col < len(line) else ""
        first = self.composer.code(parts) if self.group.split else norm_text(parts[0])
        return _code_and_name(first, name)

    def line(self, row: int, code: str, name: str, block: Block) -> Line | None:
        """The line a coded or total row stands for (``None`` for any other row)."""
        group = self.group
        if _CODE.match(code) and (not self.detail or len(code) in (3, 5)):
            level = _LEVELS[len(code)] if not self.detail else ("类" if len(code) == 3 else "款")
            return Line(code, _printed(self.grid, row, group.name_col) or name, level, row, block, code=code,
                        anchor_col=group.anchor, name_col=group.name_col)
        label = next((t for t in (clean_label(code), clean_label(name)) if is_total_label(t)), None)
        if label is None:
            return None
        key = label if label.endswith("经费合计") else f"{block.name}合计" if self.detail else "合计"
        return Line(key, key, "合计", row, block, anchor_col=group.anchor, name_col=group.name_col)


def _code_table(index: SheetIndex, start: _Start) -> tuple[Table, int]:
    grid = index.grid
    header = _block(index, start)
    groups = code_columns(header, index, header.bottom + 1)
    if not groups:
        raise NotATable(f"{_where(start, header)}，但其中没有“科目代码/科目编码”列")
    group = groups[0]
    first_amount = (group.name_col if group.name_col is not None else group.cols[-1]) + 1
    columns = _match(header, CODE_TABLE_COLUMNS[start.kind], first_amount)
    if not columns:
        raise NotATable(f"{_where(start, header)}，但其中没有可识别的金额列")
    block = Block("", columns, group.anchor, group.name_col, numbers=_numbers(header, columns))
    reader = _CodeLines(grid, group, detail=False)
    rows = _Rows(index, header)
    amount_cols = list(columns.values())
    lines: list[Line] = []
    notes: list[str] = []
    end = grid.n_rows - 1
    values = grid.values
    code_col, name_col, anchor, split = group.cols[0], group.name_col, group.anchor, group.split
    for r in range(header.bottom + 1, grid.n_rows):
        row = values[r]
        if not split:  # the common row: a whole code typed as text or a number, its name beside it
            raw = row[code_col] if code_col < len(row) else None
            kind = type(raw)
            code = raw if kind is str else str(int(raw)) if (kind is float and raw.is_integer()) or kind is int else ""  # type: ignore[union-attr]
            if len(code) in (3, 5, 7) and code.isascii() and code.isdigit():
                name = row[name_col] if name_col is not None and name_col < len(row) else None
                lines.append(Line(code, "" if name is None else str(name).strip(), _LEVELS[len(code)], r, block, 0, code,
                                  None, anchor, name_col))
                continue
        code, name = reader.code(r)
        if code and code[0].isdigit() and _CODE.match(code):
            found = reader.line(r, code, name, block)
            if found:
                lines.append(found)
                continue
        text = code or name or index.first_text(r)
        if not text:
            if any(not _blank(grid.get(r, c)) for c in amount_cols):
                lines.append(Line(f"?{r + 1}", "", "未识别", r, block, anchor_col=group.anchor))
            continue
        if rows.stops(text):
            if is_note(text):
                notes, end = rows.notes(r)
            else:
                end = r - 1
            break
        found = reader.line(r, code, name, block)
        if found:
            lines.append(found)
        elif not rows.repeats_header(r) and not (text in header.words and all(_blank(grid.get(r, c)) for c in amount_cols)):
            lines.append(Line(f"?{r + 1}", name or code, "未识别", r, block, anchor_col=group.anchor))
    return _finish(index, start, header, [block], lines, notes), end


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _detail_table(index: SheetIndex, start: _Start) -> tuple[Table, int]:
    """公开06: groups of (科目代码, 科目名称, 决算数) side by side, the 人员经费 group and the 公用经费 group(s)."""
    grid = index.grid
    header = _block(index, start)
    groups = code_columns(header, index, header.bottom + 1)
    if not groups:
        raise NotATable(f"{_where(start, header)}，但其中没有“科目代码/科目编码”列")
    readers: list[tuple[_CodeLines, Block]] = []
    for i, group in enumerate(groups):
        stop = groups[i + 1].cols[0] if i + 1 < len(groups) else None
        first_amount = (group.name_col if group.name_col is not None else group.cols[-1]) + 1
        columns = _match(header, DETAIL_COLUMNS, first_amount, stop)
        if not columns:
            continue
        head = header.column(group.anchor)
        name = "人员经费" if head and head.has("人员经费") else "公用经费" if head and head.has("公用经费") else ("人员经费", "公用经费")[min(i, 1)]
        readers.append((_CodeLines(grid, group, detail=True), Block(name, columns, group.anchor, group.name_col, numbers=_numbers(header, columns))))
    if not readers:
        raise NotATable(f"{_where(start, header)}，但其中没有“决算数”列")
    rows = _Rows(index, header)
    lines: list[Line] = []
    notes: list[str] = []
    end = grid.n_rows - 1
    for r in range(header.bottom + 1, grid.n_rows):
        first = index.first_text(r)
        if first and rows.stops(first):
            if is_note(first):
                notes, end = rows.notes(r)
            else:
                end = r - 1
            break
        for reader, block in readers:
            code, name = reader.code(r)
            if code in ("人员经费", "公用经费"):
                continue
            found = reader.line(r, code, name, block)
            if found:
                lines.append(found)
    return _finish(index, start, header, [b for _, b in readers], lines, notes), end


def _income_key(label: str, after_opening: bool) -> str:
    for stem, key in (
        ("本年收入合计", "本年收入合计"),
        ("使用非财政拨款结余", "使用非财政拨款结余"),
        ("年初", "年初结转和结余"),
        ("总计", "总计"),
        ("上级补助收入", "上级补助收入"),
        ("事业收入", "事业收入"),
        ("经营收入", "经营收入"),
        ("附属单位上缴收入", "附属单位上缴收入"),
        ("其他收入", "其他收入"),
    ):
        if stem in label:
            return key
    for fund in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"):
        if label.startswith(fund):
            return f"年初.{fund}" if after_opening else fund
    return label


def _expense_key(label: str) -> tuple[str, str | None]:
    for stem, key in (("本年支出合计", "本年支出合计"), ("结余分配", "结余分配"), ("年末", "年末结转和结余"), ("总计", "总计")):
        if stem in label:
            return key, None
    name = label[:-2] if label.endswith("支出") else label
    code = CLASS_CODES.get(name)
    return (code, code) if code else (label, None)


def _two_sided(index: SheetIndex, start: _Start) -> tuple[Table, int]:
    """公开01/04: an income block and an expense block side by side, each 项目 | 行次 | amounts."""
    grid = index.grid
    header = _block(index, start)
    labels = [c for c in header.columns if c.leaf.endswith("项目")]
    if len(labels) < 2:
        raise NotATable(f"{_where(start, header)}，但其中没有收入、支出两栏的“项目”列")
    blocks: list[Block] = []
    for i, label in enumerate(labels[:2]):
        stop = labels[i + 1].col if i + 1 < len(labels) else header.right + 1
        side = "E" if label.has("支出") else "I" if label.has("收入") else ("I", "E")[i]
        lineno = next((c.col for c in header.columns if label.col < c.col < stop and c.leaf == "行次"), None)
        columns = _match(header, TWO_SIDED_COLUMNS[start.kind][side], label.col + 1, stop)
        if not columns:
            raise NotATable(f"{_where(start, header)}，但{'收入' if side == 'I' else '支出'}栏中没有可识别的金额列")
        blocks.append(Block(side, columns, label.col, lineno_col=lineno, numbers=_numbers(header, columns)))
    rows = _Rows(index, header)
    lines: list[Line] = []
    notes: list[str] = []
    end = grid.n_rows - 1
    after_opening = False
    for r in range(header.bottom + 1, grid.n_rows):
        first = index.first_text(r)
        if first and rows.stops(first):
            if is_note(first):
                notes, end = rows.notes(r)
            else:
                end = r - 1
            break
        if not first or rows.repeats_header(r):
            continue
        for block in blocks:
            raw = _printed(grid, r, block.label_col)
            label = clean_label(norm_text(raw))
            if not label or label in ("项目", "栏次"):
                continue
            if block.name == "I":
                key = _income_key(label, after_opening)
                after_opening = after_opening or key == "年初结转和结余"
                code = None
            else:
                key, code = _expense_key(label)
            lines.append(Line(key, raw, "类" if code else "行", r, block, code=code, lineno=_lineno(grid, r, block.lineno_col),
                              anchor_col=block.label_col))
    return _finish(index, start, header, blocks, lines, notes), end


def _lineno(grid: Grid, row: int, col: int | None) -> int | None:
    if col is None:
        return None
    try:
        number = parse_number(grid.get(row, col))
    except NotANumber:
        return None
    return int(number) if number is not None and number == number.to_integral_value() else None


_SANGONG_ITEMS: list[tuple[str, Callable[[str], bool]]] = [
    ("车购置", lambda t: "购置" in t and "运行" not in t),
    ("车运维", lambda t: "运行" in t and "购置" not in t),
    ("车小计", lambda t: t == "小计" or ("购置" in t and "运行" in t)),
    ("出国", lambda t: "出国" in t),
    ("接待", lambda t: "接待" in t),
    ("合计", lambda t: t in ("合计", "总计")),
]


def _sangong_key(path: tuple[str, ...]) -> str | None:
    """The 三公 column a header path names, whichever way round it nests: 预算/决算 and the item, the most
    specific item label counting (``公务用车购置及运行维护费 > 公务用车购置费`` is the 购置 column)."""
    stage = next(("预算" if label.startswith("预算") or label.endswith("预算数") else "决算"
                  for label in path if label.startswith(("预算", "决算")) or label.endswith(("预算数", "决算数"))), None)
    if stage is None:
        return None
    for label in reversed(path):
        item = next((key for key, test in _SANGONG_ITEMS if test(label)), None)
        if item:
            return f"{stage}.{item}"
    return None


def _sangong(index: SheetIndex, start: _Start) -> tuple[Table, int]:
    grid = index.grid
    header = _block(index, start)
    columns: dict[str, int] = {}
    for column in header.columns:
        key = _sangong_key(column.path)
        if key and key not in columns:
            columns[key] = column.col
    if not columns:
        raise NotATable(f"{_where(start, header)}，但其中没有可识别的“预算数”“决算数”金额列")
    rows = _Rows(index, header)
    data = header.bottom + 1
    for r in range(header.bottom + 1, min(grid.n_rows, header.bottom + 4)):
        texts = index.texts(r)
        if texts:
            if not rows.stops(index.first_text(r)):
                data = r
            break
    block = Block("", columns, min(columns.values()), numbers=_numbers(header, columns))
    line = Line("三公", "三公经费", "行", data, block, anchor_col=min(columns.values()))
    notes, end = rows.notes(data + 1)
    return _finish(index, start, header, [block], [line], notes), max(end, data)


# --- assembling -------------------------------------------------------------------------------------------------


def _finish(index: SheetIndex, start: _Start, header: HeaderBlock, blocks: list[Block], lines: list[Line],
            notes: list[str]) -> Table:
    if not lines:
        raise NotATable(f"{_where(start, header)}，但表中没有数据行")
    for i, line in enumerate(lines):
        line.index = i
    table = Table(start.kind, index.grid, start.title, start.cell, _unit(index, start.cell[0], header.top), 2, blocks, lines,
                  header, notes)
    _read_amounts(table)
    return table


def _read_amounts(table: Table) -> None:
    """Every amount column read once into exact integers, block by block; reading problems kept as issues of
    their cells."""
    values = table.grid.values
    scales: dict[str, int] = {}
    units_of: dict[str, list[int]] = {key: [0] * len(table.lines) for key in table.columns}
    for block in table.blocks:
        mine = [ln for ln in table.lines if ln.block is block] if len(table.blocks) > 1 else table.lines
        rows = [values[ln.row] for ln in mine]
        for key, col in block.columns.items():
            units, scale, issues = read_units([row[col] if col < len(row) else None for row in rows])
            if scale != scales.setdefault(key, scale):
                top = max(scale, scales[key])
                units_of[key] = rescale(units_of[key], scales[key], top)
                units = rescale(units, scale, top)
                scales[key] = top
            target = units_of[key]
            if mine is table.lines:
                units_of[key] = units
            else:
                for line, unit in zip(mine, units):
                    target[line.index] = unit
            table.issues += [(code, (mine[i].row, col), raw, number) for code, i, raw, number in issues]
    table.scale = max(scales.values(), default=6)
    table.units = {key: rescale(units, scales.get(key, table.scale), table.scale) for key, units in units_of.items()}


PARSERS: dict[str, Callable[[SheetIndex, _Start], tuple[Table, int]]] = {
    "公开01": _two_sided, "公开04": _two_sided, "公开06": _detail_table, "公开09": _sangong,
    **{k: _code_table for k in ("公开02", "公开03", "公开05", "公开07", "公开08")},
}


def recognise_sheet(grid: Grid) -> list[Table]:
    """Every 公开 table on a sheet, top to bottom; raises NotATable with the reason when there is none."""
    index = SheetIndex(grid)
    tables: list[Table] = []
    first = _find_title(index, 0, HEAD_ROWS) or _find_by_header(index)
    if first is None:
        if not any(v is not None for row in grid.values for v in row):
            raise NotATable("空工作表")
        raise NotATable("未识别为部门决算公开表或绩效自评表：没有找到表名（如“收入支出决算总表”“项目支出绩效自评表”）或可辨认的表头")
    start: _Start | None = first
    while start is not None:
        try:
            table, end = PARSERS[start.kind](index, start)
        except NotATable:
            if tables:
                break  # a later title that leads nowhere: keep the tables found above it
            raise
        tables.append(table)
        start = _find_title(index, end + 1, end + 1 + HEAD_ROWS)
    return tables


def recognise(grid: Grid) -> Table:
    """The first table on this sheet, fully located and parsed; raises NotATable with the reason."""
    return recognise_sheet(grid)[0]
