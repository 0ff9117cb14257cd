"""French grammar for names typed by users: « de » + article with elision (« du Centre
hospitalier de Montville », « de l'Hôpital Saint-Louis », « de la Clinique des Lilas », « des
Hospices civils de Lyon »), the salutation and closing formula a letter owes its recipient
(« Monsieur le directeur général, »), a function inside a sentence (« directrice générale »)."""

from __future__ import annotations

import re

from care_common.french_text import fold

_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"
# Words starting with an aspirated h: no elision (« de la Haute Autorité »).
_H_ASPIRATED = ("haut", "haute", "hauts", "hautes", "hameau", "halte", "handicap", "hangar")
_FEMININE = frozenset(
    {
        "agence",
        "association",
        "assistance",
        "caisse",
        "clinique",
        "communaute",
        "congregation",
        "croix-rouge",
        "direction",
        "federation",
        "fondation",
        "haute",
        "institution",
        "maison",
        "mutuelle",
        "polyclinique",
        "residence",
        "societe",
        "structure",
        "union",
        "unite",
    }
)
_MASCULINE = frozenset(
    {
        "centre",
        "cabinet",
        "consortium",
        "departement",
        "dispensaire",
        "etablissement",
        "foyer",
        "groupe",
        "groupement",
        "hopital",
        "hotel-dieu",
        "institut",
        "laboratoire",
        "pole",
        "reseau",
        "service",
        "syndicat",
    }
)
_PLURAL = frozenset({"hopitaux", "hospices", "centres", "cliniques", "etablissements"})
_ARTICLES = {"le": "du ", "la": "de la ", "les": "des "}


def _is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _elides(word: str) -> bool:
    """True when « de » + article elide before ``word`` (vowel or mute h)."""
    if not word:
        return False
    first = word[0].casefold()
    if _is_acronym(word):
        return first in "aeiouyh"  # l'ARS, l'EHPAD, l'HAD; but du CHU, de la SNCF
    if first == "h":
        return not fold(word).startswith(_H_ASPIRATED)
    return first in _VOWELS


def de_name(name: str) -> str:
    """« de » + article fitted to an establishment's name: ``"Centre hospitalier de X"`` →
    ``"du Centre hospitalier de X"``; a proper name without a known head noun gets « de »."""
    name = " ".join(name.split())
    if not name:
        return name
    match = re.match(r"^(le|la|les)\s+(.+)$|^l['’]\s*(.+)$", name, flags=re.IGNORECASE)
    if match:
        if match.group(3) is not None:
            return "de l'" + match.group(3)
        return _ARTICLES[match.group(1).casefold()] + match.group(2)
    first = re.split(r"[\s,]", name, maxsplit=1)[0]
    bare = fold(first)
    if bare in _PLURAL or (_is_acronym(first) and first.upper() in ("HCL",)):
        return "des " + name
    if _elides(first):
        return "de l'" + name
    if bare in _FEMININE:
        return "de la " + name
    if bare in _MASCULINE or _is_acronym(first):
        return "du " + name
    return "de " + name


def ght_name(name: str) -> str:
    """The GHT named as such (« GHT Seine-et-Forêts » for a bare « Seine-et-Forêts »)."""
    name = " ".join(name.split())
    bare = fold(name)
    if bare.startswith(("ght", "groupement hospitalier", "groupement")):
        return name
    return f"GHT {name}"


_CIVILITY = r"(?P<civ>Madame|Monsieur)"
_TITLE_ARTICLE = r"(?P<art>le|la|l['’])\s*"
_TITLE = r"(?P<title>[^,]+?)"
_TITLE_END = r"(?=\s+(?:de|du|des|d['’]|auprès|chargée?)\b|\s*,|\s*$)"


def _with_article(civility: str, title: str) -> str:
    if _elides(title):
        return f"{civility} l'{title}"
    return f"{civility} {'la' if civility == 'Madame' else 'le'} {title}"


def appellation(recipient: str) -> str:
    """How the letter addresses its recipient (without the comma): « Monsieur le directeur
    général » for « Monsieur le directeur général de l'ARS Île-de-France »; « Madame la
    directrice générale » for « Madame Sophie Durand, directrice générale de l'ARS »; « Madame,
    Monsieur » when the recipient names no one."""
    text = " ".join(recipient.replace("’", "'").split())
    both = re.match(rf"^Madame,?\s+Monsieur\s+{_TITLE_ARTICLE}{_TITLE}{_TITLE_END}", text)
    if both:
        return f"Madame, Monsieur {both['art'].strip()} {both['title']}".replace("l' ", "l'")
    titled = re.match(rf"^{_CIVILITY}\s+{_TITLE_ARTICLE}{_TITLE}{_TITLE_END}", text)
    if titled:
        return f"{titled['civ']} {titled['art'].strip()} {titled['title']}".replace("l' ", "l'")
    named = re.match(rf"^{_CIVILITY}\s+[^,]+,\s*(?:{_TITLE_ARTICLE})?{_TITLE}{_TITLE_END}", text)
    if named:
        return _with_article(named["civ"], named["title"])
    civility = re.match(rf"^{_CIVILITY}\b", text)
    if civility:
        return civility["civ"]
    return "Madame, Monsieur"


def recipient_lines(recipient: str) -> list[str]:
    """The recipient as an address block: the person or function on the first line, the
    organisation on the next (« Monsieur le directeur général » / « de l'ARS Île-de-France »)."""
    text = " ".join(recipient.split())
    title = appellation(text)
    if title != "Madame, Monsieur" and text.casefold().startswith(title.casefold()):
        rest = text[len(title) :].strip(" ,")
        return [text[: len(title)], rest] if rest else [text]
    head, comma, rest = text.partition(", ")
    return [head, rest] if comma and rest else [text]


def closing_formula(recipient: str) -> str:
    return (
        f"Je vous prie d'agréer, {appellation(recipient)}, l'expression de ma considération "
        "distinguée."
    )


def in_sentence(function: str) -> str:
    """A function typed with a capital (« Directrice générale ») as written inside a sentence
    (« directrice générale »); acronyms and proper names keep their capitals (« RSSI »)."""
    text = function.strip()
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text
