"""Benchmark: what checking the 情况说明 adds to a check - the 贵州 sample with its Word narrative (201 numbers)
against the same check without it, and reading the Word file alone.

Usage: python bench/bench_narrative.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from timing import best

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from juesuan.check import check_file  # noqa: E402
from juesuan.narrative import load_document  # noqa: E402

SAMPLE = ROOT / "workbooks" / "samples" / "gz_2023_juesuan.xlsx"
NARRATIVE = ROOT / "workbooks" / "samples" / "narratives" / "gz_2023_narrative.docx"


def main() -> None:
    check_file(SAMPLE, narrative=NARRATIVE)  # warm-up: imports, caches
    plain = best(lambda: check_file(SAMPLE))
    both = best(lambda: check_file(SAMPLE, narrative=NARRATIVE))
    read = best(lambda: load_document(NARRATIVE))
    print(f"check (tables only)        {plain * 1000:8.1f} ms  1.00×")
    print(f"check + 情况说明 (.docx)   {both * 1000:8.1f} ms  {both / plain:.2f}×")
    print(f"reading the .docx alone    {read * 1000:8.1f} ms  {read / plain:.2f}×")


if __name__ == "__main__":
    main()
