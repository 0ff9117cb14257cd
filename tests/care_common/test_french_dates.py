"""French dates in and out (care_common.french_dates)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from care_common.french_dates import (
    DateError,
    date_in_words,
    iso_in_words,
    parse_french_date,
    short_date,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("31/03/2026", date(2026, 3, 31)),
        ("1/4/2026", date(2026, 4, 1)),
        ("31.03.2026", date(2026, 3, 31)),
        ("31-03-2026", date(2026, 3, 31)),
        ("2026-03-31", date(2026, 3, 31)),
        ("3 février 2025", date(2025, 2, 3)),
        ("3 fevrier 2025", date(2025, 2, 3)),
        ("1er mars 2025", date(2025, 3, 1)),
        ("1ᵉʳ mars 2025", date(2025, 3, 1)),
        ("le 1er mars 2025", date(2025, 3, 1)),
        ("Lundi 3 Février 2025", date(2025, 2, 3)),
        ("3 févr. 2025", date(2025, 2, 3)),
        ("15\u00a0août 2026", date(2026, 8, 15)),
        (date(2026, 1, 2), date(2026, 1, 2)),
        (datetime(2026, 1, 2, 10, 30), date(2026, 1, 2)),
    ],
)
def test_accepted_forms(raw: object, expected: date) -> None:
    assert parse_french_date(raw) == expected


@pytest.mark.parametrize(
    "raw, problem, words",
    [
        ("31/02/2026", "impossible", "31/02/2026 n'existe pas"),
        ("30 février 2026", "impossible", "30/02/2026 n'existe pas"),
        ("2026-13-01", "impossible", "n'existe pas"),
        ("mars 2026", "format", "JJ/MM/AAAA"),
        ("3 brumaire 2026", "format", "en toutes lettres"),
        ("demain", "format", "n'est pas une date complète"),
    ],
)
def test_refused_forms_say_why(raw: str, problem: str, words: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_french_date(raw)
    assert caught.value.problem == problem and words in caught.value.reason


def test_dates_in_words() -> None:
    assert date_in_words(date(2025, 3, 1)) == "1er mars 2025"
    assert date_in_words(date(2026, 12, 3)) == "3 décembre 2026"
    assert short_date(date(2026, 12, 3)) == "3 déc. 2026"
    assert iso_in_words("2026-12-03T10:15:00+00:00") == "3 décembre 2026"
    assert iso_in_words("bientôt") == "bientôt"


@pytest.mark.parametrize("day", [date(2024, m, d) for m in range(1, 13) for d in (1, 15, 28)])
def test_words_round_trip(day: date) -> None:
    assert parse_french_date(date_in_words(day)) == day
    assert parse_french_date(short_date(day)) == day
