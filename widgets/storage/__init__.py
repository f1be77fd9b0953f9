"""Storage layer: the learner's answer store (SQLite, :mod:`.store`) and the class store for polls
(SQLAlchemy: SQLite or PostgreSQL, :mod:`.classstore`). No widgets here.
"""
