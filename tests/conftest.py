"""Shared fixtures: the bundled sample workbook and its check report."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "workbooks" / "samples"
SAMPLE = SAMPLES / "gz_2023_juesuan.xlsx"
SHARED = ROOT.parent / "shared"

if str(ROOT) not in sys.path:  # the workbook builder lives in workbooks/, beside the package
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def sample_report():
    from juesuan import check_file

    return check_file(SAMPLE)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


requires_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) 未安装")
