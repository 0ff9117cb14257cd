"""The dating line of answers: the month of the newest evidence, never the review date."""

from __future__ import annotations

from datetime import date

import pytest

from agent.answering import checked_line, render_sources
from agent.evidence_dates import fr_month_year, sources_state, sources_state_line
from agent.turns import SourceRef


def ref(number: int, evidence: str | None, published: str | None = None) -> SourceRef:
    return SourceRef(
        number=number,
        source_id=f"note-{number}",
        title=f"Note {number}",
        section="Section",
        url=f"https://example.org/note-{number}",
        checked="2026-11-28",
        published=published,
        evidence=evidence,
    )


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (date(2026, 4, 3), "avril 2026"),
        (date(2025, 8, 1), "août 2025"),
        (date(2024, 12, 31), "décembre 2024"),
    ],
)
def test_month_and_year_in_french(value: date, label: str) -> None:
    assert fr_month_year(value) == label


def test_the_newest_evidence_of_the_cited_sources_dates_the_answer() -> None:
    refs = [ref(1, "2024-05-01"), ref(2, "2026-04-03"), ref(3, "2025-11-18")]
    assert sources_state(refs) == date(2026, 4, 3)
    assert sources_state_line(refs) == "État des sources : avril 2026."
    # the review date (checked 2026-11-28) appears nowhere
    assert checked_line(refs, date(2026, 12, 3)) == "État des sources : avril 2026."


def test_a_source_without_evidence_date_falls_back_to_its_publication_date() -> None:
    assert sources_state_line([ref(1, None, "2025-07-16")]) == "État des sources : juillet 2025."
    assert sources_state_line([ref(1, None)]) == "État des sources : non daté."


def test_each_source_line_gives_its_own_month_not_the_review_date() -> None:
    text = render_sources([ref(1, "2024-05-01"), ref(2, "2026-04-03")])
    assert "[1] Note 1 — Section (état : mai 2024)" in text
    assert "[2] Note 2 — Section (état : avril 2026)" in text
    assert "2026-11-28" not in text and "novembre" not in text and "vérifiée" not in text
