"""The hidden record of marked cells (:data:`~juesuan.plan.MARKS_SHEET`) read back with suspicion.

The record is a sheet of the user's workbook: it can be edited, damaged or forged like any other cell. What it
holds is checked where it is read - the portable columns by :func:`juesuan.plan.read_mark_row`, the 原格式
(each adapter's exact record, as JSON) here: kinds, ranges, well-formed XML of the expected element. A row that
fails is left out, so its cell is not restored, and the user is told how many rows that was
(:func:`unusable_notice`); it never stops 清除标注 or a check of a marked copy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from ..grid import parse_a1
from ..plan import MARKS_SHEET, MarkRecord, read_mark_rows
from .package import MAIN_NS, recorded_element
from .styles import LINEAR, PATH, PATTERNS

__all__ = ["read_records", "unusable_notice", "usable_detail", "usable_interior"]

#: Desktop Excel's XlPattern values: the OOXML patterns, the two gradients and xlPatternAutomatic.
_XL_PATTERNS = frozenset(PATTERNS.values()) | {LINEAR, PATH, -4105}
_UINT = re.compile(r"^[0-9]{1,10}$")
_BOOLEAN = frozenset({"0", "1", "true", "false"})
_MAX_STYLE_INDEX = 2**32 - 1
_MAX_STOPS = 256
_SHAPE_OPEN = re.compile(r"<v:shape\s")


def read_records(rows: Iterable[list[Any]]) -> tuple[list[MarkRecord], int]:
    """The usable records among the rows below the record's header, and how many rows were not usable."""
    records, unusable = read_mark_rows(rows)
    usable = [r for r in records if usable_detail(r)]
    return usable, unusable + len(records) - len(usable)


def unusable_notice(count: int) -> str:
    """What the user is told when ``count`` rows of the record could not be used."""
    return (f"隐藏的标注记录表（{MARKS_SHEET}）中有 {count} 条记录内容有误、无法使用，"
            "相应单元格的原格式和批注未能还原（其余单元格不受影响）")


def usable_detail(record: MarkRecord) -> bool:
    """Whether the 原格式 of a record holds only what an adapter could have written there: each known key
    absent, or of its kind and in range (unknown keys are ignored)."""
    detail = record.detail
    xf = detail.get("xf")
    if xf is not None and (type(xf) is not int or not 0 <= xf <= _MAX_STYLE_INDEX):
        return False
    checks = (("xf_xml", _usable_xf), ("fill_xml", _usable_fill), ("comment_xml", _usable_comment))
    for key, check in checks:
        text = detail.get(key)
        if text is None or text == "":
            continue
        element = recorded_element(text) if isinstance(text, str) else None
        if element is None or not check(element):
            return False
    shape = detail.get("shape")
    if shape not in (None, "") and not (isinstance(shape, str) and _usable_shape(shape, record.cell)):
        return False
    interior = detail.get("interior")
    return interior is None or usable_interior(interior)


def _is(element: etree._Element, name: str) -> bool:
    return isinstance(element.tag, str) and etree.QName(element).localname == name and \
        etree.QName(element).namespace in MAIN_NS


def _usable_xf(xf: etree._Element) -> bool:
    fill_id, apply = xf.get("fillId"), xf.get("applyFill")
    return _is(xf, "xf") and (fill_id is None or _UINT.match(fill_id) is not None) and (apply is None or apply in _BOOLEAN)


def _usable_fill(fill: etree._Element) -> bool:
    """A ``<fill>`` of one pattern or gradient, every element in the main namespace (it joins the style sheet)."""
    if not _is(fill, "fill"):
        return False
    kids = [k for k in fill if isinstance(k.tag, str)]
    if len(kids) != 1 or not (_is(kids[0], "patternFill") or _is(kids[0], "gradientFill")):
        return False
    if any(isinstance(n.tag, str) and etree.QName(n).namespace not in MAIN_NS for n in fill.iter()):
        return False
    kind = kids[0].get("patternType")
    return kind is None or kind in PATTERNS


def _usable_comment(comment: etree._Element) -> bool:
    return _is(comment, "comment")


def _usable_shape(shape: str, cell: str) -> bool:
    """One note's VML shape, for this very cell (shapes are spliced into the drawing as text, never parsed)."""
    if len(_SHAPE_OPEN.findall(shape)) != 1 or shape.count("</v:shape>") != 1 or "xml>" in shape:
        return False
    if not (shape.startswith("<v:shape") and shape.endswith("</v:shape>")) or 'ObjectType="Note"' not in shape:
        return False
    row, col = parse_a1(cell)
    return (re.search(rf"<x:Row>\s*{row}\s*</x:Row>", shape) is not None
            and re.search(rf"<x:Column>\s*{col}\s*</x:Column>", shape) is not None)


def _number(value: Any, low: float, high: float, *, integral: bool = False) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if not math.isfinite(value) or not low <= value <= high:
        return False
    return not integral or float(value).is_integer()


def _optional(value: Any, low: float, high: float, *, integral: bool = False) -> bool:
    return value is None or _number(value, low, high, integral=integral)


def _usable_colour(values: dict[str, Any], prefix: str = "") -> bool:
    return (_optional(values.get(prefix + "ThemeColor"), 1, 255, integral=True)
            and _optional(values.get(prefix + "Color"), 0, 0xFFFFFF, integral=True)
            and _optional(values.get(prefix + "TintAndShade"), -1, 1))


def usable_interior(interior: Any) -> bool:
    """An interior as desktop Excel reports it (see :func:`~juesuan.adapters.styles.interior_of`): a known
    pattern, colours, theme colours and tints in range, a gradient's angle, sides and colour stops."""
    if not isinstance(interior, dict):
        return False
    pattern = interior.get("Pattern")
    if pattern is not None and not (_number(pattern, -(2**31), 2**31 - 1, integral=True)
                                    and int(pattern) in _XL_PATTERNS):
        return False
    if not (_usable_colour(interior) and _usable_colour(interior, "Pattern")):
        return False
    gradient = interior.get("Gradient")
    if gradient is None:
        return True
    if not isinstance(gradient, dict) or not _optional(gradient.get("Degree"), -360, 360):
        return False
    if not all(_optional(gradient.get(f"Rectangle{side}"), 0, 1) for side in ("Left", "Right", "Top", "Bottom")):
        return False
    stops = gradient.get("Stops")
    return (isinstance(stops, list) and len(stops) <= _MAX_STOPS
            and all(isinstance(s, dict) and _optional(s.get("Position"), 0, 1) and _usable_colour(s) for s in stops))
