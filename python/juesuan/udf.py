"""Excel worksheet functions (``=EXECRATE(B5:B40, C5:C40)`` …) for 绩效自评表.

Thin wrappers: each function turns cells into ``Decimal``/text, calls :mod:`juesuan.perf` and turns the
answer back into a cell value. What they add is what a worksheet needs and the core must not care about:

* **one formula per column.** Every data argument may be a single cell or a range (a 2-D list, ``ndim=2``);
  ranges broadcast against single cells (a column of 分值 against one 分值), and the result has the shape
  of the largest argument. Scalars in give a scalar out. One array formula per table column is far cheaper
  than thousands of single-cell calls (excel-integration.md §2.4).
* **defined results, never a traceback.** Blank cells (``None``, ``""``, ``—``, ``-``, ``/``) give ``""``
  (not applicable). Problems give real Excel error values, so ISERROR/IFERROR/ISNA see them: a zero
  denominator ``#DIV/0!``, text where a number belongs ``#VALUE!``, an impossible number (a negative budget)
  ``#NUM!``, a bad option ``#VALUE!``, ranges of different sizes ``#N/A``; an Excel error in an input is passed
  on as the same error. In Python they are :class:`ExcelError` values; the return converter
  :class:`ErrorValues` hands them to Excel as COM error variants (``VT_ERROR``, what VBA's ``CVErr`` makes).
* **whole columns at numpy speed.** EXECRATE, SHARE and YOY compute numeric columns as arrays
  (:mod:`juesuan.udf_columns`); text and error cells, and the rare ratio on a rounding boundary, take the exact
  cell-by-cell path, so the results are the same.
* **xlwings' rules.** On Linux the decorators are identity functions, so these are plain functions in
  tests; under COM the type hints become converters, hence ``Any`` (registered with xlwings as the default
  converter) rather than precise types. Docstrings and ``doc=`` texts are the Excel function wizard help and
  are cut at 255 characters by xlwings.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlwings as xw
from pydantic import ValidationError

from .numbers import NotANumber, parse_number, round_half_up
from .perf.indicator import MET, NOT_MET, PARTIAL, IndValue, completion, completion_ratio, parse_value
from .perf.profile import DEFAULT_PROFILE, GradeBands, ScoringProfile
from .perf.scoring import (
    PerfInputError,
    ZeroDenominatorError,
    check_indicator,
    exec_rate,
    exec_score,
    fund_check,
    perf_total,
    share,
    suggested_score,
    weight_check,
    yoy,
)

__all__ = [
    "ERR_ARG",
    "ERR_DIV0",
    "ERR_NUM",
    "ERR_SHAPE",
    "ERR_VALUE",
    "EXECRATE",
    "ErrorValues",
    "ExcelError",
    "EXECSCORE",
    "FUNDCHECK",
    "INDCHECK",
    "INDMET",
    "INDNUM",
    "INDOP",
    "INDRATE",
    "INDSCORE",
    "INDSTATUS",
    "INDUNIT",
    "PERFGRADE",
    "PERFTOTAL",
    "SHARE",
    "WEIGHTCHECK",
    "YOY",
]

@dataclass(frozen=True)
class ExcelError:
    """An Excel error value as a function result: ``text`` as the cell shows it, ``code`` Excel's number for it
    (``xlErrDiv0`` = 2007), from which :class:`ErrorValues` builds the COM error variant."""

    text: str
    code: int

    def __str__(self) -> str:
        return self.text


#: Excel's error values and their numbers (the ``xlErr…`` constants of the object model).
EXCEL_ERRORS = {
    e.text: e for e in (
        ExcelError("#NULL!", 2000), ExcelError("#DIV/0!", 2007), ExcelError("#VALUE!", 2015),
        ExcelError("#REF!", 2023), ExcelError("#NAME?", 2029), ExcelError("#NUM!", 2036), ExcelError("#N/A", 2042),
        ExcelError("#GETTING_DATA", 2043), ExcelError("#SPILL!", 2045), ExcelError("#CONNECT!", 2046),
        ExcelError("#BLOCKED!", 2047), ExcelError("#UNKNOWN!", 2048), ExcelError("#FIELD!", 2049),
        ExcelError("#CALC!", 2050),
    )
}
ERR_DIV0 = EXCEL_ERRORS["#DIV/0!"]  # zero denominator
ERR_NUM = EXCEL_ERRORS["#VALUE!"]  # text where a number belongs
ERR_VALUE = EXCEL_ERRORS["#NUM!"]  # a number that cannot be (a negative budget)
ERR_ARG = EXCEL_ERRORS["#VALUE!"]  # a bad option
ERR_SHAPE = EXCEL_ERRORS["#N/A"]  # ranges that do not line up (as Excel's own array functions answer)
#: ``CVErr(code)`` as a COM ``SCODE``: 0x800A0000 + code, as a signed 32-bit number.
_SCODE_BASE = 0x800A0000 - 2**32

CATEGORY = "决算审核"


class ErrorValues(xw.conversion.Converter):
    """Return converter: :class:`ExcelError` cells become COM error variants, which Excel shows as real error
    values (pywin32 turns a ``win32com.client.VARIANT(VT_ERROR, scode)`` into one). Runs only under Excel on
    Windows; whole-column results known to hold no error (``has_errors`` False, see
    :class:`juesuan.udf_columns.Cells`) pass through untouched."""

    @staticmethod
    def write_value(value: Any, options: dict[str, Any]) -> Any:
        if not getattr(value, "has_errors", True):
            return value
        from pythoncom import VT_ERROR
        from win32com.client import VARIANT

        return com_errors(value, lambda e: VARIANT(VT_ERROR, _SCODE_BASE + e.code))


def com_errors(value: Any, variant: Callable[[ExcelError], Any]) -> Any:
    """``value`` (a cell or rows of cells) with every :class:`ExcelError` replaced by ``variant(error)``."""
    if isinstance(value, ExcelError):
        return variant(value)
    if isinstance(value, list):
        return [com_errors(row, variant) for row in value]
    return value


class _CellError(Exception):
    """Stops one computation; ``error`` is what the cell (or the whole formula) shows instead."""

    def __init__(self, error: ExcelError) -> None:
        super().__init__(error.text)
        self.error = error


# --- cell conversion --------------------------------------------------------------------------------


def _excel_error(cell: object) -> None:
    """An Excel error in an input (xlwings hands it over as its text, ``err_to_str``) is passed on."""
    if isinstance(cell, str) and cell.strip() in EXCEL_ERRORS:
        raise _CellError(EXCEL_ERRORS[cell.strip()])


def _number(cell: object) -> Decimal | None:
    """A cell as an amount; ``None`` when blank. COM floats keep their shortest repr (51368.15)."""
    _excel_error(cell)
    if isinstance(cell, (dt.date, dt.datetime)):
        raise _CellError(ERR_NUM)
    try:
        return parse_number(cell)
    except NotANumber:
        raise _CellError(ERR_NUM) from None


def _text(cell: object) -> str:
    """A cell as the text a 指标值 parser reads: 95.0 → ``95``, a date → ``2023年12月31日``."""
    _excel_error(cell)
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell).upper()
    if isinstance(cell, float):
        return format(Decimal(repr(cell)).normalize(), "f")
    if isinstance(cell, Decimal):
        return format(cell, "f")
    if isinstance(cell, (dt.date, dt.datetime)):
        return f"{cell.year}年{cell.month}月{cell.day}日"
    return str(cell)


def _value(cell: object, nature: object = None, unit: object = None) -> IndValue:
    nature_text = _text(nature)
    unit_text = _text(unit)
    return parse_value(_text(cell), nature_text or None, unit_text or None)


def _out(result: object) -> object:
    """Core answers to cell values: ``None`` → ``""``, ``Decimal`` → float (Excel has only doubles)."""
    if result is None:
        return ""
    if isinstance(result, Decimal):
        return float(result)
    return result


# --- options -----------------------------------------------------------------------------------------


def _option_int(value: object, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = parse_number(value)
    except NotANumber:
        raise _CellError(ERR_ARG) from None
    if number is None or number != number.to_integral_value() or not low <= number <= high:
        raise _CellError(ERR_ARG)
    return int(number)


def _option_bool(value: object, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().upper()
    if text in ("TRUE", "是", "1"):
        return True
    if text in ("FALSE", "否", "0"):
        return False
    raise _CellError(ERR_ARG)


def _profile(le_rule: object = None, decimals: object = None) -> ScoringProfile:
    """The default profile with the worksheet's ``≤`` rule and decimals, validated like any profile."""
    rule = "zero" if le_rule is None or le_rule == "" else str(le_rule).strip().lower()
    places = _option_int(decimals, DEFAULT_PROFILE.decimals, 0, 6)
    try:
        return DEFAULT_PROFILE.replace(le_exceeded=rule, decimals=places)
    except ValidationError:
        raise _CellError(ERR_ARG) from None


