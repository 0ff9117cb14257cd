"""The answer checks on what real models wrote.

Outputs marked REAL were produced by Qwen2.5-Coder-0.5B-Instruct (Q4, llama.cpp, seed 42) or
SmolLM2-135M-Instruct on the assistant's own prompts (scripts/evaluate_llm.py), with the
passages they were given; the others reproduce failures reported in issue 16 on the same data.
"""

from __future__ import annotations

import pytest

from agent.llm.answer_checks import check_answer, number_free_lines
from agent.llm.grounding import Grounded, Rejected
from retrieval import Passage
from tests.agent.llm.conftest import citation

BUDGET = (
    "Le budget annoncé est de 250 M€ pour 2023-2025, avec l'ambition d'atteindre 750 M€ d'ici "
    "2027. D'autres montants circulent (175 M€ cités au Parlement en 2024, plus de 230 M€ selon "
    "un éditeur) mais ce sont des photographies à une date donnée, pas le total (à confirmer). "
    "Aucune ventilation officielle par année n'a été trouvée."
)
COUR = (
    "La Cour des comptes a mesuré que les établissements de santé consacrent environ 1,7 % de "
    "leur budget de fonctionnement au numérique. Ce chiffre éclaire l'action 7 de l'instruction "
    "n° DNS/2025/12 du 22 janvier 2025, qui demande aux établissements sanitaires de calculer "
    "la part de leur budget consacrée au numérique et de la déclarer sur une plateforme "
    "nationale. Affirmer qu'un établissement doit consacrer « au moins 2 % » de son budget au "
    "numérique ne repose sur aucune source officielle retrouvée."
)
PREREQUIS = (
    "prérequis (conditions préalables à une candidature CaRE (P1, P2)) : Conditions à remplir "
    "pour candidater. Pour le D2 : P1 une PSSI validée par le représentant légal et revue "
    "depuis le 16 juillet 2022, P2 une organisation de projet pour le PCRA."
)
SURVEILLANCE = (
    "Ce service cartographie les domaines exposés sur internet, les vulnérabilités détectées et "
    "les fuites de données. La cyber-surveillance de l'ANS fournit un plan de remédiation "
    "priorisé. Ce service complète les audits SILENE de l'ANSSI utilisés pour l'objectif "
    "d'exposition du domaine 1 (D1)."
)
CALENDRIER_D1 = (
    "Les établissements retenus au domaine 1 déclarent l'atteinte des objectifs au plus tard le "
    "31 octobre 2025 sur la plateforme eCaRE. Le financement de 45 millions d'euros est versé "
    "après validation par l'ARS."
)
EHPAD = (
    "Les EHPAD rattachés à un établissement sanitaire sont éligibles au domaine 1 lorsqu'ils "
    "partagent son système d'information."
)


def given(*texts: str) -> tuple[Passage, ...]:
    return tuple(
        Passage(f"p{i}#0", text, citation(f"source-{i}", f"section {i}"), 1.0)
        for i, text in enumerate(texts, start=1)
    )


def check(raw: str, passages: tuple[Passage, ...], question: str, **kw: object) -> object:
    return check_answer(raw, passages, question=question, max_chars=900, **kw)  # type: ignore[arg-type]


def kept(raw: str, passages: tuple[Passage, ...], question: str, **kw: object) -> Grounded:
    result = check(raw, passages, question, **kw)
    assert isinstance(result, Grounded), result
    return result


def rejected(raw: str, passages: tuple[Passage, ...], question: str, **kw: object) -> Rejected:
    result = check(raw, passages, question, **kw)
    assert isinstance(result, Rejected), result
    return result


# -- sentences without content ------------------------------------------------------------------
def test_real_fragments_are_not_an_answer() -> None:  # REAL, Qwen 0.5B, q007
    result = rejected(
        "[2027] 175 M€", given(BUDGET), "combien de M€ au total pour care d'ici 2027"
    )
    assert "no content" in result.reason


