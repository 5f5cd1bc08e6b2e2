"""Build the sample 绩效自评表 workbooks from the published tables, laid out as the tables are printed.

The published self-evaluation tables (seeds 000–002 of ../shared) come as JSON facts with every cell as its
printed string. This script turns them back into the workbooks an accountant keeps, so recognition, checks
and fills are tested on real numbers and real layouts:

* ``perf_guizhou_2023.xlsx`` – 58 贵州 项目支出绩效目标自评表 (元), one table per sheet;
* ``perf_luzhou_2023.xlsx`` – the 泸州 部门整体支出绩效目标完成情况自评表 on one sheet and the 56
  部门预算项目支出绩效自评表 (万元) stacked on a second sheet;
* ``perf_zhuzhou_2023.xlsx`` – the 株洲 部门整体 table and 11 项目 tables (万元), one per sheet;
* ``perf_liuzhi_2023.xlsx`` – the five 六枝 绩效目标表 (seed 003): the 部门整体 table on one sheet, the four 项目
  tables stacked on a second.

Nothing is invented: texts are written as printed (including the spaces and bracket variants the recogniser
has to tolerate), amounts become numbers with the template's number format, and 执行率 keeps its printed
form (``100.00`` as a number in percent, ``88.90%`` as a percentage). 一级/二级 labels become merged cells
over their rows, as in the original spreadsheets.

The tables are read from ``samples/perf_tables.json``, a compact copy of the seed facts committed with the
samples so that generation needs nothing outside the repository. ``--from-shared DIR`` rebuilds that file
from ``DIR/seed-perf`` first. The target tables come from ``samples/perf_targets.json``, transcribed from the
seed dump (003 L15–L205, every row keeping its ``line``): ``seed-perf/003-*`` parse that dump lossily (a row
printed on the line of the previous row's explanation is folded into it, and the 二级 labels are not kept), so
the transcription follows the printed lines; ``tests/test_perf_targets.py`` checks it against the seed facts.

    python workbooks/make_perf_samples.py [--from-shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
TABLES_JSON = SAMPLES / "perf_tables.json"
TARGETS_JSON = SAMPLES / "perf_targets.json"
FORMATS = ("gz_project", "lz_dept", "lz_project", "zz_dept", "zz_project")

#: Per-cell details of the dumps that the workbooks do not need (their content is in the parsed fields).
_DROP = {"raw_cells", "notes", "continuation_cells", "source_file"}
_PLAIN = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")


# ---------------------------------------------------------------------------------------------- compact JSON


def compact(table: dict) -> dict:
    """One seed table without the dump's per-cell bookkeeping; adds the 绩效指标 section label that some
    贵州 headers do not print in their first cell (it shows in the middle of the merged column instead)."""
    out = {k: v for k, v in table.items() if k not in _DROP}
    for key in ("budget_rows", "indicators"):
        out[key] = [{k: v for k, v in row.items() if k not in _DROP} for row in table.get(key) or []]
    if table.get("total"):
        out["total"] = {k: v for k, v in table["total"].items() if k not in _DROP}
    if table["format"] == "gz_project" and len(table["indicator_header"]) == 8:
        found = [r["raw_cells"][0] for r in table["indicators"]
                 if r["raw_cells"] and r["raw_cells"][0].startswith("绩效")]
        out["section_label"] = found[0] if found else ""
    return out


def rebuild_tables_json(shared: Path) -> None:
    """Rewrite samples/perf_tables.json from the seed facts: one compact table per line, in seed order."""
    tables = []
    for path in sorted((shared / "seed-perf").glob("*.json")):
        table = json.loads(path.read_text(encoding="utf-8"))
        if table["format"] in FORMATS:
            tables.append(compact(table))
    lines = ",\n".join(json.dumps(t, ensure_ascii=False, separators=(",", ":")) for t in tables)
    TABLES_JSON.write_text(f"[\n{lines}\n]\n", encoding="utf-8")


def load_tables() -> list[dict]:
    return json.loads(TABLES_JSON.read_text(encoding="utf-8"))


def load_targets() -> list[dict]:
    return json.loads(TARGETS_JSON.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------- cell values


@dataclass(frozen=True)
class Cell:
    """What goes into one worksheet cell: value, number format and the role that decides its style."""

    value: object
    fmt: str = "General"
    role: str = "text"  # title / subtitle / header / label / text / number


def _decimals(printed: str) -> int:
    return len(printed.partition(".")[2])


def _digits_format(printed: str) -> str:
    d = _decimals(printed)
    return "0." + "0" * d if d else "General"


def number(printed: str | None, *, fmt: str | None = None) -> Cell:
    """A printed number as a numeric cell (its printed decimals kept by the format); any other text –
    ``/``, ``-``, ``12月``, ``≥90%`` – stays text, as the accountant typed it."""
    text = printed or ""
    plain = text.strip()
    if _PLAIN.match(plain):
        value = Decimal(plain.replace(",", ""))
        return Cell(int(value) if value == value.to_integral_value() and "." not in plain else float(value),
                    fmt or _digits_format(plain), "number")
    return Cell(text if text else None, "General", "text" if not plain or not _PERCENT.match(plain) else "number")


def rate(printed: str | None) -> Cell:
    """执行率 as printed: ``88.90%`` is the fraction 0.889 shown with ``0.00%``; ``100.00`` (贵州, 株洲) is a
    number in percent shown with ``0.00``."""
    text = (printed or "").strip()
    if _PERCENT.match(text):
        digits = text[:-1]
        places = _decimals(digits)
        return Cell(float(Decimal(digits) / 100), ("0." + "0" * places if places else "0") + "%", "number")
    return number(text)


def percent_weight(printed: str | None) -> Cell:
    """泸州 部门整体 权重 such as ``3%``: a percentage cell; ``2% `` (trailing space) was typed as text."""
    text = printed or ""
    if _PERCENT.match(text):
        return rate(text)
    return Cell(text or None)


def text(value: str | None, role: str = "text") -> Cell:
    return Cell(value if value else None, "General", role)


def year_cell(printed: str | None) -> Cell:
    """``(2,023年度)`` / ``(2, 023年度)`` is the year 2023 under a thousands-separator format; keep it so."""
    if printed and re.match(r"^\(2,\s?023年度\)$", printed):
        return Cell(2023, '"("#,##0"年度)"', "subtitle")
    return text(printed, "subtitle")


# ---------------------------------------------------------------------------------------------- blocks


@dataclass
class Block:
    """One table laid out from row 0: cells by (row, col), merged areas, and the table's column widths.

    ``marks`` remember where the layout put things, for the layout variants (perf_variants.py): the rows
    ``fund_header``, ``fund_end`` (after the last fund row), ``indicator_header`` and ``indicator_end``, and
    ``cols``, the indicator block's column of each field."""

    widths: list[float]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    n_rows: int = 0
    marks: dict = field(default_factory=dict)

    def put(self, row: int, col: int, cell: Cell, to_col: int | None = None, to_row: int | None = None) -> None:
        self.cells[(row, col)] = cell
        last_row, last_col = to_row if to_row is not None else row, to_col if to_col is not None else col
        if (last_row, last_col) != (row, col):
            self.merges.append((row, col, last_row, last_col))
        self.n_rows = max(self.n_rows, last_row + 1)

    def row(self, row: int, spans: Iterable[tuple[int, int, Cell]]) -> None:
        """Cells of one row as (first_col, last_col, cell)."""
        for c1, c2, cell in spans:
            self.put(row, c1, cell, to_col=c2)

    def merge_down(self, col: int, first: int, last: int, cell: Cell) -> None:
        """A label merged over rows ``first..last`` of one column (绩效指标, 项目资金 …)."""
        self.put(first, col, cell, to_row=max(first, last))


