"""Psychometrics: alpha against pingouin, hand-worked Jacobson & Truax examples, Hypothesis properties."""

from __future__ import annotations

import ast
import dataclasses
import math
import re
import typing
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from tests.strategies import (
    bounded_scores,
    likert_item_matrices,
    paired_scores,
    raw_scores,
    reliabilities,
    standard_deviations,
)
from widgets.logic.measurement import psychometrics
from widgets.logic.measurement.psychometrics import (
    CHANGE_CLASSES,
    Z_95,
    AlphaResult,
    ChangeClass,
    CutoffResult,
    FloorCeilingResult,
    RCIResult,
    classify_change,
    classify_changes,
    clinical_cutoffs,
    cronbach_alpha,
    floor_ceiling,
    reliable_change_index,
    reliable_change_indices,
    smallest_detectable_change,
    standard_error_of_measurement,
)

# The worked example used throughout: SD 10, reliability 0.80.
#   SEM    = 10 * sqrt(1 - 0.80) = 10 * 0.44721 = 4.4721
#   S_diff = sqrt(2 * SEM^2) = sqrt(2 * 20) = sqrt(40) = 6.3246
#   raw threshold = 1.96 * 6.3246 = 12.396 points
SD, R = 10.0, 0.80
SEM = 4.47213595499958
S_DIFF = 6.324555320336759
THRESHOLD = 12.396128427860047


def _feldt_interval(alpha: float, n: int, k: int, confidence: float) -> tuple[float, float]:
    """Feldt's interval written independently of the module (F quantiles via ppf, not isf)."""
    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2), 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)


def _simulated_likert(n: int, k: int, seed: int) -> pd.DataFrame:
    """Answers 0-4 driven by one latent trait, so the items hang together."""
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    answers = np.clip(np.rint(2 + trait + rng.normal(scale=1.0, size=(n, k))), 0, 4)
    return pd.DataFrame(answers, columns=[f"item_{i + 1}" for i in range(k)])


def _with_missing(data: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return data.mask(rng.random(data.shape) < share)


def _pingouin_dataset(name: str) -> pd.DataFrame:
    return pingouin.read_dataset(name)  # shipped inside the pingouin package, so it loads offline


# ---------------------------------------------------------------------------
# Module conventions
# ---------------------------------------------------------------------------


class TestModule:
    def test_change_classes_match_the_literal_type(self) -> None:
        assert CHANGE_CLASSES == typing.get_args(ChangeClass) == ("recovered", "improved", "unchanged", "deteriorated")

    def test_z_95_is_the_two_sided_five_percent_normal_quantile(self) -> None:
        assert Z_95 == 1.96
        assert abs(stats.norm.ppf(0.975) - Z_95) < 1e-3

    @pytest.mark.parametrize("result_type", [AlphaResult, RCIResult, CutoffResult, FloorCeilingResult])
    def test_results_are_frozen_dataclasses(self, result_type: type) -> None:
        assert dataclasses.is_dataclass(result_type)
        assert result_type.__dataclass_params__.frozen  # type: ignore[attr-defined]

    def test_module_validates_without_assert_statements(self) -> None:
        tree = ast.parse(Path(psychometrics.__file__).read_text())
        assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]

    def test_every_public_name_is_exported(self) -> None:
        for name in psychometrics.__all__:
            assert hasattr(psychometrics, name)


# ---------------------------------------------------------------------------
# Cronbach's alpha
# ---------------------------------------------------------------------------


def _check_against_pingouin(data: pd.DataFrame, *, confidence: float = 0.95) -> AlphaResult:
    """Alpha to 1e-9; pingouin's CI is rounded to 3 decimals, so compare at 3 decimals and
    check the unrounded limits against an independent Feldt computation to 1e-9."""
    complete = data.dropna()
    expected_alpha, expected_ci = pingouin.cronbach_alpha(complete, nan_policy="listwise", ci=confidence)
    result = cronbach_alpha(data, confidence=confidence)
    assert result.alpha == pytest.approx(expected_alpha, abs=1e-9, rel=0)
    assert np.round([result.ci_low, result.ci_high], 3) == pytest.approx(expected_ci, abs=1e-12)
    low, high = _feldt_interval(result.alpha, len(complete), data.shape[1], confidence)
    assert result.ci_low == pytest.approx(low, abs=1e-9, rel=0)
    assert result.ci_high == pytest.approx(high, abs=1e-9, rel=0)
    assert (result.n, result.k, result.confidence) == (len(complete), data.shape[1], confidence)
    # On data with missing values, alpha also matches pingouin's listwise call on the raw frame.
    raw_alpha, _ = pingouin.cronbach_alpha(data, nan_policy="listwise", ci=confidence)
    assert result.alpha == pytest.approx(raw_alpha, abs=1e-9, rel=0)
    return result


