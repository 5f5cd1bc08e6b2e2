"""Benchmark: writing the marked and the filled copy, next to an openpyxl load + save of the same file.

The reference is what the writer replaced (a full openpyxl round trip), measured in the same run. Printed per file:
the reference, the whole ``juesuan check --out`` (read, check, plan, write) or ``juesuan fill``, the write alone,
and the ratios. Targets: check --out of the nine-table sample ≤ 0.5×, fill of the 绩效 samples ≤ 0.25×.
Usage: python bench/bench_write.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from openpyxl import load_workbook
from timing import best

from juesuan import check_file
from juesuan.adapters.openpyxl_file import apply_plan
from juesuan.fill import fill_file
from juesuan.plan import plan_marks

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "workbooks" / "samples"
SAMPLE = SAMPLES / "gz_2023_juesuan.xlsx"
PERF = sorted(SAMPLES.glob("perf_*.xlsx"))


def openpyxl_round_trip(src: Path, out: Path) -> None:
    load_workbook(src).save(out)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.xlsx"
        print(f"{'文件':<30}{'openpyxl 读+存':>14}{'juesuan':>12}{'其中写出':>10}{'比值':>8}{'目标':>6}")
        reference = best(lambda: openpyxl_round_trip(SAMPLE, out))
        report = check_file(SAMPLE)
        plan = plan_marks(report)
        whole = best(lambda: apply_plan(SAMPLE, plan_marks(check_file(SAMPLE)), out))
        write = best(lambda: apply_plan(SAMPLE, plan, out))
        print(f"{'check --out ' + SAMPLE.name:<30}{reference * 1000:>11.1f} ms{whole * 1000:>9.1f} ms"
              f"{write * 1000:>7.1f} ms{whole / reference:>8.2f}{'≤0.5':>6}")
        for path in PERF:
            reference = best(lambda path=path: openpyxl_round_trip(path, out))
            whole = best(lambda path=path: fill_file(path, out))
            print(f"{'fill ' + path.name:<30}{reference * 1000:>11.1f} ms{whole * 1000:>9.1f} ms{'':>10}"
                  f"{whole / reference:>8.2f}{'≤0.25':>6}")


if __name__ == "__main__":
    main()
