"""Finding every 绩效自评表 on a sheet by its header words, never by the sheet's name or fixed positions.

A table is anchored on its indicator header (一级指标 | 二级指标 | 三级指标 …). Above it lie the title, the
项目名称 / 主管部门 / 实施单位 lines and the fund block (年初预算数 | 全年预算数 | 全年执行数 …); below it the
indicator rows, the 总分 / 合计 row and the 自评结论. Several tables stacked on one sheet are split at their
titles. Header words are matched after :func:`~juesuan.grid.norm_text` (no spaces, full-width brackets), so
``全年预算数 (A)``, ``年初 预算数`` and ``绩效 指 标`` read the same; columns are found per block, because the
fund block and the indicator block of one table use different columns.

The layout also tells the template (贵州 / 泸州 / 株洲, 项目 or 部门整体) and with it the scoring profile
(perf-scoring.md §2.9); a caller may impose a profile instead.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..grid import Grid, norm_text
from .model import DEPT, PROJECT, FundRow, Group, IndicatorRow, PerfTable, Pos, TotalRow
from .profile import PROFILES, ScoringProfile, get_profile

__all__ = ["recognise_perf"]

_TITLE = re.compile(r"绩效.*自评表")
_POINTS = re.compile(r"（(\d+(?:\.\d+)?)分）")
#: 一级 names by a keyword of the printed label, and the 一级 implied by a 二级 name when none is printed.
_LEVEL1 = (("产出", "产出指标"), ("效益", "效益指标"), ("满意", "满意度指标"), ("成本", "成本指标"))
_LEVEL2_TO_1 = (("数量", "产出指标"), ("质量", "产出指标"), ("时效", "产出指标"), ("成本", "产出指标"),
                ("效益", "效益指标"), ("可持续", "效益指标"), ("满意", "满意度指标"))
#: Fund-row labels → place in the 资金来源 hierarchy (checked in order: 其中：财政资金 is fiscal, not other).
_FUND_KINDS = (
    ("上级补助", "upper"), ("本级安排", "own"), ("财政专户", "special"), ("单位资金", "unit"),
    ("上年结转", "carryover"), ("资金总额", "total"), ("总额", "total"), ("财政拨款", "fiscal"),
    ("财政资金", "fiscal"), ("其他", "other"),
)
_PROJECT_LABELS = ("项目名称", "项目支出名称", "部门名称", "预算部门（单位）名称", "单位名称")
_CONCLUSION_LABELS = ("自评结论", "评价结论")
_TOTAL_LABELS = ("总分", "合计")


#: Indicator header columns by a word of their header; 实际完成值 before 指标值, because ``实际完成指标值``
#: contains both words.
_INDICATOR_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标",)),
    ("nature", ("指标性质",)),
    ("unit", ("度量单位",)),
    ("actual", ("完成值", "实际完成")),
    ("target", ("指标值",)),
    ("weight", ("分值", "权重")),
    ("score", ("得分",)),
    ("reason", ("原因", "偏差", "改进措施")),
)
_FUND_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("initial", ("年初预算",)),
    ("budget", ("全年预算", "调整后预算")),
    ("executed", ("执行数",)),
    ("rate", ("执行率",)),
    ("weight", ("分值", "权重")),
    ("score", ("得分",)),
    ("reason", ("原因",)),
)
#: 泸州 部门整体: one row of totals under 资金总额 | 财政拨款 | 其他资金.
_DEPT_FUND_COLUMNS = (("total", "资金总额"), ("fiscal", "财政拨款"), ("other", "其他资金"))


class _Sheet:
    """Normalised texts of a grid, computed once: row → {col: text} for non-empty cells."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.rows: list[dict[int, str]] = []
        for r, line in enumerate(grid.values):
            self.rows.append({c: norm_text(v) for c, v in enumerate(line) if v is not None and norm_text(v)})

    def texts(self, row: int) -> dict[int, str]:
        return self.rows[row] if 0 <= row < len(self.rows) else {}

    def blank(self, row: int) -> bool:
        return not self.texts(row)

    def columns(self, row: int, spec: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, int]:
        """Column of each header word in one row, leftmost match, each cell used once."""
        found: dict[str, int] = {}
        used: set[int] = set()
        for key, words in spec:
            for col, text in sorted(self.texts(row).items()):
                if col not in used and any(word in text for word in words):
                    found[key] = col
                    used.add(col)
                    break
        return found


