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
from dataclasses import dataclass, field, fields, replace
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
    "STACKED_SHEET",
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
    "where",
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
    * ``blank_zero`` – zero amounts left empty, as units that never print 0.00.
    * ``split_codes`` – the 科目代码 printed over 类 | 款 | 项 columns (公开06: 类 | 款) under the merged code
      header: ``full`` prints every part on every row, ``inherit`` leaves the parents' parts blank.
    * ``total_on_subheader`` – with split codes: the 合计 row printed on the 类 | 款 | 项 header line (no 栏次 row).
    * ``total_at_bottom`` – the 合计 row of the code tables last, after two empty rows.
    * ``sangong_nesting`` – 三公 header with ``stage_top`` (预算数/决算数 over the items, as published) or
      ``item_top`` (each item over 预算数 | 决算数).
    * ``sangong_spelling`` – 三公 item words ``printed``, ``short`` (公务用车购置及运行费, 公务用车运行费) or
      ``spaced`` (因 公 出 国 （ 境 ） 费用).
    * ``stacked`` – every table on one sheet, one under another.
    * ``unmerged`` – no merged cells at all (merges undone, or never made).

    Variants of the content (labels and words as other templates print them) are edits of the model:
    :func:`workbooks.variants.vary`.
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
    blank_zero: bool = False
    split_codes: Literal["none", "full", "inherit"] = "none"
    total_on_subheader: bool = False
    total_at_bottom: bool = False
    sangong_nesting: Literal["stage_top", "item_top"] = "stage_top"
    sangong_spelling: Literal["printed", "short", "spaced"] = "printed"
    stacked: bool = False
    unmerged: bool = False

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
        if opts.get("total_on_subheader") and opts.get("split_codes", "none") == "none":
            raise TypeError("total_on_subheader 需要 split_codes")
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
_WIDTH = {"line_name": 36.0, "line_no": 6.0, "code": 12.0, "code_part": 6.0, "code_name": 36.0, "amount": 16.0,
          "plain": 12.0}
#: The parts of a split code: 功能分类 类 | 款 | 项, 经济分类 (公开06) 类 | 款.
_CODE_PARTS = {3: ("类", "款", "项"), 2: ("类", "款")}
_SANGONG_WORDS = {
    "short": {"公务用车购置及运行维护费": "公务用车购置及运行费", "公务用车运 行维护费": "公务用车运行费"},
    "spaced": {"因公出国 (境)费": "因 公 出 国 （ 境 ） 费用", "公务接待费": "公 务 接 待 费"},
}


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
    labels: list[tuple[Row, str, int, int]] = field(default_factory=list)  # (row, "code"/"name", r, c)
    last_row: int = 0


@dataclass
class _Col:
    """One printed column: its header words (one per header row), width, 栏次 text, and what it holds – a label
    (``role`` name / line_no / code with the split ``part``) or an amount column ``key``."""

    texts: list[str]
    width: float
    number: str
    role: str
    key: str = ""
    part: str = ""


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


def _columns(table: TableModel, layout: Layout) -> tuple[list[_Col], list[list[_Col]]]:
    """The printed columns of a table and, per block, its own columns (label columns, then amounts)."""
    header, numbers = table.header, table.col_numbers
    words = _SANGONG_WORDS.get(layout.sangong_spelling, {}) if table.number == 9 else {}

    def at(k: int, role: str, width: str, key: str = "") -> _Col:
        texts = [words.get(row[k], row[k]) for row in header]
        if layout.code_header:
            texts = [layout.code_header if t == "科目代码" else t for t in texts]
        return _Col(texts, _WIDTH[width], numbers[k] if numbers else "", role, key)

    per_block: list[list[_Col]] = []
    k = 0
    for blk in table.blocks:
        cols: list[_Col] = []
        if blk.kind == "line":
            cols.append(at(k, "name", "line_name"))
            if not layout.no_line_numbers:
                cols.append(at(k + 1, "line_no", "line_no"))
            k += 2
        elif blk.kind == "code":
            code = at(k, "code", "code")
            parts = _CODE_PARTS[2 if table.number == 6 else 3] if layout.split_codes != "none" else ("",)
            for i, part in enumerate(parts):
                cols.append(_Col(code.texts if i == 0 else [""] * len(header), _WIDTH["code_part" if part else "code"],
                                 code.number if i == 0 else "", "code", part=part))
            cols.append(at(k + 1, "name", "code_name"))
            k += 2
        amounts = [at(k + i, "amount", "amount" if blk.kind != "plain" else "plain", key) for i, key in enumerate(blk.columns)]
        k += len(blk.columns)
        if blk.kind == "plain" and layout.sangong_nesting == "item_top":
            amounts = _item_top(amounts)
        per_block.append(cols + amounts)
    return [c for cols in per_block for c in cols], per_block


