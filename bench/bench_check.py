"""Benchmark: how long checking takes next to just reading the same file with python-calamine.

Prints, for the bundled sample and for synthetic 支出决算表 (公开03) of growing size, the calamine read time,
the full check time (read + recognise + all rules) and their ratio. Target: ratio ≤ 2, linear growth.
Usage: python bench/bench_check.py [rows ...]   (default 5000 10000 20000)
"""

from __future__ import annotations

import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from timing import best

from juesuan import check_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "samples" / "gz_2023_juesuan.xlsx"
COLUMNS = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]


def synthetic_expense_table(rows: int, path: Path) -> None:
    """A consistent 公开03 with about ``rows`` data rows: 类 > 10 款 > 20 项, amounts that add up."""
    per_class = 1 + 10 * 21
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
        for j in range(10):
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


def measure(label: str, path: Path) -> None:
    read_only(path)  # warm-up: first calamine call pays for loading the library
    read = best(lambda: read_only(path))
    report = check_file(path)
    check = best(lambda: check_file(path))
    print(f"{label:<28}{read * 1000:>10.1f} ms{check * 1000:>12.1f} ms{check / read:>9.2f}   "
          f"错误 {report.summary.errors}，警告 {report.summary.warnings}")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [5000, 10000, 20000]
    print(f"{'文件':<26}{'calamine 读取':>13}{'检查（含读取）':>12}{'比值':>7}")
    measure("示例工作簿（9 张表）", SAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"expense_{rows}.xlsx"
            synthetic_expense_table(rows, path)
            measure(f"支出决算表 {rows} 行", path)


if __name__ == "__main__":
    main(sys.argv[1:])
