"""Loading the knowledge files: chunking by heading, validation with file, line and reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retrieval import KnowledgeFileError, load_knowledge, load_source_notes
from retrieval.knowledge import load_knowledge_base
from tests.retrieval.retrieval_fixtures import FRONT, write_note


def test_notes_are_chunked_by_heading_with_their_citation(knowledge_dir: Path) -> None:
    notes, chunks = load_knowledge(knowledge_dir)
    assert [n.id for n in notes] == ["care-d2", "instruction-dns-2025-12", "signalement-incidents"]
    d2 = [c for c in chunks if c.citation.source_id == "care-d2" and c.origin == "section"]
    assert [c.citation.section for c in d2] == [
        "Domaine 2 de CaRE : continuité et reprise d'activité",
        "Prérequis P1 et P2",
        "Objectifs du domaine 2 > Objectif O1.C : exercice de sauvegarde",
        "Objectifs du domaine 2 > Objectif O2 : plan de continuité (à confirmer)",
    ]
    intro = d2[0]
    assert intro.text.startswith("Le domaine 2 (D2) de CaRE finance")
    assert intro.citation.url == "https://example.org/care-d2"
    assert intro.citation.published == date(2025, 1, 22)
    assert intro.citation.checked == date(2026, 11, 28)
    assert (intro.citation.kind, intro.citation.status) == ("instruction", "en_vigueur")
    assert not intro.citation.uncertain
    assert d2[3].citation.uncertain  # the heading ends with "(à confirmer)"
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_faq_and_glossary_entries_become_chunks_cited_by_their_first_source(
    knowledge_dir: Path,
) -> None:
    _, chunks = load_knowledge(knowledge_dir)
    faq = next(c for c in chunks if c.origin == "faq")
    assert faq.citation.source_id == "care-d2"
    assert faq.citation.section == "FAQ : Quels sont les prérequis du domaine 2 ?"
    assert "prerequis d2" in faq.heading
    assert faq.text.startswith("Le domaine 2 exige")
    glossary = {c.citation.section for c in chunks if c.origin == "glossary"}
    assert glossary == {"Glossaire : PCRA", "Glossaire : règle 3-2-1"}  # ARS has no source


def test_the_whole_base_is_loaded_with_glossary_and_faq(knowledge_dir: Path) -> None:
    base = load_knowledge_base(knowledge_dir)
    assert [g.term for g in base.glossary] == ["PCRA", "règle 3-2-1", "ARS"]
    assert base.glossary[1].synonyms == ("sauvegarde hors ligne", "321")
    assert [f.id for f in base.faq] == ["faq-001"]
    assert base.files == 6


@pytest.mark.parametrize(
    ("status", "confidence", "uncertain"),
    [("a_confirmer", "officiel", True), ("en_vigueur", "secondaire", True)],
)
def test_uncertain_notes(tmp_path: Path, status: str, confidence: str, uncertain: bool) -> None:
    write_note(tmp_path, "blog", "Un blog", "Texte.\n", status=status, confidence=confidence)
    _, chunks = load_knowledge(tmp_path)
    assert chunks[0].citation.uncertain is uncertain


def _front(**changes: str) -> str:
    values = {
        "id": "note",
        "title": "Titre",
        "kind": "guide",
        "status": "en_vigueur",
        "confidence": "officiel",
    }
    values.update(changes)
    return FRONT.format(**values)


def _error(tmp_path: Path, text: str, name: str = "note.md") -> KnowledgeFileError:
    path = tmp_path / "sources" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as caught:
        load_knowledge(tmp_path)
    error = caught.value
    assert error.path == path
    assert str(path) in str(error)
    return error


def test_missing_front_matter(tmp_path: Path) -> None:
    error = _error(tmp_path, "## Titre\nTexte\n")
    assert error.line == 1
    assert error.reason.startswith("en-tête YAML absent")


def test_unclosed_front_matter(tmp_path: Path) -> None:
    error = _error(tmp_path, "---\nid: note\ntitle: x\n")
    assert error.line == 1
    assert "non fermé" in error.reason


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    text = _front().replace('title: "Titre"', "title: [non fermé")
    error = _error(tmp_path, text + "Texte.\n")
    assert error.line is not None and 3 <= error.line <= 5
    assert "YAML invalide" in error.reason


def test_missing_field_names_the_field(tmp_path: Path) -> None:
    text = _front().replace("confidence: officiel\n", "")
    error = _error(tmp_path, text + "Texte.\n")
    assert "confidence" in error.reason
    assert error.line == 10  # the closing --- line
    assert f"{error.path}:10:" in str(error)


def test_unparsable_date_names_its_line(tmp_path: Path) -> None:
    text = _front().replace("checked: 2026-11-28", "checked: 28/11/2026")
    error = _error(tmp_path, text + "Texte.\n")
    assert error.line == 8
    assert "checked" in error.reason and "28/11/2026" in error.reason


def test_impossible_date_names_its_line(tmp_path: Path) -> None:
    text = _front().replace("published: 2025-01-22", "published: 2025-13-45")
    error = _error(tmp_path, text + "Texte.\n")
    assert error.line == 7
    assert "date invalide" in error.reason


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [("kind", "roman", 4), ("status", "en_cours", 9), ("confidence", "moyenne", 10)],
)
def test_unknown_enumerated_values(tmp_path: Path, field: str, value: str, line: int) -> None:
    text = _front(**{field: value})
    error = _error(tmp_path, text + "Texte.\n")
    assert error.line == line
    assert value in error.reason


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    error = _error(tmp_path, _front(id="autre") + "Texte.\n")
    assert error.line == 2
    assert "autre" in error.reason


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    text = _front().replace("kind: guide\n", "kind: guide\nkind: faq\n")
    error = _error(tmp_path, text + "Texte.\n")
    assert error.line == 5
    assert "double" in error.reason


def test_a_note_without_text_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, _front() + "\n\n")
    assert "aucun texte" in error.reason


def test_invalid_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "sources" / "note.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(_front().encode() + b"Texte \xff\xfe.\n")
    with pytest.raises(KnowledgeFileError, match="UTF-8"):
        load_knowledge(tmp_path)


def test_unknown_source_in_glossary(knowledge_dir: Path) -> None:
    glossary = knowledge_dir / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8")
        + "- term: X\n  definition: y\n  sources: [nulle-part]\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeFileError) as caught:
        load_knowledge(knowledge_dir)
    assert caught.value.path == glossary
    assert caught.value.line == 16
    assert "nulle-part" in caught.value.reason


def test_unknown_source_in_faq(knowledge_dir: Path) -> None:
    faq = knowledge_dir / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("[care-d2]", "[care-d9]"))
    with pytest.raises(KnowledgeFileError) as caught:
        load_knowledge(knowledge_dir)
    assert (caught.value.path, caught.value.line) == (faq, 5)


def test_unknown_source_in_calendar(knowledge_dir: Path) -> None:
    calendar = knowledge_dir / "calendar.yaml"
    calendar.write_text(calendar.read_text(encoding="utf-8").replace("care-d2", "d2"))
    with pytest.raises(KnowledgeFileError) as caught:
        load_knowledge(knowledge_dir)
    assert (caught.value.path, caught.value.line) == (calendar, 3)


def test_duplicate_glossary_term(knowledge_dir: Path) -> None:
    glossary = knowledge_dir / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8") + "- term: pcra\n  definition: doublon\n"
    )
    with pytest.raises(KnowledgeFileError, match="double"):
        load_knowledge(knowledge_dir)


def test_faq_without_sources(knowledge_dir: Path) -> None:
    faq = knowledge_dir / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("  sources: [care-d2]\n", ""))
    with pytest.raises(KnowledgeFileError, match="source"):
        load_knowledge(knowledge_dir)


def test_missing_sources_directory(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeFileError, match="introuvable"):
        load_knowledge(tmp_path / "nowhere")


def test_load_source_notes_reads_only_the_notes(knowledge_dir: Path) -> None:
    (knowledge_dir / "faq.yaml").write_text("- question: cassée\n", encoding="utf-8")
    notes = load_source_notes(knowledge_dir)
    assert [n.id for n in notes] == ["care-d2", "instruction-dns-2025-12", "signalement-incidents"]


def test_the_user_message_names_file_line_and_reason(tmp_path: Path) -> None:
    error = _error(tmp_path, _front(kind="roman") + "Texte.\n")
    assert f"{error.path}:4" in error.user_message
    assert "roman" in error.user_message


def _with_evidence(evidence: str) -> str:
    return _front().replace(
        "checked: 2026-11-28\n", f"checked: 2026-11-28\nevidence: {evidence}\n"
    )


def test_evidence_date_is_read_and_carried_by_every_citation(tmp_path: Path) -> None:
    path = tmp_path / "sources" / "note.md"
    path.parent.mkdir(parents=True)
    path.write_text(_with_evidence("2026-04-03") + "Texte.\n\n## Section\nAutre.\n", "utf-8")
    notes, chunks = load_knowledge(tmp_path)
    assert notes[0].evidence == date(2026, 4, 3)
    assert notes[0].checked == date(2026, 11, 28)  # the review date stays apart
    assert {c.citation.evidence for c in chunks} == {date(2026, 4, 3)}


def test_a_note_without_evidence_date_has_none(tmp_path: Path) -> None:
    path = tmp_path / "sources" / "note.md"
    path.parent.mkdir(parents=True)
    path.write_text(_front() + "Texte.\n", "utf-8")
    assert load_source_notes(tmp_path)[0].evidence is None


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        ("2026-12-01", "postérieure à checked"),  # evidence newer than the review: impossible
        ("2024-12-31", "antérieure à published"),  # older than the note's own main source
        ("avril 2026", "date illisible"),
    ],
)
def test_an_impossible_evidence_date_names_its_line(
    tmp_path: Path, evidence: str, words: str
) -> None:
    error = _error(tmp_path, _with_evidence(evidence) + "Texte.\n")
    assert error.line == 9
    assert "evidence" in error.reason and words in error.reason
