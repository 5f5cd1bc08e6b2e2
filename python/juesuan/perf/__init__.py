"""绩效自评 scoring core: value grammar, completion, scoring profiles and the derived numbers."""

from .indicator import *  # noqa: F403
from .indicator import __all__ as _indicator_all
from .profile import *  # noqa: F403
from .profile import __all__ as _profile_all
from .scoring import *  # noqa: F403
from .scoring import __all__ as _scoring_all

__all__ = [*_indicator_all, *_profile_all, *_scoring_all]
