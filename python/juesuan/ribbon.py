"""The 决算审核 ribbon tab: one Python function per button, looked up by the button's control id.

Excel calls the VBA callback ``JuesuanRibbon.OnAction`` of the add-in, which runs
``juesuan.ribbon.dispatch('<control id>')`` through xlwings' RunPython; the workbook is then
``xw.Book.caller()``. Every action takes the book as an argument too, so tests drive them with a Book built
from JSON. Each action returns the Chinese message shown to the user (empty: nothing to say).
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Callable, Collection

import xlwings as xw

from . import __version__
from .adapters import xlwings_book
from .check import check_grids
from .explain import EXPLAIN_SHEET, Explanations
from .findings import Report, Severity
from .formula.rulefile import FORMULA_SHEET, export_rows
from .grid import Grid
from .narrative import find_document
from .plan import MARKS_SHEET, NARRATIVE_SHEET, RESULTS_SHEET, Plan, own_name, plan_marks
from .rules import load_catalogue

__all__ = [
    "ACTIONS",
    "ADDIN_NAME",
    "FILL_PLANNER",
    "TITLE",
    "TRUST_HINT",
    "UDF_MODULES",
    "about",
    "check_all",
    "check_narrative",
    "check_sheet",
    "clear_marks",
    "dispatch",
    "fill_derived",
    "formula_sheet",
    "import_udfs",
    "show_results",
    "trusts_vba_project",
]

TITLE = "决算审核"
ADDIN_NAME = "juesuan.xlam"
#: The module whose ``@xw.func`` functions 导入函数 imports (also in the add-in's ``juesuan.conf`` sheet).
UDF_MODULES = "juesuan.udf"
#: ``module:function`` of the 绩效自评表 fill planner, ``plan_fill(grid) -> Plan``; looked up when the button
#: is used, so the add-in keeps working with a juesuan that has none.
FILL_PLANNER = "juesuan.perf.fill:plan_fill"

ButtonAction = Callable[[xw.Book], str]


def _summary(report: Report, applied: xlwings_book.Applied, where: str) -> str:
    s = report.summary
    if not report.findings:
        text = f"检查完成：{where}未发现问题。"
    else:
        text = (
            f"检查完成：{where}发现 {s.errors} 个错误、{s.warnings} 个警告、{s.infos} 个提示，"
            f"已标注 {applied.marked} 个单元格，详见“{RESULTS_SHEET}”表。"
        )
    if applied.restored:
        text += f"\n上次标注、这次已没有问题的 {applied.restored} 个单元格已恢复原样。"
    return text


def _with_limits(book: xw.Book, text: str) -> str:
    notes = xlwings_book.limits(xlwings_book.capabilities(book))
    return "\n".join([text, *notes])


def _sheets_named(book: xw.Book, names: set[str], read: Collection[str] = ()) -> list[Grid]:
    """Our sheets of these names (``审核结果（2）`` beside a user's 审核结果 too), but those already ``read``."""
    caps = xlwings_book.capabilities(book)
    return [xlwings_book.read_grid(sheet, caps) for sheet in book.sheets
            if own_name(sheet.name) in names and sheet.name not in read]


def _report(book: xw.Book, sheets: set[str] | None, grids: list[Grid] | None = None,
            narrative: str | None = None) -> tuple[Report, Plan]:
    """The check and its marks; the 说明 column of 审核结果 is read first, so explained findings stay explained."""
    explanations = Explanations()
    grids = list(grids) if grids is not None else xlwings_book.read_grids(book)
    grids += _sheets_named(book, {RESULTS_SHEET}, {g.sheet for g in grids})
    report = check_grids(grids, book.name, sheets=sheets, narrative=narrative, explanations=explanations)
    plan = plan_marks(report)
    plan.actions += explanations.actions()
    return report, plan


def check_sheet(book: xw.Book) -> str:
    """检查本表: check the active sheet (reading the others for context) and mark only that sheet."""
    name = book.sheets.active.name
    if name in (RESULTS_SHEET, MARKS_SHEET, NARRATIVE_SHEET, EXPLAIN_SHEET, FORMULA_SHEET):
        return "请先切换到要检查的决算表，再点击“检查本表”。"
    report, plan = _report(book, {name})
    skipped = next((s.reason for s in report.skipped if s.sheet == name), None)
    if skipped is not None:
        return _with_limits(book, f"“{name}”不是可识别的决算表：{skipped}")
    applied = xlwings_book.apply_plan(book, plan, scope={name})
    return _with_limits(book, _summary(report, applied, f"“{name}”"))


def check_all(book: xw.Book) -> str:
    """检查全部: every sheet and the cross-table rules."""
    report, plan = _report(book, None)
    applied = xlwings_book.apply_plan(book, plan)
    text = _summary(report, applied, f"{len(report.tables)} 张表中")
    if report.skipped:
        text += "\n未识别的工作表：" + "、".join(s.sheet for s in report.skipped)
    return _with_limits(book, text)


#: What the 核对说明 file dialog offers (Excel's ``GetOpenFilename`` filter: description, pattern pairs).
NARRATIVE_FILTER = "Word 文档 (*.docx),*.docx,文本文件 (*.txt),*.txt"


def ask_narrative_file(book: xw.Book) -> str | None:
    """The 情况说明 file the user picks in Excel's open dialog (``None``: cancelled or no dialog available)."""
    try:
        picked = book.app.api.GetOpenFilename(NARRATIVE_FILTER, 1, "选择情况说明（Word 或文本文件）")
    except Exception:  # no COM dialog: Excel on the web, the remote engine
        return None
    return picked if isinstance(picked, str) and picked else None


def check_narrative(book: xw.Book) -> str:
    """核对说明: check the 情况说明 against the tables - a 情况说明 sheet of the workbook, else a Word/text file
    chosen in Excel - and mark every table cell the text disagrees with (the whole check runs, as 检查全部)."""
    grids = xlwings_book.read_grids(book)
    path = None
    if find_document(grids) is None:
        path = ask_narrative_file(book)
        if path is None:
            return "没有选择情况说明文件。请选择 Word（.docx）或文本文件，或在工作簿中加入写有情况说明的工作表。"
    report, plan = _report(book, None, grids, narrative=path)
    applied = xlwings_book.apply_plan(book, plan)
    counts = {status: sum(q.status == status for q in report.narrative) for status in ("一致", "尾数误差", "不一致", "未核对")}
    mismatched = sum(f.source is not None and f.severity is not Severity.info for f in report.findings)
    text = (f"已核对{report.narrative_source}中的 {len(report.narrative)} 处数字与用词："
            + "，".join(f"{k} {v}" for k, v in counts.items())
            + f"。发现 {mismatched} 个问题，已标注 {applied.marked} 个单元格，逐项结果见“{NARRATIVE_SHEET}”表。")
    return _with_limits(book, text)


def _fill_planner() -> Callable[[Grid], Plan] | None:
    module_name, _, function = FILL_PLANNER.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, function, None)