def test_real_bare_citation_list_is_not_an_answer() -> None:  # REAL, Qwen 0.5B, q019
    raw = "[1] [2] [3] [1][2] [3] [1][2] [3] [1][2] [3]"
    assert isinstance(check(raw, given(SURVEILLANCE), "exposition internet"), Rejected)


@pytest.mark.parametrize(
    "raw",
    [  # REAL, SmolLM2-135M: the question echoed, the prompt echoed, a loop
        "La question est :\n<question>\nle prérequis P1 du D2 c'est quoi exactement ?",
        "La Question :\nle prérequis P1 du D2 c'est quoi exactement ?\n\nRéponds à la question en "
        "900 caractères, avec ceux qui demandent à l'équipe du D2.",
        "La question est de la question, c'est-ce que la question est de la question.\n\n"
        "La question est de la question, c'est-ce que la question est de la question.",
    ],
)
def test_real_echoes_and_loops_are_rejected(raw: str) -> None:
    rejected(raw, given(PREREQUIS), "le prérequis P1 du D2 c'est quoi exactement ?")


def test_a_sentence_stopping_before_its_point_is_dropped() -> None:  # issue 16's example
    question = "Quelle est la date limite de déclaration des objectifs du D1 ?"
    result = rejected(
        "La date limite de déclaration des objectifs du D1 est [1][2].",
        given(CALENDRIER_D1, BUDGET),
        question,
    )
    assert "no content" in result.reason


def test_repeated_sentences_are_dropped_and_the_rest_kept() -> None:  # REAL, Qwen 0.5B, q025
    raw = (
        "[1] Le service de cyber-surveillance de l'ANS fournit un plan de remédiation priorisé. "
        "Ce service complète les audits SILENE de l'ANSSI.\n\n"
        "[2] Ce service cartographie les domaines exposés sur internet, les vulnérabilités "
        "détectées et les fuites de données. La cyber-surveillance de l'ANS fournit un plan de "
        "remédiation priorisé."
    )
    result = kept(
        raw, given(SURVEILLANCE), "le service de cybersurveillance de l'ANS, ça sert à quoi ?"
    )
    assert result.text.count("plan de remédiation priorisé") == 1
    assert [reason for _, reason in result.dropped] == ["no content (repeats an earlier sentence)"]


# -- line numbering and repair -------------------------------------------------------------------
def test_real_line_numbers_are_not_citations() -> None:  # REAL, Qwen 0.5B, q013
    raw = (
        "[1] La Cour des comptes a mesuré que les établissements de santé consacrent environ "
        "1,7 % de leur budget de fonctionnement au numérique.\n"
        "[2] Ce chiffre éclaire l'action 7 de l'instruction n° DNS/2025/12 du 22 janvier 2025.\n"
        "[3] Affirmer qu'un établissement doit consacrer « au moins 2 % » de son budget au "
        "numérique ne repose sur aucune source officielle retrouvée."
    )
    result = kept(
        raw, given(COUR), "quelle part de leur budget les hôpitaux mettent dans l'informatique ?"
    )
    assert result.cited == (1,)
    assert result.text.startswith("La Cour des comptes a mesuré") and "[2]" not in result.text
    assert result.text.count("[1]") == 3


def test_real_leading_citation_is_moved_and_the_capital_restored() -> None:  # REAL, q001
    raw = (
        "[1] le prérequis P1 du D2 c'est une PSSI validée par le représentant légal et revue "
        "depuis le 16 juillet 2022, P2 une organisation de projet pour le PCRA."
    )
    result = kept(raw, given(PREREQUIS), "le prérequis P1 du D2 c'est quoi exactement ?")
    assert result.text.startswith("Le prérequis P1 du D2 c'est une PSSI")
    assert result.text.endswith("pour le PCRA [1].")


def test_number_free_lines_keeps_citations_at_the_end() -> None:
    assert number_free_lines("[2] un texte [1].\nDeux [3].") == "Un texte [1].\nDeux [3]."


