"""Fuzzing the readers and the command line with mutated sample workbooks (issue #9 §13).

A case is a pair (seed, index). A random generator seeded with both picks one of the sample workbooks in
``workbooks/samples/``, applies one to three mutations to it and runs the command line on the result:
``juesuan check`` with a JSON report always, and on some cases ``check --out``, ``clear`` and (on 绩效 samples)
``fill``. Mutations work at three levels:

- the zip package: parts dropped, duplicated or replaced by garbage; then on the written file, truncation,
  flipped bytes, a part whose declared size lies, a compound-file header in front;
- the XML of a part: elements deleted or duplicated, wrong cell types, absurd references and dimensions,
  style and shared-string indexes out of range, text cut short, a DOCTYPE with an external entity (XXE), rows
  and cells spelled in valid XML that Excel does not write (a namespace prefix, a newline before the reference);
- the cells of a sheet: numbers as text, error values (``#SPILL!`` …), huge strings, random merges (up to
  A30:XFD1048576), formulas without cached values, ``inf``/``NaN``/``1e309``, a cell at XFD1048576.

Every command runs in a child process forked from a worker that has imported juesuan already (so a case costs
its work, not an interpreter start), with a timeout and an address-space cap, and must: exit 0, 1 or 2; print
no traceback; say why in one ``juesuan：`` line when it exits 2; finish within the timeout and the RSS limit;
leave the input byte for byte as it was; leave no temporary file; write only outputs that open (workbooks in
openpyxl, reports as JSON); never show the content of the file an XXE entity points at. A failing case keeps
its mutated file and prints the command that runs it again.

Usage: ``python -m workbooks.fuzz [--cases N] [--seed S] [--case I] [--jobs J] [--keep DIR] [--check-only]``
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from lxml import etree

__all__ = ["CaseResult", "MUTATIONS", "RESPELLINGS", "Run", "fuzz", "mutate", "respell", "rewrite_package", "run_case",
           "run_forked", "wait_for"]

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "workbooks" / "samples").glob("*.xlsx"))
DEFAULT_SEED = 20240609
TIMEOUT = 20.0  # seconds per command: the limit for any single workbook (issue #9 §12)
RSS_LIMIT_MB = 768
ADDRESS_LIMIT = 3 * 1024**3  # a safety cap on virtual memory, well above what 768 MiB of RSS needs
SECRET = "JUESUAN-XXE-SENTINEL-7f3a"  # the content of the file an XXE entity points at: must never be shown

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEET = re.compile(r"xl/worksheets/sheet\d+\.xml$")
Parts = list[tuple[str, bytes]]


# --- the zip package ------------------------------------------------------------------------------------------


def read_package(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_package(parts: Parts) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicated names are one of the mutations
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts:
                archive.writestr(name, data)
    return buffer.getvalue()


def rewrite_package(src: Path, dst: Path, change: dict[str, Callable[[bytes], bytes]] | None = None,
                    drop: Sequence[str] = ()) -> Path:
    """A copy of a workbook package with some parts changed or left out (for tests that build one bad file)."""
    parts = [(n, (change or {}).get(n, lambda d: d)(d)) for n, d in read_package(src.read_bytes()) if n not in drop]
    dst.write_bytes(write_package(parts))
    return dst


def _sheets(parts: Parts) -> list[int]:
    return [i for i, (name, _) in enumerate(parts) if _SHEET.match(name)]


def _xml_parts(parts: Parts) -> list[int]:
    return [i for i, (name, _) in enumerate(parts) if name.endswith((".xml", ".rels"))]


# --- mutations --------------------------------------------------------------------------------------------------

Mutation = Callable[[Parts, random.Random], str]


def _drop_part(parts: Parts, rng: random.Random) -> str:
    name, _ = parts.pop(rng.randrange(len(parts)))
    return f"drop {name}"


def _duplicate_part(parts: Parts, rng: random.Random) -> str:
    name, data = parts[rng.randrange(len(parts))]
    if rng.random() < 0.5:
        data = data[: len(data) // 2]
    parts.insert(rng.randrange(len(parts) + 1), (name, data))
    return f"duplicate {name}"


def _garbage_part(parts: Parts, rng: random.Random) -> str:
    i = rng.randrange(len(parts))
    parts[i] = (parts[i][0], rng.randbytes(rng.randrange(1, 4096)))
    return f"garbage {parts[i][0]}"


def _edit_xml(parts: Parts, rng: random.Random, edit: Callable[[etree._Element, random.Random], str],
              sheets_only: bool = True, prolog: bytes = b"") -> str:
    """Parse a (sheet) part, let ``edit`` change the tree, write it back (after ``prolog``, e.g. a DTD, when
    one is given); parts that no longer parse are left as they are."""
    choices = _sheets(parts) if sheets_only else _xml_parts(parts)
    if not choices:
        return "no part to edit"
    i = rng.choice(choices)
    name, data = parts[i]
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError:
        return f"{name} does not parse"
    what = edit(root, rng)
    if prolog:
        data = b'<?xml version="1.0" encoding="UTF-8"?>' + prolog + etree.tostring(root, encoding="UTF-8")
    else:
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts[i] = (name, data)
    return f"{what} in {name}"


def _elements(root: etree._Element, local: str | None = None) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and (local is None or etree.QName(e).localname == local)]


def _cells(root: etree._Element) -> list[etree._Element]:
    return _elements(root, "c")


def _sample(items: list, rng: random.Random, most: int = 5) -> list:
    return rng.sample(items, min(len(items), rng.randint(1, most))) if items else []


def _delete_element(root: etree._Element, rng: random.Random) -> str:
    victims = [e for e in _sample(_elements(root)[1:], rng) if e.getparent() is not None]
    for e in victims:
        if e.getparent() is not None:
            e.getparent().remove(e)
    return f"deleted {len(victims)} elements"


def _duplicate_element(root: etree._Element, rng: random.Random) -> str:
    chosen = [e for e in _sample(_elements(root)[1:], rng) if e.getparent() is not None]
    for e in chosen:
        e.addnext(etree.fromstring(etree.tostring(e)))
    return f"duplicated {len(chosen)} elements"


def _cell_type(root: etree._Element, rng: random.Random) -> str:
    cells = _sample(_cells(root), rng, 20)
    for c in cells:
        c.set("t", rng.choice(["s", "n", "b", "e", "str", "inlineStr", "d", "x", ""]))
    return f"types of {len(cells)} cells"


ABSURD_REFS = ["XFD1048576", "A0", "ZZZZ1", "A", "1", "", "A99999999", "XFE1", "$A$1", "a1", "A1:B2", "-1", "Ａ1"]


def _absurd_ref(root: etree._Element, rng: random.Random) -> str:
    targets = _sample(_cells(root), rng, 3) + _sample(_elements(root, "dimension") + _elements(root, "mergeCell"), rng, 2)
    for e in targets:
        e.set("ref" if etree.QName(e).localname != "c" else "r", rng.choice(ABSURD_REFS))
    rows = _sample(_elements(root, "row"), rng, 2)
    for row in rows:
        row.set("r", rng.choice(["0", "-5", "1048577", "abc", "99999999999"]))
    return f"absurd references on {len(targets) + len(rows)} elements"


def _style_index(root: etree._Element, rng: random.Random) -> str:
    cells = _sample(_cells(root), rng, 20)
    for c in cells:
        c.set("s", rng.choice(["99999", "-1", "abc", "4294967296"]))
    return f"style index of {len(cells)} cells"


def _string_index(root: etree._Element, rng: random.Random) -> str:
    cells = _sample(_cells(root), rng, 10)
    for c in cells:
        for v in list(c):
            c.remove(v)
        c.set("t", "s")
        etree.SubElement(c, f"{{{MAIN}}}v").text = rng.choice(["999999", "-1", "1.5", "", "x"])
    return f"shared-string index of {len(cells)} cells"


def _set_value(cell: etree._Element, kind: str | None, text: str) -> None:
    for child in list(cell):
        cell.remove(child)
    if kind is None:
        cell.attrib.pop("t", None)
    else:
        cell.set("t", kind)
    if kind == "inlineStr":
        etree.SubElement(etree.SubElement(cell, f"{{{MAIN}}}is"), f"{{{MAIN}}}t").text = text
    else:
        etree.SubElement(cell, f"{{{MAIN}}}v").text = text


def _text_numbers(root: etree._Element, rng: random.Random) -> str:
    cells = _sample(_cells(root), rng, 20)
    for c in cells:
        _set_value(c, "inlineStr", rng.choice(["1,234.50", "１２３．４", " 12 ", "12%", "1e309", "—", "待定", "-0", "1.2.3"]))
    return f"{len(cells)} numbers as text"


def _error_values(root: etree._Element, rng: random.Random) -> str:
    cells = _sample(_cells(root), rng, 10)
    for c in cells:
        _set_value(c, "e", rng.choice(["#SPILL!", "#CALC!", "#N/A", "#BLOCKED!", "#DIV/0!", "#FIELD!", "#WHATEVER"]))
    return f"{len(cells)} error values"


def _huge_string(root: etree._Element, rng: random.Random) -> str:
    cells = _sample(_cells(root), rng, 2)
    for c in cells:
        _set_value(c, "inlineStr", rng.choice("收入支出决算0123456789") * rng.choice([40_000, 300_000, 2_000_000]))
    return f"{len(cells)} huge strings"


def _random_merges(root: etree._Element, rng: random.Random) -> str:
    data = next(iter(_elements(root, "sheetData")), None)
    if data is None:
        return "no sheetData"
    merges = next(iter(_elements(root, "mergeCells")), None)
    if merges is None:
        merges = etree.Element(f"{{{MAIN}}}mergeCells")
        data.addnext(merges)
    refs = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.2:
            refs.append(rng.choice(["A30:XFD1048576", "A1:XFD1048576", "B2:B1048576", "A1:A1"]))
        else:
            r, c = rng.randint(1, 60), rng.randint(1, 12)
            refs.append(f"{_letters(c)}{r}:{_letters(c + rng.randint(0, 4))}{r + rng.randint(0, 6)}")
    for ref in refs:
        etree.SubElement(merges, f"{{{MAIN}}}mergeCell", ref=ref)
    return f"merges {', '.join(refs)}"


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _uncached_formulas(root: etree._Element, rng: random.Random) -> str:
    cells = _sample([c for c in _cells(root) if c.get("t") in (None, "n")], rng, 15)
    for c in cells:
        for child in list(c):
            c.remove(child)
        c.attrib.pop("t", None)
        etree.SubElement(c, f"{{{MAIN}}}f").text = "SUM(A1:A2)"
    return f"{len(cells)} formulas without values"


def _non_finite(root: etree._Element, rng: random.Random) -> str:
    cells = _sample(_cells(root), rng, 5)
    for c in cells:
        _set_value(c, None, rng.choice(["inf", "-inf", "NaN", "1e309", "-1e309", "1e-400", "0x10", ""]))
    return f"{len(cells)} non-finite numbers"


def _far_cell(root: etree._Element, rng: random.Random) -> str:
    data = next(iter(_elements(root, "sheetData")), None)
    if data is None:
        return "no sheetData"
    ref = rng.choice(["XFD1048576", "A1048576", "XFD1", "AAA500000"])
    row = etree.SubElement(data, f"{{{MAIN}}}row", r=re.sub(r"^[A-Z]+", "", ref))
    _set_value(etree.SubElement(row, f"{{{MAIN}}}c", r=ref), None, "1")
    return f"far cell {ref}"


def _wrong_dimension(root: etree._Element, rng: random.Random) -> str:
    for e in _elements(root, "dimension"):
        e.set("ref", rng.choice(["A1:XFD1048576", "A1", "ZZ:ZZ", "A1:A1048576"]))
    return "declared dimension"


def _truncate_xml(parts: Parts, rng: random.Random) -> str:
    i = rng.choice(_xml_parts(parts) or [0])
    name, data = parts[i]
    parts[i] = (name, data[: rng.randrange(len(data) + 1)])
    return f"cut {name}"


def _doctype(parts: Parts, rng: random.Random) -> str:
    """An XXE attempt: a DTD whose external entity names the sentinel file, referenced in a cell."""
    def reference(root: etree._Element, rng: random.Random) -> str:
        cells = _cells(root)
        if cells:
            cell = rng.choice(cells)
            _set_value(cell, "inlineStr", "")
            cell[0][0].append(etree.Entity("xxe"))
        return "DOCTYPE with an external entity"

    return _edit_xml(parts, rng, reference, prolog=b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://@SECRET@">]>')


#: The ways :func:`respell` writes rows and cells.
RESPELLINGS = ("prefix", "newline", "order", "character")


def respell(data: bytes, how: str, pick: Callable[[], bool] = lambda: True) -> bytes:
    """A sheet part with its rows and cells in valid XML that Excel does not write: under a namespace prefix
    (all of them), or - for the tags ``pick`` chooses - with a newline before the reference, the reference after
    the other attributes, a character reference in it. A reader that looks for Excel's spelling misses them (a
    far cell spelled so once aborted the process); read properly, the sheet is the same."""
    if how == "prefix":
        data = re.sub(rb"<(/?)(row|c|v|f|is|t)(?=[\s/>])", lambda m: b"<" + m[1] + b"x:" + m[2], data)
        return re.sub(rb"<worksheet\b", b'<worksheet xmlns:x="' + MAIN.encode() + b'"', data, count=1)
    if how == "newline":
        return re.sub(rb'<(c|row) r="', lambda m: b"<" + m[1] + (b"\n\tr=" if pick() else b" r=") + b'"', data)
    if how == "order":
        return re.sub(rb'<c (r="[^"]*")((?: [a-z]+="[^"]*")+)', lambda m: b"<c" + m[2] + b" " + m[1] if pick() else m[0], data)
    return re.sub(rb'<c r="([A-Z])', lambda m: b'<c r="&#%d;' % m[1][0] if pick() else m[0], data)


def _respell(parts: Parts, rng: random.Random) -> str:
    choices = _sheets(parts)
    if not choices:
        return "no sheet to respell"
    i = rng.choice(choices)
    how = rng.choice(RESPELLINGS)
    parts[i] = (parts[i][0], respell(parts[i][1], how, lambda: rng.random() < 0.5))
    return f"respelled ({how}) {parts[i][0]}"


def _sheet_edit(edit: Callable[[etree._Element, random.Random], str]) -> Mutation:
    return lambda parts, rng: _edit_xml(parts, rng, edit)


def _any_xml_edit(edit: Callable[[etree._Element, random.Random], str]) -> Mutation:
    return lambda parts, rng: _edit_xml(parts, rng, edit, sheets_only=False)


#: Mutations of the package's parts, by name (the names appear in each case's description).
MUTATIONS: dict[str, Mutation] = {
    "drop_part": _drop_part,
    "duplicate_part": _duplicate_part,
    "garbage_part": _garbage_part,
    "delete_element": _any_xml_edit(_delete_element),
    "duplicate_element": _any_xml_edit(_duplicate_element),
    "cell_type": _sheet_edit(_cell_type),
    "absurd_ref": _sheet_edit(_absurd_ref),
    "style_index": _sheet_edit(_style_index),
    "string_index": _sheet_edit(_string_index),
    "truncate_xml": _truncate_xml,
    "doctype": _doctype,
    "text_numbers": _sheet_edit(_text_numbers),
    "error_values": _sheet_edit(_error_values),
    "huge_string": _sheet_edit(_huge_string),
    "random_merges": _sheet_edit(_random_merges),
    "uncached_formulas": _sheet_edit(_uncached_formulas),
    "non_finite": _sheet_edit(_non_finite),
    "far_cell": _sheet_edit(_far_cell),
    "wrong_dimension": _sheet_edit(_wrong_dimension),
    "respell": _respell,
}


def _truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    cut = rng.randrange(len(data))
    return data[:cut], f"truncated at {cut}"


def _flip_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    buffer = bytearray(data)
    spots = [rng.randrange(len(buffer)) for _ in range(rng.randint(1, 20))]
    for spot in spots:
        buffer[spot] ^= 1 << rng.randrange(8)
    return bytes(buffer), f"flipped bytes at {spots[:5]}"


def _lie_about_size(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Change the sizes a central directory entry declares (smaller or larger than the part really is)."""
    entries = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not entries:
        return data, "no central directory"
    at = rng.choice(entries)
    size = rng.choice([1, 100, 2**31, 2**32 - 1])
    buffer = bytearray(data)
    struct.pack_into("<I", buffer, at + 24, size)  # uncompressed size
    if rng.random() < 0.5:
        struct.pack_into("<I", buffer, at + 20, rng.choice([1, 2**31]))  # compressed size
    return bytes(buffer), f"declared size {size} at {at}"


