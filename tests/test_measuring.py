"""Chapter 06/07 widgets driven without a browser."""

from __future__ import annotations

import base64
import re

import ipywidgets as ipw
import numpy as np
import pytest

from widgets.content.instruments import load_instruments
from widgets.content.people import PeopleError, load_people
from widgets.logic.measurement.change import explore_change
from widgets.logic.measurement.cohort import cohort_path
from widgets.logic.measurement.people import person_result
from widgets.logic.measurement.scoring import scoring_working
from widgets.views import measuring
from widgets.views.measuring import PersonScoringView, RCIExplorer, UploadScoreView

QPR15 = load_instruments()["QPR-15"]


class TestPeople:
    def test_every_fictional_person_is_scorable_or_has_a_reason(self) -> None:
        for person_id in load_people():
            value = person_result(person_id)["total"]
            assert value.value is not None or value.reason

    def test_a_person_with_a_wrong_item_set_is_refused(self, tmp_path) -> None:
        path = tmp_path / "people.yaml"
        path.write_text("people:\n  - {id: x, name: X, instrument: QPR-15, context: c, answers: {qpr15_01: 1}}\n")
        with pytest.raises(PeopleError, match="needs exactly the items"):
            load_people.__wrapped__(path)

    # Found by tests/test_fuzz.py: an answer off the scale let the engine's ScoringError out, naming no file.
    @pytest.mark.parametrize(
        ("person", "message"),
        [
            ("{id: x, name: X, instrument: QPR-15, context: c, answers: {%s}}" % ", ".join(
                f"qpr15_{n:02d}: {-1 if n == 1 else 2}" for n in range(1, 16)),
             "person 'x', field 'answers': QPR-15: item 'qpr15_01': value -1 is outside the response scale 0-4"),
            ("{id: x, name: X, instrument: QPR-15, context: c, answers: [1, 2]}", "person 'x', field 'answers': "),
            ("{id: x, name: [X], instrument: QPR-15, context: c, answers: {}}", "person 'x', field 'name': "),
            ("5", "person '#1', field '(whole person)': "),
            ("{id: x, name: X, instrument: QPR-15, context: c, answers: {%s}}\n  - {id: x, name: Y, instrument: QPR-15, "
             "context: c, answers: {%s}}" % ((", ".join(f"qpr15_{n:02d}: 1" for n in range(1, 16)),) * 2),
             "person 'x', field 'id': duplicate"),
        ],
    )  # fmt: skip
    def test_a_bad_person_is_a_people_error_naming_the_file_the_person_and_the_field(
        self, tmp_path, person: str, message: str
    ) -> None:
        path = tmp_path / "people.yaml"
        path.write_text(f"people:\n  - {person}\n")
        with pytest.raises(PeopleError) as caught:
            load_people.__wrapped__(path)
        assert type(caught.value) is PeopleError and str(caught.value).startswith(f"{path}: {message}")

    @pytest.mark.parametrize("text", ["people: 5\n", "- a\n", "just text\n", "", "people: {id: x}\n"])
    def test_a_file_without_a_list_of_people_is_a_people_error_naming_the_file(self, tmp_path, text: str) -> None:
        path = tmp_path / "people.yaml"
        path.write_text(text)
        with pytest.raises(PeopleError, match="field 'people': expected a mapping with a list of people") as caught:
            load_people.__wrapped__(path)
        assert str(caught.value).startswith(f"{path}: ")


class TestScoringWorking:
    def test_complete_answers_are_added_up(self) -> None:
        text = scoring_working(QPR15, load_people()["sam"].answers)
        assert text.endswith("= 36.")

    def test_blank_items_are_prorated_with_the_arithmetic_shown(self) -> None:
        text = scoring_working(QPR15, load_people()["noor"].answers)
        assert "32 ÷ 13 × 15 = 36.9" in text

    def test_too_many_blanks_means_no_score(self) -> None:
        assert "no score" in scoring_working(QPR15, load_people()["lee"].answers)


class TestPersonScoringView:
    def test_the_score_appears_only_when_asked(self) -> None:
        view = PersonScoringView("noor")
        assert view.result.value == "" and "36.9" not in view.table.value
        view.button.click()
        assert "36.9" in view.result.value and "prorated" in view.result.value