def recognise_perf(grid: Grid, *, profile: str | ScoringProfile | None = None) -> list[PerfTable]:
    """Every self-evaluation table on ``grid``, top to bottom (empty when there is none).

    ``profile`` imposes a scoring profile (a preset name such as ``gz_project`` or a
    :class:`ScoringProfile`); by default each table gets the preset of the template its layout shows.
    """
    sheet = _Sheet(grid)
    chosen = get_profile(profile) if isinstance(profile, str) else profile
    headers = [r for r in range(len(sheet.rows)) if _is_indicator_header(sheet.texts(r))]
    tables: list[PerfTable] = []
    previous_end = -1
    for i, header in enumerate(headers):
        limit = headers[i + 1] if i + 1 < len(headers) else len(sheet.rows)
        table = _table(sheet, header, previous_end, limit, chosen)
        tables.append(table)
        previous_end = table.bottom
    return tables


def _is_indicator_header(texts: dict[int, str]) -> bool:
    values = set(texts.values())
    return {"一级指标", "二级指标", "三级指标"} <= values


def _is_title(texts: dict[int, str]) -> bool:
    """A title row: a short text naming a 绩效…自评表 (not a 绩效目标表, which has no self-evaluation), alone
    or followed by one more cell (泸州 prints 项目名称 beside the title once)."""
    if not texts or len(texts) > 2:
        return False
    first = texts[min(texts)]
    return bool(_TITLE.search(first)) and len(first) < 60


def _is_fund_header(texts: dict[int, str]) -> bool:
    joined = "|".join(texts.values())
    return ("年初预算" in joined and "执行数" in joined) or "部门整体支出预算" in joined


def _table(sheet: _Sheet, header: int, previous_end: int, limit: int, chosen: ScoringProfile | None) -> PerfTable:
    start = next((r for r in range(header - 1, previous_end, -1) if _is_title(sheet.texts(r))), None)
    top = start if start is not None else _first_nonblank(sheet, previous_end + 1, header)
    fund_header = next((r for r in range(header - 1, top - 1, -1) if _is_fund_header(sheet.texts(r))), None)
    title_pos = (start, min(sheet.texts(start))) if start is not None else None
    title = sheet.texts(start)[title_pos[1]] if title_pos else ""
    preamble = range(top, fund_header if fund_header is not None else header)
    family = DEPT if "整体" in title or _has_label(sheet, preamble, ("部门名称", "预算部门（单位）名称")) else PROJECT

    columns = sheet.columns(header, _INDICATOR_COLUMNS)
    _complete_reason_column(sheet, header, columns)
    indicators, end = _indicator_rows(sheet, header, columns, limit)
    total = _total_row(sheet, end, columns, limit)
    last = total.row if total else (indicators[-1].row if indicators else header)
    conclusion = _conclusion(sheet, last + 1, limit)
    bottom = conclusion[0][0] if conclusion else last

    fund_columns: dict[str, int] = {}
    funds: list[FundRow] = []
    if fund_header is not None:
        fund_columns, funds = _funds(sheet, fund_header, header)
    fmt = _format(sheet, family, fund_header, fund_columns, columns)
    return PerfTable(
        grid=sheet.grid, family=family, format=fmt, profile=chosen or PROFILES[fmt], title=title or family,
        title_pos=title_pos, top=top, bottom=bottom, project=_label_value(sheet, preamble, _PROJECT_LABELS),
        unit=_unit(sheet, range(top, header)), fund_columns=fund_columns, funds=funds,
        indicator_header_row=header, indicator_columns=columns, indicators=indicators,
        groups=_groups(sheet, indicators, columns), total=total, conclusion=conclusion,
        weights_in_percent="score" not in columns,
    )


