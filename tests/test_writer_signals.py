"""A write that is killed leaves nothing behind: no partial file at the target, no temporary file (SIGTERM), and
a temporary file left by SIGKILL is removed by the next run (issue #9 §9, §14)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import SAMPLE
from juesuan.outputs import STALE_AFTER, atomic_write, remove_stale_temps

#: The real ``juesuan check --out``, with the package save slowed down after half the parts are written, so the
#: test can kill it mid-write deterministically (it prints WRITING once the temporary file holds data).
SLOW_CHECK = """
import sys, time, zipfile
from juesuan.adapters import package
from juesuan.cli import main

real_writestr = zipfile.ZipFile.writestr
count = 0

def slow_writestr(self, info, data, *args, **kwargs):
    global count
    real_writestr(self, info, data, *args, **kwargs)
    count += 1
    if count == 5:
        self.fp.flush()
        print("WRITING", flush=True)
        time.sleep(60)

zipfile.ZipFile.writestr = slow_writestr
sys.exit(main(["check", sys.argv[1], "--out", sys.argv[2]]))
"""


def start(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    target = tmp_path / "out" / "marked.xlsx"
    target.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_CHECK, str(SAMPLE), str(target)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "WRITING":
            break
    temps = list(target.parent.glob(".juesuan-*"))
    assert len(temps) == 1 and temps[0].stat().st_size > 0 and not target.exists()
    return proc, target


def test_sigterm_mid_write_leaves_no_temporary_and_no_partial_file(tmp_path):
    proc, target = start(tmp_path)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == -signal.SIGTERM  # it still ends as a SIGTERM asks
    assert list(target.parent.iterdir()) == []


def test_a_temporary_file_left_by_sigkill_is_removed_by_the_next_run(tmp_path):
    proc, target = start(tmp_path)
    proc.kill()
    proc.wait(timeout=30)
    (left,) = target.parent.glob(".juesuan-*")
    assert not target.exists()
    fresh = target.parent / ".juesuan-abcdefgh.xlsx"  # another run's, still being written: not stale yet
    fresh.write_bytes(b"x")
    old = time.time() - STALE_AFTER - 60
    os.utime(left, (old, old))
    mine = target.parent / "notes.juesuan-abcdefgh.xlsx"  # not a name juesuan makes: never touched
    mine.write_bytes(b"x")
    os.utime(mine, (old, old))
    atomic_write(target, lambda tmp: tmp.write_bytes(b"done"))
    assert sorted(p.name for p in target.parent.iterdir()) == [fresh.name, "marked.xlsx", mine.name]
    assert remove_stale_temps(target.parent, now=time.time() + STALE_AFTER + 1) == 1
    assert not fresh.exists()
