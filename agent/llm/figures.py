"""Figures in French text — numbers, dates, amounts, percentages, identifiers — as comparable keys.

A model that rewrites "45 millions d'euros" as "45 M€" or "31/10/2025" as "31 octobre 2025"
says the same thing; one that writes "40 M€" or "31 décembre" does not. ``figures(text)`` turns
every figure into keys that do not depend on the wording::

    figures("45 M€ avant le 31/10/2025")
    → {Figure("45 M€", {"value:45000000"}), Figure("31/10/2025", {"date:2025-10-31"})}

and ``evidence_keys(text)`` gives what a passage supports: its own keys plus what they imply
(a full date supports its month and its year; an amount supports its bare number). A figure of
the model's text is supported when one of its keys is among the passage's.

Identifiers keep their letters: "D2.O1.C", "D2 O1 C" → ``id:D2O1C``; "domaine 2" → ``id:D2``;
"DNS/2025/12" → ``id:2025/12``. Numbers written in words ("sept actions") count as digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from care_common.french_dates import MONTH_PATTERN, MONTHS
from care_common.french_text import fold

_MONTHS = {fold(name): number for number, name in enumerate(MONTHS, start=1)}
_NUMBER_WORDS = {
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "cent": 100,
}
_SCALES = {
    "k": 1e3,
    "millier": 1e3,
    "milliers": 1e3,
    "m": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "md": 1e9,
    "mds": 1e9,
    "mrd": 1e9,
    "mrds": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
}
_NUM = r"\d{1,3}(?:[  ]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?"
_DASH = r"[-‐‑–—]"

# Order matters: each pattern consumes its span before the next one looks.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")),
    ("dmy", re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)?\d\d)\b")),
    (
        "date",
        re.compile(rf"\b(1er|\d{{1,2}})\s+({MONTH_PATTERN})\s+((?:19|20)\d\d)\b", re.IGNORECASE),
    ),
    ("daymonth", re.compile(rf"\b(1er|\d{{1,2}})\s+({MONTH_PATTERN})\b", re.IGNORECASE)),
    ("month", re.compile(rf"\b({MONTH_PATTERN})\s+((?:19|20)\d\d)\b", re.IGNORECASE)),
    ("ref", re.compile(r"\b((?:19|20)\d\d)\s*/\s*(\d{1,4})\b")),
    (
        "objective",
        re.compile(
            r"\b[dD]\s?(\d)(?:\s?bis)?"
            r"(?:\s*[.\-_ ]\s*([oOpP])\s?(\d)(?:\s*[.\-_ ]?\s*([a-hA-H]))?)?(?![\w'’])"
        ),
    ),
    ("domain", re.compile(r"\bdomaines?\s+(\d)(\s*bis)?\b", re.IGNORECASE)),
    ("item", re.compile(r"\b([oOpP])(\d)(?:\s*[.\-_]\s*([a-hA-H]))?(?![\w'’])")),
    (
        "percent",
        re.compile(rf"({_NUM})\s*(?:%|pour\s*cents?|pourcents?)", re.IGNORECASE),
    ),
    (
        "amount",
        re.compile(
            rf"({_NUM})\s*(k|m|md|mds|mrds?|millions?|milliards?|milliers?)?\s*"
            r"(?:€|eur\b|euros?\b|d['’]\s?euros?\b)",
            re.IGNORECASE,
        ),
    ),
    (
        "scaled",
        re.compile(rf"({_NUM})\s+(millions?|milliards?|milliers?)\b", re.IGNORECASE),
    ),
    ("range", re.compile(rf"\b((?:19|20)\d\d)\s*{_DASH}\s*((?:19|20)\d\d)\b")),
    ("number", re.compile(rf"(?<![\w/])({_NUM})(?:er|e|ème|eme)?(?![\w/])")),
)
_CITATION = re.compile(r"\[\d{1,3}\]")


@dataclass(frozen=True)
class Figure:
    """One figure as written (``text``) and the keys it stands for."""

    text: str
    keys: frozenset[str]


def _number(raw: str) -> float:
    cleaned = re.sub(r"[  ]", "", raw).replace(",", ".")
    return float(cleaned)


def _value_key(value: float) -> str:
    return f"value:{value:.6g}" if value != int(value) else f"value:{int(value)}"


def _year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if year < 100 else year


def _day(raw: str) -> int:
    return 1 if raw.lower() == "1er" else int(raw)


def _keys(kind: str, match: re.Match[str]) -> set[str]:
    groups = match.groups()
    if kind == "iso":
        return {f"date:{groups[0]}-{groups[1]}-{groups[2]}"}
    if kind == "dmy":
        day, month, year = int(groups[0]), int(groups[1]), _year(groups[2])
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return {_value_key(_number(match.group(0).split("/")[0]))}
        return {f"date:{year}-{month:02d}-{day:02d}"}
    if kind == "date":
        month = _MONTHS[fold(groups[1])]
        return {f"date:{groups[2]}-{month:02d}-{_day(groups[0]):02d}"}
    if kind == "daymonth":
        return {f"daymonth:{_MONTHS[fold(groups[1])]:02d}-{_day(groups[0]):02d}"}
    if kind == "month":
        return {f"month:{groups[1]}-{_MONTHS[fold(groups[0])]:02d}"}
    if kind == "ref":
        return {f"id:{groups[0]}/{int(groups[1])}"}
    if kind == "objective":
        domain, letter_kind, number, letter = groups
        if letter_kind is None:
            suffix = "BIS" if "bis" in match.group(0).lower() else ""
            return {f"id:D{domain}{suffix}"}
        item = f"{letter_kind.upper()}{number}{(letter or '').upper()}"
        return {f"id:D{domain}{item}"}
    if kind == "domain":
        return {f"id:D{groups[0]}{'BIS' if groups[1] else ''}"}
    if kind == "item":
        return {f"id:{groups[0].upper()}{groups[1]}{(groups[2] or '').upper()}"}
    if kind == "percent":
        return {f"percent:{_number(groups[0]):g}"}
    if kind in ("amount", "scaled"):
        scale = _SCALES.get((groups[1] or "").lower(), 1.0)
        return {_value_key(_number(groups[0]) * scale)}
    if kind == "range":
        return {f"value:{groups[0]}", f"value:{groups[1]}"}
    return {_value_key(_number(groups[0]))}


def figures(text: str) -> list[Figure]:
    """Every figure of ``text`` (citation markers ``[n]`` are not figures)."""
    remaining = _CITATION.sub(" ", text)
    remaining = _words_to_digits(remaining)
    found: list[tuple[int, Figure]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(remaining):
            keys = _keys(kind, match)
            found.append((match.start(), Figure(match.group(0).strip(), frozenset(keys))))
        remaining = pattern.sub(lambda m: " " * len(m.group(0)), remaining)
    return [figure for _, figure in sorted(found, key=lambda item: item[0])]


def evidence_keys(text: str) -> frozenset[str]:
    """What a passage supports: its figures' keys and what they imply."""
    keys: set[str] = set()
    for figure in figures(text):
        for key in figure.keys:
            keys.add(key)
            keys |= _implied(key)
    return frozenset(keys)


