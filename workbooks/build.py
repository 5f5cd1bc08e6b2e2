"""Build workbooks of the nine 部门决算公开表 (公开01–公开09) from an editable in-memory model.

Tests must prove that the checker reads the tables by their content – not by sheet name, sheet order,
cell position or cell type – so they need the same real tables in many layouts. This module is the one
place that knows how an accountant's Excel file of the tables looks: :func:`load_seed_tables` gives the
real 贵州省人力资源和社会保障厅 2023 tables as :class:`TableModel` objects that a test may edit (change a
value, delete a row), and :func:`build_workbook` lays them out, with keyword options for the variants
seen in published files.

Typical use in a test::

    tables = load_seed_tables()
    tables["公开03"].set("2080101", "基本支出", "5655.78")    # break one identity
    tables["公开05"].delete("2080102")                        # drop a 项 row
    wb = build_workbook(tables, start_row=3, numbers_as_text=True)
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

__all__ = [
    "DEFAULT_SEED_DIR",
    "SAMPLES_DIR",
    "SEED_PREFIX",
    "SHEET_NAMES",
    "TABLES_JSON",
    "Block",
    "Layout",
    "Row",
    "TableModel",
    "build_workbook",
    "dump_tables",
    "load_seed_tables",
    "locate",
    "placed_amounts",
    "save_workbook",
    "tables_from_seed_dir",
    "to_amount",
]

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
#: The committed model of the nine tables, so that tests and CI do not need ``../shared``.
TABLES_JSON = SAMPLES_DIR / "gz_2023_tables.json"
#: Where the JSON facts extracted from the seed report live (beside the repository).
DEFAULT_SEED_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seed-tables"
SEED_PREFIX = "000_f2450c121ba04d61"

#: Short sheet names as accountants give them – deliberately unlike the titles, so nothing can rely on them.
SHEET_NAMES: dict[int, str] = {
    1: "收支总表",
    2: "收入决算表",
    3: "支出决算表",
    4: "财拨总表",
    5: "一般公共预算支出",
    6: "基本支出明细",
    7: "政府性基金",
    8: "国有资本经营",
    9: "三公经费",
}

#: 公开02 prints 合计 in the 科目代码 column (seed 000 L177); the other code tables in 科目名称.
_TOTAL_IN_CODE_COLUMN = {2}

#: Fixed workbook timestamp: regenerating the sample must give the same bytes.
_FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)

BlockKind = Literal["line", "code", "plain"]
TotalPosition = Literal["printed", "code", "name", "merged"]
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")


def to_amount(value: object) -> Decimal | None:
    """Model amounts are exact decimals; ``None`` means the printed cell is empty."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value).replace(",", ""))


# --------------------------------------------------------------------------------------------- model


@dataclass
class Row:
    """One printed line of a block: its label cells and its amounts keyed by column name."""

    name: str = ""
    code: str = ""
    line_no: int | None = None
    values: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass
class Block:
    """Columns printed side by side as one unit.

    ``line`` blocks are the 项目 | 行次 | amounts halves of 公开01/04, ``code`` blocks are
    科目代码 | 科目名称 | amounts (公开02/03/05/07/08 and each half of 公开06), ``plain`` is amounts only
    (公开09). ``footer`` is a row printed on the last line after all blocks (公开06 人员经费合计/公用经费合计).
    """

    kind: BlockKind
    columns: list[str]
    rows: list[Row]
    footer: Row | None = None

    @property
    def label_width(self) -> int:
        """Label columns in front of the amounts."""
        return 0 if self.kind == "plain" else 2

    def all_rows(self) -> list[Row]:
        """Rows in print order, footer last."""
        return self.rows + ([self.footer] if self.footer is not None else [])