def _first_nonblank(sheet: _Sheet, start: int, stop: int) -> int:
    return next((r for r in range(start, stop) if not sheet.blank(r)), stop)


def _complete_reason_column(sheet: _Sheet, header: int, columns: dict[str, int]) -> None:
    """The 原因 column when its header cell holds something else (贵州 一卡通 prints a long text there):
    the first column right of 得分 that carries any header text."""
    if "reason" in columns or "score" not in columns:
        return
    right = [c for c in sheet.texts(header) if c > columns["score"]]
    if right:
        columns["reason"] = min(right)


# ---------------------------------------------------------------------------------------------- preamble


def _is_label(text: str, labels: tuple[str, ...]) -> bool:
    """``市级预算部门（单位）名称`` is a 预算部门（单位）名称 label, ``项目名称：`` a 项目名称 label."""
    return text.startswith(labels) or text.endswith(labels)


def _has_label(sheet: _Sheet, rows: range, labels: tuple[str, ...]) -> bool:
    return any(_is_label(text, labels) for r in rows for text in sheet.texts(r).values())


def _label_value(sheet: _Sheet, rows: range, labels: tuple[str, ...]) -> str:
    """The text right of a label cell (项目名称 → the project), as printed."""
    for r in rows:
        texts = sheet.texts(r)
        for col, text in sorted(texts.items()):
            if _is_label(text, labels):
                after = [c for c in texts if c > col]
                if after:
                    return str(sheet.grid.get(r, min(after))).strip()
    return ""


def _unit(sheet: _Sheet, rows: range) -> str:
    """金额单位 from the preamble and the fund header: （万元）, 单位：万元, else 元."""
    for r in rows:
        for text in sheet.texts(r).values():
            if "万元" in text and ("（万元）" in text or text.startswith("单位")):
                return "万元"
    return "元"


# ---------------------------------------------------------------------------------------------- funds


def _funds(sheet: _Sheet, fund_header: int, indicator_header: int) -> tuple[dict[str, int], list[FundRow]]:
    """Fund columns and rows between the fund header and the next block (年度总体目标, 绩效指标 …)."""
    texts = sheet.texts(fund_header)
    if any("部门整体支出预算" in t for t in texts.values()):
        return _dept_funds(sheet, fund_header)
    columns = sheet.columns(fund_header, _FUND_COLUMNS)
    first_amount = min((columns[k] for k in ("initial", "budget", "executed") if k in columns), default=0)
    rows: list[FundRow] = []
    for r in range(fund_header + 1, indicator_header):
        row_texts = sheet.texts(r)
        labels = [(c, t) for c, t in row_texts.items() if c < first_amount]
        if not labels:
            if any(c >= first_amount for c in row_texts):
                continue
            break
        col, label = max(labels)
        if any(word in label for word in ("总体目标", "项目基本情况", "年度目标", "绩效指标")):
            break
        kind = next((k for word, k in _FUND_KINDS if word in label), "")
        if "性质分" in label or any(ch.isdigit() for ch in label):
            kind = ""  # 株洲 部门整体: 按收入性质分：/ 其中：一般公共预算：4420.95 are notes, not fund rows
        cells = {"label": (r, col), **{k: (r, c) for k, c in columns.items()}}
        rows.append(FundRow(row=r, label=str(sheet.grid.get(r, col)), kind=kind, cells=cells))
    return columns, rows


def _dept_funds(sheet: _Sheet, fund_header: int) -> tuple[dict[str, int], list[FundRow]]:
    """泸州 部门整体: the amounts stand in the row under their labels, one amount per 资金来源."""
    columns: dict[str, int] = {}
    rows: list[FundRow] = []
    for kind, word in _DEPT_FUND_COLUMNS:
        col = next((c for c, t in sorted(sheet.texts(fund_header).items()) if t == word), None)
        if col is None:
            continue
        columns[kind] = col
        rows.append(FundRow(row=fund_header + 1, label=word, kind=kind,
                            cells={"label": (fund_header, col), "budget": (fund_header + 1, col)}))
    return columns, rows


