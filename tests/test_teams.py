"""Chapter 05's team comparison: the challenges, reading team files, the ranking, the heatmap, the generator, the view."""

from __future__ import annotations

import base64
import csv
import io
import re
import time
from pathlib import Path

import ipywidgets as ipw
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from widgets.content.exercises import (
    LikertQuestion,
    MultipleChoiceQuestion,
    load_exercises,
)
from widgets.content.loading import ContentError
from widgets.content.teams import load_challenges
from widgets.logic.measurement.uploads import UploadError
from widgets.logic.teams import (
    MAX_TEAM_FILE_BYTES,
    MAX_TEAMS,
    SYNTHETIC_LABEL,
    TEAMS_SEED,
    TeamRowProblem,
    cell_colours,
    compare_teams,
    heatmap_html,
    read_team_csv,
    synthetic_teams,
    synthetic_teams_path,
    weakest_challenges,
)
from widgets.views.teams import TeamComparisonView, team_comparison

CHALLENGES = load_challenges()
IDS = [f"ch{number:02d}" for number in range(1, 11)]
HEADER = "team," + ",".join(IDS)
GOOD = [2] * 10


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def row(team: str, ratings: list[object]) -> str:
    return ",".join([team, *("" if r is None else str(r) for r in ratings)])


# ----------------------------------------------------------------------------- the ten challenges


class TestChallenges:
    def test_the_ten_challenges_load_in_order_with_short_labels(self) -> None:
        assert CHALLENGES.ids == tuple(IDS)
        assert all(0 < len(challenge.label) <= 40 for challenge in CHALLENGES.challenges)
        assert CHALLENGES.label("ch06") == "A new approach to risk"

    def test_the_source_is_cited_and_the_stage_labels_are_cited_to_imroc(self) -> None:
        assert "Shepherd" in CHALLENGES.source and "2010" in CHALLENGES.source
        assert CHALLENGES.stages.confirmed is True
        assert CHALLENGES.stages.labels == ("Engagement", "Development", "Transformation")
        assert "ImROC" in CHALLENGES.stages.note and "confirm" not in CHALLENGES.stages.note
        assert (CHALLENGES.scale.min, CHALLENGES.scale.max) == (1, 3)
        assert CHALLENGES.stage_words() == "1 = Engagement, 2 = Development, 3 = Transformation"

    def test_the_chapter_self_assessment_rates_the_same_challenges_on_the_same_scale(self) -> None:
        question = load_exercises("05-changing-services").question("05.4")
        assert isinstance(question, LikertQuestion) and question.chart == "radar"
        assert [item.id for item in question.items] == IDS
        for item, challenge in zip(question.items, CHALLENGES.challenges, strict=True):
            assert item.text == f"{int(challenge.id[2:])}. {challenge.label}"
        assert (question.scale.min, question.scale.max) == (CHALLENGES.scale.min, CHALLENGES.scale.max)
        assert "Engagement" in question.scale.low_label and "confirm" not in question.prompt

    @pytest.mark.parametrize(
        ("edit", "field"),
        [
            (lambda text: text.replace("id: ch03", "id: ch33"), "challenges.2.id"),
            (lambda text: text.replace("id: ch04", "id: ch05", 1), "(whole file)"),
            (lambda text: text.replace("[Engagement, Development, Transformation]", "[Engagement, Transformation]"), "(whole file)"),
            (lambda text: text.replace('label: "A Recovery College"', 'label: ""'), "challenges.2.label"),
            (lambda text: text.replace("citation:", "citaton:"), "citation"),
        ],
        ids=["bad-id", "ids-out-of-order", "stage-count", "blank-label", "misspelt-key"],
    )
    def test_a_broken_challenges_file_is_a_content_error_naming_file_and_field(
        self, tmp_path: Path, edit, field: str
    ) -> None:
        source = (Path(__file__).parent.parent / "data" / "teams" / "challenges.yaml").read_text(encoding="utf-8")
        path = tmp_path / "challenges.yaml"
        path.write_text(edit(source), encoding="utf-8")
        with pytest.raises(ContentError) as error:
            load_challenges(path)
        assert str(path) in str(error.value) and f"field '{field}'" in str(error.value)

    def test_a_challenges_file_that_is_not_yaml_is_a_content_error(self, tmp_path: Path) -> None:
        path = tmp_path / "challenges.yaml"
        path.write_text("challenges: [unclosed", encoding="utf-8")
        with pytest.raises(ContentError, match="not valid YAML"):
            load_challenges(path)


