"""Grounded answers, extractive by default: the direct answer first, then what supports it.

An answer is built in three moves (see docs/dev/answering.md):

1. understanding (``facts.understand``): the dispositifs the question is about and its intents;
2. evidence (``Evidence``): the facts of the fact table that answer those intents, and the
   sentences of the retrieved passages about the same dispositifs (a passage or a sentence about
   another dispositif never supplies the answer; glossary lines lead only definition answers);
3. composition: the first line is the direct answer (fact lines, or the best sentence), then the
   list items when a list is asked, then supporting sentences; every statement cites the page
   that holds it.

Nothing is invented. Below the retriever's relevance gate, and without a fact that answers, the
assistant says it does not know and who can answer instead (the contact depends on the topic);
a patient's personal request is turned down with where to ask instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from agent.declines import NOT_FOUND_TEXT, decline_text
from agent.dispositif_tags import DispositifTagger
from agent.enumerations import (
    LIST_ABRIDGED,
    MAX_LIST_ITEMS,
    UNANNOUNCED,
    Enumeration,
    asks_for_list,
    find_enumerations,
    listed_noun,
    sentence_after,
    shorten,
)
from agent.evidence import (
    UNCERTAIN_MARK,
    Cited,
    Evidence,
    Pages,
    Ref,
    fact_refs,
    fact_sentence,
    marked,
    passage_ref,
    passage_refs,
)
from agent.evidence_dates import source_state_label, sources_state_line
from agent.messages import PATIENT_REQUEST
from agent.question_core import question_core
from agent.references import conflicts as conflicting_reference
from agent.references import named_references
from agent.sentence_choice import MAX_SENTENCES, Picked, SentencePicker, rank_weight_of
from agent.sentences import split_sentences
from agent.turns import SourceRef
from care_common.french_text import fold_phrase
from facts import (
    AMOUNT,
    COUNT,
    DATE,
    DEFINITION,
    LIST,
    PROGRAMME,
    Ask,
    Catalogue,
    Fact,
    FactBase,
    Previous,
    Understanding,
    understand,
)
from retrieval import Passage, SearchResult, SourceNote

__all__ = [
    "MAX_SENTENCES",
    "NOT_FOUND_TEXT",
    "UNCERTAIN_MARK",
    "Answer",
    "ExtractiveComposer",
    "checked_line",
    "full_text",
    "is_patient_request",
    "render_sources",
    "source_ref",
    "split_sentences",
]

_LIST_PASSAGES = 5  # a list may come from any of the passages the retriever returned
_MIN_LIST_COVERAGE = 0.5  # share of the query's terms the list (with its heading) must carry
_SAME_SOURCE_BONUS = 1.5  # a list from the best passage's source note is preferred
_SUPPORT_AFTER_FACTS = 2  # supporting sentences after a fact line
_SUPPORT_AFTER_LIST = 1
_MAX_DEFINITIONS = 3  # « DEBEX / FINEX, ça veut dire quoi ? »
_LOOKUP_TERMS = 4  # a code or a text named alone (few words, no intent) is looked up
_CODE = re.compile(r"\b[A-Z]{1,3}\d{1,2}(?:\.[A-Z]{0,2}\d{0,2}[A-Z]?)+\b")
_LOOKUP_SENTENCES = 3
_LOOKUP_CHARS = 350
_LIST_CUES = "liste lister énumérer détailler contenir comporter comprendre"
_GUICHET = "guichet"
_GLOSSARY = "Glossaire : "
# A patient's personal request (matched on folded text): the knowledge base is written for
# referents, and shares words with these requests ("dossier médical", "données de santé").
_PATIENT_REQUEST = re.compile(
    r"\b(?:je suis (?:une? )?patient|en tant que patient"
    r"|(?:mon|ma|mes) (?:dossier medical|dmp|espace sante|donnees de sante|compte rendu"
    r"|resultats? d'(?:analyse|examen)|ordonnance)"
    r"|prendre (?:un )?rendez-vous)"
)
_EMPTY_FACTS = FactBase(Catalogue(()), (), (), "")


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    found: bool
    mode: str  # "extractive" | "llm"
    as_of: date
    passages: tuple[Passage, ...]
    sources: tuple[SourceRef, ...]  # the cited sources, numbered as in the text
    evidence: Evidence | None = None  # what the extractive composer chose (None: a decline)

    @property
    def items(self) -> tuple[str, ...]:
        """The items of the list the answer gives (for follow-ups: « et la 4e ? »)."""
        return self.evidence.items if self.evidence is not None else ()


def is_patient_request(question: str) -> bool:
    """True for a patient's personal request ("mon dossier médical", "je suis patient"…)."""
    return bool(_PATIENT_REQUEST.search(fold_phrase(question).replace("\u2019", "'")))


