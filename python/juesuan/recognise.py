"""Recognising the nine 部门决算公开表 on a sheet, wherever they start and however the region lays them out.

A sheet is classified by its title words, falling back to its header words - never by sheet name or
position. Then the header block, the code or label column, the amount columns (by their header words,
through merged cells) and the data lines are located, and every amount is parsed once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from decimal import Decimal

from .grid import Grid, norm_text
from .numbers import NotANumber
from .tables import CLASS_CODES, Line, Table

__all__ = ["NotATable", "recognise"]

HEAD_ROWS = 30  # the title and header block sit within the first rows of the table
_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)]?[、.．]")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})(\D.*)$")
_TRAILING_PAREN = re.compile(r"（[^（）]*）$")


class NotATable(Exception):
    """The sheet holds no known 公开 table; the message is the Chinese reason shown as ``skipped``."""


@lru_cache(maxsize=65536)
def clean_label(text: str) -> str:
    """Label without ordinal (``五、``), ``其中：``, leading dashes or a trailing note like ``（含专用结余）``."""
    text = norm_text(text).lstrip("-—－")
    text = _ORDINAL.sub("", text)
    if text.startswith("其中："):
        text = text[3:]
    return _TRAILING_PAREN.sub("", text) if not text.endswith("（境）") else text


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


def _title_kind(text: str) -> str | None:
    if "决算" not in text or len(text) > 80:
        return None
    for kind, stems in TITLE_STEMS:
        if any(s in text for s in stems):
            return kind
    return None


def classify(grid: Grid) -> tuple[str, str, tuple[int, int]]:
    """(kind, printed title, title cell); raises NotATable with the reason."""
    for r in range(min(grid.n_rows, HEAD_ROWS)):
        for c, value in enumerate(grid.values[r]):
            if isinstance(value, str) and "算" in value:  # every title says 决算
                kind = _title_kind(norm_text(value))
                if kind:
                    return kind, value.strip(), (r, c)
    words = {clean_label(grid.text(r, c)) for r in range(min(grid.n_rows, HEAD_ROWS)) for c in range(grid.n_cols)}
    for kind, signature in HEADER_SIGNATURES:
        if signature <= words:
            return kind, "", (0, 0)
    if not any(v is not None for row in grid.values for v in row):
        raise NotATable("空工作表")
    raise NotATable("未识别为部门决算公开表或绩效自评表：没有找到表名（如“收入支出决算总表”“项目支出绩效自评表”）或可辨认的表头")


def _unit(grid: Grid, last_row: int) -> str:
    for r in range(min(last_row + 1, grid.n_rows)):
        for c in range(grid.n_cols):
            text = grid.text(r, c)
            if "单位" in text and text.endswith("元"):
                return "万元" if text.endswith("万元") else "元"
    return "万元"


# --- column headers -------------------------------------------------------------------------------------------

Columns = list[tuple[str, tuple[str, ...], str | None]]  # (key, accepted leaf words, required parent word)

CODE_TABLE_COLUMNS: dict[str, Columns] = {
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
    "公开05": [("小计", ("小计", "合计"), None), ("基本支出", ("基本支出",), None), ("项目支出", ("项目支出",), None)],
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

_SANGONG_LEAVES = [
    ("合计", ("合计",)),
    ("出国", ("因公出国（境）费", "因公出国（境）费用", "因公出国费")),
    ("车小计", ("小计", "公务用车购置及运行维护费")),
    ("车购置", ("公务用车购置费", "公务用车购置")),
    ("车运维", ("公务用车运行维护费", "公务用车运行费")),
    ("接待", ("公务接待费",)),
]
SANGONG_COLUMNS: Columns = [
    (f"{part}.{key}", leaves, part) for part in ("预算", "决算") for key, leaves in _SANGONG_LEAVES
]
TWO_SIDED_COLUMNS: dict[str, dict[str, Columns]] = {
    "公开01": {"I": [("决算数", ("决算数", "金额", "本年决算数"), None)], "E": [("决算数", ("决算数", "金额", "本年决算数"), None)]},
    "公开04": {
        "I": [("决算数", ("金额", "决算数"), None)],
        "E": [
            ("合计", ("合计", "小计"), None),
            ("一般", ("一般公共预算财政拨款",), None),
            ("基金", ("政府性基金预算财政拨款",), None),
            ("国资", ("国有资本经营预算财政拨款",), None),
        ],
    },
}
DETAIL_COLUMNS: Columns = [("决算数", ("决算数", "金额", "合计"), None)]


def _is_column_number_row(grid: Grid, row: int) -> bool:
    """The 栏次 row: the word 栏次, or only the bare numbers 1, 2, 3 … (公开09)."""
    texts = [grid.text(row, c) for c in range(grid.n_cols)]
    if "栏次" in texts:
        return True
    nums = [t for t in texts if t]
    return len(nums) >= 2 and all(t.isdigit() for t in nums) and [int(t) for t in nums] == list(range(1, len(nums) + 1))


def _path(grid: Grid, rows: range, col: int, first_col: int) -> list[str]:
    """The header words above an amount column, top to bottom. An empty cell in an upper header row belongs
    to the group on its left (a merge that was undone, or never made), so it is read from there."""
    leaf = max((r for r in rows if not _is_column_number_row(grid, r)), default=rows.stop - 1)
    out: list[str] = []
    for r in rows:
        text = clean_label(grid.header_text(r, col))
        if not text and r < leaf:
            left = next((c for c in range(col - 1, first_col - 1, -1) if grid.header_text(r, c)), None)
            text = clean_label(grid.header_text(r, left)) if left is not None else ""
        if text and text != "栏次" and not text.isdigit() and (not out or out[-1] != text):
            out.append(text)
    return out


def _match_columns(grid: Grid, rows: range, cols: range, spec: Columns) -> dict[str, int]:
    found: dict[str, int] = {}
    for c in cols:
        path = _path(grid, rows, c, cols.start)
        if not path:
            continue
        for key, leaves, parent in spec:
            if key in found or path[-1] not in leaves:
                continue
            if parent and not any(parent in p for p in path[:-1]):
                continue
            found[key] = c
            break
    return found


# --- table layouts --------------------------------------------------------------------------------------------


def _find_row(grid: Grid, start: int, test: Callable[[str], bool], min_hits: int = 1) -> tuple[int, list[int]] | None:
    """The first header row below ``start`` with enough cells passing ``test``, and those cells' columns
    (a merged area counts once, at its first column)."""
    for r in range(start, min(grid.n_rows, start + HEAD_ROWS)):
        hits = [c for c in range(grid.n_cols) if grid.merge_origin(r, c)[1] == c and test(grid.header_text(r, c))]
        if len(hits) >= min_hits:
            return r, hits
    return None


def _is_code_header(text: str) -> bool:
    return text.endswith(("代码", "编码")) and len(text) <= 10


def _header_end(grid: Grid, first: int) -> int:
    """Last header row: the 栏次 row if there is one right below, else ``first``."""
    for r in range(first + 1, min(first + 3, grid.n_rows)):
        if _is_column_number_row(grid, r):
            return r
    return first


def _notes_from(grid: Grid, row: int) -> list[str]:
    """The text lines below a table: its notes (``注：…``), kept for the empty-table rule."""
    notes = []
    for r in range(row, grid.n_rows):
        texts = [str(v).strip() for v in grid.values[r] if isinstance(v, str) and v.strip()]
        if texts:
            notes.append(" ".join(texts))
    return notes


def _starts_note(text: str) -> bool:
    """``注：…`` below a table starts its notes (but 注册…/注销… are ordinary labels)."""
    return text.startswith("注") and not text.startswith(("注册", "注销"))


def _code_and_name(code_text: str, name_text: str) -> tuple[str, str]:
    """Split ``2050303技校教育`` typed into the code cell when the name cell is empty."""
    if not _CODE.match(code_text):
        m = _CODE_NAME.match(code_text)
        if m and not name_text:
            return m.group(1), m.group(2)
    return code_text, name_text


def _level(code: str, detail: bool) -> str:
    if detail:
        return "类" if len(code) == 3 else "款"
    return {3: "类", 5: "款", 7: "项"}[len(code)]


def _parse_code_table(grid: Grid, kind: str, title_row: int) -> tuple[list[Line], list[str], int]:
    found = _find_row(grid, title_row, _is_code_header)
    if not found:
        raise NotATable("找到了表名，但没有找到“科目代码”表头列")
    code_row, hits = found
    code_col = hits[0]
    name_col = next((c for c in range(code_col + 1, grid.n_cols) if grid.header_text(code_row, c).startswith("科目名称")), code_col + 1)
    first = code_row
    while first > title_row + 1 and any(grid.header_text(first - 1, c) for c in range(name_col + 1, grid.n_cols)) and not any(
        "单位：" in grid.text(first - 1, c) for c in range(grid.n_cols)
    ):
        first -= 1
    last = _header_end(grid, code_row)
    columns = _match_columns(grid, range(first, last + 1), range(name_col + 1, grid.n_cols), CODE_TABLE_COLUMNS[kind])
    if not columns:
        raise NotATable("找到了表名，但表头中没有可识别的金额列")
    header_words = {grid.header_text(r, c) for r in range(first, last + 1) for c in range(grid.n_cols)} - {""}
    lines: list[Line] = []
    notes: list[str] = []
    for r in range(last + 1, grid.n_rows):
        code_text, name_text = _code_and_name(grid.text(r, code_col), grid.text(r, name_col))
        if _starts_note(code_text) or _starts_note(name_text):
            notes = _notes_from(grid, r)
            break
        if code_text in header_words or name_text in ("科目名称", "栏次") or (
            not code_text and not name_text and _is_column_number_row(grid, r)
        ):
            continue  # a header block repeated after a page break
        cells = {key: (r, c) for key, c in columns.items()}
        if "合计" in code_text or (("合计" in name_text or "总计" in name_text) and clean_label(name_text) in ("合计", "总计")):
            lines.append(Line("合计", "合计", "合计", r, cells, anchor=(r, code_col)))
        elif _CODE.match(code_text):
            raw_name = grid.get(r, name_col)
            label = str(raw_name).strip() if raw_name is not None else ""
            lines.append(Line(code_text, label, _level(code_text, False), r, cells, code=code_text, anchor=(r, code_col)))
        elif any(not grid.is_blank(r, c) for c in columns.values()) or code_text or name_text:
            lines.append(Line(f"?{r + 1}", name_text or code_text, "未识别", r, cells, anchor=(r, code_col)))
    return lines, notes, last


def _parse_detail_table(grid: Grid, title_row: int) -> tuple[list[Line], list[str], int]:
    """公开06: blocks of (科目代码, 科目名称, 决算数) side by side or one under the other."""
    found = _find_row(grid, title_row, _is_code_header)
    if not found:
        raise NotATable("找到了表名，但没有找到“科目代码”表头列")
    code_row, code_cols = found
    blocks = []
    for i, c in enumerate(code_cols):
        end = code_cols[i + 1] if i + 1 < len(code_cols) else grid.n_cols
        amounts = _match_columns(grid, range(max(code_row - 1, 0), code_row + 1), range(c + 2, end), DETAIL_COLUMNS)
        if "决算数" in amounts:
            blocks.append((c, c + 1, amounts["决算数"]))
    if not blocks:
        raise NotATable("找到了表名，但没有找到“决算数”列")
    lines: list[Line] = []
    notes: list[str] = []
    for r in range(code_row + 1, grid.n_rows):
        first_text = next((grid.text(r, c) for c in range(grid.n_cols) if grid.text(r, c)), "")
        if _starts_note(first_text):
            notes = _notes_from(grid, r)
            break
        for code_col, name_col, amount_col in blocks:
            code_text, name_text = _code_and_name(grid.text(r, code_col), grid.text(r, name_col))
            if _is_code_header(code_text) or code_text in ("人员经费", "公用经费"):
                continue
            cells = {"决算数": (r, amount_col)}
            label = name_text if "合计" in name_text else code_text
            if "合计" in label:
                key = clean_label(label)
                lines.append(Line(key, key, "合计", r, cells, anchor=(r, code_col)))
            elif _CODE.match(code_text) and len(code_text) in (3, 5):
                raw_name = grid.get(r, name_col)
                label = str(raw_name).strip() if raw_name is not None else ""
                lines.append(Line(code_text, label, _level(code_text, True), r, cells, code=code_text, anchor=(r, code_col)))
    return lines, notes, code_row


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


def _parse_two_sided(grid: Grid, kind: str, title_row: int) -> tuple[list[Line], list[str], int]:
    """公开01/04: an income block and an expense block side by side, each 项目 | 行次 | amounts."""
    found = _find_row(grid, title_row, lambda t: t == "项目", min_hits=2)
    if not found:
        raise NotATable("找到了表名，但没有找到收入、支出两栏的“项目”表头")
    head, starts = found
    last = _header_end(grid, head)
    sides = []
    for i, start in enumerate(starts[:2]):
        end = starts[i + 1] if i + 1 < len(starts) else grid.n_cols
        above = grid.header_text(head - 1, start) if head else ""
        side = "E" if "支出" in above else "I" if "收入" in above else ("I", "E")[i]
        line_col = next((c for c in range(start + 1, end) if grid.header_text(head, c) == "行次"), None)
        cols = _match_columns(grid, range(max(head - 1, 0), last + 1), range(start + 1, end), TWO_SIDED_COLUMNS[kind][side])
        if not cols:
            raise NotATable(f"{'收入' if side == 'I' else '支出'}栏没有可识别的金额列")
        sides.append((side, start, line_col, cols))
    lines: list[Line] = []
    notes: list[str] = []
    after_opening = False
    for r in range(last + 1, grid.n_rows):
        if _starts_note(grid.text(r, starts[0])):
            notes = _notes_from(grid, r)
            break
        if grid.text(r, starts[0]) in ("项目", "栏次") or (not grid.text(r, starts[0]) and _is_column_number_row(grid, r)):
            continue
        for side, label_col, line_col, cols in sides:
            label = clean_label(grid.text(r, label_col))
            if not label:
                continue
            lineno = None
            if line_col is not None:
                try:
                    num = grid.number(r, line_col)
                    lineno = int(num) if num is not None else None
                except NotANumber:
                    lineno = None
            if side == "I":
                key = _income_key(label, after_opening)
                after_opening = after_opening or key == "年初结转和结余"
                code = None
            else:
                key, code = _expense_key(label)
            cells = {k: (r, c) for k, c in cols.items()}
            raw = str(grid.get(r, label_col)).strip()
            lines.append(Line(key, raw, "类" if code else "行", r, cells, side=side, code=code, lineno=lineno, anchor=(r, label_col)))
    return lines, notes, last


def _parse_sangong(grid: Grid, title_row: int) -> tuple[list[Line], list[str], int]:
    found = _find_row(grid, title_row, lambda t: t.startswith(("预算", "决算")) or t.endswith(("预算数", "决算数")), min_hits=2)
    if not found:
        raise NotATable("找到了表名，但没有找到“预算数”“决算数”表头")
    head, _ = found
    data = None
    for r in range(head + 1, min(grid.n_rows, head + HEAD_ROWS)):
        if _is_column_number_row(grid, r):
            continue
        numeric = sum(isinstance(v, (int, float)) or (isinstance(v, str) and v.strip().replace(",", "").replace(".", "").isdigit()) for v in grid.values[r])
        if numeric >= 3:
            data = r
            break
    if data is None:
        raise NotATable("三公经费表没有数据行")
    cols = _match_columns(grid, range(head, data), range(grid.n_cols), SANGONG_COLUMNS)
    if not cols:
        raise NotATable("三公经费表表头中没有可识别的金额列")
    line = Line("三公", "三公经费", "行", data, {k: (data, c) for k, c in cols.items()}, anchor=(data, min(cols.values())))
    return [line], _notes_from(grid, data + 1), data - 1


def _count_leaves(lines: list[Line]) -> None:
    """How many leaf items sit under each line: the k of the rounding tolerance for aggregated cells."""
    codes = {ln.code for ln in lines if ln.code}
    parents = {c[:n] for c in codes for n in (3, 5) if len(c) > n}
    under: Counter[str] = Counter()
    for leaf in codes - parents:
        for n in range(3, len(leaf) + 1, 2):
            under[leaf[:n]] += 1
    for ln in lines:
        if ln.code:
            ln.leaves = max(1, under[ln.code])
        elif ln.level == "合计":
            ln.leaves = max(1, len(codes - parents))


def _read_values(table: Table) -> None:
    """Parse every amount cell once; numbers typed as numbers take the fast path."""
    grid = table.grid
    seen: dict[float, Decimal] = {}  # amounts repeat (0.00 above all): convert each float once
    for line in table.lines:
        for pos in line.cells.values():
            raw = grid.get(*pos)
            if type(raw) is float:
                value = seen.get(raw)
                if value is None:
                    value = seen[raw] = Decimal(repr(raw))
                table.values[pos] = value
                continue
            try:
                value = grid.number(*pos)
            except NotANumber:
                table.values[pos] = None
                table.issues.append(("V02", pos, raw, None))
                continue
            table.values[pos] = value
            if isinstance(raw, str) and value is not None:
                table.issues.append(("V01", pos, raw, value))


def recognise(grid: Grid) -> Table:
    """The table on this sheet, fully located and parsed; raises NotATable with the reason."""
    kind, title, title_cell = classify(grid)
    title_row = title_cell[0]
    if kind in ("公开01", "公开04"):
        lines, notes, header_end = _parse_two_sided(grid, kind, title_row)
    elif kind == "公开06":
        lines, notes, header_end = _parse_detail_table(grid, title_row)
    elif kind == "公开09":
        lines, notes, header_end = _parse_sangong(grid, title_row)
    else:
        lines, notes, header_end = _parse_code_table(grid, kind, title_row)
    if not lines:
        raise NotATable(f"{kind}表头已识别，但表中没有数据行")
    _count_leaves(lines)
    columns = sorted({k for ln in lines for k in ln.cells}, key=lambda k: min(ln.cells[k][1] for ln in lines if k in ln.cells))
    table = Table(kind, grid, title, title_cell, _unit(grid, header_end), 2, columns, lines, notes)
    _read_values(table)
    return table
