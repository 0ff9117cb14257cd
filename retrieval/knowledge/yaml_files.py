"""The YAML knowledge files beside the notes: glossary, FAQ and calendar.

Each is a list of mappings (a top-level mapping holding one such list is also accepted).
Every source id they cite must name a note of ``knowledge/sources/``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from retrieval.errors import KnowledgeFileError
from retrieval.knowledge.chunk_ids import id_slug
from retrieval.knowledge.yaml_lines import LinedDict, line_of, load_yaml
from retrieval.models import FaqEntry, GlossaryEntry


def read_entries(path: Path) -> list[LinedDict]:
    """The list of mappings of a YAML knowledge file ([] when the file does not exist)."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeFileError(path, None, f"lecture impossible ({exc})") from exc
    data = load_yaml(text, path)
    if data is None:
        return []
    if isinstance(data, LinedDict) and len(data) == 1:
        (key,) = data
        data = data[key]
    if not isinstance(data, list):
        raise KnowledgeFileError(path, 1, "le fichier doit contenir une liste d'entrées")
    for position, entry in enumerate(data, start=1):
        if not isinstance(entry, LinedDict):
            raise KnowledgeFileError(path, None, f"l'entrée n° {position} n'est pas une table")
    return data


def load_glossary(path: Path, known_ids: Collection[str]) -> list[GlossaryEntry]:
    entries: list[GlossaryEntry] = []
    seen: dict[str, int] = {}
    for data in read_entries(path):
        term = _required_text(path, data, "term")
        key = term.casefold()
        if key in seen:
            reason = f"terme en double {term!r} (déjà défini ligne {seen[key]})"
            raise KnowledgeFileError(path, data.line_of("term"), reason)
        seen[key] = data.line_of("term")
        expansion = _optional_text(path, data, "expansion")
        definition = _optional_text(path, data, "definition")
        if not expansion and not definition:
            reason = f"le terme {term!r} n'a ni expansion ni definition"
            raise KnowledgeFileError(path, data.line, reason)
        entries.append(
            GlossaryEntry(
                term=term,
                expansion=expansion,
                synonyms=_text_list(path, data, "synonyms"),
                definition=definition,
                sources=source_ids(path, data, known_ids, required=False),
            )
        )
    return entries


def load_faq(path: Path, known_ids: Collection[str]) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    seen: set[str] = set()
    for data in read_entries(path):
        question = _required_text(path, data, "question")
        faq_id = _optional_text(path, data, "id") or id_slug(question)
        if faq_id in seen:
            raise KnowledgeFileError(path, data.line_of("id"), f"id de FAQ en double {faq_id!r}")
        seen.add(faq_id)
        entries.append(
            FaqEntry(
                id=faq_id,
                question=question,
                paraphrases=_text_list(path, data, "paraphrases"),
                answer=_required_text(path, data, "answer"),
                sources=source_ids(path, data, known_ids, required=True),
            )
        )
    return entries


def check_calendar(path: Path, known_ids: Collection[str]) -> int:
    """Validate the source ids of calendar milestones; returns the number of milestones."""
    entries = read_entries(path)
    for data in entries:
        source_ids(path, data, known_ids, required=False)
    return len(entries)


def source_ids(
    path: Path, data: LinedDict, known_ids: Collection[str], *, required: bool
) -> tuple[str, ...]:
    key = "sources" if "sources" in data or "source" not in data else "source"
    ids = _text_list(path, data, key)
    if required and not ids:
        raise KnowledgeFileError(path, data.line, "au moins une source est requise (sources)")
    for source_id in ids:
        if source_id not in known_ids:
            reason = (
                f"source inconnue {source_id!r} (aucune note knowledge/sources/{source_id}.md)"
            )
            raise KnowledgeFileError(path, data.line_of(key), reason)
    return ids


def _required_text(path: Path, data: LinedDict, key: str) -> str:
    value = _optional_text(path, data, key)
    if not value:
        raise KnowledgeFileError(path, line_of(data, key), f"champ obligatoire manquant : {key}")
    return value


def _optional_text(path: Path, data: LinedDict, key: str) -> str:
    value: Any = data.get(key)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        raise KnowledgeFileError(path, data.line_of(key), f"{key} doit être un texte")
    return str(value).strip()


def _text_list(path: Path, data: LinedDict, key: str) -> tuple[str, ...]:
    value: Any = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        value = [value]
    if not isinstance(value, list) or any(isinstance(item, list | dict) for item in value):
        raise KnowledgeFileError(path, data.line_of(key), f"{key} doit être une liste de textes")
    return tuple(str(item).strip() for item in value if str(item).strip())