def source_ref(number: int, passage: Passage) -> SourceRef:
    citation = passage.citation
    return SourceRef(
        number=number,
        source_id=citation.source_id,
        title=citation.title,
        section=citation.section,
        url=citation.url,
        checked=citation.checked.isoformat(),
        published=citation.published.isoformat() if citation.published else None,
        uncertain=citation.uncertain,
        excerpt=passage.text,
        evidence=citation.evidence.isoformat() if citation.evidence else None,
    )


class ExtractiveComposer:
    """Understanding, evidence and composition of an answer (see the module docstring).

    ``facts`` is the fact table (``facts.load_fact_base``); ``notes`` give the titles of the
    pages facts and sentences cite. Both are optional: without them the composer answers from
    the passages alone.
    """

    def __init__(
        self,
        analyze: Callable[[str], list[str]],
        facts: FactBase | None = None,
        notes: Sequence[SourceNote] = (),
    ) -> None:
        self.facts = facts or _EMPTY_FACTS
        self.picker = SentencePicker(analyze)
        self.tagger = DispositifTagger(self.facts.catalogue)
        self.pages = Pages(list(notes))
        self._cues = set(analyze(_LIST_CUES))
        self._short = {d.id: d.short for d in self.facts.catalogue.by_id.values()}

    # -- understanding --------------------------------------------------------------------
    def understand(self, question: str, previous: Previous | None = None) -> Understanding:
        meaning = understand(question, self.facts.catalogue, previous)
        if meaning.item is not None and meaning.item_text is None:
            meaning = self._item_from_facts(meaning)
        return meaning

    def core_query(self, question: str, meaning: Understanding) -> str | None:
        """What to search when the whole question is below the gate (``question_core``)."""
        catalogue = self.facts.catalogue
        named = [catalogue.short(d) for d in meaning.dispositifs]
        if meaning.programme:
            named.append("CaRE")
        topic = self.facts.topic(question)
        return question_core(question, named, topic.query if topic is not None else "")

    def _item_from_facts(self, meaning: Understanding) -> Understanding:
        """« l'action 4 de l'instruction » names an item of a list the fact table holds."""
        assert meaning.item is not None
        for dispositif in meaning.dispositifs:
            for fact in self.facts.of(dispositif):
                if fact.items and 0 < meaning.item <= len(fact.items):
                    return replace(meaning, item_text=fact.items[meaning.item - 1])
        return meaning

    # -- composition ----------------------------------------------------------------------
    def compose(
        self, result: SearchResult, as_of: date, meaning: Understanding | None = None
    ) -> Answer:
        question = result.query
        meaning = meaning or self.understand(question)
        if is_patient_request(question):
            return Answer(question, PATIENT_REQUEST, False, "extractive", as_of, (), ())
        topic = self.facts.topic(question)
        evidence = self.evidence(result, meaning)
        if topic is not None and not topic.urgent and not (evidence and evidence.facts):
            evidence = None  # a near-domain subject: its own contact, not a loose passage
        if topic is not None and topic.urgent and not topic.answered(question):
            evidence = None  # an attack in progress: what to do now, not a loose passage
        if evidence is None:
            return Answer(question, decline_text(topic), False, "extractive", as_of, (), ())
        text, refs = render(evidence)
        if topic is not None and topic.urgent:
            text = f"{topic.text}\n{text}"  # an attack in progress: what to do first
        return Answer(question, text, True, "extractive", as_of, evidence.passages, refs, evidence)

    def evidence(self, result: SearchResult, meaning: Understanding) -> Evidence | None:
        """What the answer will say, or None when nothing reliable answers the question."""
        facts = self.direct_facts(meaning)
        if not facts and (not result.found or not result.passages):
            return None
        passages = self._usable_passages(result, meaning, bool(facts))
        asked = meaning.dispositifs
        list_fact = next((f for f in facts if f.items), None)
        direct = [self._fact_cited(f) for f in facts if f is not list_fact]
        intro: Cited | None = None
        items: tuple[str, ...] = ()
        direct_after: list[Cited] = []  # the sentence following a list, before other support
        if list_fact is not None:
            intro, items = self._fact_cited(list_fact), list_fact.items
        elif not facts and (meaning.wants(LIST) or asks_for_list(result.query)):
            listed = self._passage_list(result.query, passages)
            if listed is not None:
                intro, items, after = listed
                if after is not None:
                    direct_after = [after]
        said: set[str] = set()
        for statement in (*direct, *([intro] if intro else [])):
            said |= self.picker.terms(statement.text)
        said |= self.picker.terms(" ".join(items))

        references = named_references(meaning.question)
        if not (meaning.wants(COUNT) or meaning.wants(AMOUNT)):
            # a year is context, unless a figure of that year is asked
            references.pop("year", None)
        if "year" in references:  # « combien … en 2024 ? » : the passages about 2024 first
            years = references["year"]
            passages = sorted(
                passages,
                key=lambda p: (
                    not any(y in p.citation.section for y in years),
                    not any(y in p.text for y in years),
                ),
            )

        def keep(passage: Passage, sentence: str) -> bool:
            if self.tagger.off_topic(asked, sentence, passage):
                return False
            return not conflicting_reference(references, sentence)

        limit = _SUPPORT_AFTER_LIST if items else _SUPPORT_AFTER_FACTS if facts else MAX_SENTENCES
        query = meaning.item_text + " " + result.query if meaning.item_text else result.query
        weights = dict(result.term_weights)
        picked = self.picker.choose(
            query, passages, weights, keep, said or None, limit,
            dates_only=not facts, one_topic=len(asked) < 2,
        )  # fmt: skip
        definitions = self._definitions(meaning, passages, result.query)
        lookup = self._lookup(meaning, passages, result.query, keep) if not facts else []
        if definitions and intro is None:
            defined = {d.passage.chunk_id for d in definitions if d.passage is not None}
            direct = [*definitions, *direct]
            rest = [p for p in picked if p.passage.chunk_id not in defined]
            limit = _SUPPORT_AFTER_FACTS if facts else MAX_SENTENCES // 2
            support = [self._sentence_cited(p.passage, p.sentence) for p in rest[:limit]]
        elif lookup and intro is None:
            direct, support = lookup, []
        elif not facts and intro is None:
            if not picked:
                return None
            lead, rest = _lead(picked, meaning)
            direct = [self._sentence_cited(p.passage, p.sentence) for p in lead]
            support = [self._sentence_cited(p.passage, p.sentence) for p in rest]
        else:
            ordered = sorted(picked, key=lambda p: (p.rank, p.position))
            support = [self._sentence_cited(p.passage, p.sentence) for p in ordered]
            support = (
                [*direct_after, *(c for c in support if c.text != direct_after[0].text)]
                if direct_after
                else support
            )
        if meaning.item_text and facts:
            direct = [_about_item(direct[0], meaning), *direct[1:]] if direct else direct
        if len(asked) > 1:
            support = [self._labelled(c, asked) for c in support]
        return Evidence(
            meaning, tuple(direct), intro, items, tuple(support), tuple(facts), tuple(passages)
        )

    def direct_facts(self, meaning: Understanding) -> list[Fact]:
        """The facts that answer the question's intents, in the order they are asked."""
        dispositifs = meaning.dispositifs or (("CaRE",) if meaning.programme else ())
        found: list[Fact] = []
        for ask in meaning.asks:
            for dispositif in dispositifs:
                for attribute in self._attributes(ask, dispositif, meaning):
                    fact = self.facts.find(dispositif, attribute)
                    if fact is not None and fact not in found:
                        found.append(fact)
                        if ask.kind == AMOUNT:
                            break  # the amount asked; the envelope only when it is unknown
        return found

    def _attributes(self, ask: Ask, dispositif: str, meaning: Understanding) -> list[str]:
        catalogue = self.facts.catalogue
        family = catalogue.by_id[dispositif].family if dispositif in catalogue.by_id else ""
        if ask.kind == DATE:
            if family == PROGRAMME and ask.attribute != "arrete":
                return []  # « les échéances de CaRE » : the calendar, not the launch date
            if ask.attribute and not (ask.attribute == "echeance" and family == _GUICHET):
                return [ask.attribute]
            if meaning.item is not None or ask.attribute == "echeance":
                return ["echeance", "candidature", "declaration"]
            if family == _GUICHET:
                if ask.bound == "start":
                    return ["candidature"]
                return ["candidature", "declaration"]
            return ["arrete", "echeance"]
        if ask.kind == AMOUNT and ask.attribute == "montant_etablissement":
            fact = self.facts.find(dispositif, "montant_etablissement")
            unknown = fact is None or fact.status == "inconnu"
            return ["montant_etablissement", "enveloppe"] if unknown else [ask.attribute]
        return [ask.attribute] if ask.attribute else []

    def _usable_passages(
        self, result: SearchResult, meaning: Understanding, have_facts: bool
    ) -> list[Passage]:
        """The passages an answer may quote: about the asked dispositifs, glossary lines only
        for definitions (or when nothing else is there), and below the gate only those
        about an asked dispositif."""
        asked = meaning.dispositifs
        passages = [p for p in result.passages if not self.tagger.passage_off_topic(asked, p)]
        if not result.found:
            passages = [p for p in passages if set(self.tagger.passage(p)) & set(asked)]
        glossary = [p for p in passages if p.citation.section.startswith(_GLOSSARY)]
        others = [p for p in passages if not p.citation.section.startswith(_GLOSSARY)]
        if meaning.wants(DEFINITION):
            named = [p for p in glossary if self._names_term(p, result.query)]
            return [*named, *others, *(p for p in glossary if p not in named)]
        if others or have_facts:
            return others
        return [p for p in glossary if self._names_term(p, result.query)]

    def _definitions(
        self, meaning: Understanding, passages: Sequence[Passage], question: str
    ) -> list[Cited]:
        """The glossary entries a definition question names, each whole (they are short)."""
        if not meaning.wants(DEFINITION):
            return []
        found = []
        for passage in passages:
            if passage.citation.section.startswith(_GLOSSARY) and self._names_term(
                passage, question
            ):
                text = " ".join(split_sentences(passage.text))
                ref = passage_ref(passage, passage.text)
                found.append(Cited(marked(text, ref.uncertain), (ref,), passage=passage))
        return found[:_MAX_DEFINITIONS]

    def _lookup(
        self,
        meaning: Understanding,
        passages: Sequence[Passage],
        question: str,
        keep: Callable[[Passage, str], bool],
    ) -> list[Cited]:
        """A bare name or code (« D1.O2.B », « décret 2018-137 »): the opening sentences of the
        passage about it, which say what it is."""
        if meaning.asks or len(self.picker.terms(question)) > _LOOKUP_TERMS:
            return []
        codes = [m.group(0) for m in _CODE.finditer(question)]
        references = named_references(question)
        references.pop("year", None)
        if not codes and not references:
            return []

        def names_it(passage: Passage) -> bool:
            text = passage.text
            if any(code in text for code in codes):
                return True
            found = named_references(text)
            return any(found.get(kind, set()) & values for kind, values in references.items())

        passage = next(
            (p for p in passages if not p.citation.section.startswith(_GLOSSARY) and names_it(p)),
            None,
        )
        if passage is None:
            return []
        sentences = split_sentences(passage.text)
        start = next(
            (i for i, sentence in enumerate(sentences) if any(c in sentence for c in codes)), 0
        )  # « D2.O3.C » in a section about all of O3: from the sentence naming it
        cited: list[Cited] = []
        length = 0
        for sentence in sentences[start : start + _LOOKUP_SENTENCES]:
            if length > _LOOKUP_CHARS:
                break
            if keep(passage, sentence):
                cited.append(self._sentence_cited(passage, sentence))
                length += len(sentence)
        return cited

    def _names_term(self, passage: Passage, question: str) -> bool:
        term = passage.citation.section.removeprefix(_GLOSSARY)
        return bool(self.picker.terms(term)) and self.picker.terms(term) <= self.picker.terms(
            question
        )

    def _fact_cited(self, fact: Fact) -> Cited:
        return Cited(fact_sentence(fact), fact_refs(fact, self.pages, self._short), fact=fact)

    def _labelled(self, cited: Cited, asked: tuple[str, ...]) -> Cited:
        """« Pour le D1 : … » on a sentence that does not name the one of the compared
        dispositifs it is about (it takes it from its passage)."""
        if cited.passage is None or self.facts.catalogue.find(cited.text):
            return cited
        about = set(self.tagger.passage(cited.passage)) & set(asked)
        if len(about) != 1:
            return cited
        label = self.facts.catalogue.label(about.pop())
        return replace(cited, text=f"Pour {label} : {_lower_first(cited.text)}")

    def _sentence_cited(self, passage: Passage, sentence: str) -> Cited:
        refs = passage_refs(passage, sentence)
        return Cited(marked(sentence, refs[0].uncertain), refs, passage=passage)

    # -- lists from passages ----------------------------------------------------------------
    def _passage_list(
        self, query: str, passages: Sequence[Passage]
    ) -> tuple[Cited, tuple[str, ...], Cited | None] | None:
        """The best list of the passages: its intro, its items (bounded, the cut said), and
        the sentence that follows it (often a caveat)."""
        best = self._best_enumeration(query, passages)
        if best is None:
            return None
        passage, enumeration = best
        ref = passage_ref(passage, enumeration.items[0])
        after = sentence_after(passage.text, enumeration.items[-1])
        following = Cited(marked(after, ref.uncertain), (ref,), passage=passage) if after else None
        if enumeration.inline:
            inline = Cited(marked(enumeration.items[0], ref.uncertain), (ref,), passage=passage)
            return inline, (), following
        items = enumeration.items[:MAX_LIST_ITEMS]
        shown = tuple(shorten(item) for item in items)
        if len(enumeration.items) > len(items) or shown != tuple(items):
            shown = (*shown, LIST_ABRIDGED)
        intro_text = enumeration.intro or UNANNOUNCED
        return Cited(marked(intro_text, ref.uncertain), (ref,), passage=passage), shown, following

    def _best_enumeration(
        self, query: str, passages: Sequence[Passage]
    ) -> tuple[Passage, Enumeration] | None:
        """The list whose heading, intro and items carry most of the query (best passages)."""
        terms = self.picker.terms
        query_terms = terms(query) - self._cues
        if not query_terms or not passages:
            return None
        needed = max(min(2, len(query_terms)), _MIN_LIST_COVERAGE * len(query_terms))
        noun = listed_noun(query)
        noun_terms = terms(noun) if noun else set()
        best: tuple[float, Passage, Enumeration] | None = None
        for rank, passage in enumerate(passages[:_LIST_PASSAGES]):
            weight = rank_weight_of(passages, rank)
            section = terms(passage.citation.section)
            for enumeration in find_enumerations(passage.text):
                intro = terms(enumeration.intro or "")
                labels = terms(" ".join(_label(item) for item in enumeration.items))
                head = section | intro
                shared = len(query_terms & (head | terms(" ".join(enumeration.items))))
                if shared < needed:
                    continue
                if noun_terms and not noun_terms <= (intro or section) | labels:
                    continue  # a list of other things ("domaines" for "objectifs")
                if not noun_terms and not query_terms & (intro or section):
                    continue
                score = weight * (shared + 0.5 * len(query_terms & head)) / len(query_terms)
                score *= 0.8 if enumeration.inline else 1.0
                if passage.citation.source_id == passages[0].citation.source_id:
                    score *= _SAME_SOURCE_BONUS
                if best is None or score > best[0]:
                    best = (score, passage, enumeration)
        return None if best is None else (best[1], best[2])


