"""Start-up of the command line: how long ``juesuan`` takes before it does any work, against a bare Python.

Prints wall times (best of several runs, whole processes) and, from ``python -X importtime``, the modules that
``juesuan check`` imports, most expensive first - the cost the lazy imports at the command line's boundary keep
away from ``juesuan``, ``juesuan -h`` and usage errors.

    .venv/bin/python bench/bench_startup.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("juesuan"))
RUNS = 7


def wall(argv: list[str]) -> float:
    """Fastest of RUNS whole-process runs, in seconds."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return min(times)


def import_costs(code: str) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the juesuan modules and their big dependencies imported by ``code``."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True).stderr
    costs = []
    for line in err.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match[2]) <= 4:  # top-level imports and their direct children
            costs.append((int(match[1]), match[3]))
    return sorted(costs, reverse=True)


def main() -> None:
    bare = wall([sys.executable, "-c", "pass"])
    print(f"启动耗时（整个进程，best of {RUNS}）：python -c pass = {bare * 1000:.0f} ms")
    for label, argv in [("juesuan（使用说明）", [EXE]), ("juesuan -h", [EXE, "-h"]),
                        ("juesuan check（缺参数，用法错误）", [EXE, "check"]),
                        ("import 检查所需的全部模块", [sys.executable, "-c", "import juesuan.cli, juesuan.batch, "
                                                                     "juesuan.check, juesuan.terminal"])]:
        seconds = wall(argv)
        print(f"  {label:<36} {seconds * 1000:6.0f} ms  = {seconds / bare:4.1f} × 裸 Python")
    print("juesuan check 导入的模块（累计 ms，前 12）：")
    for micros, module in import_costs("import juesuan.cli, juesuan.batch, juesuan.check, juesuan.terminal")[:12]:
        print(f"  {micros / 1000:7.1f}  {module}")


if __name__ == "__main__":
    main()
