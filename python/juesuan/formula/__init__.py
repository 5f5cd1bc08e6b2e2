"""审核公式: the official 行/栏 formula language (:mod:`.syntax`), binding to recognised tables (:mod:`.binding`,
:mod:`.gongkai`), evaluation (:mod:`.evaluate`), rules and rule files (:mod:`.rules`, :mod:`.rulefile`)."""

#: A sheet of this name in a workbook holds the unit's own formulas; it is read as a list, not as a table.
FORMULA_SHEET = "审核公式"

__all__ = ["FORMULA_SHEET"]
