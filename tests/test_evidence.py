"""Trial figures and the radar option for self-ratings."""

from __future__ import annotations

import html

import ipywidgets as ipw
import pytest

from widgets import Chapter
from widgets.content.evidence import EvidenceError, load_figures
from widgets.content.exercises import LikertQuestion, load_exercise_file
from widgets.content.loading import ContentError
from widgets.logic.evidence import bars_html
from widgets.views.evidence import evidence_chart
from widgets.views.exercises import view_for


def test_ips_figures_are_the_published_percentages() -> None:
    figure = load_figures()["ips-employment"]
    assert [row.values for row in figure.rows] == [(55, 28), (61, 23)]
    assert all(row.source and row.design for row in figure.rows)


def test_every_figure_draws_as_labelled_bars_with_a_table() -> None:
    for figure_id, figure in load_figures().items():
        drawn = bars_html(figure)
        for row in figure.rows:
            assert html.escape(row.label) in drawn
            assert all(f"width:{value:g}%" in drawn and f">{value:g}%<" in drawn for value in row.values)
        assert all(f"<span>{html.escape(series)}</span>" in drawn for series in figure.series)  # named, not colour alone
        box = evidence_chart(figure_id)
        table = box.children[-1].value
        assert all(html.escape(row.label) in table for row in figure.rows)


def test_the_gap_appears_in_words_when_asked_for() -> None:
    box = evidence_chart("ips-employment")
    show_gap = next(child for child in box.children if isinstance(child, ipw.Checkbox))
    gaps = box.children[box.children.index(show_gap) + 1]
    assert gaps.value == ""
    show_gap.value = True
    assert "+27 percentage points" in gaps.value and "+38 percentage points" in gaps.value
    show_gap.value = False
    assert gaps.value == ""


def test_a_value_outside_0_to_100_percent_is_refused(tmp_path) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text("figures:\n  - {id: a, title: t, measure: m, series: [A], rows: [{label: r, values: [101], design: d, source: s}]}\n")
    with pytest.raises(EvidenceError, match="rows.0.values.0"):
        load_figures.__wrapped__(path)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("figures:\n  - {id: a, title: t, measure: m, series: [A, B], rows: [{label: r, values: [1], design: d, source: s}]}\n", "1 values for 2 series"),
        ("figures:\n  - {id: a, title: t, measure: m, series: [A], rows: []}\n", "rows"),
        ("figures:\n  - {id: a, title: ' ', measure: m, series: [A], rows: [{label: r, values: [1], design: d, source: s}]}\n", "title"),
        ("figures: [\n", "not valid YAML at line 2"),
        ("figures: []\n", "no figures"),
        # Found by tests/test_fuzz.py: a file that is not a mapping, or figures that are not a list, raised
        # AttributeError or TypeError.
        ("(\n", r"figure '\(file\)', field '\(whole file\)': expected a mapping"),
        ("- id: a\n", r"field '\(whole file\)': expected a mapping"),
        ("figures: 5\n", r"figure '\(file\)', field 'figures': expected a list"),
        ("figures: {id: a}\n", "field 'figures': expected a list"),
    ],
)
def test_a_bad_figures_file_names_the_figure_and_field(tmp_path, text: str, field: str) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(text)
    with pytest.raises(EvidenceError, match=field):
        load_figures.__wrapped__(path)


def test_an_unknown_figure_is_a_message_in_the_page(tmp_path) -> None:
    widget = Chapter("01-understanding-recovery", db_path=tmp_path / "a.sqlite3").evidence_chart("no-such-figure")
    assert "no-such-figure" in widget.value


def _likert(**extra) -> LikertQuestion:
    items = [{"id": f"i{n}", "text": f"Capability {n}"} for n in range(extra.pop("n", 5))]
    scale = {"min": 1, "max": 5, "low_label": "not yet", "high_label": "confidently"}
    return LikertQuestion.model_validate({"id": "02.1", "type": "likert", "prompt": "p", "source": "s", "scale": scale, "items": items, **extra})


def test_radar_likert_is_shown_back_as_a_polar_chart() -> None:
    view = view_for(_likert(chart="radar"), store=None)
    for dropdown in view.ratings.values():
        dropdown.value = 4
    view.check_button.click()
    (output,) = view.chart.outputs
    assert output["data"]["application/vnd.plotly.v1+json"]["data"][0]["type"] == "scatterpolar"


def test_radar_needs_three_items(tmp_path) -> None:
    path = tmp_path / "02-x.yaml"
    path.write_text(
        "chapter: '02'\ntitle: t\nquestions:\n  - {id: '02.1', type: likert, prompt: p, source: s, chart: radar,\n"
        "     scale: {min: 1, max: 5, low_label: a, high_label: b}, items: [{id: a, text: A}, {id: b, text: B}]}\n"
    )
    with pytest.raises(ContentError, match="'02.1', field 'chart'"):
        load_exercise_file(path)
