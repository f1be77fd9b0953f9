"""Regression tests for the language checker's reported harmful or wrong rewrites (issue 16).

Each test here failed against the checker as it was before the fix.
"""

from __future__ import annotations

import re

import pytest

from widgets.language import (
    check_language,
    find_phrases,
    load_labs,
    load_lexicon,
    render_check,
    suggest_rewrite,
)

LEXICON = load_lexicon()
LABS = load_labs()


def flagged(text: str) -> list[str]:
    return [f.entry_id for f in find_phrases(text, LEXICON) if getattr(f, "is_flag", True)]


def rewrite(text: str) -> str:
    return suggest_rewrite(text, find_phrases(text, LEXICON))


def panel(text: str) -> str:
    return render_check(check_language(text, LEXICON), LEXICON)


class TestHarmfulRewrites:
    def test_we_failed_to_engage_ms_j_is_the_team_owning_it_and_is_left_alone(self) -> None:
        text = "We failed to engage Ms J."
        assert flagged(text) == []
        assert rewrite(text) == text
        assert "take up contact" not in panel(text)

    def test_a_person_failing_to_engage_is_rewritten_grammatically(self) -> None:
        assert rewrite("Ms J failed to engage with us.") == "Ms J did not engage with us."
        assert rewrite("Ms J has failed to engage with us.") == "Ms J has not engaged with us."

    def test_manipulative_behaviour_by_an_ex_partner_is_not_softened_and_is_a_safeguarding_note(self) -> None:
        text = "She described manipulative behaviour by her ex-partner."
        assert flagged(text) == []
        assert rewrite(text) == text
        out = panel(text)
        assert "safeguarding" in out.lower()
        assert "trying to get needs met" not in out
        assert "Person-first" not in out, "identity-language advice is about the person, not the ex-partner"

    def test_a_quoted_suffers_from_voices_is_the_persons_own_words_and_stays(self) -> None:
        text = 'Mr T says he "suffers from voices" at night.'
        assert flagged(text) == []
        assert rewrite(text) == text
        assert "own words" in panel(text)

    @pytest.mark.parametrize(
        "text",
        [
            'She said: "I have been\nsuffering from depression" for years.',
            'She said: "He suffers from depression, and so do I',
            "He told us he \u201csuffers from voices\u201d.",
            "He told us he 'suffers from voices' at night.",
        ],
        ids=["over a line break", "quotation left open", "curly double", "single"],
    )
    def test_quoted_words_are_never_rewritten_however_they_are_quoted(self, text: str) -> None:
        assert flagged(text) == []
        assert rewrite(text) == text

    @pytest.mark.parametrize(
        "text",
        [
            "His mother suffers from arthritis.",
            "The service suffers from underfunding.",
            "We talked about our own lack of insight into his culture.",
            "Her coat was kept on the ward.",
        ],
    )
    def test_reported_false_positives_are_not_flagged(self, text: str) -> None:
        assert flagged(text) == []
        assert rewrite(text) == text

    def test_absconded_while_detained_points_to_awol_under_section_18(self) -> None:
        text = "Mr P absconded while on section 3."
        assert flagged(text) == ["absconded"]
        out = panel(text)
        assert "absent without leave (AWOL)" in out
        assert "section 18" in out and "Mental Health Act 1983" in out
        assert rewrite(text) == text, "advice only: the checker cannot know the facts"

    def test_an_advice_only_flag_is_never_turned_into_a_drop_in_phrase(self) -> None:
        text = "Ms R shows manipulative behaviour."
        assert flagged(text) == ["manipulative"]
        assert rewrite(text) == text


MISSING_TERMS = [
    ("Her brother committed suicide in 2015.", "committed-suicide", "Her brother died by suicide in 2015."),
    ("She is a self-harmer.", "self-harmer", "She is a person who self-harms."),
    ("He is a borderline.", "a-borderline", "He has a diagnosis of borderline personality disorder."),
    ("A PD patient asked for her notes.", "pd-patient", "A patient with a diagnosis of personality disorder asked for her notes."),
    ("He is a psychotic.", "a-psychotic", "He is a person with psychosis."),
    ("He is an addict.", "addict", "He is a person with an addiction."),
    ("Ms V DNA'd on Monday.", "dna", "Ms V did not attend on Monday."),
]  # fmt: skip


class TestMissingTerms:
    @pytest.mark.parametrize(("text", "entry_id", "expected"), MISSING_TERMS, ids=[t[1] for t in MISSING_TERMS])
    def test_each_is_flagged_with_a_respectful_alternative_and_a_short_reason(
        self, text: str, entry_id: str, expected: str
    ) -> None:
        assert flagged(text) == [entry_id]
        assert rewrite(text) == expected
        entry = LEXICON.entry(entry_id)
        assert entry.alternative and entry.reason.endswith(".") and len(entry.reason) <= 160

    def test_identity_first_language_is_noted_as_the_persons_choice(self) -> None:
        out = panel("He is an addict.")
        assert "identity-first" in out and "choice" in out

    def test_suicide_and_self_harm_findings_signpost_support(self) -> None:
        for text in ("Her brother committed suicide in 2015.", "She is a self-harmer."):
            out = panel(text)
            assert "Samaritans" in out and "116 123" in out


NEW_FACT_CUES = re.compile(
    r"\b(because|said|says|worried|agreed|agrees|wants|would like|feel|felt|unsafe|noise|side effects?"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|this year|\d+)\b",
    re.IGNORECASE,
)
LEGAL_CITATION = re.compile(r"section \d+|Mental Health Act \d{4}")
"""Numbers in a legal reference are not invented facts."""


class TestLabModelRewrites:
    @pytest.mark.parametrize("sentence", [s for lab in LABS.values() for s in lab.sentences], ids=lambda s: s.id)
    def test_a_model_rewrite_adds_no_reason_wish_agreement_or_date_the_original_does_not_give(self, sentence) -> None:
        model = LEGAL_CITATION.sub("", sentence.model_rewrite)
        original = {cue.lower() for cue in NEW_FACT_CUES.findall(sentence.text)}
        added = {cue.lower() for cue in NEW_FACT_CUES.findall(model)} - original
        assert added == set(), f"{sentence.id} invents: {sorted(added)}"

    def test_s1_does_not_invent_worries_about_side_effects(self) -> None:
        assert "side effect" not in LABS["02-care-plan"].sentences[0].model_rewrite.lower()

    def test_s3_does_not_turn_kept_on_the_ward_into_an_agreement(self) -> None:
        model = LABS["02-care-plan"].sentences[2].model_rewrite.lower()
        assert "agreed to stay" not in model
        assert "mental health act" in model, "the model asks the writer to record the legal basis"