def test_an_uncited_sentence_is_cited_with_the_passage_that_backs_it() -> None:
    result = kept(
        "Les objectifs du domaine 1 sont à déclarer au plus tard le 31 octobre 2025.",
        given(BUDGET, CALENDRIER_D1),
        "Quand déclarer les objectifs du D1 ?",
    )
    assert result.text.endswith("31 octobre 2025 [2].") and result.cited == (2,)


def test_an_uncited_sentence_no_passage_backs_is_dropped() -> None:
    result = rejected(
        "Les objectifs du domaine 1 sont à déclarer avant le 30 juin 2026.",
        given(BUDGET, CALENDRIER_D1),
        "Quand déclarer les objectifs du D1 ?",
    )
    assert "uncited" in result.reason


# -- figures --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence",
    [
        "Le financement du domaine 1 atteint 45 M€ [1].",
        "Le financement du domaine 1 atteint 45 000 000 € [1].",
        "Les objectifs du D1 sont à déclarer au plus tard le 31/10/2025 [1].",
        "Les objectifs du D1 sont à déclarer au plus tard le 2025-10-31 [1].",
        "Les objectifs du D1 sont à déclarer au plus tard en octobre 2025 [1].",
    ],
)
def test_the_same_figure_written_otherwise_is_supported(sentence: str) -> None:
    kept(sentence, given(CALENDRIER_D1), "Quel financement et quel délai pour le D1 ?")


@pytest.mark.parametrize(
    "sentence",
    [
        "Le financement du domaine 1 atteint 40 M€ [1].",
        "Les objectifs du D1 sont à déclarer au plus tard le 31/12/2025 [1].",
        "Les objectifs du D1 sont à déclarer au plus tard le 31 octobre 2026 [1].",
        "Les établissements du D1 reçoivent 45 % du financement [1].",
    ],
)
def test_a_figure_absent_from_the_cited_passage_is_rejected(sentence: str) -> None:
    result = rejected(sentence, given(CALENDRIER_D1), "Quel financement pour le D1 ?")
    assert "figures missing" in result.reason


def test_a_figure_from_another_passage_than_the_cited_one_is_rejected() -> None:
    result = rejected(
        "Le budget annoncé est de 750 M€ d'ici 2027 [2].",
        given(BUDGET, CALENDRIER_D1),
        "Quel budget ?",
    )
    assert "figures missing" in result.reason


def test_real_percentages_and_references_are_checked() -> None:  # REAL wording, q013
    kept(
        "La Cour des comptes mesure environ 1,7 % du budget consacré au numérique, ce qui "
        "éclaire l'action 7 de l'instruction DNS/2025/12 [1].",
        given(COUR),
        "quelle part de leur budget pour l'informatique ?",
    )
    rejected(
        "La Cour des comptes mesure environ 2,5 % du budget consacré au numérique [1].",
        given(COUR),
        "quelle part de leur budget pour l'informatique ?",
    )


# -- words, negation, dispositif ------------------------------------------------------------------
def test_words_the_cited_passage_does_not_have_are_rejected() -> None:
    result = rejected(
        "Le domaine 1 impose un audit annuel par un prestataire qualifié PASSI [1].",
        given(CALENDRIER_D1),
        "Que demande le D1 ?",
    )
    assert "unsupported words" in result.reason


def test_a_negation_the_passage_does_not_have_is_rejected() -> None:  # issue 16: EHPAD
    question = "Un EHPAD est-il éligible au domaine 1 ?"
    result = rejected(
        "Les EHPAD rattachés à un établissement sanitaire ne sont pas éligibles au domaine 1 [1].",
        given(EHPAD),
        question,
    )
    assert "negation" in result.reason
    kept(
        "Oui : les EHPAD rattachés à un établissement sanitaire sont éligibles au domaine 1 [1].",
        given(EHPAD),
        question,
    )


