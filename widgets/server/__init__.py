"""Serving the dashboards to a room: the kernel cap, culling, the page allow-list, plain error pages, caching.

``guard``, ``messages``, ``pages`` and ``caching`` are pure and typed; ``wiring`` is the thin layer that
applies them inside Voilà (named in ``etc/jupyter/voila.json``). Nothing here imports the widget layers,
and no widget layer imports this package.
"""
