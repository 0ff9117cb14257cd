"""One turn's writes, held until the turn ends and committed with the session at once.

A turn may save a draft, add a feedback entry, delete a draft or erase the user's data, and it
always saves the session (the dialogue's position, the update ids already processed). Done as
separate transactions, a crash between two of them leaves a draft one answer ahead of the
session: the answer re-sent after the restart then lands in the *next* field. ``TurnStore``
gives the flows the ``Store`` they expect, keeps their writes in memory (reads see them), and
``Store.commit_turn`` applies them and the session in one transaction.

Everything that is not part of the dialogue's state goes straight to the real store: user
records, listings for administrators, and ratings of past answers (idempotent).
"""

from __future__ import annotations

import copy
from typing import Any

from agent.store.protocol import Store
from agent.store.records import (
    AddFeedback,
    DeleteDraft,
    DeleteUserData,
    Draft,
    Feedback,
    MergeDraftAnswers,
    SaveDraft,
    Write,
    merged_draft,
    new_id,
    now_iso,
)


class TurnStore:
    """A ``Store`` for the code running inside one turn of ``user_id``."""

    def __init__(self, store: Store, user_id: str) -> None:
        self._store = store
        self._user_id = user_id
        self._drafts: dict[str, Draft | None] = {}  # draft id → draft, None when deleted
        self._erased = False
        self.writes: list[Write] = []

    @property
    def erased(self) -> bool:
        """True when the turn erased the user's data (the store is then scrubbed)."""
        return self._erased

    # -- drafts -----------------------------------------------------------------------------
    def save_draft(self, draft: Draft) -> None:
        kept = copy.deepcopy(draft)
        self._drafts[draft.draft_id] = kept
        self.writes.append(SaveDraft(kept))

    def update_draft_answers(
        self, user_id: str, draft_id: str, answers: dict[str, Any], title: str | None = None
    ) -> Draft | None:
        draft = self.get_draft(user_id, draft_id)
        if draft is None:
            return None
        merged = merged_draft(draft, copy.deepcopy(answers), title)
        self._drafts[draft_id] = merged
        self.writes.append(MergeDraftAnswers(user_id, draft_id, copy.deepcopy(answers), title))
        return merged

    def get_draft(self, user_id: str, draft_id: str) -> Draft | None:
        if self._erased and user_id == self._user_id:
            return None
        if draft_id in self._drafts:
            draft = self._drafts[draft_id]
            return copy.deepcopy(draft) if draft is not None and draft.user_id == user_id else None
        return self._store.get_draft(user_id, draft_id)

    def list_drafts(self, user_id: str) -> list[Draft]:
        if self._erased and user_id == self._user_id:
            stored: dict[str, Draft] = {}
        else:
            stored = {d.draft_id: d for d in self._store.list_drafts(user_id)}
        for draft_id, draft in self._drafts.items():
            if draft is None:
                stored.pop(draft_id, None)
            elif draft.user_id == user_id:
                stored[draft_id] = copy.deepcopy(draft)
        return sorted(stored.values(), key=lambda d: d.updated, reverse=True)

    def delete_draft(self, user_id: str, draft_id: str) -> bool:
        existed = self.get_draft(user_id, draft_id) is not None
        self._drafts[draft_id] = None
        self.writes.append(DeleteDraft(user_id, draft_id))
        return existed

    # -- the user's data as a whole -----------------------------------------------------------
    def delete_user_data(self, user_id: str) -> None:
        if user_id == self._user_id:
            self._erased = True
            self._drafts = {k: None for k in self._drafts}
        self.writes.append(DeleteUserData(user_id))

    def add_feedback(self, user_id: str, question: str, answer: str, sources: list[str]) -> str:
        entry = Feedback(new_id(), user_id, question, answer, list(sources), None, now_iso())
        self.writes.append(AddFeedback(entry))
        return entry.feedback_id

    # -- straight to the store ----------------------------------------------------------------
    def rate_feedback(self, feedback_id: str, user_id: str, rating: int) -> bool:
        return self._store.rate_feedback(feedback_id, user_id, rating)