def _runs_key(rows: list[dict], *keys: str) -> list[str]:
    """Labels for :meth:`Block.labels_down`, made distinct per parent so that a 二级 name repeated under the
    next 一级 starts a new merged cell."""
    return ["\x00".join(r.get(k) or "" for k in keys) for r in rows]


def _label_runs(block: Block, col: int, first: int, rows: list[dict], *keys: str) -> None:
    keyed = _runs_key(rows, *keys)
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or keyed[i] != keyed[start]:
            label = rows[start].get(keys[-1]) or ""
            if label:
                block.merge_down(col, first + start, first + i - 1, text(label, "label"))
            start = i


def _indicator_rows(block: Block, first: int, rows: list[dict], columns: dict[str, int], weight=number) -> int:
    """Write indicator rows from ``first``; 一级 in ``columns['level1']``, 二级 next to it. Returns the next row."""
    _label_runs(block, columns["level1"], first, rows, "level1")
    _label_runs(block, columns["level2"], first, rows, "level1", "level2")
    for i, ind in enumerate(rows):
        r = first + i
        block.put(r, columns["level3"], text(ind.get("level3")))
        for key in ("nature", "unit", "reason"):
            if key in columns:
                block.put(r, columns[key], text(ind.get(key)))
        for key in ("target", "actual"):
            block.put(r, columns[key], number(ind.get(key)))
        block.put(r, columns["weight"], weight(ind.get("weight")))
        if "score" in columns:
            block.put(r, columns["score"], number(ind.get("score")))
    return first + max(len(rows), 1)


