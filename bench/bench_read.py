"""Benchmark: reading hostile and large workbooks stays within the limits of issue #9 §12 (20 s, 768 MiB).

Each file is checked by ``juesuan check`` in a process of its own; the table shows its wall time, CPU time and
peak RSS, and the wall-time ratio to checking the plain sample in the same run. A second table compares the
streaming .xlsx reader with python-calamine's dense read on the same files (in-process, best of three).
Usage: python bench/bench_read.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench_check import synthetic_expense_table
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from timing import best

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from juesuan.read import read_workbook  # noqa: E402
from workbooks.fuzz import rewrite_package, wait_for  # noqa: E402

SAMPLE = ROOT / "workbooks" / "samples" / "gz_2023_juesuan.xlsx"
PERF = ROOT / "workbooks" / "samples" / "perf_guizhou_2023.xlsx"


def far_cell(folder: Path) -> Path:
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    return rewrite_package(SAMPLE, folder / "far.xlsx", change={"xl/worksheets/sheet9.xml": lambda d: d.replace(b"</sheetData>", far)})


def million_rows_and_merge(folder: Path) -> Path:
    book = load_workbook(SAMPLE)
    extra = book.create_sheet("附表")
    for ref, value in (("A1", "备注"), ("B2", 1), ("C3", 2), ("A1048576", 3), ("XFD1048576", 4)):
        extra[ref] = value
    book.save(folder / "base.xlsx")
    merge = lambda d: d.replace(b"</mergeCells>", b'<mergeCell ref="A30:XFD1048576"/></mergeCells>')  # noqa: E731
    return rewrite_package(folder / "base.xlsx", folder / "wide.xlsx", change={"xl/worksheets/sheet9.xml": merge})


def zip_bomb(folder: Path) -> Path:
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/zeros.bin", bytes(200 * 1024 * 1024))
    return path


def expense(folder: Path, rows: int) -> Path:
    path = folder / f"expense_{rows}.xlsx"
    synthetic_expense_table(rows, path)
    return path


def check(path: Path) -> tuple[int | None, float, float, float]:
    start = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "juesuan.cli", "check", str(path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    code, seconds, cpu, rss = wait_for(child.pid, start, 120)
    child.returncode = code
    return code, seconds, cpu, rss


def calamine(path: Path) -> None:
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [
            ("示例工作簿", SAMPLE),
            ("绩效自评 58 张表", PERF),
            ("XFD1048576 处一个单元格", far_cell(folder)),
            ("百万行维度、A30:XFD1048576 合并", million_rows_and_merge(folder)),
            ("压缩炸弹（200 MiB 一个部件）", zip_bomb(folder)),
            ("支出决算表 20000 行", expense(folder, 20000)),
        ]
        base = check(SAMPLE)[1]
        print(f"{'文件':<30}{'退出码':>6}{'用时':>9}{'CPU':>9}{'内存峰值':>10}{'用时比':>8}")
        for label, path in files:
            code, seconds, cpu, rss = check(path)
            print(f"{label:<30}{code!s:>6}{seconds:>8.2f}s{cpu:>8.2f}s{rss:>8.0f}MiB{seconds / base:>8.1f}")
        print(f"\n{'读取（进程内，三次取最快）':<30}{'本读取器':>10}{'calamine':>10}{'比值':>7}")
        for label, path in files:
            if label.startswith(("示例", "绩效", "支出")):
                ours, theirs = best(lambda: read_workbook(path)), best(lambda: calamine(path))
                print(f"{label:<30}{ours * 1000:>8.1f}ms{theirs * 1000:>8.1f}ms{ours / theirs:>7.1f}")


if __name__ == "__main__":
    main()
