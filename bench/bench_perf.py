"""Benchmark: check and fill a workbook of 200 项目支出绩效自评表 (real 贵州/泸州/株洲 tables, repeated),
one table per sheet, next to the time python-calamine needs just to read it.

Usage: python bench/bench_perf.py [tables]   (default 200)
"""

from __future__ import annotations

import sys
import tempfile
from itertools import cycle, islice
from pathlib import Path

from timing import best

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from juesuan.check import check_file  # noqa: E402
from juesuan.fill import fill_file  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from workbooks.make_perf_samples import load_tables, write_one_per_sheet  # noqa: E402


def read_only(path: Path) -> None:
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


def main(count: int) -> None:
    projects = [t for t in load_tables() if t["format"].endswith("_project")]
    tables = list(islice(cycle(projects), count))
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / "perf.xlsx", Path(tmp) / "filled.xlsx"
        write_one_per_sheet(path, tables)
        read_only(path)
        read = best(lambda: read_only(path))
        report = check_file(path)
        check = best(lambda: check_file(path))
        fill = best(lambda: fill_file(path, out), rounds=1)
    print(f"{count} 张项目支出绩效自评表（每表一个工作表），识别 {len(report.tables)} 张，"
          f"错误 {report.summary.errors}，警告 {report.summary.warnings}")
    print(f"  calamine 读取：{read * 1000:8.1f} ms")
    print(f"  检查（含读取）：{check * 1000:8.1f} ms   比值 {check / read:.2f}")
    print(f"  填充（含读取、openpyxl 写出副本）：{fill * 1000:8.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
