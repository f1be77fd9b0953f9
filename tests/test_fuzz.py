"""Fuzzing every loader and upload: only the project's own, clear error types escape; a widget never shows a traceback.

Each loader gets two kinds of input:

- arbitrary bytes and text (plus a few hand-picked hostile payloads: deep nesting,
  YAML tags and aliases, BOMs, NUL bytes, huge cells), and
- *structure-aware* damage to the real shipped file: the parsed YAML, CSV rows or
  export data block is changed (a key dropped or renamed, a value made a list, a
  mapping, ``None``, a number, a huge string or deeply nested, an item
  duplicated) and written back, or the file's bytes are cut short, given invalid
  UTF-8, a BOM, stray bytes or deep nesting.

The call must either succeed or raise that loader's own error (``ContentError``,
``VignetteError``, ``LexiconError``, ``InstrumentError``, ``PeopleError``,
``EvidenceError``, ``CatalogueError``, ``UploadError``, ``PortfolioError``,
``PollError``); where the loader takes a path, the message names the file. The
upload widgets are then fed the same kind of bytes through the method the
``FileUpload`` observer calls, and must show a notice, never raise.

Hypothesis keeps each test small (``max_examples``, see :data:`EXAMPLES`) so the
whole file runs in well under a minute; ``FUZZ_EXAMPLES=500`` runs a longer hunt.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as ipw
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import yaml_data
from widgets.content.evidence import EvidenceError, load_figures
from widgets.content.exercises import all_chapters, load_exercise_file
from widgets.content.instruments import (
    InstrumentError,
    load_instrument_file,
    load_instruments,
)
from widgets.content.loading import ContentError, data_dir
from widgets.content.measures import CatalogueError, load_catalogue
from widgets.content.people import PeopleError, load_people
from widgets.content.polls import PollError, load_chime, load_polls
from widgets.content.teams import load_challenges
from widgets.content.vignettes import VignetteError, load_frameworks, load_vignette_file
from widgets.language import LexiconError, load_labs, load_lexicon
from widgets.logic.classresults.aggregate import class_results
from widgets.logic.classresults.reading import read_class_file, read_class_files
from widgets.logic.classresults.synthetic import synthetic_class_files
from widgets.logic.export import DATA_MARKER, answers_sha256
from widgets.logic.measurement.uploads import UploadError, read_responses, score_upload
from widgets.logic.portfolio import (
    PortfolioError,
    export_class_answers,
    export_html,
    export_markdown,
    parse_export,
)
from widgets.logic.records import SavedAnswer
from widgets.logic.teams import compare_teams, read_team_csv
from widgets.storage.store import AnswerStore
from widgets.views.classresults import ClassResultsView
from widgets.views.measuring import UploadScoreView
from widgets.views.portfolio import PortfolioView
from widgets.views.teams import TeamComparisonView

DATA = data_dir()
FRAMEWORKS = load_frameworks()
QPR15 = load_instruments()["QPR-15"]
CHAPTERS, _CONTENT_PROBLEMS = all_chapters()
assert not _CONTENT_PROBLEMS, _CONTENT_PROBLEMS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
"""Examples per test and parameter; set ``FUZZ_EXAMPLES=500`` for a longer hunt."""
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
FEW = settings(FUZZ, max_examples=max(1, EXAMPLES // 2))

NOTICE = 'class="rw-box'
"""The markup every notice and feedback box starts with (:func:`widgets.logic.markup.feedback_box`)."""


# ----------------------------------------------------------------------------- the one assertion


def only(error: type[Exception], call: Callable[[], object], *, names: object = None) -> object:
    """Run ``call``; it may succeed or raise ``error`` (whose message names ``names``); anything else fails the test."""
    try:
        return call()
    except error as problem:
        message = str(problem)
        assert message.strip(), f"{type(problem).__name__} with an empty message"
        assert "Traceback" not in message
        if names is not None:
            assert str(names) in message, f"{type(problem).__name__} does not name {names}: {message[:300]}"
        return None


# ----------------------------------------------------------------------------- byte-level damage

INVALID_UTF8 = (b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80")
STRAY = (b"\x00", b"\t", b"\r", b"\x0b", b"\x1b", b"\xef\xbb\xbf", b"\xe2\x80\xae", b"\xc2\x85", b"\xe2\x80\xa8", b"'", b'"', b"#")


@st.composite
def damaged_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    """The real file's bytes, cut short, with invalid UTF-8, stray bytes, deep nesting, or lines repeated or lost."""
    data = original
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(1, max(1, len(data))))  # the empty file is among the arbitrary inputs
        kind = draw(
            st.sampled_from(["truncate", "invalid", "stray", "flip", "delete", "nest", "line", "bom", "newlines", "text"])
        )
        if kind == "truncate":
            data = data[:at]
        elif kind == "invalid":
            data = data[:at] + draw(st.sampled_from(INVALID_UTF8)) + data[at:]
        elif kind == "stray":
            data = data[:at] + draw(st.sampled_from(STRAY)) + data[at:]
        elif kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 200)) :]
        elif kind == "nest":
            opening = draw(st.sampled_from([b"[", b"{a: ", b"- ", b"{", b'{"a":', b"[[", b"<!--"]))
            data = data[:at] + opening * draw(st.sampled_from([50, 900, 5000])) + data[at:]
        elif kind == "line":
            lines = data.split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines[index:index] = [lines[index]] * draw(st.integers(0, 2))  # 0: the line is lost below
            if draw(st.booleans()):
                del lines[index]
            data = b"\n".join(lines)
        elif kind == "bom":
            data = b"\xef\xbb\xbf" + data
        elif kind == "newlines":
            data = data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r", b"\n\n", b"\x85"])))
        else:
            data = data[:at] + draw(st.text(max_size=40)).encode("utf-8", "surrogatepass") + data[at:]
    return data


