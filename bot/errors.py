"""Errors of the front ends."""

from __future__ import annotations

from care_errors import CareError


class ConfigurationError(CareError):
    user_message = "La configuration est invalide."
