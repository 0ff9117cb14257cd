"""Per-sentence sources: ``[^key]`` markers in a note attribute a sentence (or, after a heading,
a whole section) to one of the pages listed in its front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import KnowledgeFileError
from retrieval.knowledge.source_notes import parse_source_note

NOTE = """\
---
id: care-d2
title: Domaine 2
kind: programme
publisher: ANS
url: https://ans.example/d2
published: 2025-07-16
checked: 2026-11-28
status: en_vigueur
confidence: officiel
sources:
  - title: DSIH – second appel
    url: https://dsih.example/6070
    date: 2025-11-01
    key: dsih
  - title: Transcription du guide
    url: https://github.example/d2.yaml
    key: guide
  - title: Page sans clé
    url: https://other.example
---
Le domaine 2 finance la continuité.

## Participation
Le D2 est doté de 45 M€. Selon DSIH, 1 167 dossiers étaient éligibles. [^dsih] L'ARS valide.

## Objectifs [^guide]
L'objectif O1 porte sur la gouvernance. L'objectif O2 porte sur les sauvegardes.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "care-d2.md"
    path.write_text(text, encoding="utf-8")
    return path


def span(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


def test_a_marked_sentence_cites_its_page_and_the_others_the_main_url(tmp_path: Path) -> None:
    note, chunks = parse_source_note(write(tmp_path, NOTE))
    assert [link.key for link in note.links] == ["dsih", "guide", ""]
    participation = next(c for c in chunks if c.citation.section == "Participation")
    text = participation.text
    assert "[^" not in text and "éligibles. L'ARS valide." in text
    citation = participation.citation
    dsih = citation.link_for(*span(text, "Selon DSIH, 1 167 dossiers étaient éligibles."))
    assert dsih is not None and dsih.url == "https://dsih.example/6070"
    assert citation.link_for(*span(text, "Le D2 est doté de 45 M€.")) is None
    assert citation.link_for(*span(text, "L'ARS valide.")) is None


def test_a_marked_heading_attributes_its_whole_section(tmp_path: Path) -> None:
    _, chunks = parse_source_note(write(tmp_path, NOTE))
    objectives = next(c for c in chunks if c.citation.section == "Objectifs")
    link = objectives.citation.link_for(0, 10)
    assert link is not None and link.title == "Transcription du guide"


def test_an_unknown_key_is_reported_with_its_line(tmp_path: Path) -> None:
    broken = NOTE.replace("[^dsih]", "[^presse]")
    with pytest.raises(KnowledgeFileError) as caught:
        parse_source_note(write(tmp_path, broken))
    assert (
        caught.value.line
        == NOTE.splitlines().index(next(line for line in NOTE.splitlines() if "[^dsih]" in line))
        + 1
    )
    assert "presse" in str(caught.value)


def test_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeFileError, match="double"):
        parse_source_note(write(tmp_path, NOTE.replace("key: guide", "key: dsih")))
