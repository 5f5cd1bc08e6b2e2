import subprocess
import sys


def test_core_imports_no_excel_library():
    """The core (reading grids, recognition, rules, findings, plans) must run without xlwings or openpyxl."""
    code = (
        "import sys; import juesuan.check, juesuan.plan, juesuan.gongkai, juesuan.layout, juesuan.rules, juesuan.findings, juesuan.perf;"
        "bad = [m for m in ('xlwings', 'openpyxl') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
