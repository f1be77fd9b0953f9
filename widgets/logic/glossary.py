"""The glossary page and its links from the chapters (pure: text in, text out).

A term is linked from the place where the chapters first use it, in reading order
(chapters 00 to 08, each notebook's Markdown cells top to bottom). Only running text
counts: headings, code, the text of other links and each chapter's reference list
are skipped, so the first *use* is the first place a reader could follow a link.

The glossary page (``workbooks/glossary.ipynb``) is made from ``data/glossary.yaml``
by :func:`glossary_cells`: one heading per term (the heading is the anchor that
JupyterLab and Voilà both give it, see :attr:`widgets.content.glossary.Term.anchor`),
its definition, where it first comes up and related terms, then the references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..content.glossary import GlossaryFile, Term

__all__ = [
    "GLOSSARY_NOTEBOOK",
    "Link",
    "Use",
    "first_use",
    "form_pattern",
    "glossary_cells",
    "glossary_links",
    "link_first_uses",
    "links",
    "reading_text",
]

GLOSSARY_NOTEBOOK = "glossary.ipynb"
"""The glossary page's file name, beside the chapters in ``workbooks/``."""

_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s.*$", re.MULTILINE)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


@dataclass(frozen=True)
class Link:
    """A Markdown link in a text: where its visible text lies, and where it points."""

    start: int
    end: int
    target: str


@dataclass(frozen=True)
class Use:
    """The first use of a term: the text's index in the reading order, the span, and the link it sits in (if any)."""

    text: int
    start: int
    end: int
    target: str | None

    def linked_to(self, term: Term) -> bool:
        return self.target == f"{GLOSSARY_NOTEBOOK}#{term.anchor}"


def form_pattern(form: str) -> re.Pattern[str]:
    """The pattern of one written form: whole words, any white space between them, an optional plural ``s``.

    A form with two or more capital letters (``CHIME``, ``Recovery Star``) is matched as
    written; any other form in any case.

    >>> bool(form_pattern("peer worker").search("Peer workers help."))
    True
    >>> bool(form_pattern("IPS").search("tips"))
    False
    """
    words = r"\s+".join(re.escape(word) for word in form.split())
    flags = 0 if sum(ch.isupper() for ch in form) >= 2 else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){words}s?(?!\w)", flags)


def links(text: str) -> list[Link]:
    """Every ``[text](target)`` link in ``text``, by the span of its visible text."""
    return [Link(m.start(1), m.end(1), m.group(2)) for m in _LINK.finditer(text)]


def reading_text(text: str) -> str:
    """``text`` with what a reader cannot link from blanked out (same length): headings, code, link brackets and targets."""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        chars[start:end] = [" " if ch != "\n" else ch for ch in chars[start:end]]

    for match in _HEADING.finditer(text):
        blank(match.start(), match.end())
    for match in _CODE.finditer(text):
        blank(match.start(), match.end())
    for match in _LINK.finditer(text):
        blank(match.start(), match.start(1))
        blank(match.end(1), match.end())
    return "".join(chars)


def _uses(texts: Sequence[str], term: Term) -> Iterator[Use]:
    patterns = [form_pattern(form) for form in term.forms]
    for index, text in enumerate(texts):
        visible = reading_text(text)
        found = sorted((m.start(), -m.end(), m.end()) for p in patterns for m in p.finditer(visible))
        spans = links(text)
        for start, _neg, end in found:
            inside = next((link for link in spans if link.start <= start and end <= link.end), None)
            yield Use(index, start, end, inside.target if inside else None)


def first_use(texts: Sequence[str], term: Term) -> Use | None:
    """Where the chapters (``texts``, in reading order) first use ``term`` in running text; ``None`` if they never do.

    A use inside a link to something else (another term, another chapter) is skipped:
    a link cannot sit inside a link.

    >>> from widgets.content.glossary import Term
    >>> chime = Term(term="CHIME", forms=("CHIME",), definition="x", sources=("leamy2011",))
    >>> first_use(["## CHIME", "Read [01](01.ipynb). CHIME has five parts."], chime)
    Use(text=1, start=21, end=26, target=None)
    """
    for use in _uses(texts, term):
        if use.target is None or use.linked_to(term):
            return use
    return None


def glossary_links(text: str) -> list[tuple[str, str]]:
    """``(visible text, anchor)`` of every link to the glossary page in ``text``."""
    prefix = f"{GLOSSARY_NOTEBOOK}#"
    return [(text[link.start : link.end], link.target[len(prefix) :]) for link in links(text) if link.target.startswith(prefix)]


def link_first_uses(texts: Sequence[str], glossary: GlossaryFile) -> list[str]:
    """``texts`` with each term's first use linked to its glossary entry (a use already linked is left alone).

    Longer forms are linked first, so "peer support worker" is not cut into "peer support" and "worker".
    """
    out = list(texts)
    order = sorted(glossary.terms, key=lambda term: -max(len(form) for form in term.forms))
    for term in order:
        use = first_use(out, term)
        if use is None or use.linked_to(term):
            continue
        text = out[use.text]
        shown = text[use.start : use.end]
        out[use.text] = f"{text[: use.start]}[{shown}]({GLOSSARY_NOTEBOOK}#{term.anchor}){text[use.end :]}"
    return out


def _sort_key(term: Term) -> str:
    return term.term.lower()


def glossary_cells(
    glossary: GlossaryFile,
    *,
    references: Mapping[str, str],
    first_seen: Mapping[str, tuple[str, str]],
) -> list[str]:
    """The Markdown cells of the glossary page.

    ``references`` maps each source id to its full reference; ``first_seen`` maps a
    term to the ``(notebook file, chapter title)`` where it first comes up.
    """
    terms = sorted(glossary.terms, key=_sort_key)
    index = " · ".join(f"[{term.term}](#{term.anchor})" for term in terms)
    intro = (
        "# Glossary\n\n"
        "Short definitions of the workbook's key terms, in our own words, each with the sources it rests on. "
        "The first time a chapter uses one of these terms, the term links here; each entry links back to that chapter.\n\n"
        f"**Terms:** {index}\n\n"
        "**Back to:** [00 · Start here](00-start-here.ipynb)"
    )
    cells = [intro]
    for term in terms:
        parts = [f"## {term.term}", term.definition]
        where = []
        if term.term in first_seen:
            notebook, title = first_seen[term.term]
            where.append(f"First comes up in [{title}]({notebook}).")
        if term.see_also:
            related = ", ".join(f"[{name}](#{glossary.term(name).anchor})" for name in term.see_also)
            where.append(f"See also: {related}.")
        if where:
            parts.append(" ".join(where))
        cells.append("\n\n".join(parts))
    cited = sorted({references[source] for term in terms for source in term.sources}, key=str.lower)
    cells.append("## References\n\n" + "\n".join(f"- {entry}" for entry in cited) + "\n\n**Back to:** [00 · Start here](00-start-here.ipynb)")
    return cells
