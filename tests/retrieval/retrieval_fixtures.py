"""Small knowledge directories for the retrieval tests, written in tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

REAL_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
EVAL_SET = Path(__file__).resolve().parents[1] / "data" / "eval_questions.yaml"

FRONT = """\
---
id: {id}
title: "{title}"
kind: {kind}
publisher: Ministère chargé de la santé — DNS
url: https://example.org/{id}
published: 2025-01-22
checked: 2026-11-28
status: {status}
confidence: {confidence}
---
"""

NOTES = {
    "care-d2": (
        "Domaine 2 de CaRE : continuité et reprise d'activité",
        """\
Le domaine 2 (D2) de CaRE finance la stratégie de continuité et de reprise d'activité.

## Prérequis P1 et P2
Le prérequis P1 du domaine 2 demande une PSSI validée. Le prérequis P2 demande une analyse
des risques.

## Objectifs du domaine 2
### Objectif O1.C : exercice de sauvegarde
L'objectif D2.O1.C demande un test de restauration des sauvegardes selon la règle 3-2-1.

### Objectif O2 : plan de continuité (à confirmer)
L'objectif O2 demande un PCRA formalisé (à confirmer).
""",
    ),
    "instruction-dns-2025-12": (
        "Instruction n° DNS/2025/12 du 22 janvier 2025",
        """\
L'instruction n° DNS/2025/12 fixe sept actions prioritaires de sécurité des systèmes
d'information aux établissements de santé.

## Les sept actions prioritaires
La première action impose un exercice de crise cyber annuel. Une autre action impose
l'authentification multifacteur des accès distants.
""",
    ),
    "signalement-incidents": (
        "Signalement des incidents de sécurité",
        """\
Le décret n° 2016-1214 impose aux établissements de santé de signaler les incidents graves de
sécurité des systèmes d'information au CERT Santé. Le décret 2022-715 précise les modalités.

## Délais de signalement
Un incident significatif se signale sans délai sur le portail de signalement des événements
sanitaires indésirables.
""",
    ),
}

GLOSSARY = """\
- term: PCRA
  expansion: plan de continuité et de reprise d'activité
  synonyms: [plan de continuite et de reprise]
  definition: Document qui organise la continuité puis la reprise de l'activité après un sinistre.
  sources: [care-d2]
- term: règle 3-2-1
  expansion: trois copies, deux supports, une copie hors site
  synonyms: [sauvegarde hors ligne, 321]
  definition: Règle de sauvegarde.
  sources: [care-d2]
- term: ARS
  expansion: agence régionale de santé
  definition: Administration régionale de l'État en santé.
"""

FAQ = """\
- id: faq-001
  question: Quels sont les prérequis du domaine 2 ?
  paraphrases: ["prerequis d2", "conditions pour candidater au D2"]
  answer: Le domaine 2 exige une PSSI validée (P1) et une analyse des risques (P2).
  sources: [care-d2]
"""

CALENDAR = """\
- date: 2025-09-02
  label: Ouverture du guichet D2
  sources: [care-d2]
"""


def write_note(
    knowledge: Path,
    note_id: str,
    title: str,
    body: str,
    *,
    kind: str = "instruction",
    status: str = "en_vigueur",
    confidence: str = "officiel",
) -> Path:
    path = knowledge / "sources" / f"{note_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = FRONT.format(id=note_id, title=title, kind=kind, status=status, confidence=confidence)
    path.write_text(front + textwrap.dedent(body), encoding="utf-8")
    return path


def make_knowledge(root: Path) -> Path:
    """A small valid knowledge base: three notes, glossary, FAQ and calendar."""
    knowledge = root / "knowledge"
    for note_id, (title, body) in NOTES.items():
        write_note(knowledge, note_id, title, body)
    (knowledge / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    (knowledge / "faq.yaml").write_text(FAQ, encoding="utf-8")
    (knowledge / "calendar.yaml").write_text(CALENDAR, encoding="utf-8")
    return knowledge
