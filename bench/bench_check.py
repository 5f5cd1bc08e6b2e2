"""Benchmark: checking next to just reading the same file with python-calamine.

For the bundled sample and for synthetic 支出决算表 (公开03) of growing size it prints, measured in the same run:
the calamine read and the check (read + recognise + every rule) in this process and their ratio (target ≤ 1.5);
then each as a whole process - ``juesuan check`` against a Python process that only reads the file - with the
ratio of times (target ≤ 2) and of peak memory (target ≤ 2).
Usage: python bench/bench_check.py [rows ...]   (default 5000 50000 200000)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from timing import best

from juesuan import check_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "samples" / "gz_2023_juesuan.xlsx"
COLUMNS = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]

#: Peak memory of this process in KiB (VmHWM: unlike ru_maxrss it does not carry the parent's peak over a fork).
PEAK = "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)"
#: A process that reads every sheet with calamine and nothing else.
READ_ONLY = f"""
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python(skip_empty_area=False)
{PEAK}
"""
#: ``juesuan check`` as the console script runs it.
CHECK = f"""
import sys
from juesuan.cli import main
main(["check", sys.argv[1]])
{PEAK}
"""


def synthetic_expense_table(rows: int, path: Path) -> None:
    """A consistent 公开03 with about ``rows`` data rows: 类 > 款 > 20 项 (as many 款 as keep the 类 codes at
    three digits), amounts that add up."""
    kuans = max(10, -(-rows // (899 * 21)))
    per_class = 1 + kuans * 21
    classes = max(1, rows // per_class)
    book = Workbook(write_only=True)
    ws = book.create_sheet("支出决算表")
    ws.append(["支出决算表"])
    ws.append(["", "", "", "", "", "", "", "公开03表"])
    ws.append(["部门（单位）：测试单位", "", "", "", "", "", "", "金额单位：万元"])
    ws.append(["项目", "", *COLUMNS])
    ws.append(["科目代码", "科目名称"])
    ws.append(["", "栏次", 1, 2, 3, 4, 5, 6])
    body = []
    total = [Decimal(0)] * 2
    for k in range(classes):
        cls = f"{100 + k:03d}"
        cls_sum = [Decimal(0)] * 2
        kuan_rows = []
        for j in range(kuans):
            kuan = f"{cls}{j + 1:02d}"
            items = []
            kuan_sum = [Decimal(0)] * 2
            for i in range(20):
                basic, project = Decimal(k * 7 + j * 3 + i) + Decimal("0.13"), Decimal(i) + Decimal("0.27")
                items.append([f"{kuan}{i + 1:02d}", f"项目{i + 1}", basic + project, basic, project, 0, 0, 0])
                kuan_sum = [kuan_sum[0] + basic, kuan_sum[1] + project]
            kuan_rows.append([kuan, f"款{j + 1}", sum(kuan_sum), *kuan_sum, 0, 0, 0])
            kuan_rows += items
            cls_sum = [cls_sum[0] + kuan_sum[0], cls_sum[1] + kuan_sum[1]]
        body.append([cls, f"类{k + 1}", sum(cls_sum), *cls_sum, 0, 0, 0])
        body += kuan_rows
        total = [total[0] + cls_sum[0], total[1] + cls_sum[1]]
    ws.append(["合计", "", float(sum(total)), float(total[0]), float(total[1]), 0, 0, 0])
    for row in body:
        ws.append([v if isinstance(v, (str, int)) else float(v) for v in row])
    ws.append(["注：本表为基准测试生成的数据。"])
    book.save(path)


def read_only(path: Path) -> None:
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


def process(script: str, path: Path) -> tuple[float, int]:
    """Wall time and peak memory (KiB) of a fresh Python process running ``script`` on ``path``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    return elapsed, int(done.stderr.strip().splitlines()[-1])


def measure(label: str, path: Path) -> None:
    read_only(path)  # warm-up: first calamine call pays for loading the library
    read = best(lambda: read_only(path))
    report = check_file(path)
    check = best(lambda: check_file(path))
    (read_p, read_kib), (check_p, check_kib) = (min((process(s, path) for _ in range(2)), key=lambda t: t[0])
                                                for s in (READ_ONLY, CHECK))
    print(f"{label:<22}{read * 1000:>9.0f} ms{check * 1000:>10.0f} ms{check / read:>7.2f}"
          f"{read_p * 1000:>10.0f} ms{check_p * 1000:>10.0f} ms{check_p / read_p:>7.2f}"
          f"{read_kib / 1024:>8.0f} MiB{check_kib / 1024:>7.0f} MiB{check_kib / read_kib:>7.2f}"
          f"   错误 {report.summary.errors}，警告 {report.summary.warnings}")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [5000, 50000, 200000]
    print(f"{'文件':<20}{'进程内：读取':>11}{'检查':>10}{'比值':>6}{'整进程：读取':>11}{'检查':>9}{'比值':>6}"
          f"{'峰值内存：读取':>11}{'检查':>8}{'比值':>6}")
    measure("示例工作簿（9 张表）", SAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"expense_{rows}.xlsx"
            synthetic_expense_table(rows, path)
            measure(f"支出决算表 {rows} 行", path)


if __name__ == "__main__":
    main(sys.argv[1:])
