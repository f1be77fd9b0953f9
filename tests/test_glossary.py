"""The glossary (issue 17): its content, its page, and the links from where each term first comes up.

``python -m tests.test_glossary --write`` links each term's first use in chapters 00-08 and
rewrites ``workbooks/glossary.ipynb`` from ``data/glossary.yaml``; the tests below check that
nothing has drifted since. The browser tests open the glossary and follow a link in Voilà.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.harness import ROOT
from widgets.content.glossary import GlossaryError, GlossaryFile, Term, load_glossary
from widgets.logic.glossary import (
    GLOSSARY_NOTEBOOK,
    first_use,
    form_pattern,
    glossary_cells,
    glossary_links,
    link_first_uses,
    reading_text,
)

WORKBOOKS = ROOT / "workbooks"
CHAPTERS = sorted(WORKBOOKS.glob("0[0-8]-*.ipynb"))
"""The chapters a term's first use is looked for in (09, the portfolio, comes after them all)."""
GLOSSARY_PAGE = WORKBOOKS / GLOSSARY_NOTEBOOK
LEDGER = ROOT / "data" / "sources.yaml"
FOLLOW = "from widgets.glossary import follow_link\n\nfollow_link()"
"""The glossary page's one code cell: in Voilà it takes the page to the term a link points at."""


def _markdown_cells(notebook: Path) -> list[tuple[int, str]]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [(index, "".join(c["source"])) for index, c in enumerate(cells) if c["cell_type"] == "markdown"]


def _is_reference_list(text: str) -> bool:
    return text.lstrip().startswith("## References")


def reading_order() -> list[tuple[Path, int, str]]:
    """Every Markdown cell of chapters 00-08 a term may be linked from, in reading order (reference lists left out)."""
    return [
        (notebook, index, text)
        for notebook in CHAPTERS
        for index, text in _markdown_cells(notebook)
        if not _is_reference_list(text)
    ]


def chapter_title(notebook: Path) -> str:
    first = _markdown_cells(notebook)[0][1]
    match = re.match(r"#\s+(.+)", first)
    assert match, f"{notebook.name} does not open with a '# ' title"
    return match.group(1).strip()


@cache
def ledger() -> dict[str, dict[str, object]]:
    return {str(s["id"]): s for s in yaml.safe_load(LEDGER.read_text(encoding="utf-8"))["sources"]}


def references() -> dict[str, str]:
    """Each ledger source as the chapters' reference lists write it: ``Authors (year). The rest. doi:...``."""
    out = {}
    for source_id, source in ledger().items():
        reference = str(source["reference"]).strip()
        authors, _, rest = reference.partition(". ")
        if authors.endswith(" et al"):
            authors += "."
        year = str(source["cite"]).rpartition(", ")[2]
        doi = f" doi:{source['doi']}" if source.get("doi") else ""
        out[source_id] = f"{authors} ({year}). {rest}{doi}"
    return out


def first_seen(glossary: GlossaryFile) -> dict[str, tuple[str, str]]:
    order = reading_order()
    texts = [text for _notebook, _index, text in order]
    seen = {}
    for term in glossary.terms:
        use = first_use(texts, term)
        if use is not None:
            notebook = order[use.text][0]
            seen[term.term] = (notebook.name, chapter_title(notebook))
    return seen


def expected_page() -> list[str]:
    glossary = load_glossary()
    return glossary_cells(glossary, references=references(), first_seen=first_seen(glossary))


def write() -> None:
    """Link each term's first use in the chapters, then rewrite the glossary page from the YAML."""
    glossary = load_glossary()
    order = reading_order()
    linked = link_first_uses([text for _n, _i, text in order], glossary)
    changed: dict[Path, object] = {}
    for (notebook, index, before), after in zip(order, linked, strict=True):
        if before != after:
            nb = changed.setdefault(notebook, nbformat.read(notebook, as_version=4))
            nb.cells[index].source = after  # type: ignore[attr-defined]
    for notebook, nb in changed.items():
        nbformat.write(nb, notebook)  # type: ignore[arg-type]
        print(f"linked terms in {notebook.name}")
    page = nbformat.v4.new_notebook()
    page.metadata = json.loads(CHAPTERS[0].read_text(encoding="utf-8"))["metadata"]
    cells = [nbformat.v4.new_markdown_cell(text, id=str(number)) for number, text in enumerate(expected_page())]
    page.cells = [*cells, nbformat.v4.new_code_cell(FOLLOW, id=str(len(cells)))]
    nbformat.write(page, GLOSSARY_PAGE)
    print(f"wrote {GLOSSARY_PAGE.relative_to(ROOT)} ({len(cells) - 2} terms)")


