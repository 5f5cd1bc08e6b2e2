"""指标值 / 完成值 cells: parsing the printed text and judging completion.

Published 绩效自评表 write the same quantity in many ways (``≥900人次``, ``$\\geq 95\\%$``, ``＞`` in a separate
指标性质 column, ``184.79 万 元`` broken by line wraps, ``2023 年年 底前``, ``达成年度指标``). Every check and every
suggested score starts from one normalised record, :class:`IndValue`, so the grammar lives in one place
(perf-scoring.md §3). Numbers are ``Decimal`` built from the printed digits, never floats.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from ..numbers import MAX_DIGITS, is_blank

__all__ = [
    "COMPLETION_STATES",
    "DEFAULT_PHRASES",
    "JUDGE",
    "MET",
    "NOT_MET",
    "NO_ACTUAL",
    "PARTIAL",
    "DatePoint",
    "IndValue",
    "QualPhrases",
    "completion",
    "completion_ratio",
    "normalize_text",
    "parse_value",
    "units_compatible",
]

#: The five answers of :func:`completion`, in the words the 自评表 uses.
MET, PARTIAL, NOT_MET, JUDGE, NO_ACTUAL = "达成", "部分达成", "未达成", "需判断", "缺完成值"
COMPLETION_STATES = (MET, PARTIAL, NOT_MET, JUDGE, NO_ACTUAL)

GE, LE, EQ, GT, LT, APPROX, BETWEEN, QUAL = ">=", "<=", "=", ">", "<", "~=", "between", "qual"
UPWARD = frozenset({GE, GT})
DOWNWARD = frozenset({LE, LT})

# Longest spelling first, so ``>=`` is not read as ``>`` then ``=`` (after NFKC ``＞``/``＝`` are ASCII).
_OPERATORS = (
    (">=", GE), ("<=", LE), ("≥", GE), ("≧", GE), ("≤", LE), ("≦", LE),
    ("≈", APPROX), ("≅", APPROX), ("≃", APPROX), (">", GT), ("<", LT), ("=", EQ),
)
_LATEX = (("\\geq", "≥"), ("\\ge", "≥"), ("\\leq", "≤"), ("\\le", "≤"), ("\\approx", "≈"), ("\\%", "%"), ("$", ""))

#: 指标性质 column words that are not operator symbols.
_NATURE_WORDS = {"正向指标": GE, "正向": GE, "反向指标": LE, "反向": LE, "定性": QUAL, "定性指标": QUAL}

# A trailing qualifier carries the operator when the cell has none: ``≥1万人以上``, ``90 天之内``.
_QUALIFIERS = (
    ("及以上", GE), ("以上", GE), ("及以下", LE), ("以下", LE), ("以内", LE), ("之内", LE),
    ("之前", LE), ("以前", LE), ("左右", APPROX),
)

_NUMBER = r"(-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+))"
_BARE_NUMBER = re.compile(_NUMBER)
_LEADING_NUMBER = re.compile(_NUMBER + r"(.*)")
_APPROX_WORD = re.compile(r"约(?=\d)")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)[-~—至到](\d+(?:\.\d+)?)(\D*)")
_DEADLINE_TAIL = r"(?:前|之前|以前)?(?:完成|到位)?"
_FULL_DATE = re.compile(r"(\d{4})年(?:(\d{1,2})月?(?:(\d{1,2})日|底|末)?)?" + _DEADLINE_TAIL)
_YEAR_END_DATE = re.compile(r"(\d{4})年年?(?:底|末)" + _DEADLINE_TAIL)
_MONTH_DATE = re.compile(r"(\d{1,2})月(?:(\d{1,2})日|底|末)?" + _DEADLINE_TAIL)
_EVERY_YEAR_END = re.compile(r"每年年?(?:底|末)" + _DEADLINE_TAIL)
_QUARTER = re.compile(r"第([一二三四1-4])季度(?:末|底)?" + _DEADLINE_TAIL)
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_SEPARATORS = re.compile(r"[，,；;:：]")
_PUNCT = re.compile(r"[\s，,。.、；;：:“”\"'‘’（）()\[\]【】!！?？]")
_SPACES = re.compile(r"\s+")
#: Grades from best to worst; a target printed as the whole scale ``优良中低差`` expects the best.
_GRADES = "优良中低差"

#: Unit prefixes that scale a number (``1.3万人`` = 13 000 人).
_SCALES = (("亿", Decimal(100_000_000)), ("万", Decimal(10_000)))


@dataclass(frozen=True)
class DatePoint:
    """A date or deadline as printed; any part may be missing (``5月30日前``, ``2023年``, ``第四季度``).

    Missing parts are read as the end of the period, because a date in a 自评表 is a deadline.
    """

    year: int | None
    month: int | None
    day: int | None

    def key(self, with_year: bool) -> tuple[int, ...]:
        """Sort key at the end of the period; without ``with_year`` only month and day count."""
        end = (self.month or 12, self.day or 31)
        return (self.year or 0, *end) if with_year else end


@dataclass(frozen=True)
class IndValue:
    """One 指标值 or 完成值 cell, normalised.

    ``op`` is the canonical operator (``""`` for an empty cell, ``"qual"`` for text); ``op_source`` says
    where it came from (``value``, ``nature``, ``qualifier``, ``implied``), because only an operator written
    in the cell itself says something about an actual value. ``compound`` marks cells holding several
    values or a sentence with numbers (``≅4250人，平均2000元/年/人``): they need a human.
    """

    raw: str
    op: str = ""
    number: Decimal | None = None
    upper: Decimal | None = None
    unit: str = ""
    qualitative: bool = False
    text: str = ""
    date: DatePoint | None = None
    op_source: str = ""
    compound: bool = False
    notes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.op == ""

    @property
    def ratio(self) -> Decimal | None:
        """The value as a fraction when it is a percentage (``95%`` → 0.95), else ``None``."""
        return self.number / 100 if self.number is not None and self.unit == "%" else None


@dataclass(frozen=True)
class QualPhrases:
    """Phrases that settle a qualitative 完成值 (perf-scoring.md §3.3); pass another set to adapt a region.

    Matched as prefixes, not-met first (``未达成…`` contains 达成) and partial before met.
    """

    met: tuple[str, ...] = (
        "达成年度指标", "已达成", "已完成", "全部完成", "按时完成", "已达标", "达标", "有效", "符合",
    )
    partial: tuple[str, ...] = ("部分达成", "部分完成", "基本达成", "基本完成")
    not_met: tuple[str, ...] = ("未达成", "未完成", "未达到", "未实现", "未开展")


DEFAULT_PHRASES = QualPhrases()


def normalize_text(raw: object) -> str:
    """NFKC (full-width ``＞％１`` → ASCII), LaTeX operators as symbols, and no line-wrap spaces.

    A space survives only between two ASCII letters or digits, because the dumps break cells at arbitrary
    places (``184.79 万 元``, ``2023 年年 底``, ``≥ 0.3 万人次/年``).
    """
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    for latex, symbol in _LATEX:
        text = text.replace(latex, symbol)
    return _SPACES.sub(_keep_ascii_space, text.strip())


def _keep_ascii_space(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""


def parse_value(raw: object, nature: str | None = None, unit_col: str | None = None) -> IndValue:
    """Parse a 指标值 or 完成值 cell (perf-scoring.md §3.2).

    ``nature`` is the 泸州 指标性质 column (``≥``, ``＝``, ``定性``, ``正向指标`` …); for templates without it, pass
    the 一级/二级 name instead: a name containing 成本 makes a bare number a ``≤`` target (株洲 ``195 万元``).
    ``unit_col`` is the 度量单位 column, used when the value carries no unit of its own. An operator in
    ``nature`` wins over one written in the value; conflicts are kept in ``notes``.
    """
    raw_text = "" if raw is None else str(raw)
    text = normalize_text(raw_text)
    if is_blank(text):
        return IndValue(raw=raw_text)
    if text.startswith("定性"):
        return _qualitative(raw_text, text[2:] or text)
    op, rest = _split_operator(text)
    unit_text = "" if unit_col is None or is_blank(unit_col) else normalize_text(unit_col)
    if unit_text and _BARE_NUMBER.fullmatch(rest):
        rest += unit_text  # 泸州: 9.2 + 万人次; 12 + 月 then reads as a month
    value = _parse_body(raw_text, text, op, rest)
    if unit_text and value.unit and not _same_unit(value.unit, unit_text):
        value = replace(value, notes=(*value.notes, "指标值中的单位与度量单位不一致"))
    return _apply_nature(value, nature)


def _split_operator(text: str) -> tuple[str, str]:
    for spelling, op in _OPERATORS:
        if text.startswith(spelling):
            return op, text[len(spelling):]
    if _APPROX_WORD.match(text):  # 约100人, but not 约定时间
        return APPROX, text[1:]
    return "", text


def _parse_body(raw: str, text: str, op: str, rest: str) -> IndValue:
    """Everything after the operator: dates, ranges, number + unit; otherwise the whole text is qualitative."""
    source = "value" if op else ""
    point = _parse_date(rest)
    if point is not None:
        number, unit = _date_number(point)
        # A printed date is a deadline: 2023年12月31日 means "by then".
        return IndValue(raw=raw, op=op or LE, number=number, unit=unit, text=rest, date=point,
                        op_source=source or "implied")
    found = _RANGE.fullmatch(rest)
    if found and not op and _decimal(found.group(1)) is not None and _decimal(found.group(2)) is not None:
        return IndValue(raw=raw, op=BETWEEN, number=Decimal(found.group(1)), upper=Decimal(found.group(2)),
                        unit=found.group(3), text=rest, op_source="value")
    found = _LEADING_NUMBER.fullmatch(rest)
    number = _decimal(found.group(1)) if found else None
    if number is None:
        return _qualitative(raw, text)
    unit, qualifier_op = _strip_qualifier(found.group(2))
    notes: list[str] = []
    if qualifier_op and op and qualifier_op != op:
        notes.append("运算符与“以上/以内”等限定词方向不一致")
    compound = bool(_SEPARATORS.search(unit) or re.search(r"\d", unit))
    if compound:
        notes.append("复合指标值，需人工核对")
    return IndValue(
        raw=raw, op=op or qualifier_op or GE, number=number, unit=unit,
        text=rest, op_source=source or ("qualifier" if qualifier_op else "implied"), compound=compound,
        notes=tuple(notes),
    )


def _decimal(text: str) -> Decimal | None:
    """The number a value prints, or ``None`` past :data:`MAX_DIGITS` digits: a cell of a million digits is no
    target (scaled by 万 or 亿 it would overflow ``Decimal``)."""
    digits = text.replace(",", "")
    return Decimal(digits) if len(digits.lstrip("-").replace(".", "", 1)) <= MAX_DIGITS else None


def _qualitative(raw: str, text: str, notes: tuple[str, ...] = ()) -> IndValue:
    """Text without a leading number; with figures and separators it is a compound value (a sentence)."""
    compound = bool(re.search(r"\d", text) and _SEPARATORS.search(text))
    if compound:
        notes = (*notes, "复合指标值，需人工核对")
    return IndValue(raw=raw, op=QUAL, qualitative=True, text=text, op_source="value", compound=compound,
                    notes=notes)


def _strip_qualifier(unit: str) -> tuple[str, str]:
    for word, op in _QUALIFIERS:
        if unit.endswith(word):
            return unit[: -len(word)], op
    return unit, ""


def _parse_date(text: str) -> DatePoint | None:
    """Dates and deadlines: ``2023年12月31日前完成``, ``2023年年底``, ``5月30日前``, ``每年年末``, ``第三季度``."""
    if found := _YEAR_END_DATE.fullmatch(text):
        return DatePoint(int(found.group(1)), 12, 31)
    if found := _FULL_DATE.fullmatch(text):
        year, month, day = found.groups()
        return _valid_date(int(year), month, day)
    if found := _MONTH_DATE.fullmatch(text):
        month, day = found.groups()
        return _valid_date(None, month, day)
    if _EVERY_YEAR_END.fullmatch(text):
        return DatePoint(None, 12, 31)
    if found := _QUARTER.fullmatch(text):
        return DatePoint(None, _QUARTERS[found.group(1)] * 3, None)
    return None


def _valid_date(year: int | None, month: str | None, day: str | None) -> DatePoint | None:
    """``≤24月`` is a duration, not a month: only calendar months and days make a date."""
    m = int(month) if month else None
    d = int(day) if day else None
    if (m is not None and not 1 <= m <= 12) or (d is not None and not 1 <= d <= 31):
        return None
    return DatePoint(year, m, d)


def _date_number(point: DatePoint) -> tuple[Decimal | None, str]:
    """Month-only and year-only dates also read as numbers, so ``12月`` meets 泸州's ``＜ 12 | 月``."""
    if point.year is None and point.month is not None and point.day is None:
        return Decimal(point.month), "月"
    if point.year is not None and point.month is None:
        return Decimal(point.year), "年"
    return None, ""


