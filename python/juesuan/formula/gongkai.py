"""The recognised 公开 tables of today (:class:`juesuan.tables.Table`) seen through :class:`FormulaTable`.

``Table`` keeps neither the printed 栏次 nor the header words of its columns, so both are read from the grid
here, once per table, with the recogniser's own header helpers. When recognition keeps them (the layout layer),
this module shrinks to a field-by-field mapping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..numbers import NotANumber
from ..recognise import _is_column_number_row, _path
from ..tables import Line, Table
from .binding import Cell, ColumnInfo, FormulaTable, RowInfo

__all__ = ["GongkaiTable", "formula_tables"]

BLOCKS = {"I": "收入", "E": "支出"}
#: Lines of the frame printed above the header (表号, 部门（单位）：…, 2023年度, 金额单位：万元): not header words.
_FRAME = re.compile(r"单位：|^公开\d+表$|^\d{4}年度$")


class GongkaiTable:
    """A :class:`Table` as a :class:`FormulaTable`: rows are its lines (keyed by their index), columns its
    amount columns on the sheet (keyed by the 0-based sheet column, since 公开01's two 决算数 columns share a
    name)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.kind, self.title, self.decimals, self.exact = table.kind, table.title, table.decimals, table.exact
        order = sorted(range(len(table.lines)), key=lambda i: (list(BLOCKS).index(table.lines[i].side) if table.lines[i].side in BLOCKS else 0, table.lines[i].row))
        self._lines: list[Line] = [table.lines[i] for i in order]
        self._rows = [
            RowInfo(i, line.lineno, line.label, line.code, BLOCKS.get(line.side, "")) for i, line in enumerate(self._lines)
        ]
        self._cells = [{pos[1]: pos for pos in line.cells.values()} for line in self._lines]
        self._columns = self._read_columns()
        self._row_columns = [[self._columns[c] for c in sorted(cells)] for cells in self._cells]

    def _read_columns(self) -> dict[int, ColumnInfo]:
        """栏次 and header words of every amount column, from the header rows above the first data line."""
        grid = self.table.grid
        first = min((line.row for line in self._lines), default=grid.n_rows)
        top = self.table.title_cell[0] + (1 if self.table.title else 0)
        frame = [r for r in range(top, first) if any(_FRAME.search(grid.text(r, c)) for c in range(grid.n_cols))]
        header = range(max(frame, default=top - 1) + 1, first)
        number_rows = [r for r in header if _is_column_number_row(grid, r)]
        out = {}
        for col in sorted({c for cells in self._cells for c in cells}):
            number = None
            for r in number_rows:
                try:
                    value = grid.number(r, col)
                except NotANumber:
                    value = None
                if value is not None and value == value.to_integral_value():
                    number = int(value)
            out[col] = ColumnInfo(col, number, tuple(_path(grid, header, col, 0)))
        return out

    def rows(self) -> Sequence[RowInfo]:
        return self._rows

    def columns(self) -> Sequence[ColumnInfo]:
        return list(self._columns.values())

    def amount_columns(self, row: RowInfo) -> Sequence[ColumnInfo]:
        return self._row_columns[row.key]  # type: ignore[index]

    def cell(self, row: RowInfo, column: ColumnInfo) -> Cell | None:
        pos = self._cells[row.key].get(column.key)  # type: ignore[index, call-overload]
        if pos is None:
            return None
        return Cell(self.table.sheet, pos, self.table.values.get(pos), self._lines[row.key].leaves)  # type: ignore[index]


def formula_tables(tables: Mapping[str, Table]) -> dict[str, FormulaTable]:
    """Every recognised table by kind, ready for formulas."""
    return {kind: GongkaiTable(table) for kind, table in tables.items()}