# --------------------------------------------------------------------------- the content


def test_the_glossary_has_25_to_40_terms_each_with_sources_in_the_ledger_and_cited() -> None:
    glossary = load_glossary()
    assert 25 <= len(glossary.terms) <= 40
    problems = []
    for term in glossary.terms:
        for source_id in term.sources:
            source = ledger().get(source_id)
            if source is None:
                problems.append(f"{term.term}: {source_id} is not in data/sources.yaml")
                continue
            cite = str(source["cite"])
            authors, _, year = cite.rpartition(", ")
            if cite not in term.definition and f"{authors} ({year})" not in term.definition:
                problems.append(f"{term.term}: the definition does not cite {cite!r}")
    assert not problems, "\n".join(problems)


def test_every_definition_is_backed_by_a_verified_ledger_claim() -> None:
    claims = yaml.safe_load(LEDGER.read_text(encoding="utf-8"))["claims"]
    backed = {
        (claim["source"], term)
        for claim in claims
        if "data/glossary.yaml" in claim["where"] and claim["status"] == "verified"
        for term in re.findall(r"^Glossary, ([^:]+):", claim["claim"])
    }
    missing = [
        f"{term.term} ({source_id})"
        for term in load_glossary().terms
        for source_id in term.sources
        if (source_id, term.term) not in backed
    ]
    assert not missing, "no ledger claim 'Glossary, <term>: ...' for: " + ", ".join(missing)


def test_a_bad_glossary_file_is_refused_naming_term_and_field(tmp_path: Path) -> None:
    entry = {"term": "CHIME", "forms": ["CHIME"], "definition": "x (Leamy et al., 2011)", "sources": ["leamy2011"]}
    cases = [
        ({"terms": [{**entry, "see_also": ["Nowhere"]}]}, "term 'CHIME', field 'see_also'"),
        ({"terms": [entry, {**entry, "term": "Chime again"}]}, "duplicate id 'chime'"),
        ({"terms": [{**entry, "term": "CHIME (five processes)"}]}, "term 'CHIME (five processes)', field 'term'"),
        ({"terms": [{**entry, "sources": []}]}, "field 'sources'"),
    ]
    for number, (data, expected) in enumerate(cases):
        path = tmp_path / f"glossary-{number}.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        with pytest.raises(GlossaryError) as raised:
            load_glossary.__wrapped__(path)
        assert expected in str(raised.value), str(raised.value)


# --------------------------------------------------------------------------- finding and linking uses


def _term(name: str, *forms: str) -> Term:
    return Term(term=name, forms=forms or (name,), definition="d", sources=("x",))


def test_forms_match_whole_words_and_acronyms_only_as_written() -> None:
    assert form_pattern("IPS").search("IPS works") and not form_pattern("IPS").search("tips and ips")
    assert form_pattern("peer worker").search("two Peer\nworkers")
    assert not form_pattern("test-retest").search("pre-test-retest")
    assert form_pattern("RCI").search("two RCIs") and not form_pattern("RCI").search("RCIX")


def test_headings_code_and_other_links_are_not_uses() -> None:
    chime = _term("CHIME")
    texts = ["## CHIME explained", "See `CHIME` and [CHIME in 01](01.ipynb).", "Then CHIME, in running text."]
    use = first_use(texts, chime)
    assert use is not None and (use.text, texts[2][use.start : use.end]) == (2, "CHIME")
    assert reading_text("[a](b.ipynb)") == " a          "