def test_a_sentence_citing_its_passage_then_contradicting_it_is_dropped() -> None:  # issue 16
    raw = (
        "Les EHPAD rattachés à un établissement sanitaire sont éligibles au domaine 1 [1]. "
        "Ils ne partagent pas son système d'information [1]."
    )
    result = kept(raw, given(EHPAD), "Un EHPAD est-il éligible au D1 ?", policy="drop")
    assert "ne partagent pas" not in result.text
    assert [r for _, r in result.dropped] == ["negation mismatch with the cited passage"]
    assert isinstance(
        check(raw, given(EHPAD), "Un EHPAD est-il éligible ?", policy="fallback"), Rejected
    )


def test_another_dispositif_than_the_question_s_is_rejected() -> None:
    d2 = "Le domaine 2 demande des sauvegardes hors ligne. Le domaine 1 demande un audit SILENE."
    question = "Que demande le domaine 2 ?"
    kept("Le domaine 2 demande des sauvegardes hors ligne [1].", given(d2), question)
    result = rejected("Le domaine 1 demande un audit SILENE [1].", given(d2), question)
    assert "other dispositif" in result.reason


# -- the answer must still answer -----------------------------------------------------------------
def test_a_date_question_answered_without_the_date_is_rejected() -> None:
    extractive = "Les objectifs sont déclarés au plus tard le 31 octobre 2025 sur eCaRE. [1]"
    result = rejected(
        "Les établissements retenus au domaine 1 déclarent l'atteinte des objectifs sur la "
        "plateforme eCaRE [1].",
        given(CALENDRIER_D1),
        "Quelle est la date limite de déclaration des objectifs du D1 ?",
        extractive_text=extractive,
    )
    assert "does not answer" in result.reason


# -- second run of the 0.5B model (prompt asking for the citation at the end) ---------------------
ECHEANCES = (
    "L'instruction n° DNS/2025/12, signée le 22 janvier 2025 et publiée au Bulletin officiel le "
    "17 février 2025, fixe sept actions avec une échéance par action ; ces échéances n'ont pas "
    "été retrouvées. Le référentiel d'identification électronique (RIE) tolère le simple "
    "identifiant et mot de passe pour l'accès local jusqu'au 1er janvier 2026 au plus tard."
)
D1_CIBLES = (
    "Le domaine 1 (D1) du programme CaRE poursuit deux cibles techniques. La première cible du "
    "D1 est de reprendre la maîtrise des annuaires techniques, c'est-à-dire en pratique "
    "l'Active Directory (AD). Ces deux cibles ont été jugées prioritaires parce que les attaques "
    "récentes contre les hôpitaux sont entrées par des services exposés sur internet."
)


def test_real_prompt_echo_and_invented_dates_are_dropped() -> None:  # REAL, q055
    raw = (
        "Le programme CaRE (2023-2028) a des prochaines échéances : le 1er janvier 2027, le 1er "
        "janvier 2028, et le 1er janvier 2029.\n\n"
        "Extrait numéro 1 :\n"
        "L'instruction n° DNS/2025/12, signée le 22 janvier 2025 et publiée au Bulletin officiel "
        "le 17 février 2025, fixe sept actions avec une échéance par action ; ces échéances n'ont "
        "pas été retrouvées.\n\nExtrait numéro 2 :"
    )
    question = "quelles sont les prochaines échéances CaRE en 2026 ?"
    fallback = rejected(raw, given(ECHEANCES), question)  # the default: one invented sentence
    assert "uncited" in fallback.reason  # … and the model is not trusted with the rest
    result = kept(raw, given(ECHEANCES), question, policy="drop")
    assert "2027" not in result.text and "Extrait" not in result.text
    assert result.text.startswith("L'instruction n° DNS/2025/12") and result.cited == (1,)
    reasons = [reason for _, reason in result.dropped]
    assert reasons.count("no content (citations or a fragment only)") == 2
    assert "uncited, and no given passage backs it" in reasons


