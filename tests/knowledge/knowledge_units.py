"""The knowledge base read as facts and as "units" of text that repeat them.

A *fact* is declared once, in the front matter of the note that owns it::

    facts:
      - id: ght-depot-support          # global id: "care-eligibilite#ght-depot-support"
        status: a_confirmer            # confirme | a_confirmer | refute (a claim known wrong)
        says: Le dossier unique du GHT est déposé par l'établissement support.
        pattern: 'deposee? par l.etablissement support'   # regex on folded text (optional)

A *unit* is a piece of text that may repeat facts, with the flag of its container: a sentence
of a note (flagged by "(à confirmer)" in it, by a section heading ending with the marker or by
``status: a_confirmer``), a FAQ answer, a glossary definition, a calendar milestone
(``certainty``), a rule of an eligibility table (``certainty`` / outcome), a window, an entry of
a dossier spec (``a_confirmer: true``) and, when it exists, an entry of ``knowledge/facts.yaml``
(``status``). Text is compared "folded": lower case, no accents, straight apostrophes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from care_common.french_text import fold_phrase
from care_common.front_matter import read_front_matter

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
FACT_STATUSES = ("confirme", "a_confirmer", "refute")
FLAG = "a confirmer"
# words that show a sentence states a refuted claim in order to correct it
CORRECTION_CUES = re.compile(
    r"n'est pas|ne sont pas|et non |inexact|errone|faux|a tort|confond|ne signifie pas"
    r"|contrairement|n'a jamais|corrige|remplace"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«(\"A-ZÀ-ÖØ-Ý0-9])")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
TEXT_KEYS = ("label", "help", "example", "text", "intitule", "indicateur", "cible", "title")


def sentences(text: str) -> list[str]:
    """Sentences and list items of a text, each readable alone."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•* ").strip()
        if line:
            out.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return out


@dataclass(frozen=True)
class Fact:
    note: str
    id: str
    status: str
    says: str
    pattern: re.Pattern[str] | None

    @property
    def ref(self) -> str:
        return f"{self.note}#{self.id}"


@dataclass(frozen=True)
class Unit:
    """A sentence of the base, where it is, and whether its container flags it uncertain."""

    where: str
    text: str
    container_flagged: bool

    @property
    def flagged(self) -> bool:
        return self.container_flagged or FLAG in fold_phrase(self.text)


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    return read_front_matter(path.read_text(encoding="utf-8"))


def notes() -> dict[str, tuple[dict[str, Any], str]]:
    return {p.stem: front_matter(p) for p in sorted((KNOWLEDGE / "sources").glob("*.md"))}


def note_facts() -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for note_id, (meta, _) in notes().items():
        for raw in meta.get("facts") or []:
            pattern = raw.get("pattern")
            fact = Fact(
                note=note_id,
                id=str(raw["id"]),
                status=str(raw["status"]),
                says=str(raw.get("says") or ""),
                pattern=re.compile(pattern) if pattern else None,
            )
            facts[fact.ref] = fact
    return facts


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# -- units -------------------------------------------------------------------------------------
def note_units() -> Iterator[Unit]:
    for note_id, (meta, body) in notes().items():
        note_flagged = meta.get("status") == "a_confirmer"
        heading, section_flagged = meta.get("title", ""), False
        for line in body.splitlines():
            match = _HEADING.match(line)
            if match:
                heading = match.group(2)
                section_flagged = FLAG in fold_phrase(heading)
                yield Unit(f"{note_id} > {heading}", heading, note_flagged or section_flagged)
                continue
            for sentence in sentences(line):
                yield Unit(f"{note_id} > {heading}", sentence, note_flagged or section_flagged)


def faq_units() -> Iterator[Unit]:
    for entry in read_yaml(KNOWLEDGE / "faq.yaml"):
        for sentence in sentences(str(entry.get("answer") or "")):
            yield Unit(f"faq.yaml {entry.get('id')}", sentence, False)


def glossary_units() -> Iterator[Unit]:
    for entry in read_yaml(KNOWLEDGE / "glossary.yaml"):
        text = f"{entry.get('expansion') or ''}\n{entry.get('definition') or ''}"
        for sentence in sentences(text):
            yield Unit(f"glossary.yaml {entry.get('term')}", sentence, False)


def calendar_entries() -> list[dict[str, Any]]:
    return list(read_yaml(KNOWLEDGE / "calendar.yaml"))


def calendar_units() -> Iterator[Unit]:
    for entry in calendar_entries():
        flagged = entry.get("certainty") == "a_confirmer"
        for key in ("label", "note"):
            for sentence in sentences(str(entry.get(key) or "")):
                yield Unit(f"calendar.yaml {entry['id']}.{key}", sentence, flagged)


def rule_tables() -> list[tuple[Path, dict[str, Any]]]:
    """The versions of each eligibility table that a dated evaluation can select.

    A version corrected by a later one (``corrects``) is kept for reproducing past answers
    only: it is no longer shown to anybody, so it is not checked here.
    """
    tables = [(p, read_yaml(p)) for p in sorted((KNOWLEDGE / "eligibility").glob("*/*.yaml"))]
    corrected = {(t["id"], t["corrects"]) for _, t in tables if t.get("corrects")}
    return [(p, t) for p, t in tables if (t["id"], t["version"]) not in corrected]