# --- shapes ------------------------------------------------------------------------------------------


def _grid(arg: object) -> Sequence[Sequence[object]] | None:
    """A range argument as rows of equal length; ``None`` for a single value. A flat list is a column.

    COM hands over lists of lists already, so these are checked, not copied (100 000 rows, one call).
    """
    if not isinstance(arg, (list, tuple)):
        return None
    if not arg:
        return [[None]]
    if not isinstance(arg[0], (list, tuple)):
        if any(isinstance(cell, (list, tuple)) for cell in arg):
            raise _CellError(ERR_SHAPE)
        return [[cell] for cell in arg]
    width = len(arg[0])
    if not width or any(not isinstance(row, (list, tuple)) or len(row) != width for row in arg):
        raise _CellError(ERR_SHAPE)
    return arg


def _cell(compute: Callable[..., object], *cells: object) -> object:
    """One result cell: the core's answer, or the defined text for bad input."""
    try:
        return _out(compute(*cells))
    except _CellError as error:
        return error.error
    except ZeroDenominatorError:
        return ERR_DIV0
    except PerfInputError:
        return ERR_VALUE


def _broadcast(compute: Callable[..., object], *args: object) -> object:
    """Apply ``compute`` cell by cell; ranges of one row or column stretch to the others' shape."""
    grids = [_grid(arg) for arg in args]
    if all(grid is None for grid in grids):
        return _cell(compute, *args)
    shapes = [(len(grid), len(grid[0])) for grid in grids if grid is not None]
    n_rows, n_cols = max(r for r, _ in shapes), max(c for _, c in shapes)
    if any(r not in (1, n_rows) or c not in (1, n_cols) for r, c in shapes):
        raise _CellError(ERR_SHAPE)
    stretched = [_stretch(arg, grid, n_rows, n_cols) for arg, grid in zip(args, grids, strict=True)]
    # _stretch made every row n_cols long: plain zip, since strict=True costs ~5 % on 100 000 rows
    return [[_cell(compute, *cells) for cells in zip(*parts)] for parts in zip(*stretched)]  # noqa: B905


