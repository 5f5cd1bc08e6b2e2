"""Adapters at the edge: they apply a :class:`juesuan.plan.Plan` to a workbook file or a live Excel book."""
