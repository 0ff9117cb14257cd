"""One ``knowledge/sources/*.md`` file → its SourceNote and its chunks (one per section).

The front matter is validated field by field; every error names the file, the line and the reason.
The introduction (text before the first heading) becomes a chunk whose section is the note title;
each ``##`` / ``###`` section becomes a chunk whose section is its heading path ("H2 > H3").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from care_common.front_matter import FrontMatterError, split_front_matter
from retrieval.errors import KnowledgeFileError
from retrieval.knowledge.chunk_ids import chunk_hash, unique_id
from retrieval.knowledge.yaml_lines import LinedDict, load_yaml
from retrieval.models import Chunk, SourceLink, SourceNote

KINDS = frozenset(
    [
        "instruction",
        "arrete",
        "decret",
        "guide",
        "faq",
        "referentiel",
        "programme",
        "rapport",
        "communique",
        "article",
    ]
)
STATUSES = frozenset({"en_vigueur", "historique", "abroge", "a_confirmer"})
CONFIDENCES = frozenset({"officiel", "secondaire"})
REQUIRED = ("id", "title", "kind", "publisher", "url", "published", "checked", "status")
REQUIRED_ALL = (*REQUIRED, "confidence")
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_MARK_RE = re.compile(r"[ \t]*\[\^([a-z0-9][a-z0-9-]*)\]")  # "[^dsih-6070]" after a sentence
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SECTION_SEPARATOR = " > "


def parse_source_note(path: Path) -> tuple[SourceNote, list[Chunk]]:
    """Read, validate and chunk one source note."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeFileError(path, None, f"le fichier n'est pas en UTF-8 ({exc})") from exc
    except OSError as exc:
        raise KnowledgeFileError(path, None, f"lecture impossible ({exc})") from exc
    lines = text.splitlines()
    meta, body_start = _front_matter(path, text)
    note = _note_from_meta(path, meta)
    chunks = _chunks(path, note, lines, body_start)
    if not chunks:
        raise KnowledgeFileError(path, body_start + 1, "la note ne contient aucun texte")
    return note, chunks


def _front_matter(path: Path, text: str) -> tuple[LinedDict, int]:
    """The front matter with its line numbers, and the index of the body's first line."""
    try:
        found = split_front_matter(text)
    except FrontMatterError as exc:
        raise KnowledgeFileError(path, exc.line, exc.reason) from exc
    data = load_yaml(found.yaml, path, first_line=2)
    if not isinstance(data, LinedDict):
        raise KnowledgeFileError(path, 2, "l'en-tête YAML doit être une table clé: valeur")
    data.line = found.closing_line  # a missing field is reported on the closing line
    return data, found.closing_line


def _note_from_meta(path: Path, meta: LinedDict) -> SourceNote:
    for key in REQUIRED_ALL:
        if key not in meta:
            raise KnowledgeFileError(path, meta.line, f"champ obligatoire manquant : {key}")
    note_id = _text(path, meta, "id")
    if not _ID_RE.match(note_id):
        raise KnowledgeFileError(path, meta.line_of("id"), f"id invalide {note_id!r} ([a-z0-9-])")
    if note_id != path.stem:
        raise KnowledgeFileError(
            path, meta.line_of("id"), f"l'id {note_id!r} ne correspond pas au nom du fichier"
        )
    url = _text(path, meta, "url")
    if not url.startswith(("https://", "http://")):
        raise KnowledgeFileError(path, meta.line_of("url"), f"url invalide {url!r}")
    published = None if meta["published"] is None else parse_date(path, meta, "published")
    checked = parse_date(path, meta, "checked")
    links = _links(path, meta)
    return SourceNote(
        id=note_id,
        title=_text(path, meta, "title"),
        kind=_choice(path, meta, "kind", KINDS),
        publisher=_text(path, meta, "publisher"),
        reference=str(meta.get("reference") or ""),
        url=url,
        published=published,
        checked=checked,
        status=_choice(path, meta, "status", STATUSES),
        confidence=_choice(path, meta, "confidence", CONFIDENCES),
        path=path,
        links=links,
        evidence=_evidence(path, meta, published, checked),
    )


def _links(path: Path, meta: LinedDict) -> tuple[SourceLink, ...]:
    """The front matter ``sources``: title, url, date and the optional ``key`` used by markers."""
    raw = meta.get("sources") or []
    if not isinstance(raw, list):
        raise KnowledgeFileError(path, meta.line_of("sources"), "sources doit être une liste")
    links: list[SourceLink] = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise KnowledgeFileError(path, meta.line_of("sources"), "source sans title/url")
        key = str(entry.get("key") or "")
        if key and not _KEY_RE.match(key):
            raise KnowledgeFileError(path, meta.line_of("sources"), f"key invalide {key!r}")
        if key and any(link.key == key for link in links):
            raise KnowledgeFileError(path, meta.line_of("sources"), f"key en double {key!r}")
        when = entry.get("date")
        links.append(
            SourceLink(
                key=key,
                title=str(entry.get("title") or "").strip(),
                url=str(entry.get("url") or "").strip(),
                date=when if isinstance(when, date) else None,
            )
        )
    return tuple(links)


