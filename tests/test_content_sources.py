"""Content a subject expert would sign (issues 16 and 17), checked over all chapters.

* No hedge wording ("not confirmed", "from memory", ...) in anything students read:
  the notebooks' markdown and every data file except the sources ledger.
* The sources ledger ``data/sources.yaml`` (schema in the team's LEDGER.md) is valid:
  unique ids, every claim ``verified``, every source used, and every reference-list
  entry and every (Author, year) citation in notebooks and data maps to a source
  through its ``cite``.
* Single-choice keys cannot be found by picking the longest option: the key is the
  strictly longest option in at most a third of all single-choice questions.
* A numeric question's wrong-answer feedback never contains its answer.

Each check is parametrised by file, so a failure names the chapter or data file at
fault. ``RW_CONTENT_ROOT`` points the checks at another checkout (for example an
older commit exported with ``git archive``) to show what they catch there.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(os.environ.get("RW_CONTENT_ROOT", Path(__file__).resolve().parents[1]))
LEDGER = ROOT / "data" / "sources.yaml"

# --------------------------------------------------------------------------- what students read

HEDGES = (
    r"not (?:yet )?(?:been )?confirmed",
    r"from memory",
    r"not (?:been )?checked",
    r"not (?:been )?verified",
    r"\bunverified\b",
    r"\bpartly verified\b",
    r"commonly (?:reported|attributed|described|taught|summari[sz]ed)",
    r"could not (?:be )?(?:confirm|check|verif)",
    r"as recalled",
    r"not given here",
    r"full title not given",
    r"(?:authors?|year|details|title|page range|attribution) (?:is |are )?not confirmed",
    r"\bverified\s*[—–-]",
)
"""Wording that tells students a claim was not checked. Verification status belongs in the ledger."""

HEDGE_RE = re.compile("|".join(f"(?:{h})" for h in HEDGES), re.IGNORECASE)


def _notebooks() -> list[Path]:
    return sorted((ROOT / "workbooks").glob("*.ipynb")) + sorted(
        (ROOT / "workbooks" / "dashboards").glob("*.ipynb")
    )


def _data_files() -> list[Path]:
    files = [
        p
        for p in (ROOT / "data").rglob("*")
        if p.suffix in {".yaml", ".yml", ".csv"} and p.is_file()
    ]
    return sorted(p for p in files if p.resolve() != LEDGER.resolve())


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _strings(value: Any) -> Iterator[str]:
    """Every string value (not key) in parsed YAML."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


@cache
def student_texts(rel: str) -> tuple[str, ...]:
    """The texts of one file that students can see: markdown cells, or data values (not YAML comments)."""
    path = ROOT / rel
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return tuple(
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
        )
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return tuple(cell for row in csv.reader(handle) for cell in row)
    return tuple(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))


STUDENT_FILES = [_rel(p) for p in _notebooks() + _data_files()]


@pytest.mark.parametrize("rel", STUDENT_FILES)
def test_no_hedge_wording_in_what_students_read(rel: str) -> None:
    hits = []
    for text in student_texts(rel):
        for match in HEDGE_RE.finditer(text):
            start = max(0, match.start() - 40)
            hits.append(f"...{text[start : match.end() + 40]}...".replace("\n", " "))
    assert not hits, (
        f"{rel}: {len(hits)} hedge(s); verify the claim (ledger) or cut it:\n"
        + "\n".join(hits)
    )


def test_the_hedge_patterns_catch_the_wording_issue_16_found() -> None:
    for phrase in (
        "Titles as commonly reported; not confirmed against the original document.",
        "from memory; not checked against their papers",
        "(title as commonly reported)",
        "authors not confirmed here",
        "year not confirmed",
        "full title and author list not given here",
        "Verified — verified (total range derived from 22x4)",
        "treat them as unverified",
    ):
        assert HEDGE_RE.search(phrase), phrase
    for fine in (
        "The trial confirmed the primary hypothesis.",
        "Checked against 18 new papers, CHIME was validated.",
    ):
        assert not HEDGE_RE.search(fine), fine


