"""Errors of the fact table (a malformed knowledge/facts.yaml or calendar reference)."""

from __future__ import annotations

from pathlib import Path

from care_errors import CareError


class FactTableError(CareError):
    """knowledge/facts.yaml (or a file it references) is malformed: file, entry and reason."""

    user_message = "La table des faits de la base de connaissances est invalide."

    def __init__(self, path: Path, where: str, reason: str) -> None:
        super().__init__(f"{path}: {where}: {reason}")
        self.path = path
        self.where = where
        self.reason = reason