def _apply_nature(value: IndValue, nature: str | None) -> IndValue:
    """Let the 指标性质 column set the operator (``定性`` forces text); a 成本 name turns bare targets into ≤."""
    if nature is None or is_blank(nature):
        return value
    word = normalize_text(nature)
    op, rest = _split_operator(word)
    nature_op = _NATURE_WORDS.get(word, op if not rest else "")
    if nature_op == QUAL:
        return value if value.qualitative else _qualitative(value.raw, normalize_text(value.raw), value.notes)
    if nature_op and not value.qualitative:
        notes = value.notes
        if value.op_source == "value" and value.op != nature_op:
            notes = (*notes, "指标值中的运算符与指标性质不一致")
        return replace(value, op=nature_op, op_source="nature", notes=notes)
    if "成本" in word and value.op_source == "implied" and value.date is None and not value.qualitative:
        return replace(value, op=LE)
    return value


# --- completion ---------------------------------------------------------------------------------------


def _scale(unit: str) -> tuple[Decimal, str]:
    """Factor and base unit: ``万人次`` → (10 000, ``人次``); ``万`` alone is 万元 in these tables."""
    for prefix, factor in _SCALES:
        if unit.startswith(prefix):
            return factor, unit[len(prefix):]
    return Decimal(1), unit


