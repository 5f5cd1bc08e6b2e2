"""The 审核公式 language: tokens, syntax tree and a recursive-descent parser with positions.

The language follows the official 部门决算 software (juesuan-tables.md §11.1) and names cells through the
recognised tables, never through A1 addresses:

* table ``[公开01]``, ``[公开01表]`` or a title ``[收入支出决算总表]``; omitted: the previous table named;
* rows ``27行`` (printed 行次), ``1至8行`` and ``1至8行、28行`` (each row in turn), ``(1+2+…+8)行`` (their sum),
  ``“合计”行`` (by label; ``“收入/总计”``: the first 总计 in the 收入 block or after the row labelled 收入),
  ``{2080505}行`` (by 科目代码) and ``{类}行`` (every 类/款/项 row);
* column ``7栏`` (printed 栏次) or ``“基本支出”栏`` (header words, ``“决算数/合计”`` for a column below a group);
  omitted: every amount column of the row, column by column; a reference with a column and no row takes the
  row of the formula's first reference to the same table that names one, else every row in turn;
* ``+ − × ÷`` (also ``- * /``), parentheses, numbers, ``= ≠ ≥ ≤ > <`` (also ``== != <> >= <=``), chained
  ``=``, and ``如果 条件，则 公式`` where a condition compares cells (``且``/``或``) or a 封面 attribute
  (``报表小类≠"2"(调整表)``).

Full-width characters are read as their half-width twins; ``；`` ``;`` ``。`` and line breaks separate formulas.
Parsing knows nothing of workbooks: :mod:`juesuan.formula.binding` gives the tree its cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Union

from ..numbers import MAX_DIGITS
from ..textwidth import clip

__all__ = [
    "And",
    "Attribute",
    "BinOp",
    "Column",
    "Compare",
    "Formula",
    "FormulaSyntaxError",
    "Neg",
    "Num",
    "Or",
    "Ref",
    "RowItem",
    "RowPart",
    "RowRange",
    "Rows",
    "parse",
    "parse_many",
]

# --- the syntax tree -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowItem:
    """One row named in a reference: by printed 行次, by label, by 科目代码, or a code level (类/款/项)."""

    kind: Literal["number", "label", "code", "level"]
    value: str | int


@dataclass(frozen=True)
class RowRange:
    """The 行次 ``start`` to ``end`` (both included) between the ends of a range, kept as a pair and never spelt
    out: ``1至8行`` is ``1, RowRange(2, 7), 8`` and ``(1+2+…+8)行`` is ``1, 2, RowRange(3, 7), 8``. A table has
    only some of these 行次 (a blank placeholder line lacks its own), so binding walks the 行次 the table has
    (``1至99999999行`` costs what the table holds, not what was written)."""

    start: int
    end: int


RowPart = Union[RowItem, RowRange]


def _inside(first: int, last: int) -> list[RowRange]:
    """The 行次 strictly between the ends of a range, as one part (none when the ends are neighbours)."""
    return [RowRange(first + 1, last - 1)] if last - first > 1 else []


@dataclass(frozen=True)
class Rows:
    """The rows of a reference: ``one`` row, the ``sum`` of rows (parentheses), or ``each`` row in turn.
    ``parts`` are the rows as written, a range's inside 行次 as one :class:`RowRange`."""

    mode: Literal["one", "sum", "each"]
    parts: tuple[RowPart, ...]


@dataclass(frozen=True)
class Column:
    """A column by printed 栏次 or by header words."""

    kind: Literal["number", "label"]
    value: str | int


@dataclass(frozen=True)
class Ref:
    """A cell reference. ``rows``/``column`` are ``None`` when omitted (see the module docstring); ``start`` is
    the 0-based position in the formula text and ``text`` what was written there (both left out of equality:
    ``２７行`` and ``27行`` are the same reference)."""

    table: str | None
    rows: Rows | None
    column: Column | None
    start: int = field(compare=False)
    text: str = field(compare=False)


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Neg:
    operand: "Expr"


