"""juesuan 决算审核: checks 部门决算公开表 and 绩效自评表 in Excel workbooks.

The core (grid, recognition, rules, findings, plan) imports no Excel library; adapters sit at the edge.
The names below are imported when first used (PEP 562), so ``juesuan --help`` or a worker process does not pay
for the checker's models before it needs them, and Ctrl+C while the command line starts is handled by it.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "check_file": "check", "check_grids": "check", "Finding": "findings", "Report": "findings",
    "Severity": "findings", "Grid": "grid", "Plan": "plan", "plan_marks": "plan",
}

__all__ = ["Finding", "Grid", "Plan", "Report", "Severity", "__version__", "check_file", "check_grids", "plan_marks"]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'juesuan' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
