"""Verdict semantics: categories, prerequisites, unknown facts, windows, versions, output."""

from __future__ import annotations

import json
from datetime import date

import pytest

from eligibility import RuleBook, UnknownRulesVersionError, evaluate, parse_profile
from tests.eligibility.conftest import EG1, EG2, ES_OK, GHT_MEMBRE, GHT_SUPPORT, TODAY, run

ALL = ["D1", "D1bis", "D2", "HospiConnect", "exercice_crise"]


def test_results_follow_the_table_order_and_name_the_rule_set_version(book: RuleBook) -> None:
    report = run(book, ES_OK)
    assert [v.dispositif for v in report.results] == ALL
    assert report.rules_version == "2026.2"
    # the corrections of December 2026 (same valid_from) replace the versions they correct
    assert {v.dispositif: v.rules_version for v in report.results} == {
        "D1": "2024.2",
        "D1bis": "2026.2",
        "D2": "2026.2",
        "HospiConnect": "2026.2",
        "exercice_crise": "2023.2",
    }


def test_eligible_with_a_closed_window_says_what_comes_next(book: RuleBook) -> None:
    d2 = run(book, ES_OK).verdict("D2")
    assert (d2.verdict, d2.window) == ("eligible", "ferme")
    assert "Il n'est plus possible de candidater" in d2.reasons[0]
    assert "déclarez l'atteinte des objectifs" in d2.reasons[0]
    assert d2.missing == ()
    assert "care-d2-continuite-reprise" in d2.sources
    assert {d.kind: d.status for d in d2.deadlines} == {
        "candidature": "ferme",
        "declaration": "ouvert",
    }


def test_d1_closed_window_points_to_d1_bis(book: RuleBook) -> None:
    d1 = run(book, ES_OK).verdict("D1")
    assert (d1.verdict, d1.window) == ("eligible", "ferme")
    assert "D1 bis" in d1.reasons[0]


@pytest.mark.parametrize(
    ("parts", "reached"),
    [((40, 0), False), ((40, 25.9), False), ((40, 26), True), ((40, 26.1), True)],
    ids=["40", "65.9", "66", "66.1"],
)
def test_66_percent_is_an_objective_for_the_declaration_not_a_candidature_condition(
    book: RuleBook, parts: tuple[float, float], reached: bool
) -> None:
    activite = [
        {"finess_eg": eg, "part": part} for eg, part in zip((EG1, EG2), parts, strict=True) if part
    ]
    d2 = run(book, {**GHT_SUPPORT, "activite": activite}).verdict("D2")
    assert d2.verdict == "eligible"  # never refused (nor left uncertain) for its perimeter
    assert d2.missing == ()
    if reached:
        assert d2.objectives == ()
        return
    (objective,) = d2.objectives
    covered = f"{sum(parts):g}".replace(".", ",")
    assert "66 %" in objective.item and f"périmètre indiqué : {covered} %" in objective.item
    assert "objectif O1.C" in objective.item and "(à confirmer)" in objective.item
    assert "n'est pas une condition de candidature" in objective.action
    assert "entités juridiques (FINESS EJ)" in objective.action
    assert "D2-R09-activite-66" in d2.fired


def test_an_unmeasured_perimeter_still_shows_the_66_percent_objective(book: RuleBook) -> None:
    profile = {k: v for k, v in GHT_SUPPORT.items() if k != "activite"}
    d2 = run(book, profile).verdict("D2")
    assert d2.verdict == "eligible" and d2.unknown == ()
    (objective,) = d2.objectives
    assert "66 %" in objective.item and "Mesurez la part d'activité" in objective.action


def test_uncertain_prerequisite_gives_a_confirmer_with_what_to_do(book: RuleBook) -> None:
    d2 = run(
        book, {**ES_OK, "pssi_validee_representant_legal": False, "pssi_revue_le": "2021-01-01"}
    ).verdict("D2")
    assert d2.verdict == "a_confirmer"
    assert d2.fired == ("D2-R01-es-hors-ght", "D2-R06-pssi-validee", "D2-R07-pssi-revue")
    assert [m.item for m in d2.missing] == [
        "PSSI validée par le représentant légal (prérequis P1)",
        "PSSI revue entre le 16 juillet 2022 et la candidature (prérequis P1)",
    ]
    assert all(m.action for m in d2.missing)
    assert any("transcription du guide" in reason for reason in d2.reasons)


