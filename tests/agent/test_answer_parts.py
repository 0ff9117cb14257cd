"""Small parts of the answer pipeline: sentence cutting, named texts and years, question cores,
near-domain topics (table-driven)."""

from __future__ import annotations

import pytest

from agent.question_core import question_core
from agent.references import conflicts, named_references
from agent.sentences import split_sentences
from facts import load_fact_base
from tests.conftest import KNOWLEDGE_DIR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "objectif (à atteindre pour être financé (ex. D2.O1.C, O3.C)) : résultat. Suite.",
            ["objectif (à atteindre pour être financé (ex. D2.O1.C, O3.C)) : résultat.", "Suite."],
        ),
        ("Par A. Rousseau et J.-N. Barrot. Fin.", ["Par A. Rousseau et J.-N. Barrot.", "Fin."]),
        ("Voir l'art. 3 du décret. Puis le n° 2.", ["Voir l'art. 3 du décret.", "Puis le n° 2."]),
        ("Premier point ; Deuxième point.", ["Premier point ;", "Deuxième point."]),
        ("- item un\n- item deux", ["item un", "item deux"]),
        ("« Citation. Encore » puis suite.", ["« Citation. Encore » puis suite."]),
    ],
)  # fmt: skip
def test_sentences_are_cut_where_a_reader_would(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_texts_and_years_named_by_a_question() -> None:
    named = named_references("décret 2018-137 et instruction DNS/2025/12, chiffres en 2024 ?")
    assert named == {
        "decret": {"2018-137"},
        "instruction": {"DNS/2025/12".lower()},
        "year": {"2024"},
    }
    assert named_references("arrêté du 28 mars 2022")["arrete"] == {"28 mars 2022"}


@pytest.mark.parametrize(
    ("question", "sentence", "conflict"),
    [
        ("decret 2018-137", "Le décret n° 2022-715 étend l'obligation.", True),
        ("decret 2018-137", "La certification HDS est définie par le décret n° 2018-137.", False),
        ("decret 2018-137", "Le CERT Santé analyse les incidents.", False),
        ("signalements en 2024 ?", "581 signalements en 2023.", True),
        ("signalements en 2024 ?", "749 signalements en 2024, contre 581 en 2023.", False),
    ],
)
def test_a_sentence_naming_only_other_texts_conflicts(
    question: str, sentence: str, conflict: bool
) -> None:
    assert conflicts(named_references(question), sentence) is conflict


def test_the_core_of_a_chatty_question_keeps_what_is_asked_and_the_dispositifs() -> None:
    question = (
        "Bonjour, je viens d'arriver dans un CH de 400 lits et tout le monde me parle de CaRE. "
        "Vous pouvez m'expliquer ce que c'est et qui le pilote ?"
    )
    core = question_core(question, ["CaRE"])
    assert core == "Vous pouvez m'expliquer ce que c'est et qui le pilote ? CaRE"
    assert question_core("Quels sont les prérequis du D2 ?", ["D2"]) is None
    assert question_core(
        "On s'est fait chiffrer un serveur cette nuit, à qui le dire ?", (), "signalement"
    ) == ("On s'est fait chiffrer un serveur cette nuit, à qui le dire ? signalement")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Quelle amende RGPD pour une fuite de données ?", "rgpd"),
        ("Combien coûte une certification HDS ?", "hds"),
        ("HDS v2 date limite de migration", None),
        ("Quelles sanctions NIS2 pour une entité essentielle ?", "nis2"),
        ("Les hôpitaux sont-ils concernés par NIS2 ?", None),
        ("Comment configurer l'authentification à deux facteurs sur Citrix ?", "produits"),
        ("teletravail acces distant 2FA obligatoire ?", None),
        ("Quels sont les signes d'un AVC ?", "medical"),
        ("Nous subissons un rançongiciel en ce moment, que faire ?", "attaque_en_cours"),
        ("Quel identifiant pour me connecter à eCaRE ?", "dossier_care"),
        ("Quels sont les prérequis du D2 ?", None),
    ],
)
def test_near_domain_topics(question: str, topic: str | None) -> None:
    found = load_fact_base(KNOWLEDGE_DIR).topic(question)
    assert (found.id if found else None) == topic


def test_an_urgent_topic_answers_only_the_aspects_the_base_covers() -> None:
    attack = next(t for t in load_fact_base(KNOWLEDGE_DIR).topics if t.urgent)
    assert attack.answered(
        "On s'est fait chiffrer un serveur cette nuit, on doit déclarer à qui ?"
    )
    assert not attack.answered(
        "Un attaquant est dans notre réseau en ce moment, comment le bloquer ?"
    )
