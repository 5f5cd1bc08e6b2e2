"""Shared fixtures: the bundled sample workbook and its check report."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import xlwings as xw

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


@pytest.fixture
def remote(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlwings' remote engine, registered for this test only (its key is read when xlwings is imported)."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    if "remote" not in xw.engines.engines_by_name:
        from xlwings.pro import _xlremote

        engine = xw.Engine(impl=_xlremote.engine)
        monkeypatch.setattr(xw.engines, "engines", [*xw.engines.engines, engine])
        monkeypatch.setattr(xw.engines, "engines_by_name", {**xw.engines.engines_by_name, "remote": engine})
