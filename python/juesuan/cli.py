"""``juesuan`` command line: check, fill and clear workbooks without Excel (WPS users, Linux, batch review).

Exit codes: 0 = no errors, 1 = errors found, 2 = unusable input (one Chinese line on stderr), 130 = interrupted.
A batch gives 1 if any file has errors and 2 only if no file could be checked.

Only the argument parser is imported up front: ``juesuan -h`` answers at once, and the checker, openpyxl and the
worker pool are imported by the command that uses them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .argparse_zh import ChineseParser
from .numbers import count
from .outputs import guard_outputs, os_reason, preflight
from .read import SUPPORTED, InputError

if TYPE_CHECKING:
    from .batch import Options, Unit
    from .formula.rules import FormulaRule

__all__ = ["SUMMARY_TITLE", "build_parser", "is_own_summary", "main", "write_summary"]

PROFILE_NAMES = ["gz_project", "lz_project", "lz_dept", "zz_project", "zz_dept"]
FORMATS = "、".join(SUPPORTED)
#: Exit code when the output pipe closed before the command could finish (as a shell reports death by SIGPIPE).
SIGPIPE_EXIT = 141

GUIDE = f"""决算审核 juesuan：检查部门决算公开表（公开01–09表）与绩效自评表，标出不平衡的单元格。

常用命令：
  juesuan check 决算.xlsx                         检查一个工作簿，在屏幕上列出问题
  juesuan check 决算.xlsx --out 决算.checked.xlsx  同时写出标注副本（原文件不变）
  juesuan check 各单位/ --out-dir 结果/ --summary 汇总.xlsx   批量检查一个文件夹
  juesuan check 决算.xlsx --narrative 情况说明.docx  同时把情况说明中的数字与表核对
  juesuan fill 绩效自评.xlsx --out 绩效自评.filled.xlsx        填充执行率、得分、总分、等级
  juesuan clear 决算.checked.xlsx --out 决算.clean.xlsx        清除标注
  juesuan rules                                    列出全部审核规则
  juesuan addin install                            安装 Excel 加载项（Windows）

支持的文件：{FORMATS}
每个命令的说明：juesuan 命令 -h，例如 juesuan check -h"""


#: Names juesuan gives its own outputs; a folder check never takes them for inputs.
OWN_OUTPUT_SUFFIXES = (".checked.xlsx", ".checked.xlsm", ".filled.xlsx", ".filled.xlsm")


def _expand(paths: Sequence[str], skip: Sequence[Path] = ()) -> list[tuple[Path, Path]]:
    """Every workbook to check with the path its outputs take under ``--out-dir``: a folder's files keep
    their place below the folder (各局/A局/决算.xlsx → A局/决算), so equal names in different folders never
    share an output. Files under ``skip`` (the output folder) and juesuan's own outputs are left out."""
    skipped = [_resolved(p) for p in skip]
    files: list[tuple[Path, Path]] = []
    for p in map(Path, paths):
        if not p.is_dir():
            files.append((p, Path(p.name)))
            continue
        for f in sorted(p.rglob("*")):
            if f.suffix.lower() not in SUPPORTED or f.name.startswith(("~$", ".")) or not f.is_file():
                continue
            if f.name.lower().endswith(OWN_OUTPUT_SUFFIXES) or any(_resolved(f).is_relative_to(s) for s in skipped):
                continue
            files.append((f, f.relative_to(p)))
    return files


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _marked_name(path: Path) -> str:
    """The marked copy keeps a macro workbook's extension; anything else becomes .xlsx."""
    return f"{path.stem}.checked{'.xlsm' if path.suffix.lower() == '.xlsm' else '.xlsx'}"


def _batch_outputs(files: list[tuple[Path, Path]], out_dir: Path) -> list[tuple[Path, Path, Path]]:
    """(input, report, marked copy) per file; a name taken twice (two files given from different folders)
    gets a number, so no output of the run is overwritten by another."""
    taken: set[str] = set()
    out: list[tuple[Path, Path, Path]] = []
    for path, rel in files:
        folder, stem = out_dir / rel.parent, rel.stem
        n = 1
        while (folder / stem).as_posix().casefold() in taken:
            n += 1
            stem = f"{rel.stem}（{n}）"
        taken.add((folder / stem).as_posix().casefold())
        out.append((path, folder / f"{stem}.report.json", folder / _marked_name(path.with_name(stem + path.suffix))))
    return out