def _stretch(
    arg: object, grid: Sequence[Sequence[object]] | None, n_rows: int, n_cols: int
) -> list[Sequence[object]]:
    """An argument as ``n_rows`` rows of ``n_cols`` cells (rows may be shared: they are only read)."""
    if grid is None:
        return [[arg] * n_cols] * n_rows
    rows = grid if len(grid) == n_rows else list(grid) * n_rows
    return [row if len(row) == n_cols else list(row) * n_cols for row in rows]


def _cells(arg: object) -> list[object]:
    """All cells of an argument, row by row (for the functions that add up a range)."""
    grid = _grid(arg)
    return [arg] if grid is None else [cell for row in grid for cell in row]


def _safe(udf: Callable[..., object]) -> Callable[..., object]:
    """A bad option or mismatched ranges make the whole formula show one error text."""

    @functools.wraps(udf)
    def wrapper(*args: Any) -> object:
        try:
            return udf(*args)
        except _CellError as error:
            return error.error

    return wrapper


def _percent_options(udf: Callable[..., Any]) -> Callable[..., Any]:
    """The two trailing options of EXECRATE, SHARE and YOY, described once for Excel's function wizard."""
    udf = xw.arg("as_percent", doc="TRUE（默认）返回比例，单元格设百分比格式；FALSE 返回 99.93 这样的百分数")(udf)
    return xw.arg("decimals", doc="百分数保留的小数位，默认 2（即 0.00%）")(udf)


_RATIOS: dict[str, Callable[[Decimal, Decimal, int], Decimal | None]] = {"exec": exec_rate, "share": share, "yoy": yoy}


def _ratio_column(kind: str, x: Any, y: Any, decimals: Any, as_percent: Any) -> Any:
    """EXECRATE, SHARE and YOY: a ratio of two columns, rounded half-up at ``decimals`` percent places,
    returned as a fraction (for a 0.00% cell format) or, with ``as_percent`` FALSE, as 99.93-style percent.
    Numeric columns go through numpy (:func:`juesuan.udf_columns.ratio_column`), anything else cell by cell."""
    from .udf_columns import ratio_column

    places = _option_int(decimals, 2, 0, 10)
    percent = _option_bool(as_percent, True)
    fn = _RATIOS[kind]

    def compute(a: object, b: object) -> Decimal | None:
        first, second = _number(a), _number(b)
        if first is None or second is None:
            return None
        rate = fn(first, second, places + 2)
        return rate if rate is None or percent else rate * 100

    fast = ratio_column(kind, x, y, places, percent, lambda a, b: _cell(compute, a, b), "", ERR_DIV0, ERR_VALUE)
    return fast if fast is not None else _broadcast(compute, x, y)


