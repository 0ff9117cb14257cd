"""The letter's French: articles and elision from the establishment's name, the salutation and
closing formula from the recipient, the establishment's role in its GHT only from an explicit
answer; and the budget's optional amounts left empty stay empty."""

from __future__ import annotations

from typing import Any

import pytest

from drafting import DossierDrafter
from drafting.french_names import (
    appellation,
    closing_formula,
    de_name,
    in_sentence,
    recipient_lines,
)
from drafting.outline import Table


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Centre hospitalier de Montville", "du Centre hospitalier de Montville"),
        ("CH de Montville", "du CH de Montville"),
        ("CHU de Rennes", "du CHU de Rennes"),
        ("Hôpital Saint-Louis", "de l'Hôpital Saint-Louis"),
        ("Hôtel-Dieu de Lyon", "de l'Hôtel-Dieu de Lyon"),
        ("Institut Curie", "de l'Institut Curie"),
        ("EHPAD Les Tilleuls", "de l'EHPAD Les Tilleuls"),
        ("Établissement public de santé mentale", "de l'Établissement public de santé mentale"),
        ("Clinique des Lilas", "de la Clinique des Lilas"),
        ("Fondation Rothschild", "de la Fondation Rothschild"),
        ("Haute Autorité de santé", "de la Haute Autorité de santé"),
        ("Hospices civils de Lyon", "des Hospices civils de Lyon"),
        ("Hôpitaux de Saint-Maurice", "des Hôpitaux de Saint-Maurice"),
        ("Le Vinatier", "du Vinatier"),
        ("La Clinique du Parc", "de la Clinique du Parc"),
        ("Les Hôpitaux de Chartres", "des Hôpitaux de Chartres"),
        ("L'Hôpital Foch", "de l'Hôpital Foch"),
        ("AP-HP", "de l'AP-HP"),
        ("Groupe hospitalier Nord-Essonne", "du Groupe hospitalier Nord-Essonne"),
        ("Saint-Joseph", "de Saint-Joseph"),
    ],
)
def test_de_and_its_article_come_from_the_name(name: str, expected: str) -> None:
    assert de_name(name) == expected


@pytest.mark.parametrize(
    "recipient, expected",
    [
        ("Monsieur le directeur général de l'ARS Île-de-France", "Monsieur le directeur général"),
        ("Madame la directrice générale de l'ARS Grand Est", "Madame la directrice générale"),
        ("Madame Sophie Durand, directrice générale de l'ARS", "Madame la directrice générale"),
        (
            "Monsieur Paul Martin, administrateur provisoire",
            "Monsieur l'administrateur provisoire",
        ),
        ("Monsieur le Préfet", "Monsieur le Préfet"),
        ("Monsieur Martin", "Monsieur"),
        ("ARS Bretagne", "Madame, Monsieur"),
        (
            "Madame, Monsieur le directeur général de l'agence régionale de santé",
            "Madame, Monsieur le directeur général",
        ),
    ],
)
def test_salutation_and_closing_come_from_the_recipient(recipient: str, expected: str) -> None:
    assert appellation(recipient) == expected
    assert closing_formula(recipient) == (
        f"Je vous prie d'agréer, {expected}, l'expression de ma considération distinguée."
    )


def test_recipient_block_and_functions_in_a_sentence() -> None:
    assert recipient_lines("Monsieur le directeur général de l'ARS Île-de-France") == [
        "Monsieur le directeur général",
        "de l'ARS Île-de-France",
    ]
    assert recipient_lines("ARS Bretagne, pôle offre de soins") == [
        "ARS Bretagne",
        "pôle offre de soins",
    ]
    assert in_sentence("Directrice générale") == "directrice générale"
    assert in_sentence("RSSI du GHT") == "RSSI du GHT"


def letter_text(drafter: DossierDrafter, answers: dict[str, Any]) -> str:
    outline = drafter.outline("lettre_engagement", drafter.validate("lettre_engagement", answers))
    return "\n".join(outline.text_blocks())


def test_the_role_in_the_ght_is_stated_only_from_an_explicit_answer(
    drafter: DossierDrafter, lettre: dict[str, Any]
) -> None:
    text = letter_text(drafter, lettre)
    assert (
        "représentante légale du Centre hospitalier de Montville, établissement support du GHT "
        "Seine-et-Forêts, m'engage, pour le compte du groupement, à :" in text
    )
    del lettre["etablissement"]["role_ght"]
    text = letter_text(drafter, lettre)
    assert "support" not in text and "groupement" not in text
    assert "du Centre hospitalier de Montville, m'engage, au nom de l'établissement, à :" in text
    lettre["etablissement"]["role_ght"] = "partie"
    assert "établissement partie au GHT Seine-et-Forêts, m'engage, au nom de" in letter_text(
        drafter, lettre
    )
    del lettre["etablissement"]["ght"]  # a role without a GHT says nothing
    assert "GHT" not in letter_text(drafter, lettre).split("Annexe")[0]


def test_the_wording_follows_the_signatory_and_the_recipient(
    drafter: DossierDrafter, lettre: dict[str, Any]
) -> None:
    lettre["representant_legal"].update(
        civilite="Monsieur", nom="Paul Durand", fonction="Directeur"
    )
    lettre["etablissement"]["raison_sociale"] = "Hôpital Saint-Louis"
    lettre["destinataire"] = "Madame Sophie Leroy, directrice générale de l'ARS Bretagne"
    text = letter_text(drafter, lettre)
    assert (
        "Je soussigné Paul Durand, directeur, représentant légal de l'Hôpital Saint-Louis" in text
    )
    assert "engagement de l'Hôpital Saint-Louis pour le projet" in text
    assert "\nMadame la directrice générale,\n" in text
    assert "Je vous prie d'agréer, Madame la directrice générale, l'expression" in text
    del lettre["destinataire"]
    text = letter_text(drafter, lettre)
    assert "\nMadame, Monsieur le directeur général,\n" in text


def test_an_optional_tva_left_empty_stays_empty(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    del fiche["budget"][2]["tva"]
    outline = drafter.outline("fiche_projet", drafter.validate("fiche_projet", fiche))
    budget = next(
        b for b in outline.blocks if isinstance(b, Table) and b.header[0] == "Poste de dépense"
    )
    line = budget.rows[2]
    assert line[0] == "Exercice de crise et test de PCA"
    assert line[2:4] == ("—", "—")  # no invented 0,00 €, no TTC = HT
    assert budget.total is not None and budget.total[2:4] == ("—", "—")
    text = "\n".join(outline.text_blocks())
    assert "TVA non renseignée pour 1 poste(s)" in text
    assert "Reste à la charge de l'établissement\n—" in text
