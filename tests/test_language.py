"""The recovery-language checker: lexicon and labs as data, phrase finding, rendering, and both views."""

from __future__ import annotations

import copy
import html
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ipywidgets as ipw
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests import widget_tree
from widgets.content import language as language_content
from widgets.language import (
    CATEGORIES,
    SOURCES,
    Finding,
    LanguageChecker,
    LanguageLab,
    Lexicon,
    LexiconError,
    check_language,
    find_phrases,
    highlight_html,
    lab_question_id,
    load_labs,
    load_lexicon,
    suggest_rewrite,
)
from widgets.storage.store import AnswerStore, StoreError

LEXICON = load_lexicon()
LABS = load_labs()
ENTRIES = LEXICON.entries

DEEGAN_DRAKE = "Deegan & Drake (2006)"
SHEPHERD = "Shepherd, Boardman & Slade (2008)"
PERSON_FIRST = "Dunn & Andrews (2015)"
CONVENTION = "Workbook teaching convention (not from a published source)"
HEDGES = re.compile(r"from memory|not confirmed|not checked|not verified|unverified", re.IGNORECASE)

NEUTRAL_SENTENCES = [
    "She has a diagnosis of schizophrenia and declined the injection.",
    "Mr K takes his medication most days and says it helps him sleep.",
    "We kept in touch by phone while she was on leave, and kept in mind her wish to work.",
    "The team talked through a challenging week with her and agreed a plan.",
    "He described new insight into what helps when the voices get loud.",
    "Her housing application was refused, and she wants to appeal.",
    "She has lived with chronic pain since the accident.",
    "The compliance officer reviewed the fire safety audit.",
    "Treatment with lithium has not helped so far, he said.",
    "The plan failed on Tuesday because the bus was late.",
    "Mr K said he suffers no side effects from the tablets.",
    "Ms J lives in Denmark and visits her sister in Dennis Road.",
    "A person with schizophrenia wrote this recovery story.",
    "He was admitted informally and stayed in hospital for two weeks.",
    "She is functioning well at work and wants more hours.",
    "The patients' forum meets weekly; patients chair it.",
    "Schizophrenia, psychosis and bipolar disorder are diagnoses, not identities.",
    "He chose to stop the medication because of weight gain.",
    "Non-drug approaches were discussed; she is motivated to try them.",
    "They paid attention to seeking work and to her debts.",
    "Visitors are not allowed to bring alcohol onto the ward.",
    "The letter describes a schizophrenic illness that began in his twenties.",
    "He is hopeful about the new plan after two failed treatments.",
]


def forms(pattern: str) -> list[str]:
    """Every spelling a pattern lists, by the documented syntax: '(s)' is an optional ending."""
    result = [""]
    for token in re.split(r"([ -])", pattern):
        optional = re.fullmatch(r"([a-z']+)\(([a-z]+)\)", token)
        endings = [optional[1], optional[1] + optional[2]] if optional else [token]
        result = [done + ending for done in result for ending in endings]
    return result


ENTRY_FORMS = [(entry.id, form) for entry in ENTRIES for pattern in entry.patterns for form in forms(pattern)]
PREFIX = "Mr K "


def in_context(entry_id: str, spelling: str) -> str:
    """A sentence about a person in which the entry's context rules let ``spelling`` count."""
    entry = LEXICON.entry(entry_id)
    nearby = f" {entry.needs_nearby[0]}" if entry.needs_nearby else ""
    return f"{PREFIX}{spelling}{nearby}."


def entry_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "id": "x",
        "patterns": ["x"],
        "category": "deficit",
        "alternative": "y",
        "reason": "A reason.",
        "source": CONVENTION,
    }
    return data | overrides


def small_lexicon(*entries: dict[str, Any]) -> Lexicon:
    return Lexicon.model_validate({"entries": list(entries)})


def ids(findings: tuple[Finding, ...]) -> list[str]:
    return [finding.entry_id for finding in findings]


# --------------------------------------------------------------------------- the lexicon file


