"""Notebook entry point (evidence figures); the view lives in :mod:`widgets.views.evidence`."""

from .views.evidence import evidence_chart

__all__ = ["evidence_chart"]
