"""The fact table: ``knowledge/facts.yaml`` resolved against ``knowledge/calendar.yaml``.

One source of truth: a fact dated by the calendar (``calendar``, or ``calendar_start`` and
``calendar_end``) takes its dates and, unless it says otherwise, its certainty from there; its
text names them as ``{start}``, ``{end}`` or ``{date}``. ``load_fact_base`` validates every entry
and raises ``FactTableError`` (file, entry, reason) on the first fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from care_common.french_dates import date_in_words
from facts.catalogue import Catalogue, catalogue_from
from facts.errors import FactTableError
from facts.text import phrase_pattern, plain

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FACTS_FILE = "facts.yaml"
CALENDAR_FILE = "calendar.yaml"
STATUSES = ("confirme", "a_confirmer", "inconnu")
# attribute → the kind of question it answers (see facts.intents)
ATTRIBUTES = {
    "candidature": "date",
    "declaration": "date",
    "controle": "date",
    "paiement": "date",
    "arrete": "date",
    "echeance": "date",
    "enveloppe": "amount",
    "montant_etablissement": "amount",
    "beneficiaires": "eligibility",
    "prerequis": "list",
    "objectifs": "list",
    "preuves": "list",
    "actions": "list",
    "depot": "who",
    "contacts": "who",
}
WINDOWS = ("candidature", "declaration", "paiement")  # attributes that are opening windows


@dataclass(frozen=True)
class Fact:
    """One statement of the table, ready to be said: dates filled in, sources attached."""

    id: str
    dispositif: str
    attribute: str
    text: str
    items: tuple[str, ...]
    status: str  # confirme | a_confirmer | inconnu
    note: str  # id of the knowledge/sources note that states it
    urls: tuple[str, ...]  # the pages that hold it, first the main one
    evidence: date  # date of those pages
    start: date | None = None
    end: date | None = None
    calendar: tuple[str, ...] = ()
    window: str | None = None  # "<rule table>/<window kind>" it must agree with
    rules: tuple[str, ...] = ()
    outcomes: Mapping[str, str] = field(default_factory=dict)

    @property
    def uncertain(self) -> bool:
        return self.status != "confirme"

    def window_state(self, today: date) -> str | None:
        """ "open", "closed", "upcoming" for a window attribute with known bounds, else None."""
        if self.attribute not in WINDOWS or (self.start is None and self.end is None):
            return None
        if self.end is not None and today > self.end:
            return "closed"
        if self.start is not None and today < self.start:
            return "upcoming"
        return "open" if self.start is not None else None


@dataclass(frozen=True)
class Topic:
    """A near-domain subject the assistant does not answer, and whom to ask instead."""

    id: str
    text: str
    cues: tuple[str, ...]
    requires: tuple[str, ...] = ()
    urgent: bool = False
    query: str = ""  # the words the knowledge base uses for this topic (searched with it)
    answers: tuple[str, ...] = ()  # aspects the base does answer (an urgent topic then says both)

    def answered(self, question: str) -> bool:
        """True when the question asks an aspect of the topic the knowledge base covers."""
        return bool(self.answers) and bool(
            phrase_pattern(list(self.answers)).search(plain(question))
        )

    def matches(self, question: str) -> bool:
        text = plain(question)
        if not phrase_pattern(list(self.cues)).search(text):
            return False
        return not self.requires or bool(phrase_pattern(list(self.requires)).search(text))


@dataclass(frozen=True)
class FactBase:
    catalogue: Catalogue
    facts: tuple[Fact, ...]
    topics: tuple[Topic, ...]
    version: str

    def find(self, dispositif: str, attribute: str) -> Fact | None:
        return next(
            (f for f in self.facts if f.dispositif == dispositif and f.attribute == attribute),
            None,
        )

    def of(self, dispositif: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.dispositif == dispositif)

    def topic(self, question: str) -> Topic | None:
        return next((t for t in self.topics if t.matches(question)), None)


def load_fact_base(knowledge_dir: Path) -> FactBase:
    """Read and validate facts.yaml and the calendar it references."""
    path = Path(knowledge_dir) / FACTS_FILE
    data = _read(path)
    if not isinstance(data, dict):
        raise FactTableError(path, "fichier", "une table (version, dispositifs, facts) attendue")
    milestones = _milestones(Path(knowledge_dir) / CALENDAR_FILE)
    dispositifs = data.get("dispositifs")
    if not isinstance(dispositifs, dict) or not dispositifs:
        raise FactTableError(path, "dispositifs", "table non vide attendue")
    for key, entry in dispositifs.items():
        for name in ("label", "short", "family"):
            if not isinstance(entry, dict) or not str(entry.get(name) or "").strip():
                raise FactTableError(path, f"dispositifs.{key}", f"champ {name} manquant")
    catalogue = catalogue_from(dispositifs)
    facts = tuple(
        _fact(path, entry, milestones, catalogue) for entry in _entries(path, data, "facts")
    )
    seen: set[str] = set()
    for fact in facts:
        if fact.id in seen:
            raise FactTableError(path, fact.id, "id en double")
        seen.add(fact.id)
    topics = tuple(_topic(path, entry) for entry in _entries(path, data, "topics"))
    return FactBase(catalogue, facts, topics, str(data.get("version") or ""))


def _read(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
    except OSError as exc:
        raise FactTableError(path, "fichier", f"lecture impossible ({exc})") from exc
    except yaml.YAMLError as exc:
        raise FactTableError(path, "fichier", f"YAML invalide ({exc})") from exc


def _entries(path: Path, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    entries = data.get(key) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise FactTableError(path, key, "liste d'entrées attendue")
    return entries


def _milestones(path: Path) -> dict[str, Mapping[str, Any]]:
    data = _read(path) or []
    if not isinstance(data, list):
        raise FactTableError(path, "fichier", "liste de jalons attendue")
    return {str(m.get("id")): m for m in data if isinstance(m, dict)}


def _fact(
    path: Path,
    entry: Mapping[str, Any],
    milestones: Mapping[str, Mapping[str, Any]],
    catalogue: Catalogue,
) -> Fact:
    fact_id = str(entry.get("id") or "").strip()
    where = fact_id or "facts[?]"
    for name in ("id", "dispositif", "attribute", "text", "note", "urls", "evidence"):
        if not entry.get(name):
            raise FactTableError(path, where, f"champ {name} manquant")
    if entry["dispositif"] not in catalogue.by_id:
        raise FactTableError(path, where, f"dispositif inconnu {entry['dispositif']!r}")
    if entry["attribute"] not in ATTRIBUTES:
        raise FactTableError(path, where, f"attribut inconnu {entry['attribute']!r}")
    start, end, used, certainty = _dates(path, where, entry, milestones)
    status = str(entry.get("status") or certainty or "")
    if status not in STATUSES:
        raise FactTableError(path, where, f"status {status!r} (attendu : {', '.join(STATUSES)})")
    urls = entry["urls"]
    if not isinstance(urls, list) or not all(str(u).startswith("https://") for u in urls):
        raise FactTableError(path, where, "urls : liste d'adresses https:// attendue")
    evidence = entry["evidence"]
    if not isinstance(evidence, date):
        raise FactTableError(path, where, "evidence : date AAAA-MM-JJ attendue")
    return Fact(
        id=fact_id,
        dispositif=str(entry["dispositif"]),
        attribute=str(entry["attribute"]),
        text=_fill(path, where, str(entry["text"]).strip(), start, end),
        items=tuple(str(item).strip() for item in entry.get("items") or ()),
        status=status,
        note=str(entry["note"]),
        urls=tuple(str(u) for u in urls),
        evidence=evidence,
        start=start,
        end=end,
        calendar=used,
        window=str(entry["window"]) if entry.get("window") else None,
        rules=tuple(str(r) for r in entry.get("rules") or ()),
        outcomes={str(k): str(v) for k, v in (entry.get("outcomes") or {}).items()},
    )


def _dates(
    path: Path,
    where: str,
    entry: Mapping[str, Any],
    milestones: Mapping[str, Mapping[str, Any]],
) -> tuple[date | None, date | None, tuple[str, ...], str | None]:
    """(start, end, milestone ids, certainty) from the calendar references of an entry."""
    refs = [entry.get(k) for k in ("calendar", "calendar_start", "calendar_end")]
    found: list[Mapping[str, Any]] = []
    for ref in filter(None, refs):
        if ref not in milestones:
            raise FactTableError(path, where, f"jalon inconnu dans calendar.yaml : {ref!r}")
        found.append(milestones[ref])
    if not found:
        return None, None, (), None
    if entry.get("calendar"):
        milestone = found[0]
        start, end = milestone.get("date"), milestone.get("end")
    else:
        start = found[0].get("date")
        end = found[-1].get("end") or found[-1].get("date")
    certainties = {str(m.get("certainty")) for m in found}
    certainty = "a_confirmer" if "a_confirmer" in certainties else "confirme"
    ids = tuple(str(m.get("id")) for m in found)
    return _as_date(start), _as_date(end), ids, certainty


def _as_date(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _fill(path: Path, where: str, text: str, start: date | None, end: date | None) -> str:
    # "du 2 septembre au 31 octobre 2025": the year once; elsewhere every date has its year
    same_year = (
        start is not None and end is not None and start.year == end.year
        and "du {start} au {end}" in text
    )  # fmt: skip
    values = {
        "start": date_in_words(start, year=not same_year) if start else None,
        "end": date_in_words(end) if end else None,
        "date": date_in_words(start) if start else None,
    }
    for name, value in values.items():
        if "{" + name + "}" in text:
            if value is None:
                raise FactTableError(path, where, f"{{{name}}} sans date dans le calendrier")
            text = text.replace("{" + name + "}", value)
    if "{" in text:
        raise FactTableError(path, where, f"accolade non remplacée dans {text!r}")
    return text


def _topic(path: Path, entry: Mapping[str, Any]) -> Topic:
    topic_id = str(entry.get("id") or "")
    if not topic_id or not entry.get("text") or not entry.get("cues"):
        raise FactTableError(path, topic_id or "topics[?]", "id, text et cues sont requis")
    return Topic(
        id=topic_id,
        text=str(entry["text"]).strip(),
        cues=_strings(entry.get("cues")),
        requires=_strings(entry.get("requires")),
        urgent=bool(entry.get("urgent", False)),
        query=str(entry.get("query") or ""),
        answers=_strings(entry.get("answers")),
    )


def _strings(values: Iterable[object] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())
