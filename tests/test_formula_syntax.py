"""The 审核公式 language: the official examples of juesuan-tables.md §11.1 parse into the tree they mean, variants
of writing read the same, and a formula that does not parse says where and what was expected."""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.formula.syntax import (
    Attribute,
    BinOp,
    Column,
    FormulaSyntaxError,
    Num,
    Ref,
    RowItem,
    RowRange,
    Rows,
    parse,
    parse_many,
)

#: §11.1, as the 2022 财决01 explanation prints it (dashes and equals signs normalised there).
OFFICIAL_BALANCE = (
    "27行=(1+2+…+8)行；31行=(27+28+29)行；58行=(59+60)行；61行≥62行；\n"
    "68行=(69+70+…+78)行；84行=(32+33+…+57)行=(58+61+63+64+65)行；\n"
    "86行7栏=31行1栏−84行7栏；86行8栏=31行2栏−84行8栏；88行=(84+85+86)行；31行=88行。"
)
OFFICIAL_VERIFY = '如果报表小类≠"2"(调整表)，则1至8行、28行、32至85行≥0。'


def rows(ref: Ref) -> list[int | str]:
    """The rows a reference names, a range's inside spelt out."""
    assert ref.rows is not None
    return [n for part in ref.rows.parts
            for n in (range(part.start, part.end + 1) if isinstance(part, RowRange) else [part.value])]


def test_the_official_balance_formulas_parse():
    formulas, table = parse_many(OFFICIAL_BALANCE, "财决01", "财决01表")
    assert [f.name for f in formulas] == ["财决01"] + [f"财决01-{n}" for n in range(2, 11)]
    assert table == "财决01表" and all(r.table == "财决01表" for f in formulas for r in f.refs)
    first = formulas[0]
    assert first.op == "=" and rows(first.terms[0]) == [27] and first.terms[0].rows.mode == "one"
    assert first.terms[1].rows.mode == "sum" and rows(first.terms[1]) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [f.op for f in formulas] == ["=", "=", "=", "≥", "=", "=", "=", "=", "=", "="]
    chained = formulas[5]
    assert len(chained.terms) == 3 and rows(chained.terms[1]) == list(range(32, 58))
    assert rows(chained.terms[2]) == [58, 61, 63, 64, 65]
    cells = formulas[6]
    assert cells.terms[0] == Ref("财决01表", Rows("one", (RowItem("number", 86),)), Column("number", 7), 0, "86行7栏")
    assert isinstance(cells.terms[1], BinOp) and cells.terms[1].op == "-"
    assert [(r.text, r.column.value) for r in cells.refs[1:]] == [("31行1栏", 1), ("84行7栏", 7)]
    assert rows(formulas[-1].terms[1]) == [88]


def test_the_official_verification_formula_parses():
    formula = parse(OFFICIAL_VERIFY.rstrip("。"), "核实1", "财决01表")
    assert formula.attributes() == ["报表小类"]
    assert formula.condition.parts[0].parts == (Attribute("报表小类", "≠", "2"),)
    target = formula.terms[0]
    assert target.rows.mode == "each" and rows(target) == [*range(1, 9), 28, *range(32, 86)]
    assert formula.op == "≥" and formula.terms[1] == Num(Decimal(0))


def test_the_truncated_official_example_is_an_error_at_the_ellipsis():
    text = '如果报表小类≠"2"(调整表)且年初预算数≠0，则……'
    with pytest.raises(FormulaSyntaxError) as caught:
        parse(text, "核实2")
    assert caught.value.position == text.index("…")
    assert str(caught.value).startswith(f"公式 核实2 第 {text.index('…') + 1} 个字符处应为数字或单元格")


def test_full_width_and_ascii_spellings_read_the_same():
    plain = parse("27行=(1+2+…+8)行", "a")
    assert parse("２７行＝（１＋２＋...＋８）行", "a").terms == plain.terms
    assert parse("27行 = ( 1 + 2 + ⋯ + 8 ) 行", "a").terms == plain.terms
    for text, op in [("1行>=2行", "≥"), ("1行<=2行", "≤"), ("1行<>2行", "≠"), ("1行!=2行", "≠"), ("1行==2行", "=")]:
        assert parse(text, "a").op == op
    assert parse('"合计"行=“合计”行', "a").terms[0] == parse('“合计”行=1', "a").terms[0]
    product = parse("1行×2＝3行÷4", "a")
    assert product.terms[0].op == "*" and product.terms[1].op == "/"


