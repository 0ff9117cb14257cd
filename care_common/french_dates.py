"""French dates in and out: JJ/MM/AAAA (also with dots or dashes), ISO AAAA-MM-JJ and dates in
words (« 3 février 2025 », « 1er mars 2025 », « lundi 3 fevrier 2025 ») → ``date``;
``date`` → « 3 février 2025 » (« 1er » for the first day of a month)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from care_common.french_text import fold

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


MONTH_PATTERN = "|".join(dict.fromkeys(form for name in MONTHS for form in (name, fold(name))))
"""A regex alternation of the month names, accented or not ("février|fevrier|…")."""

_MONTH_NUMBERS = {fold(name): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS |= {fold(name).rstrip("."): n for n, name in enumerate(_SHORT_MONTHS, start=1)}
_MONTH_NUMBERS |= {"fev": 2, "sep": 9, "janv": 1, "dec": 12}

_NUMERIC = re.compile(r"^(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(
    rf"^(?:le\s+)?(?:(?:{'|'.join(_WEEKDAYS)})\s+)?(\d{{1,2}})\s*(?:er|ᵉʳ|e)?\s+"
    r"([a-z]+)\.?\s+(\d{4})$"
)

DateProblem = Literal["format", "impossible"]
FORMS = "JJ/MM/AAAA (31/03/2026), AAAA-MM-JJ ou en toutes lettres (31 mars 2026)"


class DateError(ValueError):
    """Not a date, or a date that does not exist; ``reason`` is French."""

    def __init__(self, problem: DateProblem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason


def _parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written, or None when the text has none of the known shapes."""
    if match := _NUMERIC.match(text):
        day, month, year = (int(g) for g in match.groups())
        return year, month, day
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return year, month, day
    if match := _WORDS.match(fold(text)):
        named = _MONTH_NUMBERS.get(match[2])
        return None if named is None else (int(match[3]), named, int(match[1]))
    return None


def parse_french_date(raw: object) -> date:
    """A date from a ``date``/``datetime`` or from text in one of the accepted forms."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = " ".join(str(raw).replace("\u00a0", " ").split())
    parts = _parts(text)
    if parts is None:
        raise DateError(
            "format", f"« {text[:40]} » n'est pas une date complète : écrivez-la {FORMS}"
        )
    year, month, day = parts
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            "impossible",
            f"la date {day:02d}/{month:02d}/{year} n'existe pas (jour ou mois impossible) : "
            "vérifiez le jour et le mois",
        ) from None


def date_in_words(value: date, *, year: bool = True) -> str:
    """``date(2025, 3, 1)`` → « 1er mars 2025 » (« 1er mars » without ``year``)."""
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS[value.month - 1]}"
    return f"{text} {value.year}" if year else text


def short_date(value: date) -> str:
    """``date(2026, 12, 3)`` → « 3 déc. 2026 » (for short labels)."""
    return f"{value.day} {_SHORT_MONTHS[value.month - 1]} {value.year}"


def iso_in_words(text: str) -> str:
    """An ISO date (or timestamp) string in words; the text itself when it is not one."""
    try:
        return date_in_words(date.fromisoformat(text[:10]))
    except ValueError:
        return text
