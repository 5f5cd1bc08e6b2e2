"""Benchmark: the built-in rules as the engine evaluates them (each 审核公式 compiled to a column-wise row sum or
合计 hierarchy where it is one, bound cell by cell otherwise: ``rules/formulas.py``) next to the same formulas
evaluated cell by cell as a user's 审核公式 are (``formula/rules.py``), on tables already recognised (reading
and recognition are not counted). Prints, for the bundled sample and for synthetic 支出决算表 (公开03) of growing
size, both times and their ratio: what a user's formula over a large table costs against a built-in one.
Usage: python bench/bench_formula.py [rows ...]   (default 5000 20000)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench_check import SAMPLE, synthetic_expense_table
from timing import best

from juesuan.check import recognise_all
from juesuan.formula.rules import catalogue_formula_findings
from juesuan.read import read_workbook
from juesuan.rules import load_catalogue, run

RULES = tuple(r for r in load_catalogue() if r.formula)


def measure(label: str, path: Path) -> None:
    tables = recognise_all(read_workbook(path))[0]
    engine = best(lambda: run(RULES, tables))
    formulas = best(lambda: catalogue_formula_findings(RULES, tables))
    same = sorted(f.cell for f in run(RULES, tables)) == sorted(f.cell for f in catalogue_formula_findings(RULES, tables))
    print(f"{label:<28}{engine * 1000:>10.1f} ms{formulas * 1000:>12.1f} ms{formulas / engine:>9.2f}   "
          f"{'结果相同' if same else '结果不同！'}")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [5000, 20000]
    print(f"{'工作簿':<26}{'内置规则':>12}{'逐格求值':>14}{'比值':>9}")
    measure("示例（九张表）", SAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"expense_{rows}.xlsx"
            synthetic_expense_table(rows, path)
            measure(f"公开03 约 {rows} 行", path)


if __name__ == "__main__":
    main(sys.argv[1:])
