"""Finding every 绩效自评表 and 绩效目标表 on a sheet by its header words, never by the sheet's name or fixed
positions.

A table is anchored on its indicator header (一级指标 | 二级指标 | 三级指标 …). Above it lie the title, the
项目名称 / 主管部门 / 实施单位 lines and the fund block (年初预算数 | 全年预算数 | 全年执行数 …); below it the
indicator rows, the 总分 / 合计 row and the 自评结论. Several tables stacked on one sheet are split at their
titles. The indicator header and the fund header are read as header blocks of the shared layout layer
(:mod:`juesuan.layout`): however many rows they have, merged or not, each column is matched by its label path,
so ``全年预算数 (A)``, ``年初 预算数``, ``绩效 指 标`` and a label merged over two header rows read the same.

The layout also tells the template (贵州 / 泸州 / 株洲, 项目 or 部门整体) and with it the scoring profile
(perf-scoring.md §2.9); a layout that matches no template gets a profile inferred from its own numbers
(:mod:`.infer`), and a caller may impose a profile instead. 绩效目标表 (target-setting tables, no 完成值 and
no 得分) are recognised by their title or by a header that has neither.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..grid import Grid
from ..layout import HeaderBlock, SheetIndex, header_block, header_bottom
from .infer import infer_profile, swapped_columns
from .model import (
    DEPT,
    PROJECT,
    TARGET_DEPT,
    TARGET_PROJECT,
    FundRow,
    Group,
    IndicatorRow,
    PerfTable,
    Pos,
    TotalRow,
    score_number,
)
from .profile import DEFAULT_PROFILE, PROFILES, ScoringProfile, get_profile

__all__ = ["recognise_perf"]

_TITLE = re.compile(r"绩效.*(?:自评表|目标表|目标申报表)")
_TARGET_TITLE = re.compile(r"绩效目标(?:申报)?表")
_POINTS = re.compile(r"（(\d+(?:\.\d+)?)分）")
#: 一级 names by a keyword of the printed label, and the 一级 implied by a 二级 name when none is printed.
_LEVEL1 = (("产出", "产出指标"), ("效益", "效益指标"), ("满意", "满意度指标"), ("成本", "成本指标"))
_LEVEL2_TO_1 = (("数量", "产出指标"), ("质量", "产出指标"), ("时效", "产出指标"), ("成本", "产出指标"),
                ("效益", "效益指标"), ("可持续", "效益指标"), ("满意", "满意度指标"), ("社会公众", "满意度指标"))
#: Fund-row labels → place in the 资金来源 hierarchy (checked in order: 其中：财政资金 is fiscal, not other).
_FUND_KINDS = (
    ("上级补助", "upper"), ("本级安排", "own"), ("财政专户", "special"), ("单位资金", "unit"),
    ("上年结转", "carryover"), ("资金总额", "total"), ("总额", "total"), ("财政拨款", "fiscal"),
    ("财政资金", "fiscal"), ("其他", "other"),
)
_PROJECT_LABELS = ("项目名称", "项目支出名称", "部门名称", "预算部门（单位）名称", "单位名称", "部门（单位）名称")
_DEPT_LABELS = ("部门名称", "预算部门（单位）名称", "部门（单位）名称")
_CONCLUSION_LABELS = ("自评结论", "评价结论")
_TOTAL_LABELS = ("总分", "合计")
#: Header cells longer than this are text, not header words (a 实际完成情况 paragraph quoting 年初预算数).
_SHORT = 20

#: (key, words of the column's labels, words that exclude it). Order matters: 完成率 before 完成值 and
#: 实际完成值 before 指标值 (``实际完成指标值`` holds both); a 上年完成值 / 上年度指标值 column is last year's.
Spec = tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
_INDICATOR_COLUMNS: Spec = (
    ("level1", ("一级",), ()),
    ("level2", ("二级",), ()),
    ("level3", ("三级",), ()),
    ("nature", ("指标性质",), ()),
    ("unit", ("度量单位",), ()),
    ("last_year", ("上年",), ()),
    ("rate", ("完成率",), ()),
    ("actual", ("完成值", "实际完成"), ()),
    ("explain", ("指标解释", "计算公式"), ()),
    ("target", ("指标值",), ()),
    ("weight", ("分值", "权重"), ("赋分",)),
    ("score", ("得分",), ()),
    ("reason", ("原因", "偏差", "改进措施"), ()),
)
_FUND_COLUMNS: Spec = (
    ("initial", ("年初预算",), ()),
    ("budget", ("全年预算", "调整后预算"), ()),
    ("executed", ("执行数",), ()),
    ("rate", ("执行率",), ()),
    ("weight", ("分值", "权重"), ()),
    ("score", ("得分",), ()),
    ("reason", ("原因",), ()),
)
#: 泸州 部门整体: one row of totals under 资金总额 | 财政拨款 | 其他资金.
_DEPT_FUND_COLUMNS = (("total", "资金总额"), ("fiscal", "财政拨款"), ("other", "其他资金"))
#: 绩效目标表: the budget lines (部门整体: 基本支出 + 项目支出 = 资金总额; 项目: 预算资金).
_TARGET_FUNDS = (("基本支出", "basic"), ("项目支出", "project"), ("资金总额", "total"), ("预算资金", "total"))


def recognise_perf(grid: Grid, *, profile: str | ScoringProfile | None = None) -> list[PerfTable]:
    """Every self-evaluation and target table on ``grid``, top to bottom (empty when there is none).

    ``profile`` imposes a scoring profile (a preset name such as ``gz_project`` or a
    :class:`ScoringProfile`); by default each table gets the preset of the template its layout shows, or
    one inferred from its numbers when the layout matches none.
    """
    index = SheetIndex(grid)
    chosen = get_profile(profile) if isinstance(profile, str) else profile
    headers = [r for r in range(index.n_rows) if _is_indicator_header(index.texts(r))]
    tables: list[PerfTable] = []
    previous_end = -1
    for i, header in enumerate(headers):
        if header <= previous_end:
            continue  # a header row inside the previous table's header block
        limit = next((h for h in headers[i + 1:] if h > header + 1), index.n_rows)
        table = _table(index, header, previous_end, limit, chosen)
        tables.append(table)
        previous_end = table.bottom
    return tables


def _is_indicator_header(texts: dict[int, str]) -> bool:
    """一级指标 | 二级指标 | 三级指标, or 一级 | 二级 | 三级 as 六枝's target tables print them."""
    values = set(texts.values())
    return {"一级指标", "二级指标", "三级指标"} <= values or {"一级", "二级", "三级"} <= values


