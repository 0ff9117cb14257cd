"""One contract test suite run against every Store implementation (SQLite, PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from agent.store import Delivery, Draft, Erased, Feedback, Store, TurnBusyError, new_id, now_iso
from agent.store.records import AddFeedback, SaveDraft
from agent.turns import Session


class StoreContract:
    """Subclasses provide a ``store`` fixture returning a fresh, empty Store."""

    def test_unknown_user_gets_an_empty_session(self, store: Store) -> None:
        session = store.load_session("u:1")
        assert session.user_id == "u:1"
        assert session.flow is None and session.flow_state == {} and session.history == []

    def test_session_round_trip_keeps_unicode_and_nesting(self, store: Store) -> None:
        session = Session(
            "u:1",
            flow="eligibilite",
            flow_state={"step": 3, "answers": {"nom": "Hôpital 🏥 «test»"}},
            history=[{"q": "Qu'est-ce que CaRE ?", "a": "…"}],
            profile={"categorie": "ght"},
        )
        store.save_session(session)
        loaded = store.load_session("u:1")
        assert loaded.flow == "eligibilite"
        assert loaded.flow_state == {"step": 3, "answers": {"nom": "Hôpital 🏥 «test»"}}
        assert loaded.history[0]["q"] == "Qu'est-ce que CaRE ?"
        assert loaded.profile == {"categorie": "ght"}
        assert loaded.version >= 1

    def test_saving_twice_bumps_version(self, store: Store) -> None:
        session = store.load_session("u:2")
        store.save_session(session)
        first = store.load_session("u:2").version
        store.save_session(store.load_session("u:2"))
        assert store.load_session("u:2").version == first + 1

    def test_drafts_are_scoped_to_their_user(self, store: Store) -> None:
        draft = Draft(
            new_id(),
            "u:1",
            "fiche_projet",
            "Projet PCA",
            {"titre": "Projet PCA"},
            now_iso(),
            now_iso(),
        )
        store.save_draft(draft)
        assert store.get_draft("u:1", draft.draft_id) == draft
        assert store.get_draft("u:2", draft.draft_id) is None
        assert store.list_drafts("u:2") == []
        assert not store.delete_draft("u:2", draft.draft_id)
        assert store.delete_draft("u:1", draft.draft_id)
        assert store.list_drafts("u:1") == []

    def test_draft_update_keeps_creation_date(self, store: Store) -> None:
        draft = Draft(
            "d1",
            "u:1",
            "fiche_projet",
            "A",
            {"titre": "A"},
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00",
        )
        store.save_draft(draft)
        store.save_draft(
            Draft(
                "d1",
                "u:1",
                "fiche_projet",
                "B",
                {"titre": "B"},
                "2026-02-02T00:00:00",
                "2026-02-02T00:00:00",
            )
        )
        loaded = store.get_draft("u:1", "d1")
        assert loaded is not None
        assert loaded.title == "B" and loaded.answers == {"titre": "B"}
        assert loaded.created == "2026-01-01T00:00:00"

    def test_delete_user_data_erases_sessions_drafts_feedback(self, store: Store) -> None:
        store.save_session(Session("u:1", flow="x"))
        store.save_draft(Draft("d1", "u:1", "fiche_projet", "A", {}, now_iso(), now_iso()))
        store.add_feedback("u:1", "q", "a", ["programme-care"])
        store.save_session(Session("u:2", flow="y"))
        store.delete_user_data("u:1")
        assert store.load_session("u:1").flow is None
        assert store.list_drafts("u:1") == []
        assert all(f.user_id != "u:1" for f in store.list_feedback())
        assert store.load_session("u:2").flow == "y"

    def test_users_and_statuses(self, store: Store) -> None:
        assert store.get_user("tg:1") is None
        store.set_user("tg:1", "pending", "Alice")
        store.set_user("tg:1", "allowed")
        user = store.get_user("tg:1")
        assert user is not None and user.status == "allowed" and user.display_name == "Alice"
        assert [u.user_id for u in store.list_users()] == ["tg:1"]

    def test_feedback_rating_only_by_its_author(self, store: Store) -> None:
        feedback_id = store.add_feedback("u:1", "question", "réponse", ["a", "b"])
        assert not store.rate_feedback(feedback_id, "u:2", 1)
        assert store.rate_feedback(feedback_id, "u:1", -1)
        (entry,) = store.list_feedback()
        assert entry.rating == -1 and entry.sources == ["a", "b"]

    def test_concurrent_writes_lose_nothing(self, store: Store) -> None:
        def write(worker: int) -> None:
            for n in range(20):
                store.save_draft(
                    Draft(
                        f"d{worker}-{n}",
                        "u:1",
                        "fiche_projet",
                        "t",
                        {"n": n},
                        now_iso(),
                        now_iso(),
                    )
                )

        threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(store.list_drafts("u:1")) == 80

    def test_update_draft_answers_merges_and_keeps_order(self, store: Store) -> None:
        store.save_draft(
            Draft(
                "d1",
                "u:1",
                "fiche_projet",
                "A",
                {"titre": "A", "budget": 1},
                "2026-01-01T00:00:00",
                "2026-01-01T00:00:00",
            )
        )
        updated = store.update_draft_answers("u:1", "d1", {"budget": 2, "porteur": "CH X"})
        assert updated is not None
        assert list(updated.answers.items()) == [
            ("titre", "A"),
            ("budget", 2),
            ("porteur", "CH X"),
        ]
        loaded = store.get_draft("u:1", "d1")
        assert loaded == updated
        assert loaded.created == "2026-01-01T00:00:00" and loaded.updated > loaded.created
        assert store.update_draft_answers("u:1", "d1", {}, title="B").title == "B"  # type: ignore[union-attr]

    def test_update_draft_answers_of_someone_else_or_missing(self, store: Store) -> None:
        store.save_draft(Draft("d1", "u:1", "fiche_projet", "A", {}, now_iso(), now_iso()))
        assert store.update_draft_answers("u:2", "d1", {"x": 1}) is None
        assert store.update_draft_answers("u:1", "nope", {"x": 1}) is None
        assert store.get_draft("u:1", "d1").answers == {}  # type: ignore[union-attr]

    def test_concurrent_answers_to_one_draft_are_all_kept(self, store: Store) -> None:
        store.save_draft(Draft("d1", "u:1", "fiche_projet", "A", {}, now_iso(), now_iso()))

        def answer(worker: int) -> None:
            for n in range(15):
                store.update_draft_answers("u:1", "d1", {f"w{worker}-{n}": n})

        threads = [threading.Thread(target=answer, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(store.get_draft("u:1", "d1").answers) == 60  # type: ignore[union-attr]

    def test_export_then_import_round_trips(self, store: Store) -> None:
        store.save_session(Session("u:1", flow="fiche_projet", flow_state={"k": "é"}))
        store.save_draft(
            Draft("d1", "u:1", "fiche_projet", "A", {"b": 1, "a": [1, 2]}, now_iso(), now_iso())
        )
        store.set_user("tg:1", "allowed", "Alice")
        rated = store.add_feedback("u:1", "q", "r", ["s1"])
        store.rate_feedback(rated, "u:1", 1)
        dump = store.export_tables()  # type: ignore[attr-defined]
        store.delete_user_data("u:1")
        store.save_session(Session("u:9"))
        store.import_tables(dump)  # type: ignore[attr-defined]
        assert store.export_tables() == dump  # type: ignore[attr-defined]
        assert store.load_session("u:9").version == 0  # replaced, not merged
        assert list(store.get_draft("u:1", "d1").answers) == ["b", "a"]  # type: ignore[union-attr]
        assert store.list_feedback()[0].rating == 1

    # -- per-user turn lock ---------------------------------------------------------------
    def test_user_turn_serialises_one_user_and_lets_others_through(self, store: Store) -> None:
        held, release = threading.Event(), threading.Event()
        order: list[str] = []

        def first() -> None:
            with store.user_turn("u:1"):
                held.set()
                release.wait(10)
                order.append("first done")

        def second() -> None:
            with store.user_turn("u:1"):
                order.append("second in")

        holder = threading.Thread(target=first)
        holder.start()
        assert held.wait(10)
        waiter = threading.Thread(target=second)
        waiter.start()
        with store.user_turn("u:2"):  # another user is not held up
            order.append("other user")
        waiter.join(0.3)
        assert waiter.is_alive()  # still waiting for u:1's turn
        release.set()
        holder.join(10)
        waiter.join(10)
        assert order == ["other user", "first done", "second in"]

    def test_user_turn_times_out_with_a_french_message(self, store: Store) -> None:
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with store.user_turn("u:1"):
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(10)
        store.turn_timeout = 0.2  # type: ignore[attr-defined]
        try:
            with pytest.raises(TurnBusyError) as caught, store.user_turn("u:1"):
                pass
        finally:
            release.set()
            holder.join(10)
        assert "encore en cours de traitement" in caught.value.user_message
        with store.user_turn("u:1"):  # free again once the holder is done
            pass

    def test_user_turn_is_released_when_the_turn_fails(self, store: Store) -> None:
        store.turn_timeout = 2  # type: ignore[attr-defined]
        with pytest.raises(ZeroDivisionError), store.user_turn("u:1"):
            _ = 1 / 0
        for _ in range(3):  # neither the failure nor the pool leaves the lock behind
            with store.user_turn("u:1"):
                store.save_session(store.load_session("u:1"))
        assert store.load_session("u:1").version == 3

    # -- one transaction per turn, delivery bookkeeping, erasure (branch i13) -------------------
    def _draft(self, user: str, title: str) -> Draft:
        return Draft(new_id(), user, "fiche_projet", title, {"titre": title}, now_iso(), now_iso())

    def test_commit_turn_applies_the_writes_and_the_session_together(self, store: Store) -> None:
        draft = self._draft("u:1", "Projet atomique")
        feedback = Feedback(new_id(), "u:1", "Q ?", "R.", ["src"], None, now_iso())
        session = Session("u:1", flow="fiche_projet", recent_updates=[41, 42])
        store.commit_turn(session, [SaveDraft(draft), AddFeedback(feedback)], 42)
        assert store.get_draft("u:1", draft.draft_id) == draft
        assert [f.feedback_id for f in store.list_feedback()] == [feedback.feedback_id]
        loaded = store.load_session("u:1")
        assert loaded.flow == "fiche_projet" and loaded.recent_updates == [41, 42]
        assert store.get_delivery("u:1") == Delivery("u:1", 42, None)

    def test_a_failing_turn_commits_nothing(self, store: Store) -> None:
        store.save_session(Session("u:1", flow="avant"))
        draft = self._draft("u:1", "Jamais écrit")
        broken = SaveDraft(Draft(draft.draft_id, "u:1", "fiche_projet", "x", {"k": {1}}, "", ""))
        with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
            store.commit_turn(Session("u:1", flow="après"), [SaveDraft(draft), broken], 7)
        assert store.get_draft("u:1", draft.draft_id) is None
        assert store.load_session("u:1").flow == "avant"
        assert store.list_undelivered() == []

    def test_mark_delivered_clears_only_its_own_update(self, store: Store) -> None:
        store.commit_turn(Session("u:1"), [], 10)
        store.commit_turn(Session("u:2"), [], 11)
        assert [d.user_id for d in store.list_undelivered()] == ["u:1", "u:2"]
        store.mark_delivered("u:1", 9, 500)  # an older turn's mark: u:1 still waits for 10
        assert store.get_delivery("u:1") == Delivery("u:1", 10, 500)
        store.mark_delivered("u:1", 10, 501)
        assert store.get_delivery("u:1") == Delivery("u:1", None, 501)
        assert [d.user_id for d in store.list_undelivered()] == ["u:2"]
        store.save_session(store.load_session("u:1"))  # a plain save keeps the bookkeeping
        assert store.get_delivery("u:1") == Delivery("u:1", None, 501)

    def test_erase_user_keeps_or_drops_the_access_decision(self, store: Store) -> None:
        for user in ("u:1", "u:2"):
            store.set_user(user, "revoked", "Jean Dupont")
            store.save_session(Session(user, history=[{"q": "Q", "a": "R"}]))
            store.save_draft(self._draft(user, "Brouillon"))
            store.add_feedback(user, "Q", "R", [])
        erased = store.erase_user("u:1", keep_access=True)
        assert erased == Erased(sessions=1, drafts=1, feedback=1, user=True)
        record = store.get_user("u:1")
        assert record is not None and record.status == "revoked" and record.display_name == ""
        assert store.load_session("u:1").history == [] and store.list_drafts("u:1") == []
        assert store.erase_user("u:2", keep_access=False).user and store.get_user("u:2") is None
        assert store.list_feedback() == []
        assert not store.erase_user("u:3", keep_access=True).anything
        store.scrub()  # nothing left to hide, and it must not fail

    def test_forget_users_drops_old_records_of_one_status(self, store: Store) -> None:
        store.set_user("u:old", "denied", "Ancien")
        store.set_user("u:kept", "revoked", "Révoqué")
        store.save_draft(self._draft("u:old", "Brouillon"))
        future = "9999-01-01T00:00:00+00:00"
        assert store.forget_users("denied", "2000-01-01T00:00:00+00:00") == []
        assert store.forget_users("denied", future) == ["u:old"]
        assert store.get_user("u:old") is None and store.list_drafts("u:old") == []
        assert store.get_user("u:kept") is not None
