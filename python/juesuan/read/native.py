"""Reading .xlsb and .ods into grids with python-calamine, after checks that keep its dense read bounded.

calamine turns each sheet into a dense rectangle from its first to its last cell. For these two formats no
streaming reader of ours exists, so the package is decompressed once beforehand (every part within its
declared size and CRC: nothing larger than declared reaches calamine) and a rectangle too large for the memory
budget is refused for that sheet instead of being converted.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..grid import Grid, normalise_value
from .guard import InputError, open_package
from .ooxml import MAX_UNITS

__all__ = ["read_native"]

SUFFIX = {"xlsb": ".xlsb", "ods": ".ods"}


def _verify(path: Path) -> None:
    """Decompress every part once, in chunks: a part that is larger than declared or fails its CRC is refused."""
    with open_package(path) as archive:
        try:
            for info in archive.infolist():
                with archive.open(info) as fh:
                    while fh.read(1 << 20):
                        pass
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise InputError(f"工作簿的压缩数据损坏，无法读取：{path.name}") from None


def _cell(value: object) -> object:
    if type(value) is str:
        return normalise_value(value)
    if type(value) is float and value - value != 0:  # inf or NaN: its text, which no reader takes for an amount
        return str(value)
    return value


def read_native(path: Path, kind: str) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() != SUFFIX[kind]:
        raise InputError(f"文件扩展名是“{path.suffix}”，但内容是 {SUFFIX[kind]} 工作簿：请改正扩展名后再试：{path.name}")
    _verify(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises several error types for broken files; their text may quote the file
        raise InputError(f"无法读取工作簿（文件损坏或不是 Excel 文件）：{path.name}") from None
    grids = []
    budget = MAX_UNITS
    try:
        for meta in book.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                end = sheet.end or (0, 0)
                budget -= (end[0] + 1) * (end[1] + 1)
                if budget < 0:
                    grids.append(Grid(meta.name, [], unreadable="无法读取：单元格分布的范围过大（相距极远的单元格）"))
                    continue
                rows = [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
                merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
            except Exception:
                grids.append(Grid(meta.name, [], unreadable="无法读取：工作表数据损坏（文件损坏）"))
                continue
            for line in rows:
                while line and line[-1] is None:
                    line.pop()
            while rows and not rows[-1]:
                rows.pop()
            grids.append(Grid(meta.name, rows, merged))
    finally:
        book.close()
    return grids
