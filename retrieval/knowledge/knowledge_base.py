"""Load and validate the whole knowledge base: notes, their chunks, glossary, FAQ, calendar.

Nothing is half-loaded: the first malformed file raises KnowledgeFileError (file, line, reason)
and the caller keeps whatever it had before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import KnowledgeFileError
from retrieval.knowledge.chunk_ids import chunk_hash, unique_id
from retrieval.knowledge.source_notes import parse_source_note, strip_marks
from retrieval.knowledge.yaml_files import check_calendar, load_faq, load_glossary
from retrieval.models import Chunk, FaqEntry, GlossaryEntry, SourceNote

logger = logging.getLogger(__name__)

GLOSSARY_FILE = "glossary.yaml"
FAQ_FILE = "faq.yaml"
CALENDAR_FILE = "calendar.yaml"
SOURCES_DIR = "sources"

Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class KnowledgeBase:
    notes: tuple[SourceNote, ...]
    chunks: tuple[Chunk, ...]
    glossary: tuple[GlossaryEntry, ...]
    faq: tuple[FaqEntry, ...]
    files: int
    fingerprint: Fingerprint


def knowledge_files(knowledge_dir: Path) -> list[Path]:
    """The files the index is built from, in a stable order."""
    sources = knowledge_dir / SOURCES_DIR
    notes = sorted(p for p in sources.glob("*.md") if not p.name.startswith((".", "_")))
    extra = [knowledge_dir / name for name in (GLOSSARY_FILE, FAQ_FILE, CALENDAR_FILE)]
    return notes + [p for p in extra if p.exists()]


def fingerprint(knowledge_dir: Path) -> Fingerprint:
    """A cheap signature of the knowledge files (name, mtime, size): no reading, no hashing."""
    result = []
    for path in knowledge_files(knowledge_dir):
        try:
            stat = path.stat()
        except OSError:
            continue
        result.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(result)


def load_knowledge_base(knowledge_dir: Path) -> KnowledgeBase:
    """Read and validate every knowledge file; raise KnowledgeFileError on the first fault."""
    stamp = fingerprint(knowledge_dir)
    if not (knowledge_dir / SOURCES_DIR).is_dir():
        raise KnowledgeFileError(knowledge_dir / SOURCES_DIR, None, "dossier introuvable")
    notes: list[SourceNote] = []
    chunks: list[Chunk] = []
    note_paths = [p for p in knowledge_files(knowledge_dir) if p.suffix == ".md"]
    if not note_paths:
        raise KnowledgeFileError(knowledge_dir / SOURCES_DIR, None, "aucune note *.md")
    by_id: dict[str, SourceNote] = {}
    for path in note_paths:
        note, note_chunks = parse_source_note(path)
        if note.id in by_id:
            reason = f"id en double {note.id!r} (déjà utilisé par {by_id[note.id].path.name})"
            raise KnowledgeFileError(path, None, reason)
        by_id[note.id] = note
        notes.append(note)
        chunks.extend(note_chunks)
    glossary = load_glossary(knowledge_dir / GLOSSARY_FILE, by_id)
    faq = load_faq(knowledge_dir / FAQ_FILE, by_id)
    milestones = check_calendar(knowledge_dir / CALENDAR_FILE, by_id)
    chunks.extend(_faq_chunks(faq, by_id, knowledge_dir / FAQ_FILE))
    chunks.extend(_glossary_chunks(glossary, by_id))
    logger.debug(
        "knowledge: %d notes, %d FAQ, %d glossary terms, %d milestones, %d chunks",
        len(notes), len(faq), len(glossary), milestones, len(chunks),
    )  # fmt: skip
    return KnowledgeBase(
        notes=tuple(notes),
        chunks=tuple(chunks),
        glossary=tuple(glossary),
        faq=tuple(faq),
        files=len(stamp),
        fingerprint=stamp,
    )


def load_knowledge(knowledge_dir: Path) -> tuple[list[SourceNote], list[Chunk]]:
    """The validated notes and every chunk (sections, FAQ entries, glossary definitions)."""
    base = load_knowledge_base(knowledge_dir)
    return list(base.notes), list(base.chunks)


def load_source_notes(knowledge_dir: Path) -> list[SourceNote]:
    """The validated front matter of every note (glossary, FAQ and calendar are not read)."""
    paths = [p for p in knowledge_files(knowledge_dir) if p.suffix == ".md"]
    if not paths:
        raise KnowledgeFileError(knowledge_dir / SOURCES_DIR, None, "aucune note *.md")
    return [parse_source_note(path)[0] for path in paths]


def _faq_chunks(faq: list[FaqEntry], notes: dict[str, SourceNote], faq_path: Path) -> list[Chunk]:
    chunks, used = [], set[str]()
    for entry in faq:
        chunk_id = unique_id("faq", entry.id, used)
        note = notes[entry.sources[0]]
        keys = {link.key for link in note.links if link.key}
        # "[^key]" after a sentence of the answer: the page of the first source that holds it
        answer, marks = strip_marks(faq_path, None, entry.answer, keys)
        citation = note.citation(f"FAQ : {entry.question}", tuple(marks))
        heading = "\n".join((entry.question, *entry.paraphrases))
        content_hash = chunk_hash(chunk_id, answer, heading, citation, "faq")
        chunks.append(Chunk(chunk_id, answer, heading, citation, "faq", content_hash))
    return chunks


def _glossary_chunks(glossary: list[GlossaryEntry], notes: dict[str, SourceNote]) -> list[Chunk]:
    chunks, used = [], set[str]()
    for entry in glossary:
        if not entry.sources or not entry.definition:
            continue
        chunk_id = unique_id("glossaire", entry.term, used)
        citation = notes[entry.sources[0]].citation(f"Glossaire : {entry.term}")
        named = f"{entry.term} ({entry.expansion})" if entry.expansion else entry.term
        text = f"{named} : {entry.definition}"
        heading = "\n".join((entry.term, entry.expansion, *entry.synonyms))
        content_hash = chunk_hash(chunk_id, text, heading, citation, "glossary")
        chunks.append(Chunk(chunk_id, text, heading, citation, "glossary", content_hash))
    return chunks
