"""FINESS numbers (the French register of health and social establishments): the one check of
the code base, used by the eligibility profiles and the dossier drafts alike.

A FINESS number has 9 characters: a département code (``01``–``95`` except ``20``, Corsica
``2A``/``2B``, overseas ``97``/``98``), six digits, and a Luhn key (``stdnum.luhn``; python-stdnum
has no FINESS module). Assumption (no official statement of the convention was found): for Corsica
the letter ``A`` or ``B`` counts as ``0`` in the key, as several public FINESS checkers do.
"""

from __future__ import annotations

import re
from typing import Literal

from stdnum import luhn

FinessProblem = Literal["type", "length", "characters", "departement", "key"]

_SEPARATORS = re.compile(r"[\s\u00a0\u202f.\-\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SHAPE = re.compile(r"^(?:\d{2}|2[AB])\d{7}$")
EXAMPLE = "750712184"


class FinessError(ValueError):
    """A value is not a valid FINESS number; ``reason`` is French, ``problem`` says which rule."""

    def __init__(self, problem: FinessProblem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason


def compact_finess(raw: object) -> str:
    """The value as typed, without blanks, dots, dashes or direction marks, upper-cased."""
    return _SEPARATORS.sub("", str(raw)).upper()


def _departement_ok(prefix: str) -> bool:
    if prefix in ("2A", "2B", "97", "98"):  # Corsica, then overseas (3rd digit = territory)
        return True
    return prefix.isdigit() and 1 <= int(prefix) <= 95 and prefix != "20"


def finess_key_ok(number: str) -> bool:
    """Luhn key of a 9-character FINESS number (``2A``/``2B`` counted as ``20``)."""
    return luhn.is_valid(number.replace("A", "0").replace("B", "0"))


def check_finess(raw: object) -> str:
    """The FINESS number in canonical form (9 characters, upper case), or ``FinessError``."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = f"{raw:09d}"
    if not isinstance(raw, str):
        raise FinessError(
            "type", "numéro FINESS attendu (9 caractères, entre guillemets dans un fichier)"
        )
    value = compact_finess(raw)
    if len(value) != 9:
        raise FinessError(
            "length",
            f"un numéro FINESS compte 9 caractères (ici {len(value)}) : recopiez-le depuis "
            f"finess.esante.gouv.fr (exemple : {EXAMPLE})",
        )
    if not _SHAPE.match(value):
        raise FinessError(
            "characters",
            f"« {value} » : un numéro FINESS ne contient que des chiffres, sauf 2A ou 2B en tête "
            "pour la Corse (vérifiez qu'aucune lettre O ne remplace un 0)",
        )
    if not _departement_ok(value[:2]):
        raise FinessError(
            "departement",
            f"« {value[:2]} » n'est pas un code de département valide en tête d'un numéro FINESS "
            "(01 à 95, 2A, 2B, 97 ou 98) : vérifiez les deux premiers caractères",
        )
    if not finess_key_ok(value):
        raise FinessError(
            "key",
            f"la clé de contrôle (dernier chiffre) du numéro {value} ne correspond pas : un "
            "chiffre a probablement été mal recopié, vérifiez-le sur finess.esante.gouv.fr",
        )
    return value