def fill_derived(book: xw.Book) -> str:
    """填充派生列: complete every 绩效自评表 (执行率, 得分, 总分, 等级) like ``juesuan fill``, keeping earlier
    marks; filled cells turn green and a user's formula is never replaced."""
    planner = _fill_planner()
    if planner is None:
        return (
            "“填充派生列”暂不可用：当前安装的 juesuan 还没有绩效自评表填充功能"
            f"（{FILL_PLANNER.replace(':', '.')}）。请升级 juesuan 后再试。"
        )
    plan = Plan()
    sheets = []
    for grid in xlwings_book.read_grids(book):
        actions = planner(grid).actions
        if actions:
            plan.actions += actions
            sheets.append(grid.sheet)
    if not plan.actions:
        return "没有找到需要填充的绩效自评表派生列（已填好的单元格不会重复填写）。"
    applied = xlwings_book.apply_plan(book, plan, scope=set())
    where = f"“{'”“'.join(sheets)}”" if len(sheets) <= 3 else f"{len(sheets)} 张绩效自评表"
    return _with_limits(book, f"已在{where}中填充 {applied.marked} 个单元格，填入的单元格标为绿色。")


def clear_marks(book: xw.Book) -> str:
    """清除标注: restore fills and notes, delete 审核结果; values stay. 说明 typed into 审核结果 since the last
    check are recorded first, so they are not lost with the sheet."""
    explanations = Explanations()
    explanations.read(_sheets_named(book, {RESULTS_SHEET, EXPLAIN_SHEET}))
    if actions := explanations.actions():
        xlwings_book.apply_plan(book, Plan(actions=actions), scope=set())
    restored = xlwings_book.clear_marks(book)
    if not restored:
        return "工作簿中没有本工具的标注。"
    text = f"已清除 {restored} 个单元格的标注，恢复了原来的底色和批注，并删除了“{RESULTS_SHEET}”表。"
    return _with_limits(book, text)


def show_results(book: xw.Book) -> str:
    """审核结果: go to the results sheet."""
    for sheet in book.sheets:
        if sheet.name == RESULTS_SHEET:
            sheet.activate()
            return ""
    return f"还没有“{RESULTS_SHEET}”表：请先点击“检查本表”或“检查全部”。"


#: What 导入函数 needs and where the user switches it on (Excel's wording in the Chinese UI).
TRUST_HINT = (
    "导入函数需要 Excel 允许程序访问 VBA 工程：请依次点击“文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置”，"
    "勾选“信任对 VBA 工程对象模型的访问”，确定后再点击“导入函数”。如果该选项是灰色的，说明单位的策略禁止了它，请联系 IT 管理员。"
)


