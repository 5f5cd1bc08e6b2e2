"""Rules: the catalogue (data), the registered kinds that evaluate it, and the engine that runs it."""

from .engine import Evaluation, evaluate, run
from .model import Rule, catalogue_markdown, load_catalogue
from .registry import known_kinds

__all__ = ["Evaluation", "Rule", "catalogue_markdown", "evaluate", "known_kinds", "load_catalogue", "run"]
