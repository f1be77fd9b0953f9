"""Synthetic data sets: reproducible from their seed, labelled, and plausible."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest
import yaml

from widgets.content.loading import data_dir
from widgets.logic.measurement.cohort import (
    COHORT_SEED,
    ITEM_COLUMNS,
    cohort_path,
    qpr15_cohort,
    sha256_of,
)

MANIFEST = yaml.safe_load((data_dir() / "manifest.yaml").read_text(encoding="utf-8"))["datasets"]
SYNTHETIC = [entry for entry in MANIFEST if entry["synthetic"]]


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["path"])
def test_every_manifest_entry_points_to_a_file(entry: dict) -> None:
    assert (data_dir() / entry["path"]).is_file()
    assert entry["title"] and entry["description"]


@pytest.mark.parametrize("entry", SYNTHETIC, ids=lambda e: e["path"])
def test_synthetic_entry_names_a_generator_that_exists(entry: dict) -> None:
    # the manifest still named widgets.synthetic after the layering moved it
    module, _, function = entry["generator"].rpartition(".")
    assert callable(getattr(importlib.import_module(module), function))


@pytest.mark.parametrize("entry", SYNTHETIC, ids=lambda e: e["path"])
def test_synthetic_file_matches_its_recorded_hash_and_says_it_is_synthetic(entry: dict) -> None:
    data = (data_dir() / entry["path"]).read_bytes()
    assert sha256_of(data) == entry["sha256"]
    assert "synthetic" in entry["title"].lower()


def test_generator_reproduces_the_committed_cohort_from_its_seed() -> None:
    entry = next(e for e in SYNTHETIC if e["path"] == "synthetic/qpr15_cohort.csv")
    assert entry["seed"] == COHORT_SEED
    generated = qpr15_cohort(seed=entry["seed"])
    committed = pd.read_csv(cohort_path())  # compared as a table: CSV formatting may change, the values may not
    pd.testing.assert_frame_equal(generated.reset_index(drop=True), committed, check_dtype=False)


def test_the_seeded_cohort_has_a_stable_summary() -> None:
    cohort = qpr15_cohort(seed=COHORT_SEED)
    items = cohort[list(ITEM_COLUMNS)]
    totals = items.sum(axis=1).groupby(cohort["timepoint"]).sum().to_dict()
    assert (cohort.shape, int(items.isna().sum().sum()), totals) == ((761, 17), 97, {"12_months": 15074, "baseline": 15726})


def test_cohort_has_400_fictional_people_with_answers_in_range() -> None:
    frame = pd.read_csv(cohort_path())
    assert frame["person_id"].str.fullmatch(r"SYN-\d{3}").all()
    assert frame.query("timepoint == 'baseline'")["person_id"].nunique() == 400
    assert set(frame["timepoint"]) == {"baseline", "12_months"}
    values = frame[list(ITEM_COLUMNS)].stack().dropna()
    assert values.between(0, 4).all()
    assert frame[list(ITEM_COLUMNS)].isna().any(axis=1).sum() > 0, "some blanks exercise the missing-item rule"


def test_cohort_levels_are_near_the_published_figures() -> None:
    baseline = pd.read_csv(cohort_path()).query("timepoint == 'baseline'")[list(ITEM_COLUMNS)].dropna()
    totals = baseline.sum(axis=1)
    assert 37 <= totals.mean() <= 43 and 8 <= totals.std() <= 12


def test_a_different_seed_gives_different_people() -> None:
    assert not qpr15_cohort(20, seed=1).equals(qpr15_cohort(20, seed=2))


def test_a_cohort_needs_at_least_one_person() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        qpr15_cohort(0)
