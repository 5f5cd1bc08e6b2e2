"""juesuan 决算审核: checks 部门决算公开表 and 绩效自评表 in Excel workbooks.

The core (grid, recognition, rules, findings, plan) imports no Excel library; adapters sit at the edge.
"""

__version__ = "0.1.0"

from .check import check_file, check_grids
from .findings import Finding, Report, Severity
from .grid import Grid
from .plan import Plan, plan_marks

__all__ = ["Finding", "Grid", "Plan", "Report", "Severity", "__version__", "check_file", "check_grids", "plan_marks"]
