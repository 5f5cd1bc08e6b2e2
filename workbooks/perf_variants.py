"""The 绩效 half of the layout matrix (issue 7): the published 绩效自评表 and 绩效目标表 rendered under every layout
feature seen in real workbooks, alone and in pairs, as in-memory grids.

A recogniser built from a few templates breaks on the next province's file; each feature here is one way a
real table differs from our samples:

* ``two_row`` – indicator header labels merged over two rows, the second row otherwise empty;
* ``text_scores`` – 分值 / 得分 / 总分 typed as text with their unit (``10分``, ``87.44分``);
* ``last_year`` – a 上年完成值 column before the actual, which is then headed 指标实际完成值;
* ``rate_column`` – a printed 完成率 column (实际完成值 ÷ 指标值, 0.00 %) after the actual;
* ``swapped`` – the header says 分值权重 | 实际完成指标值 while every row holds them the other way round;
* ``unknown`` – header words of no known template (no 资金来源, no (A)/(B), no 偏差原因分析): the scoring rule
  must come from the numbers;
* ``paragraph`` – a 年度总体目标 block whose 实际完成情况 paragraph quotes 年初预算数 … 执行数;
* ``unmerged`` – no merged cells at all (labels on the first row of their group);
* ``offset`` – the table starts at C4 instead of A1;
* ``stacked`` – all tables of the variant on one sheet, one under another.

:func:`variants` gives the plain rendering, every feature alone and every pair; :func:`render` lays out one
seed table (a dict of ``samples/perf_tables.json`` or ``perf_targets.json``) under a set of features, and
:func:`grids` puts rendered tables on sheets. Seed values are never changed except by an explicit fault
(tests edit the seed dict before rendering), so a variant must check exactly like the plain table.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from juesuan.grid import Grid
from juesuan.perf.indicator import completion_ratio, parse_value
from juesuan.numbers import round_half_up

from .make_perf_samples import Block, Cell, layout, text

__all__ = ["FEATURES", "TARGET_FEATURES", "Variant", "grids", "insert_column", "insert_row", "render", "seeds_for",
           "variants"]

FEATURES = ("two_row", "text_scores", "last_year", "rate_column", "swapped", "unknown", "paragraph", "unmerged",
            "offset", "stacked")
#: Features a 绩效目标表 can show (it has no scores, no actual values, no fund header of a template).
TARGET_FEATURES = frozenset({"two_row", "unmerged", "offset", "stacked"})
_OFFSET = (3, 2)
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
_UNKNOWN_WORDS = (("资金来源", "资金类别"), ("(A)", ""), ("(B)", ""), ("（A）", ""), ("（B）", ""),
                  ("偏差原因分析及改进措施", "未完成原因分析"), ("偏差原因分析 及改进措施", "未完成原因分析"),
                  ("年度预算申请", "年度预算资金"))


@dataclass(frozen=True)
class Variant:
    """One cell of the matrix: a set of features (empty for the tables as printed)."""

    features: frozenset[str]

    @property
    def name(self) -> str:
        return "+".join(sorted(self.features)) or "as_printed"

    def has(self, feature: str) -> bool:
        return feature in self.features


def variants() -> list[Variant]:
    """The plain rendering, each feature alone, and every pair of features."""
    singles = [frozenset({f}) for f in FEATURES]
    pairs = [frozenset(p) for p in combinations(FEATURES, 2)]
    return [Variant(frozenset()), *(Variant(f) for f in singles + pairs)]


# ---------------------------------------------------------------------------------------------- seed level


def _with_unit(printed: str | None) -> str | None:
    """``87.44`` → ``87.44分``: the same digits, typed as text with the unit."""
    return f"{printed.strip()}分" if printed and _PLAIN.match(printed.strip()) else printed


def _text_scores(t: dict) -> dict:
    out = copy.deepcopy(t)
    for row in [*out.get("indicators", []), *out.get("budget_rows", []), out.get("total") or {}]:
        for key in ("weight", "score"):
            if key in row and not str(row.get(key) or "").endswith("%"):
                row[key] = _with_unit(row[key])
    return out


# ---------------------------------------------------------------------------------------------- block level


def _shift(pos: tuple[int, int], row: int | None = None, col: int | None = None) -> tuple[int, int]:
    r, c = pos
    return (r + 1 if row is not None and r >= row else r, c + 1 if col is not None and c >= col else c)


def insert_row(b: Block, at: int) -> None:
    """An empty row before row ``at``; merges reaching over it grow, marks below move down."""
    b.cells = {_shift(p, row=at): cell for p, cell in b.cells.items()}
    b.merges = [(r1 + (r1 >= at), c1, r2 + (r2 >= at), c2) for r1, c1, r2, c2 in b.merges]
    b.n_rows += 1
    for key, value in b.marks.items():
        if key != "cols" and value >= at:
            b.marks[key] = value + 1


def insert_column(b: Block, at: int, header: str, values: list[Cell]) -> None:
    """A new indicator column before column ``at``: ``header`` in the indicator header row, ``values`` in the
    indicator rows; outside the indicator block the cell on its left is widened over it."""
    b.cells = {_shift(p, col=at): cell for p, cell in b.cells.items()}
    b.merges = [(r1, c1 + (c1 >= at), r2, c2 + (c2 >= at)) for r1, c1, r2, c2 in b.merges]
    b.widths.insert(at, 12)
    b.marks["cols"] = {k: c + (c >= at) for k, c in b.marks["cols"].items()}
    head, first, end = b.marks["indicator_header"], b.marks["indicator_header"] + 1, b.marks["indicator_end"]
    b.cells[(head, at)] = Cell(header, role="header")
    for r, cell in zip(range(first, end), values):
        b.cells[(r, at)] = cell
    for r in [*range(0, head), *range(end, b.n_rows)]:
        merge = next((m for m in b.merges if m[0] <= r <= m[2] and m[3] == at - 1), None)
        if merge is not None:
            b.merges[b.merges.index(merge)] = (merge[0], merge[1], merge[2], at)
        elif (r, at - 1) in b.cells:
            b.merges.append((r, at - 1, r, at))


def _two_row(b: Block) -> None:
    """Indicator header labels merged over two rows; the second row holds nothing of its own."""
    head = b.marks["indicator_header"]
    insert_row(b, head + 1)
    for (r, c) in [p for p in b.cells if p[0] == head]:
        merge = next((m for m in b.merges if m[0] == head and m[1] == c), None)
        if merge is None:
            b.merges.append((head, c, head + 1, c))
        elif merge[2] == head:
            b.merges[b.merges.index(merge)] = (head, c, head + 1, merge[3])


def _swap_headers(b: Block) -> None:
    """分值权重 | 实际完成指标值 printed over columns holding 完成值 | 分值 (or the reverse order)."""
    head, cols = b.marks["indicator_header"], b.marks["cols"]
    left, right = sorted((cols["weight"], cols["actual"]))
    first = "分值权重" if cols["actual"] < cols["weight"] else "实际完成指标值"
    second = "实际完成指标值" if first == "分值权重" else "分值权重"
    b.cells[(head, left)] = Cell(first, role="header")
    b.cells[(head, right)] = Cell(second, role="header")


def _unknown_words(b: Block) -> None:
    for pos, cell in list(b.cells.items()):
        if cell.role == "header" and isinstance(cell.value, str):
            value = cell.value
            for word, replacement in _UNKNOWN_WORDS:
                value = value.replace(word, replacement)
            b.cells[pos] = Cell(value.strip(), cell.fmt, cell.role)


def _paragraph(b: Block, t: dict) -> None:
    """A 年度总体目标 block after the funds whose 实际完成情况 paragraph quotes the budget figures in words."""
    at = b.marks["fund_end"]
    width = len(b.widths)
    insert_row(b, at)
    insert_row(b, at)
    half = width // 2
    b.merges += [(at, 0, at + 1, 0), (at, 1, at, half - 1), (at, half, at, width - 1),
                 (at + 1, 1, at + 1, half - 1), (at + 1, half, at + 1, width - 1)]
    b.cells[(at, 0)] = Cell("年度总体目标", role="header")
    b.cells[(at, 1)] = Cell("预期目标", role="header")
    b.cells[(at, half)] = Cell("实际完成情况", role="header")
    b.cells[(at + 1, 1)] = Cell(t.get("project_name") or "", role="text")
    fund = next(iter(t.get("budget_rows") or []), {})
    quoted = "，".join(f"{word}{fund[key]}" for word, key in (
        ("年初预算数", "initial_budget"), ("全年预算数", "full_year_budget_A"), ("全年执行数", "executed_B"))
        if fund.get(key))
    b.cells[(at + 1, half)] = Cell(f"本项目{quoted}，资金按计划拨付使用，年度目标基本完成。", role="text")


def _completion_cells(t: dict, cols: dict[str, int]) -> list[Cell]:
    """完成率 of each indicator row as the template would print it: the ratio rounded half-up to 2 decimals
    of a percent under ``0.00%``; empty where the values give no ratio; a row's ``completion`` as given."""
    cells = []
    for row in t["indicators"]:
        if row.get("completion"):  # a printed value given by the seed (a test's fault)
            cells.append(Cell(float(row["completion"]), "0.00%", "number"))
            continue
        nature = row.get("nature") if "nature" in cols else f"{row.get('level1') or ''}{row.get('level2') or ''}"
        target = parse_value(row.get("target"), nature=nature, unit_col=row.get("unit"))
        actual = parse_value(row.get("actual"), unit_col=row.get("unit"))
        ratio = completion_ratio(target, actual)
        cells.append(Cell(float(round_half_up(ratio, 4)), "0.00%", "number") if ratio is not None else text(None))
    return cells


