"""A poll's options and the tally the board shows, as pure functions of the poll, its state and the counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..content.polls import Poll
from ..content.vignettes import Frameworks
from .markup import escape

__all__ = ["PollOption", "poll_options", "tally_html"]


@dataclass(frozen=True)
class PollOption:
    id: str
    label: str


def poll_options(poll: Poll, frameworks: Frameworks) -> tuple[PollOption, ...]:
    """The poll's options: its framework's items, in order."""
    return tuple(PollOption(item.id, item.label) for item in getattr(frameworks, poll.framework).items)


# --------------------------------------------------------------------------- tally


def tally_html(poll: Poll, options: Sequence[PollOption], state: PollState, counts: Mapping[str, int]) -> str:
    """The class's votes as labelled text bars: every option with its count and share, and the poll's state in words."""
    total = sum(counts.values())
    status = (
        '<span aria-hidden="true">●</span> Open: voting now'
        if state.is_open
        else '<span aria-hidden="true">■</span> Closed: not taking votes'
    )
    rows = [(option.label, counts.get(option.id, 0)) for option in options]
    known = {option.id for option in options}
    stale = sum(n for choice, n in counts.items() if choice not in known)
    if stale:
        rows.append(("Another option (no longer offered)", stale))
    most = max((n for _, n in rows), default=0)
    body = []
    for label, n in rows:
        share = n / total if total else 0.0
        width = 100 * n / most if most else 0
        lead = ' <strong>(most votes)</strong>' if n == most and n > 0 else ""
        body.append(
            f'<tr><th scope="row">{escape(label)}</th>'
            f'<td class="rw-bar-cell"><div class="rw-bar" style="width:{width:.1f}%"></div></td>'
            f'<td class="rw-count">{n} ({share:.0%}){lead}</td></tr>'
        )
    votes = "1 vote" if total == 1 else f"{total} votes"
    return (
        f'<div class="rw-tally" role="status" aria-live="polite">'
        f'<p class="rw-poll-state"><strong>{status}</strong> · {votes} · round {state.round}</p>'
        f'<table class="rw-facts rw-tally-table"><caption>{escape(poll.question)}</caption>'
        f'<thead><tr><th scope="col">Option</th><th scope="col">Share of votes</th><th scope="col">Votes</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


@dataclass(frozen=True)
class PollState:
    """Whether a poll takes votes, and which round of it is current."""

    poll_id: str
    is_open: bool
    round: int