class TestLexiconFile:
    def test_the_real_lexicon_has_25_to_45_entries_with_unique_ids(self) -> None:
        entry_ids = [entry.id for entry in ENTRIES]
        assert 25 <= len(entry_ids) <= 45
        assert len(set(entry_ids)) == len(entry_ids)

    def test_every_category_is_used(self) -> None:
        assert {entry.category for entry in ENTRIES} == set(CATEGORIES)

    def test_every_source_is_a_known_one(self) -> None:
        assert {entry.source for entry in ENTRIES} <= set(SOURCES)

    def test_deegan_and_drake_is_cited_only_for_compliance_and_medication_decisions(self) -> None:
        cited = {entry.id for entry in ENTRIES if entry.source == DEEGAN_DRAKE}
        assert cited == {"non-compliant", "non-compliance", "refused-medication"}

    def test_shepherd_boardman_slade_is_cited_only_where_language_shapes_hope_or_chronicity(self) -> None:
        cited = {entry.id for entry in ENTRIES if entry.source == SHEPHERD}
        assert cited == {"chronic-patient", "failed-treatment"}

    def test_person_first_entries_cite_the_checked_reference(self) -> None:
        person_first = {entry.id for entry in ENTRIES if entry.source == PERSON_FIRST}
        assert {"a-schizophrenic", "schizophrenics", "the-mentally-ill", "a-borderline", "pd-patient"} <= person_first
        assert "doi:10.1037/a0038636" in SOURCES[PERSON_FIRST]

    def test_no_source_or_entry_shown_to_students_carries_hedge_wording(self) -> None:
        for name, shown in SOURCES.items():
            assert not HEDGES.search(name) and not HEDGES.search(shown), name
        for entry in ENTRIES:
            for text in (entry.alternative, entry.reason, entry.third_party_note or "", entry.when_detained or ""):
                assert not HEDGES.search(text), entry.id

    def test_the_legal_sources_are_the_acts_themselves(self) -> None:
        assert LEXICON.entry("absconded").source == "Mental Health Act 1983, s18"
        assert LEXICON.entry("committed-suicide").source == "Suicide Act 1961, s1"
        assert "legislation.gov.uk" in SOURCES["Mental Health Act 1983, s18"]

    def test_sources_shown_for_conventions_say_they_are_not_published(self) -> None:
        assert "not from a published source" in CONVENTION
        assert "not taken from a published source" in SOURCES[CONVENTION]

    @pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
    def test_each_reason_is_one_short_sentence(self, entry) -> None:
        assert entry.reason.endswith(".") and entry.reason.count(". ") == 0 and len(entry.reason) <= 160

    @pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
    def test_no_alternative_or_replacement_is_itself_flagged(self, entry) -> None:
        for suggestion in (entry.alternative, entry.when_detained or "", *entry.rewrites.values()):
            assert find_phrases(suggestion, LEXICON) == (), suggestion
            assert find_phrases(f"Mr K is {suggestion}.", LEXICON) == (), suggestion

    @pytest.mark.parametrize("entry", [e for e in ENTRIES if e.rewrites], ids=lambda e: e.id)
    def test_every_replacement_is_found_and_replaced_in_a_sentence(self, entry) -> None:
        for spelling, replacement in entry.rewrites.items():
            text = in_context(entry.id, spelling)
            assert suggest_rewrite(text, find_phrases(text, LEXICON)) == text.replace(spelling, replacement, 1)

    def test_the_context_fields_are_used_where_they_matter(self) -> None:
        assert LEXICON.entry("manipulative").third_party_note
        assert LEXICON.entry("kept-in-hospital").about == "person"
        assert "AWOL" in (LEXICON.entry("absconded").when_detained or "")
        assert {e.id for e in ENTRIES if e.support} == {"self-harmer", "committed-suicide", "failed-suicide-attempt"}

    def test_the_briefs_example_phrases_are_all_covered(self) -> None:
        examples = [  # and the missing terms named in issue 16
            "committed suicide", "self-harmer", "a borderline", "PD patient", "a psychotic", "addict", "DNA'd",
            "non-compliant", "noncompliance", "refused medication", "schizophrenics", "the mentally ill",
            "suffers from depression", "lacks insight", "manipulative", "attention-seeking", "frequent flyer",
            "has failed treatment", "chronic patient", "kept in hospital",
            "low functioning", "personality disordered", "bed-blocker", "absconded", "is a schizophrenic",
        ]  # fmt: skip
        for example in examples:
            assert find_phrases(example, LEXICON), example

    def test_entry_lookup_by_id_and_unknown_id_names_it(self) -> None:
        assert LEXICON.entry("manipulative").category == "labelling"
        with pytest.raises(KeyError, match="no-such-entry"):
            LEXICON.entry("no-such-entry")


# --------------------------------------------------------------------------- finding phrases


