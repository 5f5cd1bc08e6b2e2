"""The ``juesuan`` console script. It imports the command line itself, so that Ctrl+C while the command line is
still being imported ends as quietly as Ctrl+C later (``juesuan：已中断``, exit 130) instead of with a traceback
from the script pip generates around ``juesuan.cli:main``."""

from __future__ import annotations

import sys

INTERRUPTED = 130


def run() -> None:
    try:
        from .cli import main
    except KeyboardInterrupt:
        print("juesuan：已中断", file=sys.stderr)
        sys.exit(INTERRUPTED)
    sys.exit(main())