SPECIAL_YAML = (
    b"",
    b"\xef\xbb\xbf",
    b"---\n...\n",
    b"~",
    b"- 1\n- 2\n",
    b"just a string",
    b"42",
    b"[" * 5000,
    b"a: " + b"[" * 5000,
    b"{a: " * 400 + b"1" + b"}" * 400,
    b"a: !!timestamp 2001",
    b"a: 2024-13-01",
    b"a: 2001-12-14t21:59:43.10-99:00",
    b"a: !!int x",
    b"a: !!float x",
    b"a: !!binary '@@@'",
    b"a: !!set {x}",
    b"!!python/object/apply:os.system ['true']",
    b"- &a [*a]",
    b"a: &a {b: *a}",
    b"? [a, b]\n: 1",
    b"a: 1\na: 2\n",
    b"a: 1e400\nb: .nan\nc: -.inf\nd: 0x1F\ne: 0o17\nf: 1_000\n",
    b"\x00\x01\x02",
    b"a: \xff\xfe",
    b"%YAML 9.9\n---\na: 1",
    b"a: *undefined",
    b"\t- tab",
)
"""Hostile YAML: empty, scalar roots, deep nesting, timestamps and tags that fail in the constructor, aliases."""


def arbitrary_yaml_bytes() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(SPECIAL_YAML),
        st.binary(max_size=600),
        st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
        yaml_data(max_leaves=20).map(lambda data: yaml.safe_dump(data, allow_unicode=True).encode("utf-8")),
    )


# ----------------------------------------------------------------------------- structure-aware damage

HUGE = "x" * 100_000


def odd_values() -> st.SearchStrategy[Any]:
    """Values a field should never hold: the wrong type, nothing, a huge string, odd numbers, nesting."""
    return st.one_of(
        st.sampled_from([None, True, False, 0, -1, 2**70, -(2**64), 1.5, math.nan, math.inf, -math.inf, "", " ", "\n", HUGE]),
        st.sampled_from([[], {}, [None], {"id": None}, "01.x", "ch99", "tip-99", "chime-nothing", "QPR-99", "0" * 500]),
        st.integers(1, 60).map(lambda depth: nested(depth)),
        yaml_data(max_leaves=8),
    )


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


