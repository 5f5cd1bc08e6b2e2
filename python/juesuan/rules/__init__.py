"""Rules: the catalogue (data), the registered kinds that evaluate it, and the engine that runs it."""

from .engine import Evaluation, evaluate, run
from .kinds import KINDS
from .model import Rule, catalogue_markdown, load_catalogue

__all__ = ["Evaluation", "KINDS", "Rule", "catalogue_markdown", "evaluate", "load_catalogue", "run"]
