"""Fixtures of the drafting tests: the real dossier specs, a drafter with a fixed clock, and the
full example answers files shipped in examples/."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.cli.draft import source_fields
from drafting import (
    DossierDrafter,
    DossierKnowledge,
    load_answers,
    load_dossier_knowledge,
    source_ids,
)

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = ROOT / "knowledge"
DOSSIER_DIR = KNOWLEDGE_DIR / "dossier"
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
    ids = source_ids(knowledge)
    return DossierDrafter(
        knowledge,
        source_titles=source_fields(KNOWLEDGE_DIR, ids, "title"),
        source_urls=source_fields(KNOWLEDGE_DIR, ids, "url"),
        clock=lambda: TODAY,
    )


@pytest.fixture
def fiche() -> dict[str, Any]:
    """A complete, valid fiche projet (a fresh copy for each test)."""
    return copy.deepcopy(_FICHE)


@pytest.fixture
def lettre() -> dict[str, Any]:
    return copy.deepcopy(_LETTRE)