class TestCronbachAlpha:
    def test_matches_pingouin_on_pingouins_own_example(self) -> None:
        long = _pingouin_dataset("cronbach_alpha")
        wide = long.pivot(index="Subj", columns="Items", values="Scores")
        result = _check_against_pingouin(wide)
        # pingouin's docstring: (0.5917188485995826, array([0.195, 0.84 ]))
        assert result.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
        assert (result.n, result.k) == (15, 10)

    def test_matches_pingouin_on_simulated_200_by_15_likert(self) -> None:
        result = _check_against_pingouin(_simulated_likert(200, 15, seed=20240601))
        assert (result.n, result.k) == (200, 15)
        assert 0.8 < result.alpha < 1

    def test_matches_pingouin_listwise_on_simulated_data_with_missing_values(self) -> None:
        data = _with_missing(_simulated_likert(80, 6, seed=7), share=0.05, seed=8)
        assert data.isna().any().any() and len(data.dropna()) < len(data)
        result = _check_against_pingouin(data)
        assert result.n == len(data.dropna())

    def test_matches_pingouin_listwise_on_pingouins_missing_value_example(self) -> None:
        data = _pingouin_dataset("cronbach_wide_missing")
        result = _check_against_pingouin(data)
        # pingouin's docstring: listwise alpha 0.8016949152542373, on 9 of 12 rows
        assert result.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
        assert (result.n, result.k) == (9, 11)

    def test_matches_pingouin_with_two_items(self) -> None:
        data = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2, 3], "b": [2, 2, 4, 5, 4, 1, 3]})
        result = _check_against_pingouin(data)
        assert result.k == 2

    @pytest.mark.parametrize("confidence", [0.80, 0.90, 0.99])
    def test_matches_pingouin_at_other_confidence_levels(self, confidence: float) -> None:
        _check_against_pingouin(_simulated_likert(50, 5, seed=3), confidence=confidence)

    def test_interval_counts_complete_rows_where_pingouin_counts_all_rows(self) -> None:
        # pingouin 0.7 takes n from the frame before listwise deletion, so with 12 rows of which
        # 9 are complete its 95% CI is [0.581, 0.933] (df1 = 11) instead of [0.533, 0.947] (df1 = 8).
        data = _pingouin_dataset("cronbach_wide_missing")
        result = cronbach_alpha(data)
        assert np.round([result.ci_low, result.ci_high], 3).tolist() == [0.533, 0.947]
        _, pingouin_ci = pingouin.cronbach_alpha(data, nan_policy="listwise")
        assert pingouin_ci.tolist() == [0.581, 0.933]

    def test_numpy_array_and_dataframe_give_the_same_result(self) -> None:
        data = _simulated_likert(30, 4, seed=11)
        assert cronbach_alpha(data.to_numpy()) == cronbach_alpha(data)

    def test_hand_worked_alpha(self) -> None:
        # Items x1 = (1,2,3), x2 = (1,3,2): variances 1 and 1; totals (2,5,5) have variance 3.
        # alpha = 2/1 * (1 - 2/3) = 2/3
        result = cronbach_alpha(np.array([[1, 1], [2, 3], [3, 2]]))
        assert result.alpha == pytest.approx(2 / 3, abs=1e-12)

    def test_identical_items_have_alpha_one_and_a_degenerate_interval(self) -> None:
        column = np.array([1.0, 2.0, 4.0, 3.0])
        result = cronbach_alpha(np.column_stack([column, column, column]))
        assert result.alpha == pytest.approx(1.0, abs=1e-12)
        assert result.ci_low == pytest.approx(1.0, abs=1e-12) and result.ci_high == pytest.approx(1.0, abs=1e-12)

    def test_nullable_integer_columns_are_read_with_missing_values(self) -> None:
        data = pd.DataFrame({"a": [1, 2, 3, None, 4], "b": [2, 2, 4, 1, 4]}, dtype="Int64")
        assert cronbach_alpha(data) == cronbach_alpha(data.astype(float))
        assert cronbach_alpha(data).n == 4

    @given(likert_item_matrices(), st.data())
    def test_alpha_unchanged_when_items_or_respondents_are_reordered(
        self, rows: list[list[int]], data: st.DataObject
    ) -> None:
        matrix = np.array(rows, dtype=float)
        column_order = data.draw(st.permutations(range(matrix.shape[1])))
        row_order = data.draw(st.permutations(range(matrix.shape[0])))
        original = cronbach_alpha(matrix)
        shuffled = cronbach_alpha(matrix[np.ix_(row_order, column_order)])
        assert shuffled.alpha == pytest.approx(original.alpha, rel=1e-9, abs=1e-9)
        assert shuffled.ci_low == pytest.approx(original.ci_low, rel=1e-9, abs=1e-9)
        assert shuffled.ci_high == pytest.approx(original.ci_high, rel=1e-9, abs=1e-9)

    @given(likert_item_matrices())
    def test_interval_contains_alpha_and_alpha_is_at_most_one(self, rows: list[list[int]]) -> None:
        result = cronbach_alpha(np.array(rows))
        assert result.ci_low <= result.alpha + 1e-12
        assert result.alpha <= result.ci_high + 1e-12
        assert result.alpha <= 1 + 1e-9

    # -- every error path --------------------------------------------------

    def test_rejects_a_one_dimensional_array(self) -> None:
        with pytest.raises(ValueError, match=r"two-dimensional.*shape \(4,\)"):
            cronbach_alpha(np.array([1, 2, 3, 4]))

    def test_rejects_a_list(self) -> None:
        with pytest.raises(ValueError, match="DataFrame or a numpy array, got list"):
            cronbach_alpha([[1, 2], [3, 4]])  # type: ignore[arg-type]

    def test_rejects_a_single_item(self) -> None:
        with pytest.raises(ValueError, match="at least 2 items .*got 1"):
            cronbach_alpha(np.array([[1.0], [2.0], [3.0]]))

    def test_rejects_fewer_than_two_complete_rows(self) -> None:
        data = np.array([[1.0, 2.0], [np.nan, 3.0], [2.0, np.nan]])
        with pytest.raises(ValueError, match="at least 2 complete rows, got 1 of 3"):
            cronbach_alpha(data)

    def test_rejects_an_item_nobody_answered(self) -> None:
        data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan] * 3})
        with pytest.raises(ValueError, match="got 0 of 3"):
            cronbach_alpha(data)

    def test_rejects_zero_total_variance(self) -> None:
        # x and 4 - x: every total is 4.
        with pytest.raises(ValueError, match="total score has zero variance"):
            cronbach_alpha(np.array([[0, 4], [1, 3], [2, 2], [4, 0]]))
        with pytest.raises(ValueError, match="total score has zero variance"):
            cronbach_alpha(np.full((5, 3), 2.0))

    def test_rejects_a_non_numeric_column_by_name(self) -> None:
        data = pd.DataFrame({"q1": [1, 2, 3], "q2": ["a", "b", "c"]})
        with pytest.raises(ValueError, match="item column 'q2' is not numeric"):
            cronbach_alpha(data)

    def test_rejects_a_string_array(self) -> None:
        with pytest.raises(ValueError, match="items must contain numbers"):
            cronbach_alpha(np.array([["1", "2"], ["3", "4"]]))

    @pytest.mark.parametrize("container", [np.array, pd.DataFrame])
    def test_rejects_an_infinite_answer(self, container: typing.Callable[..., typing.Any]) -> None:
        with pytest.raises(ValueError, match="contains inf"):
            cronbach_alpha(container(np.array([[1.0, 2.0], [3.0, np.inf], [2.0, 2.0]])))

    @pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, -0.1])
    def test_rejects_confidence_outside_zero_one(self, confidence: float) -> None:
        with pytest.raises(ValueError, match=f"confidence must be strictly between 0 and 1, got {confidence}"):
            cronbach_alpha(np.eye(3), confidence=confidence)

    def test_rejects_nan_confidence(self) -> None:
        with pytest.raises(ValueError, match="confidence must be a finite number, got nan"):
            cronbach_alpha(np.eye(3), confidence=float("nan"))