class TestFindPhrases:
    @pytest.mark.parametrize(("entry_id", "form"), ENTRY_FORMS, ids=[f"{e}:{f}" for e, f in ENTRY_FORMS])
    def test_each_pattern_of_each_entry_is_found_with_exact_offsets(self, entry_id: str, form: str) -> None:
        text = in_context(entry_id, form)
        findings = find_phrases(text, LEXICON)
        assert ids(findings) == [entry_id]
        (finding,) = findings
        assert finding.text == form == text[finding.start : finding.end]
        assert finding.start == len(PREFIX) and finding.is_flag

    @pytest.mark.parametrize(("entry_id", "form"), ENTRY_FORMS, ids=[f"{e}:{f}" for e, f in ENTRY_FORMS])
    def test_each_pattern_is_found_in_upper_case_title_case_and_with_hyphens_and_spaces_swapped(
        self, entry_id: str, form: str
    ) -> None:
        variants = {form.upper(), form.title(), form.replace("-", " "), form.replace(" ", "-")}
        if "-" in form:
            variants.add(form.replace("-", ""))
        for variant in variants:
            text = in_context(entry_id, variant)
            assert ids(find_phrases(text, LEXICON)) == [entry_id], variant
            assert find_phrases(text, LEXICON)[0].text == variant

    @pytest.mark.parametrize(
        ("text", "entry_id", "found"),
        [
            ("Non-Compliant.", "non-compliant", "Non-Compliant"),
            ("(refused medication)", "refused-medication", "refused"),
            ("NON COMPLIANT", "non-compliant", "NON COMPLIANT"),
            ("noncompliance noted", "non-compliance", "noncompliance"),
            ("history of non\u2011compliance", "non-compliance", "non\u2011compliance"),
            ("Known to be non -\n compliant.", "non-compliant", "non -\n compliant"),
            ("(Attention seeking)", "attention-seeking", "Attention seeking"),
            ("Mr I DNA\u2019d.", "dna", "DNA\u2019d"),
            ("Mr I DNAd.", "dna", "DNAd"),
            ("Two frequent flyers.", "frequent-flyer", "frequent flyers"),
            ("Mr K refused his medications.", "refused-medication", "refused"),
            ("He absconded!", "absconded", "absconded"),
            ("He is a\nSchizophrenic.", "a-schizophrenic", "is a\nSchizophrenic"),
            ("Low  functioning", "low-functioning", "Low  functioning"),
            ("the\tmentally\till", "the-mentally-ill", "the\tmentally\till"),
        ],
    )
    def test_case_punctuation_and_separator_variants(self, text: str, entry_id: str, found: str) -> None:
        (finding,) = find_phrases(text, LEXICON)
        assert (finding.entry_id, finding.text) == (entry_id, found)
        assert text[finding.start : finding.end] == found

    @pytest.mark.parametrize("sentence", NEUTRAL_SENTENCES)
    def test_neutral_clinical_sentences_are_not_flagged(self, sentence: str) -> None:
        assert find_phrases(sentence, LEXICON) == ()

    @pytest.mark.parametrize(
        "text",
        ["noncompliantly", "unmanipulative", "schizophrenicsx", "re-absconded", "absconded-from-care", "lacks insightful",
         "addiction", "addictive", "DNA", "borderline"],
    )
    def test_only_whole_words_are_matched(self, text: str) -> None:
        assert find_phrases(text, LEXICON) == ()

    def test_the_longest_phrase_starting_at_a_place_wins(self) -> None:
        findings = find_phrases("Mr K has failed all medications.", LEXICON)
        assert [(f.entry_id, f.text) for f in findings] == [("failed-treatment", "has failed all medications")]

    def test_leftmost_match_wins_then_longest_and_findings_never_overlap(self) -> None:
        lexicon = small_lexicon(
            entry_data(id="ab", patterns=["alpha beta"]),
            entry_data(id="bcd", patterns=["beta gamma delta"]),
            entry_data(id="b", patterns=["beta"]),
            entry_data(id="gd", patterns=["gamma delta"]),
        )
        findings = find_phrases("alpha beta gamma delta; beta gamma delta", lexicon)
        assert [(f.entry_id, f.text) for f in findings] == [
            ("ab", "alpha beta"),
            ("gd", "gamma delta"),
            ("bcd", "beta gamma delta"),
        ]

    def test_a_match_hidden_by_an_earlier_overlap_is_still_found_later(self) -> None:
        lexicon = small_lexicon(entry_data(id="yx", patterns=["y x"]), entry_data(id="xx", patterns=["x x"]))
        findings = find_phrases("y x x x", lexicon)
        assert [(f.entry_id, f.start, f.end) for f in findings] == [("yx", 0, 3), ("xx", 4, 7)]

    def test_several_findings_are_in_order_with_correct_offsets(self) -> None:
        text = "😀 Ms J, a frequent flyer, is MANIPULATIVE, suffers from depression and is low-functioning."
        findings = find_phrases(text, LEXICON)
        assert ids(findings) == ["frequent-flyer", "manipulative", "suffers-from", "low-functioning"]
        for finding in findings:
            assert text[finding.start : finding.end] == finding.text

    def test_finding_carries_the_entrys_category_alternative_and_reason(self) -> None:
        (finding,) = find_phrases("a bed-blocker", LEXICON)
        entry = LEXICON.entry("bed-blocker")
        assert (finding.category, finding.alternative, finding.reason, finding.replacement) == (
            entry.category,
            entry.alternative,
            entry.reason,
            "person whose discharge is delayed",
        )

    def test_empty_text_has_no_findings_and_non_text_is_a_type_error(self) -> None:
        assert find_phrases("", LEXICON) == ()
        with pytest.raises(TypeError, match="bytes"):
            find_phrases(b"non-compliant", LEXICON)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rendering


OUR_TAGS = re.compile(r'<mark class="rw-flag rw-flag-[a-z]+" title="[^"<>]*">|</mark>|<sup class="rw-flag-label">\[[a-z ]+\]</sup>')


