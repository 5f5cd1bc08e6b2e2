"""The batch summary workbook (``juesuan check 文件夹 --summary 汇总.xlsx``): what an auditor reviewing many units
opens first.

Three sheets, each with a frozen header, a filter and fitted column widths:

* **单位** - one row per input file, including files that could not be checked or hold no table juesuan knows
  (with the reason) and clean files: counts by severity, the worst rule, links to the marked copy and the report,
  and a bar chart of errors per unit;
* **明细** - every finding, amounts as ``#,##0.00`` (the 万元 format of the tables), each linking to its cell in
  the unit's marked copy;
* **规则** - findings per rule across all units, with a bar chart of errors per rule.

The document title is :data:`SUMMARY_TITLE`, by which a later run over the same folder recognises the summary as
its own output rather than a unit's workbook. Links are relative to the summary, so the folder of outputs can be
moved or shared as a whole.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .batch import Unit
from .findings import Finding, Severity
from .outputs import atomic_write
from .plan import clip_text
from .terminal import is_rounding, rule_names
from .textwidth import display_width

__all__ = ["SUMMARY_TITLE", "is_own_summary", "write_summary"]

#: The document title of a batch summary, so that a later run over the same folder knows it for its own.
SUMMARY_TITLE = "juesuan 批量审核汇总"

AMOUNT_FORMAT = "#,##0.00"
HEADER_FILL = "FFDDEBF7"
ERROR_FILL = "FFFFC7CE"
UNIT_HEADER = ["文件", "状态", "表数", "错误", "警告", "其中尾数误差", "提示", "最严重的规则", "标注副本", "审核报告", "说明"]
DETAIL_HEADER = ["文件", "严重程度", "规则", "规则名称", "工作表", "单元格", "表", "应为", "实为", "差额", "说明"]
RULE_HEADER = ["规则", "规则名称", "严重程度", "错误", "警告", "提示", "合计", "涉及单位数"]
ROW_CM = 0.53  # height of a default sheet row
MAX_WIDTH = 60  # columns wider than this wrap their text
ROW_POINTS = 15  # height of one line of text
MAX_ROW_POINTS = 409  # the tallest row Excel has
_RANK = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def is_own_summary(path: Path) -> bool:
    """A workbook juesuan wrote as a batch summary (its document title says so)."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml")
        return re.search(rb"<dc:title[^>]*>" + SUMMARY_TITLE.encode() + rb"</dc:title>", core) is not None
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def worst_rule(findings: Sequence[Finding]) -> str | None:
    """The rule with the most findings at the highest severity present (ties: the rule id that sorts first)."""
    if not findings:
        return None
    top = min(_RANK[f.severity] for f in findings)
    counts = Counter(f.rule for f in findings if _RANK[f.severity] == top)
    return min(counts, key=lambda rule: (-counts[rule], rule))


def _link(target: Path | None, base: Path, cell: str | None = None) -> tuple[str, str] | None:
    """(display text, hyperlink target relative to the summary's folder), optionally to a cell of the workbook."""
    if target is None:
        return None
    relative = Path(os.path.relpath(target, base)).as_posix()
    return target.name, relative + (f"#{cell}" if cell else "")


