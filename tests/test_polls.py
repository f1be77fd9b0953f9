"""Poll content, the tally, the student's vote and the lecturer's board, in the kernel."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
import uuid
from pathlib import Path

import ipywidgets as ipw
import pytest

from tests.conftest import LECTURER_CODE
from tests.widget_tree import descendants
from widgets.content.polls import PollError, load_chime, load_polls
from widgets.content.vignettes import CHIME_IDS, load_frameworks
from widgets.logic.polls import (
    TIMER_CHOICES,
    AnswerError,
    AnswerGroup,
    PollState,
    ResultRow,
    WordCount,
    choice_rows,
    clean_answer,
    countdown_html,
    export_name,
    grouped_answers,
    poll_options,
    results_csv,
    results_svg,
    tally_html,
    text_results_html,
    word_frequencies,
)
from widgets.storage.classstore import FREE_TRIES, ClassStore, ClassStoreError
from widgets.views import pollboard as board_views
from widgets.views import polls as polls_views
from widgets.views.polls import (
    FALLBACK_TICKS,
    PollBoard,
    PollPage,
    PollView,
    VoterIdentity,
    chime_explorer,
    class_poll,
    poll_board,
)
from widgets.views.ticker import REFRESH_SECONDS, Ticker

CODE = LECTURER_CODE


@pytest.fixture(autouse=True)
def fresh_kernel(monkeypatch: pytest.MonkeyPatch) -> VoterIdentity:
    """Each test is a fresh kernel: its voter is not yet fixed."""
    identity = VoterIdentity()
    monkeypatch.setattr(polls_views, "KERNEL_VOTER", identity)
    return identity


def student(poll_id: str, store: ClassStore, browser: str | None = None) -> PollView:
    """A student's page in its own kernel; its browser sends ``browser`` (a fresh id by default)."""
    poll = load_polls()[poll_id]
    view = PollView(poll, poll_options(poll, load_frameworks()), store, identity=VoterIdentity())
    view.browser.browser_id = browser or uuid.uuid4().hex
    return view


@pytest.fixture
def poll_view(class_store: ClassStore) -> PollView:
    return student("chime-hardest", class_store)


