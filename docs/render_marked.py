"""Render what an accountant sees after 检查: the sample with one injected error, marked by juesuan,
printed through LibreOffice to PNG (docs/marked-sample-*.png, used in the README and docs/addin.md).

Usage: python docs/render_marked.py   (needs soffice and pdftoppm)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from juesuan.adapters.openpyxl_file import apply_plan  # noqa: E402
from juesuan.check import check_file  # noqa: E402
from juesuan.plan import plan_marks  # noqa: E402
from workbooks.build import build_workbook, load_seed_tables, save_workbook  # noqa: E402


def main() -> None:
    tables = load_seed_tables()
    tables["公开03"].set("2080101", "本年支出合计", "5755.77")  # 行政运行 typed 100 too high (printed 5,655.77)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        src, marked = tmp_path / "示例.xlsx", tmp_path / "示例.checked.xlsx"
        save_workbook(build_workbook(tables, sheet_order=[1, 2, 3, 4, 5, 6, 7, 8, 9]), src)
        apply_plan(src, plan_marks(check_file(src)), marked)
        soffice = shutil.which("soffice") or "soffice"
        subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "pdf", "--outdir", tmp, str(marked)], check=True, capture_output=True, timeout=300)
        pdf = marked.with_suffix(".pdf")
        pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
        gk03 = next(i for i, text in enumerate(pages, 1) if "支出决算表" in text and "公开03表" in text)
        for page, name in ((1, "results"), (gk03, "gk03")):
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                            str(ROOT / "docs" / f"marked-sample-{name}")], check=True)
    print("已生成 docs/marked-sample-results.png 与 docs/marked-sample-gk03.png")


if __name__ == "__main__":
    main()