def _ole_header(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    return (header + data[8:] if rng.random() < 0.5 else header + data), "compound-file header"


BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], tuple[bytes, str]]] = {
    "truncate": _truncate,
    "flip_bytes": _flip_bytes,
    "lie_about_size": _lie_about_size,
    "ole_header": _ole_header,
}


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """One to three mutations of a workbook's bytes; returns the new bytes and what was done."""
    parts = read_package(data)
    done = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.2:
            data, what = rng.choice(list(BYTE_MUTATIONS.items()))[1](write_package(parts), rng)
            return data, [*done, what]
        name, mutation = rng.choice(list(MUTATIONS.items()))
        if parts:
            done.append(f"{name}: {mutation(parts, rng)}")
    return write_package(parts), done


# --- running a command in a child -------------------------------------------------------------------------------


@dataclass
class Run:
    """One command of a case: what ran, how it ended, how long and how large it was."""

    argv: list[str]
    code: int | None  # exit code; None if it was killed at the timeout; negative: ended by that signal
    seconds: float
    cpu: float
    rss_mb: float
    stdout: str
    stderr: str


def run_forked(target: Callable[[list[str]], int], argv: list[str], workdir: Path, timeout: float = TIMEOUT) -> Run:
    """``target(argv)`` in a forked child, as the command line would run it: its own stdout/stderr, temporary
    files in ``workdir/tmp``, an address-space cap; an exception prints a traceback and exits 1, as Python does.
    The parent waits at most ``timeout`` seconds and kills it after that."""
    out, err = workdir / "stdout.txt", workdir / "stderr.txt"
    (workdir / "tmp").mkdir(exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))
            for fd, path in ((1, out), (2, err)):
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(handle, fd)
                os.close(handle)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            tempfile.tempdir = str(workdir / "tmp")
            try:
                code = int(target(argv) or 0)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    code, seconds, cpu, rss = wait_for(pid, start, timeout)
    read = lambda p: p.read_text(encoding="utf-8", errors="replace") if p.exists() else ""  # noqa: E731
    return Run(argv, code, seconds, cpu, rss, read(out), read(err))


