"""Regenerate the 情况说明 fixtures: the narrative text of two real reports, as text and as Word documents.

The text files are the 情况说明 sections of the seed reports, line for line as published (000 L521–L675, the
贵州 report whose tables are the sample workbook; 001 L52–L233, 泸州, which publishes no tables), committed so
that tests run without ``../shared``; ``--from-seeds`` cuts them again. The Word files keep every line a paragraph,
as a PDF-to-Word conversion leaves them (sentences broken mid-word, bold 三公 items as bold runs), so reading
them exercises the joining of broken lines.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import docx

HERE = Path(__file__).resolve().parent
NARRATIVES = HERE / "samples" / "narratives"
SEEDS = HERE.parents[0].parent / "shared" / "seeds"
#: (fixture name, seed file prefix, first line, last line) - 1-based, inclusive.
EXCERPTS = [
    ("gz_2023_narrative", "000_f2450c121ba04d61", 521, 675),
    ("lz_2023_narrative", "001_9f98093fb5d9a77d", 52, 233),
]
_FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)


def cut_from_seeds(seeds: Path = SEEDS) -> None:
    """Write the committed text excerpts from the seed reports."""
    for name, prefix, first, last in EXCERPTS:
        lines = (seeds / f"{prefix}.txt").read_text(encoding="utf-8").splitlines()
        (NARRATIVES / f"{name}.txt").write_text("\n".join(lines[first - 1:last]) + "\n", encoding="utf-8")


def build_docx(text: str, path: Path) -> None:
    """A Word document with one paragraph per non-empty line; ``**bold**`` becomes a bold run. Saved with
    fixed timestamps so regenerating gives the same bytes."""
    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = _FIXED_TIME
    for line in text.splitlines():
        if not line.strip():
            continue
        paragraph = document.add_paragraph()
        for i, piece in enumerate(re.split(r"\*\*", line)):
            if piece:
                paragraph.add_run(piece).bold = i % 2 == 1
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成情况说明测试文件（文本与 Word）")
    parser.add_argument("--from-seeds", nargs="?", type=Path, const=SEEDS, metavar="目录",
                        help=f"先从种子报告重新截取文本（默认 {SEEDS}）")
    args = parser.parse_args(argv)
    if args.from_seeds is not None:
        if not args.from_seeds.is_dir():
            parser.error(f"种子目录不存在：{args.from_seeds}")
        cut_from_seeds(args.from_seeds)
    for name, *_ in EXCERPTS:
        build_docx((NARRATIVES / f"{name}.txt").read_text(encoding="utf-8"), NARRATIVES / f"{name}.docx")
        print(f"已写入 {NARRATIVES / f'{name}.docx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
