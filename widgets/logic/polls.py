"""Live polls as pure functions: a poll's options, its state and timer, the tally the room sees, open-text answers
(cleaned, counted as words, grouped) and the exports of a round (CSV and an SVG bar chart).

Everything a student typed is escaped wherever it is shown (HTML, SVG) and neutralised in CSV
(:mod:`widgets.logic.csvsafe`).
"""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from ..content.polls import Poll
from ..content.vignettes import Frameworks
from .csvsafe import frame_to_csv_bytes
from .markup import escape

__all__ = [
    "STOP_WORDS",
    "TIMER_CHOICES",
    "AnswerError",
    "AnswerGroup",
    "PollOption",
    "PollState",
    "ResultRow",
    "WordCount",
    "choice_rows",
    "clean_answer",
    "clock_text",
    "countdown_html",
    "export_name",
    "grouped_answers",
    "poll_options",
    "results_csv",
    "results_svg",
    "tally_html",
    "text_results_html",
    "word_frequencies",
]


@dataclass(frozen=True)
class PollOption:
    id: str
    label: str


@dataclass(frozen=True)
class PollState:
    """Whether a poll takes votes, which round of it is current, whether that round's results are shown, and its timer.

    ``closes_at`` (seconds since the epoch) is set while a timed round runs and kept after it ran out, so
    ``timed_out`` can say why a poll is closed. ``is_open`` is already false once the time has run out.
    """

    poll_id: str
    is_open: bool
    round: int
    revealed: bool = False
    closes_at: float | None = None

    @property
    def timed_out(self) -> bool:
        """True when the round closed itself because the lecturer's timer ran out."""
        return not self.is_open and self.closes_at is not None

    def seconds_left(self, now: float) -> int | None:
        """Whole seconds until a timed, open round closes (rounded up, never below 0); ``None`` without a running timer.

        >>> PollState("p", True, 1, closes_at=100.0).seconds_left(70.2), PollState("p", True, 1).seconds_left(70.0)
        (30, None)
        """
        if not self.is_open or self.closes_at is None:
            return None
        return max(0, math.ceil(self.closes_at - now))


TIMER_CHOICES: tuple[tuple[str, int], ...] = (("Off", 0), ("30 s", 30), ("1 min", 60), ("2 min", 120), ("3 min", 180))
"""The timer's choices on the board: (label, seconds); 0 is no timer."""


def clock_text(seconds: int) -> str:
    """Seconds as minutes and seconds.

    >>> clock_text(0), clock_text(9), clock_text(125)
    ('0:00', '0:09', '2:05')
    """
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def poll_options(poll: Poll, frameworks: Frameworks) -> tuple[PollOption, ...]:
    """The poll's options: its framework's items, in order (none for an open-text poll)."""
    if poll.framework is None:
        return ()
    return tuple(PollOption(item.id, item.label) for item in getattr(frameworks, poll.framework).items)


# --------------------------------------------------------------------------- open-text answers


class AnswerError(ValueError):
    """A typed answer that cannot be sent; the message says why, in words a student can act on."""


def clean_answer(text: str, *, max_length: int) -> str:
    """The answer as it is stored: control characters dropped, white space collapsed; refused when empty or too long.

    >>> clean_answer("  hope\\n and   choice ", max_length=20)
    'hope and choice'
    """
    visible = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in text)
    cleaned = " ".join(visible.split())
    if not cleaned:
        raise AnswerError("Type a few words first, then press Send.")
    if len(cleaned) > max_length:
        raise AnswerError(
            f"Your answer has {len(cleaned)} characters; this poll takes up to {max_length}. Shorten it and press Send again."
        )
    return cleaned


STOP_WORDS = frozenset(
    {
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did",
        "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have",
        "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of",
        "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she",
        "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
        "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was",
        "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
        "you", "your", "yours", "yourself", "yourselves", "also", "get", "gets", "getting", "got", "let",
        "lets", "may", "might", "must", "shall", "it's", "i'm", "i've", "i'd", "don't", "can't", "won't", "isn't",
        "aren't", "doesn't", "didn't", "that's", "there's", "they're", "we're", "you're",
    }
)
"""Common English words left out of the word list (so 'the' and 'and' do not lead it)."""

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class WordCount:
    word: str
    answers: int
    """How many answers use the word (an answer repeating a word counts once)."""


