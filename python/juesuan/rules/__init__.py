"""Rules: the catalogue (data) and the registered check kinds that evaluate it."""

from .kinds import KINDS, run
from .model import Rule, catalogue_markdown, load_catalogue

__all__ = ["KINDS", "Rule", "catalogue_markdown", "load_catalogue", "run"]
