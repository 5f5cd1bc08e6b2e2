from juesuan.grid import a1, col_letter, norm_text, parse_a1
from juesuan.plan import rectangles
from juesuan.tolerance import rounding_bound


def test_a1_round_trip():
    for row, col in [(0, 0), (26, 25), (99, 26), (4, 701), (1048575, 16383)]:
        assert parse_a1(a1(row, col)) == (row, col)
    assert col_letter(27) == "AB"
    assert parse_a1("$C$27") == (26, 2)


def test_norm_text_folds_layout_noise():
    assert norm_text("一般公共预算财 政拨款") == "一般公共预算财政拨款"
    assert norm_text("因公出国 (境)费") == "因公出国（境）费"
    assert norm_text("**合计**") == "合计"
    assert norm_text(205.0) == "205"


def test_rectangles_cover_exactly_the_cells():
    cells = {(r, c) for r in range(4, 40) for c in (2, 3)} | {(50, 5), (0, 0), (1, 0)}
    rects = rectangles(cells)
    assert rects == ["A1:A2", "C5:D40", "F51"]


def test_rounding_bound_is_half_a_unit_per_term():
    # juesuan-tables.md §9.1 #16: 0.02 between 公开04 and a 类 of 公开05 with 16 leaf 项 is rounding ...
    assert rounding_bound(1 + 16) >= abs(-0.02)
    # ... while with k = 1 the same gap would look like an error
    assert rounding_bound(1 + 1) < 0.02
    assert rounding_bound(5, exact=True) == 0
