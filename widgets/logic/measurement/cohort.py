"""Synthetic data: a documented, seeded generator of fictional QPR-15 answers.

**Every row is synthetic.** No real person's answers were used. Levels are set to
be plausible against published figures: the REFOCUS trial reported QPR totals
near 40 with an SD near 10 (Slade et al. 2015), and Williams et al. (2015)
reported an internal consistency of 0.89 for the QPR-15.

Model (per fictional person): a latent recovery level ``theta ~ N(0, 1)``; each
of the 15 item answers is ``round(2.67 + 0.68 * theta + e)`` with ``e ~ N(0, 0.9)``,
clipped to 0-4 (so alpha comes out near 0.89). At 12 months ``theta`` moves by a mixture: 30% improve (mean
+1.4 SD), 10% deteriorate (mean -1.2 SD), the rest drift slightly (mean +0.05,
SD 0.3). About 12% have no 12-month answers (drop-out), and about 5% of answer
sets have one to four items left blank, so the missing-item rule is exercised.

Run ``python -m widgets.logic.measurement.cohort`` to rewrite ``data/synthetic/qpr15_cohort.csv``;
``data/manifest.yaml`` records the seed and the file's SHA-256, and a test checks
that the generator still reproduces its values.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ...content.instruments import load_instruments
from ...content.loading import data_path
from ..csvsafe import frame_to_csv_bytes
from .scoring import score_frame

__all__ = ["COHORT_SEED", "ITEM_COLUMNS", "cohort_path", "qpr15_cohort", "sha256_of"]

COHORT_SEED = 20140137
ITEM_COLUMNS = tuple(f"qpr15_{number:02d}" for number in range(1, 16))
_ITEM_MEAN, _LOADING, _NOISE = 2.67, 0.68, 0.9


def _answers(rng: np.random.Generator, theta: np.ndarray) -> np.ndarray:
    raw = _ITEM_MEAN + _LOADING * theta[:, None] + rng.normal(0.0, _NOISE, size=(theta.size, len(ITEM_COLUMNS)))
    answers = np.clip(np.rint(raw), 0, 4)
    blanks = rng.random(theta.size) < 0.05
    for row in np.flatnonzero(blanks):
        count = rng.integers(1, 5)
        answers[row, rng.choice(len(ITEM_COLUMNS), size=count, replace=False)] = np.nan
    return answers


def qpr15_cohort(n: int = 400, *, seed: int = COHORT_SEED) -> pd.DataFrame:
    """Fictional QPR-15 answers at baseline and 12 months, in long format.

    Columns: ``person_id`` (``SYN-001`` ...), ``timepoint`` (``baseline`` or
    ``12_months``), and ``qpr15_01`` ... ``qpr15_15`` (0-4, blank when missing).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 1.0, size=n)
    kind = rng.random(n)
    change = np.where(
        kind < 0.30,
        rng.normal(1.4, 0.5, n),
        np.where(kind < 0.40, rng.normal(-1.2, 0.4, n), rng.normal(0.05, 0.3, n)),
    )
    followed_up = rng.random(n) >= 0.12
    ids = np.array([f"SYN-{number:03d}" for number in range(1, n + 1)])
    baseline = pd.DataFrame(_answers(rng, theta), columns=list(ITEM_COLUMNS))
    baseline.insert(0, "timepoint", "baseline")
    baseline.insert(0, "person_id", ids)
    later = pd.DataFrame(_answers(rng, theta + change)[followed_up], columns=list(ITEM_COLUMNS))
    later.insert(0, "timepoint", "12_months")
    later.insert(0, "person_id", ids[followed_up])
    frame = pd.concat([baseline, later], ignore_index=True)
    frame[list(ITEM_COLUMNS)] = frame[list(ITEM_COLUMNS)].astype("Int64")
    return frame


def cohort_path() -> Path:
    return data_path("synthetic", "qpr15_cohort.csv")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV with every text cell safe to open in a spreadsheet (see :mod:`widgets.logic.csvsafe`)."""
    return frame_to_csv_bytes(frame)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> None:
    data = to_csv_bytes(qpr15_cohort())
    cohort_path().write_bytes(data)
    print(f"wrote {cohort_path()} ({len(data)} bytes), sha256 {sha256_of(data)}", file=sys.stderr)


if __name__ == "__main__":
    main()


SYNTHETIC_LABEL = "Synthetic data: 400 fictional people, generated for teaching (not real answers)."


# ----------------------------------------------------------------------------- the synthetic cohort


@lru_cache(maxsize=1)
def cohort_scores() -> pd.DataFrame:
    """The synthetic cohort's QPR-15 totals, one row per answer set (``person_id``, ``timepoint``, ``total``)."""
    frame = pd.read_csv(cohort_path())
    instrument = load_instruments()["QPR-15"]
    scored = score_frame(instrument, frame[list(instrument.item_ids)].astype(float))
    return pd.concat([frame[["person_id", "timepoint"]], scored[["total", "total_missing"]]], axis=1)


@lru_cache(maxsize=1)
def _cohort_pairs() -> tuple[np.ndarray, np.ndarray, float]:
    scores = cohort_scores()
    wide = scores.pivot(index="person_id", columns="timepoint", values="total").dropna()
    baseline_sd = float(scores.loc[scores["timepoint"] == "baseline", "total"].std())
    return wide["baseline"].to_numpy(), wide["12_months"].to_numpy(), baseline_sd
