"""Validation of single values typed by people or read from profile files.

Every function returns the clean value or raises ``ValueError`` with a French reason (the
caller names the field). The same functions serve profile files, the terminal interview and
the agent's interview, so a value is judged the same way everywhere.

FINESS numbers: 9 characters, the first two being a département code (``01``–``95`` except
``20``, Corsica ``2A``/``2B``, overseas ``97``/``98``), the last one a Luhn check key computed
on the 9 digits. Assumption (no official statement of the convention was found): for Corsica
the letter ``A`` or ``B`` counts as ``0`` in the computation.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FR_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_FINESS_SHAPE = re.compile(r"^(?:\d{2}|2[AB])\d{7}$")

_TRUE = frozenset({"oui", "o", "vrai", "true", "yes"})
_FALSE = frozenset({"non", "n", "faux", "false", "no"})


def fold(text: str) -> str:
    """Lower-case without accents and with single spaces ("Établissement" == "etablissement")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("\u2019", "'")
    return " ".join(plain.split())


def fr_date(value: date) -> str:
    """``date(2025, 10, 31)`` → ``"31 octobre 2025"`` (``"1er"`` for the first day)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {_MONTHS[value.month - 1]} {value.year}"


def fr_number(value: Decimal) -> str:
    """``Decimal("65.90")`` → ``"65,9"``; integers without decimals."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def parse_date(value: object) -> date:
    """A date from a YAML/JSON value or typed text: ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("date attendue, au format JJ/MM/AAAA ou AAAA-MM-JJ")
    text = value.strip()
    iso = _ISO_DATE.match(text)
    french = _FR_DATE.match(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif french:
        day, month, year = (int(part) for part in french.groups())
    else:
        raise ValueError(f"« {text} » n'est pas une date au format JJ/MM/AAAA ou AAAA-MM-JJ")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f"la date {day:02d}/{month:02d}/{year} n'existe pas (jour ou mois impossible)"
        ) from None


def parse_past_date(value: object, as_of: date) -> date:
    """A date that cannot be later than ``as_of`` (e.g. a past review)."""
    parsed = parse_date(value)
    if parsed > as_of:
        raise ValueError(
            f"le {fr_date(parsed)} est dans le futur (nous sommes le {fr_date(as_of)}) ; "
            "indiquez la date d'une revue déjà faite"
        )
    return parsed


def parse_bool(value: object) -> bool:
    """``True``/``False`` from a boolean or from « oui » / « non » (case and accents ignored)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = fold(value).rstrip(" .!")
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValueError("répondez par oui ou par non")


def luhn_is_valid(digits: str) -> bool:
    """Luhn check over a string of digits (the last digit being the key)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_finess(value: object) -> str:
    """A FINESS number, upper-cased, spaces removed; raises ``ValueError`` with the reason."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:09d}"
    if not isinstance(value, str):
        raise ValueError("numéro FINESS attendu (9 caractères, entre guillemets dans un fichier)")
    text = re.sub(r"[\s.-]", "", value).upper()
    if len(text) != 9:
        raise ValueError(
            f"« {value.strip()} » : un numéro FINESS compte 9 caractères (ici {len(text)})"
        )
    if not _FINESS_SHAPE.match(text):
        raise ValueError(
            f"« {text} » : seuls des chiffres sont attendus, sauf 2A ou 2B en tête pour la Corse"
        )
    prefix = text[:2]
    if prefix in {"00", "20", "96", "99"}:
        raise ValueError(
            f"« {text} » : les deux premiers caractères doivent être un code de département "
            "(01 à 95, 2A, 2B, 97 ou 98), pas « " + prefix + " »"
        )
    if not luhn_is_valid(text.replace("A", "0").replace("B", "0")):
        raise ValueError(
            f"« {text} » : la clé de contrôle (dernier chiffre) ne correspond pas ; "
            "vérifiez chaque chiffre du numéro"
        )
    return text


def parse_share(value: object) -> Decimal:
    """A share of activity in percent, between 0 and 100 (``"40"``, ``"40,5 %"``, ``40.5``)."""
    if isinstance(value, bool):
        raise ValueError("pourcentage attendu (nombre entre 0 et 100)")
    if isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip().rstrip("%").strip().replace(",", ".")
    else:
        raise ValueError("pourcentage attendu (nombre entre 0 et 100)")
    try:
        share = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"« {value} » n'est pas un pourcentage (nombre entre 0 et 100)") from None
    if not share.is_finite() or share < 0 or share > 100:
        raise ValueError(f"« {value} » : une part d'activité est comprise entre 0 et 100 %")
    return share
