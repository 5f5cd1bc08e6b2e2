"""What ``juesuan check`` prints: the tables found, the counts, and the first findings as an aligned table.

Chinese characters take two columns in a terminal, so columns are padded by display width, not by ``len``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from .findings import Finding, Report, Severity
from .numbers import money, round_half_up
from .textwidth import display_width

__all__ = ["SHOWN", "findings_table", "is_rounding", "report_summary", "rule_names"]

SHOWN = 40  # findings listed on the terminal; the rest are in the report and the marked copy
ROUNDING = "尾数误差"
HEADER = ("", "表", "单元格", "规则", "应为", "实为", "差额", "问题")
NUMERIC = frozenset({4, 5, 6})  # right-aligned columns
_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def _amount(value: Decimal | None) -> str:
    return "" if value is None else money(round_half_up(value, 2))


def is_rounding(finding: Finding) -> bool:
    """A warning that only reflects rounding to the printed unit (万元)."""
    return finding.severity is Severity.warning and finding.message.startswith(ROUNDING)


def rule_names() -> dict[str, str]:
    """Rule id → Chinese name, from the catalogue and the 绩效 rules."""
    from .perf.checks import RULES as PERF_RULES
    from .rules import load_catalogue

    return {r.id: r.name for r in load_catalogue()} | {r.id: r.name for r in PERF_RULES.values()}


def _problem(finding: Finding, names: dict[str, str]) -> str:
    """What is wrong, in a few words: 尾数误差, else the rule's name, else the message up to its first colon."""
    if is_rounding(finding):
        return ROUNDING
    return names.get(finding.rule) or finding.message.split("（", 1)[0].split("：", 1)[0]


def findings_table(findings: Sequence[Finding]) -> list[str]:
    """One aligned line per finding: 表、单元格、规则、应为、实为、差额 and the rule's name."""
    names = rule_names()
    rows = [HEADER] + [
        (f"[{f.severity.label}]", f.sheet, f.cell, f.rule, _amount(f.expected), _amount(f.actual),
         _amount(f.difference), _problem(f, names))
        for f in findings
    ]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(HEADER))]
    return [
        "  " + "  ".join(_pad(cell, widths[i], i in NUMERIC) for i, cell in enumerate(row)).rstrip() for row in rows
    ]


def report_summary(report: Report, out: Path | None, json_path: Path | None) -> str:
    """The terminal summary of one checked workbook."""
    lines = [f"文件：{report.file}"]
    if 0 < len(report.tables) <= 12:
        lines.append(f"识别 {len(report.tables)} 张表：" + "；".join(f"{t.sheet}（{t.table}）" for t in report.tables))
    elif report.tables:
        kinds = Counter(t.table for t in report.tables)
        lines.append(f"识别 {len(report.tables)} 张表：" + "；".join(f"{k} {n} 张" for k, n in kinds.items()))
    lines += [f"跳过工作表“{s.sheet}”：{s.reason}" for s in report.skipped]
    s = report.summary
    rounding = sum(map(is_rounding, report.findings))
    of_which = f"（其中{ROUNDING} {rounding} 条）" if rounding else ""
    explained = sum(1 for f in report.findings if f.explanation and f.severity is Severity.info)
    said = f"（其中已说明 {explained} 条）" if explained else ""
    checked = f"核对勾稽关系 {report.identities:,} 个，" if report.identities else ""
    lines.append(f"结果：{checked}错误 {s.errors} 条，警告 {s.warnings} 条{of_which}，提示 {s.infos} 条{said}")
    shown = sorted(report.findings, key=lambda f: _ORDER[f.severity])[:SHOWN]
    if shown:
        lines += findings_table(shown)
    rest = len(report.findings) - len(shown)
    where = "审核报告（--json）或标注副本（--out）的“审核结果”表"
    if rest:
        lines.append(f"  …… 其余 {rest} 条及每条的完整说明见{where}")
    elif shown:
        lines.append(f"  每条的完整说明（勾稽关系、涉及的单元格）见{where}")
    if report.narrative_source is not None:
        counts = Counter(q.status for q in report.narrative)
        lines.append(f"情况说明：{report.narrative_source}，核对 {len(report.narrative)} 处数字与用词："
                     + "，".join(f"{status} {counts[status]}" for status in ("一致", "尾数误差", "不一致", "未核对")))
    if out:
        lines.append(f"标注副本：{out}")
    if json_path:
        lines.append(f"审核报告：{json_path}")
    return "\n".join(lines)
