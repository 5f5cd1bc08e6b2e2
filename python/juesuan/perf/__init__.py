"""绩效自评 and 绩效目标表: value grammar, completion, scoring profiles, recognition of the tables and checks.

The fill planner (:mod:`.fill`) is imported by ``juesuan fill`` only: a check never pays for it."""

from .checks import RULES, check_perf, check_table
from .indicator import *  # noqa: F403
from .indicator import __all__ as _indicator_all
from .model import DEPT, PROJECT, TARGET_DEPT, TARGET_PROJECT, PerfTable
from .profile import *  # noqa: F403
from .profile import __all__ as _profile_all
from .recognise import recognise_perf
from .scoring import *  # noqa: F403
from .scoring import __all__ as _scoring_all

__all__ = [
    *_indicator_all, *_profile_all, *_scoring_all,
    "DEPT", "PROJECT", "TARGET_DEPT", "TARGET_PROJECT", "PerfTable", "RULES", "check_perf", "check_table",
    "recognise_perf",
]