class TestHighlightHtml:
    def test_finding_is_marked_with_a_title_and_a_visible_category_label(self) -> None:
        text = "He is non-compliant."
        out = highlight_html(text, find_phrases(text, LEXICON))
        assert out.startswith('He is <mark class="rw-flag rw-flag-paternalistic" title="paternalistic: consider ')
        assert ">non-compliant</mark><sup class=\"rw-flag-label\">[paternalistic]</sup>." in out
        assert "say what the person is or is not taking" in out

    def test_notes_are_marked_as_own_words_or_safeguarding_with_the_note_as_title(self) -> None:
        text = 'She says she "suffers from voices"; manipulative behaviour by her ex-partner.'
        out = highlight_html(text, find_phrases(text, LEXICON))
        assert '<mark class="rw-flag rw-flag-note" title="note: These look like the person' in out
        assert ">suffers from voices</mark><sup class=\"rw-flag-label\">[own words]</sup>" in out
        assert ">manipulative</mark><sup class=\"rw-flag-label\">[safeguarding]</sup>" in out

    def test_user_html_is_escaped_inside_and_outside_findings(self) -> None:
        text = '<script>alert("x")</script> & <b>attention-seeking</b>'
        out = highlight_html(text, find_phrases(text, LEXICON))
        assert "<script>" not in out and "<b>" not in out
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;<mark" in out
        assert OUR_TAGS.sub("", out).count("<") == 0

    def test_no_findings_is_just_the_escaped_text(self) -> None:
        assert highlight_html("<i>calm</i>", ()) == "&lt;i&gt;calm&lt;/i&gt;"

    def test_findings_from_another_text_are_a_value_error_naming_the_finding(self) -> None:
        findings = find_phrases("He is manipulative.", LEXICON)
        with pytest.raises(ValueError, match="manipulative"):
            highlight_html("Short.", findings)

    def test_overlapping_findings_are_a_value_error(self) -> None:
        text = "non-compliant"
        (finding,) = find_phrases(text, LEXICON)
        inner = Finding(4, 13, "compliant", "x", "deficit", "y", "z")
        with pytest.raises(ValueError, match="overlaps"):
            highlight_html(text, (finding, inner))


class TestSuggestRewrite:
    def test_only_findings_with_a_replacement_are_replaced_and_advice_only_ones_stay(self) -> None:
        text = "Mr K is non-compliant with his medication and lacks insight."
        assert suggest_rewrite(text, find_phrases(text, LEXICON)) == (
            "Mr K is non-compliant with his medication and sees things differently from the team."
        )

    def test_a_capital_starting_a_sentence_is_kept_and_an_acronym_capital_is_not_copied(self) -> None:
        text = "Suffers from depression. Manipulative at times. He DNA'd; PD patients wait."
        assert suggest_rewrite(text, find_phrases(text, LEXICON)) == (
            "Has depression. Manipulative at times. He did not attend; patients with a diagnosis of personality "
            "disorder wait."
        )

    def test_notes_are_never_rewritten(self) -> None:
        text = '"I suffer from depression," she said; manipulative behaviour by her ex-partner.'
        findings = find_phrases(text, LEXICON)
        assert [(f.entry_id, f.context) for f in findings] == [("suffers-from", "quoted"), ("manipulative", "third-party")]
        assert suggest_rewrite(text, findings) == text
        assert suggest_rewrite(text, [replace(f, context="") for f in findings]) != text

    def test_no_findings_leaves_the_text_alone(self) -> None:
        assert suggest_rewrite(NEUTRAL_SENTENCES[0], ()) == NEUTRAL_SENTENCES[0]

    def test_findings_in_any_order_give_the_same_rewrite(self) -> None:
        text = "A frequent flyer who absconded."
        findings = find_phrases(text, LEXICON)
        assert suggest_rewrite(text, findings[::-1]) == suggest_rewrite(text, findings)

    def test_findings_that_do_not_fit_the_text_are_a_value_error(self) -> None:
        with pytest.raises(ValueError, match="does not fit"):
            suggest_rewrite("abc", (Finding(0, 3, "xyz", "x", "deficit", "y", "z"),))

    def test_check_language_bundles_findings_highlight_and_rewrite(self) -> None:
        text = "He is a chronic patient."
        check = check_language(text, LEXICON)
        assert ids(check.findings) == ["chronic-patient"]
        assert check.highlighted_html == highlight_html(text, check.findings)
        assert check.rewrite == "He is a person with long-term mental health problems."


# --------------------------------------------------------------------------- properties


FRAGMENTS = sorted({form for _entry_id, form in ENTRY_FORMS} | {"-", " ", "\n", "<", ">", "&", "'", '"', "s", "(", "."})
lexicon_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=25).map("".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(lambda parts: " ".join(parts).upper()),
)
_property_settings = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestProperties:
    @_property_settings
    @given(text=lexicon_text)
    def test_findings_are_ordered_non_overlapping_in_bounds_and_exact(self, text: str) -> None:
        findings = find_phrases(text, LEXICON)
        reached = 0
        for finding in findings:
            assert reached <= finding.start < finding.end <= len(text)
            assert text[finding.start : finding.end] == finding.text
            reached = finding.end

    @_property_settings
    @given(text=lexicon_text)
    def test_each_finding_on_its_own_is_found_again_whole(self, text: str) -> None:
        for finding in find_phrases(text, LEXICON):
            entry = LEXICON.entry(finding.entry_id)
            if entry.about or entry.needs_nearby or entry.followed_by:
                continue  # these depend on the words around them
            again = find_phrases(finding.text, LEXICON)
            assert [(f.entry_id, f.start, f.end) for f in again] == [(finding.entry_id, 0, len(finding.text))]

    @_property_settings
    @given(text=lexicon_text)
    def test_highlight_has_no_unescaped_angle_bracket_outside_our_tags_and_keeps_the_text(self, text: str) -> None:
        out = highlight_html(text, find_phrases(text, LEXICON))
        plain = OUR_TAGS.sub("", out)
        assert "<" not in plain and ">" not in plain
        assert html.unescape(plain) == text

    @_property_settings
    @given(text=lexicon_text)
    def test_rewrite_keeps_everything_between_findings(self, text: str) -> None:
        findings = find_phrases(text, LEXICON)
        rewrite = suggest_rewrite(text, findings)
        outside = [text[a.end : b.start] for a, b in itertools.pairwise(findings)]
        assert all(piece in rewrite for piece in outside)
        if findings:
            assert rewrite.startswith(text[: findings[0].start]) and rewrite.endswith(text[findings[-1].end :])
        else:
            assert rewrite == text