def _header(block: Block, row: int, col: int, labels: list[str]) -> None:
    for i, label in enumerate(labels):
        block.put(row, col + i, text(label.replace("⏎", "\n"), "header"))


def layout_gz(t: dict) -> Block:
    """贵州 项目支出绩效目标自评表, 9 columns: A section label, B:C 资金来源 / B 一级, … I 得分 / 原因."""
    b = Block([8, 12, 12, 26, 16, 16, 7, 9, 26])
    b.row(0, [(0, 8, text(t["table_title"], "title"))])
    b.row(1, [(0, 8, year_cell(t.get("year_printed")))])
    b.row(2, [(0, 0, text("项目名称", "label")), (1, 8, text(t["project_name"]))])
    b.row(3, [(0, 0, text("主管部门及代码", "label")), (1, 4, text(t["department"])),
              (5, 5, text("实施单位", "label")), (6, 8, text(t["implementer"]))])
    head = t["budget_header"]
    funds = t["budget_rows"]
    b.merge_down(0, 4, 4 + len(funds), text(head[0], "header"))
    b.row(4, [(1, 2, text(head[1], "header"))])
    _header(b, 4, 3, head[2:])
    for i, f in enumerate(funds, start=5):
        b.row(i, [(1, 2, text(f["label"], "label"))])
        for col, key in ((3, "initial_budget"), (4, "full_year_budget_A"), (5, "executed_B")):
            b.put(i, col, number(f.get(key), fmt="#,##0.00"))
        markers = f.get("markers") or []
        tail = [number(f.get("weight")), rate(f.get("exec_rate")), number(f.get("score"))]
        if markers:  # sub-rows print "-" in the last len(markers) of 分值 / 执行率 / 得分
            tail = [text(None)] * (3 - len(markers)) + [Cell(m, role="number") for m in markers]
        for col, cell in zip((6, 7, 8), tail):
            b.put(i, col, cell)
    top = 5 + len(funds)
    head = t["indicator_header"]
    inds = t["indicators"]
    section = head[0] if len(head) == 9 else t.get("section_label", "")
    b.merge_down(0, top, top + max(len(inds), 1), text(section, "header"))
    _header(b, top, 1, head[-8:])
    cols = {"level1": 1, "level2": 2, "level3": 3, "target": 4, "actual": 5, "weight": 6, "score": 7, "reason": 8}
    r = _indicator_rows(b, top + 1, inds, cols)
    b.marks.update(fund_header=4, fund_end=5 + len(funds), indicator_header=top, indicator_end=r, cols=cols)
    total = t.get("total") or {}
    b.row(r, [(0, 5, text(total.get("label"), "label")), (6, 6, number(total.get("weight"))),
              (7, 7, number(total.get("score"))), (8, 8, text(None))])
    if t.get("conclusion") is not None:
        b.row(r + 1, [(0, 0, text("自评结论", "label")), (1, 8, text(t["conclusion"]))])
    return b


