"""Rules: the catalogue (data) and the registered check kinds that evaluate it."""

from .kinds import KINDS, run
from .model import Rule, load_catalogue

__all__ = ["KINDS", "Rule", "load_catalogue", "run"]