def _same_unit(a: str, b: str) -> bool:
    base_a, base_b = _scale(a)[1], _scale(b)[1]
    return not base_a or not base_b or base_a == base_b


def _magnitude(value: IndValue, other: IndValue, number: Decimal | None = None) -> Decimal:
    """The number with 万/亿 folded in; a bare number takes the other cell's unit (泸州 ``9.2 万人次`` / ``9.3``)."""
    factor, _ = _scale(value.unit or other.unit)
    chosen = value.number if number is None else number
    assert chosen is not None
    return chosen * factor


def units_compatible(target: IndValue, actual: IndValue) -> bool:
    """False when both cells are numbers whose units cannot be compared (``=7个`` vs ``100%``).

    A value without a unit takes the other's (泸州 prints bare 完成值), except a bare fraction against a
    percentage target (``0.96`` vs ``≥95%``), which may come from a percent-formatted cell: no guessing.
    """
    if target.number is None or actual.number is None or target.qualitative or actual.qualitative:
        return True
    if target.unit == "%" and not actual.unit and 0 < actual.number <= 1 < target.number:
        return False
    return _same_unit(target.unit, actual.unit)


def completion(
    target: IndValue,
    actual: IndValue,
    *,
    approx_tolerance: Decimal = Decimal("0.05"),
    phrases: QualPhrases = DEFAULT_PHRASES,
) -> str:
    """达成 / 部分达成 / 未达成 / 需判断 / 缺完成值 for one indicator row (perf-scoring.md §3.3).

    Strict ``>``/``<`` count as met at equality and an exceeded ``=`` target counts as met, as the published
    tables score them; ``~=`` is met from ``approx_tolerance`` below the target upwards. What the text does not
    settle (units that do not match, sentences, a bound pointing the other way) is 需判断, never a guess.
    """
    return _judge(target, actual, approx_tolerance, phrases)[0]