def _emit(text: str) -> None:
    """Print to stdout; a reader that went away (``juesuan check f | head``) is not an error of the check, so
    the rest of the output goes nowhere and the command still ends with its own exit code. A stdout that
    cannot be written (a full disk) is an OSError for :func:`main`."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        _discard(sys.stdout)
    except OSError:
        _discard(sys.stdout)
        raise


def _say(text: str) -> None:
    """One line on stderr, if stderr can take it: the exit code says the rest."""
    try:
        print(text, file=sys.stderr, flush=True)
    except OSError:
        _discard(sys.stderr)


def _discard(stream: object) -> None:
    """Send whatever is still written to a closed pipe to the null device, so Python's final flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stream.fileno())  # type: ignore[attr-defined]
    os.close(devnull)


def _formula_rules(paths: Sequence[Path]) -> tuple[FormulaRule, ...]:
    """The rules of every ``--rules`` file; each bad row is said on stderr, and a file without one usable rule
    is unusable input."""
    if not paths:
        return ()
    from .formula.rulefile import read_rule_file

    rules: list[FormulaRule] = []
    for path in paths:
        found, problems = read_rule_file(path)
        for problem in problems:
            _say(f"注意：{problem}{'（此行未使用）' if problem.row else ''}")
        if not found:
            raise InputError(f"审核公式文件中没有可用的公式：{path}")
        rules += found
    return tuple(rules)


def _side_inputs(args: argparse.Namespace) -> list[Path]:
    """The files a check reads besides the workbooks: no output may land on them either."""
    return [*(args.rules or []), *(p for p in (args.explain, args.narrative) if p is not None)]


def _covers_an_input(out_dir: Path, paths: Sequence[str]) -> Path | None:
    """The input folder that ``out_dir`` is, or lies above: all its files would be taken for outputs."""
    target = _resolved(out_dir)
    return next((Path(p) for p in paths if Path(p).is_dir() and _resolved(Path(p)).is_relative_to(target)), None)


def cmd_check(args: argparse.Namespace) -> int:
    from .batch import Options
    from .review import is_own_summary

    if args.summary and args.summary.suffix.lower() != ".xlsx":
        raise InputError(f"汇总表是 Excel 工作簿，文件名应以 .xlsx 结尾：{args.summary.name}")
    options = Options(args.profile, _formula_rules(args.rules or []))
    skip = [p for p in (args.out_dir, args.summary) if p is not None and (p == args.out_dir or is_own_summary(p))]
    files = _expand(args.files, skip)
    if len(files) == 1 and not args.out_dir and not args.summary:
        from .batch import check_one
        from .terminal import report_summary

        path = files[0][0]
        outputs = [(name, p) for name, p in (("--out", args.out), ("--json", args.json)) if p is not None]
        guard_outputs([path, *_side_inputs(args)], outputs)
        preflight(p for _, p in outputs)
        explain = None
        if args.explain:
            from .explain import read_explain_file

            explain = read_explain_file(args.explain)
        report = check_one(path, args.json, args.out, options, args.narrative, explain)
        _emit(report_summary(report, args.out, args.json))
        return 1 if report.summary.errors else 0
    if args.out or args.json:
        raise InputError("--out、--json 只用于单独检查一个文件；检查多个文件或写汇总表（--summary）时，请用 --out-dir "
                         "指定输出目录（每个文件生成标注副本和审核报告）")
    if args.narrative:
        raise InputError("--narrative 只能与一个工作簿一起使用（批量检查时，各工作簿中的“情况说明”工作表会自动核对）")
    if args.explain:
        raise InputError("--explain 只能用于检查单个文件（说明按工作表和单元格对应）")
    if args.out_dir and (covered := _covers_an_input(args.out_dir, args.files)):
        raise InputError(f"--out-dir “{args.out_dir}” 就是要检查的文件夹“{covered}”或其上级：请把结果写到另一个文件夹")
    if not files:
        raise InputError("没有找到可检查的 Excel 工作簿")
    planned = _batch_outputs(files, args.out_dir) if args.out_dir else [(p, None, None) for p, _ in files]
    outputs = [(opt, p) for _, report, marked in planned for opt, p in (("--out-dir", report), ("--out-dir", marked)) if p]
    if args.summary:
        outputs.append(("--summary", args.summary))
    guard_outputs([*(p for p, _ in files), *_side_inputs(args)], outputs)
    preflight(p for _, p in outputs)
    units = _run_batch(planned, args, options)
    _emit("\n".join(_batch_row(unit) for unit in units))
    if args.summary:
        from .review import write_summary

        write_summary(units, args.summary)
        _emit(f"汇总表：{args.summary}")
    code = batch_exit_code(units)
    if code == 2:
        _say(f"juesuan：{len(units)} 个文件都无法使用（原因见上）")
    return code