# ----------------------------------------------------------------------------- reading team files


class TestWholeFileProblems:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "empty"),
            (b"  \n\n , \n", "empty"),
            (b"\xff\xfeteam", "not UTF-8"),
            (b"x" * (MAX_TEAM_FILE_BYTES + 1), "limit is 200,000 bytes"),
            (csv_of(row("A", GOOD[:9]), header="team," + ",".join(IDS[:9])), r"Missing column\(s\): ch10"),
            (csv_of(row("A", GOOD), header=",".join(IDS)), r"Missing column\(s\): team"),
            (csv_of(row("A", GOOD) + ",5", header=HEADER + ",size"), r"Unknown column\(s\): 'size'"),
            (csv_of(row("A", GOOD) + ",", header=HEADER + ","), "an unnamed column"),
            (csv_of(row("A", GOOD) + ",2", header=HEADER + ",CH01"), "named more than once in the first line: ch01"),
            (csv_of(), "no teams"),
            (csv_of(*(row(f"T{i}", GOOD) for i in range(MAX_TEAMS + 1))), f"at most {MAX_TEAMS}"),
            (csv_of(row("A" * 140_000, GOOD)), "could not be read as CSV"),
        ],
        ids=[
            "empty", "only-blank-cells", "not-utf8", "too-big", "missing-challenge", "missing-team", "unknown-column",
            "unnamed-column", "repeated-column", "header-only", "too-many-teams", "field-too-large",
        ],  # fmt: skip
    )
    def test_an_unusable_file_raises_one_clear_upload_error(self, data: bytes, message: str) -> None:
        with pytest.raises(UploadError, match=message):
            read_team_csv(data)

    @pytest.mark.parametrize("extra", [20_000, 80])
    def test_a_header_of_repeated_names_is_refused_at_once(self, extra: int) -> None:
        """Issue 14, point 6: 20,000 repeated names took 7.8 s (a count per name); now one pass."""
        started = time.perf_counter()
        with pytest.raises(UploadError, match="columns; at most 100" if extra > 89 else "more than once"):
            read_team_csv(csv_of(row("A", GOOD), header=HEADER + ",ch01" * extra))
        assert time.perf_counter() - started < 0.5


class TestRowProblems:
    def test_each_kind_of_bad_row_is_set_aside_with_its_line_and_reason(self) -> None:
        data = csv_of(
            row("Alpha", GOOD),  # line 2: fine
            row("", GOOD),  # line 3: blank team
            row("Alpha", GOOD),  # line 4: duplicate team
            row("Gamma", [2] * 9 + ["two"]),  # line 5: not a number
            row("Delta", [2] * 9 + [4]),  # line 6: out of range (too high)
            row("Epsilon", [0] + [2] * 9),  # line 7: out of range (too low)
            row("Zeta", [2] * 9 + [2.5]),  # line 8: not a whole number
            row("Eta", [2] * 8 + [None, " "]),  # line 9: missing ratings
            row("Theta", GOOD) + ",3",  # line 10: too many values
            "Iota,2,2",  # line 11: too few values
            row("Kappa", [3] * 10),  # line 12: fine
        )
        frame, problems = read_team_csv(data)
        reasons = {problem.line: problem.reason for problem in problems}
        assert set(reasons) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
        assert reasons[3] == "no team name"
        assert reasons[4] == "duplicate team: 'Alpha' is already on line 2"
        assert reasons[5] == "not a number: ch10 'two'"
        assert reasons[6] == "out of range (whole numbers 1-3 only): ch10 '4'"
        assert reasons[7] == "out of range (whole numbers 1-3 only): ch01 '0'"
        assert reasons[8] == "out of range (whole numbers 1-3 only): ch10 '2.5'"
        assert reasons[9] == "missing rating: ch09, ch10"
        assert reasons[10] == "12 values but the first line names 11 columns"
        assert reasons[11].startswith("missing rating: ch03, ch04, ch05, ch06 and 4 more")
        assert list(frame.index) == [2, 12] and list(frame["team"]) == ["Alpha", "Kappa"]
        assert frame[IDS].dtypes.eq("int64").all() and frame.loc[12, "ch05"] == 3
        assert {problem.team for problem in problems} >= {"(blank)", "Alpha", "Iota"}

    def test_a_row_with_several_problems_gets_every_reason_in_one_entry(self) -> None:
        (problem,) = read_team_csv(csv_of(row(" ", ["x", 9, None, *[2] * 7])))[1]
        assert problem == TeamRowProblem(
            2, "(blank)",
            "no team name; missing rating: ch03; not a number: ch01 'x'; out of range (whole numbers 1-3 only): ch02 '9'",
        )  # fmt: skip

    def test_line_numbers_count_blank_lines_and_line_breaks_inside_quoted_names(self) -> None:
        data = csv_of("", row('"North\nTeam"', GOOD), "", row("South", [9] * 10))
        frame, problems = read_team_csv(data)
        assert list(frame.index) == [3] and frame.loc[3, "team"] == "North\nTeam"
        assert [problem.line for problem in problems] == [6]

    def test_header_case_column_order_spaces_bom_and_decimal_wholes_are_accepted(self) -> None:
        header = " CH10 ," + ",".join(reversed(IDS[:9])) + ", Team"
        data = ("\ufeff" + header + "\n" + ",".join(["3.0", *["1"] * 9, " Wards & <Co> "]) + "\r\n").encode("utf-8")
        frame, problems = read_team_csv(data)
        assert problems == ()
        assert frame.loc[2, "team"] == "Wards & <Co>" and frame.loc[2, "ch10"] == 3 and frame.loc[2, "ch01"] == 1
        assert list(frame.columns) == ["team", *IDS]

    def test_every_row_bad_gives_an_empty_frame_and_no_ranking(self) -> None:
        result = compare_teams(csv_of(row("", GOOD), row("B", [7] * 10)), title="t")
        assert result.ratings.empty and len(result.problems) == 2
        assert result.ranking is None and result.heatmap is None