# --- funds ---------------------------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("budget", ndim=2, err_to_str=True, doc="全年预算数（调整后预算数）A，可选整列")
@xw.arg("executed", ndim=2, err_to_str=True, doc="全年执行数 B，可选整列")
@_percent_options
@_safe
def EXECRATE(budget: Any, executed: Any, decimals: Any = 2, as_percent: Any = True) -> Any:
    """执行率 = 执行数 ÷ 全年预算数，四舍五入；均为 0 返回空，预算为 0 有执行数返回 #DIV/0!。"""
    return _ratio_column("exec", budget, executed, decimals, as_percent)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("budget", ndim=2, err_to_str=True, doc="全年预算数（调整后预算数）A，可选整列")
@xw.arg("executed", ndim=2, err_to_str=True, doc="全年执行数 B，可选整列")
@xw.arg("weight", ndim=2, err_to_str=True, doc="预算执行分值，默认 10；可为一列")
@xw.arg("decimals", doc="得分保留的小数位，默认 2")
@_safe
def EXECSCORE(budget: Any, executed: Any, weight: Any = 10, decimals: Any = 2) -> Any:
    """预算执行得分 = ROUND(分值 × MIN(执行数 ÷ 预算数, 1), 2)，如 99.93% → 9.99。分值为空的行返回空。"""
    places = _option_int(decimals, 2, 0, 6)

    def compute(a: object, b: object, w: object) -> Decimal | None:
        budget_a, executed_b, points = _number(a), _number(b), _number(w)
        if budget_a is None or executed_b is None or points is None:
            return None
        return exec_score(budget_a, executed_b, points, places)

    return _broadcast(compute, budget, executed, weight)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("total", ndim=2, err_to_str=True, doc="总额行（可选一整行：年初、A、B）")
@xw.arg("*parts", ndim=2, err_to_str=True, doc="各资金来源行")
@_safe
def FUNDCHECK(total: Any, *parts: Any) -> Any:
    """资金来源核对：总额 − Σ 各来源，0 为相符。空单元格按 0 计；全部为空返回空。"""

    def compute(t: object, *ps: object) -> Decimal | None:
        amount = _number(t)
        sources = [_number(p) for p in ps]
        if amount is None and all(source is None for source in sources):
            return None
        return fund_check(amount, sources)

    return _broadcast(compute, total, *parts)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("part", ndim=2, err_to_str=True, doc="部分数，可选整列")
@xw.arg("total", ndim=2, err_to_str=True, doc="合计数（分母），可为单个单元格")
@_percent_options
@_safe
def SHARE(part: Any, total: Any, decimals: Any = 2, as_percent: Any = True) -> Any:
    """占比 = 部分 ÷ 合计，四舍五入。两者均为 0 返回空；合计为 0 而部分不为 0 返回 #DIV/0!。"""
    return _ratio_column("share", part, total, decimals, as_percent)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("current", ndim=2, err_to_str=True, doc="本年数，可选整列")
@xw.arg("previous", ndim=2, err_to_str=True, doc="上年数，可选整列")
@_percent_options
@_safe
def YOY(current: Any, previous: Any, decimals: Any = 2, as_percent: Any = True) -> Any:
    """增减率 = (本年 − 上年) ÷ 上年，正为增长、负为下降。上年为 0 而本年大于 0 按“增长100.00%”返回 1。"""
    return _ratio_column("yoy", current, previous, decimals, as_percent)


# --- indicator values --------------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("value", ndim=2, err_to_str=True, doc="指标值或完成值，可选整列")
@xw.arg("nature", ndim=2, err_to_str=True, doc="指标性质（≥ ≤ ＝ 定性…）；无此列可填二级指标名（含“成本”则裸数按 ≤）")
@_safe
def INDOP(value: Any, nature: Any = None) -> Any:
    """指标值的运算符：>=、<=、=、>、<、~=、between 或 qual（定性）；空单元格返回空。"""
    return _broadcast(lambda v, n: _value(v, n).op, value, nature)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("value", ndim=2, err_to_str=True, doc="指标值或完成值，可选整列")