def text(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# ---------------------------------------------------------------- content


def test_the_shipped_polls_use_known_frameworks_and_chime_has_five_processes_in_order() -> None:
    polls, frameworks = load_polls(), load_frameworks()
    assert {"chime-hardest", "chime-my-practice", "top-tip-hardest"} <= set(polls)
    assert [o.id for o in poll_options(polls["chime-hardest"], frameworks)] == list(CHIME_IDS)
    assert len(poll_options(polls["top-tip-hardest"], frameworks)) == 10
    chime = load_chime()
    assert tuple(p.id for p in chime.processes) == CHIME_IDS and "".join(p.letter for p in chime.processes) == "CHIME"
    assert "Leamy et al. (2011)" in chime.sub_themes_status and "97" in chime.about


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("polls: []\n", "field 'polls'"),
        ("polls:\n  - {id: Bad Id, question: q, framework: chime, note: n, source: s}\n", "poll 'Bad Id', field 'id'"),
        ("polls:\n  - {id: a, question: q, framework: nope, note: n, source: s}\n", "poll 'a', field 'framework'"),
        ("polls:\n  - {id: a, question: ' ', framework: chime, note: n, source: s}\n", "poll 'a', field 'question'"),
        ("polls:\n  - {id: a, question: q, framework: chime, note: n}\n", "poll 'a', field 'source'"),
        ("polls:\n  - {id: a, question: q, framework: chime, note: n, source: s, extra: 1}\n", "poll 'a', field 'extra'"),
        (
            "polls:\n  - {id: a, question: q, framework: chime, note: n, source: s}\n"
            "  - {id: a, question: q, framework: chime, note: n, source: s}\n",
            "poll 'a', field 'id': duplicate id 'a' in polls",
        ),
        ("polls: [\n", "not valid YAML"),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_a_bad_polls_file_names_the_file_the_poll_and_the_field(tmp_path: Path, yaml_text: str, expected: str) -> None:
    path = tmp_path / "polls.yaml"
    path.write_text(yaml_text)
    with pytest.raises(PollError) as caught:
        load_polls.__wrapped__(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)


def test_a_chime_file_with_a_process_missing_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "chime.yaml"
    source = (Path(__file__).parent.parent / "data" / "class" / "chime.yaml").read_text()
    path.write_text(source.replace("  - id: chime-identity", "  - id: chime-identityx"))
    with pytest.raises(PollError, match=r"field 'processes': expected .* found .*chime-identityx"):
        load_chime.__wrapped__(path)
    path.write_text(source.replace("    letter: H\n", "    letter: Q\n"))
    with pytest.raises(PollError, match=r"process 'chime-hope', field 'letter'"):
        load_chime.__wrapped__(path)


# ---------------------------------------------------------------- tally


def test_the_tally_shows_every_option_its_count_share_and_the_state_in_words() -> None:
    poll = load_polls()["chime-hardest"]
    options = poll_options(poll, load_frameworks())
    shown = text(tally_html(poll, options, PollState(poll.id, True, 2), {"chime-hope": 3, "chime-identity": 1}))
    assert "Open: voting now" in shown and "4 votes" in shown and "round 2" in shown
    assert "3 (75%) (most votes)" in shown and "1 (25%)" in shown and shown.count("0 (0%)") == 3
    closed = text(tally_html(poll, options, PollState(poll.id, False, 1), {}))
    assert "Closed: not taking votes" in closed and "0 votes" in closed and "most votes" not in closed


def test_votes_for_an_option_no_longer_offered_are_counted_apart() -> None:
    poll = load_polls()["chime-hardest"]
    shown = text(tally_html(poll, poll_options(poll, load_frameworks()), PollState(poll.id, True, 1), {"gone": 2}))
    assert "Another option (no longer offered)" in shown and "2 (100%)" in shown


# ---------------------------------------------------------------- the student's vote


def test_voting_needs_an_open_poll_and_a_choice(poll_view: PollView, class_store: ClassStore) -> None:
    assert poll_view.vote_button.disabled and "closed" in poll_view.tally.value
    poll_view.choice.value = "chime-hope"
    poll_view.cast()
    assert "closed" in poll_view.status.value and class_store.tally("chime-hardest")[1] == {}
    class_store.set_open("chime-hardest", True, code=CODE)
    poll_view.refresh()
    assert not poll_view.vote_button.disabled and "results appear here when the lecturer reveals them" in poll_view.tally.value
    poll_view.choice.value = None
    poll_view.cast()
    assert "Choose one option first" in poll_view.status.value


def test_a_changed_vote_replaces_the_first_and_totals_appear_once_revealed(poll_view: PollView, class_store: ClassStore) -> None:
    class_store.set_open("chime-hardest", True, code=CODE)
    poll_view.choice.value = "chime-hope"
    poll_view.vote_button.click()
    assert "Vote saved" in poll_view.status.value and "Hope and optimism" in poll_view.status.value
    poll_view.choice.value = "chime-meaning"
    poll_view.vote_button.click()
    assert class_store.tally("chime-hardest")[1] == {"chime-meaning": 1}
    assert "Your vote is counted" in text(poll_view.tally.value) and "1 vote" not in text(poll_view.tally.value)
    class_store.set_revealed("chime-hardest", True, code=CODE)
    poll_view.refresh()
    assert "1 vote" in text(poll_view.tally.value) and "1 (100%)" in text(poll_view.tally.value)


def test_the_browser_id_is_used_when_well_formed_and_a_returning_browser_sees_its_vote(class_store: ClassStore) -> None:
    poll = load_polls()["chime-hardest"]
    options = poll_options(poll, load_frameworks())
    class_store.set_open(poll.id, True, code=CODE)
    first = PollView(poll, options, class_store, identity=VoterIdentity())
    first.browser.browser_id = "not an id"
    assert first.voter_id is None
    browser = uuid.uuid4().hex
    first.browser.browser_id = browser
    assert first.voter_id == browser
    first.choice.value = "chime-empowerment"
    first.cast()
    again = PollView(poll, options, class_store, identity=VoterIdentity())  # the same browser after a reload: a new kernel
    assert again.choice.value is None
    again.browser.browser_id = browser
    assert again.choice.value == "chime-empowerment" and "Your vote" in again.status.value
    again.cast()
    assert class_store.tally(poll.id)[1] == {"chime-empowerment": 1}


def test_a_vote_is_not_sent_before_the_browser_id_so_a_reload_always_shows_it(class_store: ClassStore) -> None:
    """Before, a vote cast before the browser's id arrived was kept under the kernel's id: after a reload, no message."""
    poll = load_polls()["chime-hardest"]
    options = poll_options(poll, load_frameworks())
    class_store.set_open(poll.id, True, code=CODE)
    page = PollView(poll, options, class_store, identity=VoterIdentity())
    assert page.vote_button.disabled and "Connecting" in page.tally.value
    page.choice.value = "chime-hope"
    page.cast()
    assert "still connecting" in page.status.value and class_store.tally(poll.id)[1] == {}
    browser = uuid.uuid4().hex
    page.browser.browser_id = browser
    assert not page.vote_button.disabled
    page.cast()
    assert class_store.tally(poll.id)[1] == {"chime-hope": 1}
    for _reload in range(3):
        again = PollView(poll, options, class_store, identity=VoterIdentity())
        again.browser.browser_id = browser
        assert again.choice.value == "chime-hope" and "Your vote: <strong>Hope and optimism" in again.status.value


@pytest.fixture
def page_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """A browser has the page open: it opened the widget control comm to fetch the widgets (ipywidgets keeps it)."""
    monkeypatch.setattr(ipw.Widget, "_control_comm", object())


def test_a_browser_that_never_sends_an_id_can_still_vote_after_a_few_refreshes(class_store: ClassStore, page_open: None) -> None:
    poll = load_polls()["chime-hardest"]
    class_store.set_open(poll.id, True, code=CODE)
    page = PollView(poll, poll_options(poll, load_frameworks()), class_store, identity=VoterIdentity())
    for _ in range(FALLBACK_TICKS):
        page._tick()
    assert not page.vote_button.disabled and "did not give the page an id" in page.status.value
    page.choice.value = "chime-meaning"
    page.cast()
    assert class_store.tally(poll.id)[1] == {"chime-meaning": 1}


def test_a_preheated_page_waits_for_the_browser_id_however_long_it_ticks(
    class_store: ClassStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a kernel preheated by Voila (no browser yet) settled on its own id after about 6 s; the student's
    browser id was then ignored, so after a reload the page did not show the vote and the student could vote twice."""
    poll = load_polls()["chime-hardest"]
    options = poll_options(poll, load_frameworks())
    class_store.set_open(poll.id, True, code=CODE)
    monkeypatch.setattr(ipw.Widget, "_control_comm", None)  # in the pool: no page has asked for the widgets yet
    identity = VoterIdentity()
    page = PollView(poll, options, class_store, identity=identity)
    for _ in range(20 * FALLBACK_TICKS):  # far longer than the fallback (a pool kernel may wait minutes)
        page._tick()
    assert page.voter_id is None and page.vote_button.disabled and "did not give" not in page.status.value
    monkeypatch.setattr(ipw.Widget, "_control_comm", object())  # a student opens the page
    page._tick()
    browser = uuid.uuid4().hex
    page.browser.browser_id = browser
    assert page.voter_id == browser and identity.ignored == 0 and not page.vote_button.disabled
    page.choice.value = "chime-hope"
    page.cast()
    again = PollView(poll, options, class_store, identity=VoterIdentity())  # a reload: another kernel, the same browser
    again.browser.browser_id = browser
    assert again.choice.value == "chime-hope" and "Your vote: <strong>Hope and optimism" in again.status.value
    again.cast()
    assert class_store.tally(poll.id)[1] == {"chime-hope": 1}


def test_a_forged_browser_id_never_adds_a_voter(
    class_store: ClassStore, fresh_kernel: VoterIdentity, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 14 point 4: from one page, setting the synced trait to new values and voting cast 100 votes."""
    poll = load_polls()["chime-hardest"]
    options = poll_options(poll, load_frameworks())
    class_store.set_open(poll.id, True, code=CODE)
    page = PollView(poll, options, class_store)  # this kernel's voter
    first = uuid.uuid4().hex
    page.browser.browser_id = first
    for n, choice in enumerate(["chime-hope", "chime-identity", "chime-meaning"] * 10):
        page.browser.browser_id = uuid.uuid4().hex if n else first
        page.choice.value = choice
        page.cast()
    other = PollView(poll, options, class_store)  # a second view in the same kernel is the same voter
    other.browser.browser_id = uuid.uuid4().hex
    other.choice.value = "chime-empowerment"
    other.cast()
    assert class_store.tally(poll.id)[1] == {"chime-empowerment": 1}
    assert page.voter_id == other.voter_id == first and fresh_kernel.ignored >= 29
    assert "Ignored a browser's attempt to change this page's voter id" in caplog.text and first not in caplog.text
    assert class_store.my_vote(poll.id, first) == "chime-empowerment"


def test_a_new_round_clears_a_stale_vote_and_asks_again(class_store: ClassStore) -> None:
    """Before, a page left open after "Start a new round" still said "Your vote: ..." with the option ticked."""
    board = PollBoard(load_polls(), load_frameworks(), class_store)
    board.picker.value = "chime-hardest"
    board.code.value = CODE
    board.open_button.click()
    page = student("chime-hardest", class_store)
    page.choice.value = "chime-identity"
    page.vote_button.click()
    reloaded = student("chime-hardest", class_store, browser=page.voter_id)
    assert "Your vote" in reloaded.status.value
    board.reset_button.click()
    for view in (page, reloaded):
        view.refresh()  # the ticker's next refresh
        assert view.choice.value is None and "Your vote" not in view.status.value and "Vote saved" not in view.status.value
        assert "round 2" in view.status.value and "lecturer reveals them" in view.tally.value and not view.vote_button.disabled
    assert class_store.tally("chime-hardest")[1] == {}
    page.choice.value = "chime-hope"
    page.vote_button.click()
    assert class_store.tally("chime-hardest") == (PollState("chime-hardest", True, 2), {"chime-hope": 1})
    board.refresh()
    assert "1 vote" in text(board.tally.value) and "round 2" in text(board.tally.value)


# ---------------------------------------------------------------- the students' poll page


def test_every_poll_the_board_offers_can_be_answered_on_the_students_page(class_store: ClassStore) -> None:
    """Before, only chime-hardest had a page where students could vote; the board offered three polls."""
    polls = load_polls()
    board = PollBoard(polls, load_frameworks(), class_store)
    board.code.value = CODE
    page = PollPage(polls, load_frameworks(), class_store, identity=VoterIdentity())
    assert "No poll is open" in page.message.value and not page.body.children
    offered = [value for _label, value in board.picker.options]
    assert offered == list(polls)
    for poll_id in offered:
        board.picker.value = poll_id
        board.open_button.click()
        page.refresh()
        assert list(page.views) == [poll_id] and "No poll is open" not in page.message.value
        view = page.views[poll_id]
        view.browser.browser_id = uuid.uuid4().hex
        if view.answer is not None:  # an open-text poll
            view.answer.value = "Being heard"
        else:
            view.choice.value = view.options[-1].id
        view.vote_button.click()
        assert "saved" in view.status.value
        board.refresh()
        assert ("1 answer" if view.answer is not None else "1 vote") in text(board.tally.value)
        board.close_button.click()
        page.refresh()
        page.views[poll_id].refresh()  # each view's own refresh, on the same tick
        assert list(page.views) == [poll_id] and "The poll is closed" in page.views[poll_id].tally.value
    voter = page.identity.voter_id
    assert voter is not None
    assert all(
        (class_store.my_answer if polls[p].kind == "open_text" else class_store.my_vote)(p, voter) is not None for p in offered
    )
    assert any(polls[p].kind == "open_text" for p in offered)
    page.close()


def test_the_poll_page_entry_point_builds_and_says_why_without_a_store(tmp_path: Path) -> None:
    box = class_poll(url=f"sqlite:///{tmp_path / 'class.sqlite3'}")
    assert any("No poll is open" in str(getattr(w, "value", "")) for w in descendants(box))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    broken = class_poll(url=f"sqlite:///{blocker / 'sub' / 'class.sqlite3'}")
    assert any("The class poll is not available" in str(getattr(w, "value", "")) for w in descendants(broken))


def test_a_store_that_fails_is_a_message_not_a_traceback(
    poll_view: PollView, class_store: ClassStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    class_store.set_open("chime-hardest", True, code=CODE)

    def broken(*_args, **_kwargs):
        raise ClassStoreError("Could not save a vote in the class class_store: disk I/O error")

    monkeypatch.setattr(class_store, "vote", broken)
    monkeypatch.setattr(class_store, "tally", broken)
    poll_view.choice.value = "chime-hope"
    poll_view.cast()
    assert "not saved" in poll_view.status.value and "disk I/O error" in poll_view.status.value
    assert "disk I/O error" in poll_view.tally.value


def test_without_a_store_the_poll_says_why_and_cannot_be_used(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    box = chime_explorer(url=f"sqlite:///{blocker / 'sub' / 'class.sqlite3'}")
    html = " ".join(w.value for w in descendants(box) if isinstance(getattr(w, "value", None), str))
    assert "The class poll is not available" in html
    assert all(w.disabled for w in descendants(box) if getattr(w, "description", None) == "Vote")


def test_the_chime_explorer_shows_each_process_with_its_sourced_sub_themes(tmp_path: Path) -> None:
    box = chime_explorer(url=f"sqlite:///{tmp_path / 'class.sqlite3'}")
    picker = next(w for w in descendants(box) if getattr(w, "description", None) == "Process")
    detail = next(w for w in descendants(box) if "Sub-themes" in str(getattr(w, "value", "")))
    picker.value = "chime-empowerment"
    assert "Empowerment" in detail.value and "About the sub-themes" in detail.value and "Leamy et al. (2011)" in detail.value
    assert "nverified" not in detail.value


# ---------------------------------------------------------------- the lecturer's board


@pytest.fixture
def board(class_store: ClassStore) -> PollBoard:
    return PollBoard(load_polls(), load_frameworks(), class_store)


def test_the_board_opens_closes_and_restarts_a_poll_with_the_code(board: PollBoard, class_store: ClassStore) -> None:
    board.picker.value = "top-tip-hardest"
    board.code.value = CODE
    board.open_button.click()
    assert class_store.state("top-tip-hardest").is_open and "Open: voting now" in board.tally.value
    class_store.vote("top-tip-hardest", uuid.uuid4().hex, "tip-03")
    board.refresh()
    assert "1 vote" in text(board.tally.value)
    board.close_button.click()
    assert not class_store.state("top-tip-hardest").is_open and "votes are kept" in board.message.value
    board.reset_button.click()
    assert class_store.state("top-tip-hardest").round == 2 and "0 votes" in text(board.tally.value)
    assert not class_store.state("chime-hardest").is_open


def test_the_board_refuses_a_wrong_code_and_locks_after_too_many(board: PollBoard, class_store: ClassStore) -> None:
    board.code.value = "guess-guess"
    for _ in range(FREE_TRIES):
        board.open_button.click()
        assert "not right" in board.message.value
    board.code.value = CODE
    board.open_button.click()
    assert "Too many wrong lecturer codes for this poll" in board.message.value and "Reload" not in board.message.value
    assert class_store.state(board.picker.value) == PollState(board.picker.value, False, 1)


def test_a_question_with_html_in_it_is_shown_as_text(class_store: ClassStore) -> None:
    poll = load_polls()["chime-hardest"].model_copy(update={"question": "<script>alert(1)</script> which?"})
    view = PollView(poll, poll_options(poll, load_frameworks()), class_store)
    assert "<script>" not in view.container.children[1].value and "&lt;script&gt;" in view.container.children[1].value


def test_poll_board_entry_point_builds(tmp_path: Path) -> None:
    box = poll_board(url=f"sqlite:///{tmp_path / 'class.sqlite3'}")
    assert any(getattr(w, "description", None) == "Lecturer code" for w in descendants(box))


def test_voting_is_disabled_while_the_store_cannot_be_read(
    poll_view: PollView, class_store: ClassStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    class_store.set_open("chime-hardest", True, code=CODE)
    poll_view.refresh()
    assert not poll_view.vote_button.disabled

    def broken(*_args, **_kwargs):
        raise ClassStoreError("Could not read the class class_store: database disk image is malformed")

    monkeypatch.setattr(class_store, "tally", broken)
    poll_view.refresh()
    assert poll_view.vote_button.disabled and "malformed" in poll_view.tally.value


# ---------------------------------------------------------------- refreshing: one ticker, tied to the views' lifetime


@pytest.fixture
def ticker(monkeypatch: pytest.MonkeyPatch) -> Ticker:
    """A fresh kernel ticker, so views other tests left open do not count."""
    fresh = Ticker(REFRESH_SECONDS)
    monkeypatch.setattr(polls_views, "TICKER", fresh)
    monkeypatch.setattr(board_views, "TICKER", fresh)
    return fresh


def test_views_share_one_refresh_task_which_ends_when_the_last_view_closes(class_store: ClassStore, ticker: Ticker) -> None:
    """Before, every view started its own endless task: re-running a cell added a database poll every 2 s."""
    poll = load_polls()["top-tip-hardest"]
    options = poll_options(poll, load_frameworks())

    async def scenario() -> tuple[int, int, bool]:
        views = [
            PollView(poll, options, class_store),
            PollView(poll, options, class_store),
            PollBoard(load_polls(), load_frameworks(), class_store),
        ]
        others = {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}
        for view in views:
            view.close()
        await asyncio.sleep(0)
        left = {task for task in asyncio.all_tasks() if task is not asyncio.current_task() and not task.done()}
        return len(others), len(left), ticker.running

    # A loop of its own in a thread of its own: the session's Playwright browser (a browser test earlier in this
    # file) keeps an event loop running in the main thread, where asyncio.run() refuses to start.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, scenario()).result() == (1, 0, False)
    assert ticker.subscribers == 0


def test_a_closed_view_is_never_refreshed_again(class_store: ClassStore, ticker: Ticker, monkeypatch: pytest.MonkeyPatch) -> None:
    poll = load_polls()["top-tip-hardest"]
    calls: list[str] = []
    monkeypatch.setattr(PollView, "refresh", lambda self: calls.append(self.poll.id))
    open_view = PollView(poll, poll_options(poll, load_frameworks()), class_store)
    closed_view = PollView(poll, poll_options(poll, load_frameworks()), class_store)
    calls.clear()
    closed_view.close()
    ticker.tick()
    assert calls == [poll.id] and closed_view.container.comm is None
    open_view.close()
    ticker.tick()
    assert calls == [poll.id] and ticker.subscribers == 0


def test_a_failing_refresh_is_logged_and_the_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    ticker = Ticker(60.0)
    first, second = ipw.HTML(), ipw.HTML()
    seen: list[str] = []

    def broken() -> None:
        raise RuntimeError("database gone")

    ticker.subscribe(first, broken)
    ticker.subscribe(second, lambda: seen.append("second"))
    ticker.tick()
    assert seen == ["second"] and "database gone" in caplog.text
    first.close()
    second.close()
    assert ticker.subscribers == 0


def test_poll_views_expose_container_like_every_other_view(class_store: ClassStore) -> None:
    poll = load_polls()["top-tip-hardest"]
    view = PollView(poll, poll_options(poll, load_frameworks()), class_store)
    board = PollBoard(load_polls(), load_frameworks(), class_store)
    assert isinstance(view.container, ipw.VBox) and isinstance(board.container, ipw.VBox)
    assert not hasattr(view, "widget") and not hasattr(board, "widget")
    view.close()
    board.close()


def test_no_module_uses_the_deprecated_event_loop_policy() -> None:
    """``asyncio.get_event_loop_policy`` is deprecated in Python 3.14; the ticker finds the kernel's loop without it."""
    package = Path(__file__).resolve().parent.parent / "widgets"
    assert not [p.name for p in package.rglob("*.py") if "get_event_loop_policy" in p.read_text(encoding="utf-8")]


# ---------------------------------------------------------------- in the browser: a stale vote after a new round is impossible


@pytest.mark.browser
def test_in_the_browser_a_new_round_asks_an_open_page_again_and_every_poll_reaches_it(browser: object, tmp_path: Path) -> None:
    """Issue 15: after "Start a new round" a page left open said "Your vote: Identity" with the option ticked."""
    from tests.harness import LECTURER_CODE as SERVER_CODE
    from tests.harness import ROOT, voila_server, wait_until_rendered, watch

    with voila_server(ROOT / "workbooks", tmp_path / "answers.sqlite3", tmp_path / "voila.log") as server:
        board = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        board_seen = watch(board)
        board.goto(server.render_url("dashboards/class-poll-board.ipynb"))
        wait_until_rendered(board, widgets=1)
        board.get_by_label("Lecturer code").fill(SERVER_CODE)
        board.get_by_role("button", name="Open poll").click()
        board.get_by_text("Open: voting now").wait_for(timeout=30_000)

        context = browser.new_context(viewport={"width": 412, "height": 915})  # type: ignore[attr-defined]
        student = context.new_page()
        student_seen = watch(student)
        student.goto(server.render_url("dashboards/class-poll.ipynb"))
        wait_until_rendered(student, widgets=1)
        student.get_by_text("Which CHIME process do you think").wait_for(timeout=30_000)
        student.get_by_role("radio", name="Identity").check()
        student.get_by_role("button", name="Vote").click()
        student.get_by_text("Vote saved: Identity").wait_for(timeout=30_000)
        board.wait_for_function("document.body.innerText.includes('1 vote ·')", timeout=10_000)

        board.get_by_role("button", name="Start a new round").click()
        board.get_by_text("Round 2 started").wait_for(timeout=30_000)
        student.get_by_text("The lecturer started round 2").wait_for(timeout=15_000)  # the open page re-reads by itself
        assert not student.get_by_role("radio", name="Identity").is_checked()
        assert "Your vote:" not in student.inner_text("body") and "Vote saved" not in student.inner_text("body")
        student.get_by_role("radio", name="Hope and optimism about the future").check()
        student.get_by_role("button", name="Vote").click()
        student.get_by_text("Vote saved: Hope").wait_for(timeout=30_000)
        board.wait_for_function("document.body.innerText.includes('1 vote · round 2')", timeout=10_000)

        student.reload()  # a new kernel, the same browser: the vote of this round is shown
        wait_until_rendered(student, widgets=1)
        student.get_by_text("Your vote: Hope").wait_for(timeout=30_000)

        board.get_by_role("button", name="Close poll").click()
        board.get_by_label("Poll").select_option(label="Which of the ten top tips is hardest to follow on a busy day?")
        board.get_by_role("button", name="Open poll").click()
        board.get_by_text("Open: voting now").wait_for(timeout=30_000)
        student.get_by_text("Which of the ten top tips is hardest").wait_for(timeout=15_000)  # every poll reaches the page
        for seen in (board_seen, student_seen):
            assert seen.external_requests == [] and seen.unexpected_page_errors() == []
        context.close()
        board.close()


# ---------------------------------------------------------------- issue 15: the open-text poll's content and logic


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{id: a, question: q, note: n, source: s}", "poll 'a', field 'framework'"),
        (
            "{id: a, question: q, kind: open_text, framework: chime, max_length: 80, note: n, source: s}",
            "poll 'a', field 'framework'",
        ),
        ("{id: a, question: q, kind: open_text, note: n, source: s}", "poll 'a', field 'max_length'"),
        ("{id: a, question: q, kind: open_text, max_length: 2000, note: n, source: s}", "poll 'a', field 'max_length'"),
        ("{id: a, question: q, framework: chime, max_length: 80, note: n, source: s}", "poll 'a', field 'max_length'"),
        ("{id: a, question: q, kind: essay, note: n, source: s}", "poll 'a', field 'kind'"),
    ],
)
def test_a_poll_whose_fields_do_not_fit_its_kind_names_the_field(tmp_path: Path, entry: str, expected: str) -> None:
    path = tmp_path / "polls.yaml"
    path.write_text(f"polls:\n  - {entry}\n")
    with pytest.raises(PollError, match=expected.replace("(", r"\(")):
        load_polls.__wrapped__(path)


def test_the_open_text_poll_states_its_limit_and_asks_about_practice_not_the_student() -> None:
    poll = load_polls()["recovery-in-a-few-words"]
    assert poll.kind == "open_text" and poll.framework is None and 20 <= (poll.max_length or 0) <= 280
    assert poll_options(poll, load_frameworks()) == ()
    assert "people you will work with" in poll.question and "not about yourself" in poll.note


def test_a_typed_answer_is_cleaned_and_refused_when_empty_or_too_long() -> None:
    assert clean_answer(" being\u200b\theard \n", max_length=20) == "being heard"
    with pytest.raises(AnswerError, match="Type a few words"):
        clean_answer(" \n\t ", max_length=20)
    with pytest.raises(AnswerError, match="has 21 characters; this poll takes up to 20"):
        clean_answer("x" * 21, max_length=20)


def test_the_word_list_drops_stop_words_and_counts_each_answer_once() -> None:
    answers = ["Hope and hope and HOPE", "Having hope, choice", "The choice is theirs", "a b c"]
    assert word_frequencies(answers) == (WordCount("choice", 2), WordCount("hope", 2))  # ties alphabetically
    assert grouped_answers(["Hope.", " hope", "Choice"]) == (AnswerGroup("Hope.", 2), AnswerGroup("Choice", 1))


HOSTILE = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    '=HYPERLINK("http://evil.example","hope")',
]


def test_open_text_results_escape_every_answer() -> None:
    poll = load_polls()["recovery-in-a-few-words"]
    html = text_results_html(poll, PollState(poll.id, False, 1, revealed=True), [*HOSTILE, "hope"])
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html and "&lt;img src=x onerror=window.__pwned=1&gt;" in html
    assert "4 answers" in text(html) and "Every answer (4)" in text(html)
    hidden = text_results_html(poll, PollState(poll.id, True, 1), HOSTILE, hidden=True)
    assert "3 answers so far" in text(hidden) and "script" not in hidden and "HYPERLINK" not in hidden


def test_a_hidden_tally_shows_the_number_of_votes_but_not_the_spread() -> None:
    poll = load_polls()["chime-hardest"]
    options = poll_options(poll, load_frameworks())
    hidden = text(tally_html(poll, options, PollState(poll.id, True, 1), {"chime-hope": 3, "chime-identity": 1}, hidden=True))
    assert "4 votes" in hidden and "results hidden" in hidden and "%" not in hidden and "most votes" not in hidden
    assert "Hope and optimism" in hidden  # the options are listed, so the room knows what was asked
    shown = text(tally_html(poll, options, PollState(poll.id, True, 1, revealed=True), {"chime-hope": 3, "chime-identity": 1}))
    assert "3 (75%) (most votes)" in shown and "results shown" in shown


def test_the_countdown_shows_minutes_and_seconds_and_says_when_time_is_up() -> None:
    running = PollState("p", True, 1, closes_at=1_000.0)
    assert ">1:30<" in countdown_html(running, now=910.0) and 'role="timer"' in countdown_html(running, now=910.0)
    assert "Time is up" in countdown_html(running, now=1_000.0)  # ran out since the last read
    assert "Time is up" in countdown_html(PollState("p", False, 1, closes_at=1_000.0), now=1_001.0)
    assert countdown_html(PollState("p", True, 1), now=0.0) == ""
    assert [label for label, _ in TIMER_CHOICES] == ["Off", "30 s", "1 min", "2 min", "3 min"]


def test_a_rounds_csv_counts_the_votes_and_neutralises_formula_text() -> None:
    import csv
    import io
    from datetime import datetime

    poll = load_polls()["chime-hardest"]
    when = datetime(2026, 12, 6, 14, 5, 9)
    data = results_csv(
        poll,
        PollState(poll.id, False, 2),
        options=poll_options(poll, load_frameworks()),
        counts={"chime-hope": 3, "chime-meaning": 1},
        when=when,
    )
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [(r["option"], r["votes"], r["share_percent"]) for r in rows if r["votes"] != "0"] == [
        ("Hope and optimism about the future", "3", "75.0"),
        ("Meaning in life", "1", "25.0"),
    ]
    assert len(rows) == 5 and {r["round"] for r in rows} == {"2"}
    words = load_polls()["recovery-in-a-few-words"]
    data = results_csv(words, PollState(words.id, False, 1), answers=[*HOSTILE, "hope", "Hope."], when=when)
    answers = {r["answer"]: r["answers"] for r in csv.DictReader(io.StringIO(data.decode("utf-8")))}
    assert answers['\'=HYPERLINK("http://evil.example","hope")'] == "1" and answers["hope"] == "2"
    assert not any(a.startswith(("=", "+", "-", "@")) for a in answers)
    assert export_name(poll.id, 2, when, "csv") != export_name(poll.id, 2, datetime(2026, 12, 6, 14, 5, 10), "csv")


def test_the_rounds_picture_is_an_svg_bar_chart_with_every_text_escaped() -> None:
    import xml.etree.ElementTree as ET
    from datetime import datetime

    poll = load_polls()["chime-hardest"].model_copy(update={"question": "<script>alert(1)</script> & which?"})
    options = poll_options(poll, load_frameworks())
    svg = results_svg(
        poll,
        PollState(poll.id, True, 3),
        choice_rows(options, {"chime-hope": 3, "chime-meaning": 1}),
        when=datetime(2026, 12, 6, 9, 0),
    )
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.find(f"{ns}script") is None and "<script>" not in svg
    bars = [float(r.get("width")) for r in root.iter(f"{ns}rect")][1:]  # the first rect is the white ground
    assert len(bars) == 5 and max(bars) == bars[1] and bars[1] == pytest.approx(3 * bars[3], abs=0.5)  # hope 3, meaning 1
    labels = "".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert "3 (75%)" in labels and "1 (25%)" in labels and "Round 3 · 4 votes" in labels
    words = load_polls()["recovery-in-a-few-words"]
    answers = ["hope and choice", "<b>hope</b>", "choice"]
    rows = [ResultRow(w.word, w.answers) for w in word_frequencies(answers)]
    svg = results_svg(words, PollState(words.id, False, 1), rows, when=datetime(2026, 12, 6, 9, 0), noun="answer", answers=3)
    labels = [t.text or "" for t in ET.fromstring(svg).iter(f"{ns}text")]
    assert "Round 1 · 3 answers · the words they use most · exported 2026-12-06 09:00" in labels
    assert "2 answers" in labels and "choice" in labels and "hope" in labels and not any("b>" in label for label in labels)
    assert max(len(line) for line in labels[:2]) <= 56  # the question wraps inside the picture


# ---------------------------------------------------------------- issue 15: the lecturer controls what the room sees


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000.0

    def __call__(self) -> float:
        return self.now


def open_board(class_store: ClassStore, poll_id: str) -> PollBoard:
    board = PollBoard(load_polls(), load_frameworks(), class_store)
    board.picker.value = poll_id
    board.code.value = CODE
    return board


def test_reveal_and_hide_on_the_board_reach_the_students_page(class_store: ClassStore) -> None:
    board = open_board(class_store, "chime-hardest")
    board.open_button.click()
    page = student("chime-hardest", class_store)
    page.choice.value = "chime-hope"
    page.vote_button.click()
    board.refresh()
    for shown in (text(board.tally.value), text(page.tally.value)):
        assert "%" not in shown and "most votes" not in shown
    assert "1 vote so far" in text(board.tally.value) and "vote" not in text(page.tally.value).replace("Your vote is counted", "")
    board.reveal_button.click()
    assert "Results shown" in board.message.value and "1 (100%) (most votes)" in text(board.tally.value)
    page.refresh()
    assert "1 (100%) (most votes)" in text(page.tally.value)
    board.hide_button.click()
    page.refresh()
    assert "%" not in text(page.tally.value) and "%" not in text(board.tally.value)
    board.code.value = "guess-guess"
    board.reveal_button.click()
    assert "not right" in board.message.value and not class_store.state("chime-hardest").revealed


def test_the_timer_counts_down_on_the_board_and_closes_the_poll_on_every_page(
    class_store: ClassStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from widgets.views import ticker as ticker_module

    clock = Clock()
    class_store._clock = clock
    seconds = Ticker(1.0)
    monkeypatch.setattr(board_views, "CLOCK", seconds)
    assert ticker_module.CLOCK.seconds == 1.0
    board = open_board(class_store, "top-tip-hardest")
    assert seconds.subscribers == 0  # no timer, no second ticker
    board.timer.value = 30
    board.open_button.click()
    assert "open for 0:30" in board.message.value and ">0:30<" in board.countdown.value and seconds.subscribers == 1
    page = student("top-tip-hardest", class_store)
    assert "Time left: 0:30" in text(page.tally.value)
    clock.now += 12.4
    seconds.tick()  # the board's second ticker: no store read, only the time left
    assert ">0:18<" in board.countdown.value
    page.choice.value = "tip-02"
    page.vote_button.click()
    clock.now += 18
    seconds.tick()
    assert "Time is up" in board.countdown.value and "Closed: the time ran out" in text(board.tally.value)
    assert seconds.subscribers == 0  # the timer has stopped, so has its ticker
    page.refresh()
    assert page.vote_button.disabled and "Time is up" in text(page.tally.value)
    late = student("top-tip-hardest", class_store)
    late.choice.value = "tip-03"
    late.cast()
    assert "Time is up" in late.status.value and "not counted" in late.status.value
    assert class_store.tally("top-tip-hardest")[1] == {"tip-02": 1}
    board.timer.value = 0
    board.open_button.click()  # opened again, without a timer
    assert board.countdown.value == "" and class_store.state("top-tip-hardest").is_open


def test_export_needs_the_code_and_offers_a_csv_and_a_picture_matching_the_votes(class_store: ClassStore) -> None:
    import base64
    import csv
    import io
    import re
    import xml.etree.ElementTree as ET

    board = open_board(class_store, "chime-my-practice")
    board.open_button.click()
    for choice in ["chime-hope", "chime-hope", "chime-empowerment"]:
        class_store.vote("chime-my-practice", uuid.uuid4().hex, choice)
    board.code.value = "guess-guess"
    board.export_button.click()
    assert "not right" in board.message.value and board.downloads.value == ""
    board.code.value = CODE
    board.export_button.click()
    links = dict(re.findall(r'<a download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', board.downloads.value))
    names = sorted(links)
    assert [re.sub(r"\d{4}-\d\d-\d\d-\d{6}", "DATE", n) for n in names] == [
        "poll-chime-my-practice-round-1-DATE.csv",
        "poll-chime-my-practice-round-1-DATE.svg",
    ]
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(links[names[0]]).decode("utf-8"))))
    assert {r["option"]: int(r["votes"]) for r in rows if r["votes"] != "0"} == {
        "Hope and optimism about the future": 2,
        "Empowerment": 1,
    }
    svg = ET.fromstring(base64.b64decode(links[names[1]]))
    labels = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "2 (67%)" in labels and "1 (33%)" in labels and "3 votes" in labels
    board.picker.value = "chime-hardest"
    assert board.downloads.value == ""  # a download belongs to the poll it was made for


