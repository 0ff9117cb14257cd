"""Fixtures of the eligibility tests: the real, published rule tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from eligibility import EligibilityReport, RuleBook, check_eligibility, load_rule_book

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "knowledge" / "eligibility"
PROFILES_DIR = ROOT / "tests" / "data" / "profiles"
TODAY = date(2026, 11, 28)

# Valid FINESS numbers (Luhn key checked); 750712184 and 330781196 are real EJ numbers.
EG1, EG2, EG3 = "750712184", "330781196", "690000047"
CORSE_2A, CORSE_2B = "2A0000016", "2B0000024"

ES_OK: dict[str, Any] = {
    "categorie": "es_prive_lucratif",
    "finess_ej": EG1,
    "finess_eg": [EG1],
    "pssi_validee_representant_legal": True,
    "pssi_revue_le": "2024-03-15",
    "organisation_pcra": True,
}
GHT_SUPPORT: dict[str, Any] = {
    **ES_OK,
    "categorie": "ght",
    "etablissement_support": True,
    "finess_eg": [EG1, EG2],
    "activite": [{"finess_eg": EG1, "part": 50}, {"finess_eg": EG2, "part": 20}],
}
GHT_MEMBRE: dict[str, Any] = {**GHT_SUPPORT, "etablissement_support": False}


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return load_rule_book(RULES_DIR)


def run(
    book: RuleBook, profile: dict[str, Any], as_of: date = TODAY, version: str | None = None
) -> EligibilityReport:
    return check_eligibility(profile, book, as_of, version)
