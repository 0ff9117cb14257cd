"""Lists inside passages, and the questions that ask for one (or for a date).

A passage may carry a list in three shapes, all found by ``find_enumerations``:

- a Markdown list (``- item``, ``* item``, ``1. item``), introduced by the line before it when
  that line ends with ":";
- a labelled sequence of sentences: "Action 1 : … Action 2 : …", "Première étape : …
  Deuxième étape : …", "Le premier ensemble … Le deuxième ensemble …", "Le prérequis P1 …
  Le prérequis P2 …" (one family of labels, at least two in a row; a sentence between two
  labelled ones belongs to the item before it);
- an inline list: one sentence "… : a ; b ; c." (split on the semicolons), or "… : a, b et c."
  (kept whole: commas also separate the parts of one item, so splitting them could garble it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.sentences import BULLET, split_line
from care_common.french_dates import MONTH_PATTERN
from care_common.french_text import fold_phrase

MAX_LIST_ITEMS = 10
MAX_ITEM_CHARS = 320
LIST_ABRIDGED = "(liste abrégée, voir la source [{number}])"
UNANNOUNCED = "D'après la source {marker} :"  # first line of a list no sentence announces

_ORDINALS = (
    r"premi[eè]re?|deuxi[eè]me|seconde?|troisi[eè]me|quatri[eè]me|cinqui[eè]me|sixi[eè]me"
    r"|septi[eè]me|huiti[eè]me|neuvi[eè]me|dixi[eè]me"
)
_LABEL = re.compile(
    r"^(?P<head>(?:[A-ZÀ-ÖØ-Þa-zß-ÿ][\w'’-]*\s+)?)"
    rf"(?P<key>\d{{1,2}}|[A-Z]\d{{1,2}}|{_ORDINALS})"
    r"(?P<tail>\s+[\w'’-]+)?\s*:\s+\S",
    re.IGNORECASE,
)
_ORDINAL_START = re.compile(
    rf"^(?:(?:le|la|l')\s*)?(?:{_ORDINALS})\s+(?P<noun>[\w-]+)\b", re.IGNORECASE
)
_CODED_START = re.compile(
    r"^(?:le|la|l')\s*(?P<noun>[\w-]+)\s+(?P<code>[A-Z])\d{1,2}\b(?!\.)", re.IGNORECASE
)
_COUNT_WORDS = r"\d{1,2}|deux|trois|quatre|cinq|six|sept|huit|neuf|dix"
_LIST_NOUNS = (
    r"etapes|actions|domaines|prerequis|documents|pieces|objectifs|axes|conditions|criteres"
    r"|mentions|rubriques|exigences|obligations|livrables|mesures|elements|points|regles"
    r"|missions|roles|volets|echeances|dates|jalons|preuves|sources|textes|guichets"
    r"|etablissements|categories|plateformes|outils|kits|acteurs|financements|montants"
)
_LIST_NOUN = re.compile(rf"\b(?:{_LIST_NOUNS})\b")
_LIST_QUESTION = re.compile(
    r"\bquel(?:le)?s\b"
    r"|\b(?:liste[rz]?|listes|enumer\w*|recapitul\w*|detaill\w*)\b"
    r"|\b(?:contenir|comporter|comprendre|fournir|joindre)\b"
    rf"|\bles (?:{_COUNT_WORDS}) \w+"
    rf"|\b(?:les|des|vos|ses|leurs) (?:{_LIST_NOUNS})\b"
)
_ANNOUNCES_LIST = re.compile(
    rf"\b(?:(?:{_COUNT_WORDS}) [a-z]+s|{_LIST_NOUNS}|suivante?s|sont|comprend|comporte)\b"
)
_DATE_QUESTION = re.compile(
    r"\bjusqu ?'? ?a quand\b|\bquand\b|\bquelle date\b|\bdates?\b|\bdate limite\b|\becheances?\b"
    r"|\bdelais?\b|\bavant quand\b|\bdeadline\b|\bcalendrier\b|\bclotur\w*\b|\bouvr\w*\b"
)
DATE_IN_TEXT = re.compile(
    rf"\b\d{{1,2}}(?:er)? (?:{MONTH_PATTERN}) \d{{4}}\b|\b(?:{MONTH_PATTERN}) \d{{4}}\b"
    r"|\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:19|20)\d{2}\b",
    re.IGNORECASE,
)


_DEADLINE_QUESTION = re.compile(
    r"\bjusqu ?'? ?a quand\b|\bdate limite\b|\bavant quand\b|\bdeadline\b|\bau plus tard\b"
    r"|\bclotur\w*|\bferme\w*\b|\bfin\b"
)
DEADLINE_IN_TEXT = re.compile(
    rf"\bjusqu'?(?:au|à)\b|\bau plus tard\b|\bavant le\b|\bdate limite\b|\bcl[oô]tur\w*"
    rf"|\bau \d{{1,2}}(?:er)? (?:{MONTH_PATTERN})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Enumeration:
    """A list found in a passage: the sentence announcing it (if any) and its items in order.

    ``inline`` lists are one sentence carrying every item: ``items`` holds that sentence and
    ``intro`` its part before the colon.
    """

    intro: str | None
    items: tuple[str, ...]
    inline: bool = False


def asks_for_list(question: str) -> bool:
    """True when the question asks for an enumeration ("quelles sont…", "les 7 actions"…)."""
    return bool(_LIST_QUESTION.search(_plain(question)))


def listed_noun(question: str) -> str | None:
    """The kind of thing a list question asks for ("étapes", "actions"…), when it names one."""
    match = _LIST_NOUN.search(_plain(question))
    return match.group(0) if match else None


def asks_for_date(question: str) -> bool:
    """True when the question asks for a date or a deadline ("jusqu'à quand…", "date limite")."""
    return bool(_DATE_QUESTION.search(_plain(question)))


def asks_for_deadline(question: str) -> bool:
    """True when the question asks for an end date ("jusqu'à quand…", "date limite")."""
    return bool(_DEADLINE_QUESTION.search(_plain(question)))


def has_deadline(sentence: str) -> bool:
    """True when the sentence gives an end date ("jusqu'au 13 février", "du 2 au 31 octobre")."""
    return bool(DEADLINE_IN_TEXT.search(sentence))


def has_date(sentence: str) -> bool:
    return bool(DATE_IN_TEXT.search(sentence))


def find_enumerations(text: str) -> list[Enumeration]:
    """Every list of a passage, in reading order (see the module docstring for the shapes)."""
    found: list[Enumeration] = []
    previous: str | None = None
    block: list[str] = []
    block_intro: str | None = None
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if BULLET.match(raw) and line:
            if not block:
                block_intro = previous if previous and previous.endswith(":") else None
            block.append(BULLET.sub("", raw).strip())
            continue
        if len(block) >= 2:
            found.append(Enumeration(block_intro, tuple(block)))
        block = []
        if not line or line.startswith("#"):
            continue
        sentences = split_line(line)
        found.extend(_labelled(sentences))
        found.extend(filter(None, map(_inline, sentences)))
        previous = sentences[-1] if sentences else None
    return found


def _labelled(sentences: list[str]) -> list[Enumeration]:
    """Runs of sentences labelled with one family of numbered or ordinal labels."""
    runs: list[Enumeration] = []
    position = 0
    while position < len(sentences):
        family = _family(sentences[position])
        if family is None:
            position += 1
            continue
        items, end = _run(sentences, position, family)
        if len(items) >= 2:
            intro = sentences[position - 1] if position > 0 else None
            runs.append(Enumeration(intro, tuple(items)))
        position = end
    return runs


def _run(sentences: list[str], start: int, family: str) -> tuple[list[str], int]:
    """Items of the run starting at ``start`` and the position after it."""
    items = [sentences[start]]
    position = start + 1
    pending: list[str] = []
    while position < len(sentences):
        if _family(sentences[position]) == family:
            items[-1] = " ".join([items[-1], *pending])
            items.append(sentences[position])
            pending = []
        elif _family(sentences[position]) is None and len(pending) < 2:
            pending.append(sentences[position])
        else:
            break
        position += 1
    return items, position - len(pending)


def _family(sentence: str) -> str | None:
    """The label family of a sentence ("Action 3 : …" → "action"), or None if unlabelled."""
    match = _LABEL.match(sentence)
    if match is None:
        ordinal = _ORDINAL_START.match(sentence)
        if ordinal:
            return fold_phrase(ordinal.group("noun"))
        coded = _CODED_START.match(sentence)  # siblings only: "P1", "P2", not "O1", "D2.O1.A"
        return fold_phrase(f"{coded.group('noun')} {coded.group('code')}") if coded else None
    words = f"{match.group('head')} {match.group('tail') or ''}".split()
    if words:
        return fold_phrase(" ".join(words))
    key = fold_phrase(match.group("key"))
    if key.isdigit():
        return "#"
    return key[0] if key[1:].isdigit() else None


def _inline(sentence: str) -> Enumeration | None:
    """A sentence "intro : a ; b ; c" (split) or "intro : a, b, c" (kept whole)."""
    intro, colon, rest = sentence.partition(" : ")
    if not colon or _LABEL.match(sentence):
        return None
    parts = [part.strip() for part in rest.split(" ; ") if part.strip()]
    if len(parts) >= 3:
        return Enumeration(f"{intro} :", tuple(parts))
    if rest.count(", ") >= 2 and _ANNOUNCES_LIST.search(fold_phrase(intro)):
        return Enumeration(intro, (sentence,), inline=True)
    return None


def shorten(item: str, limit: int = MAX_ITEM_CHARS) -> str:
    """The item cut at a word before ``limit`` characters, with an ellipsis."""
    if len(item) <= limit:
        return item
    cut = item.rfind(" ", 0, limit - 1)
    return item[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


def sentence_after(text: str, last_item: str) -> str | None:
    """The sentence that follows a list in its passage (context such as a caveat), if any."""
    end = text.find(last_item)
    if end < 0:
        return None
    rest = text[end + len(last_item) :].lstrip(" ")
    first_line = rest.split("\n", 1)[0].strip()
    if not first_line or BULLET.match(first_line) or first_line.startswith("#"):
        return None
    sentences = split_line(first_line)
    return sentences[0] if sentences else None


def _plain(question: str) -> str:
    return " ".join(fold_phrase(question).replace("’", "'").split())