def _evidence(path: Path, meta: LinedDict, published: date | None, checked: date) -> date | None:
    """The optional ``evidence`` date: newest evidence, between ``published`` and ``checked``."""
    if meta.get("evidence") is None:
        return None
    evidence = parse_date(path, meta, "evidence")
    line = meta.line_of("evidence")
    if evidence > checked:
        reason = f"evidence ({evidence}) postérieure à checked ({checked}) : impossible"
        raise KnowledgeFileError(path, line, reason)
    if published is not None and evidence < published:
        reason = f"evidence ({evidence}) antérieure à published ({published})"
        raise KnowledgeFileError(path, line, reason)
    return evidence


def _text(path: Path, meta: LinedDict, key: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str | int | float) or not str(value).strip():
        raise KnowledgeFileError(path, meta.line_of(key), f"{key} doit être un texte non vide")
    return str(value).strip()


def _choice(path: Path, meta: LinedDict, key: str, allowed: frozenset[str]) -> str:
    value = _text(path, meta, key)
    if value not in allowed:
        expected = ", ".join(sorted(allowed))
        raise KnowledgeFileError(
            path, meta.line_of(key), f"{key} inconnu {value!r} (attendu : {expected})"
        )
    return value


def parse_date(path: Path, data: LinedDict, key: str) -> date:
    """A YAML date or an ISO ``YYYY-MM-DD`` string; anything else is an error with its line."""
    value: Any = data.get(key)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise KnowledgeFileError(
        path, data.line_of(key), f"{key} : date illisible {value!r} (attendu AAAA-MM-JJ)"
    )


def _chunks(path: Path, note: SourceNote, lines: list[str], body_start: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    used: set[str] = set()
    trail: list[tuple[int, str]] = []  # (level, heading) of the enclosing headings
    section = note.title
    section_key = ""
    buffer: list[tuple[int, str]] = []  # (line number, line)
    in_fence = False
    keys = {link.key for link in note.links if link.key}

    def flush() -> None:
        body, marks = _without_marks(path, buffer, keys)
        buffer.clear()
        if body:
            chunk_id = unique_id(note.id, section if trail else "intro", used)
            chunks.append(_section_chunk(note, chunk_id, section, body, marks, section_key))

    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING_RE.match(line)
        if match is None or len(match.group(1)) > 3:
            buffer.append((number, line))
            continue
        level, heading = len(match.group(1)), match.group(2).strip()
        flush()
        heading, heading_marks = strip_marks(path, number, heading, keys)
        if not heading:
            raise KnowledgeFileError(path, number, "titre de section vide")
        section_key = heading_marks[0][1] if heading_marks else ""
        trail = [(lvl, head) for lvl, head in trail if lvl < level] + [(level, heading)]
        section = SECTION_SEPARATOR.join(head for lvl, head in trail if lvl > 1) or heading
    flush()
    return chunks


def strip_marks(
    path: Path, number: int | None, line: str, keys: set[str]
) -> tuple[str, list[tuple[int, str]]]:
    """The line without its ``[^key]`` markers, and (offset in the clean line, key) of each."""
    clean: list[str] = []
    marks: list[tuple[int, str]] = []
    position = 0
    length = 0
    for match in _MARK_RE.finditer(line):
        if match.group(1) not in keys:
            reason = f"source [^{match.group(1)}] absente des sources de l'en-tête (key)"
            raise KnowledgeFileError(path, number, reason)
        clean.append(line[position : match.start()])
        length += match.start() - position
        marks.append((length, match.group(1)))
        position = match.end()
    clean.append(line[position:])
    return "".join(clean).rstrip(), marks


def _without_marks(
    path: Path, buffer: list[tuple[int, str]], keys: set[str]
) -> tuple[str, tuple[tuple[int, str], ...]]:
    """The section body without markers, and the marks' offsets in that body."""
    lines: list[str] = []
    marks: list[tuple[int, str]] = []
    offset = 0
    for number, raw in buffer:
        line, line_marks = strip_marks(path, number, raw, keys)
        marks.extend((offset + at, key) for at, key in line_marks)
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines)
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    shifted = tuple((at - lead, key) for at, key in marks if 0 < at - lead <= len(body))
    return body, shifted


def _section_chunk(
    note: SourceNote,
    chunk_id: str,
    section: str,
    body: str,
    marks: tuple[tuple[int, str], ...] = (),
    section_key: str = "",
) -> Chunk:
    citation = note.citation(section, marks, section_key)
    heading = section if section != note.title else ""
    return Chunk(
        chunk_id=chunk_id,
        text=body,
        heading=heading,
        citation=citation,
        origin="section",
        content_hash=chunk_hash(chunk_id, body, heading, citation, "section"),
    )
