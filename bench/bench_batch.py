"""Batch throughput: workbooks per minute for ``juesuan check 文件夹`` on one worker and on every core, check only and
with marked copies (``--out-dir``), against an openpyxl load+save loop over the same files (the floor of
writing a copy with openpyxl; issue 10's target is ≥ 1,000 workbooks/min with marked copies on 2 cores,
≤ 0.5× that loop).

    .venv/bin/python bench/bench_batch.py [files]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "samples" / "gz_2023_juesuan.xlsx"
EXE = str(Path(sys.executable).with_name("juesuan"))


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=False)
    return time.perf_counter() - start


def openpyxl_loop(files: list[Path], out: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    for f in files:
        load_workbook(f).save(out / f.name)
    return time.perf_counter() - start


def main(n: int = 60) -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "units"
        folder.mkdir()
        for i in range(n):
            shutil.copy(SAMPLE, folder / f"unit{i:04d}.xlsx")
        files = sorted(folder.glob("*.xlsx"))
        runs = {
            "检查（1 个进程）": [EXE, "check", str(folder), "-q", "-j", "1"],
            f"检查（{cores} 个进程）": [EXE, "check", str(folder), "-q", "-j", str(cores)],
            f"检查并写标注副本（{cores} 个进程）": [EXE, "check", str(folder), "-q", "-j", str(cores), "--out-dir",
                                             str(Path(tmp) / "out")],
        }
        copies = Path(tmp) / "copies"
        copies.mkdir()
        floor = openpyxl_loop(files, copies)
        print(f"批量检查 {n} 个九表工作簿（示例工作簿的副本），{cores} 个 CPU 核")
        print(f"  openpyxl 读入并另存（单进程）：{floor:6.1f} s  {n / floor * 60:7.0f} 个/分钟")
        for label, argv in runs.items():
            shutil.rmtree(Path(tmp) / "out", ignore_errors=True)
            seconds = timed(argv)
            print(f"  {label:<28}{seconds:6.1f} s  {n / seconds * 60:7.0f} 个/分钟  = {seconds / floor:4.2f} × openpyxl 循环")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
