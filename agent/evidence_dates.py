"""How users are told how recent the knowledge behind an answer is.

Each source note has two dates: ``checked`` (when the project last reviewed it) and
``evidence`` (the date of the newest evidence it rests on). Users see the evidence date as a
month ("État des sources : avril 2026"): a review in November does not make a source of April
say anything about November. When a note states no evidence date, its publication date is the
best honest substitute; a note with neither is "non daté".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from agent.turns import SourceRef
from care_common.french_dates import MONTHS

UNDATED = "non daté"


def fr_month_year(value: date) -> str:
    """``date(2026, 4, 3)`` → ``"avril 2026"``."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def _parse(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None


def evidence_date(ref: SourceRef) -> date | None:
    """The date a cited source is "as of": its evidence date, else its publication date."""
    return _parse(ref.evidence) or _parse(ref.published)


def sources_state(refs: Iterable[SourceRef]) -> date | None:
    """The newest evidence date among the cited sources (None when none is dated)."""
    dates = [d for d in (evidence_date(ref) for ref in refs) if d is not None]
    return max(dates, default=None)


def sources_state_label(refs: Iterable[SourceRef]) -> str:
    """``"avril 2026"`` (month of the newest evidence), or ``"non daté"``."""
    state = sources_state(refs)
    return fr_month_year(state) if state else UNDATED


def sources_state_line(refs: Iterable[SourceRef]) -> str:
    """The line shown under an answer or a verdict: ``"État des sources : avril 2026."``."""
    return f"État des sources : {sources_state_label(refs)}."


def source_state_label(ref: SourceRef) -> str:
    """One source's own month, for the sources list: ``"état : mai 2024"``."""
    state = evidence_date(ref)
    return f"état : {fr_month_year(state) if state else UNDATED}"
