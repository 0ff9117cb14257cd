"""The drafting dialogues (/fiche_projet, /lettre_engagement, /mes_dossiers) driven turn by turn,
on a real SQLite store, and end to end through ``Assistant.handle``."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.flows.base import FlowContext, FlowStep
from agent.flows.drafting import (
    DraftingFlow,
    DraftsMenuFlow,
    FicheProjetFlow,
    LettreEngagementFlow,
    build_drafting_flows,
)
from agent.store import SqliteStore
from agent.turns import (
    Attachment,
    ChoiceReply,
    DocumentReply,
    Reply,
    Session,
    TextReply,
    Turn,
)
from drafting import DossierDrafter, load_dossier_knowledge
from retrieval import SearchResult, load_source_notes

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 28)
TITLES = {note.id: note.title for note in load_source_notes(ROOT / "knowledge")}
DRAFTER = DossierDrafter(
    load_dossier_knowledge(ROOT / "knowledge" / "dossier"),
    source_titles=TITLES,
    clock=lambda: TODAY,
)


class Chat:
    """One user talking to one flow; the state is kept like the assistant keeps it."""

    def __init__(self, flow: Any, store: SqliteStore, profile: dict[str, Any] | None = None):
        self.flow = flow
        self.session = Session("tg:42", profile=profile or {})
        self.ctx = FlowContext(self.session, store, TODAY, lambda q: [TextReply("réponse")])
        self.state: dict[str, Any] = {}

    def start(self, argument: str = "") -> FlowStep:
        return self.flow.start(self.ctx, self.state, argument)  # type: ignore[no-any-return]

    def say(self, text: str) -> FlowStep:
        return self.flow.handle(self.ctx, self.state, Turn("tg:42", text))  # type: ignore[no-any-return]

    def press(self, action: str) -> FlowStep:
        return self.flow.handle(self.ctx, self.state, Turn("tg:42", "", action=action))  # type: ignore[no-any-return]

    def send_file(self, name: str, content: bytes) -> FlowStep:
        turn = Turn("tg:42", attachment=Attachment(name, content))
        return self.flow.handle(self.ctx, self.state, turn)  # type: ignore[no-any-return]


def text_of(replies: list[Reply]) -> str:
    parts = []
    for reply in replies:
        if isinstance(reply, TextReply):
            parts.append(reply.text)
        elif isinstance(reply, ChoiceReply):
            parts.append(reply.question)
    return "\n".join(parts)


def question(step: FlowStep) -> str:
    """The header line of the last question asked (after the receipt of the last answer)."""
    last = step.replies[-1]
    assert isinstance(last, TextReply | ChoiceReply), last
    text = last.text if isinstance(last, TextReply) else last.question
    if text.startswith(("✓ ", "↩ ")):
        text = text.split("\n\n", 1)[-1]
    return text.split("\n")[0]


def receipt(step: FlowStep) -> str:
    """The first line of the first message: « ✓ label : value » after an answer."""
    first = step.replies[0]
    assert isinstance(first, TextReply | ChoiceReply), first
    return (first.text if isinstance(first, TextReply) else first.question).split("\n")[0]


def options(step: FlowStep) -> list[str]:
    last = step.replies[-1]
    return (
        [o.action for o in last.options if isinstance(o.action, str)]
        if isinstance(last, ChoiceReply)
        else []
    )


def document(step: FlowStep) -> DocumentReply:
    reply = step.replies[-1]
    assert isinstance(reply, DocumentReply), step.replies
    return reply


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "care.sqlite3")
    yield store
    store.close()


@pytest.fixture
def fiche(store: SqliteStore) -> Chat:
    return Chat(FicheProjetFlow(DRAFTER), store)


IDENTITY = [  # titre … chef de projet, for a D2 fiche projet without profile
    "Sauvegardes immuables {{ 7*7 }}",
    "dr:opt:D2",
    "CH de Montville",
    "770001238",
    "passer",
    "passer",
    "12 avenue des Tilleuls, 77100 Montville",
    "dr:opt:public",
    "passer",
    "Madame",
    "Claire Martin",
    "Directrice générale",
    "Karim Benali",
    "RSSI",
    "karim@ch-montville.fr",
    "01 64 00 12 34",
    "Un seul site de sauvegarde.",
    "Pas de copie hors ligne.",
    "Deux sites MCO.",
    "14/03/2025",
]


def play(chat: Chat, inputs: list[str]) -> FlowStep:
    step = FlowStep()
    for value in inputs:
        step = chat.press(value) if value.startswith("dr:") else chat.say(value)
        assert not step.not_an_answer, value
        errors = [r for r in step.replies if isinstance(r, TextReply) and r.kind == "error"]
        assert not errors, (value, text_of(step.replies))
    return step


def test_fiche_projet_to_a_word_document(fiche: Chat, store: SqliteStore) -> None:
    step = fiche.start()
    assert "aucun modèle officiel" in text_of(step.replies)
    assert question(step) == "[1/30] Titre du projet (obligatoire)"
    step = play(fiche, IDENTITY)
    assert question(step).startswith("Objectifs : voici les objectifs officiels du dispositif D2")
    assert f"(source : {TITLES['care-d2-continuite-reprise']})" in text_of(step.replies)
    assert "care-d2-continuite-reprise" not in text_of(step.replies)  # no internal identifier
    assert options(step) == ["dr:offer:yes", "dr:offer:no"]
    step = play(fiche, ["oui"])
    assert receipt(step).startswith("✓ Objectifs : 4 objectif(s) officiel(s) repris")
    assert question(step) == "[21/29] Objectifs — objectif n° 1 : Échéance (facultatif)"
    step = play(fiche, ["30/06/2026", "passer", "passer", "30/09/2026"])
    assert (
        question(step)
        == "[21/29] Objectifs — objectif n° 5 : Intitulé de l'objectif (obligatoire)"
    )
    assert "dr:done" in options(step)
    step = play(
        fiche,
        [
            "terminé",
            "Comité de pilotage trimestriel.",
            "Lancement",
            "02/02/2026",
            "PCRA validé",
            "30/06/2026",
            "dr:done",
            "Sauvegarde immuable",
            "48 000",
            "20 %",
            "45 000",
            "terminé",
            "terminé",
            "passer",
            "Revue mensuelle.",
            "passer",
            "passer",
        ],
    )
    assert options(step) == ["dr:gen:docx", "dr:gen:odt", "dr:gen:md", "dr:preview"]
    step = fiche.press("dr:gen:docx")
    assert step.done
    assert "tous les champs obligatoires sont renseignés" in text_of(step.replies)
    reply = document(step)
    assert reply.filename == "fiche-projet-sauvegardes-immuables-7-7.docx"
    doc = Document(io.BytesIO(reply.content))
    texts = [p.text for p in doc.paragraphs]
    assert "Sauvegardes immuables {{ 7*7 }}" in texts
    budget = doc.tables[2]
    total = [c.text for c in budget.rows[-1].cells]
    assert total[0] == "Total" and total[3] == "57\u202f600,00 €"
    assert doc.tables[0].rows[1].cells[0].text.startswith("D2.O1 — Gouvernance")
    (draft,) = store.list_drafts("tg:42")
    assert draft.title == "Sauvegardes immuables {{ 7*7 }}"
    assert draft.answers["budget"][0]["montant_ht"] == "48000.00"


def test_invalid_values_are_named_and_the_question_asked_again(fiche: Chat) -> None:
    fiche.start()
    play(fiche, ["Projet", "dr:opt:D2", "CH"])
    step = fiche.say("770001239")
    error = step.replies[0]
    assert isinstance(error, TextReply) and error.kind == "error"
    assert error.text.startswith("Réponse non retenue pour « FINESS juridique (EJ) » : la clé")
    assert question(step) == "[4/29] FINESS juridique (EJ) (obligatoire)"
    step = fiche.say("750712184")
    assert question(step).endswith("FINESS géographiques (EG) concernés (facultatif)")


def test_free_questions_are_not_answers(fiche: Chat) -> None:
    fiche.start()
    play(fiche, ["Projet", "dr:opt:D2", "CH"])
    assert fiche.say("Où trouver le numéro FINESS ?").not_an_answer
    assert fiche.say("comment calculer la clé").not_an_answer
    assert fiche.state.get("current") is None
    step = fiche.say("770001238")
    assert not step.not_an_answer
    # a long free-text answer containing a question mark is still an answer
    step = play(fiche, ["passer", "passer"])
    assert question(step).endswith("Adresse postale (obligatoire)")
    assert not fiche.say("Pourquoi pas ? 1 rue de l'Hôpital, 77100 Montville").not_an_answer


def test_navigation_passer_retour_modifier_apercu(fiche: Chat) -> None:
    fiche.start()
    step = fiche.say("passer")
    assert "obligatoire : je ne peux pas le passer" in text_of(step.replies)
    step = play(fiche, ["Projet A", "dr:opt:D2", "CH", "770001238"])
    assert receipt(step) == "✓ FINESS juridique (EJ) : 770001238"
    step = fiche.say("retour")  # takes the answer back and asks again
    assert receipt(step).startswith("↩ Réponse annulée : « 770001238 » retiré de « FINESS")
    assert question(step).endswith("FINESS juridique (EJ) (obligatoire)")
    assert "Valeur actuelle" not in text_of(step.replies)
    assert "finess_ej" not in fiche.ctx.store.list_drafts("tg:42")[0].answers["etablissement"]
    step = play(fiche, ["750712184", "passer"])
    assert receipt(step) == "✓ FINESS géographiques (EG) concernés : passé"
    step = fiche.say("modifier titre")
    assert "Valeur actuelle : Projet A" in text_of(step.replies)
    step = fiche.say("Projet B")
    assert question(step).endswith("SIRET (facultatif)")  # back where we were
    step = fiche.say("aperçu")
    summary = text_of(step.replies)
    assert "✓ Titre du projet : Projet B" in summary
    assert "✓ FINESS juridique (EJ) : 750712184" in summary
    assert "– FINESS géographiques (EG) concernés (passé)" in summary
    assert "☐ Adresse postale (obligatoire, à compléter)" in summary
    assert "Aperçu — Fiche projet : 4/20 champs obligatoires renseignés." in summary
    step = fiche.say("modifier dispositif")
    step = fiche.say("1")  # the first button, typed
    assert fiche.ctx.store.list_drafts("tg:42")[0].answers["dispositif"] == "D1"
    step = fiche.say("modifier champ-inconnu")
    assert "Je ne trouve pas ce champ" in text_of(step.replies)


def test_lists_item_by_item_and_cross_field_rules(fiche: Chat) -> None:
    fiche.start()
    play(
        fiche,
        [
            *IDENTITY,
            "non",
            "Objectif 1",
            "Indicateur",
            "Cible",
            "31/12/2026",
            "terminé",
            "Gouvernance",
            "Lancement",
            "02/02/2026",
            "Audit",
        ],
    )
    step = fiche.say("01/01/2026")
    assert "ordre chronologique" in text_of(step.replies)
    step = fiche.say("01/01/2025")  # before the D2 window
    assert "précède le début de la phase opérationnelle du domaine 2" in text_of(step.replies)
    step = play(fiche, ["03/03/2026", "terminé", "Audit AD", "10 000", "20 %"])
    step = fiche.say("12 000,01")
    assert "dépasse le coût TTC du poste (12\u202f000,00 €)" in text_of(step.replies)
    step = play(fiche, ["12000", "Prestation", "5000"])
    step = fiche.say("terminé")  # an item left half-way is dropped
    assert "L'élément n° 2, incomplet, a été retiré." in text_of(step.replies)
    assert question(step).startswith("[25/29] Autres financements — financement n° 1")
    step = fiche.say("modifier budget")  # reopen the list to add an item
    assert question(step).startswith("[24/29] Budget prévisionnel — poste de dépense n° 2")
    draft = fiche.ctx.store.list_drafts("tg:42")[0]
    assert len(draft.answers["budget"]) == 1


def test_generate_early_lists_the_missing_fields(fiche: Chat) -> None:
    fiche.start()
    play(fiche, ["Projet", "dr:opt:autre"])
    step = fiche.say("générer markdown")
    assert step.done
    assert "champ(s) obligatoire(s) restent à compléter" in text_of(step.replies)
    reply = document(step)
    assert reply.mime == "text/markdown" and reply.filename == "fiche-projet-projet.md"
    content = reply.content.decode("utf-8")
    assert "- [ ] Raison sociale de l'établissement" in content


def test_prefill_from_the_eligibility_profile(store: SqliteStore) -> None:
    profile = {
        "categorie": "es_prive_non_lucratif",
        "finess_ej": "750712184",
        "finess_eg": ["770104560", "bad"],
        "dispositifs": ["D2"],
        "pssi_revue_le": "2025-03-14",
    }
    chat = Chat(FicheProjetFlow(DRAFTER), store, profile)
    step = chat.start()
    intro = text_of(step.replies)
    assert "Nouveau brouillon : seules des réponses de votre profil d'éligibilité" in intro
    assert "FINESS juridique (EJ) : 750712184" in intro
    assert "Statut juridique : Établissement privé à but non lucratif (dont ESPIC)" in intro
    assert "FINESS géographiques" not in intro  # an invalid profile value is not taken
    answers = store.list_drafts("tg:42")[0].answers
    assert answers["dispositif"] == "D2"
    # the profile's PSSI *review* date is not its *validation* date: not prefilled
    assert "pssi_date_validation" not in answers
    assert "Date de validation de la PSSI" not in intro
    step = play(chat, ["Projet", "CH"])
    assert question(step).endswith("FINESS géographiques (EG) concernés (facultatif)")


def test_the_role_in_the_ght_comes_from_the_profile_or_is_asked_after_the_ght(
    store: SqliteStore,
) -> None:
    chat = Chat(FicheProjetFlow(DRAFTER), store, {"etablissement_support": True})
    intro = text_of(chat.start().replies)
    assert "Rôle de l'établissement dans le GHT : Établissement support du GHT" in intro
    chat = Chat(LettreEngagementFlow(DRAFTER), store)
    chat.start()
    step = play(chat, [*LETTER_IDENTITY[:8], "GHT Seine-et-Forêts"])
    assert "Rôle de l'établissement dans le GHT (facultatif)" in question(step)
    assert options(step)[:2] == ["dr:opt:support", "dr:opt:partie"]


LETTER_IDENTITY = [  # dispositif … téléphone, for a D2 lettre d'engagement without a GHT
    "dr:opt:D2",
    "Sauvegardes immuables",
    "passer",  # destinataire
    "CH de Montville",
    "770001238",
    "passer",
    "passer",
    "12 avenue des Tilleuls, 77100 Montville",
    "passer",  # GHT: the role in the GHT is then not asked
    "Madame",
    "Claire Martin",
    "Directrice générale",
    "Karim Benali",
    "RSSI",
    "karim@ch-montville.fr",
    "01 64 00 12 34",
]


def test_a_new_lettre_starts_clean_and_picks_commitments(store: SqliteStore) -> None:
    fiche = Chat(FicheProjetFlow(DRAFTER), store)
    fiche.start()
    play(fiche, IDENTITY[:16])
    lettre = Chat(LettreEngagementFlow(DRAFTER), store)
    step = lettre.start()  # nothing silently taken from the fiche projet
    assert "Nouveau brouillon vierge : rien n'est repris de vos autres brouillons." in text_of(
        step.replies
    )
    assert question(step) == "[1/20] Dispositif CaRE visé (obligatoire)"
    step = play(lettre, LETTER_IDENTITY)
    assert question(step).endswith("Engagements retenus (facultatif)")
    listing = text_of(step.replies)
    assert "1. atteindre les objectifs du dispositif retenu" in listing
    assert f"[source : {TITLES['care-financement-modalites']}]" in listing
    assert "[pratique usuelle]" in listing
    step = lettre.say("1, 2, 99")
    assert "ne correspond à aucun engagement" in text_of(step.replies)
    step = play(lettre, ["1, 2, 3", "passer", "Montville", "15/01/2026"])
    step = lettre.press("dr:gen:odt")
    reply = document(step)
    assert reply.filename.startswith("lettre-engagement-sauvegardes-immuables")
    assert reply.mime == "application/vnd.oasis.opendocument.text"
    (draft,) = [d for d in store.list_drafts("tg:42") if d.doc_type == "lettre_engagement"]
    answers = draft.answers
    assert answers["engagements"] == ["objectifs-phase-operationnelle", "preuves", "controles"]


def test_an_answers_file_can_be_sent_mid_dialogue(fiche: Chat) -> None:
    fiche.start()
    content = (ROOT / "examples" / "fiche_projet.yaml").read_text("utf-8")
    content = content.replace('finess_ej: "770001238"', 'finess_ej: "770001239"')
    step = fiche.send_file("reponses.yaml", content.encode())
    note = text_of(step.replies)
    assert note.startswith("Fichier « reponses.yaml » : 29 champ(s) repris — Titre du projet,")
    assert "Ignoré" not in note  # every key of the example is a field
    assert "Écarté car invalide" in note and "FINESS juridique (EJ) : la clé de contrôle" in note
    assert question(step) == "[4/30] FINESS juridique (EJ) (obligatoire)"  # asked again
    step = fiche.say("770001238")
    assert options(step)[0] == "dr:gen:docx"  # everything else came from the file
    step = fiche.send_file("x.yaml", b"\xff")
    assert "UTF-8" in text_of(step.replies)


def test_an_import_says_exactly_what_it_used_and_ignored(fiche: Chat) -> None:
    fiche.start()
    step = fiche.send_file("r.yaml", b"foo: 1\nbar: {x: 2}\ntitre_projet: X\n")
    note = text_of(step.replies)
    assert note.startswith("Fichier « r.yaml » : je n'y ai reconnu aucun champ, rien n'a")
    assert "Ignoré (3) : « foo », « bar.x », « titre_projet »" in note
    (draft,) = fiche.ctx.store.list_drafts("tg:42")
    assert set(draft.answers) == {"_meta"}  # nothing stored
    step = fiche.send_file("s.yaml", b"titre: Projet fichier\nsurnom: Z\n")
    note = text_of(step.replies)
    assert note.startswith("Fichier « s.yaml » : 1 champ(s) repris — Titre du projet.")
    assert "Ignoré (1) : « surnom »" in note


def test_modele_sends_an_answers_file_that_loads_back(fiche: Chat) -> None:
    fiche.start()
    step = fiche.say("modèle")
    template = document(FlowStep(step.replies[:1]))
    assert template.filename == "reponses-fiche-projet.yaml"
    text = template.content.decode("utf-8")
    assert "# Titre du projet (obligatoire)" in text and "examples/" not in text
    step = fiche.send_file("modele.yaml", template.content)  # empty values: nothing taken
    assert "je n'y ai reconnu aucun champ" in text_of(step.replies)
    filled = text.replace("titre: ''", "titre: Projet du modèle", 1).encode()
    step = fiche.send_file("modele.yaml", filled)
    assert "1 champ(s) repris — Titre du projet" in text_of(step.replies)


def test_a_draft_survives_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "care.sqlite3"
    first_store = SqliteStore(path)
    chat = Chat(FicheProjetFlow(DRAFTER), first_store)
    chat.start()
    step = play(chat, ["Projet persistant", "dr:opt:D2", "CH de Montville"])
    asked = question(step)
    chat.session.flow, chat.session.flow_state = "fiche_projet", chat.state
    first_store.save_session(chat.session)
    first_store.close()

    second_store = SqliteStore(path)  # a new process: new store, new flow objects
    session = second_store.load_session("tg:42")
    again = Chat(FicheProjetFlow(load_and_build_drafter()), second_store)
    again.state = session.flow_state
    assert question(FlowStep(again.flow.reprompt(again.ctx, again.state))) == asked
    step = again.say("770001238")
    assert question(step).endswith("FINESS géographiques (EG) concernés (facultatif)")
    (draft,) = second_store.list_drafts("tg:42")
    assert draft.answers["etablissement"] == {
        "raison_sociale": "CH de Montville",
        "finess_ej": "770001238",
    }
    second_store.close()


def load_and_build_drafter() -> DossierDrafter:
    return DossierDrafter(load_dossier_knowledge(ROOT / "knowledge" / "dossier"))


def test_starting_again_offers_to_resume(fiche: Chat) -> None:
    fiche.start()
    play(fiche, ["Projet en cours", "dr:opt:D2"])
    step = fiche.start()
    assert "Vous avez un brouillon en cours : « Projet en cours »" in question(step)
    assert re.search(r"\(modifié le \d{1,2}(?:er)? [a-zéû]+ \d{4}\)", question(step))
    step = fiche.say("reprendre")
    assert "Reprise du brouillon « Projet en cours »" in text_of(step.replies)
    assert question(step).endswith("Raison sociale de l'établissement (obligatoire)")
    fiche.start()
    step = fiche.press("dr:new")
    assert "Nouveau brouillon vierge" in text_of(step.replies)  # not « Projet en cours » again
    assert question(step) == "[1/30] Titre du projet (obligatoire)"
    assert len(fiche.ctx.store.list_drafts("tg:42")) == 2


def test_mes_dossiers_resume_export_delete(store: SqliteStore) -> None:
    flows = build_drafting_flows(DRAFTER)
    menu = flows[2]
    assert isinstance(menu, DraftsMenuFlow) and menu.name == "mes_dossiers"
    empty = Chat(menu, store)
    step = empty.start()
    assert step.done and "aucun brouillon" in text_of(step.replies)

    writer = Chat(flows[0], store)
    writer.start()
    play(writer, ["Projet menu", "dr:opt:D2", "CH"])
    chat = Chat(menu, store)
    step = chat.start()
    assert "1. Fiche projet — « Projet menu » (modifié le " in text_of(step.replies)
    assert "3/20 champs obligatoires" in text_of(step.replies)
    (label,) = [o.label for o in step.replies[-1].options]  # type: ignore[union-attr]
    assert re.fullmatch(r"Fiche · Projet menu · \d{1,2} [a-zéû.]+", label), label
    step = chat.say("1")
    assert options(step) == [
        "md:resume",
        "md:export:docx",
        "md:export:odt",
        "md:export:md",
        "md:delete",
        "md:list",
    ]
    step = chat.press("md:resume")
    assert question(step).endswith("FINESS juridique (EJ) (obligatoire)")
    step = chat.say("770001238")  # forwarded to the fiche projet flow
    assert question(step).endswith("FINESS géographiques (EG) concernés (facultatif)")
    assert isinstance(menu.reprompt(chat.ctx, chat.state)[-1], ChoiceReply)

    chat = Chat(menu, store)
    chat.start()
    chat.press(f"md:pick:{store.list_drafts('tg:42')[0].draft_id}")
    step = chat.press("md:export:odt")
    assert step.done and document(step).filename == "fiche-projet-projet-menu.odt"

    chat = Chat(menu, store)
    chat.start()
    chat.say("1")
    step = chat.press("md:delete")
    assert "Supprimer définitivement le brouillon « Projet menu » ?" in question(step)
    step = chat.say("non")
    assert store.list_drafts("tg:42")
    chat.press("md:delete")
    step = chat.press("md:delete:yes")
    assert step.done and store.list_drafts("tg:42") == []


# -- end to end through the assistant ------------------------------------------------------------
class NoSearch:
    def search(self, query: str, k: int = 5) -> SearchResult:
        return SearchResult(query, (), False)

    def sources(self) -> list[Any]:
        return []

    def glossary(self) -> list[Any]:
        return []


def make_assistant(path: Path) -> Assistant:
    return Assistant(
        searcher=NoSearch(),
        store=SqliteStore(path),
        composer=ExtractiveComposer(lambda text: text.lower().split()),
        flows=build_drafting_flows(DRAFTER),
        clock=lambda: TODAY,
    )


def turn_for(user: str, value: str, replies: list[Reply]) -> Turn:
    """Typed text, or a press on the button ``value`` of the last question shown."""
    if not value.startswith("dr:"):
        return Turn(user, value)
    (choice,) = [r for r in replies if isinstance(r, ChoiceReply)][-1:]
    assert value in [o.action for o in choice.options], (value, choice.options)
    return Turn(user, "", action=value, token=choice.token)


def test_fiche_projet_end_to_end_through_the_assistant(tmp_path: Path) -> None:
    path = tmp_path / "care.sqlite3"
    assistant = make_assistant(path)
    user = "cli:referent"
    replies = assistant.handle(Turn(user, "/fiche_projet"))
    assert "Titre du projet" in text_of(replies)
    for value in IDENTITY[:5]:
        replies = assistant.handle(turn_for(user, value, replies))
    replies = assistant.handle(Turn(user, "Qu'est-ce que le FINESS géographique ?"))
    assert "Je ne sais pas" in text_of(replies)  # answered (here: not found)…
    assert "SIRET (facultatif)" in text_of(replies)  # … then the pending question again
    assistant.store.close()

    restarted = make_assistant(path)  # restart mid-dialogue: nothing is lost
    replies = restarted.resume(user)
    assert "Reprenons" in text_of(replies) and "SIRET (facultatif)" in text_of(replies)
    for value in IDENTITY[5:]:
        replies = restarted.handle(turn_for(user, value, replies))
    replies = restarted.handle(Turn(user, "générer"))
    reply = replies[-1]
    assert isinstance(reply, DocumentReply) and reply.filename.endswith(".docx")
    doc = Document(io.BytesIO(reply.content))
    assert doc.sections[0].header.paragraphs[0].text.startswith("PROJET")
    assert restarted.store.load_session(user).flow is None
    replies = restarted.handle(Turn(user, "/mes_dossiers"))
    assert "Sauvegardes immuables" in text_of(replies)
    replies = restarted.handle(Turn(user, "/annuler"))
    restarted.store.close()


def test_the_flows_are_drafting_flows() -> None:
    names = [(f.name, f.command) for f in build_drafting_flows(DRAFTER)]
    assert names == [
        ("fiche_projet", "/fiche_projet"),
        ("lettre_engagement", "/lettre_engagement"),
        ("mes_dossiers", "/mes_dossiers"),
    ]
    assert all(isinstance(f, DraftingFlow) for f in build_drafting_flows(DRAFTER)[:2])


def test_modifier_accepts_the_words_of_the_labels(fiche: Chat) -> None:
    fiche.start()
    play(fiche, ["Projet", "dr:opt:D2"])
    for words, asked in (
        ("modifier FINESS juridique", "FINESS juridique (EJ) (obligatoire)"),
        ("modifier titre du projet", "Titre du projet (obligatoire)"),
    ):
        step = fiche.say(words)
        assert question(step).endswith(asked), words
    step = fiche.say("modifier budget 2 montant")  # no second item yet: not a field to edit
    assert "Je ne trouve pas ce champ" in text_of(step.replies)