class TestExploreChange:
    def test_a_reliable_improvement_across_the_cutoff_is_recovered(self) -> None:
        cohort = np.array([30.0, 52.0])  # 30 -> 50 crosses the cut-off; 52 -> 72 starts above it
        result = explore_change(30, 52, sd_baseline=10, reliability=0.8, cutoff=50, cohort_pre=cohort, cohort_post=cohort + 20)
        assert result.person.reliable and result.person_class == "recovered"
        assert result.counts == {"recovered": 1, "improved": 1, "unchanged": 0, "deteriorated": 0}


class TestRCIExplorer:
    def test_moving_a_control_changes_the_classification(self) -> None:
        explorer = RCIExplorer(pre=36, post=44)
        assert "Unchanged" in explorer.result.value
        explorer.post.value = 56
        assert "Recovered" in explorer.result.value
        explorer.cutoff.value = 58
        assert "Improved" in explorer.result.value
        explorer.post.value = 14
        assert "Deteriorated" in explorer.result.value

    def test_higher_reliability_makes_more_of_the_cohort_change_reliably(self) -> None:
        explorer = RCIExplorer()
        unchanged = int(re.search(r"Unchanged</th><td>(\d+)", explorer.result.value).group(1))
        explorer.reliability.value = 0.89
        assert int(re.search(r"Unchanged</th><td>(\d+)", explorer.result.value).group(1)) < unchanged

    def test_the_chart_is_well_formed_svg_with_every_person_marked_by_shape_and_colour(self) -> None:
        import xml.etree.ElementTree as ElementTree

        explorer = RCIExplorer()
        svg = ElementTree.fromstring(explorer.chart.value)
        ns = {"s": "http://www.w3.org/2000/svg"}
        assert svg.get("role") == "img" and "synthetic people" in svg.find("s:desc", ns).text
        plotted = svg.find("s:g[@clip-path]", ns)
        markers = [child for child in plotted if child.tag.endswith(("polygon", "circle"))]
        assert len(markers) == len(explorer.cohort_pre) + 1  # everyone, plus this person
        legend = " ".join(text.text for text in svg.iter("{http://www.w3.org/2000/svg}text") if text.text)
        counts = {int(n) for n in re.findall(r"(?:Recovered|Improved|Unchanged|Deteriorated) \((\d+)\)", legend)}
        assert sum(int(n) for n in re.findall(r"(?:Recovered|Improved|Unchanged|Deteriorated) \((\d+)\)", legend)) == len(explorer.cohort_pre)
        assert counts and "Reliable change band" in legend and "This person" in legend
        assert "Synthetic data" in str(explorer.container.children[-1].value)

    def test_the_chart_follows_the_controls(self) -> None:
        explorer = RCIExplorer(pre=36, post=44)
        before = explorer.chart.value
        explorer.reliability.value = 0.5
        assert explorer.chart.value != before and "(±" in explorer.chart.value


class TestUploadScoreView:
    def test_the_cohort_file_is_scored_with_a_download(self) -> None:
        view = UploadScoreView()
        view.process(cohort_path().read_bytes(), "cohort.csv")
        assert "761 rows read" in view.summary.value and "Cronbach" in view.summary.value
        assert "Line " in view.problems.value
        payload = re.search(r"base64,([A-Za-z0-9+/=]+)", view.download.value).group(1)
        assert base64.b64decode(payload).decode().startswith("person_id,timepoint,score")

    def test_a_bad_file_is_a_message_not_a_traceback(self) -> None:
        view = UploadScoreView()
        view.process(b"\x00\xff", "<img src=x>.csv")
        assert "not UTF-8" in view.summary.value and "<img" not in view.summary.value
        assert view.download.value == ""

    def test_the_file_upload_control_feeds_process(self) -> None:
        view = UploadScoreView()
        data = cohort_path().read_bytes()
        view.upload.set_state({"value": [{"name": "c.csv", "type": "text/csv", "size": len(data), "content": memoryview(data), "last_modified": 0}]})
        assert "c.csv: scored" in view.summary.value


def test_every_chapter_call_returns_a_widget() -> None:
    for widget in (
        measuring.measure_explorer(),
        measuring.person_scoring("sam"),
        measuring.floor_and_ceiling(),
        measuring.cohort_reliability(),
        measuring.rci_explorer(),
        measuring.upload_and_score(),
    ):
        assert isinstance(widget, ipw.Widget)
    assert "Synthetic data" in measuring.floor_and_ceiling().children[-1].value