def _is_title(texts: dict[int, str]) -> bool:
    """A title row: a short text naming a 绩效…自评表 or 绩效目标表, alone or followed by one more cell
    (泸州 prints 项目名称 beside the title once)."""
    if not texts or len(texts) > 2:
        return False
    first = texts[min(texts)]
    return bool(_TITLE.search(first)) and len(first) < 60


def _is_fund_header(texts: dict[int, str]) -> bool:
    """年初预算数 … 执行数 or 部门整体支出预算 in short header cells, never inside a paragraph."""
    short = [t for t in texts.values() if len(t) <= _SHORT]
    return (any("年初预算" in t for t in short) and any("执行数" in t for t in short)) or any(
        "部门整体支出预算" in t for t in short)


def _match_columns(block: HeaderBlock, spec: Spec) -> dict[str, int]:
    """Column of each key: the leftmost column not yet taken whose label path mentions one of its words and
    none of its excluding words."""
    found: dict[str, int] = {}
    used: set[int] = set()
    for key, words, excluded in spec:
        for column in block.columns:
            if column.col in used or not column.path or (excluded and column.has(*excluded)):
                continue
            if column.has(*words):
                found[key] = column.col
                used.add(column.col)
                break
    return found


def _indicator_header(index: SheetIndex, header: int, limit: int) -> tuple[HeaderBlock, dict[str, int], int]:
    """The indicator header block, from ``header`` down to the row above the first indicator, its columns and
    the first indicator row. A row with its own text in a column the top header row names for 一级/二级/三级,
    分值 or 得分 is data (``90分`` is no header word); blank rows between header and data are skipped."""
    top_columns = _match_columns(header_block(index, header, header), _INDICATOR_COLUMNS)
    data_cols = [top_columns[k] for k in ("level1", "level2", "level3", "weight", "score") if k in top_columns]
    first_data = next((r for r in range(header + 1, limit)
                       if any(index.text(r, c) for c in data_cols)), limit)
    bottom = header_bottom(index, header, limit=first_data)
    block = header_block(index, header, bottom)
    return block, _match_columns(block, _INDICATOR_COLUMNS), _first_nonblank(index, bottom + 1, limit)