def _lead(picked: list[Picked], meaning: Understanding) -> tuple[list[Picked], list[Picked]]:
    """The best sentence (with its continuation) first; the others in reading order, or by
    score for a date question (the date is the answer)."""
    lead = [picked[0]]
    rest = picked[1:]
    if (
        rest
        and rest[0].passage is picked[0].passage
        and rest[0].position == picked[0].position + 1
    ):
        lead.append(rest.pop(0))
    if not meaning.wants(DATE):
        rest = sorted(rest, key=lambda p: (p.rank, p.position))
    return lead, rest


def _lower_first(text: str) -> str:
    """The sentence as the second half of another (not when it opens with an acronym)."""
    return text if re.match(r"^[A-Z]{2}", text) else text[:1].lower() + text[1:]


def _about_item(cited: Cited, meaning: Understanding) -> Cited:
    """« Pour l'action 4 (formaliser …) : <fact> »."""
    item = (meaning.item_text or "").rstrip(" ;.")
    noun = _ACCENTED.get(meaning.item_noun, meaning.item_noun) or "point"
    article = "l'" if noun[:1] in "aeiouyhé" else "la " if noun in _FEMININE else "le "
    text = _lower_first(cited.text)
    return replace(cited, text=f"Pour {article}{noun} {meaning.item} ({item}) : {text}")


