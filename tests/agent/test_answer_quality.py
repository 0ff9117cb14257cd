"""Answer quality mechanisms: content-free input, rare-word weighting, repeats, topic, analyzer.

Handmade passages check the composer rules one by one; the real-index tests use the session
``knowledge_index`` (tests/conftest.py): real knowledge, default embedder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.input_text import GREETING, NO_QUESTION, THANKS, has_words, no_question_reply
from agent.store import SqliteStore
from agent.turns import Turn
from facts import load_fact_base
from retrieval import KnowledgeIndex, Passage, SearchResult, analyze_text
from tests.agent.passages import TODAY, passage
from tests.conftest import KNOWLEDGE_DIR


def compose(question: str, *passages: Passage, weights: tuple[tuple[str, float], ...] = ()) -> str:
    result = SearchResult(question, passages, True, weights)
    return ExtractiveComposer(analyze_text).compose(result, TODAY).text


@pytest.fixture
def assistant(knowledge_index: KnowledgeIndex, tmp_path: Path) -> Assistant:
    return Assistant(
        searcher=knowledge_index,
        store=SqliteStore(tmp_path / "care.db"),
        composer=ExtractiveComposer(
            analyze_text, load_fact_base(KNOWLEDGE_DIR), knowledge_index.sources()
        ),
        clock=lambda: TODAY,
    )


# --- content-free messages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>", None),  # markup only: no words at all (the "no words" message)
        ("ok", THANKS),
        ("merci !", THANKS),
        ("Bonjour", GREETING),
        ("salut :)", GREETING),
        ("et donc ?", NO_QUESTION),
        ("<i>oui</i>", NO_QUESTION),
    ],
)
def test_content_free_messages_get_a_prompt_not_an_answer(
    assistant: Assistant, text: str, expected: str | None
) -> None:
    problem = assistant.validate_question(text)
    assert problem is not None
    if expected is not None:
        assert problem == expected
    else:
        assert not has_words(text)


@pytest.mark.parametrize(
    "text", ["D1 bis ?", "PCRA", "HDS", "combien pour le D2", "bonjour, quand ouvre le D1 bis ?"]
)
def test_short_real_questions_are_accepted(assistant: Assistant, text: str) -> None:
    assert assistant.validate_question(text) is None
    assert assistant.ask(text).found


def test_a_bare_follow_up_is_left_to_the_rewriter_when_there_is_one() -> None:
    assert no_question_reply("pourquoi ?", followup=False) == NO_QUESTION
    assert no_question_reply("pourquoi ?", followup=True) is None
    assert no_question_reply("ok", followup=True) == THANKS  # never a follow-up question


# --- analyzer -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [("candidater", "candidature"), ("candidatures", "candidats"), ("obligatoire", "obligation")],
)
def test_derived_words_share_a_stem(a: str, b: str) -> None:
    assert analyze_text(a) == analyze_text(b)


def test_short_roots_are_not_cut() -> None:
    assert analyze_text("signature") == ["signatur"]  # "sign" is too short a root to cut
    assert analyze_text("nature") == ["natur"]


@pytest.mark.parametrize(
    ("short", "full"),
    [("max", "maximum"), ("maximale", "maximum"), ("infos", "information"), ("7", "sept")],
)
def test_short_forms_and_number_words_match_the_full_form(short: str, full: str) -> None:
    assert analyze_text(short) == analyze_text(full)


def test_an_identifier_counts_once_in_the_query_weights(knowledge_index: KnowledgeIndex) -> None:
    weights = dict(knowledge_index.search("sauvegarde 3-2-1 exigée ?").term_weights)
    assert "3_2_1" in weights
    assert not {"3", "2", "1"} & set(weights)


def test_search_reports_rare_query_words_as_heavier(knowledge_index: KnowledgeIndex) -> None:
    weights = dict(knowledge_index.search("audits SILENE du programme CaRE").term_weights)
    rare = max(weights, key=lambda term: weights[term])
    assert rare.startswith("silen")
    assert 0 < weights["care"] < weights["programm"] < weights[rare] <= 1


# --- composer: rare words, repeats, topic, meta sentences -------------------------------------


def test_sentences_with_the_rare_query_word_come_first() -> None:
    text = (
        "Le programme CaRE finance les établissements de santé. "
        "Le programme CaRE est piloté par l'ANS et la DNS depuis 2023. "
        "Deux audits SILENE doivent être espacés de 45 à 60 jours."
    )
    question = "SILENE dans le programme CaRE ?"
    weighted = compose(
        question,
        passage(text, "Audits"),
        weights=(("silen", 0.9), ("programm", 0.1), ("care", 0.05)),
    )
    assert "Deux audits SILENE" in weighted
    assert "piloté" not in weighted  # shares only common words: filler
    unweighted = compose(question, passage(text, "Audits"))
    assert "piloté" in unweighted  # without weights every shared word counts the same


def test_a_fact_said_twice_in_other_words_is_said_once() -> None:
    first = passage(
        "Le D1 bis est une nouvelle fenêtre encadrée par un arrêté du 30 janvier 2026, "
        "avec un guichet annoncé pour le 13 février 2026.",
        "D1 bis",
    )
    second = passage(
        "Un arrêté relatif au D1 bis est daté du 30 janvier 2026. "
        "L'ouverture du guichet D1 bis était annoncée pour le 13 février 2026.",
        "Guichet D1 bis",
        score=0.9,
        source_id="autre-note",
    )
    text = compose("D1 bis ?", first, second)
    assert text.count("30 janvier 2026") == 1
    assert text.count("13 février 2026") == 1


def test_other_passages_stay_on_the_question_topic() -> None:
    top = passage(
        "Les candidatures HospiConnect étaient reçues jusqu'au 13 février 2026.",
        "Jusqu'à quand candidater à HospiConnect ?",
    )
    other = passage(
        "La date limite de déclaration du domaine 1 a été repoussée au 30 juin 2025.",
        "Calendrier du domaine 1",
        score=0.95,
        source_id="calendrier",
    )
    text = compose("date limite candidature hospiconnect", top, other)
    assert "13 février 2026" in text
    assert "30 juin 2025" not in text


def test_sentences_about_the_notes_themselves_are_left_out() -> None:
    text = compose(
        "quels financements pour les exercices de crise ?",
        passage(
            "Les ARS financent les exercices de crise par appel à manifestation d'intérêt. "
            "Le détail des exercices de crise figure dans la note sur les financements.",
            "Exercices de crise",
        ),
    )
    assert "ARS financent" in text
    assert "la note" not in text


def test_a_deadline_question_prefers_the_end_date() -> None:
    text = compose(
        "jusqu'à quand candidater au domaine 2 ?",
        passage(
            "La candidature au domaine 2 suppose une PSSI revue entre le 16 juillet 2022 et la "
            "date de candidature.",
            "Prérequis",
        ),
        passage(
            "La candidature au domaine 2 était ouverte du 2 septembre au 31 octobre 2025.",
            "Calendrier",
            source_id="calendrier",
        ),
    )
    assert text.startswith("La candidature au domaine 2 était ouverte")


def test_a_pronoun_sentence_follows_its_subject_and_unrelated_ones_do_not() -> None:
    text = compose(
        "que dit la Cour des comptes ?",
        passage(
            "La Cour des comptes a publié un rapport le 3 janvier 2025 sur les hôpitaux. "
            "Elle y relève que 223 M€ seulement étaient couverts. "
            "Le domaine 1 porte sur les annuaires techniques.",
            "Cour des comptes",
        ),
    )
    assert "Elle y relève" in text
    assert "annuaires" not in text


def test_a_faq_answer_counts_its_question_words() -> None:
    faq = passage(
        "Pas tant que la loi de transposition n'est pas adoptée.",
        "FAQ : Les obligations NIS2 s'appliquent-elles aux hôpitaux ?",
    )
    other = passage(
        "NIS2 concernerait environ 15 000 entités en France.",
        "Entités concernées par NIS2",
        score=0.95,
        source_id="autre-note",
    )
    text = compose("NIS2 s'applique aux hôpitaux ?", faq, other)
    assert text.startswith("Pas tant que la loi")


# --- real questions ---------------------------------------------------------------------------


def test_deadline_question_with_a_verb_finds_the_candidature_dates(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("jusqu'à quand peut-on candidater au domaine 2 ?")
    assert answer.found
    assert "31 octobre 2025" in answer.text


def test_domains_question_lists_the_domains(assistant: Assistant) -> None:
    answer = assistant.ask("quels sont les domaines du programme CaRE ?")
    items = [line for line in answer.text.splitlines() if line[:1].isdigit()]
    assert any("D1" in line for line in items)
    assert any("D2" in line for line in items)


def test_greeting_through_handle_is_not_an_answer(assistant: Assistant) -> None:
    replies = assistant.handle(Turn("u-greet", "bonjour"))
    assert [getattr(reply, "text", "") for reply in replies] == [GREETING]


# --- near-domain requests the assistant is not for ------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Comment obtenir mon dossier médical ?",
        "comment activer Mon espace santé en tant que patient ?",
        "je suis patient, mes données ont-elles fuité lors de la cyberattaque de l'hôpital ?",
        "comment demander la suppression de mes données de santé à l'hôpital ?",
    ],
)
def test_a_patient_request_is_refused_and_pointed_to_the_right_place(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.found
    assert not answer.sources
    assert "demande personnelle de patient" in answer.text
    assert "Mon espace santé" in answer.text and "DPO" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "qui contacter pour une question sur mon dossier CaRE ?",
        "le DMP est-il concerné par la certification HDS ?",
        "quelles sont les missions du référent pour les données de santé hébergées ?",
    ],
)
def test_a_referent_question_with_patient_words_is_not_taken_for_a_patient(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    assert "demande personnelle de patient" not in answer.text


def test_a_passage_missing_the_asked_aspect_does_not_answer(assistant: Assistant) -> None:
    """The glossary defines "DPO", but nothing says what the DPO's missions are."""
    answer = assistant.ask("quelles sont les missions du DPO dans un hôpital ?")
    assert not answer.found
    assert "CNIL" in answer.text and "GRADeS" not in answer.text
