"""The nine 部门决算公开表 (公开01–09): recognition on top of the layout layer and the columnar tables the rules
read. The rules themselves are in :mod:`juesuan.rules`."""

from .recognise import NotATable, recognise, recognise_sheet, title_kind
from .tables import CLASS_CODES, TABLE_NAMES, Block, Line, Table

__all__ = ["CLASS_CODES", "TABLE_NAMES", "Block", "Line", "NotATable", "Table", "recognise", "recognise_sheet", "title_kind"]