def word_frequencies(answers: Iterable[str], *, top: int = 20) -> tuple[WordCount, ...]:
    """The words the answers use most, stop words and one-letter words dropped, each counted once per answer.

    >>> word_frequencies(["Hope and choice", "hope, hope!", "Choice and control"])
    (WordCount(word='choice', answers=2), WordCount(word='hope', answers=2), WordCount(word='control', answers=1))
    """
    counts: Counter[str] = Counter()
    for answer in answers:
        words = {match.group().lower().replace("’", "'") for match in _WORD.finditer(answer)}
        counts.update(word for word in words if len(word) > 1 and word not in STOP_WORDS)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(WordCount(word, n) for word, n in ranked[:top])


@dataclass(frozen=True)
class AnswerGroup:
    text: str
    """The answer as first given (groups join answers that differ only in case, spacing or end punctuation)."""
    count: int


def _group_key(answer: str) -> str:
    return " ".join(answer.casefold().split()).strip(" .!?,;:")


def grouped_answers(answers: Iterable[str]) -> tuple[AnswerGroup, ...]:
    """The answers with identical ones joined, most given first, then alphabetically.

    >>> grouped_answers(["Hope.", "hope", "Being heard"])
    (AnswerGroup(text='Hope.', count=2), AnswerGroup(text='Being heard', count=1))
    """
    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for answer in answers:
        key = _group_key(answer)
        if not key:
            continue
        first.setdefault(key, answer)
        counts[key] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(AnswerGroup(first[key], n) for key, n in ranked)


# --------------------------------------------------------------------------- what the room sees


@dataclass(frozen=True)
class ResultRow:
    label: str
    count: int


def choice_rows(options: Sequence[PollOption], counts: Mapping[str, int]) -> tuple[ResultRow, ...]:
    """Every option with its votes, in order; votes for options no longer offered in one row at the end."""
    rows = [ResultRow(option.label, counts.get(option.id, 0)) for option in options]
    known = {option.id for option in options}
    stale = sum(n for choice, n in counts.items() if choice not in known)
    if stale:
        rows.append(ResultRow("Another option (no longer offered)", stale))
    return tuple(rows)


def _plural(n: int, noun: str) -> str:
    return f"1 {noun}" if n == 1 else f"{n} {noun}s"


def _state_line(state: PollState, total: int, noun: str, *, now: float | None) -> str:
    if state.is_open:
        status = '<span aria-hidden="true">●</span> Open: voting now'
        left = state.seconds_left(now) if now is not None else None
        if left is not None:
            status += f" (closes in {clock_text(left)})"
    elif state.timed_out:
        status = '<span aria-hidden="true">■</span> Closed: the time ran out'
    else:
        status = '<span aria-hidden="true">■</span> Closed: not taking votes'
    shown = "results shown" if state.revealed else "results hidden"
    return f'<p class="rw-poll-state"><strong>{status}</strong> · {_plural(total, noun)} · round {state.round} · {shown}</p>'


