"""Reading workbook files into grids, whatever the file holds: a broken or hostile file becomes one Chinese
sentence (:class:`InputError`, exit code 2), never a traceback, a hang or an exhausted memory.

Every file passes the guard first (:mod:`.guard`: a regular, readable, non-empty file; its kind taken from its
content; a zip package within size and ratio limits). Then .xlsx/.xlsm are read by python-calamine when a scan
of their sheets finds them plain (:mod:`.plain`, the fast road), else streamed by our own sparse reader
(:mod:`.ooxml`); .xls by xlrd (:mod:`.xls`), .xlsb and .ods by python-calamine (:mod:`.native`). A sheet that
cannot be read while the others can comes back as a Grid with ``unreadable`` set, so the rest is still checked.
"""

from __future__ import annotations

from pathlib import Path

from ..grid import Grid
from .guard import SUPPORTED, InputError, check_input

__all__ = ["InputError", "SUPPORTED", "check_input", "read_workbook"]


def read_workbook(path: str | Path) -> list[Grid]:
    """Every worksheet of a workbook as a Grid from A1 (cached values, merged ranges, ragged rows)."""
    path = Path(path)
    kind = check_input(path)
    if kind == "ooxml":
        from .ooxml import read_ooxml
        from .plain import read_plain

        return read_plain(path) or read_ooxml(path)
    if kind == "ole":
        from .xls import read_xls

        return read_xls(path)
    from .native import read_native

    return read_native(path, kind)


def _check_path(path: Path) -> None:
    """The guard alone, for the writers (``adapters``) that open the package themselves."""
    check_input(Path(path))