def _table(index: SheetIndex, header: int, previous_end: int, limit: int,
           chosen: ScoringProfile | None) -> PerfTable:
    start = next((r for r in range(header - 1, previous_end, -1) if _is_title(index.texts(r))), None)
    top = start if start is not None else _first_nonblank(index, previous_end + 1, header)
    fund_header = next((r for r in range(header - 1, top - 1, -1) if _is_fund_header(index.texts(r))), None)
    title_pos = (start, min(index.texts(start))) if start is not None else None
    title = index.texts(start)[title_pos[1]] if title_pos else ""

    block, columns, first_row = _indicator_header(index, header, limit)
    _complete_reason_column(block, columns)
    target = bool(_TARGET_TITLE.search(title)) or ("actual" not in columns and "weight" not in columns)
    preamble = range(top, fund_header if fund_header is not None else header)
    dept = "整体" in title or _has_label(index, preamble, _DEPT_LABELS)
    family = (TARGET_DEPT if dept else TARGET_PROJECT) if target else (DEPT if dept else PROJECT)

    indicators, end = _indicator_rows(index, first_row, columns, limit)
    total = None if target else _total_row(index, end, columns, limit)
    last = total.row if total else (indicators[-1].row if indicators else block.bottom)
    conclusion = None if target else _conclusion(index, last + 1, limit)
    bottom = conclusion[0][0] if conclusion else last

    fund_columns: dict[str, int] = {}
    funds: list[FundRow] = []
    fund_words: frozenset[str] = frozenset()
    if target:
        funds = _target_funds(index, range(top, header))
    elif fund_header is not None:
        fund_block, fund_columns, funds = _funds(index, fund_header, header)
        fund_words = fund_block.words
    fmt = "lzt_target" if target else _format(family, fund_words, block, columns)
    table = PerfTable(
        grid=index.grid, family=family, format=fmt or "inferred",
        profile=chosen or (PROFILES[fmt] if fmt in PROFILES else DEFAULT_PROFILE), title=title or family,
        title_pos=title_pos, top=top, bottom=bottom, project=_label_value(index, preamble, _PROJECT_LABELS),
        unit=_unit(index, range(top, header), target), fund_columns=fund_columns, funds=funds,
        indicator_header_row=header, indicator_columns=columns, indicators=indicators,
        groups=_groups(index, indicators, columns), total=total, conclusion=conclusion,
        weights_in_percent="score" not in columns and not target, target=target,
        indicator_header_bottom=block.bottom,
    )
    if not target:
        _follow_the_data(table)
    if fmt is None and chosen is None:
        table.profile, table.profile_note = infer_profile(table)
    return table


def _follow_the_data(table: PerfTable) -> None:
    """Two indicator columns whose header order every row contradicts are read as the rows show; the table
    remembers the swap for the layout finding."""
    table.swapped = swapped_columns(table)
    if table.swapped is None:
        return
    first, second = table.swapped
    columns = table.indicator_columns
    columns[first], columns[second] = columns[second], columns[first]
    for row in table.indicators:
        row.cells[first], row.cells[second] = row.cells[second], row.cells[first]
    if table.total is not None and first in table.total.cells:
        table.total.cells[first] = (table.total.row, columns[first])


def _first_nonblank(index: SheetIndex, start: int, stop: int) -> int:
    return next((r for r in range(start, stop) if not index.blank(r)), stop)


def _complete_reason_column(block: HeaderBlock, columns: dict[str, int]) -> None:
    """The 原因 column when its header cell holds something else (贵州 一卡通 prints a long text there):
    the first column right of 得分 that carries any header text."""
    if "reason" in columns or "score" not in columns:
        return
    right = [c.col for c in block.columns if c.col > columns["score"] and c.path]
    if right:
        columns["reason"] = min(right)


# ---------------------------------------------------------------------------------------------- preamble


def _is_label(text: str, labels: tuple[str, ...]) -> bool:
    """``市级预算部门（单位）名称`` is a 预算部门（单位）名称 label, ``项目名称：`` a 项目名称 label."""
    return text.startswith(labels) or text.endswith(labels)


def _has_label(index: SheetIndex, rows: range, labels: tuple[str, ...]) -> bool:
    return any(_is_label(text, labels) for r in rows for text in index.texts(r).values())


def _label_value(index: SheetIndex, rows: range, labels: tuple[str, ...]) -> str:
    """The text right of a label cell (项目名称 → the project), as printed."""
    for r in rows:
        texts = index.texts(r)
        for col, text in sorted(texts.items()):
            if _is_label(text, labels):
                after = [c for c in texts if c > col]
                if after:
                    return str(index.grid.get(r, min(after))).strip()
    return ""


