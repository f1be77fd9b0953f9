"""Poll content, the tally, the student's vote and the lecturer's board, in the kernel."""

from __future__ import annotations

import asyncio
import concurrent.futures
import uuid
from pathlib import Path

import ipywidgets as ipw
import pytest

from tests.conftest import LECTURER_CODE
from tests.widget_tree import descendants
from widgets.content.polls import PollError, load_chime, load_polls
from widgets.content.vignettes import CHIME_IDS, load_frameworks
from widgets.logic.polls import PollState, poll_options, tally_html
from widgets.storage.classstore import FREE_TRIES, ClassStore, ClassStoreError
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
    assert not poll_view.vote_button.disabled and "after you vote" in poll_view.tally.value
    poll_view.choice.value = None
    poll_view.cast()
    assert "Choose one option first" in poll_view.status.value


def test_a_changed_vote_replaces_the_first_and_totals_appear_after_voting(poll_view: PollView, class_store: ClassStore) -> None:
    class_store.set_open("chime-hardest", True, code=CODE)
    poll_view.choice.value = "chime-hope"
    poll_view.vote_button.click()
    assert "Vote saved" in poll_view.status.value and "Hope and optimism" in poll_view.status.value
    poll_view.choice.value = "chime-meaning"
    poll_view.vote_button.click()
    assert class_store.tally("chime-hardest")[1] == {"chime-meaning": 1}
    assert "1 vote" in text(poll_view.tally.value)


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


def test_a_browser_that_never_sends_an_id_can_still_vote_after_a_few_refreshes(class_store: ClassStore) -> None:
    poll = load_polls()["chime-hardest"]
    class_store.set_open(poll.id, True, code=CODE)
    page = PollView(poll, poll_options(poll, load_frameworks()), class_store, identity=VoterIdentity())
    for _ in range(FALLBACK_TICKS):
        page._tick()
    assert not page.vote_button.disabled and "did not give the page an id" in page.status.value
    page.choice.value = "chime-meaning"
    page.cast()
    assert class_store.tally(poll.id)[1] == {"chime-meaning": 1}


def test_a_forged_browser_id_never_adds_a_voter(class_store: ClassStore, fresh_kernel: VoterIdentity, caplog: pytest.LogCaptureFixture) -> None:
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
        assert "round 2" in view.status.value and "after you vote" in view.tally.value and not view.vote_button.disabled
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
        view.choice.value = view.options[-1].id
        view.vote_button.click()
        assert "Vote saved" in view.status.value
        board.refresh()
        assert "1 vote" in text(board.tally.value)
        board.close_button.click()
        page.refresh()
        page.views[poll_id].refresh()  # each view's own refresh, on the same tick
        assert list(page.views) == [poll_id] and "Closed: not taking votes" in page.views[poll_id].tally.value
    voter = page.identity.voter_id
    assert voter is not None and all(class_store.my_vote(p, voter) is not None for p in offered)
    page.close()


def test_the_poll_page_entry_point_builds_and_says_why_without_a_store(tmp_path: Path) -> None:
    box = class_poll(url=f"sqlite:///{tmp_path / 'class.sqlite3'}")
    assert any("No poll is open" in str(getattr(w, "value", "")) for w in descendants(box))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    broken = class_poll(url=f"sqlite:///{blocker / 'sub' / 'class.sqlite3'}")
    assert any("The class poll is not available" in str(getattr(w, "value", "")) for w in descendants(broken))


def test_a_store_that_fails_is_a_message_not_a_traceback(poll_view: PollView, class_store: ClassStore, monkeypatch: pytest.MonkeyPatch) -> None:
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


def test_voting_is_disabled_while_the_store_cannot_be_read(poll_view: PollView, class_store: ClassStore, monkeypatch: pytest.MonkeyPatch) -> None:
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
    return fresh


def test_views_share_one_refresh_task_which_ends_when_the_last_view_closes(class_store: ClassStore, ticker: Ticker) -> None:
    """Before, every view started its own endless task: re-running a cell added a database poll every 2 s."""
    poll = load_polls()["top-tip-hardest"]
    options = poll_options(poll, load_frameworks())

    async def scenario() -> tuple[int, int, bool]:
        views = [PollView(poll, options, class_store), PollView(poll, options, class_store), PollBoard(load_polls(), load_frameworks(), class_store)]
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
