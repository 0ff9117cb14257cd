"""Identifiers that French analysis must not break apart, each mapped to stable tokens.

- CaRE objectives and prerequisites: "D2.O1.C", "D2 O1 C", "D2-O1-c", "d2o1c" → d2, o1, o1c, d2o1c;
  "O1.C" → o1, o1c; "D2.P1" → d2, p1, d2p1.
- Text references: "DNS/2025/12", "dns 2025 12", "2025-12" → 2025_12; décrets "2016-1214",
  "2022-715" → 2016_1214, 2022_715 (a range of years such as "2023-2027" stays two years).
- Number chains "3-2-1" → 3_2_1; grouped thousands "1 207" → 1207; decimals "1,4" / "1.4" → 1_4;
  ISO dates "2025-01-22" → 2025_01_22 and 2025.

``protect(text)`` replaces each identifier by a placeholder word that survives tokenization and
returns the tokens each placeholder stands for, so phrase positions are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER_RE = re.compile(r"^qqid(\d+)qq$")
_YEAR = r"(?:19|20)\d\d"
_DASH = r"[-‐‑–—]"

_ISO_DATE = re.compile(rf"\b({_YEAR}){_DASH}(\d\d){_DASH}(\d\d)\b")
_PREFIXED_REF = re.compile(
    rf"\b(dns|shfds|fssi|dgos|dgs|dss|dgcs|instruction|circulaire|d[ée]cret|arr[êe]t[ée]|n°|no"
    rf"|num[ée]ro)(\s*[/ ]?\s*)({_YEAR})\s+(\d{{1,4}})\b(?![.,]\d)",
    re.IGNORECASE,
)
_REF = re.compile(rf"\b({_YEAR})\s*(?:/|{_DASH})\s*(\d{{1,4}})\b(?!\s*(?:/|{_DASH})\s*\d)")
_LETTER = r"(?:[.\-_]\s*([a-hA-H])|([a-hA-H])|\s+([A-H])|\s+([b-h]))"
_OBJECTIVE = re.compile(rf"\b(?:[dD]\s?(\d)\s*[.\-_/]?\s*)?([oOpP])(\d){_LETTER}?(?![\w'’])")
_CHAIN = re.compile(rf"\b\d(?:\s*{_DASH}\s*\d){{2,}}\b")
_THOUSANDS = re.compile(r"\b\d{1,3}(?:[ \u00a0\u202f]\d{3})+\b(?![.,]\d)")
_DECIMAL = re.compile(r"\b(\d+)[,.](\d+)\b")


def _iso_date(match: re.Match[str]) -> list[str]:
    year, month, day = match.groups()
    return [f"{year}_{month}_{day}", year]


def _reference(year: str, number: str) -> list[str]:
    if len(number) == 4 and re.fullmatch(_YEAR, number):
        return [year, number]  # a range of years, not a reference
    return [f"{year}_{int(number)}"]


def _objective(match: re.Match[str]) -> list[str]:
    domain, kind, number, *letters = match.groups()
    letter = next((x for x in letters if x), "").lower()
    item = f"{kind.lower()}{number}"
    tokens = [item] + ([item + letter] if letter else [])
    if domain:
        tokens = [f"d{domain}", *tokens, f"d{domain}{item}{letter}"]
    return tokens


def _digits(match: re.Match[str]) -> list[str]:
    return ["_".join(re.findall(r"\d", match.group(0)))]


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], list[str]]]
_RULES: tuple[_Rule, ...] = (
    (_ISO_DATE, _iso_date),
    (_REF, lambda m: _reference(m.group(1), m.group(2))),
    (_OBJECTIVE, _objective),
    (_CHAIN, _digits),
    (_THOUSANDS, lambda m: [re.sub(r"\D", "", m.group(0))]),
    (_DECIMAL, lambda m: [f"{m.group(1)}_{m.group(2)}"]),
)


def protect(text: str) -> tuple[str, list[list[str]]]:
    """Replace identifiers by placeholders ``qqid<n>qq``; returns the text and the token lists."""
    found: list[list[str]] = []

    def placeholder(tokens: list[str]) -> str:
        found.append(tokens)
        return f" qqid{len(found) - 1}qq "

    def prefixed(match: re.Match[str]) -> str:
        prefix, _, year, number = match.groups()
        return f"{prefix} {placeholder(_reference(year, number))}"

    text = _PREFIXED_REF.sub(prefixed, text)
    for pattern, to_tokens in _RULES:
        text = pattern.sub(lambda m, f=to_tokens: placeholder(f(m)), text)  # type: ignore[misc]
    return text, found