_CELLS = st.one_of(
    st.sampled_from(["1", "2", "3", " 2 ", "2.0", "0", "4", "-1", "2.5", "1e0", "nan", "inf", "x", "", "Alpha"]),
    st.text(max_size=12),
    st.integers(-5, 10).map(str),
)
_COLUMNS = st.lists(st.sampled_from(["team", *IDS, "TEAM", "note", "", "ch11"]), min_size=0, max_size=13)


@st.composite
def cell_frames(draw: st.DrawFn) -> bytes:
    """A CSV made of an arbitrary header (often the right one) and arbitrary cells, possibly ragged."""
    header = draw(st.one_of(st.just(["team", *IDS]), st.permutations(["team", *IDS]).map(list), _COLUMNS))
    width = len(header)
    rows = draw(st.lists(st.lists(_CELLS, min_size=max(0, width - 2), max_size=width + 2), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


class TestAnyInput:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(cell_frames())
    def test_arbitrary_cell_frames_give_a_result_or_the_clear_file_error(self, data: bytes) -> None:
        try:
            frame, problems = read_team_csv(data)
        except UploadError as error:
            assert str(error)
            return
        assert list(frame.columns) == ["team", *IDS]
        assert frame[IDS].isin([1, 2, 3]).all().all()
        assert frame["team"].str.strip().ne("").all() and not frame["team"].duplicated().any()
        lines = [problem.line for problem in problems]
        assert len(set(lines)) == len(lines) and not set(lines) & set(frame.index)
        assert all(problem.reason for problem in problems)
        if not frame.empty:
            assert len(weakest_challenges(frame)) == 10
            heatmap_html(frame, CHALLENGES, title="t")

    @settings(max_examples=200, deadline=None)
    @given(st.binary(max_size=400))
    def test_arbitrary_bytes_give_a_result_or_the_clear_file_error(self, data: bytes) -> None:
        try:
            read_team_csv(data)
        except UploadError as error:
            assert str(error)


# ----------------------------------------------------------------------------- ranking and heatmap


def frame_of(ratings: dict[str, list[int]]) -> pd.DataFrame:
    frame = pd.DataFrame({challenge: ratings.get(challenge, [2] * len(next(iter(ratings.values())))) for challenge in IDS})
    frame.insert(0, "team", [f"T{i}" for i in range(len(frame))])
    return frame


class TestWeakestChallenges:
    def test_challenges_are_ranked_by_mean_rating_lowest_first_with_the_number_of_teams(self) -> None:
        table = weakest_challenges(frame_of({"ch07": [1, 1, 2], "ch03": [1, 2, 2], "ch10": [3, 3, 3]}))
        assert list(table.columns) == ["rank", "challenge", "label", "mean", "teams"]
        assert list(table["challenge"][:2]) == ["ch07", "ch03"] and table["challenge"].iloc[-1] == "ch10"
        assert table["mean"].iloc[0] == pytest.approx(4 / 3) and table["label"].iloc[0] == "Redefining user involvement"
        assert (table["teams"] == 3).all()
        assert table["mean"].is_monotonic_increasing

    def test_ties_share_the_lower_rank_and_keep_challenge_order(self) -> None:
        table = weakest_challenges(frame_of({"ch09": [1, 2], "ch02": [1, 2]}))
        assert list(table["challenge"][:2]) == ["ch02", "ch09"] and list(table["rank"][:3]) == [1, 1, 3]
        assert list(table["rank"][2:]) == [3] * 8

    def test_no_teams_or_a_missing_column_is_a_value_error(self) -> None:
        with pytest.raises(ValueError, match="no teams"):
            weakest_challenges(frame_of({"ch01": [1]}).iloc[0:0])
        with pytest.raises(ValueError, match="ch05"):
            weakest_challenges(frame_of({"ch01": [1]}).drop(columns="ch05"))


class TestHeatmap:
    def test_every_cell_shows_its_rating_on_a_cividis_colour_with_readable_text(self) -> None:
        frame, _ = read_team_csv(synthetic_teams_path().read_bytes())
        html_text = heatmap_html(frame, CHALLENGES, title="Synthetic")
        cells = re.findall(r'<td style="background:(rgb\([^)]*\));color:(#[0-9a-f]{6})">([^<]*)</td>', html_text)
        assert len(cells) == len(frame) * 10
        expected = [str(frame.iloc[t][challenge]) for challenge in IDS for t in range(len(frame))]
        assert [value for _bg, _fg, value in cells] == expected
        assert {(value, bg, fg) for bg, fg, value in cells} <= {
            (str(v), *cell_colours(v, CHALLENGES.scale.min, CHALLENGES.scale.max)) for v in range(1, 4)
        }
        assert "Alder Ward" in html_text and "06. A new approach to risk" in html_text

    @pytest.mark.parametrize("value", [1, 1.5, 2, 2.5, 3])
    def test_text_on_each_colour_meets_wcag_aa_contrast(self, value: float) -> None:
        from plotly.colors import unlabel_rgb

        from widgets.logic.teams import _luminance

        background, text = cell_colours(value, 1, 3)
        shade = _luminance(tuple(unlabel_rgb(background)))
        other = 1.0 if text == "#ffffff" else 0.0
        lighter, darker = max(shade, other), min(shade, other)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5

    def test_team_names_are_escaped(self) -> None:
        frame = frame_of({"ch01": [1, 2]})
        frame["team"] = ["<script>alert(1)</script> and a very long name", "<script>alert(1)</script> and a very long other"]
        html_text = heatmap_html(frame, CHALLENGES, title="<b>t</b>")
        assert "<script>" not in html_text and "&lt;script&gt;" in html_text and "<b>t</b>" not in html_text


# ----------------------------------------------------------------------------- the synthetic example


class TestSyntheticTeams:
    def test_the_generator_reproduces_the_bundled_table_from_its_seed(self) -> None:
        """The same values as the bundled CSV (compared as a table, so a change in CSV formatting is no failure)."""
        generated = synthetic_teams(seed=TEAMS_SEED)
        bundled = pd.read_csv(synthetic_teams_path())
        pd.testing.assert_frame_equal(generated.reset_index(drop=True), bundled, check_dtype=False)

    def test_the_seeded_example_has_a_stable_summary(self) -> None:
        ratings = synthetic_teams(seed=TEAMS_SEED).drop(columns="team")
        summary = (ratings.shape, int(ratings.to_numpy().sum()), ratings.mean().round(3).tolist())
        assert summary == ((7, 10), 122, [2.286, 1.857, 1.857, 1.857, 1.857, 1.286, 1.571, 1.571, 1.286, 2.0])

    def test_the_example_has_six_to_eight_fictional_teams_rated_one_to_three_with_no_problems(self) -> None:
        frame, problems = read_team_csv(synthetic_teams_path().read_bytes())
        assert problems == () and 6 <= len(frame) <= 8
        assert frame[IDS].isin([1, 2, 3]).all().all() and frame["team"].is_unique
        assert "fictional" in SYNTHETIC_LABEL.lower() and "synthetic" in SYNTHETIC_LABEL.lower()

    def test_a_different_seed_gives_different_ratings_and_extra_teams_get_numbered_names(self) -> None:
        assert not synthetic_teams(seed=1).equals(synthetic_teams(seed=2))
        assert list(synthetic_teams(9)["team"][-2:]) == ["Team 8", "Team 9"]
        with pytest.raises(ValueError, match="at least 1"):
            synthetic_teams(0)

    def test_the_chapter_key_for_the_lowest_mean_matches_the_synthetic_ranking(self) -> None:
        question = load_exercises("05-changing-services").question("05.6")
        assert isinstance(question, MultipleChoiceQuestion)
        ranking = weakest_challenges(read_team_csv(synthetic_teams_path().read_bytes())[0])
        lowest = set(ranking.loc[ranking["rank"] == 1, "label"])
        assert {option.text for option in question.options if option.correct} == lowest
        means = dict(zip(ranking["label"], ranking["mean"], strict=True))
        for option in question.options:
            stated = re.search(r"mean (\d\.\d\d)", option.feedback)
            assert stated and float(stated.group(1)) == pytest.approx(means[option.text], abs=0.005), option.text


# ----------------------------------------------------------------------------- the view


class TestTeamComparisonView:
    def test_it_opens_with_the_synthetic_example_labelled_as_synthetic(self) -> None:
        view = TeamComparisonView()
        assert "7 team rows read; 7 compared; 0 set aside" in view.summary.value
        assert "A new approach to risk; Supporting staff&#x27;s own recovery" in view.summary.value
        assert SYNTHETIC_LABEL in view.note.value and "engagement, development and transformation" in view.note.value
        assert "fictional teams, synthetic ratings" in view.chart.value and view.chart.value.count("<td style=") == 70
        assert view.ranking.value.count("<tr>") == 11 and view.problems.value == ""
        payload = re.search(r"base64,([A-Za-z0-9+/=]+)", view.help.value).group(1)
        assert base64.b64decode(payload) == synthetic_teams_path().read_bytes()
        assert "confirm" not in view.help.value

    def test_a_bad_upload_is_a_message_and_clears_the_chart(self) -> None:
        view = TeamComparisonView()
        view.process(b"team,ch01\nA,1\n", "<img src=x>.csv")
        assert "Missing column" in view.summary.value and "<img" not in view.summary.value
        assert view.chart.value == "" and view.ranking.value == "" and view.note.value == ""

    def test_script_team_names_are_escaped_everywhere(self) -> None:
        view = TeamComparisonView()
        data = csv_of(row("<script>alert(1)</script>", GOOD), row("<script>alert(1)</script>", GOOD), row("B", [5] * 10))
        view.process(data, "teams.csv")
        html = view.summary.value + view.problems.value + view.ranking.value + view.table.value
        assert "<script>" not in html and "&lt;script&gt;" in view.problems.value and "&lt;script&gt;" in view.table.value
        assert "<script>" not in view.chart.value and "&lt;script&gt;" in view.chart.value
        assert "Line 3" in view.problems.value and "Line 4" in view.problems.value
        assert "1 compared; 2 set aside" in view.summary.value and SYNTHETIC_LABEL not in view.note.value

    def test_a_file_with_no_usable_rows_lists_the_reasons_without_a_chart(self) -> None:
        view = TeamComparisonView()
        view.process(csv_of(row("", GOOD)), "t.csv")
        assert "none of the 1 team rows" in view.summary.value and "no team name" in view.problems.value
        assert view.chart.value == ""

    def test_the_upload_control_feeds_process_and_the_button_brings_back_the_example(self) -> None:
        view = TeamComparisonView()
        data = csv_of(row("North", GOOD), row("South", [1] * 10))
        upload = {"name": "mine.csv", "type": "text/csv", "size": len(data), "content": memoryview(data), "last_modified": 0}
        view.upload.set_state({"value": [upload]})
        assert "mine.csv: compared" in view.summary.value and "2 compared" in view.summary.value
        view.example_button.click()
        assert "Synthetic example: compared" in view.summary.value

    def test_team_comparison_returns_the_container_with_its_classes(self) -> None:
        widget = team_comparison()
        assert isinstance(widget, ipw.VBox)
        assert {"rw-exercise", "rw-team-comparison"} <= set(widget._dom_classes)