def _locations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a parsed document, as a key path (the root is ``()``)."""
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _locations(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _locations(child, (*path, index))


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


@st.composite
def mutated_document(draw: st.DrawFn, original: Any) -> Any:
    """``original`` (parsed YAML or JSON) with one to three structural changes."""
    document = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        locations = list(_locations(document))
        inner = locations[1:]
        path = draw(st.sampled_from(inner)) if inner and draw(st.integers(0, 19)) != 7 else ()  # the root 1 time in 20
        kind = draw(
            st.sampled_from(["drop", "replace", "replace", "borrow", "wrap_list", "wrap_map", "duplicate", "rename", "swap"])
        )
        if not path:  # the root itself
            if kind in ("drop", "replace"):
                document = draw(odd_values())
            elif kind == "wrap_list":
                document = [document]
            elif kind == "wrap_map":
                document = {"document": document}
            continue
        parent, key = _at(document, path[:-1]), path[-1]
        value = parent[key]
        if kind == "drop":
            del parent[key]
        elif kind == "replace":
            parent[key] = draw(odd_values())
        elif kind == "borrow":  # a value from elsewhere in the file: another id, link, label or list
            parent[key] = copy.deepcopy(_at(document, draw(st.sampled_from(locations))))
        elif kind == "wrap_list":
            parent[key] = [value]
        elif kind == "wrap_map":
            parent[key] = {draw(st.sampled_from(["id", "x", 1, None])): value}
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(value))
        elif kind == "duplicate" and isinstance(value, list) and value:
            value.append(copy.deepcopy(value[draw(st.integers(0, len(value) - 1))]))
        elif kind == "rename" and isinstance(parent, dict):
            new_key = draw(st.one_of(st.sampled_from(["id", "ID", " id", "", "extra", 0, None, True]), st.text(max_size=8)))
            parent[new_key] = parent.pop(key)
        elif kind == "swap" and isinstance(parent, list) and len(parent) > 1:
            other = draw(st.integers(0, len(parent) - 1))
            parent[key], parent[other] = parent[other], parent[key]
    return document


def dump_yaml(document: Any) -> bytes:
    return yaml.dump(document, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def mutated_yaml(draw: st.DrawFn, path: Path) -> bytes:
    original = path.read_bytes()
    if draw(st.sampled_from(["structure", "structure", "bytes", "structure"])) == "bytes":
        return draw(damaged_bytes(original))
    return dump_yaml(draw(mutated_document(_parsed(path))))


_PARSED: dict[Path, Any] = {}


def _parsed(path: Path) -> Any:
    if path not in _PARSED:
        _PARSED[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return _PARSED[path]


# ----------------------------------------------------------------------------- the YAML loaders


def _vignette(path: Path) -> object:
    return load_vignette_file(path, frameworks=FRAMEWORKS)


YAML_LOADERS: dict[str, tuple[tuple[Path, ...], Callable[[Path], object], type[Exception]]] = {
    "exercises": (tuple(sorted((DATA / "exercises").glob("*.yaml"))), load_exercise_file, ContentError),
    "vignettes": (
        tuple(sorted(p for p in (DATA / "vignettes").glob("*.yaml") if p.name != "frameworks.yaml")),
        _vignette,
        VignetteError,
    ),
    "frameworks": ((DATA / "vignettes" / "frameworks.yaml",), load_frameworks, VignetteError),
    "lexicon": ((DATA / "language" / "lexicon.yaml",), load_lexicon, LexiconError),
    "labs": ((DATA / "language" / "labs.yaml",), load_labs, LexiconError),
    "instruments": ((DATA / "measures" / "instruments.yaml",), load_instrument_file, InstrumentError),
    "people": ((DATA / "measures" / "people.yaml",), load_people.__wrapped__, PeopleError),
    "evidence": ((DATA / "evidence" / "figures.yaml",), load_figures.__wrapped__, EvidenceError),
    "challenges": ((DATA / "teams" / "challenges.yaml",), load_challenges, ContentError),
    "polls": ((DATA / "class" / "polls.yaml",), load_polls.__wrapped__, PollError),
    "chime": ((DATA / "class" / "chime.yaml",), load_chime.__wrapped__, PollError),
}
"""Loader name: (the shipped files it reads, the call taking a path, its own error type)."""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _load_yaml_bytes(workdir: Path, loader: str, name: str, data: bytes) -> None:
    _paths, load, error = YAML_LOADERS[loader]
    path = workdir / loader / name  # the shipped file's name: a vignette's id must match it
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    only(error, lambda: load(path), names=path)


@pytest.mark.parametrize("loader", sorted(YAML_LOADERS))
class TestYamlLoaders:
    def test_the_shipped_files_load(self, workdir: Path, loader: str) -> None:
        paths, load, _error = YAML_LOADERS[loader]
        for path in paths:
            load(path)

    @FUZZ
    @given(data=st.data())
    def test_damaged_shipped_files_load_or_raise_the_loaders_error_naming_the_file(
        self, workdir: Path, loader: str, data: st.DataObject
    ) -> None:
        paths = YAML_LOADERS[loader][0]
        path = data.draw(st.sampled_from(paths), label="file")
        _load_yaml_bytes(workdir, loader, path.name, data.draw(mutated_yaml(path), label="bytes"))

    @FEW
    @given(content=arbitrary_yaml_bytes())
    def test_arbitrary_bytes_load_or_raise_the_loaders_error_naming_the_file(
        self, workdir: Path, loader: str, content: bytes
    ) -> None:
        _load_yaml_bytes(workdir, loader, YAML_LOADERS[loader][0][0].name, content)


def test_a_missing_file_or_a_folder_is_the_loaders_error_naming_it(workdir: Path) -> None:
    for loader, (_paths, load, error) in YAML_LOADERS.items():
        folder = workdir / "folders" / loader
        folder.mkdir(parents=True, exist_ok=True)
        for path in (workdir / "absent" / f"{loader}.yaml", folder):
            with pytest.raises(error, match=re.escape(str(path))):
                load(path)


# ----------------------------------------------------------------------------- CSV: structure-aware damage

JUNK_CELLS = (
    "", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400", "-0", "+3", "3.0", "2.5", "-1",
    "99999999999999999999999", "0x1", "1_0", "\u0663", "\uff13", "\u00b2", "True", "None", "null", " 2 ", "\t1",
    "=1+1", HUGE[:5000], '"', "\x00", "a\nb", "\u202e1", "1,2", ";", "1 2", "1e5", ".", "-", "0.0000001",
)  # fmt: skip


def junk_cells() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(JUNK_CELLS), st.text(max_size=20), st.integers().map(str), st.floats().map(repr))


@st.composite
def mutated_rows(draw: st.DrawFn, rows: list[list[str]]) -> list[list[str]]:
    """CSV rows with one to four changes: columns lost, renamed, repeated or added; rows lost or repeated; bad cells."""
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1)) if rows else 0
        width = max((len(row) for row in rows), default=0)
        c = draw(st.integers(0, max(0, width - 1)))
        kind = draw(
            st.sampled_from(
                ["cell", "cell", "cell", "drop_column", "drop_header", "rename", "repeat_column", "add_column",
                 "drop_row", "repeat_row", "short_row", "long_row", "blank_rows", "swap_rows"]
            )
        )  # fmt: skip
        if not rows:
            rows = [[draw(junk_cells())]]
        elif kind == "cell" and c < len(rows[r]):
            rows[r][c] = draw(junk_cells())
        elif kind == "drop_column":
            rows = [row[:c] + row[c + 1 :] for row in rows]
        elif kind == "drop_header":
            rows[0] = rows[0][:c] + rows[0][c + 1 :]
        elif kind == "rename" and c < len(rows[0]):
            rows[0][c] = draw(st.one_of(junk_cells(), st.sampled_from([rows[0][c].upper(), f" {rows[0][c]} ", ""])))
        elif kind == "repeat_column":
            rows = [row + row[c : c + 1] for row in rows]
        elif kind == "add_column":
            name = draw(st.sampled_from(["extra", "timepoint", "team", "person_id", ""]))
            rows = [rows[0] + [name], *(row + [draw(junk_cells())] for row in rows[1:])]
        elif kind == "drop_row":
            del rows[r]
        elif kind == "repeat_row":
            rows.insert(r, list(rows[r]))
        elif kind == "short_row":
            rows[r] = rows[r][: draw(st.integers(0, len(rows[r])))]
        elif kind == "long_row":
            rows[r] = rows[r] + draw(st.lists(junk_cells(), min_size=1, max_size=3))
        elif kind == "blank_rows":
            rows[r:r] = [[]] * draw(st.integers(1, 3)) if draw(st.booleans()) else [[""] * width]
        elif kind == "swap_rows":
            other = draw(st.integers(0, len(rows) - 1))
            rows[r], rows[other] = rows[other], rows[r]
    return rows


def write_csv(rows: list[list[str]], lineterminator: str = "\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=lineterminator).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def read_rows(path: Path, limit: int | None = None) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[:limit] if limit else rows


@st.composite
def mutated_csv(draw: st.DrawFn, rows: list[list[str]]) -> bytes:
    original = write_csv(rows)
    if draw(st.sampled_from(["structure", "structure", "bytes", "structure"])) == "bytes":
        return draw(damaged_bytes(original))
    return write_csv(draw(mutated_rows(rows)), draw(st.sampled_from(["\n", "\r\n", "\r"])))


SPECIAL_CSV = (
    b"",
    b"\n\n\n",
    b"\xef\xbb\xbf",
    b",,,",
    b'"unterminated',
    b"a,b\n1,2\n",
    b"\x00",
    b'"a""b",c\n',
    b"a\tb\tc\n1\t2\t3",
    b"=cmd|' /C calc'!A0",
    b"x" * 300_000,
    b"a," * 5000 + b"\n",
    b"\n" * 60 + b"a\n",
)


def arbitrary_csv_bytes() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(SPECIAL_CSV),
        st.binary(max_size=600),
        st.lists(st.lists(junk_cells(), max_size=6), max_size=6).map(write_csv),
    )


CATALOGUE_ROWS = read_rows(DATA / "measures" / "catalogue.csv")
COHORT_ROWS = read_rows(DATA / "synthetic" / "qpr15_cohort.csv", limit=41)
"""The header and the first 40 answer sets of the synthetic cohort (baseline and 12 months)."""
COHORT_ROWS += [row for row in read_rows(DATA / "synthetic" / "qpr15_cohort.csv") if row[1] == "12_months"][:20]
TEAM_ROWS = read_rows(DATA / "teams" / "synthetic_teams.csv")


# ----------------------------------------------------------------------------- the CSV readers


def _load_catalogue(workdir: Path, data: bytes) -> None:
    path = workdir / "catalogue.csv"
    path.write_bytes(data)
    only(CatalogueError, lambda: load_catalogue.__wrapped__(path), names=path)


def _read_responses(data: bytes) -> None:
    only(UploadError, lambda: read_responses(data, QPR15))
    only(UploadError, lambda: score_upload(data, QPR15, score_id="total", reliability=0.74, cutoff=50.0))


def _read_teams(data: bytes) -> None:
    only(UploadError, lambda: read_team_csv(data))
    only(UploadError, lambda: compare_teams(data, title="fuzz"))


class TestCsvReaders:
    def test_the_shipped_files_read(self) -> None:
        assert load_catalogue.__wrapped__(DATA / "measures" / "catalogue.csv")
        frame, problems, _rows = read_responses(write_csv(COHORT_ROWS), QPR15)
        assert len(frame) == 60 and not problems
        frame, problems = read_team_csv(write_csv(TEAM_ROWS))
        assert len(frame) == 7 and not problems

    @FUZZ
    @given(data=mutated_csv(CATALOGUE_ROWS))
    def test_damaged_catalogue_loads_or_raises_catalogue_error_naming_the_file(self, workdir: Path, data: bytes) -> None:
        _load_catalogue(workdir, data)

    @FEW
    @given(data=arbitrary_csv_bytes())
    def test_arbitrary_catalogue_loads_or_raises_catalogue_error_naming_the_file(self, workdir: Path, data: bytes) -> None:
        _load_catalogue(workdir, data)

    @FUZZ
    @given(data=mutated_csv(COHORT_ROWS))
    def test_damaged_response_files_score_or_raise_upload_error(self, data: bytes) -> None:
        _read_responses(data)

    @FEW
    @given(data=arbitrary_csv_bytes())
    def test_arbitrary_response_files_score_or_raise_upload_error(self, data: bytes) -> None:
        _read_responses(data)

    @FUZZ
    @given(data=mutated_csv(TEAM_ROWS))
    def test_damaged_team_files_compare_or_raise_upload_error(self, data: bytes) -> None:
        _read_teams(data)

    @FEW
    @given(data=arbitrary_csv_bytes())
    def test_arbitrary_team_files_compare_or_raise_upload_error(self, data: bytes) -> None:
        _read_teams(data)


# ----------------------------------------------------------------------------- exports: portfolio imports, class files

AT = "2025-01-02T03:04:05.678+00:00"
NOW = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)
SAVED = [
    SavedAnswer("01.1", "single_choice", {"chosen": ["A personal, individual process"]}, AT),
    SavedAnswer("01.2", "multiple_choice", {"chosen": ["x", "y"]}, AT),
    SavedAnswer("01.4", "numeric", {"value": 26.5}, AT),
    SavedAnswer("01.5", "categorise", {"placements": {"s01": "hope", "s02": None}}, AT),
    SavedAnswer("01.6", "likert", {"ratings": {"c": 4, "h": 5}}, AT),
    SavedAnswer("01.11", "reflection", {"text": "I will listen first. <b>--></b>"}, AT),
    SavedAnswer("03.vignette.example-first-meeting", "vignette", {"path": ["a", "b"], "finished": True}, AT),
]
EXPORTS = {
    "log.md": export_markdown(SAVED, CHAPTERS, now=NOW).encode("utf-8"),
    "log.html": export_html(SAVED, CHAPTERS, now=NOW).encode("utf-8"),
    "class.md": export_class_answers(SAVED, CHAPTERS, now=NOW).encode("utf-8"),
}
CLASS_FILES = dict(synthetic_class_files(2, 7, chapters=CHAPTERS))
_BLOCK = re.compile(rb"(<!--\s*" + re.escape(DATA_MARKER.encode()) + rb"\s)(.*?)(\s*-->)", re.DOTALL)


def _with_block(original: bytes, block_text: str) -> bytes:
    match = _BLOCK.search(original)
    assert match is not None
    return original[: match.start(2)] + block_text.encode("utf-8", "surrogatepass") + original[match.end(2) :]


@st.composite
def mutated_export(draw: st.DrawFn, original: bytes) -> bytes:
    """An export whose data block is structurally changed, its checksum usually made to match again."""
    choice = draw(st.sampled_from(["answer", "structure", "answer", "bytes", "text", "structure"]))
    if choice == "bytes":
        return draw(damaged_bytes(original))
    match = _BLOCK.search(original)
    assert match is not None
    block = json.loads(match.group(2))
    if choice == "text":  # arbitrary JSON-ish text in place of the block
        text = draw(st.one_of(st.text(max_size=200), st.sampled_from(["[" * 5000, "{}", "null", "NaN", '{"format":'])))
        return _with_block(original, text)
    if choice == "answer" and block["answers"]:  # one answer record changed in the ways the readers check
        record = draw(st.sampled_from(block["answers"]))
        field = draw(st.sampled_from(["question_id", "kind", "answer", "saved_at"]))
        record[field] = draw(
            st.one_of(
                odd_values(),
                st.sampled_from(["01.1", "01.2", "01.4", "01.5", "01.6", "99.9", "09.1", "01.1.1"]),
                st.sampled_from(["single_choice", "multiple_choice", "numeric", "categorise", "likert", "reflection"]),
                st.sampled_from(["2025-01-01T00:00:00+14:00", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-23:59",
                                 "2025-01-01T00:00:00", "2025-02-30T00:00:00+00:00", "2025-01-01"]),
                st.sampled_from([{"chosen": 5}, {"chosen": [None, 1]}, {"value": "x"}, {"value": [1]}, {"value": 1e308},
                                 {"placements": ["s01"]}, {"placements": {"s01": 5}}, {"placements": {"zz": "hope"}},
                                 {"ratings": {"c": 99}}, {"ratings": {"c": "4"}}, {"ratings": {"zz": 1}}, {"ratings": []},
                                 {"ratings": {"c": True}}, {"chosen": [[1]]}, {"text": 5}, {}]),
            )
        )  # fmt: skip
    else:
        block = draw(mutated_document(block))
    matching = draw(st.sampled_from([True, True, True, False]))
    if matching and isinstance(block, dict) and isinstance(block.get("answers"), list):
        try:
            block["answers_sha256"] = answers_sha256(block["answers"])
        except (TypeError, ValueError, RecursionError):
            pass
    try:
        text = json.dumps(block, ensure_ascii=draw(st.booleans()), sort_keys=True, allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        text = repr(block)
    if draw(st.sampled_from([True, True, True, False])):  # as data_block writes it, or with raw <, > and &
        text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return _with_block(original, text)


def arbitrary_export_bytes() -> st.SearchStrategy[bytes]:
    prefix = f"<!-- {DATA_MARKER} ".encode()
    return st.one_of(
        st.binary(max_size=600),
        st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.text(max_size=300).map(lambda text: prefix + text.encode("utf-8", "surrogatepass") + b" -->"),
        st.sampled_from([prefix, prefix + b"[" * 100_000 + b" -->", prefix * 2, b"\xef\xbb\xbf" + prefix + b"{} -->", b"x" * 5_000_001]),
    )


def _parse(data: bytes) -> None:
    only(PortfolioError, lambda: parse_export(data))


def _class_file(data: bytes) -> None:
    read = only(PortfolioError, lambda: read_class_file("student.md", data))
    batch = read_class_files([("student.md", data), ("again.md", data)])  # never raises
    assert len(batch.files) + len(batch.skipped) == 2 and all(s.reason for s in batch.skipped)
    if read is not None:
        class_results(batch.files, CHAPTERS)  # a file the reader took never breaks the board


class TestExports:
    def test_the_shipped_exports_read(self) -> None:
        for data in EXPORTS.values():
            assert parse_export(data).answers
        for name, data in CLASS_FILES.items():
            assert read_class_file(name, data).answers

    @FUZZ
    @given(data=st.sampled_from(sorted(EXPORTS)).flatmap(lambda name: mutated_export(EXPORTS[name])))
    def test_damaged_exports_import_or_raise_portfolio_error(self, data: bytes) -> None:
        _parse(data)

    @FEW
    @given(data=arbitrary_export_bytes())
    def test_arbitrary_bytes_import_or_raise_portfolio_error(self, data: bytes) -> None:
        _parse(data)

    @FUZZ
    @given(data=st.sampled_from(sorted(CLASS_FILES)).flatmap(lambda name: mutated_export(CLASS_FILES[name])))
    def test_damaged_class_files_are_read_or_refused_and_never_break_the_results(self, data: bytes) -> None:
        _class_file(data)

    @FEW
    @given(data=arbitrary_export_bytes())
    def test_arbitrary_class_files_are_read_or_refused(self, data: bytes) -> None:
        _class_file(data)


# ----------------------------------------------------------------------------- the upload widgets


def _html(widget: ipw.Widget) -> Iterator[str]:
    if isinstance(widget, ipw.HTML):
        yield widget.value
    for child in getattr(widget, "children", ()):
        yield from _html(child)


def assert_shows_a_notice(container: ipw.Widget, message: ipw.HTML) -> None:
    assert NOTICE in message.value, message.value[:300]
    page = "\n".join(_html(container))
    assert "Traceback" not in page


def upload_value(data: bytes, name: str) -> tuple[dict[str, Any], ...]:
    return ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data), "last_modified": NOW},)


_VIEWS: dict[str, Any] = {}


def team_view() -> TeamComparisonView:
    if "team" not in _VIEWS:
        _VIEWS["team"] = TeamComparisonView()
    return _VIEWS["team"]


def score_view() -> UploadScoreView:
    if "score" not in _VIEWS:
        _VIEWS["score"] = UploadScoreView()
    return _VIEWS["score"]


def class_view() -> ClassResultsView:
    if "class" not in _VIEWS:
        _VIEWS["class"] = ClassResultsView(chapters=CHAPTERS)
    return _VIEWS["class"]


@pytest.fixture(scope="module")
def portfolio_view(tmp_path_factory: pytest.TempPathFactory) -> PortfolioView:
    store = AnswerStore(tmp_path_factory.mktemp("portfolio") / "answers.sqlite3")
    return PortfolioView(store, None, chapters=CHAPTERS)


def _team(data: bytes) -> None:
    view = team_view()
    view.process(data, "teams.csv")
    assert_shows_a_notice(view.container, view.summary)


def _score(data: bytes) -> None:
    view = score_view()
    view.process(data, "answers.csv")
    assert_shows_a_notice(view.container, view.summary)


def _portfolio(view: PortfolioView, data: bytes) -> None:
    view.import_file(data, "log.md")
    assert_shows_a_notice(view.container, view.status)


def _board(data: bytes) -> None:
    view = class_view()
    view.clear()
    view.add_files([("student.md", data)])
    assert_shows_a_notice(view.container, view.summary)


class TestUploadWidgets:
    @FUZZ
    @given(data=st.one_of(mutated_csv(TEAM_ROWS), arbitrary_csv_bytes()))
    def test_team_board_shows_a_notice_for_any_file(self, data: bytes) -> None:
        _team(data)

    @FUZZ
    @given(data=st.one_of(mutated_csv(COHORT_ROWS), arbitrary_csv_bytes()))
    def test_upload_and_score_shows_a_notice_for_any_file(self, data: bytes) -> None:
        _score(data)

    @FUZZ
    @given(data=st.one_of(st.sampled_from(sorted(EXPORTS)).flatmap(lambda n: mutated_export(EXPORTS[n])), arbitrary_export_bytes()))
    def test_portfolio_import_shows_a_notice_for_any_file(self, portfolio_view: PortfolioView, data: bytes) -> None:
        _portfolio(portfolio_view, data)

    @FUZZ
    @given(
        data=st.one_of(
            st.sampled_from(sorted(CLASS_FILES)).flatmap(lambda n: mutated_export(CLASS_FILES[n])), arbitrary_export_bytes()
        )
    )
    def test_class_results_board_shows_a_notice_for_any_file(self, data: bytes) -> None:
        _board(data)

    @FEW
    @given(data=st.one_of(mutated_csv(TEAM_ROWS), mutated_csv(COHORT_ROWS), arbitrary_export_bytes()))
    def test_each_file_upload_observer_shows_a_notice(self, portfolio_view: PortfolioView, data: bytes) -> None:
        """Through ``FileUpload.value``, as the browser delivers a file."""
        class_view().clear()
        for view, message in (
            (team_view(), "summary"),
            (score_view(), "summary"),
            (portfolio_view, "status"),
            (class_view(), "summary"),
        ):
            view.upload.value = upload_value(data, "upload.csv")
            assert_shows_a_notice(view.container, getattr(view, message))
