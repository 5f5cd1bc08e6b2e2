"""The numpy column path of EXECRATE, SHARE and YOY gives exactly what the cell-by-cell Decimal path gives:
on the published 绩效自评 budget rows, on random amounts, and on constructed rounding ties (half-up, not
numpy's half-to-even)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from juesuan import udf
from juesuan.udf import EXECRATE, SHARE, YOY
from juesuan.udf_columns import ratio_column

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = [EXECRATE, SHARE, YOY]


def _published_pairs() -> list[tuple[float | None, float | None]]:
    """(全年预算数 A, 全年执行数 B) of every budget row of the 127 published 绩效自评 tables, as COM floats."""
    tables = json.loads((ROOT / "workbooks" / "samples" / "perf_tables.json").read_text(encoding="utf-8"))

    def number(text: str | None) -> float | None:
        try:
            return float(text.replace(",", "")) if text else None
        except ValueError:
            return None

    return [(number(row.get("full_year_budget_A")), number(row.get("executed_B")))
            for table in tables for row in table.get("budget_rows", [])]


def _cell_by_cell(function, xs, ys, *options):  # type: ignore[no-untyped-def]
    """The reference: one scalar call per cell (never the array path)."""
    return [[function(x[0], y[0], *options)] for x, y in zip(xs, ys, strict=True)]


def _assert_same(xs: list[list[object]], ys: list[list[object]], decimal_places: tuple[int, ...] = (0, 1, 2, 3, 4)) -> None:
    for function in FUNCTIONS:
        for decimals in decimal_places:
            for percent in (True, False):
                column = function(xs, ys, decimals, percent)
                assert column == _cell_by_cell(function, xs, ys, decimals, percent), (function.__name__, decimals)


def test_published_budget_rows() -> None:
    pairs = _published_pairs()
    assert len(pairs) > 300 and sum(a is not None and b is not None for a, b in pairs) > 250
    budgets, executed = [[a] for a, _ in pairs], [[b] for _, b in pairs]
    assert ratio_column("exec", budgets, executed, 2, True, lambda a, b: None, "", "d", "n") is not None  # array path
    _assert_same(budgets, executed)
    _assert_same(executed, budgets)


def test_random_amounts_blanks_zeros_and_negatives() -> None:
    rng = random.Random(13)
    xs, ys = [], []
    for _ in range(5_000):
        scale = 10 ** rng.randint(0, 8)
        x = round(rng.uniform(-0.1, 1) * scale, 2)
        y = round(x * rng.uniform(0, 1.5), 2) if rng.random() < 0.9 else round(rng.uniform(0, 1) * scale, 2)
        xs.append([rng.choice([x, x, x, x, 0.0, None, -x])])
        ys.append([rng.choice([y, y, y, y, 0.0, None])])
    _assert_same(xs, ys, (0, 2, 4))


def test_rounding_ties_go_half_up_like_excel() -> None:
    """k/8, k/16, k/80 … land exactly on .5 at some decimals: numpy's round would go to even, ROUND goes up."""
    xs = [[float(d)] for d in (8, 16, 80, 160, 400, 2000, 8, 16) for _ in range(1, 40)]
    ys = [[float(k)] for _ in (8, 16, 80, 160, 400, 2000, 8, 16) for k in range(1, 40)]
    assert EXECRATE([[8.0]], [[1.0]], 0) == [[0.13]]  # 12.5 % → 13 %, where round-half-even gives 12 %
    assert EXECRATE([[16.0]], [[9.0]], 1) == [[0.563]]  # 56.25 % → 56.3 %
    _assert_same(xs, ys)


def test_text_and_error_cells_take_the_cell_path() -> None:
    xs = [[180000.0], ["3,655,709.50"], ["#N/A"], ["待定"], [True], [float("nan")], [100]]
    ys = [[179876.0], [3655709.5], [1.0], [1.0], [1.0], [1.0], [50.0]]
    assert ratio_column("exec", xs, ys, 2, True, lambda a, b: None, "", "d", "n") is None
    assert EXECRATE(xs, ys) == [[0.9993], [1.0], [udf.EXCEL_ERRORS["#N/A"]], [udf.ERR_NUM], [udf.ERR_NUM],
                                [udf.ERR_NUM], [0.5]]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_a_single_denominator_stretches_over_a_column(function) -> None:  # type: ignore[no-untyped-def]
    column = [[v] for v in (1.0, 2.5, None, 0.0, -3.0, 7.125)]
    for total in (8.0, 0.0, None, -4.0):
        assert function(column, total) == [[function(v[0], total)] for v in column]
        assert function(total, column) == [[function(total, v[0])] for v in column]
    row = [[1.0, 2.0]]  # a column against a row stretches both ways, as cell by cell
    assert function(column, row) == [[function(v[0], r) for r in row[0]] for v in column]
    assert function(column, column[:3]) == udf.ERR_SHAPE