def test_unknown_fact_gives_a_confirmer_and_what_to_find_out(book: RuleBook) -> None:
    profile = {key: value for key, value in ES_OK.items() if key != "pssi_revue_le"}
    d2 = run(book, profile).verdict("D2")
    assert d2.verdict == "a_confirmer"
    assert d2.unknown == ("pssi_revue_le",)
    (missing,) = d2.missing
    assert missing.item == "À vérifier : date de la dernière revue de la PSSI"
    assert "RSSI" in missing.action
    # the other dispositifs do not need that fact
    assert run(book, profile).verdict("D1").verdict == "eligible"


def test_unknown_category_leaves_everything_to_confirm(book: RuleBook) -> None:
    report = run(book, {})
    assert {v.verdict for v in report.results} == {"a_confirmer"}
    assert all(v.unknown == ("categorie",) for v in report.results)
    assert {o.status for o in report.obligations} == {"a_confirmer"}
    assert "DNS-H1-esms-hors-champ" not in [o.id for o in report.obligations]


def test_ght_member_goes_through_the_single_file_of_its_ght(book: RuleBook) -> None:
    for dispositif in ("D1", "D2"):
        verdict = run(book, GHT_MEMBRE).verdict(dispositif)
        assert verdict.verdict == "eligible"
        text = " ".join(verdict.reasons)
        assert "relève du dossier unique du GHT : il ne candidate pas séparément" in text
        # who files it is an inference: said with its flag, never as a fact
        assert (
            "À faire : rapprochez-vous de l'établissement qui porte le dossier du GHT, en "
            "pratique l'établissement support (à confirmer)" in text
        )


def test_ght_support_is_told_it_carries_the_file_only_as_a_likely_practice(
    book: RuleBook,
) -> None:
    d2 = run(book, GHT_SUPPORT).verdict("D2")
    text = " ".join(d2.reasons)
    assert "un seul dossier est déposé pour l'ensemble de ses établissements" in text
    assert "c'est l'établissement support qui porte ce dossier unique" in text
    assert "ne le précise (à confirmer)" in text


def test_esms_gets_other_strands_and_the_ars(book: RuleBook) -> None:
    report = run(book, {"categorie": "esms"})
    verdicts = {v.dispositif: v.verdict for v in report.results}
    assert verdicts == {
        "D1": "a_confirmer",
        "D1bis": "a_confirmer",
        "D2": "a_confirmer",
        "HospiConnect": "non_eligible",
        "exercice_crise": "a_confirmer",
    }
    d2 = " ".join(report.verdict("D2").reasons)
    assert "kit PSCA" in d2 and "ESMS numérique" in d2 and "ARS" in d2
    assert {o.id: o.status for o in report.obligations} == {
        "DNS-H1-esms-hors-champ": "non_applicable",
        "SIG-E1-signalement-incidents-esms": "applicable",
    }


def test_private_practice_is_not_eligible(book: RuleBook) -> None:
    report = run(book, {"categorie": "autre"})
    verdicts = {v.dispositif: v.verdict for v in report.results}
    # D1 bis: its conditions are not in our sources, so even this is only likely
    assert verdicts == {
        "D1": "non_eligible",
        "D1bis": "a_confirmer",
        "D2": "non_eligible",
        "HospiConnect": "non_eligible",
        "exercice_crise": "non_eligible",
    }
    assert "(à confirmer)" in " ".join(report.verdict("D1bis").reasons)
    d1 = report.verdict("D1")
    assert "cabinet libéral" in d1.reasons[0]
    assert not any("fenêtre" in reason for reason in d1.reasons)
    assert [o.status for o in report.obligations] == ["non_applicable"]


def test_sanitary_obligations_are_the_seven_actions_plus_reporting(book: RuleBook) -> None:
    report = run(book, GHT_MEMBRE)
    ids = [o.id for o in report.obligations]
    assert ids[:7] == [
        f"DNS-A{n}-{name}"
        for n, name in enumerate(
            [
                "exercice-crise",
                "autoevaluation",
                "audits",
                "pca-pra",
                "qualite-risques",
                "identification",
                "part-budget-numerique",
            ],
            start=1,
        )
    ]
    assert ids[7] == "SIG-S1-signalement-incidents"
    assert all(o.status == "applicable" and o.what and o.deadline for o in report.obligations)
    assert "ce n'est pas une condition de financement" in report.obligations_intro


def test_scope_restricts_results_but_not_obligations(book: RuleBook) -> None:
    report = run(book, {**ES_OK, "dispositifs": ["d2", "D1 bis"]})
    assert [v.dispositif for v in report.results] == ["D1bis", "D2"]
    assert report.obligations