def _run_batch(planned: list[tuple[Path, Path | None, Path | None]], args: argparse.Namespace, options: Options) -> list[Unit]:
    from tqdm import tqdm

    from .batch import check_units, default_jobs

    jobs = args.jobs or default_jobs(len(planned))
    with tqdm(total=len(planned), desc="检查", unit="个文件", file=_Tolerant(sys.stderr), disable=args.quiet) as bar:
        return check_units(planned, options=options, jobs=jobs, done=bar.update)


class _Tolerant:
    """A stream for the progress bar that ignores failed writes: a full or closed stderr is no reason to stop
    checking a thousand files."""

    def __init__(self, stream: object) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)  # type: ignore[attr-defined]
        except OSError:
            pass

    def flush(self) -> None:
        try:
            self.stream.flush()  # type: ignore[attr-defined]
        except OSError:
            pass


def _batch_row(unit: Unit) -> str:
    if unit.report is None:
        return f"{unit.path}\t无法使用：{unit.reason}"
    s = unit.report.summary
    return f"{unit.path}\t{len(unit.report.tables)} 张表\t错误 {s.errors}\t警告 {s.warnings}"


def batch_exit_code(units: Sequence[Unit]) -> int:
    """1 if any unit has errors; 2 only if no file could be checked at all; else 0. Unusable files among
    checked ones are listed (and in the summary's 单位 sheet) but do not hide the others' result."""
    checked = [u.report for u in units if u.report is not None]
    if not checked:
        return 2
    return 1 if any(r.summary.errors for r in checked) else 0


def _guard_copy(args: argparse.Namespace) -> None:
    """``clear``/``fill``: the copy may not land on the file it is made from."""
    guard_outputs([args.file], [("--out", args.out)])
    preflight([args.out])


def cmd_clear(args: argparse.Namespace) -> int:
    from .adapters.openpyxl_file import clear_file
    from .batch import warn_lost

    _guard_copy(args)

    restored = clear_file(args.file, args.out)
    warn_lost(args.file, args.out)
    done = f"已清除标注：恢复 {restored} 个单元格的原有底色与批注" if restored else "没有需要恢复原样的单元格"
    _emit(f"{done}；本工具添加的工作表（如有）已删除。输出：{args.out}")
    return 0


def cmd_fill(args: argparse.Namespace) -> int:
    from .batch import warn_lost
    from .fill import fill_file

    _guard_copy(args)

    skipped: list[str] = []
    written = fill_file(args.file, args.out, formulas=args.formulas, overwrite=args.overwrite, indicators=args.indicators,
                        profile=args.profile, skipped=skipped)
    warn_lost(args.file, args.out)
    _emit("\n".join([f"已填充 {written} 个单元格（绿色底色标出）。输出：{args.out}"]
                     + [f"未填充：{line}" for line in skipped]))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from .narrative import RULES as NARRATIVE_RULES
    from .perf.checks import RULES as PERF_RULES
    from .rules import catalogue_markdown, load_catalogue

    rules = load_catalogue()
    if args.export:
        from .formula.rulefile import export_rows, write_rule_file

        if args.markdown:
            raise InputError("--export 与 --markdown 只能选一个：--export 写出审核公式文件，--markdown 打印规则表")
        chosen = [r for r in rules if not args.id or r.id == args.id]
        if not chosen or not any(r.formula for r in chosen):
            raise InputError(f"没有编号为 {args.id} 且能写成审核公式的内置规则")
        guard_outputs([], [("--export", args.export)])
        preflight([args.export])
        rows = export_rows(chosen)
        write_rule_file(args.export, rows)
        _emit(f"已导出 {len(rows) - 1} 条内置规则的审核公式：{args.export}")
        return 0
    if args.markdown:
        _emit(catalogue_markdown(rules, PERF_RULES.values(), NARRATIVE_RULES.values()).removesuffix("\n"))
        return 0
    listed = [(r.id, r.severity.label, r.name, r.source) for r in rules]
    listed += [(r.id, r.severity.label, r.name, r.message) for r in (*PERF_RULES.values(), *NARRATIVE_RULES.values())]
    shown = [row for row in listed if not args.id or row[0] == args.id]
    if not shown:
        raise InputError(f"没有编号为 {args.id} 的规则")
    _emit("\n".join(f"{rule_id}\t{severity}\t{name}" + (f"\t（{detail}）" if args.id else "")
                     for rule_id, severity, name, detail in shown))
    return 0