def layout_lz_project(t: dict) -> Block:
    """泸州 部门预算项目支出绩效自评表, 11 columns (指标性质 and 度量单位 have their own columns)."""
    b = Block([9, 10, 12, 26, 7, 9, 8, 10, 7, 7, 26])
    b.row(0, [(0, 10, text(t["table_title"], "title"))])
    b.row(1, [(0, 0, text("项目名称", "label")), (1, 10, text(t["project_name"]))])
    b.row(2, [(0, 0, text("主管部门", "label")), (1, 4, text(t["department"])),
              (5, 6, text("实施单位 （盖章）", "label")), (7, 10, text(t["implementer"]))])
    head = t["budget_header"]
    funds = t["budget_rows"]
    b.merge_down(0, 3, 3 + len(funds), text(head[0], "header"))
    b.row(3, [(1, 2, text(head[1], "header"))])
    _header(b, 3, 3, head[2:8])
    b.row(3, [(9, 10, text(head[8], "header"))])
    for i, f in enumerate(funds, start=4):
        b.row(i, [(1, 2, text(f["label"], "label"))])
        for col, key in ((3, "initial_budget"), (4, "full_year_budget_A"), (5, "executed_B")):
            b.put(i, col, number(f.get(key), fmt="#,##0.00"))
        b.put(i, 6, rate(f.get("exec_rate")))
        b.put(i, 7, number(f.get("weight")))
        b.put(i, 8, number(f.get("score")))
        b.row(i, [(9, 10, text(f.get("reason")))])
    top = 4 + len(funds)
    inds = t["indicators"]
    b.merge_down(0, top, top + max(len(inds), 1), text(t["indicator_header"][0], "header"))
    _header(b, top, 1, t["indicator_header"][1:])
    cols = {"level1": 1, "level2": 2, "level3": 3, "nature": 4, "target": 5, "unit": 6, "actual": 7,
            "weight": 8, "score": 9, "reason": 10}
    r = _indicator_rows(b, top + 1, inds, cols)
    b.marks.update(fund_header=3, fund_end=4 + len(funds), indicator_header=top, indicator_end=r, cols=cols)
    total = t.get("total") or {}
    label = total.get("label") or ""
    b.row(r, [(0, 7, text(None if label.startswith("(") else label, "label")), (8, 8, number(total.get("weight"))),
              (9, 9, number(total.get("score"))), (10, 10, text(None))])
    if t.get("conclusion") is not None:
        b.row(r + 1, [(0, 0, text("评价结论", "label")), (1, 10, text(t["conclusion"]))])
    return b


def layout_lz_dept(t: dict) -> Block:
    """泸州 部门整体支出绩效目标完成情况自评表: funds as one row of three totals, 权重 in percent, no 得分."""
    b = Block([10, 12, 14, 30, 9, 10, 9, 8, 12])
    b.row(0, [(0, 8, text(t["table_title"], "title"))])
    b.row(1, [(0, 8, text("（2023年度）", "subtitle"))])
    b.row(2, [(0, 8, text("单位：万元", "subtitle"))])
    b.row(3, [(0, 0, text("部门名称", "label")), (1, 8, text(t["project_name"]))])
    head = t["budget_header"]
    fund = t["budget_rows"][0]
    b.merge_down(0, 4, 5, text(head[0], "header"))
    b.row(4, [(1, 3, text(head[1], "header")), (4, 5, text(head[2], "header")), (6, 8, text(head[3], "header"))])
    b.row(5, [(1, 3, number(fund["total"], fmt="#,##0.00")), (4, 5, number(fund["fiscal"], fmt="#,##0.00")),
              (6, 8, number(fund["other"], fmt="#,##0.00"))])
    inds = t["indicators"]
    b.merge_down(0, 6, 6 + len(inds), text(t["indicator_header"][0].replace("⏎", "\n"), "header"))
    _header(b, 6, 1, t["indicator_header"][1:])
    cols = {"level1": 1, "level2": 2, "level3": 3, "nature": 4, "target": 5, "unit": 6, "weight": 7, "actual": 8}
    end = _indicator_rows(b, 7, inds, cols, weight=percent_weight)
    b.marks.update(fund_header=4, fund_end=6, indicator_header=6, indicator_end=end, cols=cols)
    return b


