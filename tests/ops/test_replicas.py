"""Two bot replicas (two processes) on one database: a conversation may hop between them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ops.services import fresh_schema, postgres_url

pytestmark = [pytest.mark.postgres, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
NOTES = ("programme-care.md", "care-d2-continuite-reprise.md")


class Replica:
    def __init__(self, env: dict[str, str]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.ops.replica_worker"],
            cwd=ROOT,
            env=env,
            text=True,
            encoding="utf-8",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert json.loads(self._readline()) == {"ready": True}

    def _readline(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        assert line, f"replica exited with {self._process.poll()}"
        return line

    def turn(
        self, user: str, text: str = "", action: str | None = None, token: str | None = None
    ) -> list[dict[str, Any]]:
        assert self._process.stdin is not None
        request = {"user": user, "text": text, "action": action, "token": token}
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        replies: list[dict[str, Any]] = json.loads(self._readline())
        return replies

    def say(self, user: str, text: str) -> list[str]:
        return [reply["text"] for reply in self.turn(user, text)]

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Replica, Replica, str]]:
    knowledge = tmp_path / "knowledge"
    (knowledge / "sources").mkdir(parents=True)
    for name in NOTES:
        shutil.copy(ROOT / "knowledge" / "sources" / name, knowledge / "sources" / name)
    for data in ("eligibility", "dossier"):  # the real flows are wired by build_flows
        shutil.copytree(ROOT / "knowledge" / data, knowledge / data)
    with fresh_schema(postgres_url()) as url:
        started: list[Replica] = []
        try:
            for name in ("a", "b"):
                env: dict[str, Any] = {
                    **os.environ,
                    "CARE_DATABASE_URL": url,
                    "CARE_DATA_DIR": str(tmp_path / f"replica-{name}"),
                    "CARE_KNOWLEDGE_DIR": str(knowledge),
                    "CARE_EMBEDDINGS": "none",
                    "CHROMA_URL": "",
                }
                started.append(Replica(env))
            yield started[0], started[1], url
        finally:
            for replica in started:
                replica.close()


def test_a_flow_started_on_one_replica_continues_on_the_other(
    replicas: tuple[Replica, Replica, str],
) -> None:
    a, b, _ = replicas
    assert a.say("tg:1", "/sondage") == ["Q1 : votre établissement ?"]
    assert b.say("tg:1", "CH de Corbeil") == ["Q2 : nombre de lits ?"]
    assert a.say("tg:1", "400") == ["Fin : CH de Corbeil, 400 lits"]
    assert b.say("tg:1", "400")[0] != "Fin : CH de Corbeil, 400 lits"  # the flow is over


def test_users_interleaved_across_replicas_keep_their_own_state(
    replicas: tuple[Replica, Replica, str],
) -> None:
    a, b, _ = replicas
    for n in range(5):
        (a if n % 2 else b).say(f"tg:{n}", "/sondage")
    for n in range(5):
        (b if n % 2 else a).say(f"tg:{n}", f"CH {n}")
    for n in range(5):
        final = (a if n % 2 else b).say(f"tg:{n}", str(100 + n))
        assert final == [f"Fin : CH {n}, {100 + n} lits"]


def test_an_answer_given_by_one_replica_is_rated_on_the_other(
    replicas: tuple[Replica, Replica, str],
) -> None:
    from agent.store.postgres import PostgresStore

    a, b, url = replicas
    (answer,) = a.turn("tg:9", "Qu'est-ce que le programme CaRE ?")
    assert "CaRE" in answer["text"] and answer["feedback_id"]
    (thanks,) = b.turn("tg:9", action=f"sys:fb:{answer['feedback_id']}:up")
    assert "Merci" in thanks["text"]
    store = PostgresStore(url)
    (feedback,) = store.list_feedback()
    assert feedback.rating == 1 and feedback.user_id == "tg:9"
    store.close()


def test_one_users_answers_sent_to_both_replicas_at_once_are_all_kept(
    replicas: tuple[Replica, Replica, str],
) -> None:
    """Webhook delivery may hand two updates of one user to two replicas at the same moment:
    the turn lock in the store runs them one after the other, so no drafting answer is lost
    and the session's navigation matches the draft."""
    from agent.store.postgres import PostgresStore
    from tests.agent.test_store_turns import SETUP, USER, answer_text, check_answers_kept

    a, b, url = replicas
    token = None
    for value in SETUP:
        action = value if value.startswith("dr:") else None
        replies = a.turn(USER, "" if action else value, action, token if action else None)
        token = next((r["token"] for r in reversed(replies) if r.get("token")), token)
    per_replica = 12
    errors: list[BaseException] = []

    def fire(replica: Replica, first: int) -> None:
        try:
            for n in range(first, first + per_replica):
                replica.turn(USER, answer_text(n))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=fire, args=(replica, w * per_replica))
        for w, replica in enumerate((a, b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    sent = [answer_text(n) for n in range(2 * per_replica)]
    b.turn(USER, answer_text(len(sent)))  # alone: goes to the next unanswered question
    sent.append(answer_text(len(sent)))
    store = PostgresStore(url)
    state = store.load_session(USER).flow_state
    draft = store.get_draft(USER, state["draft_id"])
    assert draft is not None
    check_answers_kept(draft.answers, state, sent)
    store.close()
