"""Notebook entry point (the portfolio panel); the view lives in :mod:`widgets.views.portfolio`."""

from .views.portfolio import portfolio_panel

__all__ = ["portfolio_panel"]
