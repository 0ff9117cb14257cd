"""Question understanding: dispositifs named or implied, intents, follow-ups (table-driven)."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts import Ask, FactBase, Previous, item_reference, load_fact_base, understand

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="module")
def base() -> FactBase:
    return load_fact_base(KNOWLEDGE)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("date limite du guichet D2 ?", ("D2",)),
        ("quels objectifs pour le domaine 2 ?", ("D2",)),
        ("le d2 c'est pour quand", ("D2",)),
        ("guichet 2 : qui peut candidater ?", ("D2",)),
        ("D2.O1.C, c'est quoi ?", ("D2",)),
        ("Quand ouvre le D1 bis ?", ("D1bis",)),
        ("domaine 1 bis : bénéficiaires ?", ("D1bis",)),
        ("prérequis du D1 ?", ("D1",)),
        ("audit des annuaires techniques", ("D1",)),
        ("HOP'EN 2 jusqu'à quand ?", ("HospiConnect",)),
        ("candidature hospiconnect", ("HospiConnect",)),
        ("exercices de crise cyber : obligatoires ?", ("exercice_crise",)),
        ("les 7 actions de l'instruction DNS/2025/12", ("DNS-2025-12",)),
        ("c'est quoi la PGSSI-S ?", ("PGSSI-S",)),
        ("la loi de transposition NIS 2 est-elle adoptée ?", ("NIS2",)),
        ("différence entre le D1 et le D2 ?", ("D1", "D2")),
        ("Qu'est-ce que le programme CaRE ?", ()),
        ("Quel est le salaire d'un RSSI ?", ()),
    ],
)
def test_dispositifs_named(base: FactBase, question: str, expected: tuple[str, ...]) -> None:
    assert understand(question, base.catalogue).dispositifs == expected


def test_care_alone_is_the_programme_and_restricts_nothing(base: FactBase) -> None:
    meaning = understand("budget de CaRE ?", base.catalogue)
    assert meaning.dispositifs == () and meaning.programme


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("date limite du guichet D2 ?", [Ask("date", None, "end")]),
        ("jusqu'à quand peut-on candidater au D2 ?", [Ask("date", "candidature", "end")]),
        ("quand ouvre la déclaration d'atteinte du D2 ?", [Ask("date", "declaration", "start")]),
        ("quand serons-nous payés pour le D1 ?", [Ask("date", "paiement", None)]),
        ("quand l'arrêté du D2 a-t-il été publié ?", [Ask("date", "arrete", None)]),
        ("enveloppe du D1 ?", [Ask("amount", "enveloppe")]),
        ("combien va toucher notre établissement pour le D2 ?",
         [Ask("amount", "montant_etablissement")]),
        ("montant et date limite du D2",  # in the order asked
         [Ask("amount", "enveloppe"), Ask("date", None, "end")]),
        ("Quand ouvre le D1 bis et qui peut y candidater ?",
         [Ask("date", "candidature", "start"), Ask("eligibility", "beneficiaires")]),
        ("Quels sont les prérequis du D2 ?", [Ask("list", "prerequis")]),
        ("prérequis du D1 ?", [Ask("list", "prerequis")]),
        ("Quelles preuves déposer pour la déclaration d'atteinte du D2 ?",
         [Ask("list", "preuves")]),
        ("quels objectifs pour le D2 ?", [Ask("list", "objectifs")]),
        ("Quelles sont les actions de l'instruction DNS/2025/12 ?", [Ask("list", "actions")]),
        ("Sommes-nous éligibles au D2 ?", [Ask("eligibility", "beneficiaires")]),
        ("Le D2 est-il ouvert aux ESMS ?", [Ask("eligibility", "beneficiaires")]),
        ("qui dépose le dossier pour un GHT ?", [Ask("who", "depot")]),
        ("à qui s'adresser pour le D1 bis ?", [Ask("who", "contacts")]),
        ("C'est quoi le PCRA ?", [Ask("definition")]),
        ("que veut dire BIA ?", [Ask("definition")]),
        ("Comment candidater au domaine 2 ?", [Ask("howto", "depot")]),
        ("combien d'établissements ont candidaté au D1 ?", [Ask("count")]),
    ],
)  # fmt: skip
def test_intents(base: FactBase, question: str, expected: list[Ask]) -> None:
    assert list(understand(question, base.catalogue).asks) == expected


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("et la 4e action, c'est pour quand ?", 4),
        ("la quatrième action ?", 4),
        ("l'action 3 est-elle obligatoire ?", 3),
        ("et la dernière étape ?", -1),
        ("le 2ème objectif ?", 2),
        ("quelles sont les actions ?", None),
    ],
)
def test_item_references(question: str, number: int | None) -> None:
    assert item_reference(question) == number


def test_a_followup_keeps_the_previous_dispositif_with_its_own_intent(base: FactBase) -> None:
    previous = Previous(dispositifs=("D2",), asks=(Ask("list", "prerequis"),))
    meaning = understand("et la date limite ?", base.catalogue, previous)
    assert meaning.dispositifs == ("D2",) and meaning.asks == (Ask("date", None, "end"),)
    assert meaning.inherited


def test_a_followup_naming_another_dispositif_keeps_the_previous_intent(
    base: FactBase,
) -> None:
    previous = Previous(dispositifs=("D2",), asks=(Ask("list", "prerequis"),))
    meaning = understand("et pour le D1 ?", base.catalogue, previous)
    assert meaning.dispositifs == ("D1",) and meaning.asks == (Ask("list", "prerequis"),)


def test_a_followup_points_at_an_item_of_the_previous_list(base: FactBase) -> None:
    items = ("exercice annuel", "autoévaluation", "audits", "PCA et PRA", "qualité")
    previous = Previous(("DNS-2025-12",), (Ask("list", "actions"),), items)
    meaning = understand("et la 4e action, c'est pour quand ?", base.catalogue, previous)
    assert meaning.item == 4 and meaning.item_text == "PCA et PRA"
    assert meaning.item_noun == "action" and meaning.dispositifs == ("DNS-2025-12",)
    assert meaning.asks == (Ask("date", None, None),)


def test_a_new_question_does_not_inherit(base: FactBase) -> None:
    previous = Previous(dispositifs=("D2",), asks=(Ask("list", "prerequis"),))
    meaning = understand("Qu'est-ce que la PGSSI-S ?", base.catalogue, previous)
    assert meaning.dispositifs == ("PGSSI-S",) and not meaning.inherited
    assert understand("C'est quoi un GHT ?", base.catalogue, previous).dispositifs == ()


def test_other_family_is_no_conflict_same_family_is(base: FactBase) -> None:
    catalogue = base.catalogue
    assert catalogue.conflicts(("D2",), ("D1",))
    assert catalogue.conflicts(("D1bis",), ("D1",))
    assert not catalogue.conflicts(("D2",), ("D1", "D2"))
    assert not catalogue.conflicts(("D2",), ("DNS-2025-12",))
    assert not catalogue.conflicts(("D2",), ())
    assert not catalogue.conflicts((), ("D1",))
