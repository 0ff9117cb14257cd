"""One field's raw value → canonical value, following its spec (type, options, limits)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from care_common.french_text import fold_phrase
from drafting.specs import Commitment, FieldSpec
from drafting.validators import (
    InvalidValue,
    format_date_fr,
    parse_amount,
    parse_amount_or_rate,
    parse_date,
    parse_email,
    parse_finess,
    parse_finess_list,
    parse_phone,
    parse_siret,
)

_SCALAR_PARSERS: dict[str, Callable[[object], Any]] = {
    "finess": parse_finess,
    "finess_list": parse_finess_list,
    "siret": parse_siret,
    "email": parse_email,
    "phone_fr": parse_phone,
    "date": parse_date,
    "amount": parse_amount,
    "amount_or_rate": parse_amount_or_rate,
}


def _text(field: FieldSpec, raw: object) -> str:
    if isinstance(raw, dict | list):
        raise InvalidValue("un texte est attendu ici, pas une liste ou une rubrique.")
    value = unicodedata.normalize("NFC", str(raw)).strip()
    if len(value) > field.max_length:
        raise InvalidValue(
            f"le texte est trop long ({len(value)} caractères, {field.max_length} au maximum) : "
            "raccourcissez-le ou renvoyez les détails en pièce jointe."
        )
    return value


def _choice(field: FieldSpec, raw: object) -> str:
    wanted = fold_phrase(str(raw))
    for option in field.options:
        if wanted in (
            fold_phrase(option.value),
            fold_phrase(option.label),
            fold_phrase(option.short or option.label),
        ):
            return option.value
    choices = ", ".join(o.value for o in field.options)
    raise InvalidValue(
        f"« {str(raw)[:60]} » n'est pas un choix possible ; choisissez parmi : {choices}."
    )


def _text_list(field: FieldSpec, raw: object) -> list[str]:
    items = raw if isinstance(raw, list) else re.split(r"[;\n]+", str(raw))
    values = [_text(field, item) for item in items if not isinstance(item, dict | list)]
    if len(values) != len(items):
        raise InvalidValue("une liste de textes est attendue (un élément par ligne).")
    return [v for v in values if v]


def parse_commitments(raw: object, offered: Sequence[Commitment]) -> list[str]:
    """Commitment ids from a list of ids, or from text: "tous" or numbers "1, 3, 4" (1-based
    positions in ``offered``)."""
    if isinstance(raw, list):
        wanted_ids = [str(item).strip() for item in raw]
    elif fold_phrase(str(raw)) in ("tous", "toutes", "tout", "all"):
        return [c.id for c in offered]
    else:
        tokens = [t for t in re.split(r"[\s,;]+", str(raw)) if t]
        if not tokens or not all(t.isdigit() for t in tokens):
            raise InvalidValue(
                "indiquez les numéros des engagements à retenir, séparés par des virgules "
                "(par exemple 1, 2, 4), ou « tous »."
            )
        positions = [int(t) for t in tokens]
        bad = [p for p in positions if not 1 <= p <= len(offered)]
        if bad:
            raise InvalidValue(
                f"le numéro {bad[0]} ne correspond à aucun engagement proposé "
                f"(1 à {len(offered)})."
            )
        wanted_ids = [offered[p - 1].id for p in positions]
    known = {c.id for c in offered}
    unknown = [i for i in wanted_ids if i not in known]
    if unknown:
        raise InvalidValue(
            f"l'engagement « {unknown[0][:60]} » n'est pas proposé pour ce dispositif ; "
            f"engagements possibles : {', '.join(sorted(known))}."
        )
    return list(dict.fromkeys(wanted_ids))


def parse_field(field: FieldSpec, raw: object, *, commitments: Sequence[Commitment] = ()) -> Any:
    """Canonical value of ``raw`` for ``field``; raises ``InvalidValue`` (French reason)."""
    check = field.check
    if check == "text":
        return _text(field, raw)
    if check == "choice":
        return _choice(field, raw)
    if check == "text_list":
        return _text_list(field, raw)
    if check == "multi_choice":
        return parse_commitments(raw, commitments)
    if isinstance(raw, dict | list) and check != "finess_list":
        raise InvalidValue("une valeur simple est attendue ici, pas une liste ou une rubrique.")
    value = _SCALAR_PARSERS[check](raw)
    if check == "date" and field.min_date is not None and value < field.min_date.isoformat():
        minimum = format_date_fr(field.min_date.isoformat())
        raise InvalidValue(
            f"la date {format_date_fr(value)} est antérieure au {minimum}, date la plus ancienne "
            "admise pour ce champ : indiquez une date plus récente."
        )
    return value


def display_value(field: FieldSpec, value: Any) -> str:
    """A short French rendering of a canonical value (summaries, dialogue)."""
    if value is None:
        return ""
    if field.type == "choice":
        return field.option_label(str(value))
    if field.type == "date":
        return format_date_fr(str(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return format_date_fr(value.isoformat())
    return str(value)