def _quoted(sheet: str, cell: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!" + cell


def _unit_rows(units: Sequence[Unit], names: dict[str, str], base: Path) -> list[list[Any]]:
    rows = []
    for unit in units:
        report = unit.report
        if report is None:
            status = "未识别表" if unit.reason and "没有可识别" in unit.reason else "无法使用"
            rows.append([str(unit.path), status, 0, None, None, None, None, None, None, None, unit.reason])
            continue
        s = report.summary
        worst = worst_rule(report.findings)
        rows.append([
            str(unit.path), "有错误" if s.errors else "通过" if not report.findings else "无错误",
            len(report.tables), s.errors, s.warnings, sum(map(is_rounding, report.findings)), s.infos,
            f"{worst} {names.get(worst, '')}".strip() if worst else None,
            _link(unit.marked, base), _link(unit.json, base),
            "；".join(f"跳过“{k.sheet}”" for k in report.skipped) or None,
        ])
    return rows


def _detail_rows(units: Sequence[Unit], names: dict[str, str], base: Path) -> list[list[Any]]:
    rows = []
    for unit in units:
        for f in unit.report.findings if unit.report else ():
            cell = _link(unit.marked, base, _quoted(f.sheet, f.cell))
            rows.append([
                str(unit.path), f.severity.label, f.rule, names.get(f.rule), f.sheet,
                (f.cell, cell[1]) if cell else f.cell, f.table, f.expected, f.actual, f.difference, f.message,
            ])
    return rows


def _rule_rows(units: Sequence[Unit], names: dict[str, str]) -> list[list[Any]]:
    by_rule: dict[str, Counter[Severity]] = {}
    unit_count: Counter[str] = Counter()
    for unit in units:
        findings = unit.report.findings if unit.report else []
        for f in findings:
            by_rule.setdefault(f.rule, Counter())[f.severity] += 1
        unit_count.update({f.rule for f in findings})
    rows = []
    for rule, counts in by_rule.items():
        worst = min(counts, key=_RANK.__getitem__)
        rows.append([rule, names.get(rule), worst.label, counts[Severity.error], counts[Severity.warning],
                     counts[Severity.info], sum(counts.values()), unit_count[rule]])
    rows.sort(key=lambda r: (-r[3], -r[6], r[0]))
    return rows


def _text(value: Any) -> Any:
    """A value as it goes into a cell: a string without the characters a worksheet cannot hold, clipped to what a
    cell holds (other values as they are)."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return clip_text(ILLEGAL_CHARACTERS_RE.sub("", value))


def _as_text(cell: Any) -> Any:
    """A cell holding a string kept as text: openpyxl would take ``=…`` for a formula and ``#N/A`` for an error
    value, and a file name, sheet name or message of the user's must never become either."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    """``ws.cell(row, column, value)`` with a string written as text (:func:`_as_text`)."""
    return _as_text(ws.cell(row, column, _text(value)))


def _sheet(book: Any, title: str, header: list[str], rows: list[list[Any]], amounts: Sequence[str] = ()) -> Any:
    """A sheet with a bold shaded frozen header, a filter, links for (text, target) cells, fitted widths."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(title)
    ws.append(header)
    for row in rows:
        ws.append([_text(value[0] if isinstance(value, tuple) else value) for value in row])
        for cell in ws[ws.max_row]:
            _as_text(cell)
        for col, value in enumerate(row, start=1):
            if isinstance(value, tuple):
                cell = ws.cell(ws.max_row, col)
                cell.hyperlink = value[1]
                cell.style = "Hyperlink"
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # printed one page wide
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for col, name in enumerate(header, start=1):
        letter = get_column_letter(col)
        if name in amounts:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = AMOUNT_FORMAT
        texts = [name] + [_shown(row[col - 1], name in amounts) for row in rows[:2000]]
        width = max(display_width(t) for t in texts) + 2
        ws.column_dimensions[letter].width = min(MAX_WIDTH, width)
        if width > MAX_WIDTH:  # long texts (messages, reasons) wrap instead of widening the sheet
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = -(-display_width(_shown(cell.value, False)) // (MAX_WIDTH - 2))
                if lines > 1:  # not every reader grows a row for wrapped text by itself
                    row = ws.row_dimensions[cell.row]
                    row.height = max(row.height or 0, min(ROW_POINTS * lines, MAX_ROW_POINTS))
    return ws


def _shown(value: Any, amount: bool) -> str:
    """Roughly what a cell shows, for its column width."""
    if isinstance(value, tuple):
        value = value[0]
    if value is None:
        return ""
    return f"{value:,.2f}" if amount else str(value)


def _bar_chart(ws: Any, title: str, labels_col: int, values_col: int, n_rows: int, anchor: str) -> int:
    """A horizontal bar chart of one count column against its label column (first 30 rows); returns the sheet
    rows it covers."""
    from openpyxl.chart import BarChart, Reference

    shown = min(n_rows, 30)
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.y_axis.title = "错误数"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first row at the top
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=values_col, min_row=1, max_row=shown + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=labels_col, min_row=2, max_row=shown + 1))
    chart.height = max(7.5, 0.6 * shown + 2)
    chart.width = 18
    ws.add_chart(chart, anchor)
    return int(chart.height / ROW_CM) + 2


def write_summary(units: Sequence[Unit], path: Path) -> None:
    """Write the summary workbook of a batch (atomically; see the module docstring for its sheets)."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    names = rule_names()
    base = Path(os.path.abspath(path)).parent
    book = Workbook()
    book.remove(book.active)
    unit_rows = _unit_rows(units, names, base)
    ws_units = _sheet(book, "单位", UNIT_HEADER, unit_rows)
    red = PatternFill("solid", fgColor=ERROR_FILL)
    errors_col = UNIT_HEADER.index("错误") + 1
    for (cell,) in ws_units.iter_rows(min_row=2, min_col=errors_col, max_col=errors_col):
        if cell.value:
            cell.fill = red
    _sheet(book, "明细", DETAIL_HEADER, _detail_rows(units, names, base), amounts=("应为", "实为", "差额"))
    rule_rows = _rule_rows(units, names)
    _sheet(book, "规则", RULE_HEADER, rule_rows)

    with_errors = sorted((r for r in unit_rows if r[errors_col - 1]), key=lambda r: -r[errors_col - 1])
    charts = book.create_sheet("图表")
    charts.sheet_properties.pageSetUpPr.fitToPage = True  # printed on one page
    rows_used = _chart_block(charts, "各单位错误数（最多的 30 个单位）", "单位",
                             [(_short(r[0]), r[errors_col - 1]) for r in with_errors], column=1, top=2)
    _chart_block(charts, "各规则错误数（最多的 30 条规则）", "规则",
                 [(r[0], r[3]) for r in rule_rows if r[3]], column=4, top=2 + rows_used)
    book.properties.title = SUMMARY_TITLE
    book.properties.creator = "juesuan"
    atomic_write(path, book.save)


def _short(path: str) -> str:
    """A unit's label on a chart: its folder and name without extension (A局/决算)."""
    p = Path(path)
    return f"{p.parent.name}/{p.stem}" if p.parent.name else p.stem


def _chart_block(ws: Any, title: str, label: str, pairs: list[tuple[str, int]], column: int, top: int) -> int:
    """The top 30 (label, errors) pairs as two columns of the 图表 sheet and a bar chart of them in column G from
    row ``top``; returns the rows the chart takes."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.cell(1, column, label).font = Font(bold=True)
    ws.cell(1, column + 1, "错误数").font = Font(bold=True)
    if not pairs:
        ws.cell(2, column, "没有错误")
        return 0
    for i, (name, value) in enumerate(pairs[:30], start=2):
        _put(ws, i, column, name)
        _put(ws, i, column + 1, value)
    ws.column_dimensions[get_column_letter(column)].width = min(40, max(display_width(p[0]) for p in pairs) + 2)
    return _bar_chart(ws, title, column, column + 1, len(pairs), f"G{top}")