def render(t: dict, features: Iterable[str] = ()) -> Block:
    """One seed table laid out under ``features`` (those a 绩效目标表 cannot show are left out for it)."""
    chosen = set(features)
    if t["format"] == "lzt_target":
        chosen &= TARGET_FEATURES
    elif t["format"].startswith("lz"):
        chosen.discard("unknown")  # 指标性质 makes 泸州 known whatever the other words say
    if "text_scores" in chosen:
        t = _text_scores(t)
    b = layout(t)
    cols = b.marks.get("cols", {})
    if "rate_column" in chosen:
        insert_column(b, cols["actual"] + 1, "完成率", _completion_cells(t, cols))
    if "last_year" in chosen:
        actual = b.marks["cols"]["actual"]
        b.cells[(b.marks["indicator_header"], actual)] = Cell("指标实际完成值", role="header")
        insert_column(b, actual, "上年完成值", [text(row.get("target")) for row in t["indicators"]])
    if "swapped" in chosen:
        _swap_headers(b)
    if "unknown" in chosen:
        _unknown_words(b)
    if "paragraph" in chosen:
        _paragraph(b, t)
    if "two_row" in chosen:
        _two_row(b)
    if "unmerged" in chosen:
        b.merges = []
    return b


# ---------------------------------------------------------------------------------------------- sheets


