"""Choosing the sentences of the retrieved passages that answer a question.

Rare query words weigh more (``SearchResult.term_weights``); repeats and filler are left out; a
date question prefers sentences carrying a date, a deadline question those giving an end date.
A ``keep`` predicate lets the composer drop sentences (another dispositif's, a glossary line).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from agent.enumerations import asks_for_date, asks_for_deadline, has_date, has_deadline
from agent.sentences import split_sentences
from retrieval import Passage

MAX_SENTENCES = 4
MAX_ANSWER_CHARS = 900
_SHORT_SENTENCE = 120  # chars: shorter sentences get the next one as context
_DATE_BOOST = 2.5  # a date question prefers the sentences that carry a date
_DEADLINE_BOOST = 1.6  # … and a deadline question those giving an end date
_FIGURE_BOOST = 2.0  # a "combien" question prefers the sentences carrying a number
_HOW_MANY = re.compile(
    r"\bcombien\b|\bnombre (?:de|d')|\bquel (?:montant|nombre|pourcentage)", re.I
)
_FIGURE = re.compile(r"\d")
_SAME_CONTENT = 0.85  # share of the shorter sentence's terms found in a longer one: a repeat
_MIN_REPEAT_TERMS = 4
_KNOWN_SHARE = 0.75  # share of a sentence's terms already said by the picked ones: nothing new
_MIN_SHARE = 0.35  # a sentence scoring under this share of the best one is filler
_ASKED_SHARE = 0.5  # a query word in a FAQ heading counts half for each sentence of its answer
_META_PENALTY = 0.1  # sentences about the knowledge base itself ("… figure dans la note …")
_META = re.compile(
    r"\b(?:cette note|(?:voir )?la note (?:sur|consacr\w+)|la présente note)\b", re.IGNORECASE
)
_ANAPHORA = re.compile(r"^(?:Elle|Il|Ils|Elles|Ce|Cet|Cette|Ces|Cela|Celui-ci|Celle-ci)\b")
_NUMERALS = ("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")

Keep = Callable[[Passage, str], bool]


@dataclass(frozen=True)
class Picked:
    score: float
    rank: int  # rank of the passage
    position: int  # position of the sentence in its passage
    passage: Passage
    sentence: str


class SentencePicker:
    def __init__(self, analyze: Callable[[str], list[str]]) -> None:
        self._analyze = analyze
        self._numerals = {
            str(value): tokens[0]
            for value, word in enumerate(_NUMERALS, start=2)
            if (tokens := analyze(word))
        }

    def terms(self, text: str) -> set[str]:
        """Analysed terms, numerals written in words ("7" and "sept" match)."""
        return {self._numerals.get(term, term) for term in self._analyze(text)}

    def choose(
        self,
        query: str,
        passages: Sequence[Passage],
        weights: Mapping[str, float],
        keep: Keep | None = None,
        said: set[str] | None = None,
        limit: int = MAX_SENTENCES,
        depth: int = 5,
        dates_only: bool = True,
        one_topic: bool = True,
    ) -> list[Picked]:
        """The best sentences, best first, each followed by its continuation if it needs one.

        The sentences of the other passages must share a query word with the best passage's
        heading (its topic). When a passage's heading is a question (a FAQ entry), the query words
        of that heading count half for each of its sentences. ``said`` holds the terms already
        given (by a fact line): a sentence that adds nothing to them is left out. With
        ``dates_only`` a date question keeps only dated sentences (off when a fact gave the date);
        without ``one_topic`` (a comparison) the other passages need not share the first's topic.
        """
        query_terms = self.terms(query) | set(weights)
        wants_date = asks_for_date(query)
        wants_deadline = asks_for_deadline(query)
        wants_figure = bool(_HOW_MANY.search(query))
        first = passages[0].citation.section if passages and one_topic else ""
        topic = query_terms & self.terms(first)
        candidates: list[Picked] = []
        for rank, passage in enumerate(passages[:depth]):
            rank_weight = rank_weight_of(passages, rank)
            heading = passage.citation.section
            asked = query_terms & self.terms(heading) if heading.endswith("?") else set()
            for position, sentence in enumerate(split_sentences(passage.text)):
                terms = self.terms(sentence)
                figure = wants_figure and bool(_FIGURE.search(sentence))
                off_topic = rank > 0 and topic and not topic & (terms | asked) and not figure
                if len(terms) < 2 or off_topic:
                    continue  # a bare "Non." says nothing alone; other passages stay on topic
                if keep is not None and not keep(passage, sentence):
                    continue
                gain = sum(term_weight(weights, term) for term in query_terms & terms)
                gain += _ASKED_SHARE * sum(term_weight(weights, term) for term in asked - terms)
                score = rank_weight * (gain + 0.1) / math.sqrt(len(terms) + 4)
                if wants_date and has_date(sentence):
                    score *= _DATE_BOOST
                    if wants_deadline and has_deadline(sentence):
                        score *= _DEADLINE_BOOST
                if figure:
                    score *= _FIGURE_BOOST  # « combien … ? » is answered by a number
                if _META.search(sentence):
                    score *= _META_PENALTY
                candidates.append(Picked(score, rank, position, passage, sentence))
        candidates.sort(key=lambda c: -c.score)
        picked = self._pick(candidates, set(said or ()), limit)
        if not picked and candidates and not said:
            picked = candidates[:1]
        if dates_only and wants_date and any(has_date(c.sentence) for c in picked):
            picked = [c for c in picked if has_date(c.sentence)]  # the date is the answer
            if wants_deadline and any(has_deadline(c.sentence) for c in picked):
                picked = [c for c in picked if has_deadline(c.sentence)]
        picked = self._with_antecedents(picked, keep)
        return self._with_continuations(picked, query_terms, keep, set(said or ()))

    def _with_antecedents(self, picked: list[Picked], keep: Keep | None) -> list[Picked]:
        """A sentence opening with a pronoun ("Il est rendu opposable par…") comes after the
        sentence it refers to; one that refers to nothing said (first of its passage) goes after
        the others."""
        chosen = {(p.passage.chunk_id, p.position) for p in picked}
        result: list[Picked] = []
        dangling: list[Picked] = []
        for item in picked:
            if (
                not _ANAPHORA.match(item.sentence)
                or (item.passage.chunk_id, item.position - 1) in chosen
            ):
                result.append(item)
                continue
            if item.position == 0:
                dangling.append(item)
                continue
            before = split_sentences(item.passage.text)[item.position - 1]
            if keep is None or keep(item.passage, before):
                chosen.add((item.passage.chunk_id, item.position - 1))
                result.append(
                    Picked(item.score, item.rank, item.position - 1, item.passage, before)
                )
            result.append(item)
        return result + dangling if result else dangling

    def _pick(self, candidates: list[Picked], said: set[str], limit: int) -> list[Picked]:
        picked: list[Picked] = []
        length = 0
        for candidate in candidates:
            if len(picked) >= limit:
                break
            if picked and (
                candidate.score < _MIN_SHARE * picked[0].score or length > MAX_ANSWER_CHARS
            ):
                break
            terms = self.terms(candidate.sentence)
            if already_said(terms, said):
                continue  # the same fact, worded alike, in another passage or sentence
            said |= terms
            picked.append(candidate)
            length += len(candidate.sentence)
        return picked

    def _with_continuations(
        self, picked: list[Picked], query_terms: set[str], keep: Keep | None, said: set[str]
    ) -> list[Picked]:
        """Add the sentence that follows an announcing one ("… suivantes :"), one that goes on
        about the same subject with a pronoun ("Elle y relève que…"), or one that follows a short
        sentence and still shares a word with the question. Never a sentence about the knowledge
        base itself, nor one that repeats what was already picked.
        """
        chosen = {(p.passage.chunk_id, p.position) for p in picked}
        result: list[Picked] = []
        for item in picked:
            result.append(item)
            sentences = split_sentences(item.passage.text)
            following = item.position + 1
            if following >= len(sentences) or _META.search(sentences[following]):
                continue
            after = sentences[following]
            short = len(item.sentence) < _SHORT_SENTENCE and bool(query_terms & self.terms(after))
            if not (short or item.sentence.rstrip().endswith(":") or _ANAPHORA.match(after)):
                continue
            if keep is not None and not keep(item.passage, after):
                continue
            if (item.passage.chunk_id, following) in chosen:
                continue
            chosen.add((item.passage.chunk_id, following))
            result.append(Picked(item.score, item.rank, following, item.passage, after))
        kept: list[Picked] = []
        for item in result:  # a continuation may repeat a later pick
            terms = self.terms(item.sentence)
            if kept and already_said(terms, said):
                continue
            kept.append(item)
            said |= terms
        return kept


def rank_weight_of(passages: Sequence[Passage], rank: int) -> float:
    """How much a passage's sentences count: its score relative to the best one, by rank."""
    top_score = passages[0].score or 1.0
    weight = max(passages[rank].score / top_score, 0.0) if top_score > 0 else 1.0
    return max(weight, 0.25) / (1 + rank)


def term_weight(weights: Mapping[str, float], term: str) -> float:
    """How much a shared query term counts: its weight relative to the query's rarest term.

    1 for every term without weights. A term the index did not weigh counts as the most common
    one: it is mostly an acronym the plain analyzer cut ("CaRE" → "car"), found everywhere.
    """
    if not weights:
        return 1.0
    top = max(weights.values()) or 1.0
    return weights.get(term, min(weights.values())) / top


def already_said(terms: set[str], said: set[str]) -> bool:
    """True when most terms of a sentence are in the sentences already picked (nothing new)."""
    return len(terms) >= _MIN_REPEAT_TERMS and len(terms & said) >= _KNOWN_SHARE * len(terms)


def same_content(a: set[str], b: set[str]) -> bool:
    """True when most terms of the shorter sentence are in the other one (a reworded repeat)."""
    shorter = min(len(a), len(b))
    return shorter >= _MIN_REPEAT_TERMS and len(a & b) >= _SAME_CONTENT * shorter
