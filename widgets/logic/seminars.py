"""Sequence mode: where a lecturer is in a seminar, which key moves where, and what a slide shows.

Pure functions of the seminar (``content.seminars``) and a :class:`Position`; the view only
calls them and assigns the HTML. Content text is trusted Markdown from ``data/`` and is
rendered with raw HTML escaped (:func:`logic.markup.markdown`).

>>> here = Position(index=0, total=9)
>>> here.counter, step(here, -1).counter, step(here, 1).counter
('1 of 9', '1 of 9', '2 of 9')
>>> key_action("PageDown", in_field=False, can_scroll_down=True, can_scroll_up=False) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ..content.polls import Poll
from ..content.seminars import DiscussionSlide, KeyPointSlide, PollSlide, Seminar, Slide
from .markup import escape, markdown

__all__ = [
    "KeyAction",
    "Position",
    "SlideHtml",
    "go_to",
    "key_action",
    "seminar_choices",
    "slide_html",
    "start",
    "step",
]

KeyAction = Literal["next", "previous"]


@dataclass(frozen=True)
class Position:
    """Slide ``index`` (from 0) of a seminar with ``total`` slides."""

    index: int
    total: int

    def __post_init__(self) -> None:
        if self.total < 1:
            raise ValueError(f"a seminar has at least one slide, not {self.total}")
        if not 0 <= self.index < self.total:
            raise ValueError(f"slide index {self.index} is outside 0..{self.total - 1}")

    @property
    def number(self) -> int:
        """The slide's number as the room reads it (from 1)."""
        return self.index + 1

    @property
    def counter(self) -> str:
        return f"{self.number} of {self.total}"

    @property
    def at_first(self) -> bool:
        return self.index == 0

    @property
    def at_last(self) -> bool:
        return self.index == self.total - 1


def start(seminar: Seminar) -> Position:
    """The first slide of ``seminar``."""
    return Position(0, len(seminar.slides))


def step(position: Position, delta: int) -> Position:
    """``delta`` slides on (negative: back), stopping at the first and the last slide."""
    return Position(min(max(position.index + delta, 0), position.total - 1), position.total)


def go_to(position: Position, number: int) -> Position:
    """Slide ``number`` (from 1) of the same seminar; :class:`ValueError` naming it if there is no such slide."""
    if not 1 <= number <= position.total:
        raise ValueError(f"there is no slide {number}: this seminar has slides 1 to {position.total}")
    return Position(number - 1, position.total)


_KEYS: Mapping[str, KeyAction] = {"ArrowRight": "next", "PageDown": "next", "ArrowLeft": "previous", "PageUp": "previous"}


def key_action(key: str, *, in_field: bool, can_scroll_down: bool, can_scroll_up: bool) -> KeyAction | None:
    """What a key pressed anywhere on the page does to the seminar, or ``None`` if it is left to the page.

    Right arrow and Page Down go on, left arrow and Page Up go back (a presenter's clicker sends
    Page Down and Page Up). Keys typed into a field or a set of options (arrow keys choose a poll
    option) stay there. Page Down and Page Up first scroll a slide taller than the window, as on a
    phone, and turn the slide only when the page cannot scroll further that way.
    """
    action = _KEYS.get(key)
    if action is None or in_field:
        return None
    if key == "PageDown" and can_scroll_down:
        return None
    if key == "PageUp" and can_scroll_up:
        return None
    return action


def seminar_choices(seminars: Mapping[str, Seminar]) -> tuple[tuple[str, str], ...]:
    """(label, id) for a picker: each seminar's title and length, in chapter order."""
    return tuple((f"{s.title} ({len(s.slides)} slides)", s.chapter) for s in sorted(seminars.values(), key=lambda s: s.chapter))


# --------------------------------------------------------------------------- a slide as HTML


