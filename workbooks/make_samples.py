"""Regenerate the sample workbook (and, with ``--from-seeds``, its committed model) of the nine 公开 tables.

The sample is generated rather than hand-made so that every amount in it is traceable to the seed report;
the model JSON is committed so that this script, the builder and the tests run without ``../shared``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbooks.build import (  # noqa: E402  (the repository root must be importable first)
    DEFAULT_SEED_DIR,
    SAMPLES_DIR,
    TABLES_JSON,
    build_workbook,
    dump_tables,
    load_seed_tables,
    save_workbook,
)

SAMPLE_XLSX = SAMPLES_DIR / "gz_2023_juesuan.xlsx"


def main(argv: list[str] | None = None) -> int:
    """Write the model JSON (only when asked to read the seeds) and the default-layout sample workbook."""
    parser = argparse.ArgumentParser(description="生成部门决算公开表示例工作簿")
    parser.add_argument(
        "--from-seeds",
        nargs="?",
        type=Path,
        const=DEFAULT_SEED_DIR,
        metavar="目录",
        help=f"先从种子表目录重新生成 {TABLES_JSON.name}（默认 {DEFAULT_SEED_DIR}）",
    )
    parser.add_argument("--out", type=Path, default=SAMPLE_XLSX, help="示例工作簿的输出路径")
    args = parser.parse_args(argv)

    if args.from_seeds is not None:
        if not args.from_seeds.is_dir():
            parser.error(f"种子表目录不存在：{args.from_seeds}")
        dump_tables(load_seed_tables(args.from_seeds), TABLES_JSON)
        print(f"已写入 {TABLES_JSON}")
    save_workbook(build_workbook(load_seed_tables()), args.out)
    print(f"已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
