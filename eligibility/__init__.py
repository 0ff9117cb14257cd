"""Versioned CaRE eligibility rules → one verdict per dispositif, with reasons and citations.

Pure: apart from loading the YAML rule tables, no I/O. Typical use::

    book = load_rule_book(knowledge_dir / "eligibility")
    report = check_eligibility(profile_data, book, as_of=date(2026, 11, 28))
    report.to_json()  # {"as_of", "rules_version", "results": [...], "obligations": [...]}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from eligibility.engine import evaluate
from eligibility.errors import (
    AnswerError,
    EligibilityError,
    ProfileError,
    ProfileProblem,
    RuleTableError,
    UnknownRulesVersionError,
)
from eligibility.profile import ActivityShare, Profile, parse_profile
from eligibility.questions import Choice, Question
from eligibility.report import Deadline, EligibilityReport, MissingItem, Obligation, Verdict
from eligibility.rules import RuleBook, RuleSet, RuleTable, load_rule_book

__all__ = [
    "ActivityShare",
    "AnswerError",
    "Choice",
    "Deadline",
    "EligibilityError",
    "EligibilityReport",
    "MissingItem",
    "Obligation",
    "Profile",
    "ProfileError",
    "ProfileProblem",
    "Question",
    "RuleBook",
    "RuleSet",
    "RuleTable",
    "RuleTableError",
    "UnknownRulesVersionError",
    "Verdict",
    "check_eligibility",
    "evaluate",
    "load_rule_book",
    "parse_profile",
]


def check_eligibility(
    data: Mapping[str, Any] | object,
    book: RuleBook,
    as_of: date | None = None,
    rules_version: str | None = None,
) -> EligibilityReport:
    """Validate raw profile data and evaluate it with the rules in force on ``as_of``
    (default: today) or with the rule-set version ``rules_version``."""
    as_of = as_of or date.today()
    profile = parse_profile(data, as_of, book.dispositif_ids)
    return evaluate(profile, book.select(as_of, rules_version), as_of)
