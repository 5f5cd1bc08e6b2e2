"""Worksheet functions as plain functions (xlwings decorators are identities on Linux).

Cells arrive as COM delivers them: floats, ``None`` for blanks, text, Excel errors as strings
(``err_to_str``), and ranges as 2-D lists.
"""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
import json
import re
import subprocess
import sys

import pytest

import juesuan.udf as udf
from juesuan.udf import (
    ERR_ARG,
    ERR_DIV0,
    ERR_NUM,
    ERR_SHAPE,
    ERR_VALUE,
    EXECRATE,
    EXECSCORE,
    FUNDCHECK,
    INDCHECK,
    INDMET,
    INDNUM,
    INDOP,
    INDRATE,
    INDSCORE,
    INDSTATUS,
    INDUNIT,
    PERFGRADE,
    PERFTOTAL,
    SHARE,
    WEIGHTCHECK,
    YOY,
)

from test_perf_indicator import row_nature, score_tables

FUNCTIONS = [EXECRATE, EXECSCORE, FUNDCHECK, INDCHECK, INDMET, INDNUM, INDOP, INDRATE, INDSCORE, INDSTATUS, INDUNIT,
             PERFGRADE, PERFTOTAL, SHARE, WEIGHTCHECK, YOY]


def column(*values: object) -> list[list[object]]:
    return [[value] for value in values]


def E(text: str) -> udf.ExcelError:  # noqa: N802 - reads like the cell
    """The error value a cell shows, e.g. ``E("#N/A")``."""
    return udf.EXCEL_ERRORS[text]


def test_module_exports_and_help():
    assert sorted(udf.__all__) == sorted([f.__name__ for f in FUNCTIONS] + [
        "ERR_ARG", "ERR_DIV0", "ERR_NUM", "ERR_SHAPE", "ERR_VALUE", "ErrorValues", "ExcelError"])
    for function in FUNCTIONS:
        doc = function.__doc__ or ""
        assert 0 < len(doc) <= 255 and "\n" not in doc, function.__name__  # the wizard shows __doc__ raw
        assert re.search(r"[\u4e00-\u9fff]", doc), function.__name__
        assert not hasattr(function, "__xlfunc__")  # identity decorators on Linux


_COM_REGISTRATION = """
import json, sys, types
for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["pywintypes"].TimeType = object
sys.modules["win32com.client"].Dispatch = object
import xlwings
from xlwings import conversion, udfs
xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret  # what Windows with pywin32 would use
import juesuan.udf as module
report = {}
for name in module.__all__:
    function = getattr(module, name)
    if hasattr(function, "__xlfunc__"):
        meta = function.__xlfunc__
        report[name] = {
            "category": meta["category"],
            "ret": meta["ret"]["options"]["convert"].__name__,
            "args": [[a["name"], a["options"].get("ndim"), a["vararg"], a["doc"],
                      getattr(conversion.accessors.get(a["options"].get("convert")), "__name__", None)]
                     for a in meta["args"]],
        }
print(json.dumps(report, ensure_ascii=False))
"""


def test_com_registration_metadata():
    """Register the functions with xlwings' COM decorators (win32 modules stubbed): every argument has a
    Chinese help text, data arguments are 2-D, and the ``Any`` hints resolve to xlwings' value converter
    (a hint such as ``str | None`` would break the call under Excel)."""
    result = subprocess.run([sys.executable, "-c", _COM_REGISTRATION], capture_output=True, text=True)
    if result.returncode and "xlwings" in result.stderr and "udfs" in result.stderr:
        pytest.skip(f"xlwings.udfs 无法在此平台模拟导入：{result.stderr.splitlines()[-1]}")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {f.__name__ for f in FUNCTIONS}
    for name, meta in report.items():
        assert meta["category"] == "决算审核" and meta["ret"] == "ErrorValues"  # errors reach Excel as error values
        for arg_name, _ndim, _vararg, doc, accessor in meta["args"]:
            assert accessor == "ValueAccessor", (name, arg_name)
            assert re.search(r"[\u4e00-\u9fff]", doc) and len(doc) <= 255, (name, arg_name)
    assert report["EXECRATE"]["args"][:2] == [
        ["budget", 2, False, "全年预算数（调整后预算数）A，可选整列", "ValueAccessor"],
        ["executed", 2, False, "全年执行数 B，可选整列", "ValueAccessor"],
    ]
    assert report["FUNDCHECK"]["args"][1][:3] == ["parts", 2, True]


