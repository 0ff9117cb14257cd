"""What an evaluation returns: one verdict per dispositif plus the obligations checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from eligibility.profile import Profile


@dataclass(frozen=True)
class MissingItem:
    """A prerequisite not met (or a fact to find out) and what to do about it."""

    item: str
    action: str

    def to_json(self) -> dict[str, str]:
        return {"item": self.item, "action": self.action}


@dataclass(frozen=True)
class Deadline:
    kind: str  # candidature | declaration | paiement
    label: str
    opens: date | None
    closes: date | None
    status: str  # ouvert | ferme | a_venir | inconnu
    certainty: str  # confirme | a_confirmer

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "opens": self.opens.isoformat() if self.opens else None,
            "closes": self.closes.isoformat() if self.closes else None,
            "status": self.status,
            "certainty": self.certainty,
        }


@dataclass(frozen=True)
class Verdict:
    """The answer for one dispositif.

    ``verdict`` judges the criteria (category, prerequisites); ``window`` says whether the
    candidature window is open on the as-of date. Both matter: "eligible" with a window
    ``ferme`` means "met the criteria, but one cannot apply any more" — the first reason then
    says so and what comes next.
    """

    dispositif: str
    title: str
    verdict: str
    window: str
    reasons: tuple[str, ...]
    missing: tuple[MissingItem, ...]
    deadlines: tuple[Deadline, ...]
    sources: tuple[str, ...]
    rules_version: str
    fired: tuple[str, ...] = ()  # ids of the rules whose condition held
    unknown: tuple[str, ...] = ()  # profile fields that would decide an open question
    # what to reach by the declaration of achievement; never a reason to refuse a candidature
    objectives: tuple[MissingItem, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "dispositif": self.dispositif,
            "verdict": self.verdict,
            "window": self.window,
            "reasons": list(self.reasons),
            "missing": [m.to_json() for m in self.missing],
            "objectives": [o.to_json() for o in self.objectives],
            "deadlines": [d.to_json() for d in self.deadlines],
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Obligation:
    """One item of an obligations checklist (e.g. an action of Instruction DNS/2025/12)."""

    id: str
    title: str
    what: str
    status: str  # applicable | non_applicable | a_confirmer
    deadline: str
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "what": self.what,
            "status": self.status,
            "deadline": self.deadline,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class EligibilityReport:
    as_of: date
    rules_version: str
    profile: Profile
    results: tuple[Verdict, ...]
    obligations: tuple[Obligation, ...]
    obligations_intro: str = ""

    def verdict(self, dispositif: str) -> Verdict:
        return next(v for v in self.results if v.dispositif == dispositif)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "rules_version": self.rules_version,
            "results": [v.to_json() for v in self.results],
            "obligations": [o.to_json() for o in self.obligations],
        }
