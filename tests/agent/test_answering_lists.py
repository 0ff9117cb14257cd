"""List and date questions: list extraction and the list-aware composer (handmade, real index).

The real-index tests use the session ``knowledge_index`` (tests/conftest.py): real knowledge,
default embedder.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent.answering import ExtractiveComposer
from agent.enumerations import (
    LIST_ABRIDGED,
    MAX_LIST_ITEMS,
    Enumeration,
    asks_for_date,
    asks_for_list,
    find_enumerations,
)
from retrieval import KnowledgeIndex, Passage, SearchResult, analyze_text
from tests.agent.passages import TODAY, passage


def compose(question: str, *passages: Passage) -> str:
    result = SearchResult(question, passages, True)
    return ExtractiveComposer(analyze_text).compose(result, TODAY).text


# --- questions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Quelles sont les 7 actions de l'instruction DNS/2025/12 ?",
        "quels sont les domaines de CaRE ?",
        "quels prérequis pour le domaine 2 ?",
        "lister les étapes d'un guichet",
        "que doit contenir la fiche projet ?",
        "les sept actions dns 2025 12",
        "donnez-moi la liste des pièces",
    ],
)
def test_list_questions_are_recognised(question: str) -> None:
    assert asks_for_list(question)


@pytest.mark.parametrize(
    "question",
    [
        "c'est quoi un PCRA",
        "le prérequis P1 du D2 c'est quoi exactement ?",
        "quel est le montant du D2 ?",
        "qui pilote CaRE",
    ],
)
def test_other_questions_are_not_list_questions(question: str) -> None:
    assert not asks_for_list(question)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("jusqu'à quand peut-on candidater au D2 ?", True),
        ("jusqu a quand les controles du D1", True),
        ("quelle est la date limite de déclaration ?", True),
        ("CaRE a été lancé quand ?", True),
        ("quelles sont les échéances de l'instruction ?", True),
        ("c'est quoi un PCRA", False),
        ("quels sont les domaines de CaRE ?", False),
    ],
)
def test_date_questions_are_recognised(question: str, expected: bool) -> None:
    assert asks_for_date(question) is expected


# --- list extraction ----------------------------------------------------------------------


def test_markdown_list_with_its_intro() -> None:
    text = "Le dossier comprend les pièces suivantes :\n- la PSSI ;\n* l'organigramme ;\n"
    text += "1. le budget."
    assert find_enumerations(text) == [
        Enumeration(
            "Le dossier comprend les pièces suivantes :",
            ("la PSSI ;", "l'organigramme ;", "le budget."),
        )
    ]


def test_markdown_list_without_announcing_line_has_no_intro() -> None:
    (found,) = find_enumerations("Un paragraphe.\n\n- premier point\n- second point")
    assert found.intro is None and found.items == ("premier point", "second point")


def test_labelled_sequence_keeps_every_item_and_its_continuation() -> None:
    text = (
        "Le guichet suit trois étapes. Première étape : le dépôt. Il se fait sur eCaRE. "
        "Deuxième étape : l'instruction par l'ARS. Troisième étape : le paiement. "
        "Pour le D1, les retards n'ont pas été payés."
    )
    (found,) = find_enumerations(text)
    assert found.intro == "Le guichet suit trois étapes."
    assert found.items == (
        "Première étape : le dépôt. Il se fait sur eCaRE.",
        "Deuxième étape : l'instruction par l'ARS.",
        "Troisième étape : le paiement.",
    )


def test_numbered_and_coded_labels_form_lists() -> None:
    numbered = find_enumerations("Action 1 : auditer. Action 2 : former. Fin du texte.")
    coded = find_enumerations("Deux prérequis. P1 : une PSSI. P2 : une organisation.")
    assert [e.items for e in numbered] == [("Action 1 : auditer.", "Action 2 : former.")]
    assert coded[0].intro == "Deux prérequis." and len(coded[0].items) == 2


def test_one_labelled_sentence_is_not_a_list() -> None:
    assert find_enumerations("Action 1 : auditer. La suite est ailleurs.") == []


def test_semicolon_list_is_split_after_the_colon() -> None:
    (found,) = find_enumerations(
        "La note comporte les rubriques suivantes : contexte ; budget ; calendrier."
    )
    assert found.intro == "La note comporte les rubriques suivantes :"
    assert found.items == ("contexte", "budget", "calendrier.")


def test_comma_list_is_kept_whole() -> None:
    sentence = (
        "Le plan compte quatre axes : gouvernance et résilience, ressources, sensibilisation."
    )
    (found,) = find_enumerations(sentence)
    assert found.inline and found.items == (sentence,)


def test_a_definition_with_commas_is_not_a_list() -> None:
    text = "domaine (domaine de l'axe 4) : thème technique (D1, D2, HospiConnect, D1 bis)."
    assert find_enumerations(text) == []


# --- composer on handmade passages --------------------------------------------------------


ACTIONS = " ".join(f"Action {n} : mesure numéro {n} du plan." for n in range(1, 8))


def test_list_question_gets_every_item_with_the_citation() -> None:
    text = (
        f"Le plan impose sept actions aux hôpitaux. {ACTIONS} Les échéances sont fixées par l'ARS."
    )
    answer = compose("Quelles sont les 7 actions du plan ?", passage(text, "Les actions du plan"))
    lines = answer.splitlines()
    assert lines[0] == "Le plan impose sept actions aux hôpitaux. [1]"
    assert lines[1:8] == [f"{n}. Action {n} : mesure numéro {n} du plan." for n in range(1, 8)]
    assert lines[8] == "Les échéances sont fixées par l'ARS. [1]"
    assert "liste abrégée" not in answer


def test_same_question_without_list_intent_gets_sentences() -> None:
    text = f"Le plan impose sept actions aux hôpitaux. {ACTIONS}"
    answer = compose("Le plan impose-t-il des mesures aux hôpitaux ?", passage(text))
    assert "\n1. " not in answer and "[1]" in answer


def test_a_list_without_intro_gets_a_cited_first_line() -> None:
    text = "Le prérequis P1 demande une PSSI validée. Le prérequis P2 demande une organisation."
    answer = compose("quels prérequis pour la PSSI ?", passage(text, uncertain=True))
    assert answer.splitlines() == [
        "D'après la source [1] (à confirmer) :",
        "1. Le prérequis P1 demande une PSSI validée.",
        "2. Le prérequis P2 demande une organisation.",
    ]


def test_long_list_is_bounded_and_says_so() -> None:
    items = "\n".join(f"- élément {n} de la liste des pièces" for n in range(1, 15))
    text = f"Le dossier comporte les pièces suivantes :\n{items}"
    answer = compose("quelles sont les pièces du dossier ?", passage(text))
    numbered = [line for line in answer.splitlines() if line[:1].isdigit()]
    assert len(numbered) == MAX_LIST_ITEMS
    assert answer.splitlines()[-1] == LIST_ABRIDGED.format(number=1)


def test_a_long_item_is_cut_with_an_ellipsis_and_a_note() -> None:
    long_item = "la politique de sauvegarde " + "avec ses annexes détaillées " * 20
    text = f"Le dossier comporte les pièces suivantes :\n- la PSSI\n- {long_item.strip()}"
    answer = compose("quelles sont les pièces du dossier ?", passage(text))
    cut = [line for line in answer.splitlines() if line.endswith("…")]
    assert len(cut) == 1 and len(cut[0]) < len(long_item)
    assert "(liste abrégée, voir la source [1])" in answer


def test_an_uncertain_list_is_flagged_on_its_intro() -> None:
    text = "La note comporterait les rubriques suivantes : contexte ; budget ; calendrier."
    answer = compose("quelles rubriques dans la note ?", passage(text, uncertain=True))
    assert answer.splitlines()[0] == (
        "La note comporterait les rubriques suivantes (à confirmer) : [1]"
    )


def test_a_list_of_other_things_is_not_used() -> None:
    text = (
        "Le programme compte quatre domaines : annuaires, continuité, identité, postes de travail."
    )
    answer = compose("quels sont les objectifs du domaine 2 ?", passage(text))
    assert "\n1. " not in answer and "[1]" in answer


def test_date_question_keeps_the_dated_sentence() -> None:
    text = (
        "Le guichet du domaine 2 finance la continuité d'activité des établissements. "
        "Le guichet du domaine 2 a été ouvert aux candidatures du 2 septembre au 31 octobre 2025."
    )
    answer = compose("jusqu'à quand le guichet du domaine 2 est-il ouvert ?", passage(text))
    assert answer.startswith("Le guichet du domaine 2 a été ouvert")
    assert "finance la continuité" not in answer


def test_a_fact_repeated_by_two_passages_is_said_once() -> None:
    first = passage("Le guichet de déclaration du D2 a ouvert le 16 janvier 2026.", "A")
    second = passage("Le guichet de déclaration du D2 a ouvert le 16 janvier 2026.", "B", 0.9)
    answer = compose("quand ouvre le guichet de déclaration du D2 ?", first, second)
    assert answer.count("16 janvier 2026") == 1


# --- composer on the real index -----------------------------------------------------------


@pytest.fixture(scope="module")
def ask(knowledge_index: KnowledgeIndex) -> Callable[[str], str]:
    composer = ExtractiveComposer(analyze_text)

    def answer(question: str) -> str:
        result = knowledge_index.search(question)
        assert result.found
        return composer.compose(result, TODAY).text

    return answer


@pytest.mark.parametrize(
    ("question", "items"),
    [
        (
            "quelles sont les étapes du financement CaRE ?",
            ["Première étape", "Deuxième étape", "Troisième étape", "Quatrième étape",
             "Cinquième étape", "Sixième étape"],
        ),
        (
            "Quelles sont les 7 actions de l'instruction DNS/2025/12 ?",
            ["exercice de crise", "autoévaluation", "audits", "PCA", "qualité", "(RIE)",
             "budget"],
        ),
        (
            "quels sont les axes du programme CaRE ?",
            ["gouvernance et résilience", "ressources et mutualisation", "sensibilisation",
             "sécurité opérationnelle"],
        ),
        (
            "quelles rubriques comporte la note de cadrage HospiConnect ?",
            ["contexte et enjeux", "gouvernance et équipe projet", "calendrier et jalons",
             "plan de communication"],
        ),
        (
            "quels sont les 3 ensembles d'actions de l'instruction DNS/2025/12 ?",
            ["premier ensemble", "deuxième ensemble", "troisième ensemble"],
        ),
        (
            "quelles catégories d'établissements sont éligibles aux guichets D1 et D2 ?",
            ["GHT", "publics hors GHT", "à but non lucratif", "à but lucratif"],
        ),
    ],
)  # fmt: skip
def test_real_list_questions_get_their_items(
    ask: Callable[[str], str], question: str, items: list[str]
) -> None:
    answer = ask(question)
    for item in items:
        assert item in answer, item
    assert "[1]" in answer


@pytest.mark.parametrize(
    ("question", "first_date"),
    [
        ("quelle est la date limite de déclaration d'atteinte du D1 ?", "30 juin 2025"),
        ("quand ouvre le guichet de déclaration d'atteinte du D2 ?", "16 janvier 2026"),
        ("jusqu'à quand les contrôles du D1 ?", "30 septembre 2025"),
    ],
)
def test_real_date_questions_start_with_the_date(
    ask: Callable[[str], str], question: str, first_date: str
) -> None:
    answer = ask(question)
    first_sentence = answer.split(" [")[0]
    assert first_date in first_sentence