def rule_units() -> Iterator[Unit]:
    for path, table in rule_tables():
        name = f"{path.parent.name}/{path.name}"
        for key in ("intro",):
            for sentence in sentences(str(table.get(key) or "")):
                yield Unit(f"{name} {key}", sentence, False)
        for note in table.get("notes") or []:
            for sentence in sentences(str(note)):
                yield Unit(f"{name} notes", sentence, False)
        for window in table.get("windows") or []:
            flagged = window.get("certainty") == "a_confirmer"
            for key in ("label", "when_open", "when_closed", "when_upcoming", "when_unknown"):
                for sentence in sentences(str(window.get(key) or "")):
                    yield Unit(f"{name} window {window['kind']}.{key}", sentence, flagged)
        for rule in table.get("rules") or []:
            flagged = (
                rule.get("certainty") == "a_confirmer" or rule.get("outcome") == "a_confirmer"
            )
            for key in ("reason", "action", "missing"):
                for sentence in sentences(str(rule.get(key) or "")):
                    yield Unit(f"{name} {rule['id']}.{key}", sentence, flagged)
        for item in table.get("items") or []:
            for key in ("title", "asks", "deadline"):
                for sentence in sentences(str(item.get(key) or "")):
                    yield Unit(f"{name} {item['id']}.{key}", sentence, False)


def _walk(data: Any, where: str, flagged: bool) -> Iterator[Unit]:
    if isinstance(data, dict):
        flagged = flagged or data.get("a_confirmer") is True
        label = data.get("key") or data.get("id") or data.get("code") or ""
        for key, value in data.items():
            here = f"{where}/{label or key}"
            if key in TEXT_KEYS and isinstance(value, str):
                for sentence in sentences(value):
                    yield Unit(f"{here}.{key}", sentence, flagged)
            elif isinstance(value, dict | list):
                yield from _walk(value, here, flagged)
    elif isinstance(data, list):
        for item in data:
            yield from _walk(item, where, flagged)


def dossier_units() -> Iterator[Unit]:
    for path in sorted((KNOWLEDGE / "dossier").glob("*.yaml")):
        yield from _walk(read_yaml(path), f"dossier/{path.name}", False)


def facts_table_path() -> Path:
    """``knowledge/facts.yaml``: the per-dispositif fact table of the answer pipeline."""
    return KNOWLEDGE / "facts.yaml"


def facts_table(path: Path | None = None) -> list[dict[str, Any]]:
    """The entries of ``knowledge/facts.yaml`` (or ``path``; [] while it does not exist).

    Accepted shapes: a list of facts; a mapping holding such a list (under ``facts``); or a
    mapping dispositif → attribute → fact (each fact a mapping with at least ``status``).
    """
    path = path or facts_table_path()
    if not path.exists():
        return []
    data = read_yaml(path)
    if isinstance(data, dict) and isinstance(data.get("facts"), list):
        data = data["facts"]
    if isinstance(data, list):
        return [entry for entry in data if isinstance(entry, dict)]
    entries: list[dict[str, Any]] = []
    for dispositif, attributes in (data or {}).items():
        for attribute, fact in (attributes or {}).items() if isinstance(attributes, dict) else ():
            if isinstance(fact, dict) and "status" in fact:
                entries.append({"id": f"{dispositif}.{attribute}", **fact})
    return entries


def fact_status(entry: dict[str, Any]) -> str | None:
    """A fact's certainty: its ``status``, else that of the calendar milestones it takes its
    dates from (``calendar`` / ``calendar_start`` / ``calendar_end``), else None."""
    if entry.get("status"):
        return str(entry["status"])
    ids = [entry.get(k) for k in ("calendar", "calendar_start", "calendar_end") if entry.get(k)]
    if not ids:
        return None
    certainty = {m["id"]: m.get("certainty") for m in calendar_entries()}
    return "a_confirmer" if any(certainty.get(i) != "confirme" for i in ids) else "confirme"


_NOT_TEXT = ("status", "source", "note", "url", "urls", "id", "evidence", "dispositif")


def facts_table_units(path: Path | None = None) -> Iterator[Unit]:
    for entry in facts_table(path):
        flagged = fact_status(entry) == "a_confirmer"
        for key, value in entry.items():
            if key in _NOT_TEXT or key.startswith("calendar"):
                continue
            texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            for text in texts:
                for sentence in sentences(str(text)) if isinstance(text, str) else []:
                    yield Unit(f"facts.yaml {entry.get('id')}.{key}", sentence, flagged)


def all_units() -> list[Unit]:
    return [
        *note_units(),
        *faq_units(),
        *glossary_units(),
        *calendar_units(),
        *rule_units(),
        *dossier_units(),
        *facts_table_units(),
    ]


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