# --------------------------------------------------------------------------- the ledger

SOURCE_KEYS = {"id", "cite", "reference", "doi", "no_doi"}
CLAIM_KEYS = {"id", "where", "claim", "source", "how", "date", "status"}
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
YEAR = r"(?:1[89]\d\d|20\d\d)[a-z]?|n\.d\.(?:-[a-z])?"  # 2011, 2015b, n.d., n.d.-a
YEAR_RE = re.compile(rf"(?<![\w/.-])({YEAR})(?![\w/-])")
NAME_RE = re.compile(r"[A-ZÀ-Þ][\w'’À-ÿ-]*")
NOT_AUTHORS = {
    "et",
    "al",
    "and",
    "The",
    "In",
    "See",
    "For",
    "From",
    "Since",
    "By",
    "Published",
    "First",
    "Our",
}
MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
}  # fmt: skip


def ledger() -> dict[str, Any]:
    assert LEDGER.is_file(), f"missing sources ledger {_rel(LEDGER)}"
    data = yaml.safe_load(LEDGER.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and set(data) == {"sources", "claims"}, (
        "the ledger has exactly two lists: sources and claims"
    )
    return data


@dataclass(frozen=True)
class Cite:
    """A source's citation key, e.g. ``Shepherd, Boardman & Slade, 2008`` -> names and year."""

    source: str
    names: frozenset[str]
    year: str | None
    order: tuple[str, ...] = ()


def _ordered_names(text: str) -> list[str]:
    text = re.sub(r"['’]s\b", "", text.replace("*", ""))
    return [n for n in NAME_RE.findall(text) if n not in NOT_AUTHORS]


def _names(text: str) -> set[str]:
    return set(_ordered_names(text))


@cache
def cites() -> tuple[Cite, ...]:
    out = []
    for source in ledger()["sources"]:
        text = str(source.get("cite", ""))
        years = YEAR_RE.findall(text)
        year = years[-1] if years else None
        authors = text[: text.rfind(year)] if year else text
        out.append(
            Cite(
                str(source.get("id")),
                frozenset(_names(authors)),
                year,
                tuple(_ordered_names(authors)),
            )
        )
    return tuple(out)


def _initialism(authors: str) -> str:
    """"DH" for "Department of Health", "CSIP" for "Care Services Improvement Partnership, ...":
    a reference list gives an organisation's full name, the text cites its initials."""
    words = NAME_RE.findall(re.split(r"[,.(]", authors.strip())[0])
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _after_month(text: str, start: int) -> bool:
    """True when the year at ``start`` follows a month name ("April 2011"): a date, not a citation."""
    before = text[:start].split()
    return bool(before) and before[-1].strip(",") in MONTHS


def _matches(names: set[str], year: str) -> list[str]:
    return [
        c.source for c in cites() if c.year == year and c.names and c.names <= names
    ]


class TestLedger:
    def test_sources_follow_the_schema(self) -> None:
        problems = []
        for index, source in enumerate(ledger()["sources"]):
            where = f"sources[{index}] ({source.get('id', '?') if isinstance(source, dict) else '?'})"
            if (
                not isinstance(source, dict)
                or set(source) - SOURCE_KEYS
                or not {"id", "cite", "reference"} <= set(source)
            ):
                problems.append(
                    f"{where}: keys must be id, cite, reference, doi or no_doi"
                )
                continue
            if not re.fullmatch(r"[a-z][a-z0-9-]*", str(source["id"])):
                problems.append(f"{where}: id must be lowercase (first author + year)")
            for key in ("cite", "reference"):
                if not isinstance(source[key], str) or not source[key].strip():
                    problems.append(f"{where}: {key} must be a non-empty string")
            doi = source.get("doi")
            if doi is not None and not (isinstance(doi, str) and DOI_RE.match(doi)):
                problems.append(f"{where}: doi {doi!r} is not a DOI (10.xxxx/...)")
            if doi is None and not str(source.get("no_doi") or "").strip():
                problems.append(f"{where}: no doi, so no_doi must give the reason")
        assert not problems, "\n".join(problems)

    def test_claims_follow_the_schema_and_are_all_verified(self) -> None:
        source_ids = {s.get("id") for s in ledger()["sources"] if isinstance(s, dict)}
        problems = []
        for index, claim in enumerate(ledger()["claims"]):
            where = f"claims[{index}] ({claim.get('id', '?') if isinstance(claim, dict) else '?'})"
            if not isinstance(claim, dict) or set(claim) != CLAIM_KEYS:
                problems.append(f"{where}: keys must be exactly {sorted(CLAIM_KEYS)}")
                continue
            if claim["status"] != "verified":
                problems.append(
                    f"{where}: status {claim['status']!r}; the only allowed value is 'verified' (cut or reword instead)"
                )
            if claim["source"] not in source_ids:
                problems.append(
                    f"{where}: source {claim['source']!r} is not in sources"
                )
            if not isinstance(claim["date"], dt.date):
                problems.append(
                    f"{where}: date {claim['date']!r} is not a date (YYYY-MM-DD)"
                )
            for key in ("claim", "how"):
                if not isinstance(claim[key], str) or not claim[key].strip():
                    problems.append(f"{where}: {key} must be a non-empty string")
            if not isinstance(claim["where"], list) or not claim["where"]:
                problems.append(f"{where}: where must be a non-empty list of paths")
                continue
            for place in claim["where"]:
                path, _, anchor = str(place).partition("#")
                if not (ROOT / path).is_file():
                    problems.append(
                        f"{where}: where names {path!r}, which does not exist"
                    )
                elif anchor and path.startswith("data/exercises/"):
                    ids = {
                        q["id"]
                        for q in yaml.safe_load(
                            (ROOT / path).read_text(encoding="utf-8")
                        )["questions"]
                    }
                    if anchor not in ids:
                        problems.append(f"{where}: {path} has no question {anchor!r}")
        assert not problems, "\n".join(problems)

    def test_ids_are_unique_across_sources_and_across_claims(self) -> None:
        for kind in ("sources", "claims"):
            ids = [item.get("id") for item in ledger()[kind]]
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            assert not repeated, f"duplicate {kind} ids: {repeated}"
        cite_keys = [(c.order, c.year) for c in cites() if c.year]
        repeated = sorted(
            {
                f"{' & '.join(n)} {y}"
                for n, y in cite_keys
                if cite_keys.count((n, y)) > 1
            }
        )
        assert not repeated, (
            f"two sources share a cite (add a/b to the year): {repeated}"
        )

    def test_every_source_is_used_in_student_text_or_by_a_claim(self) -> None:
        used = {c.get("source") for c in ledger()["claims"]}
        everything = "\n".join(t for rel in STUDENT_FILES for t in student_texts(rel))
        for rel in STUDENT_FILES:
            for text in student_texts(rel):
                for authors, year, _ in citations(text):
                    used.update(_matches(_names(authors), year))
        used.update(s["id"] for s in ledger()["sources"] if s["cite"] in everything)
        unused = [s["id"] for s in ledger()["sources"] if s["id"] not in used]
        assert not unused, (
            f"sources neither cited in student text nor claimed: {unused}"
        )


# --------------------------------------------------------------------------- references and citations


def reference_entries(rel: str) -> list[str]:
    """The bullets of a notebook's "References" section."""
    entries = []
    for text in student_texts(rel):
        if text.lstrip().startswith("## References"):
            entries += [
                line[2:].strip() for line in text.splitlines() if line.startswith("- ")
            ]
    return entries


NOTEBOOKS = [_rel(p) for p in _notebooks()]


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_every_reference_list_entry_has_a_ledger_source(rel: str) -> None:
    unmatched = []
    for entry in reference_entries(rel):
        year = YEAR_RE.search(entry.replace("(", " ").replace(")", " "))
        if not year:
            unmatched.append(f"{entry[:90]} (no year)")
            continue
        authors = entry[: year.start()]
        firsts = {(NAME_RE.findall(authors) or [""])[0], _initialism(authors)} - {""}
        found = [
            s
            for s in _matches(_names(authors) | firsts, year.group(1))
            if firsts & {n for c in cites() if c.source == s for n in c.names}
        ]
        if not found:
            unmatched.append(entry[:110])
    assert not unmatched, (
        f"{rel}: reference-list entries with no source in data/sources.yaml:\n"
        + "\n".join(unmatched)
    )


def citations(text: str) -> Iterator[tuple[str, str, str]]:
    """(names text, year, context) for every (Author, year) or Author (year) citation in ``text``."""
    for group in re.finditer(r"\(([^()]*)\)", text):
        inside = group.group(1)
        if "http" in inside or ".ipynb" in inside or not YEAR_RE.search(inside):
            continue
        for part in inside.split(";"):
            years = [y for y in YEAR_RE.finditer(part) if not _after_month(part, y.start())]
            if not years:
                continue
            authors = part[: years[0].start()]
            if not _names(authors) - MONTHS:
                before = text[: group.start()]
                authors = re.split(r"(?<!\bal)(?<!\be\.g)[.!?]\s|\n|\)", before)[-1]
            if not _names(authors) - MONTHS:
                continue
            for year in years:
                yield (
                    authors,
                    year.group(1),
                    text[max(0, group.start() - 50) : group.end()].replace("\n", " "),
                )


@pytest.mark.parametrize("rel", STUDENT_FILES)
def test_every_citation_has_a_ledger_source(rel: str) -> None:
    texts = [
        t for t in student_texts(rel) if not t.lstrip().startswith("## References")
    ]  # checked entry by entry above
    unmatched = sorted(
        {
            f"{year}: ...{context}"
            for text in texts
            for authors, year, context in citations(text)
            if not _matches(_names(authors), year)
        }
    )
    assert not unmatched, (
        f"{rel}: citations with no source (cite) in data/sources.yaml:\n"
        + "\n".join(unmatched)
    )


def test_the_citation_finder_reads_both_citation_forms() -> None:
    text = "As Leamy et al. (2011) and Roberts & Boardman (2013, 2014) say (Slade et al., 2012; SAMHSA, 2012), in April 2011 (n=403)."
    found = [(year, _names(authors)) for authors, year, _ in citations(text)]
    assert any(y == "2011" and "Leamy" in n for y, n in found)
    assert any(y == "2013" and {"Roberts", "Boardman"} <= n for y, n in found)
    assert any(y == "2014" and {"Roberts", "Boardman"} <= n for y, n in found)
    assert any(y == "2012" and n == {"Slade"} for y, n in found) and any(
        y == "2012" and n == {"SAMHSA"} for y, n in found
    )
    assert not any("April" in n for _, n in found)
    dates = "ONS personal well-being: first year of data (April 2011 to March 2012). In ONS surveys (since April 2011)."
    assert not list(citations(dates)), "a month and year is a date, not a citation"
    assert [(y, _names(a)) for a, y, _ in citations("as ImROC says (ImROC, n.d.-c)")] == [
        ("n.d.-c", {"ImROC"})
    ]


def test_a_reference_list_may_spell_out_an_organisation_the_text_cites_by_initials() -> None:
    assert _initialism("Department of Health ") == "DH"
    assert (
        _initialism(
            "Care Services Improvement Partnership, Royal College of Psychiatrists, Social Care Institute for Excellence "
        )
        == "CSIP"
    )
    assert _initialism("Slade M, Bird V, et al. ") == "SM"  # harmless: no source is cited as "SM"


# --------------------------------------------------------------------------- exercises (issue 17)


def _questions() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((ROOT / "data" / "exercises").glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            yield _rel(path), question


def key_is_strictly_longest(question: dict[str, Any]) -> bool:
    lengths = [len(option["text"]) for option in question["options"]]
    key = next(i for i, option in enumerate(question["options"]) if option["correct"])
    return all(lengths[key] > length for i, length in enumerate(lengths) if i != key)


def test_the_key_is_the_strictly_longest_option_in_at_most_a_third_of_single_choice_questions() -> (
    None
):
    single = [(rel, q) for rel, q in _questions() if q["type"] == "single_choice"]
    longest = [q["id"] for _, q in single if key_is_strictly_longest(q)]
    assert single
    assert len(longest) * 3 <= len(single), (
        f"the key is the strictly longest option in {len(longest)} of {len(single)} single-choice questions "
        f"({len(longest) / len(single):.0%}; at most a third allowed): {', '.join(longest)}"
    )


def answer_spellings(answer: float, tolerance: float) -> set[str]:
    """How an answer could be written: 26.5, 26.50, 26,5 ... (decimals that stay within tolerance)."""
    out = {format(answer, "g")}
    for decimals in range(4):
        if abs(round(answer, decimals) - answer) <= max(tolerance, 1e-9):
            out.add(f"{answer:.{decimals}f}")
    return out | {s.replace(".", ",") for s in out if "." in s}


def _wrong_answer_texts(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _wrong_answer_texts(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from _wrong_answer_texts(item, key)
    elif isinstance(value, str) and re.search(r"incorrect|wrong", key):
        yield value


NUMERIC = [(rel, q) for rel, q in _questions() if q["type"] == "numeric"]


@pytest.mark.parametrize(
    ("rel", "question"), NUMERIC, ids=[q["id"] for _, q in NUMERIC]
)
def test_wrong_answer_feedback_does_not_give_the_answer(
    rel: str, question: dict[str, Any]
) -> None:
    spellings = answer_spellings(
        float(question["answer"]), float(question.get("tolerance", 0))
    )
    texts = list(_wrong_answer_texts(question))
    assert texts, f"{rel} {question['id']}: no wrong-answer feedback"
    for text in texts:
        for spelling in spellings:
            assert not re.search(rf"(?<![\d.,]){re.escape(spelling)}(?![\d])", text), (
                f"{rel} {question['id']}: wrong-answer feedback gives the answer ({spelling}): {text}"
            )


def test_answer_spellings_cover_the_forms_a_student_would_read() -> None:
    assert {"26.5", "26.50", "26,5"} <= answer_spellings(26.5, 0.05)
    assert "27" not in answer_spellings(26.5, 0.05)
    assert not re.search(r"(?<![\d.,])26\.5(?![\d])", "126.5 or 26.55")


# --------------------------------------------------------------------------- time estimates (issue 17)

TIME_RE = re.compile(r"\*\*Time:\*\* about (\d+) minutes")
TOTAL_RE = re.compile(r"takes about (\d+)(¼|½|¾)? hours")


def test_chapter_00_states_a_total_time_that_the_chapter_estimates_add_up_to() -> None:
    minutes = []
    for path in sorted((ROOT / "workbooks").glob("[0-9][0-9]-*.ipynb")):
        found = [
            int(m.group(1))
            for text in student_texts(_rel(path))
            for m in TIME_RE.finditer(text)
        ]
        assert len(found) == 1, (
            f"{_rel(path)}: expected one '**Time:** about N minutes', found {found}"
        )
        minutes += found
    start = " ".join(student_texts("workbooks/00-start-here.ipynb"))
    total = TOTAL_RE.search(start)
    assert total, (
        "chapter 00 should say how long the whole workbook takes ('takes about N hours')"
    )
    stated = (
        int(total.group(1)) + {"¼": 0.25, "½": 0.5, "¾": 0.75, None: 0}[total.group(2)]
    )
    assert abs(sum(minutes) / 60 - stated) <= 0.25, (
        f"chapters add up to {sum(minutes)} minutes, chapter 00 says about {stated} hours"
    )
