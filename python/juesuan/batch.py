"""Checking many workbooks: one process per core, results in input order, a broken file never stops the run.

A province's units are independent files, so the batch is a plain process pool (``concurrent.futures``, imported
only when a batch runs in parallel): each
worker reads, checks and writes one workbook's outputs and hands back its :class:`Unit`; the parent keeps the
order of the inputs, advances the progress bar as units finish, and writes the summary. Workers ignore Ctrl+C
(the parent stops the pool and says so), and a worker that dies (a file that crashes the reader) breaks only
that file: the files it took down with it are tried again one by one.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .outputs import write_text_atomic
from .read import InputError

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future

    from .findings import Report
    from .formula.rules import FormulaRule

__all__ = ["Options", "Unit", "check_one", "check_units", "default_jobs", "warn_lost"]

#: Below this many files per worker, starting worker processes costs more than it saves: the pool's start (a
#: fork server importing the checker) takes about a second, a nine-table workbook 40 ms to check.
FILES_PER_WORKER = 25


@dataclass
class Unit:
    """One input file of a batch: its report, or why it could not be checked, and where its outputs went."""

    path: Path
    report: Report | None = None
    reason: str | None = None
    marked: Path | None = None
    json: Path | None = None


@dataclass(frozen=True)
class Options:
    """What every file of a run is checked with: a forced 绩效 scoring profile and the user's 审核公式."""

    profile: str | None = None
    rules: tuple[FormulaRule, ...] = ()


def warn_lost(src: Path, out: Path) -> None:
    """Tell the user (stderr) what the copy could not keep of the original (the original keeps it)."""
    from .adapters.openpyxl_file import lost_content

    for message in lost_content(src, out):
        print(f"注意：{message}", file=sys.stderr)


def check_one(path: Path, json_path: Path | None, out: Path | None, options: Options = Options(),
              narrative: Path | None = None, explain: dict | None = None) -> Report:
    """Check one workbook (and the 情况说明 file ``narrative``, if given) and write its JSON report (first: it is
    written even when the marked copy cannot be) and its marked copy, which also records the user's 说明
    (``explain``: 说明 read from an ``--explain`` file). Raises InputError when the file is unusable or holds
    neither a table juesuan knows nor a 情况说明."""
    from .check import check_file
    from .explain import Explanations

    explanations = Explanations(explain)
    report = check_file(path, profile=options.profile, narrative=narrative, rules=options.rules,
                        explanations=explanations)
    if not report.tables and report.narrative_source is None:
        reasons = "；".join(f"“{s.sheet}”{s.reason}" for s in report.skipped[:3])
        raise InputError(f"{path.name} 中没有可识别的部门决算公开表或绩效自评表（{reasons}）")
    if json_path is not None:
        write_text_atomic(json_path, json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
    if out is not None:
        from .adapters.openpyxl_file import apply_plan
        from .plan import plan_marks

        plan = plan_marks(report)
        plan.actions += explanations.actions()
        apply_plan(path, plan, out)
        warn_lost(path, out)
    return report


def _unit(path: Path, json_path: Path | None, out: Path | None, options: Options) -> Unit:
    """One file of a batch, never raising: an unusable file or a fault in juesuan becomes the unit's reason."""
    try:
        report = check_one(path, json_path, out, options)
    except InputError as exc:
        return Unit(path, reason=str(exc))
    except Exception as exc:  # a fault on one file of thousands is reported with that file, the run goes on
        return Unit(path, reason=f"检查时程序出错（{type(exc).__name__}：{exc}），请把该文件反馈给维护者")
    return Unit(path, report=report, marked=out, json=json_path)


def default_jobs(n_files: int) -> int:
    """Worker processes for ``n_files``: every core, but no more than keeps each worker busy with a few files."""
    return max(1, min(os.cpu_count() or 1, n_files // FILES_PER_WORKER))


def _quiet_worker() -> None:
    """Ctrl+C goes to the whole process group: the parent handles it, workers finish their file silently."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> multiprocessing.context.BaseContext:
    """A fork server that has imported the checker once (POSIX), else fresh interpreters (Windows)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["juesuan.batch", "juesuan.check", "juesuan.adapters.openpyxl_file"])
        return context
    return multiprocessing.get_context("spawn")


Planned = tuple[Path, Path | None, Path | None]


Work = Callable[[Path, "Path | None", "Path | None", Options], Unit]


def check_units(
    planned: Sequence[Planned], *, options: Options = Options(), jobs: int = 1, done: Callable[[], None] = lambda: None,
    work: Work = _unit,
) -> list[Unit]:
    """Check every ``(input, report, marked copy)``; ``done`` is called as each unit finishes (progress bar).
    Results come back in the order of ``planned``. ``work`` checks one file (a module-level function, so that
    worker processes can import it)."""
    if jobs <= 1 or len(planned) <= 1:
        units = []
        for path, json_path, out in planned:
            units.append(work(path, json_path, out, options))
            done()
        return units
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    results: list[Unit | None] = [None] * len(planned)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_quiet_worker)
    try:
        futures: dict[Future[Unit], int] = {pool.submit(work, *p, options): i for i, p in enumerate(planned)}
        for future in as_completed(futures):
            try:
                results[futures[future]] = future.result()
                done()
            except BrokenProcessPool:
                pass  # retried alone below
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    for i, unit in enumerate(results):
        if unit is None:
            results[i] = _alone(planned[i], options, work)
            done()
    return results  # type: ignore[return-value]


def _alone(planned: Planned, options: Options, work: Work) -> Unit:
    """A file whose worker died, checked again in a process of its own, so one bad file takes down only itself."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, mp_context=_context(), initializer=_quiet_worker) as pool:
        try:
            return pool.submit(work, *planned, options).result()
        except BrokenProcessPool:
            return Unit(planned[0], reason="检查该文件时程序异常退出（文件可能损坏或过大）")