def test_rows_and_columns_by_label_code_and_level():
    formula = parse("[公开05]“合计”行“基本支出”栏=[公开06]{301}行+{303}行+({类})行+{类}行+“决算数/合计”栏", "a")
    refs = formula.refs
    assert refs[0] == Ref("公开05", Rows("one", (RowItem("label", "合计"),)), Column("label", "基本支出"), 0,
                          "[公开05]“合计”行“基本支出”栏")
    assert [r.table for r in refs] == ["公开05", "公开06", "公开06", "公开06", "公开06", "公开06"]
    assert refs[1].rows.parts == (RowItem("code", "301"),)
    assert refs[3].rows == Rows("sum", (RowItem("level", "类"),))
    assert refs[4].rows == Rows("each", (RowItem("level", "类"),))
    assert refs[5].rows is None and refs[5].column == Column("label", "决算数/合计")


def test_a_condition_on_cells_with_and_or():
    formula = parse("如果 2行≠0 且 3行>0 或 4行<1，则 1行≥0", "a", "公开01")
    assert [len(conj.parts) for conj in formula.condition.parts] == [2, 1]
    assert formula.attributes() == []


def test_the_table_carries_over_between_formulas():
    formulas, table = parse_many("[公开01]27行=(1+2)行；31行=[公开04]32行。58行=1", "t")
    assert [[r.table for r in f.refs] for f in formulas] == [["公开01", "公开01"], ["公开01", "公开04"], ["公开04"]]
    assert table == "公开04"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("27行=(1+2+…8)行", "公式 B1 第 11 个字符处应为“+”：27行=(1+2+…8)行"),
        ("27行=(1+2+…+8)", "公式 B1 末尾应为“行”：27行=(1+2+…+8)"),
        ("27行=", "公式 B1 末尾应为数字或单元格（行次（如 27行）、“名称”行、{科目代码}行、(1+2+…+8)行或栏次）：27行="),
        ("27行", "公式 B1 末尾应为比较运算符（= ≠ ≥ ≤ > <）：27行"),
        ("“合计行=1", "公式 B1 末尾应为与第 1 个字符配对的右引号：“合计行=1"),
        ("1行=2行>3行", "公式 B1 第 6 个字符处应为“=”（连续比较只能都用“=”）：1行=2行>3行"),
        ("8至1行≥0", "公式 B1 第 3 个字符处应为“至”两边为从小到大的行次（如 1至8行）：8至1行≥0"),
        ("{20}行=1", "公式 B1 第 1 个字符处应为科目代码（3、5 或 7 位数字）或 {类}、{款}、{项}：{20}行=1"),
        ("1行=2行 3行", "公式 B1 第 7 个字符处应为公式结束（多个公式之间用“；”分隔）：1行=2行 3行"),
        ("如果 1行>0 1行=2行", "公式 B1 第 9 个字符处应为“，则”：如果 1行>0 1行=2行"),
        ("1行=2#", "公式 B1 第 5 个字符处应为运算符、数字、表名或行栏，不能是“#”：1行=2#"),
        ("", "公式 B1 末尾应为公式："),
    ],
)
def test_syntax_errors_name_the_formula_the_position_and_what_was_expected(text, message):
    with pytest.raises(FormulaSyntaxError) as caught:
        parse(text, "B1")
    assert str(caught.value) == message


def test_a_number_past_thirty_digits_is_a_syntax_error():
    """No amount or factor has more digits (numbers.MAX_DIGITS); a million-digit factor overflowed Decimal."""
    parse("1行=2行*" + "9" * 30, "B1")
    with pytest.raises(FormulaSyntaxError) as caught:
        parse("1行=2行*" + "9" * 31, "B1")
    assert str(caught.value) == "公式 B1 第 7 个字符处应为不超过 30 位的数字：1行=2行*" + "9" * 31


@pytest.mark.parametrize("make", [lambda n: "1行=2行" + "*1" * n, lambda n: "1行=" + "+".join(["2行"] * n),
                                  lambda n: "1行=" + "(" * n + "2行" + ")" * n])
def test_a_formula_of_more_than_400_tokens_is_a_syntax_error(make):
    """The parser recurses once per operator and parenthesis: 40,000 of them raised RecursionError. A formula
    ten times the official ones still parses; past 400 tokens the message says so and quotes 200 characters."""
    parse(make(130), "B1")
    with pytest.raises(FormulaSyntaxError) as caught:
        parse(make(40_000), "B1")
    message = str(caught.value)
    assert "应为更短的公式（最多 400 个数字、单元格与运算符）" in message and message.endswith("…")
    assert len(message) < 300