def _item_top(columns: list[_Col]) -> list[_Col]:
    """三公 columns regrouped with each item over its 预算数 | 决算数 pair (the other nesting order)."""
    half = len(columns) // 2
    out = []
    for budget, actual in zip(columns[:half], columns[half:]):
        item = [t for t in budget.texts[1:]]
        for stage_col, stage in ((budget, budget.texts[0] or "预算数"), (actual, actual.texts[0] or "决算数")):
            first = stage_col is budget
            texts = [t if first else "" for t in item] + [stage]
            out.append(_Col(texts, stage_col.width, "", "amount", stage_col.key))
    for i, column in enumerate(out, 1):
        column.number = str(i)
    return out


def _split(code: str, parts: int, inherit: bool) -> list[str]:
    """``2050303`` → ``205 | 03 | 03``, or ``| | 03`` when the parents' parts are left to be inherited."""
    pieces = [code[:3], code[3:5], code[5:7]][:parts]
    if inherit:
        last = max(i for i, p in enumerate(pieces) if p)
        return [p if i == last else "" for i, p in enumerate(pieces)]
    return pieces


def _is_total(row: Row) -> bool:
    return not row.code and not row.line_no and bool(row.name)


def _plan(table: TableModel, layout: Layout) -> _Plan:
    plan = _Plan()
    has_codes = any(b.kind == "code" for b in table.blocks)
    columns, per_block = _columns(table, layout)
    plan.widths = [c.width for c in columns]
    width = len(columns)
    offsets = [sum(len(b) for b in per_block[:i]) for i in range(len(per_block))]

    r0, c0 = layout.start_row, layout.start_col

    def put(r: int, c: int, value: Any, style: str) -> None:
        """Empty printed text is an empty cell, never an empty string."""
        plan.cells[(r, c0 + c)] = _Cell(None if value == "" else value, style)

    def merge(r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2) and not layout.unmerged:
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

    # The 合计 row that the template prints on the 类 | 款 | 项 line, if it does.
    on_subheader: tuple[Block, Row] | None = None
    if layout.total_on_subheader and table.blocks[0].kind == "code" and len(table.blocks) == 1:
        blk = table.blocks[0]
        total = next((row for row in blk.rows if _is_total(row)), None)
        on_subheader = (blk, total) if total is not None else None

    # Header rows as printed (with the 类 | 款 | 项 line of split codes), then the 栏次 row.
    header = [[c.texts[i] for c in columns] for i in range(len(table.header))]
    if layout.sangong_nesting == "item_top" and table.number == 9:
        header = [[c.texts[i] if i < len(c.texts) else "" for c in columns] for i in range(max(len(c.texts) for c in columns))]
    if any(c.part for c in columns):
        header.append([c.part for c in columns])
    shape = [list(row) for row in header]
    if on_subheader is not None:  # the 合计 cells stop the merges coming down from above
        for c, column in enumerate(columns):
            if column.role in ("amount", "name"):
                shape[-1][c] = "#"
    header_top = r
    for hr, texts in enumerate(header):
        for c, text in enumerate(texts):
            put(r + hr, c, text, "header")
    spans = {(a, b): (c, d) for a, b, c, d in _header_merges(shape) if header[a][b]}
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
    if table.col_numbers and not layout.no_line_numbers and on_subheader is None:
        for c, column in enumerate(columns):
            put(r, c, int(column.number) if column.number.isdigit() else column.number, "label_center")
        r += 1
    plan.header_rows = (header_top, r - 1)

    # Data rows: blocks side by side, line i of every block on one sheet row; footers on a last line.
    total_at = table.total_position if layout.total_position == "printed" else layout.total_position

    def amount(value: Decimal | None) -> Any:
        if value is None or (layout.blank_zero and value == 0):
            return None
        if layout.dash_for_zero and has_codes and value == 0:
            return "—"
        if layout.numbers_as_text:
            return f"{value:,.2f}"
        return float(value)

    def code_value(text: str) -> Any:
        return int(text) if layout.codes_as_numbers and text else text

    def write_row(r: int, blk: Block, off: int, row: Row, cols: list[_Col]) -> None:
        codes = [c for c in cols if c.role == "code"]
        c = off
        for column in cols:
            if column.role == "name" or (column.role == "code" and column is codes[0]):
                plan.labels.append((row, column.role, r, c0 + c))
            if column.role == "name" and blk.kind == "line":
                put(r, c, row.name, "label")
            elif column.role == "line_no":
                put(r, c, row.line_no, "label_center")
            elif column.role == "code" and row.code:
                if column.part:
                    piece = _split(row.code, len(codes), layout.split_codes == "inherit")[codes.index(column)]
                    put(r, c, code_value(piece), "code")
                else:
                    put(r, c, code_value(row.code), "code")
            elif column.role == "code":
                here = total_at in ("code", "merged") and column is codes[0]
                put(r, c, row.name if here else None, "label_center" if here else "code")
                if total_at == "merged" and column is codes[0]:
                    merge(r, c, r, c + len(codes))
            elif column.role == "name":
                shown = bool(row.code) or total_at == "name"
                put(r, c, row.name if shown else None, "label_center" if shown and not row.code else "label")
            else:
                put(r, c, amount(row.values.get(column.key)), "amount")
                plan.amounts.append((row, column.key, r, c0 + c))
            c += 1

    def blank_block(r: int, off: int, cols: list[_Col]) -> None:
        for k in range(len(cols)):
            put(r, off + k, None, "label")

    if on_subheader is not None:
        total = on_subheader[1]
        row_at = r - 1
        for i, column in enumerate(per_block[0]):
            if column.role == "name":
                put(row_at, i, total.name, "label_center")
            elif column.role == "amount":
                put(row_at, i, amount(total.values.get(column.key)), "amount")
                plan.amounts.append((total, column.key, row_at, c0 + i))
    block_rows = []
    for blk in table.blocks:
        rows = [row for row in blk.rows if not (on_subheader is not None and row is on_subheader[1])]
        if layout.total_at_bottom and blk.kind == "code":
            totals = [row for row in rows if _is_total(row)]
            rows = [row for row in rows if not _is_total(row)] + ([None, None] if totals else []) + totals
        block_rows.append(rows)
    data_top = r
    for i in range(max(len(rows) for rows in block_rows)):
        for blk, off, cols, rows in zip(table.blocks, offsets, per_block, block_rows):
            if i < len(rows) and rows[i] is not None:
                write_row(r, blk, off, rows[i], cols)
            else:
                blank_block(r, off, cols)
        r += 1
    if any(b.footer is not None for b in table.blocks):
        for blk, off, cols in zip(table.blocks, offsets, per_block):
            if blk.footer is not None:
                write_row(r, blk, off, blk.footer, cols)
            else:
                blank_block(r, off, cols)
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
    plan.last_row = r - 1
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