# --------------------------------------------------------------------------- broken lexicon files


def base_lexicon() -> dict[str, Any]:
    return {
        "entries": [
            entry_data(id="first", patterns=["first phrase", "first-word(s)"], category="deficit"),
            entry_data(id="second", patterns=["second phrase"], category="labelling", source=DEEGAN_DRAKE),
            entry_data(id="third", patterns=["third"], category="paternalistic"),
        ]
    }


def dump(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def entry(document: dict[str, Any], entry_id: str) -> dict[str, Any]:
    return next(e for e in document["entries"] if e.get("id") == entry_id)


@dataclass(frozen=True)
class Breakage:
    """One way to break a lexicon file, and what the single error line must name."""

    name: str
    edit: Callable[[dict[str, Any]], None]
    entry_id: str
    field: str
    also: str


def _set(entry_id: str, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda document: entry(document, entry_id).__setitem__(field, value)


def _delete(entry_id: str, field: str) -> Callable[[dict[str, Any]], None]:
    return lambda document: entry(document, entry_id).pop(field)


BREAKAGES = [
    Breakage("missing alternative", _delete("second", "alternative"), "second", "alternative", "Field required"),
    Breakage("unknown category", _set("third", "category", "rude"), "third", "category", "deficit"),
    Breakage("unknown source", _set("first", "source", "Smith (2020)"), "first", "source", "unknown source"),
    Breakage("blank reason", _set("second", "reason", "   "), "second", "reason", "at least 1 character"),
    Breakage("reason too long", _set("second", "reason", "word " * 60), "second", "reason", "one short sentence"),
    Breakage("no patterns", _set("third", "patterns", []), "third", "patterns", "at least 1 item"),
    Breakage("patterns not a list", _set("third", "patterns", "third"), "third", "patterns", "tuple"),
    Breakage("capital in pattern", _set("first", "patterns", ["ok", "Bad"]), "first", "patterns.1", "lower-case"),
    Breakage("regex in pattern", _set("first", "patterns", ["a.*b"]), "first", "patterns.0", "lower-case"),
    Breakage("unknown field", _set("third", "severity", 3), "third", "severity", "Extra inputs"),
    Breakage(
        "duplicate id",
        lambda d: entry(d, "third").__setitem__("id", "first"),
        "first",
        "id",
        "duplicate id",
    ),
    Breakage(
        "pattern repeated in another entry (hyphen for space)",
        _set("third", "patterns", ["second-phrase"]),
        "third",
        "patterns.0",
        "'second'",
    ),
    Breakage(
        "pattern repeated within an entry (optional ending)",
        _set("first", "patterns", ["first-word", "first word(s)"]),
        "first",
        "patterns.1",
        "repeats",
    ),
    Breakage("bad id", _set("second", "id", "Second Entry"), "Second Entry", "id", "pattern"),
]


class TestBrokenLexiconFiles:
    def test_base_document_is_valid(self, tmp_path: Path) -> None:
        path = tmp_path / "lexicon.yaml"
        path.write_text(dump(base_lexicon()), encoding="utf-8")
        assert [e.id for e in load_lexicon(path).entries] == ["first", "second", "third"]

    @pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
    def test_broken_file_raises_one_lexicon_error_naming_file_entry_and_field(
        self, breakage: Breakage, tmp_path: Path
    ) -> None:
        document = copy.deepcopy(base_lexicon())
        breakage.edit(document)
        path = tmp_path / "lexicon.yaml"
        path.write_text(dump(document), encoding="utf-8")
        with pytest.raises(LexiconError) as caught:
            load_lexicon(path)
        error, message = caught.value, str(caught.value)
        assert type(error) is LexiconError and isinstance(error, ValueError)
        assert not isinstance(error, ValidationError) and error.__cause__ is None and error.__suppress_context__
        assert len(message.splitlines()) == 1, message
        assert message.startswith(f"{path}: entry '{breakage.entry_id}', field '{breakage.field}': "), message
        assert breakage.also in message

    def test_yaml_syntax_error_names_the_file_and_the_line(self, tmp_path: Path) -> None:
        lines = dump(base_lexicon()).splitlines()
        broken = next(i for i, line in enumerate(lines) if "second phrase" in line)
        lines[broken] = lines[broken].replace("- second phrase", "- [second phrase")
        path = tmp_path / "lexicon.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(LexiconError) as caught:
            load_lexicon(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: not valid YAML at line ")
        assert int(re.search(r"line (\d+)", message)[1]) >= broken + 1  # type: ignore[index]

    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            (None, "cannot read the file"),
            ("- just\n- a list\n", "expected a mapping"),
            ("entries: []\n", "at least 1 item"),
            ("[" * 3000 + "]" * 3000, "not valid YAML"),
        ],
        ids=["missing file", "not a mapping", "no entries", "nested too deeply"],
    )
    def test_unusable_files_are_a_lexicon_error_naming_the_file(
        self, content: str | None, expected: str, tmp_path: Path
    ) -> None:
        path = tmp_path / "lexicon.yaml"
        if content is not None:
            path.write_text(content, encoding="utf-8")
        with pytest.raises(LexiconError, match=re.escape(expected)) as caught:
            load_lexicon(path)
        assert str(caught.value).startswith(f"{path}: ")

    def test_a_file_that_is_not_utf8_is_a_lexicon_error(self, tmp_path: Path) -> None:
        path = tmp_path / "lexicon.yaml"
        path.write_bytes("entries:\n  - id: caf\u00e9\n".encode("latin-1"))
        with pytest.raises(LexiconError, match="not UTF-8"):
            load_lexicon(path)

    def test_each_problem_gets_its_own_line(self, tmp_path: Path) -> None:
        document = base_lexicon()
        del entry(document, "first")["reason"]
        entry(document, "third")["category"] = "rude"
        path = tmp_path / "lexicon.yaml"
        path.write_text(dump(document), encoding="utf-8")
        with pytest.raises(LexiconError) as caught:
            load_lexicon(path)
        lines = str(caught.value).splitlines()
        assert len(lines) == 2
        assert "'first'" in lines[0] and "reason" in lines[0]
        assert "'third'" in lines[1] and "category" in lines[1]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(text=st.text(max_size=200))
    def test_any_text_loads_or_raises_lexicon_error(self, tmp_path: Path, text: str) -> None:
        path = tmp_path / "any.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_lexicon(path)
        except LexiconError as error:
            assert str(error).startswith(f"{path}: ")


# --------------------------------------------------------------------------- labs


def base_labs() -> dict[str, Any]:
    return {
        "labs": [
            {
                "id": "02-care-plan",
                "chapter": "02",
                "prompt": "Rewrite these.",
                "sentences": [
                    {"id": "s1", "text": "He is manipulative.", "model_rewrite": "He is asking for help."},
                    {"id": "s2", "text": "A frequent flyer.", "model_rewrite": "Often uses the service."},
                ],
            }
        ]
    }


LAB_BREAKAGES = [
    ("duplicate sentence id", lambda d: d["labs"][0]["sentences"][1].__setitem__("id", "s1"), "02-care-plan", "sentences.1.id"),
    ("missing model rewrite", lambda d: d["labs"][0]["sentences"][0].pop("model_rewrite"), "02-care-plan", "sentences.0.model_rewrite"),
    ("lab id not in its chapter", lambda d: d["labs"][0].__setitem__("chapter", "03"), "02-care-plan", "id"),
    ("chapter not two digits", lambda d: d["labs"][0].__setitem__("chapter", 2), "02-care-plan", "chapter"),
    ("duplicate lab id", lambda d: d["labs"].append(copy.deepcopy(d["labs"][0])), "02-care-plan", "id"),
    ("no sentences", lambda d: d["labs"][0].__setitem__("sentences", []), "02-care-plan", "sentences"),
]  # fmt: skip


class TestLabs:
    def test_the_real_labs_load_by_id_with_three_sentences_each(self) -> None:
        assert "02-care-plan" in LABS
        for lab_id, lab in LABS.items():
            assert lab.id == lab_id and len(lab.sentences) == 3

    @pytest.mark.parametrize(
        "sentence", [s for lab in LABS.values() for s in lab.sentences], ids=lambda s: s.id
    )
    def test_each_lab_sentence_has_one_or_two_flagged_phrases_and_its_model_rewrite_none(self, sentence) -> None:
        assert 1 <= len(find_phrases(sentence.text, LEXICON)) <= 2
        assert find_phrases(sentence.model_rewrite, LEXICON) == ()

    def test_lab_people_are_fictional_initials_and_the_prompt_says_so(self) -> None:
        for lab in LABS.values():
            assert "fictional" in lab.prompt
            for sentence in lab.sentences:
                assert re.match(r"^(Mr|Ms|Mrs|Mx) [A-Z]\b", sentence.text)

    def test_question_id_is_chapter_lab_id(self) -> None:
        lab = LABS["02-care-plan"]
        assert lab_question_id(lab) == lab.question_id == "02.lab.02-care-plan"

    @pytest.mark.parametrize(("name", "edit", "lab_id", "field"), LAB_BREAKAGES, ids=[b[0] for b in LAB_BREAKAGES])
    def test_broken_labs_file_raises_one_error_naming_file_lab_and_field(
        self, name: str, edit: Callable[[dict[str, Any]], None], lab_id: str, field: str, tmp_path: Path
    ) -> None:
        document = copy.deepcopy(base_labs())
        edit(document)
        path = tmp_path / "labs.yaml"
        path.write_text(dump(document), encoding="utf-8")
        with pytest.raises(LexiconError) as caught:
            load_labs(path)
        message = str(caught.value)
        assert len(message.splitlines()) == 1, message
        assert message.startswith(f"{path}: lab '{lab_id}', field '{field}': "), message


# --------------------------------------------------------------------------- views



def page_state(view: Any) -> str:
    """Everything the view has sent (or would send) to the page, as one string."""
    return widget_tree.page_state(view.container)


@pytest.fixture
def store(tmp_path: Path) -> AnswerStore:
    return AnswerStore(tmp_path / "answers.sqlite3")


@pytest.fixture
def broken_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "language").mkdir()
    (tmp_path / "language" / "lexicon.yaml").write_text("entries: [{id: only}]\n", encoding="utf-8")
    monkeypatch.setattr(language_content, "data_dir", lambda: tmp_path)
    return tmp_path


