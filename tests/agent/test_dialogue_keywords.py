"""The same dialogue keywords in both interviews, through ``Assistant.handle`` with the real
flows on a real SQLite store (and a restart in the middle): « précédent » goes back and is never
saved as an answer, « je ne sais pas » / « passer » leave the question unanswered, and nothing
already entered is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.flows.drafting import build_drafting_flows
from agent.flows.eligibility_flow import EligibilityFlow
from agent.store import SqliteStore
from agent.turns import ChoiceReply, Reply, TextReply
from eligibility import load_rule_book
from tests.agent.test_drafting_flow import DRAFTER, IDENTITY, TODAY, NoSearch, turn_for

ROOT = Path(__file__).resolve().parents[2]
BOOK = load_rule_book(ROOT / "knowledge" / "eligibility")
USER = "tg:7"


def make_assistant(path: Path) -> Assistant:
    return Assistant(
        searcher=NoSearch(),
        store=SqliteStore(path),
        composer=ExtractiveComposer(lambda text: text.lower().split()),
        flows=[EligibilityFlow(BOOK), *build_drafting_flows(DRAFTER)],
        clock=lambda: TODAY,
    )


class User:
    """One user typing (or pressing "dr:…" buttons) to the assistant; ``restart`` reopens the
    store in a new assistant, as after a crash."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.assistant = make_assistant(path)
        self.replies: list[Reply] = []

    def say(self, text: str) -> str:
        self.replies = self.assistant.handle(turn_for(USER, text, self.replies))
        return self._shown()

    def restart(self) -> str:
        self.assistant.store.close()
        self.assistant = make_assistant(self.path)
        self.replies = self.assistant.resume(USER)
        return self._shown()

    def _shown(self) -> str:
        return "\n".join(
            r.text if isinstance(r, TextReply) else r.question
            for r in self.replies
            if isinstance(r, TextReply | ChoiceReply)
        )

    def eligibility_answers(self) -> dict[str, Any]:
        session = self.assistant.store.load_session(USER)
        assert session.flow == "eligibilite"
        answers: dict[str, Any] = session.flow_state["answers"]
        return answers

    def draft_answers(self) -> dict[str, Any]:
        (draft,) = self.assistant.store.list_drafts(USER)
        return {k: v for k, v in draft.answers.items() if k != "_meta"}

    def skipped(self) -> list[str]:
        (draft,) = self.assistant.store.list_drafts(USER)
        skipped: list[str] = draft.answers["_meta"]["skipped"]
        return skipped


@pytest.fixture
def user(tmp_path: Path) -> Iterator[User]:
    user = User(tmp_path / "care.sqlite3")
    yield user
    user.assistant.store.close()


def test_drafting_precedent_goes_back_and_is_never_saved(user: User) -> None:
    user.say("/fiche_projet")
    user.say("Sauvegardes immuables")
    user.say("dr:opt:D2")
    user.say("CH de Montville")
    shown = user.say("Précédent")  # on a free-text field: the bug saved « Précédent » here
    assert shown.startswith("↩ Réponse annulée : « CH de Montville » retiré de « Raison sociale")
    assert "[3/29] Raison sociale de l'établissement (obligatoire)" in shown
    assert user.draft_answers() == {
        "titre": "Sauvegardes immuables",
        "dispositif": "D2",
        "etablissement": {},
    }
    shown = user.say("précédent.")  # again: the choice before it, the title still kept
    assert "retiré de « Dispositif CaRE visé »" in shown
    assert user.draft_answers() == {"titre": "Sauvegardes immuables", "etablissement": {}}

    assert "Reprenons" in user.restart()  # a restart in the middle loses nothing
    user.say("dr:opt:D2")
    user.say("CH de Montville")
    shown = user.say("770001238")
    assert "FINESS géographiques (EG) concernés (facultatif)" in shown
    assert user.draft_answers() == {
        "titre": "Sauvegardes immuables",
        "dispositif": "D2",
        "etablissement": {"raison_sociale": "CH de Montville", "finess_ej": "770001238"},
    }
    assert "précédent" not in str(user.draft_answers()).lower()


def test_drafting_je_ne_sais_pas_skips_only_what_may_be_skipped(user: User) -> None:
    for text in ("/fiche_projet", "Projet", "dr:opt:D2", "CH de Montville", "770001238"):
        user.say(text)
    shown = user.say("Je ne sais pas")  # optional field: left empty, like « passer »
    assert shown.startswith("✓ FINESS géographiques (EG) concernés : passé")
    assert user.skipped() == ["etablissement.finess_eg"]
    shown = user.say("retour")  # the skip is taken back too
    assert "[5/29] FINESS géographiques (EG) concernés (facultatif)" in shown
    assert user.skipped() == []
    user.say("JSP")
    user.say("passer")  # SIRET
    shown = user.say("je ne sais pas")  # required address: refused, nothing changed
    assert "Ce champ est obligatoire : je ne peux pas le passer." in shown
    assert "[7/29] Adresse postale (obligatoire)" in shown
    assert user.skipped() == ["etablissement.finess_eg", "etablissement.siret"]
    assert user.draft_answers()["etablissement"] == {
        "raison_sociale": "CH de Montville",
        "finess_ej": "770001238",
    }


def test_drafting_list_closed_by_any_done_word(user: User) -> None:
    user.say("/fiche_projet")
    for text in [*IDENTITY, "non", "Objectif 1", "Indicateur", "Cible", "31/12/2026"]:
        user.say(text)
    shown = user.say("C’est tout")
    assert "✓ Objectifs : liste terminée (1 élément)" in shown
    shown = user.say("Précédent")  # the last answer is taken back, the rest of the item kept
    assert "retiré de « Objectifs — objectif n° 1 : Échéance »" in shown
    (objective,) = user.draft_answers()["objectifs"]
    assert objective == {"intitule": "Objectif 1", "indicateur": "Indicateur", "cible": "Cible"}
    shown = user.say("31/12/2026")  # the list stays closed: on to the next field
    assert "Gouvernance et équipe projet" in shown
    shown = user.say("Terminée")  # no list here: refused, never saved as the value
    assert "« Terminé » sert à clore une liste." in shown
    assert "Gouvernance et équipe projet" in shown
    assert "termin" not in str(user.draft_answers()).lower()


def test_eligibility_same_keywords(user: User) -> None:
    user.say("/eligibilite")
    user.say("public")
    shown = user.say("Précédent")
    assert "Question 1" in shown
    assert user.eligibility_answers() == {}
    user.say("public")
    user.say("750712184")
    shown = user.say("passer")  # « passer » is « je ne sais pas » here: to be confirmed
    assert "Question 4" in shown
    assert user.eligibility_answers() == {
        "categorie": "es_public_hors_ght",
        "finess_ej": "750712184",
        "finess_eg": None,
    }
    shown = user.say("retour !")
    assert "Question 3" in shown
    assert "FINESS juridique" not in shown
    assert "Question 3" in user.restart()  # a restart in the middle loses nothing
    assert user.eligibility_answers() == {
        "categorie": "es_public_hors_ght",
        "finess_ej": "750712184",
    }
    user.say("je ne sais pas")
    user.say("oui")
    assert user.eligibility_answers()["pssi_validee_representant_legal"] is True
    assert "annulé" in user.say("Abandonner")  # the assistant cancels any interview
    assert user.assistant.store.load_session(USER).flow is None
