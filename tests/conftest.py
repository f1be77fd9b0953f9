"""Fixtures shared by the tests: a learner's answer store, a class store, and one Chromium for the browser tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import CHROMIUM_ARGS, chromium_path
from widgets.storage.classstore import ClassStore
from widgets.storage.store import AnswerStore


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: kills kernels and processes, fills disks, corrupts files (slow; the fast subset leaves them out)"
    )


LECTURER_CODE = "seminar-code-7"
"""The lecturer code of the :func:`class_store` fixture."""


@pytest.fixture
def store(tmp_path: Path) -> AnswerStore:
    """An empty answers file of one learner."""
    return AnswerStore(tmp_path / "answers.sqlite3")


@pytest.fixture
def class_store(tmp_path: Path) -> Iterator[ClassStore]:
    """An empty SQLite class store with the lecturer code :data:`LECTURER_CODE`."""
    opened = ClassStore(f"sqlite:///{tmp_path / 'class.sqlite3'}", lecturer_code=LECTURER_CODE)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
