"""Fixtures of the drafting tests: the real dossier specs, a drafter with a fixed clock, and the
full example answers files shipped in examples/."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from drafting import DossierDrafter, DossierKnowledge, load_answers, load_dossier_knowledge

ROOT = Path(__file__).resolve().parents[2]
DOSSIER_DIR = ROOT / "knowledge" / "dossier"
EXAMPLES = ROOT / "examples"
TODAY = date(2026, 11, 28)

_KNOWLEDGE = load_dossier_knowledge(DOSSIER_DIR)
_FICHE = load_answers((EXAMPLES / "fiche_projet.yaml").read_bytes(), "fiche_projet.yaml")
_LETTRE = load_answers((EXAMPLES / "lettre_engagement.yaml").read_bytes(), "lettre.yaml")


@pytest.fixture(scope="session")
def knowledge() -> DossierKnowledge:
    return _KNOWLEDGE


@pytest.fixture
def drafter(knowledge: DossierKnowledge) -> DossierDrafter:
    titles = {"care-d2-continuite-reprise": "Domaine 2 de CaRE — continuité et reprise"}
    return DossierDrafter(knowledge, source_titles=titles, clock=lambda: TODAY)


@pytest.fixture
def fiche() -> dict[str, Any]:
    """A complete, valid fiche projet (a fresh copy for each test)."""
    return copy.deepcopy(_FICHE)


@pytest.fixture
def lettre() -> dict[str, Any]:
    return copy.deepcopy(_LETTRE)