def test_linking_wraps_the_first_use_once_and_longer_terms_first() -> None:
    glossary = GlossaryFile(terms=(_term("Peer support", "peer support"), _term("Peer support worker", "peer support worker")))
    texts = ["We employ peer support workers.", "Later, peer support in groups.", "Peer support again."]
    linked = link_first_uses(texts, glossary)
    assert linked[0] == "We employ [peer support workers](glossary.ipynb#Peer-support-worker)."
    assert linked[1] == "Later, [peer support](glossary.ipynb#Peer-support) in groups."
    assert linked[2] == texts[2]
    assert link_first_uses(linked, glossary) == linked  # linking again changes nothing


# --------------------------------------------------------------------------- the notebooks


def test_the_glossary_page_is_made_from_the_yaml() -> None:
    assert GLOSSARY_PAGE.is_file(), "run: python -m tests.test_glossary --write"
    assert [text for _index, text in _markdown_cells(GLOSSARY_PAGE)] == expected_page(), (
        "workbooks/glossary.ipynb differs from data/glossary.yaml; run: python -m tests.test_glossary --write"
    )
    cells = json.loads(GLOSSARY_PAGE.read_text(encoding="utf-8"))["cells"]
    assert [cell["cell_type"] for cell in cells] == ["markdown"] * (len(cells) - 1) + ["code"]
    assert "".join(cells[-1]["source"]) == FOLLOW


def test_every_term_is_linked_where_the_chapters_first_use_it() -> None:
    order = reading_order()
    texts = [text for _n, _i, text in order]
    problems = []
    for term in load_glossary().terms:
        use = first_use(texts, term)
        if use is None:
            problems.append(f"{term.term}: not used in chapters 00-08 (cut it, or add the form the text uses)")
        elif not use.linked_to(term):
            notebook, index, text = order[use.text]
            problems.append(f"{term.term}: first used unlinked in {notebook.name} cell {index}: ...{text[max(0, use.start - 40) : use.end + 20]}...")
    assert not problems, "\n".join(problems)


def _all_glossary_links() -> Iterator[tuple[str, str, str]]:
    for notebook in sorted(WORKBOOKS.glob("*.ipynb")):
        for _index, text in _markdown_cells(notebook):
            for shown, anchor in glossary_links(text):
                yield notebook.name, shown, anchor


def test_every_link_to_the_glossary_lands_on_a_term_and_each_term_is_linked_once() -> None:
    anchors = {term.anchor for term in load_glossary().terms}
    found = list(_all_glossary_links())
    assert not [f"{nb}: [{shown}] -> #{anchor}" for nb, shown, anchor in found if anchor not in anchors]
    chapters = {notebook.name for notebook in CHAPTERS}
    per_anchor = [anchor for nb, _shown, anchor in found if nb in chapters]
    assert sorted(per_anchor) == sorted(anchors), "each term linked exactly once from chapters 00-08"
    in_page = [a for _i, text in _markdown_cells(GLOSSARY_PAGE) for a in re.findall(r"\]\(#([^)]+)\)", text)]
    assert in_page and set(in_page) <= anchors


def test_chapter_00_points_to_the_glossary() -> None:
    start = " ".join(text for _i, text in _markdown_cells(CHAPTERS[0]))
    assert f"]({GLOSSARY_NOTEBOOK})" in start


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.test_glossary --write")
    write()


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Voilà with the students' template, serving ``workbooks/``."""
    from tests.harness import voila_server

    folder = tmp_path_factory.mktemp("glossary-voila")
    with voila_server(WORKBOOKS, folder / "answers.sqlite3", folder / "voila.log", extra=["--template=workbook", "--theme=light"]) as server:
        yield server


def _open(browser: object, url: str, size: tuple[int, int]) -> object:
    from tests.harness import wait_until_rendered, watch

    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()  # type: ignore[attr-defined]
    page.seen = watch(page)
    page.goto(url, timeout=120_000)
    wait_until_rendered(page)
    page.wait_for_function("!document.body.innerText.includes('Loading widget...')", timeout=90_000)
    return page