@xw.arg("unit", ndim=2, err_to_str=True, doc="度量单位列（可省略）")
@_safe
def INDNUM(value: Any, unit: Any = None) -> Any:
    """指标值中的数值（如 ≥95% → 95，≥1.3万人 → 1.3）；定性或空返回空。"""
    return _broadcast(lambda v, u: _value(v, None, u).number, value, unit)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("value", ndim=2, err_to_str=True, doc="指标值或完成值，可选整列")
@xw.arg("unit", ndim=2, err_to_str=True, doc="度量单位列（可省略）")
@_safe
def INDUNIT(value: Any, unit: Any = None) -> Any:
    """指标值的单位（如 184.79 万 元 → 万元，≥95% → %）；无单位返回空。"""
    return _broadcast(lambda v, u: _value(v, None, u).unit, value, unit)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("target", ndim=2, err_to_str=True, doc="指标值（年度指标值），可选整列")
@xw.arg("actual", ndim=2, err_to_str=True, doc="完成值（实际完成值），可选整列")
@xw.arg("nature", ndim=2, err_to_str=True, doc="指标性质列（可省略）")
@xw.arg("unit", ndim=2, err_to_str=True, doc="度量单位列（可省略）")
@_safe
def INDSTATUS(target: Any, actual: Any, nature: Any = None, unit: Any = None) -> Any:
    """完成状态：达成、部分达成、未达成、需判断 或 缺完成值。"""
    return _broadcast(lambda t, a, n, u: completion(_value(t, n, u), _value(a)), target, actual, nature, unit)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("target", ndim=2, err_to_str=True, doc="指标值（年度指标值），可选整列")
@xw.arg("actual", ndim=2, err_to_str=True, doc="完成值（实际完成值），可选整列")
@xw.arg("nature", ndim=2, err_to_str=True, doc="指标性质列（可省略）")
@xw.arg("unit", ndim=2, err_to_str=True, doc="度量单位列（可省略）")
@_safe
def INDMET(target: Any, actual: Any, nature: Any = None, unit: Any = None) -> Any:
    """是否达成：TRUE 达成，FALSE 未达成，“部分” 部分达成；无法判断或缺完成值返回空。"""
    answers = {MET: True, NOT_MET: False, PARTIAL: "部分"}
    return _broadcast(
        lambda t, a, n, u: answers.get(completion(_value(t, n, u), _value(a))), target, actual, nature, unit
    )


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("target", ndim=2, err_to_str=True, doc="指标值，可选整列")
@xw.arg("actual", ndim=2, err_to_str=True, doc="完成值，可选整列")
@xw.arg("nature", ndim=2, err_to_str=True, doc="指标性质列（可省略）")
@xw.arg("decimals", doc="完成率保留的小数位，默认 2")
@xw.arg("unit", ndim=2, err_to_str=True, doc="度量单位列（可省略）")
@_safe
def INDRATE(target: Any, actual: Any, nature: Any = None, decimals: Any = 2, unit: Any = None) -> Any:
    """完成率：≥、=、> 指标为完成值 ÷ 指标值，≤、< 指标为指标值 ÷ 完成值；定性达成为 1；无法计算返回空。"""
    places = _option_int(decimals, 2, 0, 10)

    def compute(t: object, a: object, n: object, u: object) -> Decimal | None:
        ratio = completion_ratio(_value(t, n, u), _value(a))
        return None if ratio is None else round_half_up(ratio, places)

    return _broadcast(compute, target, actual, nature, unit)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("weight", ndim=2, err_to_str=True, doc="分值，可选整列或单个分值")
