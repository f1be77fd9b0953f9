"""Where the workbook's content files are: one answer for a checkout and for an installed wheel.

The repository keeps its content in ``data/`` at the top level, beside the
``widgets`` package. The wheel maps that folder into the package as
``widgets/data`` (``[tool.setuptools.package-dir]`` in ``pyproject.toml``), so an
installed copy (``pip install .``, a JupyterHub image, Binder) carries it as
package data. Both are found through :mod:`importlib.resources`, starting from
this package:

- installed wheel: ``files("widgets") / "data"`` exists and is used;
- checkout (editable install, or ``widgets`` imported from the repository folder):
  the package folder has no ``data`` inside it, and the ``data`` folder beside the
  package folder is used.

>>> (data_dir() / "manifest.yaml").is_file()
True
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["DataNotFound", "data_dir", "package_root"]

_PACKAGE = __name__.rpartition(".")[0] or "widgets"
_DATA = "data"
_MARKER = "manifest.yaml"
"""A file every copy of the content has; a ``data`` folder without it is not ours."""


class DataNotFound(FileNotFoundError):
    """Neither the installed package nor the checkout holds the workbook's content."""


def package_root() -> Traversable:
    """The ``widgets`` package as :mod:`importlib.resources` sees it."""
    return resources.files(_PACKAGE)


def _candidates() -> list[Traversable]:
    root = package_root()
    found: list[Traversable] = [root / _DATA]
    if isinstance(
        root, Path
    ):  # a folder on disk (always so for a wheel pip installed, and a checkout)
        found.append(root.parent / _DATA)
    return found


def data_dir() -> Path:
    """The folder holding the content (exercises, measures, polls, ...), as a real path.

    Callers glob and open files below it, so a path on disk is returned. Wheels
    are always unpacked by pip, so the packaged copy is a folder; a copy imported
    from a zip archive is not supported and says so. When no copy is found the
    checkout's path is returned, so the loaders name the missing file in the page.
    """
    candidates = _candidates()
    for candidate in candidates:
        if (candidate / _MARKER).is_file():
            if not isinstance(candidate, Path):
                raise DataNotFound(
                    f"The workbook's content at {candidate} is inside an archive; install the wheel with pip instead."
                )
            return candidate
    # Nothing found: the loaders then report the missing file in the page, naming this folder.
    on_disk = [candidate for candidate in candidates if isinstance(candidate, Path)]
    if not on_disk:
        raise DataNotFound(
            f"The workbook's content was not found in {candidates[0]}; install the wheel with pip."
        )
    return on_disk[-1]