@dataclass
class TableModel:
    """One 公开 table as printed: frame texts, header, blocks of rows, notes."""

    number: int
    title: str
    department: str
    year: str
    unit: str
    header: list[list[str]]
    col_numbers: list[str]
    blocks: list[Block]
    notes: list[str]
    total_position: Literal["code", "name"] = "name"

    @property
    def key(self) -> str:
        """Dictionary key, e.g. ``公开01``."""
        return f"公开{self.number:02d}"

    @property
    def table_no(self) -> str:
        """The printed table number line, e.g. ``公开01表``."""
        return f"{self.key}表"

    def _matches(self, key: str | int, block: int | None) -> list[tuple[Block, Row]]:
        found = []
        for index, blk in enumerate(self.blocks):
            if block is not None and index != block:
                continue
            for row in blk.all_rows():
                if isinstance(key, int):
                    hit = row.line_no == key
                else:
                    hit = key in (row.code, row.name, _ORDINAL.sub("", row.name)) and key != ""
                if hit:
                    found.append((blk, row))
        return found

    def _one(self, key: str | int, block: int | None) -> tuple[Block, Row]:
        found = self._matches(key, block)
        if len(found) != 1:
            what = "没有" if not found else f"有 {len(found)} 行"
            raise KeyError(f"{self.table_no}中{what}与“{key}”匹配的行；请用科目代码、行次或 block= 指明")
        return found[0]

    def row(self, key: str | int, block: int | None = None) -> Row:
        """The row with this 科目代码, name (ordinal ``八、`` optional) or 行次 (int); ``block`` disambiguates."""
        return self._one(key, block)[1]

    def set(self, key: str | int, column: str, value: object, block: int | None = None) -> None:
        """Change one amount before the workbook is built (``None`` empties the cell)."""
        blk, row = self._one(key, block)
        if column not in blk.columns:
            raise KeyError(f"{self.table_no}没有“{column}”栏；可用：{'、'.join(blk.columns)}")
        row.values[column] = to_amount(value)

    def delete(self, key: str | int, block: int | None = None) -> Row:
        """Remove a row (e.g. a 项 row) so the built table lacks it; returns the removed row."""
        blk, row = self._one(key, block)
        if row is blk.footer:
            blk.footer = None
        else:
            blk.rows[:] = [r for r in blk.rows if r is not row]  # by identity: equal rows may repeat
        return row


# --------------------------------------------------------------------------- seeds and committed JSON


