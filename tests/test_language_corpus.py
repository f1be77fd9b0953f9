"""The language checker measured on a corpus of fictional care-note sentences.

``data/language/corpus.yaml`` lists, for each sentence, the lexicon entries the
checker should flag, the ones it should only note (a person's own quoted words,
or a term describing another person's behaviour), the expected safe rewrite, and
substitutions that must never appear.

Targets: precision >= 0.9 and recall >= 0.9 of the flags over the whole corpus,
and no harmful rewrite. A rewrite is **harmful** when it

1. changes a person's own words: any quoted span of the original (between
   quotation marks) is not in the rewrite word for word;
2. softens what another person did: a term the corpus marks as a note (for
   example "manipulative behaviour by her ex-partner") or any ``keep`` words are
   not in the rewrite unchanged; or
3. makes a substitution the corpus lists as ``forbidden`` (ungrammatical or
   meaning-changing, such as "We did not take up contact Ms J").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from widgets.language import find_phrases, load_lexicon, suggest_rewrite

CORPUS_PATH = Path(__file__).resolve().parent.parent / "data" / "language" / "corpus.yaml"
LEXICON = load_lexicon()
PRECISION_TARGET = 0.9
RECALL_TARGET = 0.9

_QUOTED = re.compile(r"\"[^\"]+\"|“[^”]+”|(?<![\w'’])['‘][^'’]+['’](?![\w'’])")
"""Quoted spans as the test sees them: straight or curly, double or single quotation marks."""


@dataclass(frozen=True)
class Item:
    text: str
    flags: tuple[str, ...]
    notes: tuple[str, ...] = ()
    rewrite: str | None = None
    forbidden: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    why: str = ""
    expected_rewrite: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "expected_rewrite", self.rewrite if self.rewrite is not None else self.text)


def load_corpus() -> list[Item]:
    raw = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
    items = []
    for entry in raw["sentences"]:
        unknown = set(entry) - {"text", "flags", "notes", "rewrite", "forbidden", "keep", "why"}
        assert not unknown, f"{entry.get('text')!r}: unknown keys {unknown}"
        items.append(
            Item(
                text=entry["text"],
                flags=tuple(entry["flags"]),
                notes=tuple(entry.get("notes", ())),
                rewrite=entry.get("rewrite"),
                forbidden=tuple(entry.get("forbidden", ())),
                keep=tuple(entry.get("keep", ())),
                why=entry.get("why", ""),
            )
        )
    return items


CORPUS = load_corpus()


def flagged(text: str) -> list[str]:
    """Entry ids the checker flags (notes about quoted words or other people are not flags)."""
    return [f.entry_id for f in find_phrases(text, LEXICON) if getattr(f, "is_flag", True)]


def noted(text: str) -> list[str]:
    return [f.entry_id for f in find_phrases(text, LEXICON) if not getattr(f, "is_flag", True)]


def rewrite(text: str) -> str:
    return suggest_rewrite(text, find_phrases(text, LEXICON))


def harms(item: Item, rewritten: str) -> list[str]:
    """Why ``rewritten`` is a harmful rewrite of ``item.text`` (see the module docstring); [] if it is not."""
    problems = []
    for quoted in _QUOTED.findall(item.text):
        if quoted not in rewritten:
            problems.append(f"changed the person's quoted words {quoted!r}")
    for words in item.keep:
        if words not in rewritten:
            problems.append(f"changed {words!r}, which must stay as written")
    for entry_id in item.notes:
        for pattern_form in _forms_of(entry_id):
            if re.search(rf"\b{re.escape(pattern_form)}\b", item.text, re.IGNORECASE) and not re.search(
                rf"\b{re.escape(pattern_form)}\b", rewritten, re.IGNORECASE
            ):
                problems.append(f"removed the noted term {pattern_form!r} ({entry_id})")
    for words in item.forbidden:
        if words.lower() in rewritten.lower():
            problems.append(f"made the forbidden substitution {words!r}")
    return problems


def _forms_of(entry_id: str) -> list[str]:
    try:
        patterns = LEXICON.entry(entry_id).patterns
    except KeyError:
        return []
    forms = []
    for pattern in patterns:
        base = [""]
        for token in re.split(r"([ -])", pattern):
            optional = re.fullmatch(r"([a-z']+)\(([a-z]+)\)", token)
            endings = [optional[1], optional[1] + optional[2]] if optional else [token]
            base = [done + ending for done in base for ending in endings]
        forms += base
    return forms


@dataclass
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def score(items: list[Item]) -> tuple[Scores, list[str]]:
    """Precision and recall of the flags (each expected id counted once per occurrence), and the misses."""
    tp = fp = fn = 0
    misses = []
    for item in items:
        expected, got = Counter(item.flags), Counter(flagged(item.text))
        hit = sum((expected & got).values())
        tp += hit
        fp += sum((got - expected).values())
        fn += sum((expected - got).values())
        if expected != got:
            misses.append(f"{item.text!r}: expected {sorted(expected.elements())}, got {sorted(got.elements())}")
    return Scores(tp, fp, fn), misses


# --------------------------------------------------------------------------- the corpus itself


class TestCorpusFile:
    def test_has_at_least_60_distinct_sentences(self) -> None:
        texts = [item.text for item in CORPUS]
        assert len(texts) >= 60
        assert len(set(texts)) == len(texts)

    def test_every_expected_id_is_a_lexicon_entry(self) -> None:
        known = {entry.id for entry in LEXICON.entries}
        for item in CORPUS:
            assert set(item.flags) | set(item.notes) <= known, item.text

    def test_includes_the_reported_false_positive_traps_with_no_flags(self) -> None:
        traps = {
            "His mother suffers from arthritis",
            "The service suffers from underfunding",
            "our own lack of insight",
            "Her coat was kept on the ward",
        }
        for trap in traps:
            (item,) = [item for item in CORPUS if trap in item.text]
            assert item.flags == ()

    def test_covers_every_lexicon_entry_at_least_once(self) -> None:
        covered = {entry_id for item in CORPUS for entry_id in item.flags}
        assert covered == {entry.id for entry in LEXICON.entries}

    def test_people_are_fictional_initials_only(self) -> None:
        for item in CORPUS:
            for _title, name in re.findall(r"\b(Mr|Ms|Mrs|Mx|Dr)\.? ([A-Z][a-z]*)", item.text):
                assert len(name) == 1, f"{item.text!r}: use an initial, not a name"

    def test_expected_rewrites_are_themselves_free_of_flags(self) -> None:
        for item in CORPUS:
            if item.rewrite is not None:
                remaining = set(flagged(item.rewrite))
                advice_only = set(item.flags)  # phrases left for the writer to rewrite by hand
                assert remaining <= advice_only, item.rewrite

    def test_the_harm_check_catches_the_reported_harmful_rewrites(self) -> None:
        engage = next(item for item in CORPUS if item.text.startswith("We failed to engage Ms J"))
        assert harms(engage, "We did not take up contact Ms J before her discharge.")
        partner = next(item for item in CORPUS if "her ex-partner, who controls" in item.text)
        assert harms(partner, partner.text.replace("manipulative", "trying to get needs met"))
        voices = next(item for item in CORPUS if '"suffers from voices"' in item.text)
        assert harms(voices, voices.text.replace("suffers from", "lives with"))
        assert not harms(voices, voices.text)


# --------------------------------------------------------------------------- the checker on the corpus


class TestCheckerOnCorpus:
    def test_precision_and_recall_meet_the_targets(self) -> None:
        scores, misses = score(CORPUS)
        print(
            f"\ncorpus: {len(CORPUS)} sentences, {scores.true_positives + scores.false_negatives} expected flags; "
            f"precision {scores.precision:.3f}, recall {scores.recall:.3f} "
            f"(TP {scores.true_positives}, FP {scores.false_positives}, FN {scores.false_negatives})"
        )
        assert scores.precision >= PRECISION_TARGET, "\n".join(misses)
        assert scores.recall >= RECALL_TARGET, "\n".join(misses)

    def test_no_rewrite_is_harmful(self) -> None:
        harmful = {item.text: harms(item, rewrite(item.text)) for item in CORPUS}
        harmful = {text: problems for text, problems in harmful.items() if problems}
        assert harmful == {}

    @pytest.mark.parametrize("item", CORPUS, ids=lambda item: item.text[:50])
    def test_flags_notes_and_safe_rewrite_of_each_sentence(self, item: Item) -> None:
        assert sorted(flagged(item.text)) == sorted(item.flags)
        assert sorted(noted(item.text)) == sorted(item.notes)
        assert rewrite(item.text) == item.expected_rewrite
