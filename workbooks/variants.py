"""Variants of the nine tables' content as other regions and years print them, and the layout matrix.

:func:`vary` edits the words of a copy of the model (the class list of an older template, 小计 for 合计, the
department missing from the heading …); :mod:`workbooks.build` lays the result out under any
:class:`~workbooks.build.Layout`. :func:`matrix` lists the variants a generality test runs: every feature on its
own, all pairs of features (a greedy covering array) and a few random combinations, all from a fixed seed.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from .build import TableModel

__all__ = ["CONTENT", "FEATURES", "Variant", "matrix", "vary"]

#: The 类 lines that templates before 2020 did not have (24 instead of 26 class lines).
_LATER_CLASSES = ("二十六、抗疫特别国债安排的支出", "二十二、灾害防治及应急管理支出")
_OPENING = "使用非财政拨款结余（含专用结余）"
_CODE_TABLES = ("公开02", "公开03", "公开05", "公开07", "公开08")


def vary(
    tables: Mapping[str, TableModel],
    *,
    class_lines: int = 26,
    opening_label: str | None = None,
    department: str | None = None,
    total_label: str = "合计",
    subtotal_word: str = "小计",
) -> dict[str, TableModel]:
    """A copy of the tables with other templates' words: ``class_lines`` 24 drops the two newest 类 lines of
    公开01/04; ``opening_label`` renames 使用非财政拨款结余（含专用结余）; ``department`` replaces the unit in the
    heading ("" leaves it out); ``total_label`` is what the code tables print on their 合计 row (小计, 总计);
    ``subtotal_word`` heads the sum column of 公开05/07/08 (合计 instead of 小计)."""
    out = copy.deepcopy(dict(tables))
    if class_lines == 24:
        for kind in ("公开01", "公开04"):
            for name in _LATER_CLASSES:
                out[kind].delete(name)
    if opening_label is not None:
        out["公开01"].row(_OPENING).name = opening_label
    for table in out.values():
        if department is not None:
            table.department = department
        if table.key in _CODE_TABLES and total_label != "合计":
            table.row("合计").name = total_label
        if table.key in ("公开05", "公开07", "公开08") and subtotal_word != "小计":
            table.header = [[subtotal_word if t == "小计" else t for t in row] for row in table.header]
    return out


#: Layout options (workbooks.build.Layout) and their levels; the first level is the published look.
FEATURES: dict[str, tuple[Any, ...]] = {
    "split_codes": ("none", "full", "inherit"),
    "no_line_numbers": (False, True),
    "sangong_nesting": ("stage_top", "item_top"),
    "sangong_spelling": ("printed", "short", "spaced"),
    "blank_zero": (False, True),
    "total_at_bottom": (False, True),
    "total_on_subheader": (False, True),
    "stacked": (False, True),
    "unmerged": (False, True),
    "numbers_as_text": (False, True),
    "codes_as_numbers": (False, True),
    "code_header": (None, "科目编码", "支出功能分类科目编码"),
    "total_position": ("printed", "code", "name", "merged"),
    "dash_for_zero": (False, True),
    "start": ((1, 1), (4, 3)),
}
#: Content options (:func:`vary`) and their levels.
CONTENT: dict[str, tuple[Any, ...]] = {
    "class_lines": (26, 24),
    "opening_label": (None, "使用非财政拨款结余"),
    "department": (None, "", "某某市某某局"),
    "total_label": ("合计", "小计", "总计"),
    "subtotal_word": ("小计", "合计"),
}
_ALL = {**FEATURES, **CONTENT}


def _allowed(choice: Mapping[str, Any]) -> bool:
    """Combinations a real file cannot have."""
    if choice.get("total_on_subheader") and choice.get("split_codes", "none") == "none":
        return False
    return not (choice.get("blank_zero") and choice.get("dash_for_zero"))


@dataclass(frozen=True)
class Variant:
    """One workbook of the matrix: its name and the non-default options."""

    name: str
    options: tuple[tuple[str, Any], ...]

    @property
    def layout(self) -> dict[str, Any]:
        """Keyword options for :func:`workbooks.build.build_workbook`."""
        out: dict[str, Any] = {}
        for key, value in self.options:
            if key == "start":
                out["start_row"], out["start_col"] = value
            elif key in FEATURES:
                out[key] = value
        return out

    @property
    def content(self) -> dict[str, Any]:
        """Keyword options for :func:`vary`."""
        return {k: v for k, v in self.options if k in CONTENT}


def _variant(choice: Mapping[str, Any]) -> Variant:
    options = tuple((k, v) for k, v in choice.items() if v != _ALL[k][0])
    name = ",".join(f"{k}={v}" for k, v in options) or "published"
    return Variant(name, options)


def _pairwise(rng: random.Random, candidates: int = 40) -> list[dict[str, Any]]:
    """A greedy covering array: every pair of levels of every two options appears in some row."""
    names = list(_ALL)
    uncovered = {(a, va, b, vb) for a, b in combinations(names, 2) for va in _ALL[a] for vb in _ALL[b]
                 if _allowed({a: va, b: vb})}
    rows: list[dict[str, Any]] = []
    while uncovered:
        best, gain = None, -1
        for _ in range(candidates):
            a, va, b, vb = rng.choice(sorted(uncovered, key=str))
            choice = {n: rng.choice(_ALL[n]) for n in names}
            choice[a], choice[b] = va, vb
            if not _allowed(choice):
                continue
            covered = sum(1 for x, vx, y, vy in uncovered if choice[x] == vx and choice[y] == vy)
            if covered > gain:
                best, gain = choice, covered
        if best is None:
            continue
        uncovered = {(x, vx, y, vy) for x, vx, y, vy in uncovered if not (best[x] == vx and best[y] == vy)}
        rows.append(best)
    return rows


def matrix(seed: int = 20231231, extra: int = 12) -> list[Variant]:
    """The layout matrix: the published look, each option level alone, a pairwise covering array of all
    options, and ``extra`` random combinations."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = [{}]
    for name, levels in _ALL.items():
        for level in levels[1:]:
            choice = {name: level}
            if name == "total_on_subheader":
                choice["split_codes"] = "full"
            rows.append(choice)
    rows += _pairwise(rng)
    while extra:
        choice = {n: rng.choice(levels) for n, levels in _ALL.items()}
        if _allowed(choice):
            rows.append(choice)
            extra -= 1
    seen: dict[str, Variant] = {}
    for choice in rows:
        full = {n: choice.get(n, levels[0]) for n, levels in _ALL.items()}
        variant = _variant(full)
        seen.setdefault(variant.name, variant)
    return list(seen.values())