def _split_col_numbers(header: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Separate the 栏次 row (``栏次`` label or bare numbers as in 公开09) from the header proper."""
    last = header[-1]
    texts = [t for t in last if t.strip()]
    if "栏次" in last or (texts and all(t.isdigit() for t in texts)):
        return header[:-1], last
    return header, []


def _table_from_seed(data: dict[str, Any]) -> TableModel:
    number = int(data["table_no"][2:4])
    header, col_numbers = _split_col_numbers([list(r) for r in data["header_rows_per_page"][0]])
    blocks: list[Block]
    if "income_side" in data:
        income_col = header[1][2]
        expense_cols = data.get("expense_columns") or [header[1][5]]
        income = [
            Row(name=r["item"], line_no=r["line_no"], values={income_col: to_amount(r["amount"])})
            for r in data["income_side"]
        ]
        expense = [
            Row(
                name=r["item"],
                line_no=r["line_no"],
                values={c: to_amount(v) for c, v in (r.get("values") or {expense_cols[0]: r["amount"]}).items()},
            )
            for r in data["expense_side"]
        ]
        blocks = [Block("line", [income_col], income), Block("line", list(expense_cols), expense)]
    elif number == 6:
        column = header[1][2]
        blocks = []
        for side in ("人员经费", "公用经费"):
            rows = [
                Row(name=r["name"], code=r["code"], values={column: to_amount(r["amount"])})
                for r in data["rows"]
                if r["side"] == side
            ]
            footer = rows.pop() if rows and not rows[-1].code else None  # 人员经费合计 / 公用经费合计
            blocks.append(Block("code", [column], rows, footer))
    else:
        rows = [
            Row(name=r.get("name", ""), code=r.get("code", ""), values={c: to_amount(v) for c, v in r["values"].items()})
            for r in data["rows"]
        ]
        blocks = [Block("plain" if number == 9 else "code", list(data["columns"]), rows)]
    return TableModel(
        number=number,
        title=data["title"],
        department=data["department"],
        year=data["year"],
        unit=data["unit"],
        header=header,
        col_numbers=col_numbers,
        blocks=blocks,
        notes=list(data["notes"]),
        total_position="code" if number in _TOTAL_IN_CODE_COLUMN else "name",
    )


def tables_from_seed_dir(seed_dir: Path = DEFAULT_SEED_DIR, prefix: str = SEED_PREFIX) -> dict[str, TableModel]:
    """Read the nine ``<prefix>.gkNN.json`` fact files extracted from the seed report."""
    tables = {}
    for n in range(1, 10):
        table = _table_from_seed(json.loads((Path(seed_dir) / f"{prefix}.gk{n:02d}.json").read_text("utf-8")))
        tables[table.key] = table
    return tables


def _encode_row(kind: BlockKind, columns: list[str], row: Row) -> list[Any]:
    values = [None if row.values.get(c) is None else str(row.values[c]) for c in columns]
    if kind == "line":
        return [row.name, row.line_no, *values]
    if kind == "code":
        return [row.code, row.name, *values]
    return values


def _decode_row(kind: BlockKind, columns: list[str], cells: list[Any]) -> Row:
    if kind == "line":
        name, line_no, values = cells[0], cells[1], cells[2:]
        return Row(name=name, line_no=line_no, values=dict(zip(columns, map(to_amount, values))))
    if kind == "code":
        return Row(code=cells[0], name=cells[1], values=dict(zip(columns, map(to_amount, cells[2:]))))
    return Row(values=dict(zip(columns, map(to_amount, cells))))


def dump_tables(tables: Mapping[str, TableModel], path: Path = TABLES_JSON) -> None:
    """Write the compact committed model: one JSON line per printed row, amounts as exact strings."""
    flat: list[str] = []

    def inline(value: list[Any]) -> str:
        flat.append(json.dumps(value, ensure_ascii=False))
        return f"@@{len(flat) - 1}@@"

    doc = {
        "source": f"{SEED_PREFIX}.gk01–gk09.json（../shared/seed-tables），由 make_samples.py --from-seeds 生成",
        "tables": [
            {
                "number": t.number,
                "title": t.title,
                "department": t.department,
                "year": t.year,
                "unit": t.unit,
                "total_position": t.total_position,
                "header": [inline(r) for r in t.header],
                "col_numbers": inline(t.col_numbers),
                "notes": t.notes,
                "blocks": [
                    {
                        "kind": b.kind,
                        "columns": inline(b.columns),
                        "rows": [inline(_encode_row(b.kind, b.columns, r)) for r in b.rows],
                        "footer": None if b.footer is None else inline(_encode_row(b.kind, b.columns, b.footer)),
                    }
                    for b in t.blocks
                ],
            }
            for t in tables.values()
        ],
    }
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    text = re.sub(r'"@@(\d+)@@"', lambda m: flat[int(m.group(1))], text)
    Path(path).write_text(text + "\n", encoding="utf-8")


def load_seed_tables(source: Path | str | None = None) -> dict[str, TableModel]:
    """Fresh, editable models of the nine tables, keyed ``公开01`` … ``公开09``.

    ``source`` defaults to the committed ``samples/gz_2023_tables.json``; a directory is read as the
    seed-tables fact files (see :func:`tables_from_seed_dir`). Every call returns new objects, so a test
    may edit them freely.
    """
    path = TABLES_JSON if source is None else Path(source)
    if path.is_dir():
        return tables_from_seed_dir(path)
    doc = json.loads(path.read_text("utf-8"))
    tables = {}
    for t in doc["tables"]:
        blocks = [
            Block(
                kind=b["kind"],
                columns=b["columns"],
                rows=[_decode_row(b["kind"], b["columns"], r) for r in b["rows"]],
                footer=None if b["footer"] is None else _decode_row(b["kind"], b["columns"], b["footer"]),
            )
            for b in t["blocks"]
        ]
        table = TableModel(
            number=t["number"],
            title=t["title"],
            department=t["department"],
            year=t["year"],
            unit=t["unit"],
            header=t["header"],
            col_numbers=t["col_numbers"],
            blocks=blocks,
            notes=t["notes"],
            total_position=t["total_position"],
        )
        tables[table.key] = table
    return tables


# ---------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """Layout variants, each one independent of the others (all default to the published look).

    * ``start_row``/``start_col`` – 1-based top-left cell of the table (the title line).
    * ``numbers_as_text`` – amounts as text such as ``51,368.15`` instead of numbers.
    * ``code_header`` – replaces the header word ``科目代码`` (e.g. ``科目编码``, ``功能分类科目编码``).
    * ``codes_as_numbers`` – 科目代码 written as integers instead of text.
    * ``total_position`` – where 合计 (and 公开06's 人员/公用经费合计) go: ``printed`` (公开02 in the code
      column, the others in the name column), ``code``, ``name``, or ``merged`` across code and name.
    * ``no_line_numbers`` – drop the 行次 columns of 公开01/04 and every 栏次 row.
    * ``titles_with_number`` – write the ``公开NN表`` line under the title.
    * ``title_suffix`` – appended to the title; ``{nn}`` becomes the table number (``（财决{nn}表）``).
    * ``sheet_order`` – table numbers in sheet order; tables left out are not written.
    * ``dash_for_zero`` – ``—`` instead of 0.00 in the amount cells of tables with 科目代码.
    """

    start_row: int = 1
    start_col: int = 1
    numbers_as_text: bool = False
    code_header: str | None = None
    codes_as_numbers: bool = False
    total_position: TotalPosition = "printed"
    no_line_numbers: bool = False
    titles_with_number: bool = True
    title_suffix: str = ""
    sheet_order: tuple[int, ...] | None = None
    dash_for_zero: bool = False

    @classmethod
    def of(cls, options: Mapping[str, Any]) -> Layout:
        """Options as given to :func:`build_workbook`; unknown names fail loudly instead of being ignored."""
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise TypeError(f"未知的版式选项：{'、'.join(sorted(unknown))}；可用：{'、'.join(sorted(known))}")
        opts = dict(options)
        if opts.get("sheet_order") is not None:
            opts["sheet_order"] = tuple(opts["sheet_order"])
        return cls(**opts)


_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="宋体", size=10)
_TITLE_FONT = Font(name="宋体", size=18, bold=True)
_HEADER_FONT = Font(name="宋体", size=10, bold=True)
_AMOUNT_FORMAT = "#,##0.00"
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
_RIGHT = Alignment(horizontal="right", vertical="center", indent=1)

#: Column widths in Excel character units; wide enough for the longest printed label of each kind.
_WIDTH = {"line_name": 36.0, "line_no": 6.0, "code": 12.0, "code_name": 36.0, "amount": 16.0, "plain": 12.0}


@dataclass
class _Cell:
    """A value and the name of its style in :data:`_STYLES`."""

    value: Any
    style: str


@dataclass
class _Plan:
    """Where everything of one table goes, computed before any cell is written (so tests can ask)."""

    cells: dict[tuple[int, int], _Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    grid_rows: tuple[int, int] = (0, 0)
    header_rows: tuple[int, int] = (0, 0)
    amounts: list[tuple[Row, str, int, int]] = field(default_factory=list)


def _header_merges(rows: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """Merged ranges implied by a printed header: text spans the empty cells to its right, then below.

    A printed header shows a merged cell's text once and blanks for the rest, so ``本年支出,,`` over
    ``小计,基本支出,项目支出`` is one cell three columns wide, and ``本年收入合计`` over an empty cell is one
    cell two rows high.
    """
    height, width = len(rows), len(rows[0]) if rows else 0
    covered: set[tuple[int, int]] = set()
    merges = []
    for r in range(height):
        for c in range(width):
            if (r, c) in covered or not rows[r][c].strip():
                continue
            c2 = c
            while c2 + 1 < width and not rows[r][c2 + 1].strip() and (r, c2 + 1) not in covered:
                c2 += 1
            r2 = r
            while r2 + 1 < height and all(not rows[r2 + 1][k].strip() for k in range(c, c2 + 1)):
                r2 += 1
            covered.update((rr, cc) for rr in range(r, r2 + 1) for cc in range(c, c2 + 1))
            if (r2, c2) != (r, c):
                merges.append((r, c, r2, c2))
    return merges


def _text_lines(text: str, width: float) -> int:
    """Printed lines of a wrapped text: a CJK character takes about two width units."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, math.ceil(units / max(width - 1, 1)))


def _plan(table: TableModel, layout: Layout) -> _Plan:
    plan = _Plan()
    has_codes = any(b.kind == "code" for b in table.blocks)
    drop_line_no = layout.no_line_numbers

    # Column structure: which printed header columns survive (the 行次 ones may be dropped), widths, offsets.
    keep: list[bool] = []
    offsets: list[int] = []
    col = 0
    for blk in table.blocks:
        offsets.append(col)
        if blk.kind == "line":
            keep += [True, not drop_line_no]
            plan.widths += [_WIDTH["line_name"]] + ([] if drop_line_no else [_WIDTH["line_no"]])
            col += 1 if drop_line_no else 2
        elif blk.kind == "code":
            keep += [True, True]
            plan.widths += [_WIDTH["code"], _WIDTH["code_name"]]
            col += 2
        keep += [True] * len(blk.columns)
        plan.widths += [_WIDTH["amount" if blk.kind != "plain" else "plain"]] * len(blk.columns)
        col += len(blk.columns)
    width = col
    if len(keep) != len(table.header[0]):
        raise ValueError(f"{table.table_no}表头有 {len(table.header[0])} 栏，数据块需要 {len(keep)} 栏")

    r0, c0 = layout.start_row, layout.start_col

    def put(r: int, c: int, value: Any, style: str) -> None:
        """Empty printed text is an empty cell, never an empty string."""
        plan.cells[(r, c0 + c)] = _Cell(None if value == "" else value, style)

    def merge(r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            plan.merges.append((r1, c0 + c1, r2, c0 + c2))

    # Title, 公开NN表, and the 部门 | 年度 | 金额单位 line.
    r = r0
    put(r, 0, table.title + layout.title_suffix.format(nn=f"{table.number:02d}"), "title")
    merge(r, 0, r, width - 1)
    plan.heights[r] = 30
    r += 1
    if layout.titles_with_number:
        put(r, 0, table.table_no, "number_line")
        merge(r, 0, r, width - 1)
        r += 1
    dept_end = max(1, math.ceil(width * 0.4)) - 1
    unit_start = width - max(1, width // 4)
    put(r, 0, f"部门（单位）：{table.department}", "frame_left")
    merge(r, 0, r, dept_end)
    put(r, dept_end + 1, table.year, "frame_center")
    merge(r, dept_end + 1, r, unit_start - 1)
    put(r, unit_start, f"金额单位：{table.unit}", "frame_right")
    merge(r, unit_start, r, width - 1)
    r += 1

    # Header rows as printed, then the 栏次 row.
    header = [[t for t, k in zip(row, keep) if k] for row in table.header]
    if layout.code_header:
        header = [[layout.code_header if t == "科目代码" else t for t in row] for row in header]
    header_top = r
    for hr, texts in enumerate(header):
        for c, text in enumerate(texts):
            put(r + hr, c, text, "header")
    spans = {(a, b): (c, d) for a, b, c, d in _header_merges(header)}
    for (a, b), (c, d) in spans.items():
        merge(header_top + a, b, header_top + c, d)
    # Row heights from the wrapped text of each header cell, over the width and rows it spans.
    lines_needed = [1] * len(header)
    for hr, texts in enumerate(header):
        for c, text in enumerate(texts):
            last_row, last_col = spans.get((hr, c), (hr, c))
            lines = _text_lines(text, sum(plan.widths[c : last_col + 1]))
            lines_needed[hr] = max(lines_needed[hr], math.ceil(lines / (last_row - hr + 1)))
    for hr, lines in enumerate(lines_needed):
        plan.heights[header_top + hr] = max(20, 14 * lines + 6)
    r += len(header)
    if table.col_numbers and not drop_line_no:
        for c, text in enumerate(t for t, k in zip(table.col_numbers, keep) if k):
            put(r, c, int(text) if text.isdigit() else text, "label_center")
        r += 1
    plan.header_rows = (header_top, r - 1)

    # Data rows: blocks side by side, line i of every block on one sheet row; footers on a last line.
    total_at = table.total_position if layout.total_position == "printed" else layout.total_position

    def amount(value: Decimal | None) -> Any:
        if value is None:
            return None
        if layout.dash_for_zero and has_codes and value == 0:
            return "—"
        if layout.numbers_as_text:
            return f"{value:,.2f}"
        return float(value)

    def write_row(r: int, blk: Block, off: int, row: Row) -> None:
        c = off
        if blk.kind == "line":
            put(r, c, row.name, "label")
            c += 1
            if not drop_line_no:
                put(r, c, row.line_no, "label_center")
                c += 1
        elif blk.kind == "code":
            if row.code:
                code: Any = int(row.code) if layout.codes_as_numbers else row.code
                put(r, c, code, "code")
                put(r, c + 1, row.name, "label")
            elif total_at == "code":
                put(r, c, row.name, "label_center")
                put(r, c + 1, None, "label")
            elif total_at == "merged":
                put(r, c, row.name, "label_center")
                put(r, c + 1, None, "label")
                merge(r, c, r, c + 1)
            else:
                put(r, c, None, "code")
                put(r, c + 1, row.name, "label_center")
            c += 2
        for column in blk.columns:
            put(r, c, amount(row.values.get(column)), "amount")
            plan.amounts.append((row, column, r, c0 + c))
            c += 1

    def blank_block(r: int, blk: Block, off: int) -> None:
        span = (1 if drop_line_no else 2) if blk.kind == "line" else blk.label_width
        for k in range(span + len(blk.columns)):
            put(r, off + k, None, "label")

    data_top = r
    for i in range(max(len(b.rows) for b in table.blocks)):
        for blk, off in zip(table.blocks, offsets):
            if i < len(blk.rows):
                write_row(r, blk, off, blk.rows[i])
            else:
                blank_block(r, blk, off)
        r += 1
    if any(b.footer is not None for b in table.blocks):
        for blk, off in zip(table.blocks, offsets):
            if blk.footer is not None:
                write_row(r, blk, off, blk.footer)
            else:
                blank_block(r, blk, off)
        r += 1
    plan.grid_rows = (header_top, r - 1)
    for rr in range(data_top, r):
        plan.heights.setdefault(rr, 18)

    # Notes under the table, each on its own merged line.
    for note in table.notes:
        put(r, 0, note, "note")
        merge(r, 0, r, width - 1)
        plan.heights[r] = 15 * _text_lines(note, sum(plan.widths)) + 4
        r += 1
    return plan


_STYLES: dict[str, tuple[Font, Alignment, str | None]] = {
    "title": (_TITLE_FONT, Alignment(horizontal="center", vertical="center"), None),
    "number_line": (_FONT, Alignment(horizontal="right", vertical="center"), None),
    "frame_left": (_FONT, Alignment(horizontal="left", vertical="center"), None),
    "frame_center": (_FONT, Alignment(horizontal="center", vertical="center"), None),
    "frame_right": (_FONT, Alignment(horizontal="right", vertical="center"), None),
    "header": (_HEADER_FONT, _CENTER, None),
    "label": (_FONT, _LEFT, None),
    "label_center": (_FONT, _CENTER, None),
    "code": (_FONT, Alignment(horizontal="left", vertical="center", indent=1), "@"),
    "amount": (_FONT, _RIGHT, _AMOUNT_FORMAT),
    "note": (_FONT, Alignment(horizontal="left", vertical="top", wrap_text=True), None),
}


def _write(ws: Worksheet, plan: _Plan, layout: Layout) -> None:
    top, bottom = plan.grid_rows
    for (r, c), cell in plan.cells.items():
        target = ws.cell(row=r, column=c, value=cell.value)
        font, align, fmt = _STYLES[cell.style]
        target.font = font
        target.alignment = align
        if fmt == "@" and layout.codes_as_numbers:
            fmt = None
        if fmt == _AMOUNT_FORMAT and not isinstance(cell.value, (int, float)):
            fmt = None
        if fmt:
            target.number_format = fmt
        if top <= r <= bottom:
            target.border = _BORDER
    for r1, c1, r2, c2 in plan.merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for k, w in enumerate(plan.widths):
        ws.column_dimensions[get_column_letter(layout.start_col + k)].width = w
    for r, h in plan.heights.items():
        ws.row_dimensions[r].height = h

    last_col = get_column_letter(layout.start_col + len(plan.widths) - 1)
    last_row = max(r for r, _ in plan.cells)
    ws.print_area = f"{get_column_letter(layout.start_col)}{layout.start_row}:{last_col}{last_row}"
    ws.print_title_rows = f"{plan.header_rows[0]}:{plan.header_rows[1]}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def _tables_in_order(tables: Mapping[str, TableModel], layout: Layout) -> list[TableModel]:
    by_number = {t.number: t for t in tables.values()}
    order = layout.sheet_order or tuple(sorted(by_number))
    missing = [n for n in order if n not in by_number]
    if missing:
        raise KeyError(f"sheet_order 中的表不存在：{missing}")
    return [by_number[n] for n in order]


def build_workbook(tables: Mapping[str, TableModel], **options: Any) -> Workbook:
    """One sheet per table, laid out like an accountant's file; options are the fields of :class:`Layout`."""
    layout = Layout.of(options)
    wb = Workbook()
    wb.remove(wb.active)
    chosen = _tables_in_order(tables, layout)
    for table in chosen:
        ws = wb.create_sheet(SHEET_NAMES.get(table.number, table.key))
        _write(ws, _plan(table, layout), layout)
    if chosen:
        wb.properties.title = f"{chosen[0].department}{chosen[0].year}部门决算公开表"
    wb.properties.creator = "juesuan"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    return wb


def placed_amounts(table: TableModel, **options: Any) -> list[tuple[Row, str, str]]:
    """Every amount cell of ``table`` as (row, column name, A1 address) under the given layout options."""
    plan = _plan(table, Layout.of(options))
    return [(row, column, f"{get_column_letter(c)}{r}") for row, column, r, c in plan.amounts]


def locate(table: TableModel, key: str | int, column: str, block: int | None = None, **options: Any) -> str:
    """A1 address of one amount (row found as in :meth:`TableModel.row`) under the given layout options."""
    row = table.row(key, block)
    for placed, col, address in placed_amounts(table, **options):
        if placed is row and col == column:
            return address
    raise KeyError(f"{table.table_no}“{key}”没有“{column}”栏")


def save_workbook(wb: Workbook, path: Path | str) -> None:
    """Save with fixed timestamps (document properties and zip entries) so regenerating is byte-stable."""
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))

