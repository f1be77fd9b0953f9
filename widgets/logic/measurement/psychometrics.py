"""Psychometrics: reliability, measurement error and clinically significant change.

Small pure functions, one per statistic, in the manner of pingouin's
``reliability`` module. Each takes its data first and its options as keywords,
checks its inputs with explicit exceptions whose message names the bad value,
and returns a plain float, a numpy array or a frozen ``...Result`` dataclass.
Nothing here touches widgets or storage.

Contents
--------
- :func:`cronbach_alpha`: internal consistency with Feldt's confidence interval.
- :func:`standard_error_of_measurement`, :func:`smallest_detectable_change`.
- :func:`reliable_change_index` and the vectorised :func:`reliable_change_indices`
  (Jacobson & Truax, 1991).
- :func:`clinical_cutoffs`: Jacobson & Truax cut-offs *a*, *b* and *c*.
- :func:`classify_change` and the vectorised :func:`classify_changes`:
  recovered, improved, unchanged or deteriorated.
- :func:`floor_ceiling`: floor and ceiling effects (Terwee et al., 2007).

References
----------
Christensen & Mendoza (1986): added the square root of 2 that Jacobson,
    Follette & Revenstorf (1984) had left out of the RCI (as reported by
    later sources; the original's details are not confirmed here).
Cronbach (1951). *Psychometrika* 16:297-334.
Jacobson NS, Truax P (1991). *Journal of Consulting and Clinical Psychology*
    59(1):12-19. doi:10.1037/0022-006X.59.1.12
Terwee CB et al. (2007). *Journal of Clinical Epidemiology* 60:34-42.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "CHANGE_CLASSES",
    "Z_95",
    "AlphaResult",
    "ChangeClass",
    "CutoffResult",
    "FloorCeilingResult",
    "RCIResult",
    "classify_change",
    "classify_changes",
    "clinical_cutoffs",
    "cronbach_alpha",
    "floor_ceiling",
    "reliable_change_index",
    "reliable_change_indices",
    "smallest_detectable_change",
    "standard_error_of_measurement",
]

ChangeClass = Literal["recovered", "improved", "unchanged", "deteriorated"]
CHANGE_CLASSES: tuple[ChangeClass, ...] = ("recovered", "improved", "unchanged", "deteriorated")
Z_95 = 1.96
"""Two-sided 5% critical value of the standard normal distribution, as Jacobson & Truax (1991) use it."""

Direction = Literal["better", "worse", "no change"]


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with its confidence interval."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    """Respondents used: the rows left after listwise deletion."""
    k: int
    """Number of items (columns)."""
    confidence: float
    """Coverage of the interval, e.g. 0.95."""


@dataclass(frozen=True)
class RCIResult:
    """A Jacobson & Truax reliable change index for one person."""

    rci: float
    """``(post - pre) / s_diff``."""
    s_diff: float
    """Standard error of the difference between two scores, in raw points."""
    threshold: float
    """Smallest raw change that is reliable: ``1.96 * s_diff``."""
    reliable: bool
    """``abs(rci) > 1.96``."""
    direction: Direction
    """``"better"`` or ``"worse"`` for a reliable change, else ``"no change"``."""


@dataclass(frozen=True)
class CutoffResult:
    """Jacobson & Truax cut-offs on the raw score scale."""

    a: float
    """Two SDs beyond the dysfunctional mean, in the direction of improvement."""
    b: float | None
    """Two SDs from the functional mean towards the dysfunctional side (``None`` without functional norms)."""
    c: float | None
    """SD-weighted midpoint of the two means (``None`` without functional norms)."""
    higher_is_better: bool


@dataclass(frozen=True)
class FloorCeilingResult:
    """Share of respondents at the lowest and highest possible score."""

    floor_pct: float
    ceiling_pct: float
    n: int
    """Non-missing scores counted."""
    floor_effect: bool
    """``floor_pct > threshold_pct``."""
    ceiling_effect: bool
    """``ceiling_pct > threshold_pct``."""


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _finite(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` naming it if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def _positive(name: str, value: object) -> float:
    number = _finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value!r}")
    return number


def _reliability(value: object) -> float:
    number = _finite("reliability", value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"reliability must be between 0 and 1, got {value!r}")
    return number


def _float_array(name: str, values: ArrayLike) -> np.ndarray:
    """Convert to a float array; NaN (or ``None``) marks a missing value, infinities are rejected."""
    raw = np.asarray(values)
    if raw.dtype.kind not in "biufO":
        raise ValueError(f"{name} must contain numbers, got an array of dtype {raw.dtype}")
    try:
        array = raw.astype(float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must contain numbers: {error}") from None
    infinite = np.isinf(array)
    if infinite.any():
        position = tuple(int(i) for i in np.argwhere(infinite)[0])
        where = position[0] if len(position) == 1 else position
        raise ValueError(
            f"{name} contains {float(array[infinite][0])!r} at position {where}; scores must be finite (use NaN for missing)"
        )
    return array


def _paired_arrays(pre: ArrayLike, post: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    pre_array = _float_array("pre", pre)
    post_array = _float_array("post", post)
    if pre_array.shape != post_array.shape:
        raise ValueError(f"pre and post must have the same shape, got {pre_array.shape} and {post_array.shape}")
    return pre_array, post_array


def _s_diff(sd_baseline: float, reliability: float) -> float:
    """Validated standard error of the difference, shared by the scalar and vectorised RCI."""
    sem = standard_error_of_measurement(sd_baseline, reliability)
    if sem == 0.0:
        raise ValueError(
            f"reliability must be below 1 for the RCI, got {reliability!r}: a perfectly reliable measure has "
            "no measurement error, so the standard error of the difference is 0"
        )
    return math.sqrt(2.0) * sem


# ---------------------------------------------------------------------------
# Reliability
# ---------------------------------------------------------------------------


def cronbach_alpha(items: pd.DataFrame | np.ndarray, *, confidence: float = 0.95) -> AlphaResult:
    r"""Cronbach's alpha, the internal consistency of a set of items.

    .. math::

        \alpha = \frac{k}{k - 1}\left(1 - \frac{\sum_{i=1}^{k}\sigma^2_{i}}{\sigma^2_{X}}\right)

    where :math:`k` is the number of items, :math:`\sigma^2_i` the sample
    variance of item :math:`i` and :math:`\sigma^2_X` the sample variance of
    the total score (Cronbach, 1951). The confidence interval is Feldt's:

    .. math::

        \left[\,1 - (1 - \alpha)\,F_{1-\gamma/2}(n-1, (n-1)(k-1)),\;
               1 - (1 - \alpha)\,F_{\gamma/2}(n-1, (n-1)(k-1))\,\right]

    with :math:`\gamma = 1 - \text{confidence}` and :math:`F_p` the
    :math:`p` quantile of the F distribution.

    Parameters
    ----------
    items : pandas.DataFrame or numpy.ndarray
        Rows are respondents, columns are items. Missing answers are NaN;
        rows with any missing answer are dropped (listwise deletion).
    confidence : float, default 0.95
        Coverage of the confidence interval, strictly between 0 and 1.

    Returns
    -------
    AlphaResult
        ``alpha``, ``ci_low``, ``ci_high``, ``n`` (complete rows used),
        ``k`` (items) and ``confidence``.

    Raises
    ------
    ValueError
        If ``items`` is not two-dimensional, has a non-numeric column or an
        infinite value, has fewer than 2 items or fewer than 2 complete rows,
        if the total score has zero variance, or if ``confidence`` is not
        strictly between 0 and 1.

    Notes
    -----
    This is the interval that ``pingouin.cronbach_alpha`` implements, after
    Feldt and colleagues (reference not verified here). Two differences from pingouin 0.7: the
    limits here are not rounded to 3 decimals, and after listwise deletion
    ``n`` is the number of complete rows (pingouin counts the rows before
    deletion, which makes its interval too narrow when data are missing).

    Terwee et al. (2007) rate internal consistency positively when alpha is
    between 0.70 and 0.95 per dimension (and the factor analysis sample is
    adequate). Alpha may be negative when items disagree.

    References
    ----------
    Cronbach (1951). *Psychometrika* 16:297-334.

    Examples
    --------
    >>> import numpy as np
    >>> from widgets.logic.measurement.psychometrics import cronbach_alpha
    >>> answers = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 4, 4], [2, 1, 2]])
    >>> result = cronbach_alpha(answers)
    >>> round(result.alpha, 4), result.n, result.k
    (0.9316, 5, 3)
    >>> round(result.ci_low, 3), round(result.ci_high, 3)
    (0.654, 0.992)
    """
    confidence = _finite("confidence", confidence)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    if isinstance(items, pd.DataFrame):
        for column in items.columns:
            dtype = items[column].dtype
            if not pd.api.types.is_numeric_dtype(dtype):
                raise ValueError(f"item column {column!r} is not numeric (dtype {dtype})")
        data = items.to_numpy(dtype=float, na_value=np.nan)
    elif isinstance(items, np.ndarray):
        data = _float_array("items", items)
    else:
        raise ValueError(f"items must be a pandas DataFrame or a numpy array, got {type(items).__name__}")
    if data.ndim != 2:
        raise ValueError(f"items must be two-dimensional (rows = respondents, columns = items), got shape {data.shape}")
    if np.isinf(data).any():
        raise ValueError(f"items contains {float(data[np.isinf(data)][0])!r}; answers must be finite (use NaN for missing)")
    k = data.shape[1]
    if k < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 items (columns), got {k}")
    complete = data[~np.isnan(data).any(axis=1)]
    n = complete.shape[0]
    if n < 2:
        raise ValueError(
            f"Cronbach's alpha needs at least 2 complete rows, got {n} of {data.shape[0]} after dropping rows with missing values"
        )
    covariance = np.cov(complete, rowvar=False, ddof=1)
    item_variance = float(np.trace(covariance))
    total_variance = float(covariance.sum())
    if not total_variance > 1e-12 * item_variance:
        raise ValueError(
            f"the total score has zero variance ({total_variance!r}) across the {n} complete rows, so alpha is undefined"
        )
    alpha = (k / (k - 1)) * (1.0 - item_variance / total_variance)
    tail = (1.0 - confidence) / 2.0
    df1 = n - 1
    df2 = df1 * (k - 1)
    from scipy.special import (
        fdtri,  # the F quantile; imported here so pages that never need alpha skip scipy (~25 MiB)
    )

    ci_low = 1.0 - (1.0 - alpha) * float(fdtri(df1, df2, 1.0 - tail))
    ci_high = 1.0 - (1.0 - alpha) * float(fdtri(df1, df2, tail))
    return AlphaResult(alpha=alpha, ci_low=ci_low, ci_high=ci_high, n=n, k=k, confidence=confidence)


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    r"""Standard error of measurement, in raw score points.

    .. math::

        \mathrm{SEM} = SD\,\sqrt{1 - r_{xx}}

    Parameters
    ----------
    sd : float
        Standard deviation of the scores (usually at baseline), greater than 0.
    reliability : float
        Reliability :math:`r_{xx}` between 0 and 1, ideally test-retest
        (Jacobson & Truax, 1991); some authors use alpha.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``sd`` is not a finite number above 0 or ``reliability`` is not in [0, 1].

    Examples
    --------
    >>> from widgets.logic.measurement.psychometrics import standard_error_of_measurement
    >>> round(standard_error_of_measurement(10, 0.80), 4)
    4.4721
    """
    sd = _positive("sd", sd)
    reliability = _reliability(reliability)
    return sd * math.sqrt(1.0 - reliability)


def smallest_detectable_change(sd: float, reliability: float) -> float:
    r"""Smallest detectable change for one person at the 95% level, in raw points.

    .. math::

        \mathrm{SDC} = 1.96 \times \sqrt{2} \times \mathrm{SEM}

    Numerically this is the raw-score threshold of the reliable change index
    (see :func:`reliable_change_index`). The formula is the one used in the
    COSMIN literature (de Vet, Terwee and colleagues); it is given here as the
    standard formula, not checked against those sources.

    Parameters
    ----------
    sd : float
        Standard deviation of the scores, greater than 0.
    reliability : float
        Reliability between 0 and 1.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`standard_error_of_measurement`.

    Examples
    --------
    >>> from widgets.logic.measurement.psychometrics import smallest_detectable_change
    >>> round(smallest_detectable_change(10, 0.80), 3)
    12.396
    """
    return Z_95 * (math.sqrt(2.0) * standard_error_of_measurement(sd, reliability))


# ---------------------------------------------------------------------------
# Reliable change
# ---------------------------------------------------------------------------


def reliable_change_index(
    pre: float,
    post: float,
    *,
    sd_baseline: float,
    reliability: float,
    higher_is_better: bool = True,
) -> RCIResult:
    r"""Jacobson & Truax (1991) reliable change index for one person.

    .. math::

        S_\mathrm{diff} = \sqrt{2\,\mathrm{SEM}^2} = SD_1\sqrt{2}\sqrt{1 - r_{xx}},
        \qquad
        \mathrm{RCI} = \frac{X_\mathrm{post} - X_\mathrm{pre}}{S_\mathrm{diff}}

    A change is reliable (unlikely to come from measurement error alone,
    p < .05) when :math:`|\mathrm{RCI}| > 1.96`, i.e. when the raw change
    exceeds :math:`1.96\,S_\mathrm{diff}`. The :math:`\sqrt{2}` is the
    correction of Christensen & Mendoza (1986).

    Parameters
    ----------
    pre, post : float
        The person's scores before and after.
    sd_baseline : float
        Standard deviation at baseline (:math:`SD_1`), greater than 0.
    reliability : float
        Reliability in [0, 1); test-retest is recommended.
    higher_is_better : bool, default True
        True for recovery and well-being scales, False for symptom scales.

    Returns
    -------
    RCIResult
        ``rci``, ``s_diff``, ``threshold`` (raw points), ``reliable`` and
        ``direction`` (``"better"``, ``"worse"`` or ``"no change"``).

    Raises
    ------
    ValueError
        If a score is not finite, ``sd_baseline`` is not above 0,
        ``reliability`` is outside [0, 1], or ``reliability`` is 1 (there is
        then no measurement error to divide by).

    References
    ----------
    Jacobson NS, Truax P (1991). *J Consult Clin Psychol* 59(1):12-19.

    Examples
    --------
    SEM = 10 * sqrt(0.2) = 4.4721, S_diff = sqrt(2) * 4.4721 = 6.3246:

    >>> from widgets.logic.measurement.psychometrics import reliable_change_index
    >>> result = reliable_change_index(30, 42, sd_baseline=10, reliability=0.80)
    >>> round(result.rci, 4), round(result.threshold, 3), result.reliable, result.direction
    (1.8974, 12.396, False, 'no change')
    >>> reliable_change_index(30, 44, sd_baseline=10, reliability=0.80).direction
    'better'
    """
    pre = _finite("pre", pre)
    post = _finite("post", post)
    s_diff = _s_diff(sd_baseline, reliability)
    rci = (post - pre) / s_diff
    reliable = abs(rci) > Z_95
    direction: Direction = "no change"
    if reliable:
        direction = "better" if (rci > 0) == bool(higher_is_better) else "worse"
    return RCIResult(rci=rci, s_diff=s_diff, threshold=Z_95 * s_diff, reliable=reliable, direction=direction)


def reliable_change_indices(
    pre: ArrayLike,
    post: ArrayLike,
    *,
    sd_baseline: float,
    reliability: float,
) -> np.ndarray:
    r"""Vectorised reliable change index: :math:`(X_\mathrm{post} - X_\mathrm{pre}) / S_\mathrm{diff}`.

    The formula and references are those of :func:`reliable_change_index`.

    Parameters
    ----------
    pre, post : array_like
        Scores of the same shape; NaN (or ``None``) marks a missing score.
    sd_baseline : float
        Standard deviation at baseline, greater than 0.
    reliability : float
        Reliability in [0, 1).

    Returns
    -------
    numpy.ndarray
        Float array of the same shape, NaN where ``pre`` or ``post`` is NaN.

    Raises
    ------
    ValueError
        If the shapes differ, a score is infinite or not a number, or the
        options are invalid as in :func:`reliable_change_index`.

    Examples
    --------
    >>> from widgets.logic.measurement.psychometrics import reliable_change_indices
    >>> reliable_change_indices([30, 30, 50], [42, 44, float("nan")], sd_baseline=10, reliability=0.80).round(4)
    array([1.8974, 2.2136,    nan])
    """
    s_diff = _s_diff(sd_baseline, reliability)
    pre_array, post_array = _paired_arrays(pre, post)
    indices: np.ndarray = (post_array - pre_array) / s_diff
    return indices


# ---------------------------------------------------------------------------
# Clinical significance
# ---------------------------------------------------------------------------


def clinical_cutoffs(
    *,
    mean_dysfunctional: float,
    sd_dysfunctional: float,
    mean_functional: float | None = None,
    sd_functional: float | None = None,
    higher_is_better: bool = True,
) -> CutoffResult:
    r"""Jacobson & Truax (1991) cut-offs between the dysfunctional and functional populations.

    For a scale on which higher is better (signs flip otherwise):

    .. math::

        a = M_\mathrm{dys} + 2\,SD_\mathrm{dys}, \qquad
        b = M_\mathrm{func} - 2\,SD_\mathrm{func}, \qquad
        c = \frac{SD_\mathrm{dys}\,M_\mathrm{func} + SD_\mathrm{func}\,M_\mathrm{dys}}
                 {SD_\mathrm{dys} + SD_\mathrm{func}}

    *a* needs only the clinical sample; *b* and *c* need functional
    (non-clinical) norms. *c* is the point equally likely to belong to either
    population; use it when both norms exist and the distributions overlap.

    Parameters
    ----------
    mean_dysfunctional, sd_dysfunctional : float
        Mean and SD (> 0) of the dysfunctional (clinical) population.
    mean_functional, sd_functional : float, optional
        Mean and SD (> 0) of the functional population; give both or neither.
    higher_is_better : bool, default True
        Direction of improvement on the scale.

    Returns
    -------
    CutoffResult
        ``a``, and ``b`` and ``c`` (``None`` without functional norms).

    Raises
    ------
    ValueError
        If a mean is not finite, an SD is not above 0, only one of the
        functional mean and SD is given, or the functional mean is not on the
        better side of the dysfunctional mean.

    References
    ----------
    Jacobson NS, Truax P (1991). *J Consult Clin Psychol* 59(1):12-19.

    Examples
    --------
    >>> from widgets.logic.measurement.psychometrics import clinical_cutoffs
    >>> clinical_cutoffs(mean_dysfunctional=20, sd_dysfunctional=5, mean_functional=40, sd_functional=10)
    CutoffResult(a=30.0, b=20.0, c=26.666666666666668, higher_is_better=True)
    """
    m_dys = _finite("mean_dysfunctional", mean_dysfunctional)
    sd_dys = _positive("sd_dysfunctional", sd_dysfunctional)
    sign = 1.0 if higher_is_better else -1.0
    a = m_dys + sign * 2.0 * sd_dys
    if mean_functional is None and sd_functional is None:
        return CutoffResult(a=a, b=None, c=None, higher_is_better=bool(higher_is_better))
    if mean_functional is None or sd_functional is None:
        raise ValueError(
            "give both mean_functional and sd_functional or neither, got "
            f"mean_functional={mean_functional!r} and sd_functional={sd_functional!r}"
        )
    m_func = _finite("mean_functional", mean_functional)
    sd_func = _positive("sd_functional", sd_functional)
    if sign * (m_func - m_dys) <= 0:
        side = "above" if higher_is_better else "below"
        raise ValueError(
            f"mean_functional ({mean_functional!r}) must be {side} mean_dysfunctional ({mean_dysfunctional!r}) "
            f"when higher_is_better={bool(higher_is_better)}"
        )
    b = m_func - sign * 2.0 * sd_func
    c = (sd_dys * m_func + sd_func * m_dys) / (sd_dys + sd_func)
    return CutoffResult(a=a, b=b, c=c, higher_is_better=bool(higher_is_better))


def classify_change(
    pre: float,
    post: float,
    *,
    sd_baseline: float,
    reliability: float,
    cutoff: float,
    higher_is_better: bool = True,
) -> ChangeClass:
    """Jacobson & Truax (1991) classification of one person's change.

    - ``"recovered"``: reliable improvement (see :func:`reliable_change_index`)
      *and* the score crossed ``cutoff`` from the dysfunctional to the
      functional side: ``pre < cutoff <= post`` when higher is better,
      ``pre > cutoff >= post`` otherwise.
    - ``"improved"``: reliable improvement without that crossing.
    - ``"deteriorated"``: reliable worsening.
    - ``"unchanged"``: the change is not reliable (``|RCI| <= 1.96``).

    Parameters
    ----------
    pre, post : float
        The person's scores before and after.
    sd_baseline : float
        Standard deviation at baseline, greater than 0.
    reliability : float
        Reliability in [0, 1).
    cutoff : float
        A cut-off from :func:`clinical_cutoffs` (*a*, *b* or *c*).
    higher_is_better : bool, default True
        Direction of improvement on the scale.

    Returns
    -------
    {"recovered", "improved", "unchanged", "deteriorated"}

    Raises
    ------
    ValueError
        As :func:`reliable_change_index`, or if ``cutoff`` is not finite.

    References
    ----------
    Jacobson NS, Truax P (1991). *J Consult Clin Psychol* 59(1):12-19.

    Examples
    --------
    >>> from widgets.logic.measurement.psychometrics import classify_change
    >>> classify_change(20, 35, sd_baseline=10, reliability=0.80, cutoff=30)
    'recovered'
    >>> classify_change(35, 50, sd_baseline=10, reliability=0.80, cutoff=30)
    'improved'
    >>> classify_change(20, 25, sd_baseline=10, reliability=0.80, cutoff=30)
    'unchanged'
    """
    cutoff = _finite("cutoff", cutoff)
    before = _finite("pre", pre)
    after = _finite("post", post)
    result = reliable_change_index(
        before, after, sd_baseline=sd_baseline, reliability=reliability, higher_is_better=higher_is_better
    )
    if result.direction == "worse":
        return "deteriorated"
    if result.direction == "no change":
        return "unchanged"
    crossed = before < cutoff <= after if higher_is_better else before > cutoff >= after
    return "recovered" if crossed else "improved"


def classify_changes(
    pre: ArrayLike,
    post: ArrayLike,
    *,
    sd_baseline: float,
    reliability: float,
    cutoff: float,
    higher_is_better: bool = True,
) -> np.ndarray:
    """Vectorised :func:`classify_change` for many people at once.

    The rules are those of :func:`classify_change`; the work is done with
    numpy masks, with no Python loop over people.

    Parameters
    ----------
    pre, post : array_like
        Scores of the same shape; NaN (or ``None``) marks a missing score.
    sd_baseline, reliability, cutoff, higher_is_better
        As in :func:`classify_change`.

    Returns
    -------
    numpy.ndarray
        Object array of the same shape holding ``"recovered"``,
        ``"improved"``, ``"unchanged"`` or ``"deteriorated"``, and ``""``
        where ``pre`` or ``post`` is missing.

    Raises
    ------
    ValueError
        As :func:`reliable_change_indices`, or if ``cutoff`` is not finite.

    Examples
    --------
    >>> from widgets.logic.measurement.psychometrics import classify_changes
    >>> classify_changes([20, 35, 20, 40, 20], [35, 50, 25, 20, float("nan")],
    ...                  sd_baseline=10, reliability=0.80, cutoff=30).tolist()
    ['recovered', 'improved', 'unchanged', 'deteriorated', '']
    """
    cutoff = _finite("cutoff", cutoff)
    s_diff = _s_diff(sd_baseline, reliability)
    pre_array, post_array = _paired_arrays(pre, post)
    rci = (post_array - pre_array) / s_diff
    reliable = np.abs(rci) > Z_95  # False where rci is NaN
    if higher_is_better:
        better, worse = reliable & (rci > 0), reliable & (rci < 0)
        crossed = (pre_array < cutoff) & (post_array >= cutoff)
    else:
        better, worse = reliable & (rci < 0), reliable & (rci > 0)
        crossed = (pre_array > cutoff) & (post_array <= cutoff)
    classes = np.full(rci.shape, "unchanged", dtype=object)
    classes[better] = "improved"
    classes[better & crossed] = "recovered"
    classes[worse] = "deteriorated"
    classes[np.isnan(rci)] = ""
    return classes


# ---------------------------------------------------------------------------
# Floor and ceiling effects
# ---------------------------------------------------------------------------


def floor_ceiling(
    scores: ArrayLike,
    *,
    minimum: float,
    maximum: float,
    threshold_pct: float = 15.0,
) -> FloorCeilingResult:
    r"""Floor and ceiling effects: the share of respondents at the lowest and highest possible score.

    .. math::

        \text{floor \%} = 100 \times \frac{\#\{x_i = \text{minimum}\}}{n}, \qquad
        \text{ceiling \%} = 100 \times \frac{\#\{x_i = \text{maximum}\}}{n}

    over the :math:`n` non-missing scores. Terwee et al. (2007) rate a
    measure positively when at most 15% of respondents score at either
    extreme; more than that signals a floor or ceiling effect.

    Parameters
    ----------
    scores : array_like
        Total scores; NaN (or ``None``) marks a missing score and is ignored.
    minimum, maximum : float
        Lowest and highest possible score on the scale (``minimum < maximum``).
    threshold_pct : float, default 15.0
        An effect is flagged when the percentage is strictly above this (0 to 100).

    Returns
    -------
    FloorCeilingResult
        ``floor_pct``, ``ceiling_pct`` (0 to 100), ``n``, ``floor_effect``, ``ceiling_effect``.

    Raises
    ------
    ValueError
        If there are no non-missing scores, a score lies outside
        [``minimum``, ``maximum``] (the message names it), ``minimum`` is not
        below ``maximum``, or ``threshold_pct`` is outside [0, 100].

    References
    ----------
    Terwee, C. B., et al. (2007). *J Clin Epidemiol*, 60(1), 34-42.

    Examples
    --------
    >>> from widgets.logic.measurement.psychometrics import floor_ceiling
    >>> result = floor_ceiling([14, 14, 14, 30, 45, 70, 70, float("nan")], minimum=14, maximum=70)
    >>> round(result.floor_pct, 2), round(result.ceiling_pct, 2), result.n, result.floor_effect
    (42.86, 28.57, 7, True)
    """
    low = _finite("minimum", minimum)
    high = _finite("maximum", maximum)
    if not low < high:
        raise ValueError(f"minimum ({minimum!r}) must be below maximum ({maximum!r})")
    threshold = _finite("threshold_pct", threshold_pct)
    if not 0.0 <= threshold <= 100.0:
        raise ValueError(f"threshold_pct must be between 0 and 100, got {threshold_pct!r}")
    values = _float_array("scores", scores).ravel()
    values = values[~np.isnan(values)]
    n = int(values.size)
    if n == 0:
        raise ValueError("scores has no non-missing values to count")
    outside = (values < low) | (values > high)
    if outside.any():
        raise ValueError(f"score {float(values[outside][0])!r} is outside the scale range {minimum!r} to {maximum!r}")
    floor_pct = 100.0 * int(np.count_nonzero(values == low)) / n
    ceiling_pct = 100.0 * int(np.count_nonzero(values == high)) / n
    return FloorCeilingResult(
        floor_pct=floor_pct,
        ceiling_pct=ceiling_pct,
        n=n,
        floor_effect=floor_pct > threshold,
        ceiling_effect=ceiling_pct > threshold,
    )