@dataclass(frozen=True)
class SlideHtml:
    """A slide in two parts: ``head`` above the poll (when the slide has one) and ``foot`` (its sources) below."""

    head: str
    foot: str
    poll: str | None
    """The id of the poll the view shows between head and foot, or ``None``."""
    title: str
    """The slide's title in plain text (for the counter's announcement and the page)."""


_KIND_LABEL = {"key_point": ("◆", "Key point"), "discussion": ("?", "Discuss"), "poll": ("▮", "Class poll")}


def _inline(text: str) -> str:
    """Content Markdown for one line (bold, italics), without the paragraph around it."""
    html = markdown(text)
    found = re.fullmatch(r"<p>(.*)</p>", html, flags=re.DOTALL)
    return found.group(1) if found else html


def _care(slide: Slide) -> str:
    if slide.care is None:
        return ""
    return f'<p class="rw-slide-care" role="note"><strong><span aria-hidden="true">⚠</span> Content note.</strong> {_inline(slide.care)}</p>'


def _kind(slide: Slide) -> str:
    symbol, word = _KIND_LABEL[slide.kind]
    return f'<p class="rw-slide-kind"><span aria-hidden="true">{symbol}</span> {word}</p>'


def _foot(seminar: Seminar, slide: Slide, poll: Poll | None) -> str:
    lines = [f'<p class="rw-slide-from">From {escape(seminar.title)}: {_inline(slide.section)}</p>']
    references: tuple[str, ...] = () if isinstance(slide, PollSlide) else slide.references
    if poll is not None:
        lines.insert(
            0,
            '<p class="rw-slide-lead">Vote on the <strong>class-poll</strong> page on your own device once the lecturer opens the poll.</p>',
        )
    if references:
        many = " rw-slide-refs-many" if len(references) > 2 else ""
        items = "".join(f'<p class="rw-slide-ref">{_inline(reference)}</p>' for reference in references)
        lines.append(f'<div class="rw-slide-refs{many}">{items}</div>')
    return f'<footer class="rw-slide-source">{"".join(lines)}</footer>'


def slide_html(seminar: Seminar, position: Position, *, polls: Mapping[str, Poll]) -> SlideHtml:
    """The slide at ``position``: its kind in words, content note, title, points or question, and sources."""
    if position.total != len(seminar.slides):
        raise ValueError(f"the position is for {position.total} slides, but {seminar.chapter} has {len(seminar.slides)}")
    slide = seminar.slides[position.index]
    if isinstance(slide, KeyPointSlide):
        items = "".join(f"<li>{_inline(point)}</li>" for point in slide.points)
        title, body = slide.title, f'<ul class="rw-slide-points">{items}</ul>'
    elif isinstance(slide, DiscussionSlide):
        prompts = "".join(f"<li>{_inline(prompt)}</li>" for prompt in slide.prompts)
        title = slide.title
        body = f'<p class="rw-slide-question">{_inline(slide.question)}</p>' + (
            f'<ul class="rw-slide-points rw-slide-prompts">{prompts}</ul>' if prompts else ""
        )
    else:
        poll = polls.get(slide.poll)
        if poll is None:
            raise ValueError(
                f"{seminar.chapter} slide {position.number} names poll {slide.poll!r}, which the polls file does not have"
            )
        title, body = "Class poll", ""
    if isinstance(slide, PollSlide):  # the poll's question is the slide's title, shown by the poll's own view
        heading = f'<h2 class="rw-slide-kind"><span aria-hidden="true">{_KIND_LABEL["poll"][0]}</span> {title}</h2>{_care(slide)}'
    else:
        heading = f'{_kind(slide)}{_care(slide)}<h2 class="rw-slide-title">{escape(title)}</h2>'
    head = f'<div class="rw-slide rw-slide-{slide.kind}">{heading}{body}</div>'
    poll_id = slide.poll if isinstance(slide, PollSlide) else None
    return SlideHtml(head=head, foot=_foot(seminar, slide, polls.get(poll_id) if poll_id else None), poll=poll_id, title=title)