def wait_for(pid: int, start: float, timeout: float) -> tuple[int | None, float, float, float]:
    """Exit code (None if killed at the timeout, negative if ended by a signal), seconds, CPU seconds and peak
    RSS in MiB of a child process, which is killed once ``timeout`` seconds have passed since ``start``."""
    killed = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            killed = True
            break
        time.sleep(0.005)
    code = None if killed else os.waitstatus_to_exitcode(status)
    return code, time.monotonic() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _cli(argv: list[str]) -> int:
    from juesuan.cli import main

    return main(argv)


def _opens(argv: list[str]) -> int:
    """Exit 0 when the workbook opens in openpyxl (in a child: a broken output must not stop the run)."""
    from openpyxl import load_workbook

    load_workbook(argv[0]).close()
    return 0


# --- one case -----------------------------------------------------------------------------------------------------


@dataclass
class CaseResult:
    """What one case did and what went wrong (``problems`` is empty for a case that passed)."""

    seed: int
    index: int
    sample: str
    mutations: list[str]
    writes: bool = True
    runs: list[Run] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    kept: str | None = None

    @property
    def repro(self) -> str:
        return f"python -m workbooks.fuzz --seed {self.seed} --case {self.index}" + ("" if self.writes else " --check-only")


def _commands(rng: random.Random, src: Path, perf: bool, writes: bool) -> list[tuple[list[str], list[Path]]]:
    """The commands of a case with the outputs each may write; without ``writes``, only the check with its
    JSON report (the choices are drawn all the same, so a case is the same file either way)."""
    folder = src.parent
    commands = [(["check", str(src), "--json", str(folder / "report.json")], [folder / "report.json"])]
    if rng.random() < 0.3:
        marked = folder / "marked.xlsx"
        commands.append((["check", str(src), "--out", str(marked), "--json", str(folder / "report2.json")],
                         [marked, folder / "report2.json"]))
        if rng.random() < 0.5:
            commands.append((["clear", str(marked), "--out", str(folder / "cleared.xlsx")], [folder / "cleared.xlsx"]))
    if rng.random() < 0.1:
        commands.append((["clear", str(src), "--out", str(folder / "cleared-input.xlsx")], [folder / "cleared-input.xlsx"]))
    if perf and rng.random() < 0.3:
        commands.append((["fill", str(src), "--out", str(folder / "filled.xlsx")], [folder / "filled.xlsx"]))
    return commands if writes else commands[:1]