class _FailingStore(AnswerStore):
    def save(self, question_id: str, kind: str, answer: Any) -> Any:
        raise StoreError(f"Your answer to {question_id} could not be saved (disk full).")


class TestLanguageChecker:
    def test_container_has_the_classes_and_the_labelled_controls(self) -> None:
        checker = LanguageChecker()
        assert {"rw-exercise", "rw-language-checker"} <= set(checker.container._dom_classes)
        assert checker.text.description == "Text to check:"
        assert checker.button.description == "Check language"
        assert isinstance(checker.result, ipw.HTML) and checker.result.value == ""

    def test_checking_shows_highlight_findings_with_alternative_and_reason_and_a_rewrite(self) -> None:
        checker = LanguageChecker()
        checker.text.value = "Mr K is non-compliant with his medication and lacks insight."
        checker.button.click()
        out = checker.result.value
        assert "2 phrases to reconsider." in out
        assert "<mark" in out and "[paternalistic]" in out and "[deficit]" in out
        for entry_id in ("non-compliant", "lacks-insight"):
            assert html.escape(LEXICON.entry(entry_id).reason, quote=True) in out
            assert html.escape(LEXICON.entry(entry_id).alternative, quote=True) in out
        assert "Mr K is non-compliant with his medication and sees things differently from the team." in out
        assert "1 flagged phrase is left for you to rewrite by hand" in out
        assert "No automatic rewrite: this needs your own words." in out
        assert "Deegan PE, Drake RE (2006)" in out

    def test_a_text_with_only_notes_says_so_and_gives_the_notes(self) -> None:
        checker = LanguageChecker(text='Ms J said she "suffers from voices".')
        checker.button.click()
        out = checker.result.value
        assert "No flagged phrases; 1 note." in out and "own words" in out
        assert "Suggested rewrite" not in out

    def test_advice_only_flags_say_there_is_no_automatic_rewrite(self) -> None:
        checker = LanguageChecker(text="Ms R is manipulative.")
        checker.button.click()
        out = checker.result.value
        assert "No automatic rewrite." in out and "Suggested rewrite" not in out
        assert "Person-first wording" in out and "a person&#x27;s choice" in out

    def test_user_html_is_escaped_everywhere_in_the_result(self) -> None:
        checker = LanguageChecker(text="<script>alert('x')</script> is manipulative <img src=x onerror=alert(1)>")
        checker.button.click()
        out = checker.result.value
        assert "<script>" not in out and "<img" not in out
        assert "&lt;script&gt;" in out and "&lt;img src=x onerror=alert(1)&gt;" in out

    def test_text_without_flagged_phrases_says_so_and_that_the_list_is_short(self) -> None:
        checker = LanguageChecker(text=NEUTRAL_SENTENCES[0])
        checker.button.click()
        assert "No flagged phrases" in checker.result.value
        assert f"{len(LEXICON.entries)} kinds of phrase" in checker.result.value

    def test_a_text_over_the_limit_is_a_message_not_a_long_wait(self) -> None:
        checker = LanguageChecker(text="He lacks insight. " * 2000)
        checker.button.click()
        assert "36,000 characters" in checker.result.value and "at most 20,000" in checker.result.value

    def test_empty_text_asks_for_text(self) -> None:
        checker = LanguageChecker(text="   ")
        checker.button.click()
        assert "Type or paste some text first." in checker.result.value

    def test_a_given_lexicon_is_used(self) -> None:
        lexicon = small_lexicon(entry_data(id="zebra", patterns=["zebra"], alternative="horse"))
        checker = LanguageChecker(lexicon=lexicon, text="A zebra; non-compliant.")
        checker.button.click()
        assert "horse" in checker.result.value and "non-compliant</mark>" not in checker.result.value

    def test_a_broken_lexicon_file_is_a_message_in_the_widget_and_the_button_is_disabled(
        self, broken_data_dir: Path
    ) -> None:
        checker = LanguageChecker()
        assert "cannot start" in checker.result.value and "lexicon.yaml" in checker.result.value
        assert checker.button.disabled
        checker.button.click()


