"""The fuzz test of issue #9 §13 in the suite: a few hundred mutated sample workbooks (``workbooks/fuzz.py``)
through the command line. ``make fuzz`` runs the same cases and thousands more.

Every command must exit 0, 1 or 2 without a traceback, give a reason when it exits 2, answer in time (here a
generous 60 s, 30 s with writes: the suite runs beside other work; ``make fuzz`` holds each command to 20 s),
stay under 768 MiB, leave the input unchanged and no temporary file behind, write only outputs that open
whenever the original opens (a copy of a file with a broken part keeps that part as it was: never worse than
what the user gave), and never show what an XXE entity points at. A failure names the case, keeps its input under ``out/fuzz-failures`` and says
how to run it again."""

from __future__ import annotations

from conftest import ROOT
from workbooks.fuzz import fuzz, summary

KEEP = ROOT / "out" / "fuzz-failures"


def test_fuzz_check():
    results = fuzz(range(200), writes=False, keep=KEEP, timeout=60)
    assert len(results) == 200 and all(len(r.runs) == 1 for r in results)
    assert not any(r.problems for r in results), summary(results)


def test_fuzz_marked_copy_clear_and_fill():
    results = fuzz(range(5000, 5040), keep=KEEP, timeout=30)
    assert sum(len(r.runs) > 1 for r in results) >= 12  # a third of the cases write a copy
    assert not any(r.problems for r in results), summary(results)