def tally_html(
    poll: Poll,
    options: Sequence[PollOption],
    state: PollState,
    counts: Mapping[str, int],
    *,
    hidden: bool = False,
    now: float | None = None,
) -> str:
    """The class's votes as labelled text bars: every option with its count and share, and the poll's state in words.

    ``hidden``: the number of votes and the options only, no count per option (so nobody votes with the crowd).
    """
    total = sum(counts.values())
    rows = choice_rows(options, counts)
    if hidden:
        body = "".join(f'<tr><th scope="row">{escape(row.label)}</th></tr>' for row in rows)
        return (
            f'<div class="rw-tally" role="status" aria-live="polite">{_state_line(state, total, "vote", now=now)}'
            f'<p class="rw-hidden-note"><strong>Results hidden.</strong> {_plural(total, "vote")} so far; the spread is shown '
            "when the lecturer reveals it.</p>"
            f'<table class="rw-facts rw-tally-table"><caption>{escape(poll.question)}</caption>'
            f'<thead><tr><th scope="col">Option</th></tr></thead><tbody>{body}</tbody></table></div>'
        )
    most = max((row.count for row in rows), default=0)
    body_rows = []
    for row in rows:
        share = row.count / total if total else 0.0
        width = 100 * row.count / most if most else 0
        lead = " <strong>(most votes)</strong>" if row.count == most and row.count > 0 else ""
        body_rows.append(
            f'<tr><th scope="row">{escape(row.label)}</th>'
            f'<td class="rw-bar-cell"><div class="rw-bar" style="width:{width:.1f}%"></div></td>'
            f'<td class="rw-count">{row.count} ({share:.0%}){lead}</td></tr>'
        )
    return (
        f'<div class="rw-tally" role="status" aria-live="polite">{_state_line(state, total, "vote", now=now)}'
        f'<table class="rw-facts rw-tally-table"><caption>{escape(poll.question)}</caption>'
        f'<thead><tr><th scope="col">Option</th><th scope="col">Share of votes</th><th scope="col">Votes</th></tr></thead>'
        f"<tbody>{''.join(body_rows)}</tbody></table></div>"
    )


def text_results_html(
    poll: Poll, state: PollState, answers: Sequence[str], *, hidden: bool = False, expanded: bool = False, now: float | None = None
) -> str:
    """An open-text round: the number of answers; once shown, the most used words and the answers grouped, all escaped.

    ``expanded``: the list of every answer starts open (the board, so a new answer does not fold it on the projector).
    """
    line = _state_line(state, len(answers), "answer", now=now)
    if hidden:
        return (
            f'<div class="rw-tally" role="status" aria-live="polite">{line}'
            f'<p class="rw-hidden-note"><strong>Answers hidden.</strong> {_plural(len(answers), "answer")} so far; they are '
            "shown when the lecturer reveals them.</p></div>"
        )
    words = word_frequencies(answers)
    if words:
        most = words[0].answers
        items = "".join(
            f'<li style="font-size:{1 + 0.8 * (w.answers - 1) / max(1, most - 1) if most > 1 else 1:.2f}em">'
            f"{escape(w.word)} <span class=\"rw-count\">({_plural(w.answers, 'answer')})</span></li>"
            for w in words
        )
        word_html = f'<h3>Words used most</h3><ul class="rw-word-list" aria-label="Words used most, with how many answers use each">{items}</ul>'
    else:
        word_html = "<p>No answers yet.</p>" if not answers else "<p>The answers use only very common words.</p>"
    groups = grouped_answers(answers)
    group_items = "".join(
        f"<li>{escape(group.text)}{f' <strong>(×{group.count})</strong>' if group.count > 1 else ''}</li>" for group in groups
    )
    opened = " open" if expanded else ""
    group_html = (
        f'<details class="rw-answers"{opened}><summary>Every answer ({len(answers)})</summary><ul>{group_items}</ul></details>'
        if groups
        else ""
    )
    return (
        f'<div class="rw-tally" role="status" aria-live="polite">{line}'
        f'<p class="rw-board-caption">{escape(poll.question)}</p>{word_html}{group_html}</div>'
    )


def countdown_html(state: PollState, *, now: float) -> str:
    """The board's timer in large type: the time left while a timed round runs, or that the time ran out; else nothing."""
    left = state.seconds_left(now)
    if left == 0:  # ran out since the store was last read: the next read says the poll closed
        state = PollState(state.poll_id, False, state.round, state.revealed, state.closes_at)
        left = None
    if left is not None:
        return (
            f'<p class="rw-countdown" role="timer" aria-live="off"><span class="rw-countdown-label">Time left</span> '
            f"<strong>{clock_text(left)}</strong></p>"
        )
    if state.timed_out:
        return '<p class="rw-countdown rw-countdown-done" role="status"><strong>Time is up:</strong> the poll closed itself.</p>'
    return ""


# --------------------------------------------------------------------------- exports of a round