# --- 执行率 and 得分 ----------------------------------------------------------------------------------------


def test_execrate_scalar():
    assert EXECRATE(180000.0, 179876.0) == 0.9993
    assert EXECRATE("3,655,709.50", "3,655,709.50") == 1.0
    assert EXECRATE(180000, 179876, 2, False) == 99.93
    assert EXECRATE(8574213, 6135515.7, 0) == 0.72
    assert EXECRATE(0, 0) == ""
    assert EXECRATE(0, 263.01) == ERR_DIV0
    assert EXECRATE(-5, 1) == ERR_VALUE


def test_execrate_column_with_bad_cells():
    budgets = column(180000.0, 0, None, "—", "-", "/", "#N/A", "待定", 8637300, "800.00", True, dt.date(2023, 1, 1))
    executed = column(179876.0, 5, 1, 1, 2, 3, 4, 5, 0, "711.23", 1, 1)
    assert EXECRATE(budgets, executed) == column(
        0.9993, ERR_DIV0, "", "", "", "", E("#N/A"), ERR_NUM, 0.0, 0.889, ERR_NUM, ERR_NUM)


def test_execrate_error_values_pass_through():
    assert EXECRATE("#DIV/0!", 1) == E("#DIV/0!")
    assert EXECRATE(column(1, "#REF!"), column("#VALUE!", 1)) == column(E("#VALUE!"), E("#REF!"))


def test_errors_reach_excel_as_com_error_variants():
    """Under Excel the return converter turns error cells into VT_ERROR variants (VBA's CVErr): 0x800A0000 + the
    xlErr number, e.g. -2146826281 for #DIV/0!, the value Excel itself hands to COM for that error."""
    made = udf.com_errors(EXECRATE(column(180000.0, 0.0, "abc"), column(179876.0, 5.0, 1.0)),
                          lambda e: ("VT_ERROR", udf._SCODE_BASE + e.code))
    assert made == [[0.9993], [("VT_ERROR", -2146826281)], [("VT_ERROR", -2146826273)]]  # #DIV/0!, #VALUE!
    assert udf._SCODE_BASE + E("#N/A").code == -2146826246
    no_errors = EXECRATE(column(100.0, 200.0), column(50.0, 50.0))
    assert udf.ErrorValues.write_value(no_errors, {}) is no_errors  # known clean: not walked


def test_execrate_shapes():
    assert EXECRATE(column(100, 200), 50) == column(0.5, 0.25)  # a scalar stretches over a column
    assert EXECRATE([[100, 200]], [[50, 50]]) == [[0.5, 0.25]]  # a row stays a row
    assert EXECRATE([100, 200], [50, 100]) == column(0.5, 0.5)  # a flat list is a column
    assert EXECRATE([[100]], [[50]]) == [[0.5]]  # a 1×1 range is still a range
    assert EXECRATE(column(1, 2, 3), column(1, 2)) == ERR_SHAPE
    assert EXECRATE([[1], [2, 3]], 1) == ERR_SHAPE
    assert EXECRATE([], 1) == [[""]]


@pytest.mark.parametrize("bad", ["x", -1, 2.5, [[2]], "11"])
def test_execrate_bad_options(bad):
    assert EXECRATE(100, 50, bad) == ERR_ARG


def test_execrate_as_percent_options():
    assert EXECRATE(100, 50, None, None) == 0.5
    assert EXECRATE(100, 50, 2, "FALSE") == 50.0
    assert EXECRATE(100, 50, 2, "否") == 50.0
    assert EXECRATE(100, 50, 2, 0) == 50.0
    assert EXECRATE(100, 50, 2, "maybe") == ERR_ARG


