"""The worksheet XML of a sheet of juesuan's (``writeResults``): 审核结果 and any other result sheet, or a hidden
record. Visible sheets get the 审核结果 look: bold shaded header, frozen header row with a filter, severity cells
coloured by severity, wrapped long texts, amounts as ``#,##0.00``, a link per row, landscape fit to one page
wide. Columns are sized by their header names, so any header order and any extra column work.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..grid import a1
from ..plan import AMOUNT_HEADERS, COLORS, RESULTS_HEADER, SEVERITY_HEADER, WRAPPED_HEADERS, Action, column_width, text_units
from .own_sheets import quote_sheet
from .package import Package
from .sheet_xml import write_value
from .styles import Styles

__all__ = ["HEADER_FILL", "print_titles", "results_sheet"]

HEADER_FILL = "#D9E1F2"
LINE_HEIGHT = 15  # points per wrapped line
MAX_ROW_HEIGHT = 409  # the tallest row Excel has, in points


def _link_column(action: Action, header: list[Any]) -> int:
    if action.link_column is not None:
        return action.link_column
    return header.index("单元格") if "单元格" in header else RESULTS_HEADER.index("单元格")


def results_sheet(package: Package, styles: Styles, action: Action) -> etree._Element:
    """The worksheet element for ``action`` (header row first in ``action.values``)."""
    q = package.q
    rows = action.values or [[]]
    header = rows[0]
    width = max((len(r) for r in rows), default=0)
    plain = action.hidden
    widths = [column_width(header[c] if c < len(header) else None, (r[c] for r in rows[1:] if c < len(r)))
              for c in range(width)]
    root = etree.Element(q("worksheet"), nsmap={None: package.ns, "r": package.r_ns})
    if not plain:
        etree.SubElement(etree.SubElement(root, q("sheetPr")), q("pageSetUpPr"), fitToPage="1")
    if width:
        etree.SubElement(root, q("dimension"), ref=f"A1:{a1(len(rows) - 1, width - 1)}")
    view = etree.SubElement(etree.SubElement(root, q("sheetViews")), q("sheetView"), workbookViewId="0")
    if not plain and len(rows) > 1:
        etree.SubElement(view, q("pane"), ySplit="1", topLeftCell="A2", activePane="bottomLeft", state="frozen")
        etree.SubElement(view, q("selection"), pane="bottomLeft", activeCell="A2", sqref="A2")
    etree.SubElement(root, q("sheetFormatPr"), defaultRowHeight=str(LINE_HEIGHT))
    if width:
        cols = etree.SubElement(root, q("cols"))
        for c, w in enumerate(widths):
            etree.SubElement(cols, q("col"), min=str(c + 1), max=str(c + 1), width=f"{w:g}", customWidth="1")
    data = etree.SubElement(root, q("sheetData"))
    looks = _looks(styles, header, plain)
    severity = header.index(SEVERITY_HEADER) if SEVERITY_HEADER in header else None
    colours = {s.label: styles.new(colour=colour, wrap=True) for s, colour in COLORS.items()}
    link_col = _link_column(action, header)
    link_style = styles.new(link=True, wrap=True)
    for r, values in enumerate(rows):
        row = etree.SubElement(data, q("row"), r=str(r + 1))
        lines = 1
        for c, value in enumerate(values):
            cell = etree.SubElement(row, q("c"), r=a1(r, c))
            style = looks.get(c, 0) if r else looks["header"]
            if r and not plain and c == severity and value in colours:
                style = colours[value]
            if r and not plain and c == link_col and r - 1 < len(action.links):
                style = link_style
            if style:
                cell.set("s", str(style))
            write_value(cell, value, q, formulas=False)  # our sheets hold texts and numbers, never a formula
            if r and not plain and c < len(header) and header[c] in WRAPPED_HEADERS and value:
                lines = max(lines, -(-text_units(value) // max(int(widths[c]) - 1, 1)))
        if lines > 1:
            row.set("ht", str(min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT)))
            row.set("customHeight", "1")
    if not plain and len(rows) > 1 and width:
        etree.SubElement(root, q("autoFilter"), ref=f"A1:{a1(len(rows) - 1, width - 1)}")
    links = [(r, target) for r, target in enumerate(action.links, 1) if r < len(rows)]
    if links and not plain:
        block = etree.SubElement(root, q("hyperlinks"))
        for r, target in links:
            sheet, _, address = target.rpartition("!")
            shown = rows[r][link_col] if link_col < len(rows[r]) else address
            etree.SubElement(block, q("hyperlink"), ref=a1(r, link_col),
                             location=f"{quote_sheet(sheet)}!{address}", tooltip="转到该单元格",
                             display=str(shown if shown is not None else address))
    etree.SubElement(root, q("pageMargins"), left="0.5", right="0.5", top="0.75", bottom="0.75", header="0.3",
                     footer="0.3")
    if not plain:
        etree.SubElement(root, q("pageSetup"), orientation="landscape", fitToWidth="1", fitToHeight="0")
    return root


def _looks(styles: Styles, header: list[Any], plain: bool) -> dict[Any, int]:
    """Cell format per column index, and ``"header"`` for the header row."""
    if plain:
        return {"header": 0, **{c: 0 for c in range(len(header))}}
    looks: dict[Any, int] = {"header": styles.new(bold=True, colour=HEADER_FILL, wrap=True)}
    for c, name in enumerate(header):
        looks[c] = styles.new(number_format="#,##0.00" if name in AMOUNT_HEADERS else None, wrap=True)
    return looks


def print_titles(sheet: str) -> str:
    """The print-titles value that repeats the header row on every printed page."""
    return f"{quote_sheet(sheet)}!$1:$1"

