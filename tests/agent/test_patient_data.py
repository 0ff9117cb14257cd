"""The patient-data guard of the core: what it catches, and what it must let through."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from agent.patient_data import find_in_answers, find_patient_data

TODAY = date(2026, 11, 28)
ROOT = Path(__file__).resolve().parents[2]

PATIENT_MESSAGES = [
    ("Jean Dupont, né le 12/03/1956, suivi en oncologie", {"birth_date", "person_and_care"}),
    ("DUPONT Jean 12/03/1956", {"birth_date"}),
    ("Mme Durand, 67 ans, hospitalisée en cardiologie", {"age_and_care", "person_and_care"}),
    ("Jean DUPONT (12/03/1956) a appelé", {"birth_date"}),
    ("patiente Martin, DDN : 3 mars 1950", {"birth_date"}),
    ("date de naissance : 12/03/1956", {"birth_date"}),
    ("/dupont_jean_ne_le_12_03_1956", {"birth_date"}),
    ("Mme Durand née le 1er mars 1949", {"birth_date"}),
    ("un patient de 80 ans suivi en oncologie", {"age_and_care"}),
    ("M. Dupont est hospitalisé en réanimation depuis lundi", {"person_and_care"}),
    ("Le NIR du patient est 2 85 05 2A 123 456 80 ?", {"nir"}),
    ("NIR 1 56 03 75 114 235 13", {"nir"}),
    ("156037511423513", {"nir"}),
]

ORDINARY_QUESTIONS = [
    "Quelles sont les dates des guichets CaRE 2025 ?",
    "Le guichet du domaine 2 ferme-t-il le 31/03/2026 ?",
    "CH de Montville, 400 lits, GHT Seine-et-Forêts : sommes-nous éligibles ?",
    "M. le directeur doit-il signer la lettre d'engagement ?",
    "Madame la directrice générale a validé la PSSI le 14/03/2025, est-ce suffisant ?",
    "Mme Martin, RSSI, a lancé le projet le 02/02/2026.",
    "Instruction n° DNS/2025/12 du 22 janvier 2025 : que demande-t-elle ?",
    "Notre GHT est né le 1er juillet 2016, le dossier est-il unique ?",
    "Le service de cardiologie a migré son DPI il y a 3 ans, faut-il un PCA ?",
    "Le projet dure 3 ans et concerne l'oncologie et les urgences.",
    "Faut-il tester le PCA des urgences tous les 2 ans ?",
    "Notre plan sur 5 ans couvre la réanimation et la pharmacie.",
    "FINESS 770001238, SIRET 26770123300012, téléphone 01 64 00 12 34",
    "M. Martin, chef du service de cardiologie, pilote le projet.",
    "Karim Benali est RSSI depuis le 01/09/2010.",
    "Le Centre Hospitalier de Montville compte 2 100 utilisateurs.",
    "ARS Bretagne 12/03/2026 : quelles pièces fournir ?",
    "Le décret du 12 mars 1956 est-il abrogé ?",
    "Comment déclarer un incident grave sur le portail de signalement ?",
    "Combien coûte un audit de l'Active Directory pour 1 500 postes ?",
    "Nous avons 12 ans de retard en cardiologie sur le DPI.",
    "L'EHPAD Les Tilleuls, 80 lits, ouvert le 1er mars 1995, est-il concerné ?",
    "/fiche_projet",
    "Exercice de crise du 15/01/2026 avec le SAMU 77 et les urgences.",
]


@pytest.mark.parametrize("text, signals", PATIENT_MESSAGES)
def test_patient_data_is_caught(text: str, signals: set[str]) -> None:
    finding = find_patient_data(text, TODAY)
    assert finding is not None, text
    assert signals <= set(finding.signals)


@pytest.mark.parametrize("text", ORDINARY_QUESTIONS)
def test_ordinary_referent_questions_pass(text: str) -> None:
    assert find_patient_data(text, TODAY) is None


def test_a_nir_with_a_wrong_key_is_not_one() -> None:
    assert find_patient_data("NIR 1 56 03 75 114 235 14", TODAY) is None


@pytest.mark.parametrize("name", ["fiche_projet.yaml", "lettre_engagement.yaml"])
def test_the_example_answers_files_pass(name: str) -> None:
    text = (ROOT / "examples" / name).read_text(encoding="utf-8")
    assert find_patient_data(text, TODAY) is None
    assert find_in_answers(yaml.safe_load(text), TODAY) == []


def test_answers_are_screened_value_by_value_and_named_by_path() -> None:
    answers = {
        "titre": "Sauvegardes",
        "contexte": "Incident : le dossier de DUPONT Jean 12/03/1956 a été chiffré.",
        "budget": [{"poste": "Audit"}, {"poste": "Mme Durand, 67 ans, hospitalisée"}],
    }
    assert find_in_answers(answers, TODAY) == ["contexte", "budget[1].poste"]


def test_the_finding_names_signals_never_the_text() -> None:
    finding = find_patient_data("Mme Durand, 67 ans, hospitalisée en cardiologie", TODAY)
    assert finding is not None
    assert "Durand" not in repr(finding)
    assert finding.describe() == "un âge et des soins et une personne nommée et des soins"


def _public_questions() -> list[str]:
    questions = [
        str(item["question"])
        for item in yaml.safe_load((ROOT / "tests/data/eval_questions.yaml").read_text("utf-8"))
    ]
    for entry in yaml.safe_load((ROOT / "knowledge/faq.yaml").read_text("utf-8")):
        questions += [str(entry["question"]), *map(str, entry.get("paraphrases") or [])]
    return questions


def test_no_question_of_the_evaluation_set_or_the_faq_is_flagged() -> None:
    questions = _public_questions()
    assert len(questions) > 500
    flagged = [q for q in questions if find_patient_data(q, TODAY) is not None]
    assert flagged == []