def cmd_addin(args: argparse.Namespace) -> int:
    from .addin import main_addin

    return main_addin(args.action)


def _jobs(text: str) -> int:
    number = count(text)
    if not number:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}")
    return number


def _add_check(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser(
        "check", help="检查工作簿，输出审核报告和标注副本",
        description="检查一个或多个工作簿（也可以是文件夹，其中的工作簿连同子文件夹一并检查）。"
                    f"支持的文件：{FORMATS}（.xls 为部门决算软件常见的导出格式）。原文件从不被改写。",
        epilog="退出码：0 无错误，1 有错误，2 输入无法使用（标准错误输出一行中文原因）。"
               "批量检查时：任一文件有错误为 1；所有文件都无法使用才为 2；无法使用的文件列在输出和汇总表中。",
    )
    check.add_argument("files", nargs="+", metavar="文件", help=f"工作簿（{FORMATS}）或包含工作簿的文件夹")
    check.add_argument("--json", type=Path, metavar="报告.json", help="把审核报告写成 JSON 文件")
    check.add_argument("--out", type=Path, metavar="标注副本.xlsx", help="写出标注副本（错误标红、警告标黄、附批注和“审核结果”表）；原文件不变")
    check.add_argument("--out-dir", type=Path, metavar="目录", help="批量检查时，每个文件的标注副本和报告写到此目录（保持原有的子文件夹结构）")
    check.add_argument("--summary", type=Path, metavar="汇总.xlsx", help="批量检查时，把所有文件的审核结果汇总到一个工作簿（单位、明细、规则三张表）")
    check.add_argument("-j", "--jobs", type=_jobs, metavar="N", help="批量检查时同时检查的文件数（默认按 CPU 核数和文件数自动选择）")
    check.add_argument("-q", "--quiet", action="store_true", help="批量检查时不显示进度条")
    check.add_argument("--profile", choices=PROFILE_NAMES, help="绩效自评表的评分口径（默认按表样自动判断）")
    check.add_argument("--narrative", type=Path, metavar="情况说明.docx",
                       help="与表核对的情况说明（Word .docx 或 .txt）；不指定时，工作簿中的“情况说明”工作表会自动核对")
    check.add_argument("--rules", type=Path, action="append", metavar="审核公式.xlsx",
                       help="另外按此文件中的审核公式检查（.csv/.xlsx/.txt，列：编号、公式、类型、说明；可重复指定）；"
                            "工作簿中名为“审核公式”的工作表也会自动使用")
    check.add_argument("--explain", type=Path, metavar="说明.xlsx",
                       help="对审核结果的说明（.csv/.xlsx，列：规则、工作表、单元格、说明），记入标注副本，下次检查显示为已说明")
    check.set_defaults(func=cmd_check)


def _add_fill(sub: argparse._SubParsersAction) -> None:
    fill = sub.add_parser("fill", help="填充绩效自评表的派生列（执行率、得分、总分、等级）",
                          description="在绩效自评表中计算空白的执行率、预算执行得分、总分与等级，写到一个新文件，填入的单元格标绿。")
    fill.add_argument("file", type=Path, metavar="文件", help=f"含绩效自评表的工作簿（{FORMATS}）")
    fill.add_argument("--out", type=Path, required=True, metavar="输出.xlsx", help="输出文件（原文件不变）")
    fill.add_argument("--formulas", action="store_true", help="写入与数值结果相同的 Excel 公式，而不是数值")
    fill.add_argument("--overwrite", action="store_true", help="允许改写已有的数值（默认只填空白单元格；用户自己的公式从不改写）")
    fill.add_argument("--indicators", action="store_true", help="同时填写各指标的建议得分")
    fill.add_argument("--profile", choices=PROFILE_NAMES, help="评分口径（默认按表样自动判断）")
    fill.set_defaults(func=cmd_fill)


def _add_clear(sub: argparse._SubParsersAction) -> None:
    clear = sub.add_parser("clear", help="清除 juesuan 的标注，恢复原有底色与批注",
                           description="去掉标注副本中的底色、批注和“审核结果”表，恢复单元格原来的底色与批注；数值不变。")
    clear.add_argument("file", type=Path, metavar="文件", help="juesuan 写出的标注副本（或在 Excel 中标注过的工作簿）")
    clear.add_argument("--out", type=Path, required=True, metavar="输出.xlsx", help="清除后的工作簿写到此文件（原文件不变）")
    clear.set_defaults(func=cmd_clear)


def _add_rules(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="列出审核规则", description="列出全部审核规则：编号、严重程度、名称。")
    rules.add_argument("id", nargs="?", metavar="编号", help="只显示这一条规则及其依据，例如 T01.R1")
    rules.add_argument("--markdown", action="store_true", help="输出 Markdown 规则目录（docs/rules.md）")
    rules.add_argument("--export", type=Path, metavar="审核公式.xlsx", help="把内置规则写成审核公式文件（.xlsx 或 .csv），供复制修改")
    rules.set_defaults(func=cmd_rules)


def _add_addin(sub: argparse._SubParsersAction) -> None:
    addin = sub.add_parser("addin", help="安装、卸载 Excel 加载项或查看状态（仅 Windows）",
                           description="管理 Excel 加载项 juesuan.xlam（仅 Windows 版 Microsoft Excel；WPS 请用 juesuan check）。")
    addin.add_argument("action", choices=["install", "uninstall", "status"], metavar="操作",
                       help="install 安装（复制到 Excel 启动文件夹并记下本 Python）、uninstall 卸载、status 查看状态")
    addin.set_defaults(func=cmd_addin)


#: One function per subcommand adds its parser; another command is one more entry here.
COMMANDS = [_add_check, _add_fill, _add_clear, _add_rules, _add_addin]


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = ChineseParser(
        prog="juesuan",
        description="决算审核：检查部门决算公开表与绩效自评表，标出不平衡的单元格，填充派生列。",
        epilog="示例：juesuan check 决算.xlsx --out 决算.checked.xlsx --json 审核报告.json",
    )
    parser.add_argument("--version", action="version", version=f"juesuan {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令", help="要做的事，见下")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The ``juesuan`` command. Returns the exit code: 0 no errors, 1 errors found, 2 unusable input (one Chinese
    line on stderr), 130 interrupted (Ctrl+C)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if not argv:
            _emit(GUIDE)
            return 0
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # -h, --version, or a usage error already printed in Chinese
            return exc.code if isinstance(exc.code, int) else 2
        return int(args.func(args))
    except InputError as exc:
        _say(f"juesuan：{exc}")
        return 2
    except OSError as exc:  # the file system refused a path or a write (a name too long, a full disk, stdout)
        _say(f"juesuan：{os_reason(exc, Path(exc.filename) if exc.filename else None)}")
        return 2
    except KeyboardInterrupt:
        _say("juesuan：已中断")
        return 130
    except BrokenPipeError:  # the progress bar's stderr was a closed pipe too (``2>&1 | head``)
        _discard(sys.stdout)
        _discard(sys.stderr)
        return SIGPIPE_EXIT


def __getattr__(name: str) -> object:
    """``SUMMARY_TITLE``, ``write_summary`` and ``is_own_summary`` live in :mod:`juesuan.review`; loaded on use so
    ``juesuan -h`` stays fast."""
    if name in ("SUMMARY_TITLE", "write_summary", "is_own_summary"):
        from . import review

        return getattr(review, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    sys.exit(main())