def test_execscore():
    assert EXECSCORE(180000, 179876) == 9.99
    assert EXECSCORE(100, 120) == 10.0
    assert EXECSCORE(column(8574213, 1177773.94, 0, None), column(6135515.7, 766639.2, 1, 5)) == column(
        7.16, 6.51, ERR_DIV0, "")
    assert EXECSCORE(column(100, 100), column(50, 50), column(10, "/")) == column(5.0, "")
    assert EXECSCORE(200, 150, 20, 1) == 15.0


def _total_row(table):
    (row,) = [row for row in table["budget_rows"] if "总额" in row["label"]]
    return row


def test_one_array_call_over_all_published_rates():
    """One EXECRATE call over the 126 tables' A and B columns; 113 equal the printed rate (the other 13 are
    the 泸州 万元 rounding cases, perf-scoring.md §2.1); one EXECSCORE call reproduces all 58 贵州 scores."""
    tables = [table for table in score_tables() if table["format"] != "lz_dept"]
    rows = [_total_row(table) for table in tables]
    rates = EXECRATE(column(*(r["full_year_budget_A"] for r in rows)), column(*(r["executed_B"] for r in rows)), 2,
                     False)
    printed = [float(r["exec_rate"].rstrip("%")) for r in rows]
    same = [rate == value for (rate,), value in zip(rates, printed, strict=True)]
    assert len(rates) == 126 and sum(same) == 113
    guizhou = [r for table, r in zip(tables, rows, strict=True) if table["format"] == "gz_project"]
    scores = EXECSCORE(column(*(r["full_year_budget_A"] for r in guizhou)), column(*(r["executed_B"] for r in guizhou)))
    assert [value for (value,) in scores] == [float(r["score"]) for r in guizhou]


def test_share_and_yoy():
    assert SHARE(51368.15, 62584.67) == 0.8208
    assert SHARE(column(15.41, 5.11, 0), 22.01, 0, False) == column(70.0, 23.0, 0.0)
    assert SHARE(0, 0) == "" and SHARE(1, 0) == ERR_DIV0
    assert YOY(80473.90, 75394.11) == 0.0674
    assert YOY(6.85, 3.23, 2, False) == 112.07
    assert YOY(column(5, 0, None), 0) == column(1.0, "", "")  # 上年 0: “增长100.00%”


def test_fundcheck():
    total, fiscal, other = [[13238.84, 10582.47]], [[10582.47, 10582.47]], [[2656.37, 0]]
    assert FUNDCHECK(total, fiscal, other) == [[0.0, 0.0]]
    assert FUNDCHECK(column(100, None, None), column(60, None, 5), column(40, None, None)) == column(0.0, "", -5.0)
    assert FUNDCHECK(100, "abc") == ERR_NUM
    assert FUNDCHECK(100) == 100.0


# --- indicator values -------------------------------------------------------------------------------------


def test_indicator_value_functions():
    assert INDOP("$\\geq 95\\%$") == ">=" and INDNUM("$\\geq 95\\%$") == 95.0 and INDUNIT("$\\geq 95\\%$") == "%"
    assert INDUNIT("184.79 万 元") == "万元" and INDNUM("184.79 万 元") == 184.79
    assert INDOP("9.2", "＞") == ">" and INDUNIT(9.2, "万人次") == "万人次"
    assert INDOP("195 万元", "经济成本指标") == "<="
    assert INDOP("达成年度指标") == "qual" and INDNUM("达成年度指标") == ""
    assert INDOP(None) == "" and INDOP("—") == "" and INDNUM("#N/A") == E("#N/A")
    assert INDOP(column("≥900人次", "≤3个月", "≈10000份", "11-12 月", "定性有效提高", None)) == column(
        ">=", "<=", "~=", "between", "qual", "")
    assert INDOP(column("5", "5", "优"), column("≥", "≤", "定性")) == column(">=", "<=", "qual")
    assert INDNUM(95.0) == 95.0 and INDNUM(0.95) == 0.95
    assert INDOP(dt.datetime(2023, 12, 31)) == "<="  # a date cell is a deadline


