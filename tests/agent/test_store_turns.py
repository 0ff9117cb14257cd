"""The per-user turn lock on SQLite, through ``Assistant.handle`` and a real drafting interview:
answers of one user sent at the same time (threads, processes) are all kept, in order.

The scenario: a fiche projet is filled up to its list of objectives, then answers are fired
concurrently. Each answer is a date (« 05/02/2027 »), a valid value for every question of an
objective (three text fields and a date), so whichever turn runs first, every answer is
accepted. The helpers are shared with the PostgreSQL replica test (tests/ops/test_replicas.py).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.flows.drafting import FicheProjetFlow
from agent.store import Draft, SqliteStore, TurnBusyError
from agent.turns import ChoiceReply, Turn
from retrieval import GlossaryEntry, SearchResult, SourceNote, analyze_text
from tests.agent.test_drafting_flow import DRAFTER, IDENTITY, TODAY

USER = "tg:42"
OBJECTIVE_FIELDS = ("intitule", "indicateur", "cible", "echeance")  # asked, in this order
SETUP = ["/fiche_projet", *IDENTITY, "dr:offer:no"]  # up to objectifs[0].intitule
BACK_KEPT = 50  # questions kept for « retour » in the session (agent/flows/drafting/steps.py)


def answer_text(number: int) -> str:
    """The ``number``-th distinct answer (a date, valid for every objective field)."""
    return f"{number % 28 + 1:02d}/{number // 28 + 1:02d}/2027"


def as_text(value: str) -> str:
    """A stored value as it was typed (dates are stored as ISO ``2027-02-05``)."""
    year, _, rest = value.partition("-")
    return f"{rest[3:]}/{rest[:2]}/{year}" if rest else value


def objective_paths(count: int) -> list[str]:
    return [f"objectifs[{n // 4}].{OBJECTIVE_FIELDS[n % 4]}" for n in range(count)]


def check_answers_kept(answers: dict[str, Any], state: dict[str, Any], sent: list[str]) -> None:
    """Every sent answer is in the draft exactly once, the objectives are filled in the walk's
    order, and the session's navigation (``back``) records each answered question once."""
    items = answers.get("objectifs", [])
    kept = [as_text(item[key]) for item in items for key in OBJECTIVE_FIELDS if key in item]
    assert sorted(kept) == sorted(sent)  # none lost, none duplicated
    filled = [f"objectifs[{n}].{key}" for n, item in enumerate(items) for key in item]
    assert filled == objective_paths(len(sent))
    # « retour » keeps the last 50 questions answered: the newest ones, each once, in order
    paths = [entry["path"] for entry in state["back"]]  # each with the value « retour » restores
    answered = [path for path in paths if path.startswith("objectifs")]
    assert answered == objective_paths(len(sent))[-len(answered) :]
    assert len(answered) == min(len(sent), BACK_KEPT)


class _NoSearch:
    def search(self, query: str, k: int = 5) -> SearchResult:
        raise AssertionError(f"no free question expected, got {query!r}")

    def sources(self) -> list[SourceNote]:
        return []

    def glossary(self) -> list[GlossaryEntry]:
        return []


def drafting_assistant(store: SqliteStore) -> Assistant:
    return Assistant(
        _NoSearch(),
        store,
        ExtractiveComposer(analyze_text),
        flows=[FicheProjetFlow(DRAFTER)],
        clock=lambda: TODAY,
    )


def send(assistant: Assistant, value: str) -> None:
    """Typed text, or a press on a button of the pending question (``dr:…``), bound to it by
    the token its keyboard is shown with (``Assistant.resume`` shows it again)."""
    if not value.startswith("dr:"):
        assistant.handle(Turn(USER, value))
        return
    (shown,) = [r for r in assistant.resume(USER) if isinstance(r, ChoiceReply)]
    assistant.handle(Turn(USER, "", value, token=shown.token))


def draft_and_state(store: SqliteStore) -> tuple[dict[str, Any], dict[str, Any]]:
    state = store.load_session(USER).flow_state
    draft = store.get_draft(USER, state["draft_id"])
    assert draft is not None
    return draft.answers, state


def check_next_answer_goes_to_the_next_question(assistant: Assistant, count: int) -> None:
    """One more answer, sent alone, fills the first question not yet answered."""
    store = assistant.store
    assert isinstance(store, SqliteStore)
    send(assistant, answer_text(count))
    answers, state = draft_and_state(store)
    check_answers_kept(answers, state, [answer_text(n) for n in range(count + 1)])


