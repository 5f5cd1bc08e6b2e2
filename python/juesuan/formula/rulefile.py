"""审核公式 lists: reading them from a file (``--rules``: .csv, .xlsx/.xls, .txt) or from a sheet named 审核公式
in the checked workbook, and writing the built-in rules out as such a list (``juesuan rules --export``).

A list has the columns 编号, 公式, 类型 (基本平衡 / 逻辑性 / 核实性) and optionally 说明. A formula that names no
table uses the table of the row before, so a list may name each table once, as the official lists do. A plain
.txt file may also be the official text as published: ``1.基本平衡公式`` style headings set the 类型 of the
formulas below them, ``[公开01]`` on a line of its own sets the table, formulas are separated by ``；`` or ``。``.
Bad rows do not stop the others: each is returned as a :class:`Problem` naming the row and the position.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..findings import CellRef
from ..grid import Grid, a1, cell_text, norm_text
from ..read import InputError
from ..rules.model import Rule
from . import FORMULA_SHEET
from .rules import FAMILIES, FormulaRule, family_of
from .syntax import FormulaSyntaxError, parse_many

__all__ = [
    "FORMULA_SHEET",
    "HEADER",
    "Problem",
    "export_rows",
    "read_rows",
    "read_rule_file",
    "read_text",
    "rules_from_grid",
    "write_rule_file",
]

HEADER = ["编号", "公式", "类型", "说明"]
_COLUMN_NAMES = {
    "编号": ("编号", "规则编号", "公式编号"),
    "公式": ("公式", "审核公式"),
    "类型": ("类型", "公式类型", "类别"),
    "说明": ("说明", "规则说明", "名称"),
}
_HEADING = re.compile(r"^\s*(?:[0-9０-９]+[.．、]|[一二三四五六七八九十]+、)?\s*(基本平衡|逻辑性|核实性)(?:公式)?\s*[:：]?\s*$")
_TABLE_LINE = re.compile(r"^\s*[\[【]([^\]】]+)[\]】]\s*$")


@dataclass(frozen=True)
class Problem:
    """A row that could not be used: ``where`` (``审核公式.csv 第 5 行``), the reason, and the cell it is in when
    the list is a sheet of the checked workbook."""

    where: str
    message: str
    origin: CellRef | None = None
    rule: str = ""
    #: False for a problem of the whole list (no header), which no single row can be left out for
    row: bool = True

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


def _family(text: str) -> str | None:
    text = norm_text(text).removesuffix("公式")
    return text if text in FAMILIES else None


class _Reader:
    """Rows of a list turned into rules, carrying the table in force from row to row."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.rules: list[FormulaRule] = []
        self.problems: list[Problem] = []
        self.table: str | None = None

    def add(self, row: int, rule_id: str, formula: str, family_text: str, note: str, origin: CellRef | None) -> None:
        where = f"{self.source} 第 {row} 行"
        rule_id = rule_id.strip() or f"公式{row}"
        family = _family(family_text)
        if family is None:
            self.problems.append(Problem(where, f"公式 {rule_id} 的类型“{family_text}”应为基本平衡、逻辑性或核实性", origin, rule_id))
            return
        if any(r.id == rule_id for r in self.rules):
            self.problems.append(Problem(where, f"编号 {rule_id} 重复", origin, rule_id))
            return
        try:
            formulas, self.table = parse_many(formula, rule_id, self.table)
        except FormulaSyntaxError as exc:
            self.problems.append(Problem(where, str(exc), origin, rule_id))
            return
        if formulas:
            self.rules.append(FormulaRule(rule_id, tuple(formulas), family, note.strip(), origin))


def _columns(row: Sequence[str]) -> dict[str, int] | None:
    names = [norm_text(v) for v in row]
    found = {key: names.index(alias) for key, aliases in _COLUMN_NAMES.items() for alias in aliases if alias in names}
    return found if "公式" in found else None


def _read_table(rows: Sequence[Sequence[object]], source: str, sheet: str | None = None) -> tuple[list[FormulaRule], list[Problem]]:
    """A list laid out in columns: the header row (within the first rows) names 编号, 公式, 类型, 说明."""
    reader = _Reader(source)
    texts = [[cell_text(v) for v in row] for row in rows]
    header = next(((i, cols) for i, row in enumerate(texts[:20]) if (cols := _columns(row))), None)
    if header is None:
        reader.problems.append(Problem(source, "没有找到表头（应有“编号”“公式”“类型”列，可选“说明”列）", row=False))
        return reader.rules, reader.problems
    start, cols = header

    def get(row: list[str], key: str) -> str:
        return row[cols[key]] if key in cols and cols[key] < len(row) else ""

    for i, row in enumerate(texts[start + 1:], start + 2):
        if not get(row, "公式"):
            continue
        origin = CellRef(sheet=sheet, cell=a1(i - 1, cols["公式"])) if sheet is not None else None
        reader.add(i, get(row, "编号"), get(row, "公式"), get(row, "类型"), get(row, "说明"), origin)
    return reader.rules, reader.problems


