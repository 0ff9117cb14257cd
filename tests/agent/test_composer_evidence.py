"""Composer rules: direct fact first, dispositif consistency, lists, definitions, declines,
citations, follow-ups.

Handmade passages against the real fact table (knowledge/facts.yaml): each test checks one rule.
The last tests go through the Assistant with the real index.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from agent.answering import Answer, ExtractiveComposer
from agent.assistant import Assistant
from agent.followup_context import answer_context, previous_answer
from agent.store import SqliteStore
from facts import FactBase, load_fact_base
from retrieval import Citation, KnowledgeIndex, Passage, SearchResult, SourceLink, analyze_text
from tests.agent.passages import TODAY, passage
from tests.conftest import KNOWLEDGE_DIR

D1_DATES = (
    "La date limite de déclaration d'atteinte du domaine 1 (D1), d'abord fixée au 28 mars 2025, "
    "a été reportée au 30 juin 2025."
)
D2_CALENDAR = (
    "La candidature au D2 sur eCaRE a ouvert le 2 septembre 2025 et a fermé le 31 octobre 2025. "
    "L'ANS a organisé un webinaire sur les objectifs du D2 le 11 septembre 2025."
)


@pytest.fixture(scope="module")
def facts() -> FactBase:
    return load_fact_base(KNOWLEDGE_DIR)


def answer(facts: FactBase, question: str, *passages: Passage, found: bool = True) -> Answer:
    composer = ExtractiveComposer(analyze_text, facts)
    return composer.compose(SearchResult(question, passages, found), TODAY)


def first_line(result: Answer) -> str:
    return result.text.splitlines()[0]


# --- the direct answer ----------------------------------------------------------------------


def test_the_fact_opens_the_answer_and_another_dispositif_never_supplies_it(
    facts: FactBase,
) -> None:
    result = answer(
        facts,
        "date limite du guichet D2 ?",
        passage(D1_DATES, "Calendrier du domaine 1 (D1)", 2.0),
        passage(D2_CALENDAR, "Calendrier du domaine 2 (D2)", 1.0, "note-d2"),
    )
    assert "31 octobre 2025" in first_line(result)
    assert "16 janvier 2026" in first_line(result)  # the declaration window, still open
    assert "30 juin 2025" not in result.text and "28 mars 2025" not in result.text


def test_each_intent_gets_its_part(facts: FactBase) -> None:
    result = answer(facts, "montant et date limite du D2", passage(D2_CALENDAR, "D2"))
    assert "45 M€" in first_line(result) and "31 octobre 2025" in first_line(result)


def test_without_a_fact_the_best_sentence_leads(facts: FactBase) -> None:
    text = (
        "Le D2 a reçu de nombreux dossiers. Selon DSIH, 1 457 dossiers ont été déposés au D2 "
        "et 1 167 étaient éligibles."
    )
    result = answer(facts, "combien de dossiers déposés au D2 ?", passage(text, "D2"))
    assert first_line(result).startswith("Selon DSIH, 1 457 dossiers")


def test_a_sentence_naming_another_dispositif_is_left_out(facts: FactBase) -> None:
    text = (
        "Le D2 a reçu 1 457 dossiers selon DSIH. Pour le domaine 1, 1 207 candidatures avaient "
        "été déposées."
    )
    result = answer(facts, "combien de dossiers pour le D2 ?", passage(text, "Participation"))
    assert "1 457" in result.text and "1 207" not in result.text


def test_compared_dispositifs_label_the_sentences_that_do_not_name_theirs(
    facts: FactBase,
) -> None:
    result = answer(
        facts,
        "quelles différences entre le D1 et le D2 ?",
        passage("Le domaine 1 (D1) vise l'Active Directory et l'exposition.", "Domaine 1 (D1)", 2),
        passage(
            "Ses différences : la continuité et la reprise d'activité.", "Domaine 2 (D2)", 1.5
        ),
    )
    assert "Pour le domaine 2 (D2) : ses différences : la continuité" in result.text
    assert "Pour le domaine 1" not in result.text  # that sentence names its dispositif


def test_a_question_naming_no_dispositif_is_not_restricted(facts: FactBase) -> None:
    text = "Pour le domaine 1, 1 207 candidatures ont été déposées sur eCaRE."
    result = answer(facts, "combien de candidatures déposées sur eCaRE ?", passage(text))
    assert "1 207" in result.text


# --- facts: status and sources -------------------------------------------------------------


def test_an_uncertain_fact_says_so_and_an_unknown_one_says_it_is_unknown(
    facts: FactBase,
) -> None:
    prerequisites = answer(facts, "Quels sont les prérequis du D2 ?", passage(D2_CALENDAR))
    assert "(à confirmer)" in first_line(prerequisites)
    payment = answer(facts, "quand serons-nous payés pour le D2 ?", passage(D2_CALENDAR))
    assert "n'a pas été publié" in first_line(payment)
    assert "(à confirmer)" not in first_line(payment)


def test_a_fact_cites_the_page_that_holds_it_and_sources_follow_the_numbers(
    facts: FactBase,
) -> None:
    result = answer(facts, "enveloppe du D2 ?", passage(D2_CALENDAR))
    fact = facts.find("D2", "enveloppe")
    assert fact is not None
    assert [ref.url for ref in result.sources[: len(fact.urls)]] == list(fact.urls)
    assert [ref.number for ref in result.sources] == list(range(1, len(result.sources) + 1))
    for ref in result.sources:
        assert f"[{ref.number}]" in result.text


def test_a_sentence_cites_the_page_its_note_attributes_it_to(facts: FactBase) -> None:
    text = "Le D2 est doté de 45 M€. Selon DSIH, 1 167 dossiers du D2 étaient éligibles."
    dsih = SourceLink("dsih", "DSIH – second appel", "https://dsih.example/6070")
    cited = Citation(
        "note-d2", "Note D2", "Participation au D2", "https://ans.example/d2", "programme",
        None, TODAY, "en_vigueur", "officiel", links=(dsih,), marks=(
            (len(text), "dsih"),
        ),
    )  # fmt: skip
    result = answer(facts, "combien de dossiers éligibles au D2 ?", Passage("d2", text, cited, 1))
    dsih_refs = [ref for ref in result.sources if ref.url == dsih.url]
    assert dsih_refs and dsih_refs[0].title == "DSIH – second appel"
    assert f"[{dsih_refs[0].number}]" in first_line(result)


# --- lists and definitions -----------------------------------------------------------------


def test_a_list_fact_is_given_numbered_and_complete(facts: FactBase) -> None:
    result = answer(
        facts,
        "Quelles sont les actions demandées par l'instruction DNS/2025/12 ?",
        passage("L'instruction DNS/2025/12 impose sept actions.", "Instruction DNS/2025/12"),
    )
    lines = result.text.splitlines()
    assert [line.split(".")[0] for line in lines[1:8]] == [str(n) for n in range(1, 8)]
    assert result.items and len(result.items) == 7


GLOSSARY = (
    "déclaration d'atteinte (déclaration d'atteinte des objectifs) : Étape où l'établissement "
    "déclare avoir atteint les objectifs du domaine et fournit les preuves (ex. schéma de "
    "gouvernance)."
)


def test_a_glossary_line_never_leads_another_intent(facts: FactBase) -> None:
    result = answer(
        facts,
        "combien de déclarations d'atteinte ont été déposées ?",
        passage(GLOSSARY, "Glossaire : déclaration d'atteinte", 3.0),
        passage("Plus de 1 000 établissements ont déposé une déclaration d'atteinte.", "Bilan"),
    )
    assert first_line(result).startswith("Plus de 1 000") and "Étape où" not in result.text


def test_a_definition_question_is_led_by_the_whole_glossary_line(facts: FactBase) -> None:
    result = answer(
        facts,
        "c'est quoi une déclaration d'atteinte ?",
        passage("Plus de 1 000 établissements ont déposé une déclaration d'atteinte.", "Bilan"),
        passage(GLOSSARY, "Glossaire : déclaration d'atteinte", 0.5),
    )
    assert first_line(result).startswith("déclaration d'atteinte (déclaration d'atteinte")
    assert "(ex. schéma de gouvernance)." in first_line(result)  # never cut in parentheses


# --- the gate and declines -----------------------------------------------------------------


def test_a_recognised_fact_answers_despite_unknown_context_words(facts: FactBase) -> None:
    result = answer(
        facts,
        "Nous sommes un CH de 350 lits avec une HAD, sommes-nous éligibles au D2 ?",
        found=False,
    )
    assert result.found and "GHT" in first_line(result)


@pytest.mark.parametrize(
    ("question", "contact", "absent"),
    [
        ("Quelle amende RGPD pour une fuite de données ?", "CNIL", "GRADeS"),
        ("Comment se passe un audit de certification HDS ?", "COFRAC", "GRADeS"),
        ("Quel est le salaire d'un RSSI ?", "ressources humaines", "GRADeS"),
        ("Quelle est la recette des crêpes ?", "ARS", "CNIL"),
    ],
)
def test_a_decline_names_the_right_contact(
    facts: FactBase, question: str, contact: str, absent: str
) -> None:
    result = answer(facts, question, found=False)
    assert not result.found and contact in result.text and absent not in result.text


def test_an_attack_in_progress_goes_to_the_cert_first(facts: FactBase) -> None:
    result = answer(
        facts,
        "Nous subissons un rançongiciel en ce moment, que faire ?",
        passage(GLOSSARY, "Glossaire : rançongiciel"),
    )
    assert not result.found and result.text.startswith("Incident en cours")
    assert "CERT Santé" in first_line(result)


@pytest.mark.parametrize(
    ("question", "contact"),
    [
        ("quelles sont les missions du DPO dans un hôpital ?", "CNIL"),
        (
            "quelles sanctions NIS2 pour une entité essentielle, en % du chiffre d'affaires ?",
            "ANSSI",
        ),
    ],
)
def test_a_near_domain_question_found_by_retrieval_is_still_declined(
    knowledge_index: KnowledgeIndex, facts: FactBase, question: str, contact: str
) -> None:
    """ "DPO" is in the glossary and NIS2 has a note, but nothing on missions or sanctions: the
    retriever returns passages, the composer declines by topic with the right contact."""
    composer = ExtractiveComposer(analyze_text, facts, knowledge_index.sources())
    for search in (knowledge_index.search, knowledge_index.lexical_only().search):
        result = composer.compose(search(question), TODAY)
        assert not result.found and contact in result.text


# --- follow-ups --------------------------------------------------------------------------


@pytest.fixture
def assistant(knowledge_index: KnowledgeIndex, tmp_path: Path, facts: FactBase) -> Assistant:
    return Assistant(
        searcher=knowledge_index,
        store=SqliteStore(tmp_path / "care.db"),
        composer=ExtractiveComposer(analyze_text, facts, knowledge_index.sources()),
        clock=lambda: date(2026, 11, 28),
    )


def test_a_followup_points_back_to_the_previous_list(assistant: Assistant) -> None:
    first = assistant.ask("Quelles sont les actions demandées par l'instruction DNS/2025/12 ?")
    history = [{"q": first.question, "a": first.text, **answer_context(first)}]
    previous = previous_answer(history)
    assert previous is not None and len(previous.items) == 7
    second = assistant.ask("et la 4e action, c'est pour quand ?", history)
    line = first_line(second)
    assert line.startswith("Pour l'action 4 (formaliser un plan de continuité")
    assert "n'ont pas été retrouvées" in line


def test_a_followup_keeps_the_dispositif_of_the_previous_answer(assistant: Assistant) -> None:
    first = assistant.ask("Quels sont les prérequis du D2 ?")
    history = [{"q": first.question, "a": first.text, **answer_context(first)}]
    second = assistant.ask("et la date limite ?", history)
    assert "31 octobre 2025" in first_line(second) and "30 juin 2025" not in second.text


def test_through_handle_the_session_remembers_the_list(assistant: Assistant) -> None:
    from agent.turns import Turn

    assistant.handle(Turn("u1", "Quelles sont les actions de l'instruction DNS/2025/12 ?"))
    replies = assistant.handle(Turn("u1", "et la 4e action, c'est pour quand ?"))
    assert "l'action 4" in replies[0].text  # type: ignore[union-attr]