@dataclass(frozen=True)
class BinOp:
    op: Literal["+", "-", "*", "/"]
    left: "Expr"
    right: "Expr"


Expr = Union[Num, Ref, Neg, BinOp]


@dataclass(frozen=True)
class Compare:
    left: Expr
    op: str
    right: Expr


@dataclass(frozen=True)
class Attribute:
    """A condition on a 封面 attribute (``报表小类≠"2"``), which no 公开 workbook carries."""

    name: str
    op: str
    value: str


@dataclass(frozen=True)
class And:
    parts: tuple[Union[Compare, Attribute], ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[And, ...]


@dataclass(frozen=True)
class Formula:
    """``如果 condition，则 terms[0] op terms[1] op …``; a chain uses one operator (only ``=`` may repeat)."""

    text: str
    name: str
    terms: tuple[Expr, ...]
    op: str
    condition: Or | None = None
    refs: tuple[Ref, ...] = field(default=(), compare=False)

    def attributes(self) -> list[str]:
        """The 封面 attributes the condition asks about."""
        if self.condition is None:
            return []
        return [p.name for conj in self.condition.parts for p in conj.parts if isinstance(p, Attribute)]


#: Tokens a formula may have: ten times the longest official formula, and few enough that the parser and the
#: evaluator (which recurse once per operator and parenthesis) stay far inside Python's recursion limit.
MAX_TOKENS = 400

#: Characters of a formula a message quotes (a formula of the official software is a line; a pasted page is not).
QUOTED = 200


class FormulaSyntaxError(ValueError):
    """A formula that does not parse; the message names the formula, the position (1-based) and what was
    expected, in Chinese."""

    def __init__(self, name: str, text: str, position: int, expected: str) -> None:
        self.name, self.text, self.position, self.expected = name, text, position, expected
        where = f"第 {position + 1} 个字符处" if position < len(text) else "末尾"
        super().__init__(f"公式 {name} {where}应为{expected}：{clip(text, QUOTED)}")


# --- tokens --------------------------------------------------------------------------------------------------

#: Full-width and typographic variants, mapped one character to one, so positions stay those of the input.
_WIDTH = str.maketrans(
    "０１２３４５６７８９．＋－×＊÷／（）［］【】｛｝＝＜＞，、；：“”＂「」‘’",
    "0123456789.+-**//()[][]{}=<>,、;:\"\"\"\"\"''",
)
_WIDTH_EXTRA = {"−": "-", "—": "-", "–": "-", "⋯": "…"}
_OPS = {"==": "=", "!=": "≠", "<>": "≠", ">=": "≥", "<=": "≤", "=": "=", "≠": "≠", "≥": "≥", "≤": "≤", ">": ">", "<": "<"}
_KEYWORDS = ("如果", "并且", "或者", "则", "且", "或", "至", "行", "栏")
_LEADING = ("如果", "并且", "或者", "则", "且", "或")
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_KEYWORD_ALIASES = {"并且": "且", "或者": "或"}

Kind = Literal["num", "op", "cmp", "kw", "word", "label", "table", "code", "ellipsis", "end"]


@dataclass(frozen=True)
class Token:
    kind: Kind
    value: str
    start: int
    end: int


def _normalise(text: str) -> str:
    out = text.translate(_WIDTH)
    return "".join(_WIDTH_EXTRA.get(ch, ch) for ch in out)


def tokenize(raw: str, name: str) -> list[Token]:
    """Tokens with their 0-based positions in ``raw``. Bare words are keywords when they are one (``行``) or
    start with one (``且年初预算数``: ``且`` + ``年初预算数``); other words name 封面 attributes."""
    text = _normalise(raw)
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif m := _NUMBER.match(text, i):
            if len(m.group().replace(".", "")) > MAX_DIGITS:  # no amount or factor has so many digits
                raise FormulaSyntaxError(name, raw, i, f"不超过 {MAX_DIGITS} 位的数字")
            tokens.append(Token("num", m.group(), i, m.end()))
            i = m.end()
        elif text.startswith("...", i) or ch == "…":
            end = i + (3 if ch == "." else 1)
            while end < len(text) and text[end] == "…":
                end += 1
            tokens.append(Token("ellipsis", "…", i, end))
            i = end
        elif text[i:i + 2] in _OPS or ch in _OPS:
            op = text[i:i + 2] if text[i:i + 2] in _OPS else ch
            tokens.append(Token("cmp", _OPS[op], i, i + len(op)))
            i += len(op)
        elif ch in "+-*/()、,;:":
            tokens.append(Token("op", ch, i, i + 1))
            i += 1
        elif ch in "\"'[{":
            close, what, kind = {"[": ("]", "“]”", "table"), "{": ("}", "“}”", "code")}.get(ch, ("\"'", "右引号", "label"))
            end = next((j for j in range(i + 1, len(text)) if text[j] in close), -1)
            if end < 0:
                raise FormulaSyntaxError(name, raw, len(raw), f"与第 {i + 1} 个字符配对的{what}")
            tokens.append(Token(kind, raw[i + 1:end].strip() if kind != "code" else text[i + 1:end].strip(), i, end + 1))  # type: ignore[arg-type]
            i = end + 1
        elif m := _WORD.match(text, i):
            word, start = m.group(), i
            i = m.end()
            while word:
                key = word if word in _KEYWORDS else next((k for k in _LEADING if word.startswith(k)), None)
                if key is None:
                    tokens.append(Token("word", word, start, start + len(word)))
                    break
                tokens.append(Token("kw", _KEYWORD_ALIASES.get(key, key), start, start + len(key)))
                word, start = word[len(key):], start + len(key)
        else:
            raise FormulaSyntaxError(name, raw, i, f"运算符、数字、表名或行栏，不能是“{ch}”")
    if len(tokens) > MAX_TOKENS:
        raise FormulaSyntaxError(name, raw, tokens[MAX_TOKENS].start, f"更短的公式（最多 {MAX_TOKENS} 个数字、单元格与运算符）")
    tokens.append(Token("end", "", len(raw), len(raw)))
    return tokens


# --- the parser ----------------------------------------------------------------------------------------------

_ROW_START = "行次（如 27行）、“名称”行、{科目代码}行、(1+2+…+8)行或栏次"
_OPERAND = f"数字或单元格（{_ROW_START}）"
_COMPARE = "比较运算符（= ≠ ≥ ≤ > <）"


class _Parser:
    """One formula. ``table`` is the table in force (the previous one named); it is updated as tables are named,
    so the next formula of a list starts from it."""

    def __init__(self, raw: str, name: str, table: str | None) -> None:
        self.raw, self.name, self.table = raw, name, table
        self.tokens = tokenize(raw, name)
        self.i = 0
        self.refs: list[Ref] = []

    # helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def at(self, kind: str, value: str | None = None) -> bool:
        return self.tok.kind == kind and (value is None or self.tok.value == value)

    def take(self, kind: str, value: str | None = None) -> Token | None:
        if self.at(kind, value):
            tok = self.tok
            self.i += 1
            return tok
        return None

    def expect(self, kind: str, value: str | None, expected: str) -> Token:
        tok = self.take(kind, value)
        if tok is None:
            self.fail(expected)
        assert tok is not None
        return tok

    def fail(self, expected: str, at: Token | None = None) -> None:
        raise FormulaSyntaxError(self.name, self.raw, (at or self.tok).start, expected)

    # grammar
    def formula(self) -> Formula:
        condition = None
        if self.take("kw", "如果"):
            condition = self.condition()
            self.take("op", ",")
            self.expect("kw", "则", "“，则”")
        terms = [self.expr()]
        ops: list[Token] = []
        while self.at("cmp"):
            ops.append(self.tok)
            self.i += 1
            terms.append(self.expr())
        if not ops:
            self.fail(_COMPARE if self.at("end") else f"{_COMPARE}或 + − × ÷")
        if len(ops) > 1 and any(op.value != "=" for op in ops):
            self.fail("“=”（连续比较只能都用“=”）", at=next(op for op in ops if op.value != "="))
        if not self.at("end"):
            self.fail("公式结束（多个公式之间用“；”分隔）")
        return Formula(self.raw.strip(), self.name, tuple(terms), ops[0].value, condition, tuple(self.refs))

    def condition(self) -> Or:
        parts = [self.conjunction()]
        while self.take("kw", "或"):
            parts.append(self.conjunction())
        return Or(tuple(parts))

    def conjunction(self) -> And:
        parts = [self.condition_atom()]
        while self.take("kw", "且"):
            parts.append(self.condition_atom())
        return And(tuple(parts))

    def condition_atom(self) -> Compare | Attribute:
        if self.at("word"):
            name = self.tok.value
            self.i += 1
            op = self.expect("cmp", None, _COMPARE).value
            value = self.take("label") or self.take("num") or self.take("word")
            if value is None:
                self.fail("属性的取值（如 \"2\"）")
            assert value is not None
            if self.at("op", "(") and self.peek().kind == "word" and self.peek(2).kind == "op" and self.peek(2).value == ")":
                self.i += 3  # a comment such as (调整表)
            return Attribute(name, op, value.value)
        left = self.expr()
        op = self.expect("cmp", None, _COMPARE).value
        return Compare(left, op, self.expr())

    def expr(self) -> Expr:
        node = self.product()
        while self.at("op", "+") or self.at("op", "-"):
            op = self.tok.value
            self.i += 1
            node = BinOp("+" if op == "+" else "-", node, self.product())
        return node

    def product(self) -> Expr:
        node = self.unary()
        while self.at("op", "*") or self.at("op", "/"):
            op = self.tok.value
            self.i += 1
            node = BinOp("*" if op == "*" else "/", node, self.unary())
        return node

    def unary(self) -> Expr:
        if self.take("op", "-"):
            return Neg(self.unary())
        if self.take("op", "+"):
            return self.unary()
        return self.operand()

    def operand(self) -> Expr:
        start = self.tok
        table = None
        if self.at("table"):
            table = self.tok.value
            if not table:
                self.fail("表名（如 [公开01]）")
            self.i += 1
        if not table and self.at("op", "("):
            saved = self.i
            try:
                return self.reference(start, table, self.row_sum())
            except FormulaSyntaxError as as_rows:
                self.i = saved + 1
                try:
                    node = self.expr()
                    self.expect("op", ")", "“)”")
                except FormulaSyntaxError as as_group:  # report the reading that got farther
                    raise as_rows if as_rows.position >= as_group.position else as_group from None
                return node
        if not table and self.at("num") and not self.starts_row_or_column():
            self.i += 1
            return Num(Decimal(start.value))
        if self.at("op", "(") or self.at("num") or self.at("label") or self.at("code"):
            rows = self.row_sum() if self.at("op", "(") else None
            return self.reference(start, table, rows)
        self.fail(_OPERAND)
        raise AssertionError  # pragma: no cover

    def starts_row_or_column(self) -> bool:
        nxt = self.peek()
        return nxt.kind == "kw" and nxt.value in ("行", "栏", "至") or nxt.kind == "op" and nxt.value == "、"

    def reference(self, start: Token, table: str | None, rows: Rows | None) -> Ref:
        if rows is None and not self.column_follows():
            rows = self.row_list()
        column = self.column() if self.column_follows() else None
        if rows is None and column is None:
            self.fail(_ROW_START)
        if table is not None:
            self.table = table
        ref = Ref(self.table, rows, column, start.start, self.raw[start.start:self.tokens[self.i - 1].end])
        self.refs.append(ref)
        return ref

    def column_follows(self) -> bool:
        return self.tok.kind in ("num", "label") and self.peek().kind == "kw" and self.peek().value == "栏"

    def column(self) -> Column:
        tok = self.tok
        self.i += 2
        if tok.kind == "num":
            return Column("number", self.whole(tok))
        return Column("label", tok.value)

    def whole(self, tok: Token) -> int:
        if not tok.value.isdigit():
            self.fail("整数的行次或栏次", at=tok)
        return int(tok.value)

    def row_item(self) -> RowItem:
        tok = self.tok
        if tok.kind == "num":
            self.i += 1
            return RowItem("number", self.whole(tok))
        if tok.kind == "label":
            self.i += 1
            if not tok.value:
                self.fail("行的名称", at=tok)
            return RowItem("label", tok.value)
        if tok.kind == "code":
            self.i += 1
            if tok.value in ("类", "款", "项"):
                return RowItem("level", tok.value)
            if not re.fullmatch(r"\d{3}(?:\d{2}){0,2}", tok.value):
                self.fail("科目代码（3、5 或 7 位数字）或 {类}、{款}、{项}", at=tok)
            return RowItem("code", tok.value)
        self.fail(_ROW_START)
        raise AssertionError  # pragma: no cover

    def row_sum(self) -> Rows:
        """``(1+2+…+8)行``: the sum of the rows listed; ``…`` runs between two 行次."""
        self.expect("op", "(", "“(”")
        items: list[RowPart] = [self.row_item()]
        while self.take("op", "+"):
            if self.take("ellipsis"):
                self.expect("op", "+", "“+”")
                last = self.row_item()
                first = items[-1]  # a row item: a range is always followed by its end
                assert isinstance(first, RowItem)
                if first.kind != "number" or last.kind != "number" or not first.value < last.value:  # type: ignore[operator]
                    self.fail("省略号两边为从小到大的行次（如 1+2+…+8）", at=self.tokens[self.i - 1])
                items += [*_inside(int(first.value), int(last.value)), last]
            else:
                items.append(self.row_item())
        self.expect("op", ")", "“+”或“)”")
        self.expect("kw", "行", "“行”")
        return Rows("sum", tuple(items))

    def row_list(self) -> Rows:
        """``27行``, ``1至8行``, ``1至8行、28行`` (each row in turn), ``{类}行`` (every 类 row)."""
        items: list[RowPart] = []
        each = False
        while True:
            item = self.row_item()
            if self.take("kw", "至"):
                last = self.row_item()
                if item.kind != "number" or last.kind != "number" or not item.value < last.value:  # type: ignore[operator]
                    self.fail("“至”两边为从小到大的行次（如 1至8行）", at=self.tokens[self.i - 1])
                items += [item, *_inside(int(item.value), int(last.value)), last]
                each = True
            else:
                items.append(item)
                each = each or item.kind == "level"
            had_row = self.take("kw", "行") is not None
            if self.take("op", "、"):
                each = True
                continue
            if not had_row:
                self.fail("“行”")
            return Rows("each" if each else "one", tuple(items))


def parse(text: str, name: str = "", table: str | None = None) -> Formula:
    """One formula; ``table`` is the table in force when the formula names none."""
    formula, _ = _parse_one(text, name, table)
    return formula


def _parse_one(text: str, name: str, table: str | None) -> tuple[Formula, str | None]:
    if not text.strip():
        raise FormulaSyntaxError(name, text, 0, "公式")
    parser = _Parser(text, name, table)
    return parser.formula(), parser.table


def parse_many(text: str, name: str = "", table: str | None = None) -> tuple[list[Formula], str | None]:
    """Formulas separated by ``；`` ``;`` ``。`` or line breaks (``1.基本平衡公式`` style headings are not
    formulas: see :mod:`juesuan.formula.rulefile`). Each one is named ``name`` (``name-2`` … when there are
    several). Returns the formulas and the table in force after them."""
    pieces = [piece for piece in re.split(r"[;；。\n]", text) if piece.strip()]
    formulas = []
    for n, piece in enumerate(pieces, 1):
        formula, table = _parse_one(piece, name if len(pieces) == 1 or n == 1 else f"{name}-{n}", table)
        formulas.append(formula)
    return formulas, table