# -- threads of one process ---------------------------------------------------------------
def test_concurrent_answers_in_threads_are_all_kept(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "care.sqlite3")
    assistant = drafting_assistant(store)
    for value in SETUP:
        send(assistant, value)

    def answer(worker: int) -> None:
        for n in range(15):
            send(assistant, answer_text(worker * 15 + n))

    threads = [threading.Thread(target=answer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    answers, state = draft_and_state(store)
    check_answers_kept(answers, state, [answer_text(n) for n in range(60)])
    check_next_answer_goes_to_the_next_question(assistant, 60)
    store.close()


# -- two processes on one SQLite file ----------------------------------------------------
def _answer_from_process(path: str, first: int, count: int, go: Any) -> None:
    store = SqliteStore(path)
    assistant = drafting_assistant(store)
    go.wait(30)
    for n in range(first, first + count):
        send(assistant, answer_text(n))
    store.close()


def test_two_processes_answering_one_interview_lose_no_answer(tmp_path: Path) -> None:
    path = tmp_path / "care.sqlite3"
    store = SqliteStore(path)
    assistant = drafting_assistant(store)
    for value in SETUP:
        send(assistant, value)
    spawn = multiprocessing.get_context("spawn")
    go = spawn.Event()
    workers = [
        spawn.Process(target=_answer_from_process, args=(str(path), w * 30, 30, go))
        for w in range(2)
    ]
    for worker in workers:
        worker.start()
    go.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    answers, state = draft_and_state(store)
    check_answers_kept(answers, state, [answer_text(n) for n in range(60)])
    check_next_answer_goes_to_the_next_question(assistant, 60)
    store.close()


def test_two_store_instances_exclude_each_other_like_two_processes(tmp_path: Path) -> None:
    """A second ``SqliteStore`` on the file has its own thread locks: only the file lock
    (the one that protects other processes) can make it wait."""
    first = SqliteStore(tmp_path / "care.sqlite3")
    second = SqliteStore(tmp_path / "care.sqlite3", turn_timeout=0.2)
    with first.user_turn(USER):
        with pytest.raises(TurnBusyError), second.user_turn(USER):
            raise AssertionError("two stores held the same user's turn")
        with second.user_turn("tg:other"):
            pass
    with second.user_turn(USER):  # released with the first turn
        pass
    first.close()
    second.close()


# -- the race itself, made deterministic ---------------------------------------------------
class _RacingStore(SqliteStore):
    """Holds every turn that reads the draft until a second turn has read it too (at most
    ``wait`` seconds): the worst interleaving of two turns, if nothing serialises them."""

    def __init__(self, path: Path, locked: bool, wait: float = 1.0) -> None:
        super().__init__(path)
        self.locked = locked
        self.racing = False
        self._wait = wait
        self._reads = 0
        self._cond = threading.Condition()

    @contextmanager
    def user_turn(self, user_id: str) -> Iterator[None]:
        if self.locked:
            with super().user_turn(user_id):
                yield
        else:
            yield

    def get_draft(self, user_id: str, draft_id: str) -> Draft | None:
        draft = super().get_draft(user_id, draft_id)
        if self.racing:
            with self._cond:
                self._reads += 1
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._reads >= 2, timeout=self._wait)
        return draft


def _race_two_answers(store: _RacingStore) -> list[str]:
    assistant = drafting_assistant(store)
    for value in SETUP:
        send(assistant, value)
    store.racing = True
    sent = [answer_text(0), answer_text(1)]
    threads = [threading.Thread(target=send, args=(assistant, value)) for value in sent]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    store.racing = False
    return sent


def test_without_the_turn_lock_one_of_two_answers_is_lost(tmp_path: Path) -> None:
    store = _RacingStore(tmp_path / "care.sqlite3", locked=False)
    _race_two_answers(store)
    answers, state = draft_and_state(store)
    # both turns answered objectifs[0].intitule from the same draft: the last save won
    assert len(answers["objectifs"]) == 1 and list(answers["objectifs"][0]) == ["intitule"]
    paths = [entry["path"] for entry in state["back"]]
    assert [p for p in paths if p.startswith("objectifs")] == ["objectifs[0].intitule"]
    store.close()


def test_with_the_turn_lock_the_same_interleaving_keeps_both(tmp_path: Path) -> None:
    store = _RacingStore(tmp_path / "care.sqlite3", locked=True, wait=0.5)
    sent = _race_two_answers(store)
    answers, state = draft_and_state(store)
    check_answers_kept(answers, state, sent)
    store.close()


def test_a_turn_stuck_behind_another_fails_with_a_french_message(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "care.sqlite3", turn_timeout=0.2)
    assistant = drafting_assistant(store)
    send(assistant, "/fiche_projet")
    before = store.load_session(USER).version
    # held here as by a turn that hangs (the lock is not reentrant)
    with store.user_turn(USER), pytest.raises(TurnBusyError) as caught:
        send(assistant, IDENTITY[0])
    assert caught.value.user_message.startswith("Votre message précédent est encore en cours")
    assert store.load_session(USER).version == before  # nothing half-saved
    send(assistant, IDENTITY[0])  # the next turn goes through
    assert store.load_session(USER).version == before + 1
    store.close()