def _unit(index: SheetIndex, rows: range, target: bool) -> str:
    """金额单位 from the preamble and the fund header: （万元）, 单位：万元, else 元. A 绩效目标表 prints it beside
    its budget line or not at all: ``""`` when it does not say."""
    for r in rows:
        for text in index.texts(r).values():
            if "万元" in text and ("（万元）" in text or text.startswith("单位")):
                return "万元"
            if target and text.endswith("（元）") and any(word in text for word, _ in _TARGET_FUNDS):
                return "元"
    return "" if target else "元"


# ---------------------------------------------------------------------------------------------- funds


def _funds(index: SheetIndex, fund_header: int, indicator_header: int
           ) -> tuple[HeaderBlock, dict[str, int], list[FundRow]]:
    """Fund header block, columns and rows between it and the next block (年度总体目标, 绩效指标 …)."""
    bottom = header_bottom(index, fund_header, limit=indicator_header)
    block = header_block(index, fund_header, bottom)
    if any("部门整体支出预算" in t for t in index.texts(fund_header).values()):
        return block, *_dept_funds(index, block)
    columns = _match_columns(block, _FUND_COLUMNS)
    first_amount = min((columns[k] for k in ("initial", "budget", "executed") if k in columns), default=0)
    rows: list[FundRow] = []
    for r in range(bottom + 1, indicator_header):
        row_texts = index.texts(r)
        labels = [(c, t) for c, t in row_texts.items() if c < first_amount]
        if not labels:
            if any(c >= first_amount for c in row_texts):
                continue
            break
        if any(word in text for _, text in labels for word in ("总体目标", "项目基本情况", "年度目标", "绩效指标")):
            break
        col, label = max(labels)
        kind = next((k for word, k in _FUND_KINDS if word in label), "")
        if "性质分" in label or any(ch.isdigit() for ch in label):
            kind = ""  # 株洲 部门整体: 按收入性质分：/ 其中：一般公共预算：4420.95 are notes, not fund rows
        cells = {"label": (r, col), **{k: (r, c) for k, c in columns.items()}}
        rows.append(FundRow(row=r, label=str(index.grid.get(r, col)), kind=kind, cells=cells))
    return block, columns, rows


def _dept_funds(index: SheetIndex, block: HeaderBlock) -> tuple[dict[str, int], list[FundRow]]:
    """泸州 部门整体: the amounts stand in the row under their labels, one amount per 资金来源."""
    columns: dict[str, int] = {}
    rows: list[FundRow] = []
    for kind, word in _DEPT_FUND_COLUMNS:
        col = next((c.col for c in block.columns if c.leaf == word), None)
        if col is None or col in columns.values():
            continue
        col = index.origin(block.top, col)[1]
        columns[kind] = col
        rows.append(FundRow(row=block.bottom + 1, label=word, kind=kind,
                            cells={"label": (block.top, col), "budget": (block.bottom + 1, col)}))
    return columns, rows


def _target_funds(index: SheetIndex, rows: range) -> list[FundRow]:
    """绩效目标表: 基本支出 / 项目支出 / 资金总额 (部门整体) or 预算资金 (项目), each with the first number printed
    right of its label."""
    funds: list[FundRow] = []
    for r in rows:
        texts = index.texts(r)
        for col, text in sorted(texts.items()):
            kind = next((k for word, k in _TARGET_FUNDS if text.startswith(word)), None)
            if kind is None or len(text) > _SHORT:
                continue
            amount = next((c for c in sorted(texts) if c > col and score_number(index.grid.get(r, c)) is not None),
                          None)
            if amount is not None:
                funds.append(FundRow(row=r, label=str(index.grid.get(r, col)).strip(), kind=kind,
                                     cells={"label": (r, col), "budget": (r, amount)}))
            break
    return funds


# ---------------------------------------------------------------------------------------------- indicators