_FEMININE = frozenset({"pièce", "preuve", "cible", "mesure", "condition", "ligne", "étape"})
_ACCENTED = {"piece": "pièce", "etape": "étape", "element": "élément", "critere": "critère",
             "prerequi": "prérequis"}  # fmt: skip


def render(evidence: Evidence) -> tuple[str, tuple[SourceRef, ...]]:
    """The answer text (first line: the direct answer) and its sources, numbered in order.

    One number per page (URL): two statements taken from the same page cite the same number.
    """
    numbers: dict[str, int] = {}
    cited: list[list[Ref]] = []

    def cite(statement: Cited) -> str:
        markers = []
        for ref in statement.refs:
            if ref.url not in numbers:
                numbers[ref.url] = len(numbers) + 1
                cited.append([])
            cited[numbers[ref.url] - 1].append(ref)
            markers.append(f"[{numbers[ref.url]}]")
        marker = "".join(dict.fromkeys(markers))
        if "{marker}" in statement.text:  # "D'après la source [1] :"
            return statement.text.replace("{marker}", marker)
        return f"{statement.text} {marker}"

    lines: list[str] = []
    if evidence.direct:
        lines.append(" ".join(cite(c) for c in evidence.direct))
    list_number = ""
    if evidence.intro is not None:
        lines.append(cite(evidence.intro))
        list_number = (
            str(numbers.get(evidence.intro.refs[0].url, 1)) if evidence.intro.refs else ""
        )
    for number, item in enumerate(evidence.items, 1):
        is_cut = item == LIST_ABRIDGED
        lines.append(LIST_ABRIDGED.format(number=list_number) if is_cut else f"{number}. {item}")
    if evidence.support:
        lines.append(" ".join(cite(c) for c in evidence.support))
    refs = tuple(_source_ref(number, same) for number, same in enumerate(cited, 1))
    return "\n".join(lines), refs


