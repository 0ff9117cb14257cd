"""Validation of single values typed by people or read from profile files.

Every function returns the clean value or raises ``ValueError`` with a French reason (the
caller names the field). The same functions serve profile files, the terminal interview and
the agent's interview, so a value is judged the same way everywhere.

FINESS numbers and French dates are checked by ``care_common`` (one implementation for the
whole code base).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from care_common.finess import check_finess
from care_common.french_dates import date_in_words as fr_date
from care_common.french_dates import parse_french_date
from care_common.french_text import fold_phrase

_TRUE = frozenset({"oui", "o", "vrai", "true", "yes"})
_FALSE = frozenset({"non", "n", "faux", "false", "no"})


def fr_number(value: Decimal) -> str:
    """``Decimal("65.90")`` → ``"65,9"``; integers without decimals."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def parse_date(value: object) -> date:
    """A date from a YAML/JSON value or typed text (JJ/MM/AAAA, AAAA-MM-JJ or in words)."""
    if not isinstance(value, str | date):
        raise ValueError("date attendue, au format JJ/MM/AAAA ou AAAA-MM-JJ")
    return parse_french_date(value)


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
        word = fold_phrase(value).rstrip(" .!")
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValueError("répondez par oui ou par non")


def validate_finess(value: object) -> str:
    """A FINESS number, upper-cased, spaces removed; raises ``ValueError`` with the reason."""
    return check_finess(value)


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