def layout_zz(t: dict) -> Block:
    """株洲 项目 and 部门整体 tables: 项目资金/年度预算申请 merged over A, fund labels in B, 总分 with 100."""
    b = Block([8, 14, 12, 24, 14, 14, 7, 8, 26])
    b.row(0, [(0, 8, text(t["table_title"], "title"))])
    if t["format"] == "zz_project":
        b.row(1, [(0, 0, text("项目支出名称", "label")), (1, 8, text(t["project_name"]))])
        b.row(2, [(0, 0, text("主管部门", "label")), (1, 3, text(t["department"])),
                  (4, 4, text("实施单位", "label")), (5, 8, text(t["implementer"]))])
        top = 3
    else:
        b.row(1, [(0, 1, text("市级预算部门（单位）名称", "label")), (2, 8, text(t["project_name"]))])
        top = 2
    head = t["budget_header"]
    funds = t["budget_rows"]
    b.marks.update(fund_header=top, fund_end=top + 1 + len(funds))
    b.merge_down(0, top, top + len(funds), text(head[0], "header"))
    b.put(top, 1, text(None, "header"))
    _header(b, top, 2, head[1:])
    for i, f in enumerate(funds, start=top + 1):
        b.put(i, 1, text(f["label"], "label"))
        for col, key in ((2, "initial_budget"), (3, "full_year_budget_A"), (4, "executed_B")):
            b.put(i, col, number(f.get(key)))
        b.put(i, 5, number(f.get("weight")))
        b.put(i, 6, rate(f.get("exec_rate")))
        b.put(i, 7, number(f.get("score")))
    top += 1 + len(funds)
    inds = t["indicators"]
    b.merge_down(0, top, top + len(inds), text(t["indicator_header"][0], "header"))
    _header(b, top, 1, t["indicator_header"][1:])
    cols = {"level1": 1, "level2": 2, "level3": 3, "target": 4, "actual": 5, "weight": 6, "score": 7, "reason": 8}
    r = _indicator_rows(b, top + 1, inds, cols)
    b.marks.update(indicator_header=top, indicator_end=r, cols=cols)
    total = t.get("total") or {}
    b.row(r, [(0, 5, text(total.get("label"), "label")), (6, 6, number(total.get("weight"))),
              (7, 7, number(total.get("score"))), (8, 8, text(None))])
    return b


def _section_rows(b: Block, first: int, rows: list[list[str]], width: int, last_to: int | None = None) -> int:
    """Preamble rows ``[section, label, value, …]``: the section label merged down over the rows that continue
    it (an empty section; the last section down to row ``last_to`` when given), the last value stretched to
    the table's right edge. Returns the next row."""
    starts = [first + i for i, cells in enumerate(rows) if cells[0]]
    ends = [*starts[1:], last_to if last_to is not None else first + len(rows)]
    for start, end in zip(starts, ends):
        b.merge_down(0, start, end - 1, text(rows[start - first][0], "header"))
    for i, (_section, *rest) in enumerate(rows):
        for j, value in enumerate(rest):
            last_col = width - 1 if j == len(rest) - 1 else j + 1
            b.row(first + i, [(j + 1, last_col, number(value) if _PLAIN.match(value or "") else text(value or None))])
    return first + len(rows)


def layout_target_dept(t: dict) -> Block:
    """六枝 部门整体支出绩效目标表 (003 L15), 6 columns: 部门(单位)基本情况, 资金情况 (基本支出 + 项目支出 = 资金总额, 万元),
    目标 and 措施, then ``指标 | 一级 | 二级 | 三级 | 指标值 | 指标解释及计算公式`` (the dump prints the first 二级
    label, 数量指标, in the header line; here it stands in its column)."""
    b = Block([10, 12, 12, 30, 14, 40])
    b.row(0, [(0, 5, text(t["table_title"], "title"))])
    r = 1
    for line in t["above"]:
        b.row(r, [(0, 5, text(line, "subtitle"))])
        r += 1
    r = _section_rows(b, r, t["preamble"], 6)
    head = t["funds_header"]
    b.marks.update(fund_header=r)
    b.merge_down(0, r, r + len(t["funds"]), text(head[0], "header"))
    b.merge_down(1, r, r + len(t["funds"]), text(head[1], "header"))
    b.row(r, [(2, 2, text(head[2], "header")), (3, 5, text(head[3], "header"))])
    for i, (label, amount) in enumerate(t["funds"], start=r + 1):
        b.row(i, [(2, 2, text(label, "label")), (3, 5, number(amount, fmt="#,##0.00"))])
    r = _section_rows(b, r + 1 + len(t["funds"]), t["after_funds"], 6)
    b.marks.update(fund_end=r)
    return _target_indicators(b, r, t, {"level1": 1, "level2": 2, "level3": 3, "target": 4, "explain": 5})


