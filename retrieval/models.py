"""Data crossing the package border: notes, chunks, citations, passages, search results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

UNCERTAIN_MARKER = "(à confirmer)"


@dataclass(frozen=True)
class SourceLink:
    """One page a note was written from (its front matter ``sources``), with its short key.

    The note's body attributes a sentence to it with a ``[^key]`` marker after the sentence, or
    a whole section with the marker at the end of the heading.
    """

    key: str
    title: str
    url: str
    date: date | None = None


@dataclass(frozen=True)
class Citation:
    """Where a passage comes from: the source note and the section inside it.

    ``links`` are the other pages the note was written from; ``marks`` (offset in the passage
    text, key) say which sentence comes from which of them: the key of a mark applies to the
    sentence that ends at its offset. ``section_key`` applies to every other sentence of the
    section. A sentence without either comes from the note's main ``url``.
    """

    source_id: str
    title: str
    section: str
    url: str
    kind: str
    published: date | None
    checked: date
    status: str
    confidence: str
    evidence: date | None = None  # date of the note's newest evidence (None: not stated)
    links: tuple[SourceLink, ...] = ()
    marks: tuple[tuple[int, str], ...] = ()
    section_key: str = ""

    def link_for(self, start: int, end: int) -> SourceLink | None:
        """The page a sentence spanning ``text[start:end]`` comes from (None: the main url)."""
        found = self.links_for(start, end)
        return found[0] if found else None

    def links_for(self, start: int, end: int) -> tuple[SourceLink, ...]:
        """Every page a sentence is attributed to (``[^a][^b]``), else the section's page;
        empty when the sentence comes from the note's main ``url``."""
        keys = {link.key: link for link in self.links if link.key}
        marked = [keys[k] for at, k in self.marks if start < at <= end + 1 and k in keys]
        if marked:
            return tuple(dict.fromkeys(marked))
        section = keys.get(self.section_key)
        return (section,) if section is not None else ()

    @property
    def uncertain(self) -> bool:
        """True when the answer built on this passage must say "(à confirmer)"."""
        return (
            self.status == "a_confirmer"
            or self.confidence == "secondaire"
            or self.section.rstrip().endswith(UNCERTAIN_MARKER)
        )


@dataclass(frozen=True)
class Passage:
    """One chunk returned by a search, with its citation and its fused score (higher is better)."""

    chunk_id: str
    text: str
    citation: Citation
    score: float


@dataclass(frozen=True)
class SearchResult:
    """Passages in rank order; ``found`` is False when nothing is reliable enough to answer.

    When ``found`` is False the passages (possibly empty) are the closest matches, for logs and
    "see also" links only: never build an answer on them.

    ``term_weights`` gives, for each analysed word of the query, how distinctive it is in the
    knowledge base (its IDF divided by the highest possible IDF, 0..1): "CaRE" or "programme"
    weigh little, "SILENE" or "candidature" a lot. The answer composer uses it to prefer the
    sentences carrying the rare words of the question. Empty when unknown.
    """

    query: str
    passages: tuple[Passage, ...]
    found: bool
    term_weights: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class SourceNote:
    """The front matter of one ``knowledge/sources/*.md`` file.

    ``checked`` is when the project last reviewed the note; ``evidence`` is the date of the
    newest evidence the note rests on (its sources' dates). Users are shown ``evidence``: a
    review in November does not make sources from April say anything newer than April.
    """

    id: str
    title: str
    kind: str
    publisher: str
    reference: str
    url: str
    published: date | None
    checked: date
    status: str
    confidence: str
    path: Path
    links: tuple[SourceLink, ...] = ()
    evidence: date | None = None

    def citation(
        self, section: str, marks: tuple[tuple[int, str], ...] = (), section_key: str = ""
    ) -> Citation:
        return Citation(
            source_id=self.id,
            title=self.title,
            section=section,
            url=self.url,
            kind=self.kind,
            published=self.published,
            checked=self.checked,
            status=self.status,
            confidence=self.confidence,
            links=self.links,
            marks=marks,
            section_key=section_key,
            evidence=self.evidence,
        )


@dataclass(frozen=True)
class GlossaryEntry:
    """An acronym or term of ``knowledge/glossary.yaml``."""

    term: str
    expansion: str
    synonyms: tuple[str, ...]
    definition: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class FaqEntry:
    """A curated question of ``knowledge/faq.yaml``."""

    id: str
    question: str
    paraphrases: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Chunk:
    """One searchable unit: a note section, a FAQ entry or a glossary definition.

    ``text`` is what answers quote; ``heading`` (title and section path) is indexed with it.
    ``origin`` is ``"section"``, ``"faq"`` or ``"glossary"``.
    """

    chunk_id: str
    text: str
    heading: str
    citation: Citation
    origin: str
    content_hash: str


@dataclass(frozen=True)
class IndexReport:
    """What a build or refresh did."""

    files: int
    chunks: int
    added: int
    updated: int
    removed: int
    seconds: float
    embedder: str