def test_indstatus_indmet_indrate():
    targets = column("≥60人", "≥900人次", "有效激励", "=7个", "≥90%", "合同约定时间")
    actuals = column("≥42人", "≥1110人次", "部分达成年度指标并具有一定效果", "100%", None, "未达成年度指标")
    assert INDSTATUS(targets, actuals) == column("未达成", "达成", "部分达成", "需判断", "缺完成值", "未达成")
    assert INDMET(targets, actuals) == column(False, True, "部分", "", "", False)
    assert INDRATE(targets, actuals) == column(0.7, 1.23, "", "", "", 0.0)
    assert INDRATE("≤13000人", "≤13385人", None, 4) == 0.9712
    assert INDMET("12", "≤12月", "≤", "月") is True
    assert INDMET(column("90", "12"), column("90%", "12"), column("＞", "＜"), column("%", "月")) == column(True, True)


def test_indscore_broadcasts_one_weight():
    assert INDSCORE(10, column("≥1200人/年", "≥250人", "≥19人"), column("≥817人/年", "≥178人", "≥8人")) == column(
        6.81, 7.12, 4.21)
    assert INDSCORE(column(15, 10), column("≥60人", "有效保障"), column("≥42人", "未达成年度指标")) == column(10.5, 0.0)
    assert INDSCORE(2, "≤13000人", "≤13385人") == 0.0
    assert INDSCORE(2, "≤13000人", "≤13385人", None, "proportional") == 1.94
    assert INDSCORE(2, "≤13000人", "≤13385人", None, "PROPORTIONAL", 1) == 1.9
    assert INDSCORE(2, "≤13000人", "≤13385人", None, "half") == ERR_ARG
    assert INDSCORE(None, "≥60人", "≥42人") == ""
    assert INDSCORE(15, "≥60人", "") == ""


def test_indcheck_codes():
    assert INDCHECK(6, 7, "2023年12月31日", "达成年度指标") == "SCORE>WEIGHT"
    assert INDCHECK(15, 14, "有效保障", "有效保障") == "MET_CUT_NO_REASON"
    assert INDCHECK(20, 20, "135", "15", None, "＝", "万元") == "NOTMET_FULL"
    weights, scores = column(10, 5, None), column(8, "", 1)
    targets, actuals = column("≥100人", "≥10人", "x"), column("≥50人", "≥10人", "y")
    assert INDCHECK(weights, scores, targets, actuals) == column("NOTMET_NO_REASON", "NO_SCORE", "")
    assert INDCHECK(10, 8, "≥100人", "≥80人", "原因") == "OK"
    assert INDCHECK(10, "abc", "≥100人", "≥80人") == ERR_NUM


def test_indicator_columns_of_a_published_table():
    """专家休假专项经费 (000 L801): INDSCORE and INDCHECK over its indicator columns in one call each."""
    (table,) = [t for t in score_tables() if t["id"] == "000-04"]
    rows = table["indicators"]
    weights = column(*(r["weight"] for r in rows))
    targets, actuals = column(*(r["target"] for r in rows)), column(*(r["actual"] for r in rows))
    assert INDSCORE(weights, targets, actuals) == column(10.5, 15.0, 10.0, 10.0, 21.0, 10.0)
    assert [float(r["score"]) for r in rows] == [10.5, 15, 10, 10, 30, 10]
    scores, reasons = column(*(r["score"] for r in rows)), column(*(r["reason"] for r in rows))
    codes = INDCHECK(weights, scores, targets, actuals, reasons)
    assert codes == column("OK", "OK", "OK", "OK", "NOTMET_FULL", "OK")  # §5 #50: 部分达成 scored 30 of 30
    assert PERFTOTAL(column(*(r["score"] for r in rows)), _total_row(table)["score"], False) == 85.5


def test_indicator_columns_of_a_luzhou_table():
    """考试工作经费 (001 L727): 指标性质 and 度量单位 columns; 合计 95.99 = 8.89 + Σ indicators."""
    (table,) = [t for t in score_tables() if t["id"] == "001-02"]
    rows = table["indicators"]
    natures, units = column(*(row_nature(table, r) for r in rows)), column(*(r["unit"] for r in rows))
    targets, actuals = column(*(r["target"] for r in rows)), column(*(r["actual"] for r in rows))
    assert INDSTATUS(targets, actuals, natures, units) == column(*["达成"] * 2, "未达成", *["达成"] * 6)
    assert INDSCORE(column(*(r["weight"] for r in rows)), targets, actuals, natures, "proportional", 2, units)[2] == [
        5.1]
    scores = column(*(r["score"] for r in rows))
    assert PERFTOTAL(scores, _total_row(table)["score"]) == 95.99
    assert WEIGHTCHECK(column(*(r["weight"] for r in rows))) == 0.0