def layout_target_project(t: dict) -> Block:
    """六枝 项目绩效目标表 / 部门项目支出绩效目标申报表 (003 L80–L205), 8 columns: 项目基本情况, 项目资金情况 (预算资金, its
    unit as printed: 元, or none), 绩效目标情况 with the indicator block ``指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |
    指标解释及计算公式 [| 上年度指标值或实际水平]`` under it."""
    b = Block([10, 12, 12, 12, 30, 16, 36, 14])
    b.row(0, [(0, 7, text(t["table_title"], "title"))])
    r = 1
    for line in ([t["subtitle"]] if t.get("subtitle") else []) + t["above"]:
        b.row(r, [(0, 7, text(line, "subtitle"))])
        r += 1
    rows = [*t["preamble"], t["budget"], *t["after_funds"]]
    b.marks.update(fund_header=r + len(t["preamble"]), fund_end=r + len(t["preamble"]) + 1)
    top = r + len(rows)
    _section_rows(b, r, rows, 8, last_to=top + 1 + len(t["indicators"]))
    return _target_indicators(b, top, t, {"level1": 2, "level2": 3, "level3": 4, "target": 5, "explain": 6,
                                          "last_year": 7})


def _target_indicators(b: Block, top: int, t: dict, cols: dict[str, int]) -> Block:
    """The indicator block of a target table: header, then one row per indicator with 一级/二级 merged down."""
    inds = t["indicators"]
    head = t["indicator_header"]
    first = cols["level1"] - 1  # the 指标 column left of 一级
    _header(b, top, first, head)
    b.merge_down(first, top, top + len(inds), text(head[0], "header"))
    _label_runs(b, cols["level1"], top + 1, inds, "level1")
    _label_runs(b, cols["level2"], top + 1, inds, "level1", "level2")
    for i, ind in enumerate(inds, start=top + 1):
        b.put(i, cols["level3"], text(ind["level3"]))
        b.put(i, cols["target"], number(ind["target"]))
        for key in ("explain", "last_year"):
            if key in cols and cols[key] < first + len(head):
                b.put(i, cols[key], text(ind.get(key)))
    b.marks.update(indicator_header=top, indicator_end=top + 1 + len(inds), cols=cols)
    return b


LAYOUTS = {"gz_project": layout_gz, "lz_project": layout_lz_project, "lz_dept": layout_lz_dept,
           "zz_project": layout_zz, "zz_dept": layout_zz}
TARGET_LAYOUTS = {"dept": layout_target_dept, "project": layout_target_project}


def layout(t: dict) -> Block:
    """The printed layout of any seed table: a 自评表 by its template, a 绩效目标表 by its kind."""
    return TARGET_LAYOUTS[t["kind"]](t) if t["format"] == "lzt_target" else LAYOUTS[t["format"]](t)


# ---------------------------------------------------------------------------------------------- writing

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONTS = {"title": Font(bold=True, size=16), "subtitle": Font(size=11), "header": Font(bold=True, size=10)}
_BODY_FONT = Font(size=10)


def _alignment(cell: Cell) -> Alignment:
    if cell.role in ("title", "subtitle"):
        return Alignment(horizontal="center", vertical="center")
    if cell.role in ("header", "label", "number"):
        return Alignment(horizontal="center", vertical="center", wrap_text=True)
    return Alignment(horizontal="left", vertical="center", wrap_text=True)


