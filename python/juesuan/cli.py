"""``juesuan`` command line: check, fill and clear workbooks without Excel (WPS users, Linux, batch review).

Exit codes: 0 = no errors, 1 = errors found, 2 = unusable input (one Chinese line on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .findings import Report, Severity
from .outputs import atomic_write, guard_outputs, preflight, write_text_atomic
from .read import SUPPORTED, InputError

if TYPE_CHECKING:
    from .formula.rules import FormulaRule

__all__ = ["main"]

SHOWN = 40  # findings listed on the terminal; the rest are in the report and the marked copy
PROFILE_NAMES = ["gz_project", "lz_project", "lz_dept", "zz_project", "zz_dept"]


def _summary(report: Report, out: Path | None, json_path: Path | None) -> str:
    lines = [f"文件：{report.file}"]
    if 0 < len(report.tables) <= 12:
        lines.append(f"识别 {len(report.tables)} 张表：" + "；".join(f"{t.sheet}（{t.table}）" for t in report.tables))
    elif report.tables:
        kinds = Counter(t.table for t in report.tables)
        lines.append(f"识别 {len(report.tables)} 张表：" + "；".join(f"{k} {n} 张" for k, n in kinds.items()))
    for s in report.skipped:
        lines.append(f"跳过工作表“{s.sheet}”：{s.reason}")
    s = report.summary
    rounding = sum(f.severity is Severity.warning and f.message.startswith("尾数误差") for f in report.findings)
    lines.append(f"结果：错误 {s.errors} 条，警告 {s.warnings} 条（其中尾数误差 {rounding} 条），提示 {s.infos} 条")
    order = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}
    for f in sorted(report.findings, key=lambda f: order[f.severity])[:SHOWN]:
        message = f.message if len(f.message) <= 100 else f.message[:99] + "…"
        lines.append(f"  [{f.severity.label}] {f.sheet}!{f.cell} {f.rule} {message}")
    if len(report.findings) > SHOWN:
        lines.append(f"  …… 其余 {len(report.findings) - SHOWN} 条见审核报告或标注副本的“审核结果”表")
    if report.narrative_source is not None:
        counts = Counter(q.status for q in report.narrative)
        lines.append(f"情况说明：{report.narrative_source}，核对 {len(report.narrative)} 处数字与用词："
                     + "，".join(f"{status} {counts[status]}" for status in ("一致", "尾数误差", "不一致", "未核对")))
    if out:
        lines.append(f"标注副本：{out}")
    if json_path:
        lines.append(f"审核报告：{json_path}")
    return "\n".join(lines)


def _warn_lost(src: Path, out: Path) -> None:
    from .adapters.openpyxl_file import lost_content

    for message in lost_content(src, out):
        print(f"注意：{message}", file=sys.stderr)


def _check_one(path: Path, json_path: Path | None, out: Path | None, profile: str | None = None,
               narrative: Path | None = None, rules: Sequence[FormulaRule] = (), explain: dict | None = None) -> Report:
    from .check import check_file
    from .explain import Explanations

    explanations = Explanations(explain)
    report = check_file(path, profile=profile, narrative=narrative, rules=rules, explanations=explanations)
    if not report.tables and report.narrative_source is None:
        reasons = "；".join(f"“{s.sheet}”{s.reason}" for s in report.skipped[:3])
        raise InputError(f"{path.name} 中没有可识别的部门决算公开表或绩效自评表（{reasons}）")
    if json_path is not None:  # the report first: it is written even when the marked copy cannot be
        write_text_atomic(json_path, json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
    if out is not None:
        from .adapters.openpyxl_file import apply_plan
        from .plan import plan_marks

        plan = plan_marks(report)
        plan.actions += explanations.actions()
        apply_plan(path, plan, out)
        _warn_lost(path, out)
    return report


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


def _formula_rules(paths: Sequence[Path]) -> list[FormulaRule]:
    """The rules of every ``--rules`` file; each bad row is said on stderr, and a file without one usable rule
    is unusable input."""
    from .formula.rulefile import read_rule_file

    rules: list[FormulaRule] = []
    for path in paths:
        found, problems = read_rule_file(path)
        for problem in problems:
            print(f"注意：{problem}（此行未使用）", file=sys.stderr)
        if not found:
            raise InputError(f"审核公式文件中没有可用的公式：{path}")
        rules += found
    return rules


def cmd_check(args: argparse.Namespace) -> int:
    rules = _formula_rules(args.rules or [])
    skip = [p for p in (args.out_dir, args.summary) if p is not None and (p == args.out_dir or is_own_summary(p))]
    files = _expand(args.files, skip)
    if len(files) == 1 and not args.out_dir and not args.summary:
        path = files[0][0]
        outputs = [(name, p) for name, p in (("--out", args.out), ("--json", args.json)) if p is not None]
        guard_outputs([path, *(args.rules or []), *([args.explain] if args.explain else [])], outputs)
        preflight(p for _, p in outputs)
        from .explain import read_explain_file

        explain = read_explain_file(args.explain) if args.explain else None
        report = _check_one(path, args.json, args.out, args.profile, args.narrative, rules, explain)
        print(_summary(report, args.out, args.json))
        return 1 if report.summary.errors else 0
    if args.out or args.json:
        raise InputError("检查多个文件时请用 --out-dir 指定输出目录（每个文件生成标注副本和审核报告）")
    if args.narrative:
        raise InputError("--narrative 只能与一个工作簿一起使用（批量检查时，各工作簿中的“情况说明”工作表会自动核对）")
    if args.explain:
        raise InputError("--explain 只能用于检查单个文件（说明按工作表和单元格对应）")
    if not files:
        raise InputError("没有找到可检查的 Excel 工作簿")
    planned = _batch_outputs(files, args.out_dir) if args.out_dir else [(p, None, None) for p, _ in files]
    outputs = [(opt, p) for _, report, marked in planned for opt, p in (("--out-dir", report), ("--out-dir", marked)) if p]
    if args.summary:
        outputs.append(("--summary", args.summary))
    guard_outputs([p for p, _ in files], outputs)
    preflight(p for _, p in outputs)
    from tqdm import tqdm

    worst = 0
    rows = []
    reports: list[Report] = []
    for path, json_path, out in tqdm(planned, desc="检查", unit="个文件", file=sys.stderr, disable=args.quiet):
        try:
            report = _check_one(path, json_path, out, args.profile, rules=rules)
        except InputError as exc:
            rows.append(f"{path}\t无法使用：{exc}")
            worst = 2
            continue
        reports.append(report)
        s = report.summary
        rows.append(f"{path}\t{len(report.tables)} 张表\t错误 {s.errors}\t警告 {s.warnings}")
        worst = max(worst, 1 if s.errors else 0)
    print("\n".join(rows))
    if args.summary:
        write_summary(reports, args.summary)
        print(f"汇总表：{args.summary}")
    return worst


#: The document title of a batch summary, so that a later run over the same folder knows it for its own.
SUMMARY_TITLE = "juesuan 批量审核汇总"


def is_own_summary(path: Path) -> bool:
    """A workbook juesuan wrote as a batch summary (its document title says so)."""
    import re
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml")
        return re.search(rb"<dc:title[^>]*>" + SUMMARY_TITLE.encode() + rb"</dc:title>", core) is not None
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def write_summary(reports: list[Report], path: Path) -> None:
    """One workbook listing every finding of a batch, one row each, for reviewing many units at once."""
    import pandas as pd

    from .plan import as_float

    columns = ["文件", "严重程度", "规则", "工作表", "单元格", "表", "应为", "实为", "差额", "说明"]
    frame = pd.DataFrame(
        [[r.file, f.severity.label, f.rule, f.sheet, f.cell, f.table, as_float(f.expected), as_float(f.actual),
          as_float(f.difference), f.message] for r in reports for f in r.findings],
        columns=columns,
    )

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="审核汇总", index=False)
            writer.book.properties.title = SUMMARY_TITLE

    atomic_write(path, write)


def _guard_copy(args: argparse.Namespace) -> None:
    """``clear``/``fill``: the copy may not land on the file it is made from."""
    guard_outputs([args.file], [("--out", args.out)])
    preflight([args.out])


def cmd_clear(args: argparse.Namespace) -> int:
    from .adapters.openpyxl_file import clear_file

    _guard_copy(args)

    restored = clear_file(args.file, args.out)
    _warn_lost(args.file, args.out)
    print(f"已清除标注：恢复 {restored} 个单元格的原有底色与批注，删除“审核结果”表。输出：{args.out}")
    return 0


def cmd_fill(args: argparse.Namespace) -> int:
    from .fill import fill_file

    _guard_copy(args)

    skipped: list[str] = []
    written = fill_file(args.file, args.out, formulas=args.formulas, overwrite=args.overwrite, indicators=args.indicators,
                        profile=args.profile, skipped=skipped)
    _warn_lost(args.file, args.out)
    print(f"已填充 {written} 个单元格（绿色底色标出）。输出：{args.out}")
    for line in skipped:
        print(f"未填充：{line}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from .narrative import RULES as NARRATIVE_RULES
    from .perf.checks import RULES as PERF_RULES
    from .rules import catalogue_markdown, load_catalogue

    rules = load_catalogue()
    if args.export:
        from .formula.rulefile import export_rows, write_rule_file

        preflight([args.export])
        rows = export_rows(rules)
        write_rule_file(args.export, rows)
        print(f"已导出 {len(rows) - 1} 条内置规则的审核公式：{args.export}")
        return 0
    if args.markdown:
        print(catalogue_markdown(rules, PERF_RULES.values(), NARRATIVE_RULES.values()), end="")
        return 0
    listed = [(r.id, r.severity.label, r.name, r.source) for r in rules]
    listed += [(r.id, r.severity.label, r.name, r.message) for r in (*PERF_RULES.values(), *NARRATIVE_RULES.values())]
    shown = [row for row in listed if not args.id or row[0] == args.id]
    if not shown:
        raise InputError(f"没有编号为 {args.id} 的规则")
    for rule_id, severity, name, detail in shown:
        print(f"{rule_id}\t{severity}\t{name}" + (f"\t（{detail}）" if args.id else ""))
    return 0


def cmd_addin(args: argparse.Namespace) -> int:
    from .addin import main_addin

    return main_addin(args.action)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="juesuan",
        description="决算审核：检查部门决算公开表与绩效自评表，标出不平衡的单元格，填充派生列。",
        epilog="示例：juesuan check 决算.xlsx --out 决算.checked.xlsx --json 审核报告.json",
    )
    parser.add_argument("--version", action="version", version=f"juesuan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = sub.add_parser("check", help="检查工作簿，输出审核报告和标注副本",
                           description="检查一个或多个工作簿（也可以是文件夹）。退出码：0 无错误，1 有错误，2 输入无法使用。")
    check.add_argument("files", nargs="+", metavar="文件", help="Excel 工作簿（.xlsx/.xlsm/.xls）或包含工作簿的文件夹")
    check.add_argument("--json", type=Path, metavar="报告.json", help="把审核报告写成 JSON 文件")
    check.add_argument("--out", type=Path, metavar="标注副本.xlsx", help="写出标注副本（错误标红、警告标黄、附批注和“审核结果”表）；原文件不变")
    check.add_argument("--out-dir", type=Path, metavar="目录", help="批量检查时，每个文件的标注副本和报告写到此目录")
    check.add_argument("--summary", type=Path, metavar="汇总.xlsx", help="批量检查时，把所有文件的审核结果汇总到一个工作簿")
    check.add_argument("-q", "--quiet", action="store_true", help="批量检查时不显示进度条")
    check.add_argument("--profile", choices=PROFILE_NAMES, help="绩效自评表的评分口径（默认按表样自动判断）")
    check.add_argument("--narrative", type=Path, metavar="情况说明.docx",
                       help="与表核对的情况说明（Word .docx 或 .txt）；不指定时，工作簿中的“情况说明”工作表会自动核对")
    check.add_argument("--rules", type=Path, action="append", metavar="审核公式.xlsx",
                       help="另外按此文件中的审核公式检查（.csv/.xlsx/.txt，列：编号、公式、类型、说明；可重复指定）")
    check.add_argument("--explain", type=Path, metavar="说明.xlsx",
                       help="对审核结果的说明（.csv/.xlsx，列：规则、工作表、单元格、说明），记入标注副本，下次检查显示为已说明")
    check.set_defaults(func=cmd_check)

    fill = sub.add_parser("fill", help="填充绩效自评表的派生列（执行率、得分、总分、等级）")
    fill.add_argument("file", type=Path, metavar="文件")
    fill.add_argument("--out", type=Path, required=True, metavar="输出.xlsx", help="输出文件（原文件不变）")
    fill.add_argument("--formulas", action="store_true", help="写入 Excel 公式而不是数值")
    fill.add_argument("--overwrite", action="store_true", help="允许覆盖已有数值（从不覆盖用户自己的公式以外的内容，除非指定此项）")
    fill.add_argument("--indicators", action="store_true", help="同时填写指标的建议得分")
    fill.add_argument("--profile", choices=PROFILE_NAMES, help="评分口径（默认按表样自动判断）")
    fill.set_defaults(func=cmd_fill)

    clear = sub.add_parser("clear", help="清除 juesuan 的标注，恢复原有底色与批注")
    clear.add_argument("file", type=Path, metavar="文件")
    clear.add_argument("--out", type=Path, required=True, metavar="输出.xlsx")
    clear.set_defaults(func=cmd_clear)

    rules = sub.add_parser("rules", help="列出审核规则")
    rules.add_argument("id", nargs="?", help="只显示这一条规则")
    rules.add_argument("--markdown", action="store_true", help="输出 Markdown 规则目录（docs/rules.md）")
    rules.add_argument("--export", type=Path, metavar="审核公式.xlsx", help="把内置规则写成审核公式文件（.xlsx 或 .csv），供复制修改")
    rules.set_defaults(func=cmd_rules)

    addin = sub.add_parser("addin", help="安装、卸载 Excel 加载项或查看状态（仅 Windows）")
    addin.add_argument("action", choices=["install", "uninstall", "status"])
    addin.set_defaults(func=cmd_addin)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"juesuan：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("juesuan：已中断", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