def trusts_vba_project(workbook_api: object) -> bool:
    """Excel refuses any access to a workbook's VBA project (a COM error, "Programmatic access to Visual Basic
    Project is not trusted") unless the user ticked 信任对 VBA 工程对象模型的访问."""
    try:
        workbook_api.VBProject.VBComponents.Count  # type: ignore[attr-defined]  # noqa: B018 - the probe is the read
    except Exception:
        return False
    return True


def formula_sheet(book: xw.Book) -> str:
    """审核公式: go to the unit's 审核公式 sheet, or create it with the built-in rules as a starting point."""
    for sheet in book.sheets:
        if sheet.name == FORMULA_SHEET:
            sheet.activate()
            return ""
    rows = export_rows(load_catalogue())
    sheet = book.sheets.add(FORMULA_SHEET, after=book.sheets[-1])
    sheet.range("A1").value = [[xlwings_book._as_text(v) for v in row] for row in rows]
    sheet.range((1, 1), (1, len(rows[0]))).font.bold = True
    for column, width in zip("ABCD", (10, 90, 10, 50)):
        sheet.range(f"{column}1").column_width = width
    sheet.activate()
    return (
        f"已新建“{FORMULA_SHEET}”表，列出 {len(rows) - 1} 条内置规则的审核公式作为起点。\n"
        "可以修改、删除或增加公式（列：编号、公式、类型、说明；类型为基本平衡、逻辑性或核实性），"
        "点击“检查全部”时一并检查；编号与内置规则相同的公式代替该内置规则。写法见 docs/formulas.md。"
    )


def import_udfs(book: xw.Book) -> str:
    """导入函数: generate the VBA wrappers of ``juesuan.udf`` into the add-in (xlwings' import) and save it."""
    if not sys.platform.startswith("win") or not xlwings_book.capabilities(book).read_formats:
        return "导入函数需要 Windows 版 Excel。在其他环境中，请在命令行使用 juesuan check / juesuan fill。"
    try:
        addin = book.app.books[ADDIN_NAME]
    except KeyError:
        return f"没有找到已加载的 {ADDIN_NAME}：请先在命令行运行 juesuan addin install，然后重新启动 Excel。"
    if not trusts_vba_project(addin.api):
        return TRUST_HINT
    from xlwings.udfs import import_udfs as xlwings_import_udfs

    try:
        xlwings_import_udfs(UDF_MODULES, addin.api)
    except Exception as exc:  # COM refuses the VBA project in more ways than the probe can see (policies, locks)
        return f"{TRUST_HINT}\n（Excel 的原始信息：{exc}）"
    addin.save()
    module = importlib.import_module(UDF_MODULES)
    names = sorted(f.__xlfunc__["name"] for f in vars(module).values() if hasattr(f, "__xlfunc__"))
    return f"已导入 {len(names)} 个函数：{'、'.join(names)}。\n在单元格中输入 =EXECRATE(…) 等公式即可使用。"


def about(book: xw.Book) -> str:
    """关于: versions and where the help is."""
    return (
        f"决算审核 juesuan {__version__}（xlwings {xw.__version__}）\n"
        f"Python：{sys.executable}\n"
        "按钮与函数的说明见 juesuan 的文档 docs/addin.md；检查文件也可在命令行运行 juesuan check。"
    )


ACTIONS: dict[str, ButtonAction] = {
    "btnCheckSheet": check_sheet,
    "btnCheckAll": check_all,
    "btnNarrative": check_narrative,
    "btnFill": fill_derived,
    "btnClear": clear_marks,
    "btnResults": show_results,
    "btnFormulas": formula_sheet,
    "btnImportUdfs": import_udfs,
    "btnAbout": about,
}


def dispatch(control_id: str, book: xw.Book | None = None) -> str:
    """Run the action of a ribbon button and show its message in Excel; returns the message.

    Errors become a message too, never a Python traceback box: errors before editing leave the workbook
    untouched (planning happens first), errors while editing say how to recover."""
    book = book if book is not None else xw.Book.caller()
    action = ACTIONS.get(control_id)
    if action is None:
        message = f"未知的按钮：{control_id}。请重新安装加载项（juesuan addin install）。"
    else:
        try:
            message = action(book)
        except xlwings_book.ApplyError as exc:
            message = str(exc)
        except Exception as exc:  # any failure before the first edit: say so, keep the details for support
            traceback.print_exc()
            message = f"操作没有完成，工作簿未被修改。\n原因：{exc}"
    if message:
        book.app.alert(message, title=TITLE)
    return message