def place(ws, block: Block, top: int) -> int:
    """Write ``block`` with its first row at worksheet row ``top`` (1-based); returns the row after it.
    Every cell of the table body gets a border, title rows do not (as printed)."""
    framed = {r for (r, _c), cell in block.cells.items() if cell.role not in ("title", "subtitle")}
    width = len(block.widths)
    for r in range(block.n_rows):
        for c in range(width):
            cell = block.cells.get((r, c))
            target = ws.cell(row=top + r, column=c + 1)
            if cell is not None and cell.value is not None:
                target.value = cell.value
                target.number_format = cell.fmt
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    target.data_type = "s"  # a typed "=100%" target is text, not a formula
            if cell is not None:
                target.font = _FONTS.get(cell.role, _BODY_FONT)
                target.alignment = _alignment(cell)
            if r in framed:
                target.border = _BORDER
    spans: dict[tuple[int, int], float | None] = {}
    for r1, c1, r2, c2 in block.merges:
        # text merged over several rows has their height: it does not need to grow its first row
        spans[(r1, c1)] = sum(block.widths[c1:c2 + 1]) if r1 == r2 else None
        ws.merge_cells(start_row=top + r1, start_column=c1 + 1, end_row=top + r2, end_column=c2 + 1)
    for c, w in enumerate(block.widths, start=1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, w)
    ws.row_dimensions[top].height = 30
    heights: dict[int, float] = {}
    for (r, c), cell in block.cells.items():
        width = spans.get((r, c), block.widths[c])
        if isinstance(cell.value, str) and cell.role != "title" and width is not None:
            heights[r] = max(heights.get(r, 15), _text_height(cell.value, width))
    for r, height in heights.items():
        ws.row_dimensions[top + r].height = height
    return top + block.n_rows


def _text_height(value: str, width: float) -> float:
    """Row height that shows a wrapped text whole: openpyxl cannot measure text and spreadsheet programs
    do not auto-fit merged cells. A CJK character is about two width units at 10 pt, a line about 13 pt."""
    def units(part: str) -> int:
        return sum(1 if ord(ch) < 0x2E80 else 2 for ch in part)

    lines = sum(max(1, -(-units(part) // max(int(width) - 1, 1))) for part in value.split("\n"))
    return min(409, 13 * lines + 3)


def _setup_page(ws) -> None:
    """Landscape A4, all columns on one page width, as the tables are printed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def sheet_name(index: int, name: str) -> str:
    """``07 省级慰问费`` – numbered like the published order; Excel forbids some characters and > 31 chars."""
    clean = re.sub(r"[\[\]:*?/\\]", "", re.sub(r"^\d+T?\d*-", "", name))
    return f"{index:02d} {clean}"[:31]


def write_one_per_sheet(path: Path, tables: list[dict]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for i, t in enumerate(tables, start=1):
        title = "部门整体" if t["format"].endswith("_dept") else sheet_name(i, t["project_name"])
        ws = wb.create_sheet(title)
        _setup_page(ws)
        place(ws, layout(t), 1)
    wb.save(path)


def write_stacked(path: Path, sheets: list[tuple[str, list[dict]]], gap: int = 2) -> None:
    """Several tables on one sheet, ``gap`` empty rows apart, as when tables are copied under each other."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, tables in sheets:
        ws = wb.create_sheet(title)
        _setup_page(ws)
        row = 1
        for t in tables:
            row = place(ws, layout(t), row) + gap
    wb.save(path)


def build(tables: list[dict], out: Path = SAMPLES) -> list[Path]:
    by_source: dict[str, list[dict]] = {}
    for t in tables:
        by_source.setdefault(t["id"][:3], []).append(t)
    gz, lz, zz = by_source["000"], by_source["001"], by_source["002"]
    paths = [out / "perf_guizhou_2023.xlsx", out / "perf_luzhou_2023.xlsx", out / "perf_zhuzhou_2023.xlsx",
             out / "perf_liuzhi_2023.xlsx"]
    write_one_per_sheet(paths[0], gz)
    write_stacked(paths[1], [("部门整体自评表", [t for t in lz if t["format"] == "lz_dept"]),
                             ("项目支出自评表", [t for t in lz if t["format"] == "lz_project"])])
    write_one_per_sheet(paths[2], zz)
    lt = load_targets()
    write_stacked(paths[3], [("部门整体绩效目标表", [t for t in lt if t["kind"] == "dept"]),
                             ("项目绩效目标表", [t for t in lt if t["kind"] == "project"])])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-shared", type=Path, help="先从 DIR/seed-perf 重新生成 samples/perf_tables.json")
    args = parser.parse_args()
    if args.from_shared:
        rebuild_tables_json(args.from_shared)
    for path in build(load_tables()):
        print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
