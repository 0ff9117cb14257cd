"""Window status relative to the as-of date, around every boundary date (day before/of/after)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eligibility import RuleBook
from eligibility.windows import window_status
from tests.eligibility.conftest import ES_OK, run

D = date.fromisoformat
DAY = timedelta(days=1)


def around(day: str, before: str, on: str, after: str) -> list[tuple[date, str]]:
    return [(D(day) - DAY, before), (D(day), on), (D(day) + DAY, after)]


# (table, version, window kind, [(as-of, expected status)])
BOUNDARIES = [
    ("D1", "2024.1", "candidature", around("2024-03-18", "a_venir", "ouvert", "ouvert")),
    ("D1", "2024.1", "candidature", around("2024-04-19", "ouvert", "ouvert", "ferme")),
    ("D1", "2024.1", "declaration", around("2024-05-21", "a_venir", "ouvert", "ouvert")),
    ("D1", "2024.1", "declaration", around("2025-06-30", "ouvert", "ouvert", "ferme")),
    # no opening date: unknown until the (uncertain) closing date is past
    ("D1", "2024.1", "paiement", around("2026-06-30", "inconnu", "inconnu", "ferme")),
    ("D2", "2026.1", "candidature", around("2025-09-02", "a_venir", "ouvert", "ouvert")),
    ("D2", "2026.1", "candidature", around("2025-10-31", "ouvert", "ouvert", "ferme")),
    # confirmed opening, no known closing date: open from the opening day on
    ("D2", "2026.1", "declaration", around("2026-01-16", "a_venir", "ouvert", "ouvert")),
    ("D2", "2025.1", "declaration", around("2026-01-16", "inconnu", "inconnu", "inconnu")),
    # announced only (to be confirmed), no closing date: unknown once the day is past
    ("D1bis", "2026.1", "candidature", around("2026-02-13", "a_venir", "inconnu", "inconnu")),
    ("HospiConnect", "2026.1", "candidature", around("2026-01-20", "a_venir", "ouvert", "ouvert")),
    ("HospiConnect", "2026.1", "candidature", around("2026-02-13", "ouvert", "ouvert", "ferme")),
    (
        "exercice_crise",
        "2023.1",
        "candidature",
        around("2026-11-28", "inconnu", "inconnu", "inconnu"),
    ),
]


@pytest.mark.parametrize(
    ("table_id", "version", "kind", "day", "expected"),
    [
        pytest.param(t, v, k, day, status, id=f"{t}@{v}-{k}-{day.isoformat()}")
        for t, v, k, cases in BOUNDARIES
        for day, status in cases
    ],
)
def test_window_status(
    book: RuleBook, table_id: str, version: str, kind: str, day: date, expected: str
) -> None:
    table = next(t for t in book.versions_by_table[table_id] if t.version == version)
    assert window_status(table.window(kind), day) == expected


@pytest.mark.parametrize(
    ("as_of", "window", "phrase"),
    [
        ("2025-09-01", "a_venir", "ouvrira le 2 septembre 2025 jusqu'au 31 octobre 2025"),
        ("2025-09-02", "ouvert", "est ouverte jusqu'au 31 octobre 2025 inclus"),
        ("2025-10-31", "ouvert", "est ouverte jusqu'au 31 octobre 2025 inclus"),
        ("2025-11-01", "ferme", "est fermée : elle a pris fin le 31 octobre 2025"),
    ],
)
def test_d2_verdict_reports_the_window_first(
    book: RuleBook, as_of: str, window: str, phrase: str
) -> None:
    verdict = run(book, ES_OK, D(as_of)).verdict("D2")
    assert verdict.verdict == "eligible"
    assert verdict.window == window
    assert phrase in verdict.reasons[0]


def test_unknown_window_says_to_ask_the_ars(book: RuleBook) -> None:
    verdict = run(book, ES_OK).verdict("exercice_crise")
    assert verdict.window == "inconnu"
    assert "voyez avec votre ARS" in verdict.reasons[0]
