"""The dispositifs and texts the assistant knows, and how to find them in a text.

A question, a passage or a sentence names a dispositif by one of its aliases ("d2", "domaine 2",
"guichet 2", "HOP'EN 2"…), matched on plain text (``facts.text.plain``), longest alias first
("d1 bis" is not "d1"). Two dispositifs of the same *family* (the funding windows D1, D1 bis, D2,
HospiConnect) never stand in for each other in an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from facts.text import phrase_pattern, plain

PROGRAMME = "programme"  # the family of CaRE itself: named everywhere, restricts nothing


@dataclass(frozen=True)
class Dispositif:
    id: str  # "D2"
    label: str  # "le domaine 2 (D2)"
    short: str  # "D2"
    family: str  # "guichet", "instruction"…
    aliases: tuple[str, ...]


class Catalogue:
    """Every dispositif by id, and one matcher over all their aliases."""

    def __init__(self, dispositifs: Iterable[Dispositif]) -> None:
        self.by_id: dict[str, Dispositif] = {d.id: d for d in dispositifs}
        self._alias: dict[str, str] = {}
        for dispositif in self.by_id.values():
            for alias in (*dispositif.aliases, dispositif.short, dispositif.id):
                self._alias.setdefault(plain(alias), dispositif.id)
        self._pattern = phrase_pattern(list(self._alias))

    def find(self, text: str) -> tuple[str, ...]:
        """Ids of the dispositifs the text names, in order of first mention, each once."""
        found: dict[str, None] = {}
        for match in self._pattern.finditer(plain(text)):
            found.setdefault(self._alias[match.group(0)], None)
        return tuple(found)

    def specific(self, ids: Iterable[str]) -> tuple[str, ...]:
        """The ids that restrict an answer (all but the programme itself)."""
        return tuple(i for i in ids if i in self.by_id and self.by_id[i].family != PROGRAMME)

    def conflicts(self, asked: Iterable[str], about: Iterable[str]) -> bool:
        """True when a text about ``about`` is about *another* dispositif than the ``asked`` ones.

        That is: it names a dispositif of the family of an asked one, and none of the asked.
        "Pour le D1 …" conflicts with a D2 question; a sentence naming D2 and the instruction
        DNS/2025/12 does not conflict with an instruction question.
        """
        asked_ids = set(self.specific(asked))
        about_ids = set(self.specific(about))
        if not asked_ids or not about_ids or asked_ids & about_ids:
            return False
        families = {self.by_id[i].family for i in asked_ids}
        return any(self.by_id[i].family in families for i in about_ids)

    def label(self, dispositif_id: str) -> str:
        found = self.by_id.get(dispositif_id)
        return found.label if found else dispositif_id

    def short(self, dispositif_id: str) -> str:
        found = self.by_id.get(dispositif_id)
        return found.short if found else dispositif_id


def catalogue_from(data: Mapping[str, Mapping[str, object]]) -> Catalogue:
    """A catalogue from the ``dispositifs`` mapping of facts.yaml (validated by the loader)."""
    return Catalogue(
        Dispositif(
            id=key,
            label=str(entry["label"]),
            short=str(entry["short"]),
            family=str(entry["family"]),
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),  # type: ignore[attr-defined]
        )
        for key, entry in data.items()
    )