# --- totals ------------------------------------------------------------------------------------------------


def test_perftotal_weightcheck_perfgrade():
    assert PERFTOTAL(column(6, 3, None, "—", 10.5), 9.99, False) == 19.5
    assert PERFTOTAL(column(6, 3, None, "—", 10.5), 9.99) == 29.49
    assert PERFTOTAL(column(6, "abc"), 10) == ERR_NUM
    assert PERFTOTAL(column(6, "#N/A"), 10) == E("#N/A")
    assert PERFTOTAL(column(6, 4), None, "x") == ERR_ARG
    assert WEIGHTCHECK(column(50, 30, None, 10)) == 0.0
    assert WEIGHTCHECK(column(30, 30, 10)) == -20.0
    assert WEIGHTCHECK(column("3%", "87%")) == 0.0
    assert WEIGHTCHECK(column(50, 50), 100) == 0.0
    assert WEIGHTCHECK(column(50), None) == ERR_ARG
    assert PERFGRADE(column(93.03, 85, 60, 59.99, None, "abc")) == column("优", "良", "中", "差", "", ERR_NUM)
    assert PERFGRADE(70, "85,60", "优秀,合格,不合格") == "合格"
    assert PERFGRADE(70, "60,80,90") == ERR_ARG
    assert PERFGRADE(70, "90,80") == ERR_ARG
    assert PERFGRADE(95, 90, "优,其他") == "优"


# --- no input may raise --------------------------------------------------------------------------------------

_MESSY = [None, "", "—", "-", "/", 0, 0.0, 1e-9, -3, 95.5, "3,655,709.50", "88.90%", "≥95%", "达成年度指标", "abc",
          "#N/A", "#DIV/0!", True, float("nan"), dt.date(2023, 12, 31), [[1, None], ["x", "#REF!"]]]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_messy_inputs_never_raise(function):
    """Every data argument combination of awkward cells gives a defined cell value, never an exception."""
    n_args = sum(1 for p in inspect.signature(function).parameters.values()
                 if p.default is inspect.Parameter.empty or p.kind is p.VAR_POSITIONAL)
    n_args = max(n_args, 2) if function is FUNDCHECK else n_args
    for args in itertools.product(_MESSY, repeat=n_args) if n_args <= 2 else _sampled(n_args):
        result = function(*args)
        cells = [cell for row in result for cell in row] if isinstance(result, list) else [result]
        assert all(isinstance(cell, (str, float, bool, udf.ExcelError)) for cell in cells), (function.__name__, args, result)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_messy_options_never_raise(function):
    """Optional arguments (decimals, flags, rules, thresholds, nature/unit columns) take any cell too."""
    parameters = list(inspect.signature(function).parameters.values())
    required = sum(1 for p in parameters if p.default is inspect.Parameter.empty and p.kind is not p.VAR_POSITIONAL)
    optional = len(parameters) - required
    base = _sampled(required)[0][:required]
    for position, value in itertools.product(range(optional), _MESSY):
        args = (*base, *[None] * position, value)
        result = function(*args)
        cells = [cell for row in result for cell in row] if isinstance(result, list) else [result]
        assert all(isinstance(cell, (str, float, bool, udf.ExcelError)) for cell in cells), (function.__name__, args, result)


def _sampled(n_args: int) -> list[tuple[object, ...]]:
    """For functions with many arguments: each messy value in each position, the rest plausible."""
    plausible: list[object] = [10, 8, "≥100人", "≥80人"][:n_args]
    plausible += [None] * (n_args - len(plausible))
    return [(*plausible[:i], value, *plausible[i + 1:]) for i in range(n_args) for value in _MESSY]