def test_an_open_text_poll_takes_short_answers_and_shows_them_escaped_once_revealed(class_store: ClassStore) -> None:
    import base64
    import re

    poll = load_polls()["recovery-in-a-few-words"]
    board = open_board(class_store, poll.id)
    board.open_button.click()
    page = student(poll.id, class_store)
    assert page.choice is None and page.answer is not None
    assert f"up to {poll.max_length} characters" in page.answer.description and page.vote_button.description == "Send answer"
    page.answer.value = "x" * ((poll.max_length or 0) + 1)
    page.cast()
    assert f"this poll takes up to {poll.max_length}" in page.status.value and class_store.answers(poll.id)[1] == ()
    for hostile in HOSTILE:
        other = student(poll.id, class_store)
        other.answer.value = hostile
        other.cast()
        assert "Answer saved" in other.status.value and "<script" not in other.status.value and "<img" not in other.status.value
    page.answer.value = "  Being heard,\n and hope  "
    page.cast()
    assert class_store.my_answer(poll.id, page.voter_id) == "Being heard, and hope"
    board.refresh()
    assert "4 answers so far" in text(board.tally.value) and "heard" not in board.tally.value
    board.reveal_button.click()
    page.refresh()
    assert '<details class="rw-answers" open>' in board.tally.value and '<details class="rw-answers">' in page.tally.value
    for html in (board.tally.value, page.tally.value):
        assert "<script" not in html and "<img" not in html and "&lt;img src=x onerror" in html and "heard" in html
    board.export_button.click()
    csv_link = re.search(r'download="[^"]+\.csv" href="data:text/csv;base64,([^"]+)"', board.downloads.value)
    assert csv_link and "'=HYPERLINK(" in base64.b64decode(csv_link.group(1)).decode("utf-8")
    again = student(poll.id, class_store, browser=page.voter_id)  # a reload shows this round's answer
    assert again.answer.value == "Being heard, and hope" and "Your answer" in again.status.value


