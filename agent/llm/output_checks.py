"""Checks on model output that do not depend on citations: markup, language, prompt leaks."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

_CODE_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_MD_LINK = re.compile(r"!?\[([^\]\n]{1,300})\]\(\s*[^)\s]{0,500}(?:\s+\"[^\"]*\")?\s*\)")
_HTML_TAG = re.compile(r"</?[A-Za-z!/][^<>\n]{0,300}>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_STAR_BULLET = re.compile(r"^(\s*)[*+]\s+", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_BACKTICKS = re.compile(r"`+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]«»\"]+", re.IGNORECASE)
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t]{2,}")
_WORD = re.compile(r"[a-zà-öø-ÿœæ]+(?:['’][a-zà-öø-ÿœæ]+)?")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FRENCH_MARKERS = _words(
    "le la les un une des du de et est sont pour dans par sur avec au aux ce cette ces qui que "
    "ne pas plus vous nous leur leurs doit doivent été être peut selon entre sans lors ou où"
)
OTHER_MARKERS = _words(
    # English, Spanish, German, Italian function words that French does not share
    "the and is are of to with this that these you be it was were have has for from which "
    "el los las y es del para por una está son "
    "und der die das ist nicht mit ein eine für "
    "di che per sono della gli"
)
LEAK_NGRAM = 8


def sanitise_markup(text: str, allowed_urls: Iterable[str] = ()) -> str:
    """Plain text, safe for Telegram HTML once escaped: no tags, no Markdown, no foreign links."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CODE_FENCE.sub("", text)
    text = _MD_LINK.sub(lambda m: _link_text(m.group(1)), text)
    text = html.unescape(text)
    text = _HTML_TAG.sub("", text)
    text = _HEADING.sub("", text)
    text = _STAR_BULLET.sub(r"\1• ", text)
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    text = _BACKTICKS.sub("", text)
    allowed = {url.rstrip("/.") for url in allowed_urls if url}
    text = _URL.sub(lambda m: _keep_url(m.group(0), allowed), text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _link_text(label: str) -> str:
    return f"[{label}]" if label.strip().isdigit() else label


def _keep_url(url: str, allowed: set[str]) -> str:
    core = url.rstrip(".,;:!?")
    tail = url[len(core) :]
    return url if core.rstrip("/") in allowed else tail


def looks_french(text: str) -> bool:
    """False when the text is clearly not French (a short or mixed text gets the benefit)."""
    words = _WORD.findall(text.lower())
    if len(words) < 4:
        return True
    french = sum(word in FRENCH_MARKERS or word.startswith(("l'", "d'", "qu'")) for word in words)
    other = sum(word in OTHER_MARKERS for word in words)
    if other > french:
        return False
    return not (len(words) >= 12 and french < 0.08 * len(words))


def normalise(text: str) -> str:
    """Case-, accent-spacing- and punctuation-insensitive form for substring comparisons."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‹", "<").replace("›", ">").replace("″", '"')
    return " ".join(re.findall(r"\w+(?:'\w+)?", text))


def leaks(text: str, secret: str, allowed: Iterable[str] = ()) -> bool:
    """True when ``text`` repeats a run of ``LEAK_NGRAM`` words of ``secret``.

    Runs that also occur in ``allowed`` texts (the passages) do not count: quoting a passage
    that happens to share words with the system prompt is not a leak.
    """
    secret_grams = _ngrams(normalise(secret))
    if not secret_grams:
        return False
    secret_grams -= set().union(*(_ngrams(normalise(other)) for other in allowed))
    return not secret_grams.isdisjoint(_ngrams(normalise(text)))


def _ngrams(normalised: str) -> set[tuple[str, ...]]:
    words = normalised.split()
    return {tuple(words[i : i + LEAK_NGRAM]) for i in range(len(words) - LEAK_NGRAM + 1)}