# ---------------------------------------------------------------------------------------------- indicators


def _indicator_rows(sheet: _Sheet, header: int, columns: dict[str, int], limit: int) -> tuple[list[IndicatorRow], int]:
    """Rows from under the header to the first row that ends the block; returns them and that row."""
    grid = sheet.grid
    rows: list[IndicatorRow] = []
    labels = {"level1": "", "level2": ""}
    label_cols = [columns[k] for k in ("level1", "level2", "level3") if k in columns]
    r = header + 1
    while r < limit:
        texts = sheet.texts(r)
        if _ends_indicators(sheet, r, columns):
            break
        if not texts:
            following = _first_nonblank(sheet, r + 1, limit)
            if following >= limit or not _is_total_or_conclusion(sheet, following, columns):
                break
            r += 1
            continue
        printed1, printed2 = (grid.header_text(r, columns[k]) if k in columns else "" for k in ("level1", "level2"))
        if printed1:
            if printed1 != labels["level1"]:
                labels["level2"] = ""
            labels["level1"] = printed1
        elif printed2 and _other_level1(printed2, labels["level1"]):
            labels["level1"] = ""  # a new group whose 一级 label is printed lower down (unmerged): back-filled
        if printed2:
            labels["level2"] = printed2
        cells = {k: (r, c) for k, c in columns.items() if k not in ("level1", "level2")}
        level3 = str(grid.get(r, columns["level3"]) or "").strip() if "level3" in columns else ""
        data_keys = ("level3", "target", "actual", "weight", "score")
        blank = all(sheet.texts(r).get(columns[k]) is None for k in data_keys if k in columns)
        label_only = blank and any(c in texts for c in label_cols)
        if blank and not label_only:
            break  # text outside the indicator columns: the table is over
        rows.append(IndicatorRow(row=r, level1=labels["level1"], level2=labels["level2"], level3=level3,
                                 group="", cells=cells, blank=blank))
        r += 1
    _back_fill(rows)
    for row in rows:
        row.group = _level1_name(row.level1) or _level1_from_level2(row.level2)
    return rows, r


def _ends_indicators(sheet: _Sheet, r: int, columns: dict[str, int]) -> bool:
    texts = sheet.texts(r)
    return (
        _is_title(texts) or _is_indicator_header(texts) or _is_fund_header(texts)
        or _is_total_or_conclusion(sheet, r, columns)
    )


def _is_total_or_conclusion(sheet: _Sheet, r: int, columns: dict[str, int]) -> bool:
    return _total_label(sheet, r, columns) is not None or _conclusion_label(sheet.texts(r)) is not None


def _back_fill(rows: list[IndicatorRow]) -> None:
    """Rows printed above their merged label (unmerged sheets): take the first label printed below them."""
    for key in ("level1", "level2"):
        pending: list[IndicatorRow] = []
        for row in rows:
            if getattr(row, key):
                for earlier in pending:
                    if key == "level1" or earlier.level1 == row.level1:
                        setattr(earlier, key, getattr(row, key))
                pending = []
            else:
                pending.append(row)


def _other_level1(level2: str, level1: str) -> bool:
    """A 二级 name that cannot belong to the 一级 in force (社会效益指标 under 产出指标); 成本 is a 二级 of 产出 in
    贵州 but a 一级 of its own in 泸州 and 株洲, so it fits either."""
    implied, current = _level1_from_level2(level2), _level1_name(level1)
    if not implied or not current or ("成本" in level2 and current == "成本指标"):
        return False
    return implied != current


def _level1_name(label: str) -> str:
    bare = _POINTS.sub("", label)
    return next((name for word, name in _LEVEL1 if word in bare), "")