def export_name(poll_id: str, round_: int, when: datetime, extension: str) -> str:
    """A download name that says what it holds and does not collide: poll, round, date and time of the export.

    >>> export_name("chime-hardest", 2, datetime(2026, 12, 6, 14, 5, 9), "csv")
    'poll-chime-hardest-round-2-2026-12-06-140509.csv'
    """
    return f"poll-{poll_id}-round-{round_}-{when:%Y-%m-%d-%H%M%S}.{extension}"


def results_csv(
    poll: Poll,
    state: PollState,
    *,
    options: Sequence[PollOption] = (),
    counts: Mapping[str, int] | None = None,
    answers: Sequence[str] = (),
    when: datetime,
) -> bytes:
    """The round as CSV: one row per option (votes, share) or per grouped answer (how many gave it); text neutralised."""
    common = {"poll_id": poll.id, "round": state.round, "question": poll.question, "exported_at": when.isoformat(timespec="seconds")}
    if poll.kind == "open_text":
        groups = grouped_answers(answers)
        frame = pd.DataFrame(
            [{**common, "answer": group.text, "answers": group.count} for group in groups],
            columns=["poll_id", "round", "question", "answer", "answers", "exported_at"],
        )
    else:
        rows = choice_rows(options, counts or {})
        total = sum(row.count for row in rows)
        frame = pd.DataFrame(
            [
                {**common, "option": row.label, "votes": row.count, "share_percent": round(100 * row.count / total, 1) if total else 0.0}
                for row in rows
            ],
            columns=["poll_id", "round", "question", "option", "votes", "share_percent", "exported_at"],
        )
    return frame_to_csv_bytes(frame)


_SVG_WIDTH = 960


def results_svg(
    poll: Poll, state: PollState, rows: Sequence[ResultRow], *, when: datetime, noun: str = "vote", answers: int | None = None
) -> str:
    """A bar chart of the round as a standalone SVG (white ground, black text, Okabe-Ito blue bars); every text escaped.

    ``rows`` are the options with their votes (:func:`choice_rows`) or, for open text (``noun="answer"``), the words
    with how many of the round's ``answers`` use each.
    """
    title_lines = textwrap.wrap(poll.question, 56) or [poll.question]
    total = sum(row.count for row in rows) if noun == "vote" else None
    most = max((row.count for row in rows), default=0)
    top = 30 + 30 * len(title_lines) + 40
    row_height, bar_left, bar_room = 64, 20, _SVG_WIDTH - 160
    height = top + row_height * max(1, len(rows)) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_WIDTH}" height="{height}" viewBox="0 0 {_SVG_WIDTH} {height}" '
        f'role="img" aria-labelledby="rw-svg-title" font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="rw-svg-title">{escape(poll.question)}: round {state.round}</title>',
        f'<rect width="{_SVG_WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for n, line in enumerate(title_lines):
        parts.append(f'<text x="20" y="{36 + 30 * n}" font-size="24" font-weight="bold" fill="#111111">{escape(line)}</text>')
    if total is not None:
        summary = f"Round {state.round} · {_plural(total, 'vote')}"
    else:
        summary = f"Round {state.round} · {_plural(answers or 0, 'answer')} · the words they use most"
    parts.append(
        f'<text x="20" y="{top - 16}" font-size="18" fill="#333333">{escape(summary)} · exported {when:%Y-%m-%d %H:%M}</text>'
    )
    if not rows:
        parts.append(f'<text x="20" y="{top + 30}" font-size="20" fill="#111111">No {noun}s in this round.</text>')
    for n, row in enumerate(rows):
        y = top + n * row_height
        label = textwrap.shorten(row.label, 80, placeholder="…")
        width = bar_room * row.count / most if most else 0
        if total is None:  # open text: how many answers use the word
            share = " answer" if row.count == 1 else " answers"
        else:
            share = f" ({row.count / total:.0%})" if total else ""
        parts.append(f'<text x="{bar_left}" y="{y + 20}" font-size="20" fill="#111111">{escape(label)}</text>')
        parts.append(
            f'<rect x="{bar_left}" y="{y + 28}" width="{max(width, 2):.1f}" height="24" fill="#0072B2" stroke="#003f63"/>'
        )
        parts.append(f'<text x="{bar_left + max(width, 2) + 10:.1f}" y="{y + 47}" font-size="20" fill="#111111">{row.count}{share}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
