"""Whole-document validation: required fields, invalid values named by field path, milestones
in order and inside the dispositif's window, budget consistency."""

from __future__ import annotations

from typing import Any

from drafting import AnswersRejected, DossierDrafter, ValidationReport


def fields(report: ValidationReport, kind: str) -> list[str]:
    return [p.field for p in report.problems if p.kind == kind]


def test_the_example_files_are_complete_and_valid(
    drafter: DossierDrafter, fiche: dict[str, Any], lettre: dict[str, Any]
) -> None:
    assert drafter.validate("fiche_projet", fiche).problems == ()
    assert drafter.validate("lettre_engagement", lettre).problems == ()


def test_one_answers_file_serves_both_documents(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche.update(lieu="Montville", date="15/01/2026")
    report = drafter.validate("lettre_engagement", fiche)
    assert report.complete and not report.warnings  # fiche keys are known, not "unknown"


def test_normalized_values(drafter: DossierDrafter, fiche: dict[str, Any]) -> None:
    normalized = drafter.validate("fiche_projet", fiche).normalized
    assert normalized["budget"][1]["montant_ht"] == "12500.50"
    assert normalized["budget"][0]["tva"] == "20%"
    assert normalized["calendrier"][0]["date"] == "2026-02-02"
    assert normalized["chef_de_projet"]["telephone"] == "01 64 00 12 34"
    assert normalized["objectifs"][0]["source"] == "care-d2-continuite-reprise"


def test_missing_is_not_invalid(drafter: DossierDrafter) -> None:
    report = drafter.validate("fiche_projet", {"titre": "Projet"})
    assert not report.invalid
    assert {"dispositif", "etablissement.finess_ej", "objectifs", "budget"} <= set(
        fields(report, "missing")
    )
    assert "etablissement.siret" not in fields(report, "missing")  # optional


def test_invalid_finess_siret_email_are_named(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["etablissement"]["finess_ej"] = "770001239"
    fiche["etablissement"]["finess_eg"] = ["770104560", "12"]
    fiche["etablissement"]["siret"] = "26770123400011"
    fiche["chef_de_projet"]["email"] = "karim@"
    report = drafter.validate("fiche_projet", fiche)
    assert fields(report, "invalid") == [
        "etablissement.finess_ej",
        "etablissement.finess_eg",
        "etablissement.siret",
        "chef_de_projet.email",
    ]
    first = report.invalid[0].message
    assert first.startswith("FINESS juridique (EJ) : ") and "clé de contrôle" in first


def test_invalid_amounts_are_named_with_their_item(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["budget"][2]["montant_ht"] = "-6000"
    fiche["budget"][1]["tva"] = "2 500,105"
    report = drafter.validate("fiche_projet", fiche)
    invalid = {p.field: p.message for p in report.invalid}
    assert "budget[2].montant_ht" in invalid
    assert invalid["budget[2].montant_ht"].startswith(
        "Budget prévisionnel n° 3 — Montant HT (€) :"
    )
    assert "négatif" in invalid["budget[2].montant_ht"]
    assert "2 décimales" in invalid["budget[1].tva"]


def test_requested_funding_cannot_exceed_the_line_or_the_total(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["budget"][2]["financement_demande"] = "6 000,01"
    fiche["autres_financements"][0]["montant"] = "100000"
    report = drafter.validate("fiche_projet", fiche)
    invalid = {p.field: p.message for p in report.invalid}
    assert "dépasse le coût TTC du poste" in invalid["budget[2].financement_demande"]
    assert "dépasse le coût total TTC" in invalid["autres_financements"]


def test_milestones_must_be_in_order(drafter: DossierDrafter, fiche: dict[str, Any]) -> None:
    fiche["calendrier"][2]["date"] = "01/03/2026"
    report = drafter.validate("fiche_projet", fiche)
    assert fields(report, "invalid") == ["calendrier[2].date"]
    assert "ordre chronologique" in report.invalid[0].message


def test_dates_must_fall_inside_the_dispositif_window(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["calendrier"][0]["date"] = "01/07/2025"  # D2 phase starts 16/07/2025
    report = drafter.validate("fiche_projet", fiche)
    assert fields(report, "invalid") == ["calendrier[0].date"]
    assert "care-calendrier" in report.invalid[0].message

    fiche["calendrier"][0]["date"] = "02/02/2026"
    fiche["dispositif"] = "D1"  # D1 ended on 30/06/2025: every 2026 date is outside
    report = drafter.validate("fiche_projet", fiche)
    assert "objectifs[0].echeance" in fields(report, "invalid")
    assert "30/06/2025" in report.invalid[0].message

    fiche["dispositif"] = "autre"  # no known window
    assert drafter.validate("fiche_projet", fiche).complete


def test_fields_of_another_dispositif_are_ignored(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["pssi_date_validation"] = "01/01/2020"  # before the 16/07/2022 minimum of D2
    assert fields(drafter.validate("fiche_projet", fiche), "invalid") == ["pssi_date_validation"]
    fiche["dispositif"] = "autre"
    assert drafter.validate("fiche_projet", fiche).complete


def test_wrong_shapes_and_unknown_keys(drafter: DossierDrafter, fiche: dict[str, Any]) -> None:
    fiche["etablissement"] = "CH de Montville"
    fiche["objectifs"] = "tout"
    fiche["budjet"] = []
    fiche["calendrier"][0]["jallon"] = "x"
    report = drafter.validate("fiche_projet", fiche)
    assert {"etablissement", "objectifs"} <= set(fields(report, "invalid"))
    assert set(fields(report, "warning")) == {"budjet", "calendrier[0].jallon"}


def test_commitments_must_exist_for_the_dispositif(
    drafter: DossierDrafter, lettre: dict[str, Any]
) -> None:
    lettre["engagements"] = ["preuves", "d1-audit-ad"]
    report = drafter.validate("lettre_engagement", lettre)
    assert fields(report, "invalid") == ["engagements"]
    assert "d1-audit-ad" in report.invalid[0].message


# -- feedback: every problem once, all at once ----------------------------------------------------
def test_an_impossible_date_gives_one_error_not_a_second_out_of_order(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["calendrier"][1]["date"] = "31/02/2026"
    report = drafter.validate("fiche_projet", fiche)
    assert [(p.field, p.kind) for p in report.problems] == [("calendrier[1].date", "invalid")]
    assert "31/02/2026 n'existe pas" in report.problems[0].message


def test_an_invalid_amount_gives_one_error_not_a_second_budget_rule(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["budget"][0]["montant_ht"] = "quarante-huit mille"
    report = drafter.validate("fiche_projet", fiche)
    assert [p.field for p in report.problems] == ["budget[0].montant_ht"]


def test_dates_in_words_are_accepted(drafter: DossierDrafter, fiche: dict[str, Any]) -> None:
    fiche["calendrier"][0]["date"] = "2 février 2026"
    fiche["calendrier"][1]["date"] = "1er avril 2026"
    report = drafter.validate("fiche_projet", fiche)
    assert report.problems == ()
    assert [j["date"] for j in report.normalized["calendrier"][:2]] == ["2026-02-02", "2026-04-01"]


def test_a_skipped_optional_tva_stays_unknown(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    del fiche["budget"][1]["tva"]
    fiche["budget"][1]["financement_demande"] = "999 999"  # > HT, but the TTC is unknown
    fiche["autres_financements"][0]["montant"] = "999 999"
    report = drafter.validate("fiche_projet", fiche)
    assert report.problems == ()  # no rule judged on an invented TVA of 0


def test_rejection_lists_invalid_missing_and_warnings_at_once(
    drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["etablissement"]["finess_EJ"] = fiche["etablissement"].pop("finess_ej")
    fiche["budget"][0]["montant_ht"] = "12.500"
    try:
        drafter.render("fiche_projet", fiche, "docx")
    except AnswersRejected as exc:
        message = exc.user_message
    else:
        raise AssertionError("rendered despite an invalid amount")
    assert "Valeurs invalides (1)" in message and "pour 12 500 €, écrivez 12 500" in message
    assert "Champs obligatoires manquants (1)" in message and "finess_ej" in message
    assert (
        "Avertissements (1)" in message and "champ inconnu « etablissement.finess_EJ »" in message
    )