def _level1_from_level2(label: str) -> str:
    return next((name for word, name in _LEVEL2_TO_1 if word in label), "")


def _groups(sheet: _Sheet, rows: list[IndicatorRow], columns: dict[str, int]) -> list[Group]:
    """一级 groups in order of appearance, with the points their label declares and where it is printed."""
    groups: dict[str, Group] = {}
    for row in rows:
        if row.group:
            if row.group not in groups:
                found = _POINTS.search(row.level1)
                groups[row.group] = Group(name=row.group, label=row.level1,
                                          declared=Decimal(found.group(1)) if found else None, label_pos=None)
            groups[row.group].rows.append(row)
    col = columns.get("level1")
    for group in groups.values():
        if col is not None:
            printed = (sheet.grid.merge_origin(r.row, col) for r in group.rows)
            group.label_pos = next((pos for pos in printed if sheet.grid.get(*pos) is not None), None)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------- total and conclusion


def _total_label(sheet: _Sheet, r: int, columns: dict[str, int]) -> str | None:
    """``总分`` / ``合计`` left of the 指标值 column, or ``""`` for an unlabelled row holding only 分值 and 得分
    equal to a whole scale (90 or 100); ``None`` for any other row."""
    texts = sheet.texts(r)
    first_value = min((columns[k] for k in ("target", "nature", "weight") if k in columns), default=0)
    left = [t for c, t in texts.items() if c < first_value]
    if any(t.startswith(_TOTAL_LABELS) for t in left):
        return next(t for t in left if t.startswith(_TOTAL_LABELS))
    weight_col, score_col = columns.get("weight"), columns.get("score")
    if left or weight_col is None or score_col is None:
        return None
    others = set(texts) - {weight_col, score_col, columns.get("reason")}
    weight = sheet.grid.get(r, weight_col)
    if not others and isinstance(weight, (int, float)) and weight in (90, 100) and weight_col in texts:
        return ""
    return None


def _total_row(sheet: _Sheet, r: int, columns: dict[str, int], limit: int) -> TotalRow | None:
    if r >= limit:
        return None
    label = _total_label(sheet, r, columns)
    if label is None:
        return None
    cells = {k: (r, columns[k]) for k in ("weight", "score") if k in columns}
    texts = sheet.texts(r)
    if label:
        cells["label"] = (r, next(c for c, t in sorted(texts.items()) if t == label))
    return TotalRow(row=r, label=label, cells=cells)


def _conclusion_label(texts: dict[int, str]) -> int | None:
    return next((c for c, t in sorted(texts.items()) if t in _CONCLUSION_LABELS), None)


def _conclusion(sheet: _Sheet, start: int, limit: int) -> tuple[Pos, str] | None:
    """The 自评结论 / 评价结论 text in the few rows after the total (before the next table)."""
    for r in range(start, min(limit, start + 4)):
        texts = sheet.texts(r)
        if _is_title(texts):
            return None
        col = _conclusion_label(texts)
        if col is not None:
            after = [c for c in texts if c > col]
            if not after:
                return None
            pos = (r, min(after))
            return pos, str(sheet.grid.get(*pos))
    return None


# ---------------------------------------------------------------------------------------------- template


def _format(sheet: _Sheet, family: str, fund_header: int | None, fund_columns: dict[str, int],
            columns: dict[str, int]) -> str:
    """Template from the layout: 指标性质 column → 泸州; 资金来源 column or ``(A)``/``(B)`` headers → 贵州;
    调整后预算数 → 泸州; otherwise the 株洲 layout (年初预算数 | 全年预算数 | 全年执行数)."""
    dept = family == DEPT
    if "nature" in columns:
        return "lz_dept" if dept else "lz_project"
    fund_texts = "|".join(sheet.texts(fund_header).values()) if fund_header is not None else ""
    if "资金来源" in fund_texts or "（A）" in fund_texts:
        return "gz_project"
    if "调整后" in fund_texts:
        return "lz_dept" if dept else "lz_project"
    return "zz_dept" if dept else "zz_project"