def _implied(key: str) -> set[str]:
    kind, _, value = key.partition(":")
    if kind == "date":
        year, month, day = value.split("-")
        return {
            f"month:{year}-{month}",
            f"daymonth:{month}-{day}",
            f"value:{int(year)}",
            f"value:{int(day)}",
        }
    if kind == "month":
        year, _, _ = value.partition("-")
        return {f"value:{int(year)}"}
    if kind == "percent":
        return {f"value:{value}"}
    if kind == "id" and value.startswith("D") and len(value) > 2 and value[1].isdigit():
        implied = {f"id:D{value[1]}"}
        if value[2:4] in {"O1", "O2", "O3", "O4", "O5", "P1", "P2", "P3", "P4", "P5"}:
            implied.add(f"id:{value[2:]}")
            implied.add(f"id:{value[2:4]}")
        return implied
    if kind == "id" and "/" in value:
        year, _, number = value.partition("/")
        return {f"value:{int(year)}", f"value:{int(number)}"}
    return set()


def unsupported(text: str, evidence: frozenset[str]) -> list[str]:
    """The figures of ``text`` (as written) that none of the evidence keys supports."""
    missing: list[str] = []
    for figure in figures(text):
        if not figure.keys & evidence and figure.text not in missing:
            missing.append(figure.text)
    return missing


def _words_to_digits(text: str) -> str:
    """ "sept actions" → "7 actions": a number in words says the same as in digits."""

    def replace(match: re.Match[str]) -> str:
        return str(_NUMBER_WORDS[fold(match.group(0))])

    pattern = r"(?<!pour )\b(?:" + "|".join(_NUMBER_WORDS) + r")\b(?!-)"
    return re.sub(pattern, replace, text, flags=re.IGNORECASE)
