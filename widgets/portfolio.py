"""Notebook entry points (the portfolio panel, the CPD record); the views live in :mod:`widgets.views.portfolio`."""

from .views.portfolio import cpd_panel, portfolio_panel

__all__ = ["cpd_panel", "portfolio_panel"]