def _judge(run: Run, outputs: list[Path], workdir: Path, timeout: float, original_opens: bool) -> list[str]:
    """What went wrong in one command. A written workbook must open whenever the original opens: the writer
    copies the parts it does not edit byte for byte, so a copy of a file with a broken part is as broken as its
    original (never worse), which is what the user gave us; the report still names what could be read."""
    problems = []
    what = " ".join([run.argv[0], *(a for a in run.argv if a.startswith("--"))])
    if run.code is None:
        problems.append(f"{what}: no answer within {timeout:.0f} s")
    elif run.code not in (0, 1, 2):
        problems.append(f"{what}: exit code {run.code}")
    if "Traceback" in run.stderr:
        problems.append(f"{what}: traceback: {run.stderr.strip().splitlines()[-1][:200]}")
    if run.code == 2 and not any(line.startswith("juesuan：") for line in run.stderr.splitlines()):
        problems.append(f"{what}: exit 2 without a reason")
    if run.rss_mb > RSS_LIMIT_MB:
        problems.append(f"{what}: {run.rss_mb:.0f} MiB of memory")
    if SECRET in run.stdout + run.stderr:
        problems.append(f"{what}: shows the content of the file an XXE entity names")
    for path in outputs:
        if not path.exists():
            if run.code in (0, 1):
                problems.append(f"{what}: exit {run.code} but no {path.name}")
            continue
        if path.suffix == ".json":
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                json.loads(text)
            except ValueError:
                problems.append(f"{what}: {path.name} is no JSON")
            if SECRET in text:
                problems.append(f"{what}: {path.name} shows the content of the file an XXE entity names")
            continue
        if not original_opens:
            continue
        opened = run_forked(_opens, [str(path)], workdir, timeout)
        if opened.code != 0:
            problems.append(f"{what}: {path.name} does not open ({opened.stderr.strip().splitlines()[-1:]})")
    return problems


