from decimal import Decimal

import pytest

from juesuan.numbers import NotANumber, count, has_places, is_blank, money, parse_number, round_down, round_half_up


@pytest.mark.parametrize(
    "raw, expected",
    [
        (51368.15, Decimal("51368.15")),
        (0.1 + 0.2, Decimal("0.30000000000000004")),
        (7, Decimal(7)),
        ("51,368.15", Decimal("51368.15")),
        ("５１，３６８．１５", Decimal("51368.15")),
        (" 1 234.5 ", Decimal("1234.5")),
        ("2344.51万元", Decimal("2344.51")),
        ("0元", Decimal(0)),
        ("-12.50", Decimal("-12.50")),
        ("95.52%", Decimal("95.52")),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_longest_and_largest_accepted_text_number():
    """At most MAX_DIGITS (30) digits, and below HUGE (10^18)."""
    assert parse_number("1" * 17 + "." + "1" * 13) == Decimal("1" * 17 + "." + "1" * 13)
    assert parse_number("123,456,789,012,345,678.901234567890") == Decimal("123456789012345678.90123456789")
    assert parse_number("-999,999,999,999,999,999.99") == Decimal("-999999999999999999.99")


def test_percent_divides_only_when_asked():
    assert parse_number("95.52%", percent=True) == Decimal("0.9552")


@pytest.mark.parametrize("raw", [None, "", "—", "——", "-", "/", "  ", "－"])
def test_blanks(raw):
    assert is_blank(raw)
    assert parse_number(raw) is None


@pytest.mark.parametrize("raw", [
    "待定", "1.2.3", "12,34", True, float("nan"), "+",
    # no infinity, NaN or exponent reaches an amount, whatever type the reader gave (issue #9 §15)
    float("inf"), float("-inf"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("NaN"), "inf", "NaN", "Infinity",
    "1e309", "-1e309", "1E5",
    # past any amount (HUGE): a corrupt cell, whatever its type
    "1" + "0" * 18, "-9" * 1 + "9" * 29, 1e18, -1e300, 10**18, Decimal("1e18"),
    "1" * 31, "9" * 2_000_000,  # more digits than any amount: not a number, and no work in proportion to it
])
def test_not_a_number(raw):
    """Each is reported as not a number (V02) at its cell and counted as nothing."""
    with pytest.raises(NotANumber):
        parse_number(raw)


@pytest.mark.parametrize("value, places, expected", [("2.675", 2, "2.68"), ("0.125", 2, "0.13"), ("82.0778", 2, "82.08"), ("97.0037", 0, "97"), ("-0.5", 0, "-1")])
def test_round_half_up_like_excel(value, places, expected):
    assert round_half_up(Decimal(value), places) == Decimal(expected)


@pytest.mark.parametrize("text, expected", [
    ("0", 0), ("12", 12), ("999999999", 999999999), ("1234567890", None), ("9" * 5000, None),
    ("²", None), ("１２", None), ("-1", None), ("", None), (None, None), ("1.0", None),
])
def test_count_takes_only_short_ascii_digits(text, expected):
    """``str.isdigit`` alone lets ``²`` and 5,000-digit strings through to ``int``, which raises on both."""
    assert count(text) == expected


def test_rounding_works_at_any_magnitude_and_any_places():
    """Rounding needs more than Decimal's 28 digits for a cell of 1e300 (303 digits at cents) or a quote with 40
    decimals; places past MAX_PLACES are not kept (no figure has them)."""
    assert round_half_up(Decimal("1e300"), 2) == Decimal("1e300")
    assert round_half_up(Decimal("9" * 30 + ".995"), 2) == Decimal("1" + "0" * 30)
    assert round_half_up(Decimal("99.5"), 40) == Decimal("99.5")
    assert round_half_up(Decimal("0.1234"), 10_000) == Decimal("0.1234")
    assert round_down(Decimal("9.976"), 1) == Decimal("9.9") and round_down(Decimal("-9.82"), 0) == Decimal("-9")
    assert has_places(Decimal("1.50"), 2) and has_places(Decimal("1e300"), 2) and not has_places(Decimal("1.505"), 2)


def test_money_prints_amounts_and_what_is_no_amount():
    assert money(Decimal("51368.1")) == "51,368.10"
    assert money(Decimal("0.125")) == "0.125"
    assert money(Decimal("-1e300")) == "-1.000000E+300"
