"""The rule record and the catalogue loader: rules are data (``catalogue.toml``), validated by pydantic."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..findings import Severity

__all__ = ["Rule", "catalogue_markdown", "load_catalogue"]

CATALOGUE = Path(__file__).with_name("catalogue.toml")


class PerfRuleLike(Protocol):
    """What the docs need of a 绩效 rule (``juesuan.perf.checks.PerfRule``)."""

    id: str
    severity: Severity
    name: str
    message: str


class Rule(BaseModel):
    """One rule: stable id, Chinese name, severity when broken, the registered check ``kind`` and its
    parameters, and its ``formula`` in the 审核公式 language where it can be said there. Differences within the
    rounding bound are reported with ``rounding_severity``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    kind: str
    severity: Severity = Severity.error
    rounding_severity: Severity = Severity.warning
    source: str = ""
    table: str | None = None
    side: str | None = None
    target: str | None = None
    terms: list[str] = Field(default_factory=list)
    parent: str | None = None
    left: str | None = None
    right: str | None = None
    parts: list[str] = Field(default_factory=list)
    whole: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    tables: list[str] = Field(default_factory=list)
    #: The rule in the 审核公式 language (juesuan.formula), where the language can say it.
    formula: str | None = None

    @model_validator(mode="after")
    def _needs(self) -> "Rule":
        needed = {"sum": ("target", "terms"), "le": ("target", "terms"), "row_sum": ("table", "target", "terms"),
                  "hierarchy": ("table", "parent"), "class_match": ("left", "right"), "subset": ("parts", "whole", "columns")}
        missing = [name for name in needed.get(self.kind, ()) if not getattr(self, name)]
        if missing:
            raise ValueError(f"规则 {self.id}（{self.kind}）缺少参数：{', '.join(missing)}")
        return self


@cache
def load_catalogue(path: Path = CATALOGUE) -> tuple[Rule, ...]:
    """All rules of a catalogue file; ids must be unique."""
    with open(path, "rb") as fh:
        rules = tuple(Rule(**entry) for entry in tomllib.load(fh)["rule"])
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"规则编号重复：{', '.join(dupes)}")
    return rules


def catalogue_markdown(rules: tuple[Rule, ...], perf_rules: Iterable[PerfRuleLike] = (),
                       narrative_rules: Iterable[PerfRuleLike] = ()) -> str:
    """``docs/rules.md``: the rule lists generated from the catalogues (决算, 绩效自评 and 情况说明), so the docs
    cannot drift from them."""
    lines = [
        "# 审核规则目录",
        "",
        "由 `juesuan rules --markdown` 根据 `python/juesuan/rules/catalogue.toml`、`python/juesuan/perf/checks.py`",
        "与 `python/juesuan/narrative/rules.py` 生成，请勿手工修改。",
        "",
        "## 部门决算公开表",
        "",
        "差额在尾数误差容差以内时，规则以“警告”报告（容差：每个参与计算的万元金额 ±0.005）。",
        "“审核公式”列是同一规则的审核公式写法（见 [formulas.md](formulas.md)），`juesuan rules --export 审核公式.xlsx`",
        "可导出供复制修改；该列为空的规则用公式说不出（各级科目逐一汇总、按科目代码对应等）。",
        "",
        "| 编号 | 严重程度 | 规则 | 检查方式 | 审核公式 | 依据 |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.id} | {r.severity.label} | {r.name} | {r.kind} | {_cell(r.formula)} | {r.source} |" for r in rules
    ]
    perf = list(perf_rules)
    if perf:
        lines += ["", "## 绩效自评表", "", "| 编号 | 严重程度 | 规则 | 提示文字 |", "|---|---|---|---|"]
        lines += [f"| {r.id} | {r.severity.label} | {r.name} | {r.message} |" for r in perf]
    narrative = list(narrative_rules)
    if narrative:
        lines += ["", "## 情况说明", "", "说明中的数字与表核对、与说明自身核对；差额在所印数字的尾数误差以内时以“警告”报告。", "",
                  "| 编号 | 严重程度 | 规则 | 提示文字 |", "|---|---|---|---|"]
        lines += [f"| {r.id} | {r.severity.label} | {r.name} | {r.message} |" for r in narrative]
    return "\n".join(lines) + "\n"


def _cell(formula: str | None) -> str:
    """A formula in a Markdown table cell (code span; ``|`` cannot occur in the language)."""
    return f"`{formula}`" if formula else ""