def run_case(seed: int, index: int, workdir: Path, keep: Path | None = None, writes: bool = True,
             timeout: float = TIMEOUT) -> CaseResult:
    """Build case ``index`` of ``seed`` in ``workdir``, run its commands and judge them."""
    rng = random.Random(f"{seed}/{index}")
    sample = rng.choice(SAMPLES)
    data, mutations = mutate(sample.read_bytes(), rng)
    folder = workdir / f"case-{index}"
    folder.mkdir(parents=True)
    secret = folder / "secret.txt"
    secret.write_text(SECRET)
    data = data.replace(b"@SECRET@", str(secret).encode())
    src = folder / "input.xlsx"
    src.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    result = CaseResult(seed, index, sample.name, mutations, writes)
    commands = _commands(rng, src, sample.name.startswith("perf_"), writes)
    expected = {src.name, secret.name, "stdout.txt", "stderr.txt", "tmp"} | {p.name for _, outs in commands for p in outs}
    original_opens = len(commands) == 1 or run_forked(_opens, [str(src)], folder, timeout).code == 0
    for argv, outputs in commands:
        run = run_forked(_cli, argv, folder, timeout)
        result.runs.append(run)
        result.problems += _judge(run, outputs, folder, timeout, original_opens)
        if hashlib.sha256(src.read_bytes()).hexdigest() != digest:
            result.problems.append(f"{argv[0]}: changed the input file")
    leftovers = sorted({p.name for p in folder.iterdir()} - expected) + sorted(p.name for p in (folder / "tmp").iterdir())
    if leftovers:
        result.problems.append(f"files left behind: {leftovers}")
    if result.problems and keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        kept = keep / f"fuzz-{seed}-{index}.xlsx"
        kept.write_bytes(data)
        result.kept = str(kept)
    shutil.rmtree(folder, ignore_errors=True)
    return result


