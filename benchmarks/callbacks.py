"""Widget callback latency of the heaviest views, and batch speed at 1,000 / 10,000 / 100,000 rows.

A callback's time is the kernel's work for one user action (reading the controls,
computing, building the new HTML or chart spec) plus serialising every changed
widget's state to JSON, as the kernel does before sending it. The browser's
drawing is not included (the Voilà timings cover the page as a whole).
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import ipywidgets as ipw
import numpy as np
import pandas as pd

from benchmarks.class_results import take
from benchmarks.common import Summary, timed
from widgets.content.exercises import all_chapters
from widgets.content.instruments import load_instruments
from widgets.content.polls import load_polls
from widgets.content.vignettes import load_frameworks
from widgets.language import LanguageChecker
from widgets.logic.classresults.aggregate import class_results
from widgets.logic.classresults.reading import read_class_files
from widgets.logic.classresults.synthetic import CLASS_SEED, synthetic_class_files
from widgets.logic.measurement import psychometrics
from widgets.logic.measurement.scoring import score_frame
from widgets.storage.classstore import ClassStore
from widgets.views.classresults import ClassResultsView
from widgets.views.measuring import MeasureExplorer, RCIExplorer
from widgets.views.polls import PollBoard
from widgets.views.teams import TeamComparisonView

SIZES = (1_000, 10_000, 100_000)


def _serialise(changed: Sequence[ipw.Widget]) -> None:
    for widget in changed:
        json.dumps(widget.get_state(), default=str)


def _latencies(actions: Sequence[Callable[[], None]], changed: Sequence[ipw.Widget]) -> Summary:
    times = []
    for action in actions:
        start = time.perf_counter()
        action()
        _serialise(changed)
        times.append(time.perf_counter() - start)
    return Summary(tuple(times))


def _set(widget: ipw.Widget, value: object) -> Callable[[], None]:
    return lambda: setattr(widget, "value", value)


def rci_explorer() -> Summary:
    explorer = RCIExplorer()
    actions = [_set(explorer.post, float(v)) for v in range(10, 61)] + [
        _set(explorer.reliability, float(round(r, 2))) for r in np.linspace(0.5, 0.95, 40)
    ]
    return _latencies(actions, [explorer.chart, explorer.result])


def measure_explorer() -> Summary:
    explorer = MeasureExplorer()
    options = [value for _label, value in explorer.length.options] + [value for _label, value in explorer.perspective.options]
    controls = [explorer.length] * len(explorer.length.options) + [explorer.perspective] * len(explorer.perspective.options)
    actions = [_set(control, value) for control, value in zip(controls, options, strict=True)] * 5
    return _latencies(actions, [explorer.results, explorer.details, explorer.count])


def team_board() -> Summary:
    view = TeamComparisonView()
    return _latencies([view.show_example] * 30, [view.chart, view.table, view.ranking])


def language_checker() -> Summary:
    checker = LanguageChecker()
    texts = [
        "The schizophrenic patient was non-compliant and refused meds; she is a frequent attender.",
        "Sam manages their own medication and has chosen to try work again.",
    ] * 25
    actions = []
    for text in texts:
        actions.append(lambda text=text: (setattr(checker.text, "value", text), checker._on_change()))
    return _latencies(actions, [checker.result])


def class_results_board(students: int = 30) -> Summary:
    view = ClassResultsView()
    files = synthetic_class_files(students, CLASS_SEED, chapters=view.chapters)
    view.add_files(files)
    choices = [value for _label, value in view.chapter.options]
    actions = [_set(view.chapter, choice) for choice in choices] * 5
    return _latencies(actions, [view.board])


def poll_board(voters: int = 30) -> Summary:
    with tempfile.TemporaryDirectory() as folder:
        store = ClassStore(f"sqlite:///{Path(folder) / 'class.sqlite3'}", lecturer_code="bench")
        board = PollBoard(load_polls(), load_frameworks(), store)
        store.set_open(board.poll.id, True, code="bench")
        voter_ids = [uuid.uuid4().hex for _ in range(voters)]
        options = [item.id for item in load_frameworks().chime.items]

        def vote_and_refresh(index: int) -> None:
            store.vote(board.poll.id, voter_ids[index % voters], options[index % len(options)])
            board.refresh()

        summary = _latencies([lambda i=i: vote_and_refresh(i) for i in range(100)], [board.tally])
        store.close()
    return summary


HEAVY_VIEWS: dict[str, Callable[[], Summary]] = {
    "RCI explorer: move a score or the reliability": rci_explorer,
    "Measure explorer: change a filter": measure_explorer,
    "ImROC team board: compare the example teams (heatmap)": team_board,
    "Language checker: check a sentence": language_checker,
    "Class-results board (30 students): switch chapter": class_results_board,
    "Poll board: a vote arrives and the board refreshes": poll_board,
}


# --------------------------------------------------------------------------- rows


def scoring_times(repeat: int) -> dict[int, Summary]:
    """Scoring QPR-15 at two time points and classifying change, for each row count."""
    instrument = load_instruments()["QPR-15"]
    rng = np.random.default_rng(1)
    result = {}
    for rows in SIZES:
        pre = pd.DataFrame(rng.integers(0, 5, size=(rows, 15)).astype(float), columns=list(instrument.item_ids))
        post = pd.DataFrame(rng.integers(0, 5, size=(rows, 15)).astype(float), columns=list(instrument.item_ids))
        pre.iloc[::50, 3] = np.nan

        def run(pre: pd.DataFrame = pre, post: pd.DataFrame = post) -> None:
            before = score_frame(instrument, pre)["total"].to_numpy()
            after = score_frame(instrument, post)["total"].to_numpy()
            psychometrics.classify_changes(before, after, sd_baseline=10.1, reliability=0.74, cutoff=50)

        result[rows] = timed(run, repeat)
    return result


def aggregation_times(repeat: int) -> dict[int, tuple[int, Summary]]:
    """Aggregating the class board's answers (already read) for each answer count: (files, timings)."""
    chapters, problems = all_chapters()
    if problems:
        raise RuntimeError("\n".join(problems))
    pool = read_class_files(synthetic_class_files(1_600, CLASS_SEED, chapters=chapters), max_files=None, max_total_bytes=None)
    result = {}
    for answers in SIZES:
        count, files = take(pool.files, answers)
        result[answers] = (count, timed(lambda files=files: class_results(files, chapters), repeat))
    return result
