"""What recognition asks of a sheet, answered from an index built once: normalised cell texts per row (only for
the rows asked about) and merged areas by cell.

Both table families read headers through this index instead of walking the grid cell by cell, so their cost
is linear in the cells actually present: a stray cell at column XFD or a merge over A30:XFD1048576 costs no
more than a normal one.
"""

from __future__ import annotations

from ..grid import Grid, norm_text

__all__ = ["Merge", "SheetIndex"]

Merge = tuple[int, int, int, int]  # first_row, first_col, last_row, last_col (0-based, inclusive)

#: Merges covering more cells than this are not expanded into the per-cell index but checked one by one
#: (there are few of them, and expanding one over a whole sheet would cost gigabytes).
_EXPAND_LIMIT = 4096


class SheetIndex:
    """Normalised texts and merges of one grid.

    ``texts(r)`` maps each non-empty cell of row ``r`` to its text as :func:`~juesuan.grid.norm_text` gives
    it (no spaces, full-width brackets; numbers as their digits), computed on first use. ``merge_at(r, c)``
    is the merged area covering a cell; ``header_text(r, c)`` is what a header shows there: the merge's text
    in every cell it covers.
    """

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self._texts: dict[int, dict[int, str]] = {}
        self._covered: dict[tuple[int, int], Merge] = {}
        self._large: list[Merge] = []
        self._by_row: dict[int, list[Merge]] = {}
        for merge in grid.merged:
            r1, c1, r2, c2 = merge
            self._by_row.setdefault(r1, []).append(merge)
            if (r2 - r1 + 1) * (c2 - c1 + 1) > _EXPAND_LIMIT:
                self._large.append(merge)
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._covered[(r, c)] = merge

    @property
    def n_rows(self) -> int:
        return self.grid.n_rows

    def texts(self, row: int) -> dict[int, str]:
        found = self._texts.get(row)
        if found is None:
            line = self.grid.values[row] if 0 <= row < self.grid.n_rows else ()
            found = {c: t for c, v in enumerate(line) if v is not None and (t := norm_text(v))}
            self._texts[row] = found
        return found

    def text(self, row: int, col: int) -> str:
        return self.texts(row).get(col, "")

    def merge_at(self, row: int, col: int) -> Merge | None:
        merge = self._covered.get((row, col))
        if merge is None and self._large:
            merge = next((m for m in self._large if m[0] <= row <= m[2] and m[1] <= col <= m[3]), None)
        return merge

    def origin(self, row: int, col: int) -> tuple[int, int]:
        merge = self.merge_at(row, col)
        return (merge[0], merge[1]) if merge else (row, col)

    def header_text(self, row: int, col: int) -> str:
        """The text a reader sees in a cell of a header: a merged area's value shows in each of its cells."""
        return self.text(*self.origin(row, col))

    def merges_from(self, row: int) -> list[Merge]:
        """Merged areas whose top row is ``row``."""
        return self._by_row.get(row, [])

    def blank(self, row: int) -> bool:
        return not self.texts(row)

    def first_text(self, row: int) -> str:
        texts = self.texts(row)
        return texts[min(texts)] if texts else ""
