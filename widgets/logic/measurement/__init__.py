"""Chapters 06-07, measuring recovery: psychometrics, the scoring engine, the catalogue, the synthetic
cohort, fictional people's scores, uploads and reliable change (pure; views in :mod:`widgets.views.measuring`).
"""
