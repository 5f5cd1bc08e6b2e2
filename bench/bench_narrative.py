"""Benchmark: what checking the 情况说明 adds to a check - the 贵州 sample with its Word narrative (201 numbers)
against the same check without it, and reading the Word file alone.

Usage: python bench/bench_narrative.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from timing import best

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from juesuan.check import check_file  # noqa: E402
from juesuan.narrative import load_document  # noqa: E402
from juesuan.narrative.reading import read_document  # noqa: E402

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
    # one paragraph of many sentences (a pasted page without line breaks): the reading must stay linear
    sentence = "本年收入合计 1,234.56 万元，比上年增长 12.3%；"
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for n in (2_000, 20_000):
            path = Path(tmp) / f"{n}.txt"
            path.write_text(sentence * n, encoding="utf-8")
            document = load_document(path)
            times.append(best(lambda d=document: read_document(d), rounds=1))
    short, long = times
    print(f"one paragraph, 20,000 vs 2,000 sentences: {long / short:.1f}× the time (linear: 10×)")


if __name__ == "__main__":
    main()
