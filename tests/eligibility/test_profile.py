"""Profile validation: every problem is reported with its field and a French reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from care_common.finess import finess_key_ok
from eligibility import ProfileError, parse_profile
from eligibility.values import parse_date, validate_finess
from tests.eligibility.conftest import CORSE_2A, CORSE_2B, EG1, EG2, ES_OK, GHT_SUPPORT, TODAY

IDS = ("D1", "D1bis", "D2", "HospiConnect", "exercice_crise")


def problems(data: Any) -> dict[str, str]:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, TODAY, IDS)
    assert caught.value.exit_code == 2
    return {p.field: p.reason for p in caught.value.problems}


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"categorie": "hopital"}, "categorie", "catégorie inconnue « hopital »"),
        ({"pssi_revue_le": "2024-02-30"}, "pssi_revue_le", "n'existe pas"),
        ({"pssi_revue_le": "31/04/2024"}, "pssi_revue_le", "n'existe pas"),
        ({"pssi_revue_le": "mars 2024"}, "pssi_revue_le", "JJ/MM/AAAA"),
        ({"pssi_revue_le": "2026-11-29"}, "pssi_revue_le", "dans le futur"),
        ({"finess_ej": "750712185"}, "finess_ej", "clé de contrôle"),
        ({"finess_ej": "2A0000017"}, "finess_ej", "clé de contrôle"),
        ({"finess_ej": "75071218"}, "finess_ej", "9 caractères (ici 8)"),
        ({"finess_ej": "200000005"}, "finess_ej", "code de département"),
        ({"finess_ej": "2C0000016"}, "finess_ej", "2A ou 2B"),
        ({"finess_ej": ["750712184"]}, "finess_ej", "numéro FINESS attendu"),
        ({"finess_eg": "750712184"}, "finess_eg", "une liste est attendue"),
        ({"finess_eg": [EG1, EG1]}, "finess_eg[2]", "figure deux fois"),
        ({"organisation_pcra": "peut-être"}, "organisation_pcra", "oui ou par non"),
        (
            {"categorie": "es_prive_lucratif", "etablissement_support": True},
            "etablissement_support",
            "qu'à la catégorie « ght »",
        ),
        (
            {
                "finess_eg": [EG1, EG2],
                "activite": [{"finess_eg": EG1, "part": 80}, {"finess_eg": EG2, "part": 30}],
            },
            "activite",
            "la somme des parts (110 %) dépasse 100 %",
        ),
        (
            {"finess_eg": [EG1], "activite": [{"finess_eg": EG1, "part": 120}]},
            "activite[1].part",
            "entre 0 et 100",
        ),
        (
            {"finess_eg": [EG1], "activite": [{"finess_eg": EG1, "part": -1}]},
            "activite[1].part",
            "entre 0 et 100",
        ),
        (
            {"finess_eg": [EG1], "activite": [{"finess_eg": EG2, "part": 10}]},
            "activite[1].finess_eg",
            "ne figure pas dans la liste finess_eg",
        ),
        (
            {"finess_eg": [EG1], "activite": [{"finess_eg": EG1}]},
            "activite[1].part",
            "valeur manquante",
        ),
        (
            {"finess_eg": [EG1], "activite": [{"finess_eg": EG1, "part": 5, "site": "x"}]},
            "activite[1].site",
            "clé inconnue",
        ),
        ({"activite": [{"finess_eg": EG1, "part": 5}]}, "activite", "renseignez aussi finess_eg"),
        ({"dispositifs": ["D3"]}, "dispositifs[1]", "dispositif inconnu « D3 »"),
        ({"dispositifs": []}, "dispositifs", "liste vide"),
        ({"categori": "ght"}, "categori", "vouliez-vous dire « categorie » ?"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_invalid_value_is_reported_with_its_field(data: Any, field: str, reason: str) -> None:
    found = problems(data)
    assert field in found, found
    assert reason in found[field]


def test_all_problems_are_reported_together() -> None:
    found = problems(
        {
            "categorie": "hopital",
            "finess_ej": "750712185",
            "pssi_revue_le": "2024-02-30",
            "commentaire": "x",
        }
    )
    assert set(found) == {"categorie", "finess_ej", "pssi_revue_le", "commentaire"}
    with pytest.raises(ProfileError) as caught:
        parse_profile({"categorie": "x", "commentaire": 1}, TODAY, IDS)
    assert caught.value.user_message.startswith("Le profil contient 2 erreurs :\n• ")


def test_not_a_mapping() -> None:
    assert "profil" in problems(["categorie", "ght"])


def test_valid_profile_round_trips() -> None:
    profile = parse_profile(GHT_SUPPORT, TODAY, IDS)
    assert profile.pssi_revue_le == date(2024, 3, 15)
    assert profile.covered_share() == Decimal(70)
    assert parse_profile(profile.to_dict(), TODAY, IDS) == profile
    assert profile.to_dict()["activite"] == [
        {"finess_eg": EG1, "part": 50},
        {"finess_eg": EG2, "part": 20},
    ]


def test_friendly_spellings_are_accepted() -> None:
    profile = parse_profile(
        {
            **ES_OK,
            "categorie": "ES-prive-lucratif",
            "pssi_validee_representant_legal": "Oui",
            "organisation_pcra": "non",
            "pssi_revue_le": date(2024, 3, 15),
            "finess_ej": "75 071 218 4",
            "dispositifs": ["d1 bis", "D2", "d2"],
        },
        TODAY,
        IDS,
    )
    assert profile.categorie == "es_prive_lucratif"
    assert (profile.pssi_validee_representant_legal, profile.organisation_pcra) == (True, False)
    assert profile.finess_ej == EG1
    assert profile.dispositifs == ("D1bis", "D2")


def test_shares_tolerate_rounding() -> None:
    egs = [EG1, EG2, "690000047"]
    data: dict[str, Any] = {
        "finess_eg": egs,
        "activite": [
            {"finess_eg": e, "part": p} for e, p in zip(egs, (33.4, 33.3, 33.7), strict=True)
        ],
    }
    assert parse_profile(data, TODAY, IDS).covered_share() == Decimal("100.4")
    data["activite"][2]["part"] = 33.9
    assert "activite" in problems(data)


def test_null_means_unknown() -> None:
    assert parse_profile({"categorie": None, "pssi_revue_le": None}, TODAY, IDS).categorie is None


@pytest.mark.parametrize("number", [EG1, EG2, CORSE_2A, CORSE_2B, "2a0000016", "970421038"])
def test_valid_finess(number: str) -> None:
    assert validate_finess(number) == number.upper()


def test_finess_key() -> None:
    assert finess_key_ok("750712184") and not finess_key_ok("750712185")
    # Corsica: A/B count as 0 in the key computation (documented assumption)
    assert finess_key_ok(CORSE_2A)


def test_dates() -> None:
    assert parse_date("15/03/2024") == parse_date("2024-03-15") == date(2024, 3, 15)
    assert parse_date("1.6.2021") == date(2021, 6, 1)
    assert parse_date("1er juin 2021") == date(2021, 6, 1)