@xw.arg("target", ndim=2, err_to_str=True, doc="指标值，可选整列")
@xw.arg("actual", ndim=2, err_to_str=True, doc="完成值，可选整列")
@xw.arg("nature", ndim=2, err_to_str=True, doc="指标性质列（可省略）")
@xw.arg("le_rule", doc="≤ 指标超出时：\"zero\"（默认，记 0 分）或 \"proportional\"（分值 × 指标值 ÷ 完成值）")
@xw.arg("decimals", doc="得分保留的小数位，默认 2")
@xw.arg("unit", ndim=2, err_to_str=True, doc="度量单位列（可省略）")
@_safe
def INDSCORE(
    weight: Any, target: Any, actual: Any, nature: Any = None, le_rule: Any = "zero", decimals: Any = 2,
    unit: Any = None,
) -> Any:
    """建议得分：达成得满分；未达成按 分值 × 完成率；定性“部分达成”建议 70%；需人工判断时返回空。"""
    profile = _profile(le_rule, decimals)

    def compute(w: object, t: object, a: object, n: object, u: object) -> Decimal | None:
        points = _number(w)
        if points is None:
            return None
        return suggested_score(points, _value(t, n, u), _value(a), profile)

    return _broadcast(compute, weight, target, actual, nature, unit)


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("weight", ndim=2, err_to_str=True, doc="分值，可选整列")
@xw.arg("score", ndim=2, err_to_str=True, doc="得分，可选整列")
@xw.arg("target", ndim=2, err_to_str=True, doc="指标值，可选整列")
@xw.arg("actual", ndim=2, err_to_str=True, doc="完成值，可选整列")
@xw.arg("reason", ndim=2, err_to_str=True, doc="未完成原因分析列（可省略）")
@xw.arg("nature", ndim=2, err_to_str=True, doc="指标性质列（可省略）")
@xw.arg("unit", ndim=2, err_to_str=True, doc="度量单位列（可省略）")
@xw.arg("le_rule", doc="≤ 指标超出时的计分规则：\"zero\"（默认）或 \"proportional\"")
@_safe
def INDCHECK(
    weight: Any, score: Any, target: Any, actual: Any, reason: Any = None, nature: Any = None, unit: Any = None,
    le_rule: Any = "zero",
) -> Any:
    """指标行核对代码：OK、NO_SCORE、SCORE>WEIGHT、NO_ACTUAL、UNIT_MISMATCH、NEEDS_JUDGMENT、MET_CUT_NO_REASON、EQ_EXCEEDED、OVER_NO_REASON、NOTMET_FULL、NOTMET_NO_REASON、NOT_PROPORTIONAL；无分值的行返回空。"""
    profile = _profile(le_rule)

    def compute(w: object, s: object, t: object, a: object, r: object, n: object, u: object) -> str | None:
        code = check_indicator(_number(w), _number(s), _value(t, n, u), _value(a), _text(r), profile)
        return None if code is None else code.value

    return _broadcast(compute, weight, score, target, actual, reason, nature, unit)


# --- totals --------------------------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("scores", ndim=2, err_to_str=True, doc="各指标得分区域")
@xw.arg("budget_score", err_to_str=True, doc="预算执行得分（可省略）")
@xw.arg("include_budget", doc="TRUE（默认）总分含预算执行得分（泸州、株洲）；FALSE 仅指标得分（贵州，满分 90）")
@_safe
def PERFTOTAL(scores: Any, budget_score: Any = None, include_budget: Any = True) -> Any:
    """总分 = Σ 指标得分（+ 预算执行得分）。空单元格不计。"""
    include = _option_bool(include_budget, True)
    values = [_number(cell) for cell in _cells(scores)]
    return _out(perf_total(values, _number(budget_score), include))


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("weights", ndim=2, err_to_str=True, doc="各指标分值区域")
@xw.arg("expected", doc="应有的分值合计，默认 90（指标部分）")
@_safe
def WEIGHTCHECK(weights: Any, expected: Any = 90) -> Any:
    """分值合计 − 应有合计：0 为相符，负数说明缺行或漏填分值。"""
    target = _number(expected)
    if target is None:
        raise _CellError(ERR_ARG)
    return _out(weight_check([_number(cell) for cell in _cells(weights)], target))


@xw.func(category=CATEGORY)
@xw.ret(ErrorValues)
@xw.arg("total", ndim=2, err_to_str=True, doc="百分制总分，可选整列")
@xw.arg("thresholds", doc="等级分数线，默认 \"90,80,60\"")
@xw.arg("labels", doc="等级名称，默认 \"优,良,中,差\"（比分数线多一个）")
@_safe
def PERFGRADE(total: Any, thresholds: Any = "90,80,60", labels: Any = None) -> Any:
    """等级：默认 优 ≥ 90、良 ≥ 80、中 ≥ 60、差 < 60（分数线可设置）。贵州总分不含预算执行得分，须先加上。"""
    bands = _bands(thresholds, labels)

    def compute(t: object) -> str | None:
        points = _number(t)
        return None if points is None else bands.grade(points)

    return _broadcast(compute, total)


def _bands(thresholds: object, labels: object) -> GradeBands:
    spec = "90,80,60" if thresholds is None or thresholds == "" else thresholds
    if isinstance(spec, (int, float)):
        spec = _text(spec)
    names = None if labels is None or labels == "" else labels
    try:
        return GradeBands.from_thresholds(spec, names)  # type: ignore[arg-type]
    except (ValidationError, ValueError, TypeError):
        raise _CellError(ERR_ARG) from None