def _indicator_rows(index: SheetIndex, first: int, columns: dict[str, int], limit: int
                    ) -> tuple[list[IndicatorRow], int]:
    """Rows from ``first`` to the first row that ends the block; returns them and that row."""
    grid = index.grid
    rows: list[IndicatorRow] = []
    labels = {"level1": "", "level2": ""}
    label_cols = [columns[k] for k in ("level1", "level2", "level3") if k in columns]
    data_keys = [k for k in ("level3", "target", "actual", "weight", "score") if k in columns]
    r = first
    while r < limit:
        texts = index.texts(r)
        if _ends_indicators(index, r, columns):
            break
        if not texts:
            following = _first_nonblank(index, r + 1, limit)
            if following >= limit or not _is_total_or_conclusion(index, following, columns):
                break
            r += 1
            continue
        printed1, printed2 = (index.header_text(r, columns[k]) if k in columns else "" for k in ("level1", "level2"))
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
        blank = all(texts.get(columns[k]) is None for k in data_keys)
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


def _ends_indicators(index: SheetIndex, r: int, columns: dict[str, int]) -> bool:
    texts = index.texts(r)
    return (
        _is_title(texts) or _is_indicator_header(texts) or _is_fund_header(texts)
        or _is_total_or_conclusion(index, r, columns)
    )


def _is_total_or_conclusion(index: SheetIndex, r: int, columns: dict[str, int]) -> bool:
    return _total_label(index, r, columns) is not None or _conclusion_label(index.texts(r)) is not None


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


def _groups(index: SheetIndex, rows: list[IndicatorRow], columns: dict[str, int]) -> list[Group]:
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
            printed = (index.origin(r.row, col) for r in group.rows)
            group.label_pos = next((pos for pos in printed if index.grid.get(*pos) is not None), None)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------- total and conclusion


def _total_label(index: SheetIndex, r: int, columns: dict[str, int]) -> str | None:
    """``总分`` / ``合计`` left of the 指标值 column, or ``""`` for an unlabelled row holding only 分值 and 得分
    equal to a whole scale (90 or 100); ``None`` for any other row."""
    texts = index.texts(r)
    first_value = min((columns[k] for k in ("target", "nature", "weight") if k in columns), default=0)
    left = [t for c, t in texts.items() if c < first_value]
    if any(t.startswith(_TOTAL_LABELS) for t in left):
        return next(t for t in left if t.startswith(_TOTAL_LABELS))
    weight_col, score_col = columns.get("weight"), columns.get("score")
    if left or weight_col is None or score_col is None:
        return None
    # 分值 may stand under the 完成值 header when the header order is wrong (checked after the rows are read)
    weight_cols = {weight_col, columns.get("actual")} - {None}
    others = set(texts) - weight_cols - {score_col, columns.get("reason")}
    if not others and any(score_number(index.grid.get(r, c)) in (90, 100) for c in weight_cols if c in texts):
        return ""
    return None


def _total_row(index: SheetIndex, r: int, columns: dict[str, int], limit: int) -> TotalRow | None:
    if r >= limit:
        return None
    label = _total_label(index, r, columns)
    if label is None:
        return None
    cells = {k: (r, columns[k]) for k in ("weight", "score") if k in columns}
    texts = index.texts(r)
    if label:
        cells["label"] = (r, next(c for c, t in sorted(texts.items()) if t == label))
    return TotalRow(row=r, label=label, cells=cells)


def _conclusion_label(texts: dict[int, str]) -> int | None:
    return next((c for c, t in sorted(texts.items()) if t in _CONCLUSION_LABELS), None)


def _conclusion(index: SheetIndex, start: int, limit: int) -> tuple[Pos, str] | None:
    """The 自评结论 / 评价结论 text in the few rows after the total (before the next table)."""
    for r in range(start, min(limit, start + 4)):
        texts = index.texts(r)
        if _is_title(texts):
            return None
        col = _conclusion_label(texts)
        if col is not None:
            after = [c for c in texts if c > col]
            if not after:
                return None
            pos = (r, min(after))
            return pos, str(index.grid.get(*pos))
    return None


# ---------------------------------------------------------------------------------------------- template


def _format(family: str, fund_words: frozenset[str], block: HeaderBlock, columns: dict[str, int]) -> str | None:
    """Template from the layout: 指标性质 column → 泸州; 资金来源 column or ``(A)``/``(B)`` headers → 贵州;
    调整后预算数 → 泸州; 偏差原因分析 or 年度预算申请 → 株洲; ``None`` when the layout shows no template."""
    dept = family == DEPT
    fund_texts = "|".join(fund_words)
    if "nature" in columns or "调整后" in fund_texts:
        return "lz_dept" if dept else "lz_project"
    if "资金来源" in fund_texts or "（A）" in fund_texts:
        return "gz_project"
    if block.where("偏差") or "年度预算申请" in fund_texts:
        return "zz_dept" if dept else "zz_project"
    return None