class TestLanguageLab:
    LAB = LABS["02-care-plan"]

    def test_container_classes_prefilled_rewrites_and_escaped_originals(self, store) -> None:
        lab = LanguageLab(self.LAB, store=store)
        assert {"rw-exercise", "rw-language-lab"} <= set(lab.container._dom_classes)
        for number, sentence in enumerate(self.LAB.sentences, start=1):
            area = lab.rewrites[sentence.id]
            assert area.description == f"Rewrite {number}:" and area.value == sentence.text
            assert html.escape(sentence.text) in page_state(lab)
        assert lab.button.description == "Check my rewrites"

    def test_model_rewrites_are_not_on_the_page_before_checking(self, store) -> None:
        lab = LanguageLab(self.LAB, store=store)
        state = page_state(lab)
        for sentence in self.LAB.sentences:
            assert sentence.model_rewrite[:40] not in state
            assert html.escape(sentence.model_rewrite[:40]) not in state

    def test_checking_unchanged_sentences_lists_remaining_findings_and_shows_model_rewrites(self, store) -> None:
        lab = LanguageLab(self.LAB, store=store)
        lab.button.click()
        for sentence in self.LAB.sentences:
            result = lab.results[sentence.id].value
            assert "still in rewrite" in result and "<mark" in result
            assert "same as the original" in result
            assert html.escape(sentence.model_rewrite) in result
        assert "Rewrites free of flagged phrases: 0 of 3." in lab.feedback.value

    def test_clean_rewrites_get_a_tick_in_words(self, store) -> None:
        lab = LanguageLab(self.LAB, store=store)
        for sentence in self.LAB.sentences:
            lab.rewrites[sentence.id].value = sentence.model_rewrite
        lab.button.click()
        for sentence in self.LAB.sentences:
            assert "✔ no flagged phrases" in lab.results[sentence.id].value
        assert "Rewrites free of flagged phrases: 3 of 3." in lab.feedback.value

    def test_an_empty_rewrite_is_not_counted_as_clean(self, store) -> None:
        lab = LanguageLab(self.LAB, store=store)
        lab.rewrites["s1"].value = "  "
        lab.button.click()
        assert "is empty" in lab.results["s1"].value
        assert "0 of 3" in lab.feedback.value

    def test_rewrites_are_saved_under_the_lab_question_id(self, store) -> None:
        lab = LanguageLab(self.LAB, store=store)
        lab.rewrites["s1"].value = "Mr K has decided to stop his tablets."
        lab.button.click()
        saved = store.latest("02.lab.02-care-plan")
        assert saved is not None
        assert saved.answer == {
            "rewrites": {"s1": "Mr K has decided to stop his tablets.", "s2": self.LAB.sentences[1].text, "s3": self.LAB.sentences[2].text}
        }
        assert "Saved" in lab.status.value
        lab.button.click()
        assert len(store.history("02.lab.02-care-plan")) == 1, "an unchanged answer is not saved twice"

    def test_reopening_restores_the_rewrites_and_their_results_without_saving_again(self, store) -> None:
        lab = LanguageLab(self.LAB, store=store)
        lab.rewrites["s2"].value = "Ms J <b>left</b> the ward."
        lab.button.click()
        again = LanguageLab(self.LAB, store=store)
        assert again.rewrites["s2"].value == "Ms J <b>left</b> the ward."
        assert again.results["s2"].value == lab.results["s2"].value
        assert "Your rewrites from" in again.status.value
        assert len(store.history(again.question_id)) == 1

    def test_user_html_in_a_rewrite_is_escaped(self, store) -> None:
        lab = LanguageLab(self.LAB, store=store)
        lab.rewrites["s1"].value = "<script>alert(1)</script> He is manipulative"
        lab.button.click()
        result = lab.results["s1"].value
        assert "<script>" not in result and "&lt;script&gt;alert(1)&lt;/script&gt;" in result

    def test_a_saved_answer_that_no_longer_fits_is_kept_and_explained(self, store) -> None:
        store.save("02.lab.02-care-plan", "language_lab", {"chosen": ["old"]})
        lab = LanguageLab(self.LAB, store=store)
        assert "no longer fit" in lab.status.value
        assert lab.rewrites["s1"].value == self.LAB.sentences[0].text

    def test_a_store_error_on_save_is_a_message_in_the_widget(self, tmp_path: Path) -> None:
        lab = LanguageLab(self.LAB, store=_FailingStore(tmp_path / "a.sqlite3"))
        lab.button.click()
        assert "could not be saved" in lab.status.value and "Problem:" in lab.status.value
        assert "still in rewrite" in lab.results["s1"].value

    def test_a_store_error_on_load_is_a_message_in_the_widget(self, store, monkeypatch: pytest.MonkeyPatch) -> None:
        def fail(_question_id: str) -> None:
            raise StoreError("Your saved answers cannot be read (disk error).")

        monkeypatch.setattr(store, "latest", fail)
        lab = LanguageLab(self.LAB, store=store)
        assert "cannot be read" in lab.status.value

    def test_no_store_shows_the_store_problem_and_still_checks(self) -> None:
        lab = LanguageLab(self.LAB, store=None, store_problem="Your answers are not being saved.")
        assert "not being saved" in lab.status.value
        lab.button.click()
        assert "0 of 3" in lab.feedback.value

    def test_a_broken_lexicon_file_is_a_message_in_the_lab(self, store, broken_data_dir: Path) -> None:
        lab = LanguageLab(self.LAB, store=store)
        assert "cannot start" in lab.feedback.value and lab.button.disabled
