"""Logic layer: pure, typed functions and frozen results (grading, scoring, psychometrics, aggregation,
exports, HTML fragments). Nothing here imports ipywidgets or opens a database; a test checks the import graph.
"""
