"""The layout layer shared by every table family: a sheet's texts and merges indexed once, header blocks with
each column's label path, 科目代码 columns (whole or split 类 | 款 | 项).

Families recognise their tables by asking this layer, never by walking the grid themselves, so a layout
feature handled here (a deeper header, a merge undone, codes split over columns) is handled for all of them.
"""

from .codes import CodeColumns, CodeComposer, code_columns, code_part, is_code_header
from .header import (
    MAX_HEADER_ROWS,
    HeaderBlock,
    HeaderColumn,
    clean_label,
    header_block,
    header_bottom,
    is_data_row,
    is_note,
    is_number_row,
    is_total_label,
)
from .sheet import Merge, SheetIndex

__all__ = [
    "MAX_HEADER_ROWS",
    "CodeColumns",
    "CodeComposer",
    "HeaderBlock",
    "HeaderColumn",
    "Merge",
    "SheetIndex",
    "clean_label",
    "code_columns",
    "code_part",
    "header_block",
    "header_bottom",
    "is_code_header",
    "is_data_row",
    "is_note",
    "is_number_row",
    "is_total_label",
]
