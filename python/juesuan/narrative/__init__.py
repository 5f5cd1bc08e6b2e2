"""情况说明 ↔ tables: read the narrative of a 部门决算 (Word, text or a sheet), map every number it quotes to the
table cell it names, and check amounts, percentages, lists and direction words (issue 11)."""

from .checks import NarrativeResult, check_narrative
from .document import Document, document_from_grid, find_document, load_document
from .rules import RULES
from .sheet import NARRATIVE_HEADER, narrative_action

__all__ = ["Document", "NARRATIVE_HEADER", "NarrativeResult", "RULES", "check_narrative", "document_from_grid",
           "find_document", "load_document", "narrative_action"]
