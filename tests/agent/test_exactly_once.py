"""Exactly-once turns and buttons bound to their question, through ``Assistant.handle`` on a
real SQLite store and the real drafting flows.

- An update delivered twice is processed once (its id is saved with the session, in the same
  transaction as everything the turn wrote).
- A crash in the middle of a turn leaves nothing of it: processing the update again fills the
  same field, not the next one.
- A button of a question that is no longer pending is refused as stale and changes nothing.
- Every answer is echoed (« ✓ champ : valeur ») and « retour » takes it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent import messages
from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.errors import StoreError
from agent.flows.drafting import build_drafting_flows
from agent.store import SqliteStore, Write
from agent.turns import ChoiceReply, Reply, Session, TextReply, Turn
from tests.agent.test_drafting_flow import DRAFTER, IDENTITY, TODAY, NoSearch

USER = "tg:77"


class CrashingStore(SqliteStore):
    """A store whose next turn commit fails, as if the process died at that moment."""

    crash_next = False

    def commit_turn(
        self, session: Session, writes: Any, undelivered: int | None = None, **kw: Any
    ) -> None:
        if self.crash_next:
            self.crash_next = False
            raise StoreError("power cut")
        super().commit_turn(session, writes, undelivered, **kw)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CrashingStore]:
    store = CrashingStore(tmp_path / "care.sqlite3")
    yield store
    store.close()


@pytest.fixture
def assistant(store: CrashingStore) -> Assistant:
    return Assistant(
        searcher=NoSearch(),
        store=store,
        composer=ExtractiveComposer(lambda text: text.lower().split()),
        flows=build_drafting_flows(DRAFTER),
        clock=lambda: TODAY,
    )


class Referent:
    """One user: typed answers and button presses, each a new update id like Telegram's."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.update_id = 1000
        self.shown: list[Reply] = []

    def next_id(self) -> int:
        self.update_id += 1
        return self.update_id

    def say(self, text: str, update_id: int | None = None) -> list[Reply]:
        turn = Turn(USER, text, update_id=update_id or self.next_id())
        self.shown = self.assistant.handle(turn)
        return self.shown

    def keyboard(self) -> ChoiceReply:
        (choice,) = [r for r in self.shown if isinstance(r, ChoiceReply)][-1:]
        return choice

    def press(self, label: str, keyboard: ChoiceReply | None = None) -> list[Reply]:
        keyboard = keyboard or self.keyboard()
        (option,) = [o for o in keyboard.options if o.label == label]
        turn = Turn(USER, label, option.action, token=keyboard.token, update_id=self.next_id())
        self.shown = self.assistant.handle(turn)
        return self.shown


def text_of(replies: list[Reply]) -> str:
    return "\n".join(
        r.text if isinstance(r, TextReply) else r.question
        for r in replies
        if isinstance(r, TextReply | ChoiceReply)
    )


def answers(store: SqliteStore) -> dict[str, Any]:
    (draft,) = store.list_drafts(USER)
    return draft.answers


def stored_state(store: SqliteStore) -> str:
    session = store.load_session(USER)
    drafts = [d.answers for d in store.list_drafts(USER)]
    return json.dumps([session.flow_state, drafts], sort_keys=True)


def walk_to_the_civility(user: Referent) -> None:
    user.say("/fiche_projet")
    for value in IDENTITY[:9]:  # titre … statut, then the GHT (passed)
        if value.startswith("dr:opt:"):
            label = next(o.label for o in user.keyboard().options if o.action == value)
            user.press(label)
        else:
            user.say(value)
    assert "Civilité du représentant légal" in text_of(user.shown)


def test_an_update_delivered_twice_is_processed_once(
    assistant: Assistant, store: CrashingStore
) -> None:
    user = Referent(assistant)
    user.say("/fiche_projet")
    replies = user.say("Projet dédoublonné", update_id=5000)
    assert text_of(replies).startswith("✓ Titre du projet : Projet dédoublonné")
    before = stored_state(store)
    assert user.say("Projet dédoublonné", update_id=5000) == []  # a replay: dropped
    assert stored_state(store) == before  # nothing moved to the next field
    assert "dispositif" not in answers(store)
    assert 5000 in store.load_session(USER).recent_updates