def _read_text(text: str, source: str) -> tuple[list[FormulaRule], list[Problem]]:
    """The official text as published: headings set the 类型, a bracketed line sets the table."""
    reader = _Reader(source)
    family = ""
    counts: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if m := _HEADING.match(line):
            family = m.group(1)
            continue
        if m := _TABLE_LINE.match(line):
            reader.table = m.group(1).strip()
            continue
        for piece in (p for p in re.split(r"[;；。]", line) if p.strip()):
            if not family:
                reader.problems.append(Problem(f"{source} 第 {n} 行", "公式前应有类型标题（如“1.基本平衡公式”）"))
                break
            counts[family] = counts.get(family, 0) + 1
            reader.add(n, f"{family}{counts[family]}", piece, family, "", None)
    return reader.rules, reader.problems


WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def read_text(path: Path, what: str) -> str:
    """A text or CSV file as Excel and Notepad save it on a Chinese Windows: UTF-8 (with or without BOM) or GBK."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法读取{what}（编码应为 UTF-8 或 GBK）：{path.name}")


def read_rows(path: Path, sheet: str, what: str) -> list[list[object]]:
    """The rows of a list kept in a .csv file or in a workbook (the sheet named ``sheet``, else the first)."""
    if not path.is_file():
        raise InputError(f"找不到{what}：{path}")
    if path.suffix.lower() in WORKBOOKS:
        from ..read import read_workbook

        grids = read_workbook(path)
        grid = next((g for g in grids if g.sheet == sheet), grids[0] if grids else None)
        return grid.values if grid is not None else []
    try:
        return [list(row) for row in csv.reader(io.StringIO(read_text(path, what)))]
    except csv.Error:  # a cell past the csv module's limit of 131,072 characters
        raise InputError(f"无法读取{what}（CSV 格式有误，或某一格超过 {csv.field_size_limit():,} 个字符）：{path.name}") from None


def read_rule_file(path: str | Path) -> tuple[list[FormulaRule], list[Problem]]:
    """The rules of a 审核公式 file and the rows that could not be used. Raises InputError for a file that
    cannot be read at all."""
    path, what = Path(path), "审核公式文件"
    suffix = path.suffix.lower()
    if suffix not in (*WORKBOOKS, ".csv", ".txt"):
        raise InputError(f"审核公式文件应为 .csv、.xlsx 或 .txt：{path.name}")
    if suffix != ".txt":
        return _read_table(read_rows(path, FORMULA_SHEET, what), path.name)
    if not path.is_file():
        raise InputError(f"找不到{what}：{path}")
    text = read_text(path, what)
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and _columns(re.split(r"[\t,，]", lines[0])):
        dialect = "excel-tab" if "\t" in lines[0] else "excel"
        return _read_table(list(csv.reader(io.StringIO(text), dialect)), path.name)
    return _read_text(text, path.name)


def rules_from_grid(grid: Grid) -> tuple[list[FormulaRule], list[Problem]]:
    """The 审核公式 sheet of the checked workbook; problems point at their 公式 cell."""
    return _read_table(grid.values, f"“{grid.sheet}”工作表", grid.sheet)


def export_rows(rules: Iterable[Rule]) -> list[list[str]]:
    """The built-in rules that the language can say, as a 审核公式 list (header first), for users to copy."""
    return [list(HEADER)] + [[r.id, r.formula, family_of(r), r.name] for r in rules if r.formula]


def write_rule_file(path: Path, rows: list[list[str]]) -> None:
    """A list as .xlsx (sheet 审核公式, text cells, readable widths) or .csv (UTF-8 with BOM, as Excel opens it),
    written atomically."""
    from ..outputs import atomic_write, write_text_atomic

    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        write_text_atomic(path, "\ufeff" + buffer.getvalue())
        return
    if suffix != ".xlsx":
        raise InputError(f"导出的审核公式文件应为 .xlsx 或 .csv：{path.name}")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = FORMULA_SHEET
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (10, 90, 10, 50)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    atomic_write(path, lambda tmp: book.save(tmp))