def completion_ratio(
    target: IndValue,
    actual: IndValue,
    *,
    approx_tolerance: Decimal = Decimal("0.05"),
    phrases: QualPhrases = DEFAULT_PHRASES,
) -> Decimal | None:
    """完成率, unrounded: actual/target for ≥ > = ≈, target/actual for ≤ <, the nearer bound for a range.

    1 for a met qualitative or date row, 0 for a qualitative 未达成; ``None`` where no ratio exists (a
    qualitative 部分达成, a missed deadline, 需判断, 缺完成值, a zero denominator).
    """
    return _judge(target, actual, approx_tolerance, phrases)[1]


def _judge(
    target: IndValue, actual: IndValue, tolerance: Decimal, phrases: QualPhrases
) -> tuple[str, Decimal | None]:
    """The one decision path behind :func:`completion` and :func:`completion_ratio`."""
    if actual.empty:
        return NO_ACTUAL, None
    if actual.qualitative and not actual.compound:
        state = _qualitative_completion(target, actual, phrases)
        return state, {MET: Decimal(1), NOT_MET: Decimal(0)}.get(state)
    if target.empty or target.compound or actual.compound or target.qualitative or _conflicting_bound(target, actual):
        return JUDGE, None
    if target.date is not None and actual.date is not None:
        state = _date_completion(target.date, actual.date, target.op)
        return state, Decimal(1) if state == MET else None
    if target.number is None or actual.number is None or not units_compatible(target, actual):
        return JUDGE, None
    return _numeric_completion(target, actual, tolerance)