def _wheel_until_visible(page: object, selector: str) -> dict[str, float]:
    """Turn the mouse wheel until ``selector`` is inside the window (never a locator's auto-scroll); its box."""
    height = page.viewport_size["height"]  # type: ignore[attr-defined]
    page.mouse.move(page.viewport_size["width"] / 2, height / 2)  # type: ignore[attr-defined]
    for _ in range(80):
        box = page.locator(selector).first.bounding_box()  # type: ignore[attr-defined]
        if box and box["y"] >= 0 and box["y"] + box["height"] <= height - 20:
            return box  # type: ignore[no-any-return]
        page.mouse.wheel(0, 300)  # type: ignore[attr-defined]
        page.wait_for_timeout(120)  # type: ignore[attr-defined]
    raise AssertionError(f"the wheel never brought {selector} into view")


_TERM = "(id) => { const h = document.getElementById(id); const b = h.getBoundingClientRect(); return {top: b.top, text: h.textContent, scrollY: window.scrollY, focused: document.activeElement === h}; }"


@pytest.mark.browser
def test_a_term_link_in_a_voila_chapter_lands_on_the_term(browser, voila) -> None:
    """Chapter 04's link on 'Triangle of Care', clicked with the mouse, opens the glossary at that term, focused."""
    from tests.pages import LAPTOP, shot

    page = _open(browser, voila.render_url("04-collaborations.ipynb"), LAPTOP)
    try:
        link = "a[href='glossary.ipynb#Triangle-of-Care']"
        box = _wheel_until_visible(page, link)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # type: ignore[attr-defined]
        page.wait_for_url("**/glossary.ipynb#Triangle-of-Care", timeout=60_000)  # type: ignore[attr-defined]
        page.wait_for_function("document.activeElement && document.activeElement.id === 'Triangle-of-Care'", timeout=60_000)  # type: ignore[attr-defined]
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
        shot(page, "glossary-voila-from-04")
        term = page.evaluate(_TERM, "Triangle-of-Care")  # type: ignore[attr-defined]
        assert term["text"].startswith("Triangle of Care") and term["focused"]
        assert 0 <= term["top"] <= 80 and term["scrollY"] > 1000, term
        assert not page.seen.external_requests and not page.seen.unexpected_page_errors()  # type: ignore[attr-defined]
        # ... and its "first comes up in" link leads back to the chapter.
        back = "a[href='04-collaborations.ipynb']"
        box = _wheel_until_visible(page, f"h2#Triangle-of-Care ~ p {back}, #Triangle-of-Care + p + p {back}")
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # type: ignore[attr-defined]
        page.wait_for_url("**/04-collaborations.ipynb", timeout=60_000)  # type: ignore[attr-defined]
    finally:
        page.context.close()  # type: ignore[attr-defined]


@pytest.mark.browser
def test_the_glossary_page_reads_to_its_end_at_every_width(browser, voila) -> None:
    """The reading checks of tests/test_pages_browser.py (which covers the numbered chapters), for the glossary."""
    from tests.pages import SIZES, at_end, last_cell, shot, too_wide, wheel_to_end

    problems: list[str] = []
    page = _open(browser, voila.render_url(GLOSSARY_NOTEBOOK), SIZES["phone"])
    try:
        for name, size in SIZES.items():
            page.set_viewport_size({"width": size[0], "height": size[1]})  # type: ignore[attr-defined]
            page.keyboard.press("Home")  # type: ignore[attr-defined]
            page.wait_for_timeout(300)  # type: ignore[attr-defined]
            shot(page, f"glossary-{name}")
            wide = too_wide(page)
            if wide["documentWidth"] > wide["width"] + 1 or wide["elements"]:  # type: ignore[operator]
                problems.append(f"{name}: wider than the window: {wide}")
            wheel_to_end(page)
            if not at_end(page):
                problems.append(f"{name}: the mouse wheel stopped before the end: {last_cell(page)}")
            shot(page, f"glossary-{name}-end")
            page.keyboard.press("Home")  # type: ignore[attr-defined]
            page.wait_for_timeout(300)  # type: ignore[attr-defined]
            page.keyboard.press("End")  # type: ignore[attr-defined]
            page.wait_for_timeout(600)  # type: ignore[attr-defined]
            if not at_end(page):
                problems.append(f"{name}: End did not reach the end")
        problems += [f"page error: {error}" for error in page.seen.unexpected_page_errors()]  # type: ignore[attr-defined]
    finally:
        page.context.close()  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)
