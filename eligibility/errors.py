"""Errors of the eligibility package::

CareError
└── EligibilityError
    ├── RuleTableError          a rule table under knowledge/eligibility/ is malformed (exit 3)
    ├── UnknownRulesVersionError  --rules-version names no published version (exit 2)
    ├── ProfileError            a profile has unknown keys or invalid values (exit 2);
    │                           ``problems`` lists each field with a French reason
    └── AnswerError             one interview answer is invalid (field + French reason)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from care_errors import CareError


class EligibilityError(CareError):
    """Base of the eligibility package's errors."""


class RuleTableError(EligibilityError):
    """A rule table cannot be loaded; the message names the file and the reason."""

    exit_code = 3
    user_message = (
        "Les tables de règles d'éligibilité sont invalides : la vérification ne peut pas être "
        "faite. Prévenez l'administrateur de l'assistant."
    )


class UnknownRulesVersionError(EligibilityError):
    exit_code = 2

    def __init__(self, version: str, available: Sequence[str]) -> None:
        listed = ", ".join(available) or "aucune"
        super().__init__(
            f"unknown rules version {version!r}",
            user_message=(
                f"La version de règles « {version} » n'existe pas. Versions publiées : {listed}."
            ),
        )
        self.version = version


@dataclass(frozen=True)
class ProfileProblem:
    """One invalid entry of a profile: the field (as documented) and a French reason."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field} : {self.reason}"


class ProfileError(EligibilityError):
    """The profile is invalid; every problem is listed, none is silently ignored."""

    exit_code = 2

    def __init__(self, problems: Sequence[ProfileProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"• {problem}" for problem in self.problems)
        count = len(self.problems)
        heading = (
            "Le profil contient une erreur"
            if count == 1
            else (f"Le profil contient {count} erreurs")
        )
        super().__init__(
            "; ".join(str(problem) for problem in self.problems),
            user_message=f"{heading} :\n{lines}",
        )


class AnswerError(EligibilityError):
    """An interview answer is invalid; the question is asked again, nothing is lost."""

    exit_code = 2

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", user_message=reason)
        self.field = field
        self.reason = reason
