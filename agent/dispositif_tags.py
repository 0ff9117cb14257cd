"""Which dispositifs a passage and each of its sentences are about.

A passage is about the dispositifs its heading names ("Calendrier du domaine 2 (D2)"), else those
of its note's title, else every one its text names. A sentence naming a dispositif is about that
one; a sentence naming none is about its passage's. Results are cached per chunk.
"""

from __future__ import annotations

from facts import Catalogue
from retrieval import Passage


class DispositifTagger:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._passages: dict[tuple[str, int], tuple[str, ...]] = {}

    def passage(self, passage: Passage) -> tuple[str, ...]:
        key = (passage.chunk_id, hash(passage.text))
        cached = self._passages.get(key)
        if cached is None:
            cached = self._tags(passage)
            if len(self._passages) > 4096:
                self._passages.clear()
            self._passages[key] = cached
        return cached

    def sentence(self, sentence: str, passage: Passage) -> tuple[str, ...]:
        own = self.catalogue.specific(self.catalogue.find(sentence))
        return own or self.passage(passage)

    def off_topic(self, asked: tuple[str, ...], sentence: str, passage: Passage) -> bool:
        """True when the sentence is about another dispositif than the asked ones."""
        return bool(asked) and self.catalogue.conflicts(asked, self.sentence(sentence, passage))

    def passage_off_topic(self, asked: tuple[str, ...], passage: Passage) -> bool:
        return bool(asked) and self.catalogue.conflicts(asked, self.passage(passage))

    def _tags(self, passage: Passage) -> tuple[str, ...]:
        find, specific = self.catalogue.find, self.catalogue.specific
        section = passage.citation.section
        entry = section.startswith(("Glossaire : ", "FAQ : "))
        order = (section, passage.text, passage.citation.title)
        for text in order if entry else (section, passage.citation.title, passage.text):
            tags = specific(find(text))
            if tags:
                return tags
        return ()