def _place(values: list[list[object]], merged: list, formats: dict, b: Block, top: int, left: int) -> int:
    width = left + len(b.widths)
    while len(values) < top + b.n_rows:
        values.append([None] * width)
    for (r, c), cell in b.cells.items():
        line = values[top + r]
        line.extend([None] * (width - len(line)))
        line[left + c] = cell.value
        if cell.fmt != "General" and isinstance(cell.value, (int, float)):
            formats[(top + r, left + c)] = cell.fmt
    merged += [(top + r1, left + c1, top + r2, left + c2) for r1, c1, r2, c2 in b.merges]
    return top + b.n_rows


def grids(tables: list[dict], variant: Variant, sheet: str = "绩效") -> list[Grid]:
    """The rendered tables as grids: one sheet each, or all on one sheet (``stacked``), two empty rows apart;
    ``offset`` starts each at C4."""
    top, left = _OFFSET if variant.has("offset") else (0, 0)
    blocks = [render(t, variant.features) for t in tables]
    if variant.has("stacked"):
        values: list[list[object]] = []
        merged: list = []
        formats: dict = {}
        row = top
        for block in blocks:
            row = _place(values, merged, formats, block, row, left) + 2
        return [Grid(sheet, values, merged, formats)]
    out = []
    for i, block in enumerate(blocks, start=1):
        values, merged, formats = [], [], {}
        _place(values, merged, formats, block, top, left)
        out.append(Grid(f"{sheet}{i}", values, merged, formats))
    return out


def seeds_for(index: int, tables: list[dict], targets: list[dict]) -> list[dict]:
    """The tables of variant number ``index``: two 贵州, two 泸州, one 株洲 and one 绩效目标表, rotating so that the
    matrix as a whole renders every published table."""
    by_format: dict[str, list[dict]] = {}
    for t in tables:
        by_format.setdefault(t["format"][:2], []).append(t)
    gz, lz, zz = by_format["gz"], by_format["lz"], by_format["zz"]
    return [gz[index % len(gz)], gz[(index + len(gz) // 2) % len(gz)], lz[index % len(lz)],
            lz[(index + len(lz) // 2) % len(lz)], zz[index % len(zz)], targets[index % len(targets)]]