def _conflicting_bound(target: IndValue, actual: IndValue) -> bool:
    """An actual written as a bound in the other direction (``≥ 5 天`` vs ``≤5天``) proves nothing."""
    if actual.op_source != "value":
        return False
    return (target.op in UPWARD and actual.op in DOWNWARD) or (target.op in DOWNWARD and actual.op in UPWARD)


def _qualitative_completion(target: IndValue, actual: IndValue, phrases: QualPhrases) -> str:
    said = _PUNCT.sub("", actual.text)
    expected = _PUNCT.sub("", target.text) if target.qualitative else ""
    if expected and said == expected:
        return MET
    for prefixes, state in ((phrases.not_met, NOT_MET), (phrases.partial, PARTIAL), (phrases.met, MET)):
        if said.startswith(prefixes):
            return state
    return _grade_completion(expected, said) if expected else JUDGE


def _grade_completion(expected: str, said: str) -> str:
    expected = _GRADES[0] if expected == _GRADES else expected
    if len(expected) != 1 or len(said) != 1 or expected not in _GRADES or said not in _GRADES:
        return JUDGE
    if _GRADES.index(said) <= _GRADES.index(expected):
        return MET
    return PARTIAL if said in "良中" else NOT_MET


def _date_completion(target: DatePoint, actual: DatePoint, op: str) -> str:
    with_year = target.year is not None and actual.year is not None
    t_key, a_key = target.key(with_year), actual.key(with_year)
    if op == EQ:
        return MET if a_key == t_key else NOT_MET
    if op in UPWARD:
        return MET if a_key >= t_key else NOT_MET
    return MET if a_key <= t_key else NOT_MET


def _numeric_completion(target: IndValue, actual: IndValue, tolerance: Decimal) -> tuple[str, Decimal | None]:
    t_value, a_value = _magnitude(target, actual), _magnitude(actual, target)
    if target.op in DOWNWARD:
        return (MET if a_value <= t_value else NOT_MET), (t_value / a_value if a_value else None)
    if target.op == BETWEEN:
        upper = _magnitude(target, actual, target.upper)
        if a_value > upper:
            return NOT_MET, upper / a_value
        return (MET if a_value >= t_value else NOT_MET), (a_value / t_value if t_value else None)
    ratio = a_value / t_value if t_value else None
    floor = t_value * (1 - tolerance) if target.op == APPROX else t_value
    return (MET if a_value >= floor else NOT_MET), ratio  # >=, >, = (an exceeded = target reads as >=)
