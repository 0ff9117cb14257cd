"""The evidence an answer is built from: facts of the fact table and sentences of passages,
each with the page that holds it.

``Evidence`` is what the extractive composer chose, in the order it says it: the direct answer
(``direct``: fact lines, or the passage sentence that answers best), an optional list (``intro``
and ``items``), then supporting sentences (``support``). An LLM stage may rewrite from it, and
only from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from facts import Fact, Understanding
from retrieval import Passage, SourceNote

UNCERTAIN_MARK = "(à confirmer)"
ATTRIBUTE_LABELS = {
    "candidature": "candidature",
    "declaration": "déclaration d'atteinte des objectifs",
    "controle": "contrôles",
    "paiement": "paiement",
    "arrete": "texte de référence",
    "echeance": "échéances",
    "enveloppe": "enveloppe",
    "montant_etablissement": "montant par établissement",
    "beneficiaires": "bénéficiaires",
    "prerequis": "prérequis",
    "objectifs": "objectifs",
    "preuves": "pièces à fournir",
    "actions": "actions",
    "depot": "dépôt du dossier",
    "contacts": "interlocuteurs",
}


@dataclass(frozen=True)
class Ref:
    """The page a statement comes from, as cited under the answer."""

    url: str
    title: str
    section: str
    source_id: str
    checked: date
    published: date | None
    uncertain: bool
    excerpt: str
    evidence: date | None = None  # date of the evidence on that page (what users are shown)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.url, self.source_id, self.section)


@dataclass(frozen=True)
class Cited:
    """One statement of the answer and where it comes from (facts may cite several pages)."""

    text: str
    refs: tuple[Ref, ...]
    fact: Fact | None = None
    passage: Passage | None = None


@dataclass(frozen=True)
class Evidence:
    understanding: Understanding
    direct: tuple[Cited, ...] = ()
    intro: Cited | None = None  # the sentence announcing the list
    items: tuple[str, ...] = ()
    support: tuple[Cited, ...] = ()
    facts: tuple[Fact, ...] = field(default=())
    passages: tuple[Passage, ...] = ()  # the passages it may quote (about the asked dispositifs)

    @property
    def statements(self) -> tuple[Cited, ...]:
        """Every cited statement, in the order the answer says them."""
        intro = (self.intro,) if self.intro is not None else ()
        return (*self.direct, *intro, *self.support)


class Pages:
    """Titles and dates of the pages the notes were written from, by URL."""

    def __init__(self, notes: list[SourceNote] | None = None) -> None:
        self.notes: dict[str, SourceNote] = {note.id: note for note in notes or ()}
        self._titles: dict[str, tuple[str, date | None]] = {}
        for note in notes or ():  # a page's own title first, a note's title otherwise
            for link in note.links:
                if link.url and link.title:
                    self._titles.setdefault(link.url, (link.title, link.date))
        for note in notes or ():
            self._titles.setdefault(note.url, (note.title, note.published))

    def title(self, url: str, default: str) -> tuple[str, date | None]:
        return self._titles.get(url, (default, None))


def fact_refs(fact: Fact, pages: Pages, short: Mapping[str, str]) -> tuple[Ref, ...]:
    note = pages.notes.get(fact.note)
    checked = note.checked if note else fact.evidence
    section = f"{short.get(fact.dispositif, fact.dispositif)} — "
    section += ATTRIBUTE_LABELS.get(fact.attribute, fact.attribute)
    excerpt = "\n".join((fact.text, *(f"- {item}" for item in fact.items)))
    refs = []
    for url in fact.urls:
        default = note.title if note else fact.note
        title, published = pages.title(url, default)
        refs.append(
            Ref(url, title, section, fact.note, checked, published or fact.evidence,
                fact.uncertain, excerpt, fact.evidence)
        )  # fmt: skip
    return tuple(refs)


def passage_refs(passage: Passage, sentence: str) -> tuple[Ref, ...]:
    """The pages a sentence of a passage comes from: those its note attributes it to, else
    the note's main URL."""
    citation = passage.citation
    start = passage.text.find(sentence)
    links = citation.links_for(start, start + len(sentence)) if start >= 0 else ()
    refs = tuple(
        Ref(link.url, link.title or citation.title, citation.section, citation.source_id,
            citation.checked, link.date, citation.uncertain, passage.text,
            link.date or citation.evidence)
        for link in links if link.url
    )  # fmt: skip
    if refs:
        return refs
    return (
        Ref(citation.url, citation.title, citation.section, citation.source_id,
            citation.checked, citation.published, citation.uncertain, passage.text,
            citation.evidence),
    )  # fmt: skip


def passage_ref(passage: Passage, sentence: str) -> Ref:
    """The first page a sentence comes from (see ``passage_refs``)."""
    return passage_refs(passage, sentence)[0]


def marked(sentence: str, uncertain: bool) -> str:
    """The sentence, with "(à confirmer)" when its source is uncertain."""
    if not uncertain or UNCERTAIN_MARK in sentence:
        return sentence
    if sentence.endswith(":"):
        return f"{sentence.rstrip(' :')} {UNCERTAIN_MARK} :"
    return f"{sentence.rstrip('.;')} {UNCERTAIN_MARK}."


def fact_sentence(fact: Fact) -> str:
    """What a fact says, with "(à confirmer)" when its status is "a_confirmer"."""
    return marked(fact.text, fact.status == "a_confirmer")