def test_past_date_uses_the_rules_in_force_then(book: RuleBook) -> None:
    report = run(book, ES_OK, date(2025, 10, 1))
    assert report.rules_version == "2025.2"  # the correction of 2025.1, same period
    d2 = report.verdict("D2")
    assert (d2.rules_version, d2.window) == ("2025.2", "ouvert")
    assert {d.kind: d.status for d in d2.deadlines}["declaration"] == "inconnu"
    assert "HospiConnect" not in [v.dispositif for v in report.results]


def test_before_a_table_exists_it_is_left_out(book: RuleBook) -> None:
    report = run(book, ES_OK, date(2024, 4, 1))
    assert [v.dispositif for v in report.results] == ["D1", "exercice_crise"]
    assert report.verdict("D1").window == "ouvert"
    assert report.obligations == ()  # Instruction DNS/2025/12 did not exist yet


def test_rules_version_selects_an_old_version(book: RuleBook) -> None:
    report = run(book, ES_OK, TODAY, version="2025.1")
    assert report.rules_version == "2025.1"
    assert report.verdict("D2").rules_version == "2025.1"
    assert (
        "la date d'ouverture de cette déclaration n'est pas encore annoncée"
        in (report.verdict("D2").reasons[0])
    )


def test_unknown_rules_version(book: RuleBook) -> None:
    with pytest.raises(UnknownRulesVersionError) as caught:
        run(book, ES_OK, version="2099.1")
    assert "2026.1" in caught.value.user_message


def test_evaluation_is_deterministic(book: RuleBook) -> None:
    profile = parse_profile(GHT_SUPPORT, TODAY, book.dispositif_ids)
    first = evaluate(profile, book.select(TODAY), TODAY)
    assert first == evaluate(profile, book.select(TODAY), TODAY)
    assert json.dumps(first.to_json()) == json.dumps(run(book, GHT_SUPPORT).to_json())


def test_json_shape(book: RuleBook) -> None:
    data = json.loads(json.dumps(run(book, GHT_MEMBRE).to_json(), ensure_ascii=False))
    assert list(data) == ["as_of", "rules_version", "results", "obligations"]
    assert data["as_of"] == "2026-11-28"
    for result in data["results"]:
        assert list(result) == [
            "dispositif",
            "verdict",
            "window",
            "reasons",
            "missing",
            "objectives",
            "deadlines",
            "sources",
        ]
        assert result["verdict"] in {"eligible", "non_eligible", "a_confirmer"}
        assert result["window"] in {"ouvert", "ferme", "a_venir", "inconnu"}
        assert all(set(m) == {"item", "action"} for m in result["missing"])
        assert all(set(o) == {"item", "action"} for o in result["objectives"])
    assert set(data["obligations"][0]) == {"id", "title", "what", "status", "deadline", "sources"}


@pytest.mark.parametrize("as_of", [date(2025, 10, 1), TODAY], ids=["during-candidature", "today"])
def test_a_d2_candidate_covering_40_percent_is_not_refused_at_candidature(
    book: RuleBook, as_of: date
) -> None:
    profile = {**GHT_SUPPORT, "activite": [{"finess_eg": EG1, "part": 40}]}
    d2 = run(book, profile, as_of).verdict("D2")
    assert d2.verdict == "eligible" and d2.missing == ()
    assert [o.item.split(" ;")[0] for o in d2.objectives] == [
        "Couvrir au moins 66 % de l'activité cumulée par les BIA et le PCRA (objectif O1.C) et "
        "par le test de PCA (objectif O1.D)"
    ]


@pytest.mark.parametrize(
    ("as_of", "window"), [(date(2026, 2, 1), "ouvert"), (TODAY, "ferme")], ids=["open", "closed"]
)
def test_hospiconnect_is_to_confirm_for_a_public_hospital_outside_a_ght(
    book: RuleBook, as_of: date, window: str
) -> None:
    profile = {**ES_OK, "categorie": "es_public_hors_ght"}
    hc = run(book, profile, as_of).verdict("HospiConnect")
    assert (hc.verdict, hc.window, hc.rules_version) == ("a_confirmer", window, "2026.2")
    assert hc.fired == ("HC-R01-es-hors-ght",)
    text = " ".join(hc.reasons)
    assert "critères d'éligibilité" in text and "(à confirmer)" in text
    # the published version, kept to explain past answers, still reproduces its old verdict
    old = run(book, profile, as_of, version="2026.1").verdict("HospiConnect")
    assert (old.verdict, old.rules_version) == ("eligible", "2026.1")


def test_the_crisis_exercise_subsidy_is_no_longer_asserted(book: RuleBook) -> None:
    exc = run(book, ES_OK).verdict("exercice_crise")
    assert exc.verdict == "a_confirmer"
    text = " ".join(exc.reasons)
    assert "l'obligation est certaine" in text and "reste à confirmer" in text