def test_the_vote_comes_before_the_anonymity_line_and_the_note(class_store: ClassStore) -> None:
    view = student("chime-hardest", class_store)
    kinds = [type(w).__name__ for w in view.container.children]
    assert kinds.index("RadioButtons") < kinds.index("Button") == kinds.index("RadioButtons") + 1
    about = view.container.children[kinds.index("Button") + 1].value  # the line right under the Vote button
    assert "Anonymous:" in about and "random id of this browser" in about and "only the totals" in about
    assert "There is no right answer" not in view.container.children[1].value  # the question comes alone, first
    page = PollPage(load_polls(), load_frameworks(), class_store, identity=VoterIdentity())
    assert page.container.children.index(page.body) < len(page.container.children) - 1  # what the page is for comes after


@pytest.mark.browser
def test_in_the_browser_a_preheated_poll_page_keeps_the_students_id_so_a_reload_shows_the_vote(browser: object) -> None:
    """Before, every kernel ``present --students=N`` preheats took its own id after about 6 s in the pool: the
    student's vote was not shown after a reload, and voting again there counted a second vote."""
    from benchmarks.room import PAGE, POLL_ID, students_server, wait_for_pool
    from tests.pages import shot

    with students_server(2, open_poll=True) as served:
        wait_for_pool(served, 2, timeout_s=600)
        time.sleep(3 * FALLBACK_TICKS * REFRESH_SECONDS)  # the pool's kernels tick far past the fallback
        page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
        try:
            page.goto(f"{served.base}/voila/render/{PAGE}", timeout=180_000)
            vote = page.locator(".rw-exercise button:has-text('Vote'):not([disabled])").first
            vote.wait_for(timeout=180_000)
            page.locator(".rw-exercise .widget-radio-box input[type='radio']").first.check()
            page.wait_for_timeout(500)  # the choice reaches the kernel before the click
            vote.click()
            page.get_by_text("Vote saved").wait_for(timeout=60_000)
            page.reload(timeout=180_000)  # another preheated kernel, the same browser
            page.get_by_text("Your vote:").wait_for(timeout=60_000)
            assert page.locator(".rw-exercise .widget-radio-box input[type='radio']:checked").count() == 1
            assert "did not give the page an id" not in page.locator(".rw-exercise").first.inner_text()
            vote.click()  # voting again from the reloaded page replaces the vote
            page.get_by_text("Vote saved").wait_for(timeout=60_000)
            shot(page, "poll-preheated-reload")
        finally:
            page.close()
        store = ClassStore(f"sqlite:///{served.class_db}")
        try:
            assert sum(store.tally(POLL_ID)[1].values()) == 1
        finally:
            store.close()