def _source_ref(number: int, refs: Sequence[Ref]) -> SourceRef:
    """One page, cited by one or more statements (their excerpts joined, each once)."""
    ref = refs[0]
    excerpts = "\n\n".join(dict.fromkeys(r.excerpt for r in refs if r.excerpt))
    newest = max((r.evidence for r in refs if r.evidence), default=None)
    return SourceRef(
        number=number,
        source_id=ref.source_id,
        title=ref.title,
        section=ref.section,
        url=ref.url,
        checked=ref.checked.isoformat(),
        published=ref.published.isoformat() if ref.published else None,
        uncertain=any(r.uncertain for r in refs),
        excerpt=excerpts,
        evidence=newest.isoformat() if newest else None,
    )


def _label(item: str) -> str:
    """The label of a list item ("Action 3 : …" → "Action 3"), else its first four words."""
    label, colon, _ = item.partition(" : ")
    return label if colon and len(label) <= 40 else " ".join(item.split()[:4])


def render_sources(refs: Sequence[SourceRef]) -> str:
    """The 'Sources' block shown under an answer."""
    lines = ["Sources :"]
    for ref in refs:
        flag = f" {UNCERTAIN_MARK}" if ref.uncertain else ""
        lines.append(
            f"[{ref.number}] {ref.title} — {ref.section} ({source_state_label(ref)})"
            f"{flag}\n    {ref.url}"
        )
    return "\n".join(lines)


def checked_line(refs: Sequence[SourceRef], as_of: date) -> str:
    """The dating line under an answer: the month of the newest evidence of the cited sources.

    ``as_of`` is kept for callers; the answer's own date says nothing about its sources.
    """
    del as_of
    return sources_state_line(refs)


def full_text(answer: Answer) -> str:
    """Answer + date line + sources, as one plain text (terminal, Telegram)."""
    if not answer.found:
        return answer.text
    return (
        f"{answer.text}\n\n{checked_line(answer.sources, answer.as_of)}\n\n"
        f"{render_sources(answer.sources)}"
    )