def test_a_crash_mid_turn_leaves_nothing_and_the_replay_fills_the_same_field(
    assistant: Assistant, store: CrashingStore
) -> None:
    user = Referent(assistant)
    user.say("/fiche_projet")
    store.crash_next = True
    with pytest.raises(StoreError):
        user.say("Projet interrompu", update_id=6000)
    assert answers(store).get("titre") is None  # the draft was not written without the session
    assert 6000 not in store.load_session(USER).recent_updates
    replies = user.say("Projet interrompu", update_id=6000)  # Telegram delivers it again
    assert text_of(replies).startswith("✓ Titre du projet : Projet interrompu")
    assert answers(store)["titre"] == "Projet interrompu"
    assert "Dispositif CaRE visé" in text_of(replies)


def test_a_button_of_an_earlier_question_is_stale_and_changes_nothing(
    assistant: Assistant, store: CrashingStore
) -> None:
    user = Referent(assistant)
    walk_to_the_civility(user)
    civility = user.keyboard()  # [Madame] [Monsieur]
    replies = user.say("Madame")  # typed
    assert text_of(replies).startswith("✓ Civilité du représentant légal : Madame")
    before = stored_state(store)
    replies = user.press("Monsieur", civility)  # the old button, now under « Nom »
    assert [(r.kind, r.text) for r in replies if isinstance(r, TextReply)] == [
        ("stale", messages.STALE_QUESTION)
    ]
    assert stored_state(store) == before
    assert answers(store)["representant_legal"] == {"civilite": "Madame"}


def test_an_old_passer_does_not_skip_the_siret(assistant: Assistant, store: CrashingStore) -> None:
    user = Referent(assistant)
    user.say("/fiche_projet")
    for value in ("Projet", None, "CH de Montville", "770001238"):
        if value is None:
            user.press(next(o.label for o in user.keyboard().options if o.action == "dr:opt:D2"))
        else:
            user.say(value)
    eg_question = user.keyboard()  # FINESS géographiques, optional: [Passer]
    assert "FINESS géographiques" in eg_question.question
    user.say("passer")
    assert "SIRET" in text_of(user.shown)
    replies = user.press("Passer", eg_question)  # pressed again, now that SIRET is asked
    assert replies[0].kind == "stale"  # type: ignore[union-attr]
    assert answers(store)["_meta"]["skipped"] == ["etablissement.finess_eg"]  # SIRET untouched
    (pending,) = [r for r in assistant.resume(USER) if isinstance(r, ChoiceReply)]
    assert "SIRET (facultatif)" in pending.question  # still the pending question


def test_a_press_without_token_or_with_a_forged_one_is_stale(
    assistant: Assistant, store: CrashingStore
) -> None:
    user = Referent(assistant)
    walk_to_the_civility(user)
    before = stored_state(store)
    for token in (None, "00000000", "not-hex"):
        turn = Turn(USER, "Madame", "dr:opt:Madame", token=token, update_id=user.next_id())
        (reply,) = assistant.handle(turn)
        assert isinstance(reply, TextReply) and reply.kind == "stale"
    assert stored_state(store) == before


def test_receipts_and_retour_takes_the_last_answer_back(
    assistant: Assistant, store: CrashingStore
) -> None:
    user = Referent(assistant)
    walk_to_the_civility(user)
    user.say("Madame")
    replies = user.say("Directrice générale")  # meant for « Fonction », typed at « Nom »
    first_line = text_of(replies).split("\n", 1)[0]
    assert first_line == "✓ Nom du représentant légal : Directrice générale"  # visible at once
    replies = user.say("retour")
    assert text_of(replies).startswith(
        "↩ Réponse annulée : « Directrice générale » retiré de « Nom du représentant légal »"
    )
    assert answers(store)["representant_legal"] == {"civilite": "Madame"}
    assert "Nom du représentant légal (obligatoire)" in text_of(replies)
    replies = user.say("Claire Martin")
    assert text_of(replies).startswith("✓ Nom du représentant légal : Claire Martin")


