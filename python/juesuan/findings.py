"""Findings and the audit report: the one record every rule produces and every front end renders.

The pydantic models are the single source of the JSON report (``juesuan check --json``), of the
审核结果 sheet and of the cell notes, so the three never disagree.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, Field, field_serializer

__all__ = ["CellRef", "Finding", "NarrativeQuote", "Report", "Severity", "Skipped", "Summary", "TableRef"]


class Severity(str, Enum):
    """error = must fix; warning = 尾数误差 or needs a 说明; info = hint only."""

    error = "error"
    warning = "warning"
    info = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


class CellRef(BaseModel):
    """One cell of a workbook."""

    sheet: str
    cell: str


def _json_number(value: Decimal | None) -> float | int | None:
    """JSON numbers, not strings: amounts have at most a few decimals, so floats print exactly."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)


class Finding(BaseModel):
    """One broken identity or suspicious value, pinned to the cell that shows it.

    ``cell`` is the reported value that disagrees; ``related`` lists the other cells of the identity as
    ``<sheet>!A1`` so a reader can retrace the computation. ``suspect`` is the single cell most likely wrong
    (which may be another cell than ``cell``) and ``corrected`` the value that makes every identity it is in
    hold, when one cell explains the failure. Narrative findings name their ``source`` (the 情况说明 file or
    sheet), ``paragraph`` (1-based) and ``quote`` (the clause holding the printed number). ``explanation`` is
    the user's 说明 of the finding, when there is one.
    """

    rule: str
    severity: Severity
    sheet: str
    cell: str
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    message: str
    related: list[str] = Field(default_factory=list)
    table: str | None = None
    suspect: CellRef | None = None
    corrected: Decimal | None = None
    source: str | None = None
    paragraph: int | None = None
    quote: str | None = None
    explanation: str | None = None

    @field_serializer("expected", "actual", "difference", "corrected")
    def _as_number(self, value: Decimal | None) -> float | int | None:
        return _json_number(value)


class TableRef(BaseModel):
    """A recognised table: which sheet, which kind (公开01 … / 绩效自评表), and its printed title."""

    sheet: str
    table: str
    title: str
    top_left: str | None = None


class Skipped(BaseModel):
    """A sheet that is no known table, with the reason in Chinese."""

    sheet: str
    reason: str


class NarrativeQuote(BaseModel):
    """One number (or direction word) the 情况说明 prints and what the check made of it: ``status`` is 一致,
    尾数误差, 不一致 or 未核对; ``sheet``/``cell`` the table cell it was compared with, ``expected`` that cell's
    value or the recomputed figure. One row of the 说明核对 sheet."""

    paragraph: int
    printed: str
    quote: str
    meaning: str
    status: str
    sheet: str | None = None
    cell: str | None = None
    expected: Decimal | None = None
    message: str = ""

    @field_serializer("expected")
    def _as_number(self, value: Decimal | None) -> float | int | None:
        return _json_number(value)


class Summary(BaseModel):
    errors: int = 0
    warnings: int = 0
    infos: int = 0


class Report(BaseModel):
    """The outcome of checking one workbook."""

    file: str
    tables: list[TableRef] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    narrative_source: str | None = None
    narrative: list[NarrativeQuote] = Field(default_factory=list)
    identities: int = 0  # 勾稽关系 evaluated in all (holding or not): what "no error" stands on

    def finish(self) -> "Report":
        """Sort findings by place and recount the summary; call once after all rules ran."""
        order = {t.sheet: i for i, t in enumerate(self.tables)}
        self.findings.sort(key=lambda f: (order.get(f.sheet, len(order)), f.sheet, _cell_key(f.cell), f.rule))
        self.summary = Summary(
            errors=sum(f.severity is Severity.error for f in self.findings),
            warnings=sum(f.severity is Severity.warning for f in self.findings),
            infos=sum(f.severity is Severity.info for f in self.findings),
        )
        return self


def _cell_key(cell: str) -> tuple[int, int]:
    from .grid import parse_a1

    try:
        return parse_a1(cell)
    except ValueError:
        return (0, 0)