# --- many cases -----------------------------------------------------------------------------------------------------


def _case_in_worker(seed: int, keep: str | None, writes: bool, timeout: float, index: int) -> CaseResult:
    import juesuan.cli  # noqa: F401  imported once per worker, so every forked command starts with it loaded
    import openpyxl  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="juesuan-fuzz-") as tmp:
        try:
            return run_case(seed, index, Path(tmp), Path(keep) if keep else None, writes, timeout)
        except Exception as exc:  # a fault of the harness itself is a failed case, not a lost run
            result = CaseResult(seed, index, "?", [], writes)
            result.problems.append(f"fuzz harness: {type(exc).__name__}: {exc}")
            return result


def fuzz(cases: Sequence[int], seed: int = DEFAULT_SEED, jobs: int = 2, keep: Path | None = None,
         progress: Callable[[CaseResult], None] | None = None, writes: bool = True,
         timeout: float = TIMEOUT) -> list[CaseResult]:
    """Run the cases in ``jobs`` worker processes (results in case order); without ``writes`` each case is only
    checked with a JSON report."""
    from functools import partial

    results = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        run = partial(_case_in_worker, seed, str(keep) if keep else None, writes, timeout)
        for result in pool.map(run, cases, chunksize=4):
            results.append(result)
            if progress:
                progress(result)
    return results


