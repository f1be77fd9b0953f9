"""How every content file is read: safe YAML, strict models, and errors that name file, item and field.

Shared by every loader under :mod:`widgets.content`: :func:`data_dir` (where the data lives),
:func:`read_yaml` (safe YAML, duplicate keys rejected), :class:`Strict` (a model that forbids
unknown fields), :func:`first_problem` (pydantic's first error in words),
:func:`require_unique` and :func:`content_cache` (the one cache policy: re-read a file
when its modification time or size changes; hand out read-only data).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Generic, TypeVar, cast

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
)

__all__ = ["ContentCache", "ContentError", "FieldProblem", "FirstProblem", "Strict", "content_cache", "data_dir", "data_path", "first_problem", "located", "read_yaml", "require_unique"]


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A non-blank string (leading and trailing white space is ignored)."""


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class ContentError(ValueError):
    """A content file is missing, unreadable or does not match its schema."""


class FieldProblem(ValueError):
    """A validation problem that knows its field and, where it can, the item it belongs to.

    Raised inside pydantic validators of every data file (questions, instruments,
    lexicon entries); the loaders read ``field`` and ``owner`` back from pydantic's
    error to name the item and field in one clear message.
    """

    def __init__(self, message: str, *, field: str, owner: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.owner = owner


class Strict(BaseModel):
    """Base of every data-file model: unknown fields are refused and instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def require_unique(ids: list[str], what: str, *, field: str | None = None) -> None:
    """Raise naming the first repeated id; ``field`` set means the ids are question ids."""
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            if field is not None:
                raise FieldProblem(f"duplicate id {item_id!r} in {what}", field=field, owner=item_id)
            raise FieldProblem(f"duplicate id {item_id!r} in {what}", field=what)
        seen.add(item_id)


def data_dir() -> Path:
    """The folder holding the workbook's content (see :func:`widgets.resources.data_dir`, the one place that locates it)."""
    from ..resources import data_dir as locate

    return locate()


def data_path(*parts: str) -> Path:
    """A path under :func:`data_dir` (looked up at call time, so one patch of ``data_dir`` moves every loader)."""
    return data_dir().joinpath(*parts)


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a value its constructor cannot build is a ``ConstructorError`` with the line.

    PyYAML itself lets ``ValueError`` (``2024-13-01``, ``!!int x``) and ``AttributeError``
    (``!!timestamp 2001``) out of its constructors, with no position.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, AttributeError, OverflowError, IndexError, KeyError) as problem:
            kind = str(node.tag).rsplit(":", 1)[-1]
            shown = f" {str(node.value)[:40]!r}" if isinstance(node, yaml.ScalarNode) else ""
            detail = str(problem) if type(problem) is ValueError and str(problem) else "not a valid value of that type"
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the {kind} value{shown} ({detail})", node.start_mark
            ) from None


@dataclass(frozen=True)
class FirstProblem:
    """The first thing pydantic found wrong with an item: where, what, and whose (when a validator said)."""

    location: tuple[str, ...]
    field: str | None
    message: str
    owner: str | None

    def field_path(self, whole: str, *, skip: int = 0) -> str:
        """The field as ``a.b.c`` (after dropping ``skip`` leading parts of the location), or ``whole`` if none."""
        where = ".".join(self.location[skip:])
        if self.field and not where.endswith(self.field):
            where = ".".join(filter(None, [where, self.field]))
        return where or whole


def located(path: Path | str, message: str, *, field: str, noun: str | None = None, owner: str | None = None, where: str | None = None) -> str:
    """The one form of every content error: ``<file>: <noun> '<owner>' (<where>), field '<field>': <message>``.

    >>> located("data/x.yaml", "duplicate", noun="poll", owner="p1", field="id")
    "data/x.yaml: poll 'p1', field 'id': duplicate"
    >>> located("data/x.yaml", "expected a mapping", field="(whole file)")
    "data/x.yaml: field '(whole file)': expected a mapping"
    """
    item = f"{noun} {owner!r}" + (f" ({where})" if where else "") + ", " if noun is not None and owner is not None else ""
    return f"{path}: {item}field {field!r}: {message}"


def first_problem(error: ValidationError) -> FirstProblem:
    """The first error of ``error``; a :class:`FieldProblem` raised by our validators keeps its own words, field and owner."""
    detail = error.errors(include_url=False)[0]
    location = tuple(str(part) for part in detail["loc"])
    problem = detail.get("ctx", {}).get("error")
    if isinstance(problem, FieldProblem):
        return FirstProblem(location, problem.field, str(problem), problem.owner)
    return FirstProblem(location, None, str(detail["msg"]), None)


T = TypeVar("T")


class ContentCache(Generic[T]):
    """A loader that reads a file again only when it changed (the one cache policy of every content loader).

    Keyed by the resolved path, its modification time and its size; a changed file
    replaces its old entry. What it returns is read-only: models are frozen, and a
    mapping comes back as a read-only view, so no caller can change what the next one sees.
    ``__wrapped__`` is the uncached loader (tests call it on broken copies).
    """

    def __init__(self, loader: Callable[[Path], T], default: Callable[[], Path] | None = None) -> None:
        self.__wrapped__ = loader
        self._default = default
        self._entries: dict[Path, tuple[tuple[int, int], T]] = {}
        functools.update_wrapper(self, loader)

    def __call__(self, path: Path | None = None) -> T:
        if path is None and self._default is None:
            raise TypeError(f"{self.__wrapped__.__name__} needs a path")
        where = (path or self._default()).resolve()  # type: ignore[misc]
        try:
            stat = where.stat()
        except OSError:
            return self.__wrapped__(where)  # the loader raises its own worded error
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._entries.get(where)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        value = self.__wrapped__(where)
        if isinstance(value, dict):
            value = cast(T, MappingProxyType(value))
        self._entries[where] = (stamp, value)
        return value

    def cache_clear(self) -> None:
        self._entries.clear()


def content_cache(default: Callable[[], Path]) -> Callable[[Callable[[Path], T]], ContentCache[T]]:
    """Decorate a loader ``f(path) -> value`` with :class:`ContentCache`; ``default`` gives the path when none is passed."""

    def decorate(loader: Callable[[Path], T]) -> ContentCache[T]:
        return ContentCache(loader, default)

    return decorate


def read_yaml(path: Path, error: type[ValueError]) -> Any:
    """Parse a YAML file; any way it can fail becomes one ``error`` naming the file (and line, if known)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise error(f"{path}: cannot read the file ({problem.strerror or problem})") from None
    except UnicodeDecodeError as problem:
        raise error(f"{path}: not UTF-8 text (byte {problem.start}); save it as UTF-8") from None
    except ValueError as problem:  # e.g. a NUL character in the path
        raise error(f"{path}: cannot read the file ({problem})") from None
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except RecursionError:
        raise error(f"{path}: not valid YAML: nested too deeply") from None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = getattr(problem, "problem", None) or str(problem)
        raise error(f"{path}: not valid YAML{where}: {detail}") from None
