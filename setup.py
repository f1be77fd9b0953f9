"""Package discovery that pyproject.toml cannot express on its own (all metadata lives there).

The content stays in ``data/`` at the top of the repository, where authors edit
it; the wheel carries it inside the package as ``widgets/data`` (read with
``importlib.resources``, see ``widgets/resources.py``). That needs a
``package_dir`` mapping *and* automatic discovery of ``widgets``' sub-packages,
which ``[tool.setuptools]`` offers only one at a time. The content's folders
are listed as (namespace) packages so that setuptools copies their files
(``package-data`` in pyproject.toml) without warning.
"""

from setuptools import find_namespace_packages, find_packages, setup

content = ["widgets.data", *(f"widgets.data.{name}" for name in find_namespace_packages(where="data"))]

setup(
    packages=[*find_packages(include=["widgets", "widgets.*"]), *content],
    package_dir={"widgets.data": "data"},
)