def summary(results: list[CaseResult]) -> str:
    """Counts, exit codes, the slowest and the largest command, and every failure with its reproducer."""
    runs = [(r, run) for r in results for run in r.runs]
    codes: dict[str, int] = {}
    for _, run in runs:
        codes[str(run.code)] = codes.get(str(run.code), 0) + 1
    cpu = sum(run.cpu for _, run in runs)
    lines = [f"{len(results)} cases, {len(runs)} commands ({cpu:.0f} CPU seconds); exit codes {dict(sorted(codes.items()))}"]
    if runs:
        slow = max(runs, key=lambda x: x[1].seconds)
        large = max(runs, key=lambda x: x[1].rss_mb)
        lines.append(f"slowest: {slow[1].seconds:.2f} s (case {slow[0].index}, {slow[1].argv[0]}; {slow[0].mutations})")
        lines.append(f"largest: {large[1].rss_mb:.0f} MiB (case {large[0].index}, {large[1].argv[0]}; {large[0].mutations})")
    failed = [r for r in results if r.problems]
    lines.append(f"failed: {len(failed)}")
    for r in failed:
        lines.append(f"  case {r.index} ({r.sample}; {r.mutations}): {r.problems}; kept {r.kept}; rerun: {r.repro}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz juesuan with mutated sample workbooks.")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--case", type=int, help="run only this case (to reproduce a failure)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--check-only", action="store_true", help="only juesuan check --json on each case")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds a command may take")
    parser.add_argument("--keep", type=Path, default=ROOT / "out" / "fuzz-failures", help="where failing inputs are kept")
    args = parser.parse_args(argv)
    cases = [args.case] if args.case is not None else list(range(args.cases))
    start = time.monotonic()
    def progress(result: CaseResult) -> None:
        if result.problems:
            print(f"case {result.index} failed: {result.problems}; rerun: {result.repro}", flush=True)
        elif (result.index + 1) % 500 == 0:
            print(f"{result.index + 1} cases …", flush=True)

    results = fuzz(cases, args.seed, min(args.jobs, len(cases)), args.keep, progress, not args.check_only, args.timeout)
    print(summary(results))
    print(f"{time.monotonic() - start:.0f} s in all")
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