def test_real_domain_swapped_for_the_question_s_is_dropped() -> None:  # REAL, q019
    raw = (
        "Le domaine 2 du programme CaRE poursuit deux cibles techniques. La première cible du D1 "
        "est de reprendre la maîtrise des annuaires techniques, c'est-à-dire en pratique "
        "l'Active Directory (AD). Ces deux cibles ont été jugées prioritaires parce que les "
        "attaques récentes contre les hôpitaux sont entrées par des services exposés sur "
        "internet."
    )
    result = rejected(raw, given(D1_CIBLES), "care domaine 2 active directory exposition internet")
    reasons = [reason for _, reason in result.dropped]
    assert reasons == [
        "uncited, and no given passage backs it",  # « domaine 2 » where the passage says D1
        "uncited, and no given passage backs it",  # a D1 sentence for a D2 question
        "no content (refers to a sentence left out)",  # « Ces deux cibles » → which ones?
    ]


def test_negation_is_compared_clause_by_clause() -> None:  # REAL wording, q055
    question = "quelles échéances pour l'instruction DNS/2025/12 ?"
    kept(
        "L'instruction n° DNS/2025/12 fixe sept actions avec une échéance par action ; ces "
        "échéances n'ont pas été retrouvées [1].",
        given(ECHEANCES),
        question,
    )
    rejected(
        "L'instruction n° DNS/2025/12 ne fixe pas sept actions ; ces échéances n'ont pas été "
        "retrouvées [1].",
        given(ECHEANCES),
        question,
    )


# -- wrong statements the first version of the checks let through (REAL, Qwen 0.5B) ---------------
DEBEX = (
    "DEBEX (début de l'exercice) : Signal qui marque le lancement d'un exercice de crise dans le "
    "chronogramme. Le guide ANSSI/CCA organise la préparation de DEBEX jusqu'à FINEX."
)
ARRETE = (
    "L'arrêté du 10 janvier 2025 a été publié au Journal officiel n° 0015 du 18 janvier 2025. "
    "L'arrêté du 10 janvier 2025 porte sur un financement de la continuité et de la reprise "
    "d'activité, sur atteinte d'objectifs, opéré par l'ANS."
)


@pytest.mark.parametrize(
    "sentence",
    [  # passage words recombined into false definitions (q109)
        "Débex est un exercice de crise cyber en établissement de santé [1].",
        "Finex est le dernier exercice de crise dans le chronogramme [1].",
    ],
)
def test_real_recombined_words_are_rejected(sentence: str) -> None:
    result = rejected(sentence, given(DEBEX), "DEBEX / FINEX ça veut dire quoi")
    assert "words" in result.reason


def test_real_swapped_subject_is_rejected() -> None:  # q073: « montant » for « arrêté »
    question = "l'arrêté du 10 janvier 2025, il concerne quoi ?"
    rejected(
        "Le montant du 10 janvier 2025 concerne un financement de la continuité et de la reprise "
        "d'activité sur atteinte d'objectifs, opéré par l'ANS [1].",
        given(ARRETE),
        question,
    )
    kept(
        "L'arrêté du 10 janvier 2025 porte sur un financement de la continuité et de la reprise "
        "d'activité, opéré par l'ANS [1].",
        given(ARRETE),
        question,
    )


def test_real_prompt_layout_echo_is_no_content() -> None:  # q073
    result = rejected(
        "Extrait numéro 3 - Source: arretes-care [1].",
        given(ARRETE),
        "l'arrêté du 10 janvier 2025, il concerne quoi ?",
    )
    assert "prompt's layout" in result.reason


def test_common_words_of_the_question_may_be_restated() -> None:  # q085
    passage = (
        "DNS/2025/12 : instruction adressée aux DG d'ARS qui impose sept actions prioritaires "
        "de SSI aux établissements sanitaires, publiée au BO du 17 février 2025."
    )
    kept(
        "La date de parution au BO de l'instruction DNS/2025/12 sur les actions prioritaires "
        "est le 17 février 2025 [1].",
        given(passage),
        "date de parution au BO de l'instruction DNS sur les actions prioritaires",
    )
    rejected(  # but not a name: « EHPAD » is not in the passage
        "Les EHPAD reçoivent l'instruction DNS/2025/12 [1].",
        given(passage),
        "les EHPAD reçoivent-ils l'instruction DNS/2025/12 ?",
    )