def test_one_message_answers_annuler(assistant: Assistant) -> None:
    user = Referent(assistant)
    user.say("/fiche_projet")
    user.say("Projet annulé")
    replies = user.say("/annuler")
    assert len(replies) == 1
    assert text_of(replies) == (
        "C'est annulé. Votre brouillon « Projet annulé » reste enregistré (/mes_dossiers)."
    )


def test_resume_after_a_restart_recalls_the_last_answer(
    assistant: Assistant, store: CrashingStore
) -> None:
    user = Referent(assistant)
    user.say("/fiche_projet")
    user.say("Projet repris")
    replies = assistant.resume_interrupted(USER)
    assert text_of(replies).startswith("Reprenons : le service a redémarré")
    assert "✓ Titre du projet : Projet repris" in text_of(replies)
    choice = replies[-1]
    assert isinstance(choice, ChoiceReply) and "Dispositif CaRE visé" in choice.question
    assert choice.token == user.keyboard().token  # its buttons answer the pending question
    assert assistant.resume_interrupted("tg:nobody") == []


def test_details_of_an_older_profile_are_stale(tmp_path: Path) -> None:
    from agent.flows.eligibility_flow import EligibilityFlow
    from eligibility import load_rule_book

    store = SqliteStore(tmp_path / "care.sqlite3")
    flow = EligibilityFlow(load_rule_book(Path(__file__).parents[2] / "knowledge" / "eligibility"))
    assistant = Assistant(
        NoSearch(), store, ExtractiveComposer(str.split), flows=[flow], clock=lambda: TODAY
    )
    assistant.handle(Turn(USER, "/eligibilite"))
    (summary,) = assistant.handle(Turn(USER, "un EHPAD"))
    assert isinstance(summary, TextReply)
    (details,) = summary.options
    assert "Pourquoi" in text_of(assistant.handle(Turn(USER, action=details.action)))
    assistant.handle(Turn(USER, "/eligibilite"))
    assistant.handle(Turn(USER, "autre"))  # a new profile
    (reply,) = assistant.handle(Turn(USER, action=details.action))
    assert isinstance(reply, TextReply) and reply.kind == "stale"
    assert reply.text == messages.STALE_DETAILS
    store.close()


def test_the_writes_of_a_turn_are_committed_with_its_session(tmp_path: Path) -> None:
    """The flows write through the turn's store: nothing reaches the database before the end."""
    seen: list[list[Write]] = []

    class Recording(SqliteStore):
        def commit_turn(
            self, session: Session, writes: Any, undelivered: int | None = None, **kw: Any
        ) -> None:
            seen.append(list(writes))
            assert self.list_drafts(USER) == [] or writes == []  # not written before the commit
            super().commit_turn(session, writes, undelivered, **kw)

    store = Recording(tmp_path / "care.sqlite3")
    assistant = Assistant(
        NoSearch(), store, ExtractiveComposer(str.split), flows=build_drafting_flows(DRAFTER)
    )
    assistant.handle(Turn(USER, "/fiche_projet", update_id=1))
    assert [type(w).__name__ for w in seen[-1]] == ["SaveDraft"]
    assert store.get_delivery(USER) is not None and store.get_delivery(USER).undelivered == 1  # type: ignore[union-attr]
    store.close()


def test_patient_data_changes_nothing_and_the_question_keeps_its_buttons(
    assistant: Assistant, store: CrashingStore
) -> None:
    user = Referent(assistant)
    user.say("/fiche_projet")
    user.say("Projet sans patient")
    asked = user.keyboard()
    before = stored_state(store), store.load_session(USER).recent_updates
    replies = user.say("DUPONT Jean 12/03/1956", update_id=7000)
    assert isinstance(replies[0], TextReply) and replies[0].kind == "privacy"
    again = user.keyboard()  # the pending question, asked again with the same token
    assert asked.question.endswith(again.question) and again.token == asked.token
    assert (stored_state(store), store.load_session(USER).recent_updates) == before
    label = next(o.label for o in again.options if o.action == "dr:opt:D2")
    assert text_of(user.press(label)).startswith("✓ ")
    assert answers(store)["dispositif"] == "D2"
