"""Time EXECRATE over 100 000 rows against a plain numpy computation of the same formula (list conversion in
and out included), and against 100 000 single-cell calls. Target (issue 10): the array call ≤ 2× numpy.

Excel's calculation overhead (COM marshalling, one call per formula) comes on top; this measures the Python
side only, which is what an array formula pays once and single-cell formulas pay per cell.

    .venv/bin/python bench/bench_udf.py [rows]
"""

from __future__ import annotations

import random
import sys

import numpy as np
from timing import ROUNDS, best

from juesuan.udf import EXECRATE


def _amounts(rows: int) -> tuple[list[list[object]], list[list[object]]]:
    """Budget and executed columns as COM delivers them: floats with 2 decimals, some blanks and zeros."""
    rng = random.Random(2023)
    budgets: list[list[object]] = []
    executed: list[list[object]] = []
    for i in range(rows):
        budget = round(rng.uniform(1, 5_000_000), 2)
        budgets.append([None if i % 97 == 0 else 0.0 if i % 101 == 0 else budget])
        executed.append([round(budget * rng.uniform(0.5, 1.0), 2)])
    return budgets, executed


def plain_numpy(budgets: list[list[object]], executed: list[list[object]]) -> list[list[float]]:
    """The reference: the same formula as plain numpy, lists in and lists out, no special cases."""
    a = np.array(budgets, dtype=np.float64)
    b = np.array(executed, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.floor(b / a * 1e4 + 0.5) / 1e4).tolist()


def main(rows: int = 100_000) -> None:
    budgets, executed = _amounts(rows)
    numpy_seconds = best(lambda: plain_numpy(budgets, executed), rounds=5)
    array_seconds = best(lambda: EXECRATE(budgets, executed), rounds=5)
    scalar_seconds = best(lambda: [EXECRATE(b[0], e[0]) for b, e in zip(budgets, executed, strict=True)])
    result = EXECRATE(budgets, executed)
    assert isinstance(result, list) and len(result) == rows
    print(f"EXECRATE，{rows:,} 行（best of {ROUNDS}，Python 端耗时）")
    print(f"  纯 numpy（含列表转换）：{numpy_seconds:8.3f} s")
    print(f"  一次数组调用（整列）：  {array_seconds:8.3f} s  {array_seconds / rows * 1e6:6.2f} µs/行"
          f"  = {array_seconds / numpy_seconds:.2f} × numpy（目标 ≤ 2）")
    print(f"  逐格调用 {rows:,} 次：    {scalar_seconds:8.3f} s  {scalar_seconds / rows * 1e6:6.2f} µs/行"
          f"  = {scalar_seconds / array_seconds:.0f} × 数组调用")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