# ---------------------------------------------------------------------------
# SEM and SDC
# ---------------------------------------------------------------------------


class TestStandardErrorOfMeasurement:
    def test_worked_example(self) -> None:
        # 10 * sqrt(0.2) = 4.4721
        assert standard_error_of_measurement(SD, R) == pytest.approx(SEM, abs=1e-12)

    def test_perfect_reliability_has_no_error_and_zero_reliability_has_the_whole_sd(self) -> None:
        assert standard_error_of_measurement(7.0, 1.0) == 0.0
        assert standard_error_of_measurement(7.0, 0.0) == 7.0

    @pytest.mark.parametrize(
        ("sd", "message"),
        [
            (0.0, "sd must be greater than 0, got 0.0"),
            (-2, "sd must be greater than 0, got -2"),
            (float("nan"), "sd must be a finite number, got nan"),
            (float("inf"), "sd must be a finite number, got inf"),
            ("10", "sd must be a finite number, got '10'"),
            (True, "sd must be a finite number, got True"),
            (None, "sd must be a finite number, got None"),
        ],
    )
    def test_rejects_a_bad_sd(self, sd: object, message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            standard_error_of_measurement(sd, 0.8)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("reliability", "message"),
        [
            (-0.1, "reliability must be between 0 and 1, got -0.1"),
            (1.01, "reliability must be between 0 and 1, got 1.01"),
            (float("nan"), "reliability must be a finite number, got nan"),
        ],
    )
    def test_rejects_a_bad_reliability(self, reliability: float, message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            standard_error_of_measurement(10.0, reliability)


class TestSmallestDetectableChange:
    def test_worked_example(self) -> None:
        # 1.96 * sqrt(2) * 4.4721 = 12.396
        assert smallest_detectable_change(SD, R) == pytest.approx(THRESHOLD, abs=1e-9)

    @given(standard_deviations, reliabilities)
    def test_sdc_equals_the_rci_raw_threshold(self, sd: float, reliability: float) -> None:
        threshold = reliable_change_index(0.0, 1.0, sd_baseline=sd, reliability=reliability).threshold
        assert math.isclose(smallest_detectable_change(sd, reliability), threshold, rel_tol=1e-12)

    def test_rejects_what_sem_rejects(self) -> None:
        with pytest.raises(ValueError, match="sd must be greater than 0, got 0"):
            smallest_detectable_change(0, 0.8)
        with pytest.raises(ValueError, match="reliability must be between 0 and 1, got 2"):
            smallest_detectable_change(10, 2)


# ---------------------------------------------------------------------------
# Reliable change index
# ---------------------------------------------------------------------------


class TestReliableChangeIndex:
    def test_worked_example_below_the_threshold_is_not_reliable(self) -> None:
        # pre 30, post 42: RCI = 12 / 6.3246 = 1.8974 <= 1.96, and 12 points < 12.396 points
        result = reliable_change_index(30, 42, sd_baseline=SD, reliability=R)
        assert result.rci == pytest.approx(1.8973665961, abs=1e-9)
        assert result.s_diff == pytest.approx(S_DIFF, abs=1e-12)
        assert result.threshold == pytest.approx(THRESHOLD, abs=1e-9)
        assert (result.reliable, result.direction) == (False, "no change")

    def test_worked_example_above_the_threshold_is_reliable(self) -> None:
        # pre 30, post 44: RCI = 14 / 6.3246 = 2.2136 > 1.96, and 14 points > 12.396 points
        result = reliable_change_index(30, 44, sd_baseline=SD, reliability=R)
        assert result.rci == pytest.approx(2.2135943621, abs=1e-9)
        assert (result.reliable, result.direction) == (True, "better")

    def test_a_reliable_rise_is_worse_when_lower_is_better(self) -> None:
        result = reliable_change_index(30, 44, sd_baseline=SD, reliability=R, higher_is_better=False)
        assert (result.reliable, result.direction) == (True, "worse")

    def test_a_reliable_fall_is_better_when_lower_is_better_and_worse_otherwise(self) -> None:
        assert reliable_change_index(44, 30, sd_baseline=SD, reliability=R, higher_is_better=False).direction == "better"
        assert reliable_change_index(44, 30, sd_baseline=SD, reliability=R).direction == "worse"

    def test_no_change_gives_zero(self) -> None:
        result = reliable_change_index(25, 25, sd_baseline=SD, reliability=R)
        assert (result.rci, result.reliable, result.direction) == (0.0, False, "no change")

    @given(raw_scores, raw_scores, standard_deviations, reliabilities, st.booleans())
    def test_rci_flips_sign_when_pre_and_post_swap(
        self, pre: float, post: float, sd: float, reliability: float, higher_is_better: bool
    ) -> None:
        forward = reliable_change_index(pre, post, sd_baseline=sd, reliability=reliability, higher_is_better=higher_is_better)
        backward = reliable_change_index(post, pre, sd_baseline=sd, reliability=reliability, higher_is_better=higher_is_better)
        assert backward.rci == -forward.rci
        assert backward.reliable == forward.reliable
        swapped = {"better": "worse", "worse": "better", "no change": "no change"}
        assert backward.direction == swapped[forward.direction]

    @given(raw_scores, raw_scores, standard_deviations, reliabilities)
    def test_reliable_exactly_when_rci_beyond_1_96(self, pre: float, post: float, sd: float, reliability: float) -> None:
        result = reliable_change_index(pre, post, sd_baseline=sd, reliability=reliability)
        assert result.reliable == (abs(result.rci) > Z_95)
        assert result.threshold == pytest.approx(Z_95 * result.s_diff)

    def test_rejects_perfect_reliability(self) -> None:
        with pytest.raises(ValueError, match="reliability must be below 1 for the RCI, got 1"):
            reliable_change_index(30, 44, sd_baseline=SD, reliability=1.0)

    @pytest.mark.parametrize(
        ("pre", "post", "message"),
        [
            (float("nan"), 40.0, "pre must be a finite number, got nan"),
            (30.0, float("inf"), "post must be a finite number, got inf"),
            ("30", 40.0, "pre must be a finite number, got '30'"),
        ],
    )
    def test_rejects_a_bad_score(self, pre: object, post: object, message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            reliable_change_index(pre, post, sd_baseline=SD, reliability=R)  # type: ignore[arg-type]

    def test_rejects_a_bad_sd_or_reliability(self) -> None:
        with pytest.raises(ValueError, match="sd must be greater than 0, got -1"):
            reliable_change_index(30, 44, sd_baseline=-1, reliability=R)
        with pytest.raises(ValueError, match="reliability must be between 0 and 1, got 1.5"):
            reliable_change_index(30, 44, sd_baseline=SD, reliability=1.5)


class TestReliableChangeIndices:
    def test_matches_the_worked_example_and_keeps_nan(self) -> None:
        values = reliable_change_indices([30, 30, np.nan, 50], [42, 44, 40, np.nan], sd_baseline=SD, reliability=R)
        assert values[:2] == pytest.approx([1.8973665961, 2.2135943621], abs=1e-9)
        assert np.isnan(values[2:]).all()

    def test_missing_values_may_be_none_and_inputs_may_be_pandas(self) -> None:
        pre = pd.Series([30, None, 30], dtype="Int64")
        values = reliable_change_indices(pre, [44, 40, None], sd_baseline=SD, reliability=R)
        assert values[0] == pytest.approx(2.2135943621, abs=1e-9)
        assert np.isnan(values[1]) and np.isnan(values[2])

    def test_keeps_the_shape_of_two_dimensional_input(self) -> None:
        pre = np.full((3, 4), 30.0)
        assert reliable_change_indices(pre, pre + 14, sd_baseline=SD, reliability=R).shape == (3, 4)

    @given(paired_scores(), standard_deviations, reliabilities)
    def test_agrees_with_the_scalar_rci(
        self, pairs: tuple[list[float], list[float]], sd: float, reliability: float
    ) -> None:
        pre, post = pairs
        values = reliable_change_indices(pre, post, sd_baseline=sd, reliability=reliability)
        for before, after, value in zip(pre, post, values, strict=True):
            if math.isnan(before) or math.isnan(after):
                assert math.isnan(value)
            else:
                assert value == reliable_change_index(before, after, sd_baseline=sd, reliability=reliability).rci

    def test_rejects_shapes_that_differ(self) -> None:
        with pytest.raises(ValueError, match=re.escape("same shape, got (3,) and (2,)")):
            reliable_change_indices([1, 2, 3], [1, 2], sd_baseline=SD, reliability=R)

    def test_rejects_an_infinite_score_by_position(self) -> None:
        with pytest.raises(ValueError, match="post contains inf at position 1"):
            reliable_change_indices([1, 2], [1, np.inf], sd_baseline=SD, reliability=R)

    def test_rejects_text(self) -> None:
        with pytest.raises(ValueError, match="pre must contain numbers"):
            reliable_change_indices(["a", "b"], [1, 2], sd_baseline=SD, reliability=R)
        with pytest.raises(ValueError, match="pre must contain numbers"):
            reliable_change_indices([1, "b"], [1, 2], sd_baseline=SD, reliability=R)
        with pytest.raises(ValueError, match="post must contain numbers"):
            reliable_change_indices([1, 2], [object(), 2], sd_baseline=SD, reliability=R)

    def test_rejects_perfect_reliability(self) -> None:
        with pytest.raises(ValueError, match="reliability must be below 1 for the RCI"):
            reliable_change_indices([1], [2], sd_baseline=SD, reliability=1)


# ---------------------------------------------------------------------------
# Clinical cut-offs
# ---------------------------------------------------------------------------


class TestClinicalCutoffs:
    def test_worked_example_when_higher_is_better(self) -> None:
        # Recovery scale: clinical 20 (SD 5), community 40 (SD 10).
        #   a = 20 + 2*5 = 30;  b = 40 - 2*10 = 20;  c = (5*40 + 10*20) / (5 + 10) = 400/15 = 26.667
        result = clinical_cutoffs(mean_dysfunctional=20, sd_dysfunctional=5, mean_functional=40, sd_functional=10)
        assert result == CutoffResult(a=30.0, b=20.0, c=pytest.approx(26.6666666667), higher_is_better=True)

    def test_worked_example_when_lower_is_better(self) -> None:
        # Symptom scale: clinical 18 (SD 4), community 6 (SD 3).
        #   a = 18 - 2*4 = 10;  b = 6 + 2*3 = 12;  c = (4*6 + 3*18) / (4 + 3) = 78/7 = 11.143
        result = clinical_cutoffs(
            mean_dysfunctional=18, sd_dysfunctional=4, mean_functional=6, sd_functional=3, higher_is_better=False
        )
        assert result == CutoffResult(a=10.0, b=12.0, c=pytest.approx(78 / 7), higher_is_better=False)

    def test_without_functional_norms_only_a_is_given(self) -> None:
        assert clinical_cutoffs(mean_dysfunctional=20, sd_dysfunctional=5) == CutoffResult(30.0, None, None, True)
        assert clinical_cutoffs(mean_dysfunctional=20, sd_dysfunctional=5, higher_is_better=False).a == 10.0

    @given(
        st.floats(-100, 100),
        st.floats(0.1, 50),
        st.floats(0.1, 100),
        st.floats(0.1, 50),
        st.booleans(),
    )
    def test_c_lies_between_the_two_means(
        self, m_dys: float, sd_dys: float, gap: float, sd_func: float, higher_is_better: bool
    ) -> None:
        m_func = m_dys + gap if higher_is_better else m_dys - gap
        result = clinical_cutoffs(
            mean_dysfunctional=m_dys,
            sd_dysfunctional=sd_dys,
            mean_functional=m_func,
            sd_functional=sd_func,
            higher_is_better=higher_is_better,
        )
        assert result.c is not None
        assert min(m_dys, m_func) - 1e-9 <= result.c <= max(m_dys, m_func) + 1e-9

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"mean_dysfunctional": float("nan"), "sd_dysfunctional": 5}, "mean_dysfunctional must be a finite number, got nan"),
            ({"mean_dysfunctional": 20, "sd_dysfunctional": 0}, "sd_dysfunctional must be greater than 0, got 0"),
            (
                {"mean_dysfunctional": 20, "sd_dysfunctional": 5, "mean_functional": 40},
                "give both mean_functional and sd_functional or neither, got mean_functional=40 and sd_functional=None",
            ),
            (
                {"mean_dysfunctional": 20, "sd_dysfunctional": 5, "sd_functional": 10},
                "give both mean_functional and sd_functional or neither, got mean_functional=None and sd_functional=10",
            ),
            (
                {"mean_dysfunctional": 20, "sd_dysfunctional": 5, "mean_functional": float("inf"), "sd_functional": 10},
                "mean_functional must be a finite number, got inf",
            ),
            (
                {"mean_dysfunctional": 20, "sd_dysfunctional": 5, "mean_functional": 40, "sd_functional": -1},
                "sd_functional must be greater than 0, got -1",
            ),
            (
                {"mean_dysfunctional": 20, "sd_dysfunctional": 5, "mean_functional": 10, "sd_functional": 3},
                "mean_functional (10) must be above mean_dysfunctional (20) when higher_is_better=True",
            ),
            (
                {
                    "mean_dysfunctional": 6,
                    "sd_dysfunctional": 3,
                    "mean_functional": 18,
                    "sd_functional": 4,
                    "higher_is_better": False,
                },
                "mean_functional (18) must be below mean_dysfunctional (6) when higher_is_better=False",
            ),
        ],
    )
    def test_rejects_bad_norms(self, options: dict[str, typing.Any], message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            clinical_cutoffs(**options)


# ---------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------

# With SD 10 and r 0.80 a reliable change needs more than 12.396 points.
CLASSIFY = {"sd_baseline": SD, "reliability": R}


class TestClassifyChange:
    @pytest.mark.parametrize(
        ("pre", "post", "expected"),
        [
            (20, 35, "recovered"),  # +15 reliable, 20 < 30 <= 35
            (18, 31, "recovered"),  # +13 reliable, crosses
            (17, 30, "recovered"),  # +13 reliable, lands exactly on the cut-off
            (30, 45, "improved"),  # +15 reliable, but started on the cut-off (already functional)
            (35, 50, "improved"),  # +15 reliable, already functional
            (5, 20, "improved"),  # +15 reliable, still below the cut-off
            (20, 32, "unchanged"),  # +12 crosses the cut-off but is not reliable
            (40, 20, "deteriorated"),  # -20 reliable
            (40, 40, "unchanged"),
        ],
    )
    def test_higher_is_better(self, pre: float, post: float, expected: str) -> None:
        assert classify_change(pre, post, cutoff=30, **CLASSIFY) == expected

    @pytest.mark.parametrize(
        ("pre", "post", "expected"),
        [
            (20, 5, "recovered"),  # -15 reliable, 20 > 10 >= 5
            (23, 10, "recovered"),  # -13 reliable, lands exactly on the cut-off
            (35, 20, "improved"),  # reliable fall, still above the cut-off
            (10, -5, "improved"),  # started on the cut-off
            (20, 8, "unchanged"),  # -12 not reliable
            (5, 25, "deteriorated"),  # +20 is worse on a symptom scale
        ],
    )
    def test_lower_is_better(self, pre: float, post: float, expected: str) -> None:
        assert classify_change(pre, post, cutoff=10, higher_is_better=False, **CLASSIFY) == expected

    @given(raw_scores, raw_scores, raw_scores, standard_deviations, reliabilities)
    def test_lower_is_better_mirrors_higher_is_better(
        self, pre: float, post: float, cutoff: float, sd: float, reliability: float
    ) -> None:
        options = {"sd_baseline": sd, "reliability": reliability}
        assert classify_change(pre, post, cutoff=cutoff, **options) == classify_change(
            -pre, -post, cutoff=-cutoff, higher_is_better=False, **options
        )

    @given(raw_scores, raw_scores, raw_scores, standard_deviations, reliabilities, st.booleans())
    def test_class_follows_the_rci_direction(
        self, pre: float, post: float, cutoff: float, sd: float, reliability: float, higher_is_better: bool
    ) -> None:
        options = {"sd_baseline": sd, "reliability": reliability, "higher_is_better": higher_is_better}
        label = classify_change(pre, post, cutoff=cutoff, **options)
        direction = reliable_change_index(pre, post, **options).direction
        assert label in CHANGE_CLASSES
        expected = {"better": {"recovered", "improved"}, "worse": {"deteriorated"}, "no change": {"unchanged"}}
        assert label in expected[direction]

    @pytest.mark.parametrize(
        ("pre", "post", "cutoff", "reliability", "message"),
        [
            (20, 35, float("nan"), R, "cutoff must be a finite number, got nan"),
            (float("nan"), 35, 30, R, "pre must be a finite number, got nan"),
            (20, None, 30, R, "post must be a finite number, got None"),
            (20, 35, 30, 1.0, "reliability must be below 1 for the RCI, got 1.0"),
        ],
    )
    def test_rejects_bad_input(self, pre: object, post: object, cutoff: float, reliability: float, message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            classify_change(pre, post, sd_baseline=SD, reliability=reliability, cutoff=cutoff)  # type: ignore[arg-type]


class TestClassifyChanges:
    def test_worked_examples_in_both_directions_with_missing_values(self) -> None:
        pre = [20, 35, 20, 40, np.nan, 20]
        post = [35, 50, 32, 20, 30, np.nan]
        labels = classify_changes(pre, post, cutoff=30, **CLASSIFY)
        assert labels.tolist() == ["recovered", "improved", "unchanged", "deteriorated", "", ""]
        assert labels.dtype == object
        mirrored = classify_changes(
            -np.array(pre), -np.array(post), cutoff=-30, higher_is_better=False, **CLASSIFY
        )
        assert mirrored.tolist() == labels.tolist()

    def test_keeps_the_shape_of_two_dimensional_input(self) -> None:
        pre = np.array([[20.0, 40.0], [np.nan, 30.0]])
        labels = classify_changes(pre, pre + 15, cutoff=30, **CLASSIFY)
        assert labels.tolist() == [["recovered", "improved"], ["", "improved"]]

    def test_empty_input_gives_an_empty_array(self) -> None:
        assert classify_changes([], [], cutoff=30, **CLASSIFY).shape == (0,)

    @given(paired_scores(), raw_scores, standard_deviations, reliabilities, st.booleans())
    def test_agrees_with_classify_change_element_wise(
        self,
        pairs: tuple[list[float], list[float]],
        cutoff: float,
        sd: float,
        reliability: float,
        higher_is_better: bool,
    ) -> None:
        pre, post = pairs
        options = {"sd_baseline": sd, "reliability": reliability, "cutoff": cutoff, "higher_is_better": higher_is_better}
        labels = classify_changes(pre, post, **options)
        expected = [
            "" if math.isnan(before) or math.isnan(after) else classify_change(before, after, **options)
            for before, after in zip(pre, post, strict=True)
        ]
        assert labels.tolist() == expected

    def test_classifies_100000_pairs_in_one_vectorised_call(self) -> None:
        # A sanity check of scale, not a timed test.
        rng = np.random.default_rng(42)
        pre = rng.normal(20, 10, size=100_000)
        post = pre + rng.normal(5, 10, size=100_000)
        pre[::1000] = np.nan
        labels = classify_changes(pre, post, cutoff=30, **CLASSIFY)
        assert labels.shape == (100_000,)
        counts = pd.Series(labels).value_counts()
        assert counts[""] == 100
        assert set(counts.index) == {"", *CHANGE_CLASSES}
        reliable = np.abs(reliable_change_indices(pre, post, **CLASSIFY)) > Z_95
        assert counts["unchanged"] == np.count_nonzero(~reliable & ~np.isnan(pre))
        sample = rng.choice(np.flatnonzero(~np.isnan(pre)), size=200, replace=False)
        for i in sample:
            assert labels[i] == classify_change(pre[i], post[i], cutoff=30, **CLASSIFY)

    def test_rejects_shapes_that_differ(self) -> None:
        with pytest.raises(ValueError, match=re.escape("pre and post must have the same shape, got (2,) and (3,)")):
            classify_changes([1, 2], [1, 2, 3], cutoff=30, **CLASSIFY)

    def test_rejects_an_infinite_score(self) -> None:
        with pytest.raises(ValueError, match="pre contains -inf at position 0"):
            classify_changes([-np.inf], [1], cutoff=30, **CLASSIFY)

    def test_rejects_a_bad_cutoff_or_reliability(self) -> None:
        with pytest.raises(ValueError, match="cutoff must be a finite number, got inf"):
            classify_changes([1], [2], cutoff=float("inf"), **CLASSIFY)
        with pytest.raises(ValueError, match="reliability must be below 1 for the RCI"):
            classify_changes([1], [2], sd_baseline=SD, reliability=1.0, cutoff=30)
        with pytest.raises(ValueError, match="sd must be greater than 0, got 0"):
            classify_changes([1], [2], sd_baseline=0, reliability=R, cutoff=30)


# ---------------------------------------------------------------------------
# Floor and ceiling
# ---------------------------------------------------------------------------


class TestFloorCeiling:
    def test_worked_example_ignores_missing_scores(self) -> None:
        # 7 scores present: 3 at the floor (42.86%), 2 at the ceiling (28.57%).
        result = floor_ceiling([14, 14, 14, 30, 45, 70, 70, np.nan], minimum=14, maximum=70)
        assert result.n == 7
        assert result.floor_pct == pytest.approx(300 / 7)
        assert result.ceiling_pct == pytest.approx(200 / 7)
        assert (result.floor_effect, result.ceiling_effect) == (True, True)

    def test_exactly_fifteen_percent_is_not_an_effect_but_more_is(self) -> None:
        # Terwee et al. (2007): more than 15% at an extreme. 3 of 20 = 15%, 4 of 20 = 20%.
        scores = [0] * 3 + [10] * 4 + [5] * 13
        result = floor_ceiling(scores, minimum=0, maximum=10)
        assert (result.floor_pct, result.ceiling_pct) == (15.0, 20.0)
        assert (result.floor_effect, result.ceiling_effect) == (False, True)

    def test_threshold_can_be_changed(self) -> None:
        result = floor_ceiling([0, 5, 5, 5, 5], minimum=0, maximum=10, threshold_pct=10)
        assert (result.floor_pct, result.floor_effect, result.ceiling_effect) == (20.0, True, False)

    @given(bounded_scores())
    def test_percentages_lie_between_0_and_100(self, case: tuple[list[float], int, int]) -> None:
        scores, minimum, maximum = case
        result = floor_ceiling(scores, minimum=minimum, maximum=maximum)
        assert 0 <= result.floor_pct <= 100 and 0 <= result.ceiling_pct <= 100
        assert result.floor_pct + result.ceiling_pct <= 100 + 1e-9
        assert result.n == sum(not math.isnan(score) for score in scores)
        assert result.floor_effect == (result.floor_pct > 15) and result.ceiling_effect == (result.ceiling_pct > 15)

    @pytest.mark.parametrize(
        ("scores", "minimum", "maximum", "threshold", "message"),
        [
            ([14, 71], 14, 70, 15.0, "score 71.0 is outside the scale range 14 to 70"),
            ([13.5, 20], 14, 70, 15.0, "score 13.5 is outside the scale range 14 to 70"),
            ([14, np.inf], 14, 70, 15.0, "scores contains inf at position 1"),
            ([], 14, 70, 15.0, "scores has no non-missing values"),
            ([np.nan, None], 14, 70, 15.0, "scores has no non-missing values"),
            ([14], 70, 14, 15.0, "minimum (70) must be below maximum (14)"),
            ([14], 14, 14, 15.0, "minimum (14) must be below maximum (14)"),
            ([14], float("nan"), 70, 15.0, "minimum must be a finite number, got nan"),
            ([14], 14, 70, 101.0, "threshold_pct must be between 0 and 100, got 101.0"),
            ([14], 14, 70, -1.0, "threshold_pct must be between 0 and 100, got -1.0"),
            (["a"], 14, 70, 15.0, "scores must contain numbers"),
        ],
    )
    def test_rejects_bad_input(
        self, scores: list[typing.Any], minimum: float, maximum: float, threshold: float, message: str
    ) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            floor_ceiling(scores, minimum=minimum, maximum=maximum, threshold_pct=threshold)