#: The one sheet of a ``stacked`` workbook, and the empty rows between its tables.
STACKED_SHEET = "决算公开表"
_STACK_GAP = 3


def _placements(tables: Mapping[str, TableModel], layout: Layout) -> list[tuple[TableModel, str, _Plan]]:
    """Each table with its sheet and plan, in sheet order: one sheet per table, or all on one sheet."""
    out = []
    next_row = layout.start_row
    for table in _tables_in_order(tables, layout):
        if layout.stacked:
            plan = _plan(table, replace(layout, start_row=next_row))
            next_row = plan.last_row + 1 + _STACK_GAP
            out.append((table, STACKED_SHEET, plan))
        else:
            out.append((table, SHEET_NAMES.get(table.number, table.key), _plan(table, layout)))
    return out


def build_workbook(tables: Mapping[str, TableModel], **options: Any) -> Workbook:
    """The tables laid out like an accountant's file, one sheet each (or stacked on one); options are the fields
    of :class:`Layout`."""
    layout = Layout.of(options)
    wb = Workbook()
    wb.remove(wb.active)
    placed = _placements(tables, layout)
    for table, sheet, plan in placed:
        ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
        _write(ws, plan, layout)
    if placed:
        first = placed[0][0]
        wb.properties.title = f"{first.department}{first.year}部门决算公开表"
    wb.properties.creator = "juesuan"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    return wb


def placed_amounts(table: TableModel, **options: Any) -> list[tuple[Row, str, str]]:
    """Every amount cell of ``table`` as (row, column name, A1 address) under the given layout options."""
    plan = _plan(table, Layout.of(options))
    return [(row, column, f"{get_column_letter(c)}{r}") for row, column, r, c in plan.amounts]


def _address(table: TableModel, plan: _Plan, key: str | int | Row, column: str, block: int | None) -> str:
    row = key if isinstance(key, Row) else table.row(key, block)
    for placed, col, r, c in plan.amounts:
        if placed is row and col == column:
            return f"{get_column_letter(c)}{r}"
    raise KeyError(f"{table.table_no}“{key}”没有“{column}”栏")


def locate(table: TableModel, key: str | int, column: str, block: int | None = None, **options: Any) -> str:
    """A1 address of one amount (row found as in :meth:`TableModel.row`) under the given layout options."""
    return _address(table, _plan(table, Layout.of(options)), key, column, block)


def where(tables: Mapping[str, TableModel], kind: str, key: str | int | Row, column: str, block: int | None = None,
          **options: Any) -> tuple[str, str]:
    """(sheet, A1 address) of one cell of table ``kind`` in the workbook the options build (stacked too): an
    amount by its column name, or the row's ``code`` / ``name`` cell. ``key`` finds the row as
    :meth:`TableModel.row` does, or is the row itself."""
    for table, sheet, plan in _placements(tables, Layout.of(options)):
        if table.key != kind:
            continue
        if column not in ("code", "name"):
            return sheet, _address(table, plan, key, column, block)
        row = key if isinstance(key, Row) else table.row(key, block)
        for placed, role, r, c in plan.labels:
            if placed is row and role == column:
                return sheet, f"{get_column_letter(c)}{r}"
        raise KeyError(f"{table.table_no}“{key}”没有{column}单元格")
    raise KeyError(f"工作簿中没有{kind}")


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

