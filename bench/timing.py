"""Shared timing helper for the benchmark scripts (run as ``python bench/<script>.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable

ROUNDS = 3


def best(run: Callable[[], object], rounds: int = ROUNDS) -> float:
    """The fastest of ``rounds`` runs, in seconds: the least disturbed by other work on a shared machine."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)
