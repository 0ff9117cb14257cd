"""Field-level validators: each turns a raw value (typed in a dialogue or read from a file) into
its canonical form, or raises ``InvalidValue`` with a French reason that says what is wrong and
how to fix it.

Canonical forms (what drafts store and templates receive): FINESS and SIRET as bare digits
(FINESS may hold ``2A``/``2B``), dates as ISO ``AAAA-MM-JJ`` strings, amounts as decimal strings
with two decimals (``"12500.50"``), phone numbers grouped by two (``"01 23 45 67 89"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

ProblemKind = Literal["missing", "invalid", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding about an answers set. ``field`` is a path such as ``budget[2].montant_ht``.

    ``missing`` = a required value is absent (a draft may still be rendered with a checklist);
    ``invalid`` = a value is wrong (never rendered); ``warning`` = worth a look, not blocking.
    """

    field: str
    message: str
    kind: ProblemKind = "invalid"


class InvalidValue(ValueError):
    """A value failed a validator; ``reason`` is French, shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


MAX_AMOUNT = Decimal("999999999.99")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_RTL_OR_CONTROL = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _compact(raw: object) -> str:
    """The value as text without blanks, dots or dashes (as people type identifiers)."""
    text = _RTL_OR_CONTROL.sub("", str(raw))
    return re.sub(r"[\s\u00a0\u202f.\-]", "", text).upper()


def luhn_ok(digits: str) -> bool:
    """Luhn check over a string of decimal digits (the last one being the key)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _departement_ok(prefix: str) -> bool:
    if prefix in ("2A", "2B", "97", "98"):  # Corse, then overseas (97x/98x: 3rd digit = territory)
        return True
    return prefix.isdigit() and 1 <= int(prefix) <= 95 and prefix != "20"


def parse_finess(raw: object) -> str:
    """A FINESS number: 9 characters, a département prefix, a Luhn key as the 9th digit.

    Assumption (no official statement found): for Corsican numbers (``2A``/``2B`` prefix) the key
    is computed on the digits with ``A``/``B`` replaced by ``0``, as several public FINESS
    checkers do.
    """
    value = _compact(raw)
    if len(value) != 9:
        raise InvalidValue(
            f"un numéro FINESS compte 9 caractères, « {str(raw).strip()[:40]} » en compte "
            f"{len(value)}. Recopiez-le depuis finess.esante.gouv.fr (exemple : 750712184)."
        )
    if not (value[2:].isdigit() and (value[:2].isdigit() or value[:2] in ("2A", "2B"))):
        raise InvalidValue(
            "un numéro FINESS ne contient que des chiffres (sauf 2A ou 2B en tête pour la "
            "Corse). Vérifiez qu'aucune lettre ne s'est glissée (O à la place de 0…)."
        )
    if not _departement_ok(value[:2]):
        raise InvalidValue(
            f"« {value[:2]} » n'est pas un code de département valide en tête d'un numéro "
            "FINESS (01 à 95, 2A, 2B, 97, 98). Vérifiez les deux premiers caractères."
        )
    if not luhn_ok(value.replace("A", "0").replace("B", "0")):
        raise InvalidValue(
            f"la clé de contrôle du numéro FINESS {value} est fausse (dernier chiffre) : "
            "un chiffre a probablement été mal recopié. Vérifiez-le sur finess.esante.gouv.fr."
        )
    return value


def parse_finess_list(raw: object) -> list[str]:
    """One or several FINESS numbers (a list, or text separated by commas, semicolons, lines)."""
    items = raw if isinstance(raw, list) else re.split(r"[,;\n]+", str(raw))
    numbers: list[str] = []
    for number, item in enumerate(items, start=1):
        if str(item).strip() == "":
            continue
        try:
            numbers.append(parse_finess(item))
        except InvalidValue as exc:
            raise InvalidValue(f"numéro n° {number} : {exc.reason}") from exc
    if not numbers:
        raise InvalidValue("indiquez au moins un numéro FINESS, séparés par des virgules.")
    return list(dict.fromkeys(numbers))


LA_POSTE_SIREN = "356000000"


def parse_siret(raw: object) -> str:
    """A SIRET: 14 digits with a Luhn key; La Poste's establishments (SIREN 356000000) use a
    different rule (sum of the digits divisible by 5) and are accepted on that rule."""
    value = _compact(raw)
    if not value.isdigit() or len(value) != 14:
        raise InvalidValue(
            "un SIRET compte exactement 14 chiffres (SIREN à 9 chiffres + NIC à 5 chiffres). "
            "Recopiez-le depuis l'avis de situation INSEE ou annuaire-entreprises.data.gouv.fr."
        )
    if value.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in value) % 5 == 0:
            return value
    elif luhn_ok(value):
        return value
    raise InvalidValue(
        f"le SIRET {value} ne passe pas le contrôle de clé (algorithme de Luhn) : un chiffre "
        "a probablement été mal recopié. Vérifiez-le sur annuaire-entreprises.data.gouv.fr."
    )


_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)


def parse_email(raw: object) -> str:
    value = str(raw).strip()
    if len(value) > 254 or not _EMAIL.match(value) or ".." in value:
        raise InvalidValue(
            f"« {value[:60]} » n'est pas une adresse électronique valide. "
            "Forme attendue : prenom.nom@etablissement.fr."
        )
    return value


_OVERSEAS_CODES = ("262", "269", "508", "590", "594", "596", "687", "689")


def parse_phone(raw: object) -> str:
    """A French number: 0X XX XX XX XX, +33 X…, 0033 X…, or an overseas +262/+590/… number;
    spaces, dots, dashes and parentheses are accepted."""
    text = re.sub(r"[\s\u00a0\u202f.\-()]", "", str(raw))
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+33"):
        text = "0" + text[3:].removeprefix("0")
    if re.fullmatch(r"0[1-9]\d{8}", text):
        return " ".join(text[i : i + 2] for i in range(0, 10, 2))
    for code in _OVERSEAS_CODES:
        if text.startswith("+" + code) and re.fullmatch(r"\d{6,9}", text[len(code) + 1 :]):
            return f"+{code} {text[len(code) + 1 :]}"
    raise InvalidValue(
        f"« {str(raw).strip()[:40]} » n'est pas un numéro de téléphone français valide. "
        "Forme attendue : 01 23 45 67 89 ou +33 1 23 45 67 89."
    )


_DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(raw: object) -> str:
    """JJ/MM/AAAA (also with dots or dashes) or ISO AAAA-MM-JJ → ISO string."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    text = str(raw).strip()
    match_fr, match_iso = _DATE_FR.match(text), _DATE_ISO.match(text)
    try:
        if match_fr:
            day, month, year = (int(g) for g in match_fr.groups())
        elif match_iso:
            year, month, day = (int(g) for g in match_iso.groups())
        else:
            raise InvalidValue(
                f"« {text[:40]} » n'est pas une date. Écrivez-la sous la forme JJ/MM/AAAA, "
                "par exemple 31/03/2026."
            )
        value = date(year, month, day)
    except ValueError as exc:
        if isinstance(exc, InvalidValue):
            raise
        raise InvalidValue(
            f"la date « {text} » n'existe pas dans le calendrier. Vérifiez le jour et le mois."
        ) from exc
    if not 2000 <= value.year <= 2100:
        raise InvalidValue(f"l'année {value.year} est invraisemblable : vérifiez la date.")
    return value.isoformat()


def format_date_fr(iso: str) -> str:
    """ISO date → JJ/MM/AAAA (returns the input unchanged when it is not an ISO date)."""
    match = _DATE_ISO.match(iso)
    if not match:
        return iso
    return f"{int(match[3]):02d}/{int(match[2]):02d}/{match[1]}"


def _amount_text(raw: object) -> str:
    if isinstance(raw, bool):
        raise InvalidValue("un montant est attendu (en euros), pas oui/non.")
    if isinstance(raw, int | float | Decimal):
        return repr(raw) if isinstance(raw, float) else str(raw)
    text = _SPACES.sub("", str(raw)).replace("'", "")
    text = re.sub(r"(€|EUR|euros?)$", "", text, flags=re.IGNORECASE)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        whole, _, cents = text.rpartition(decimal_mark)
        if not re.fullmatch(r"-?\d{1,3}(" + re.escape(group_mark) + r"\d{3})*", whole):
            raise InvalidValue(
                f"« {raw} » mélange virgules et points de façon ambiguë. Écrivez par exemple "
                "12 500,50."
            )
        return whole.replace(group_mark, "") + "." + cents
    if text.count(",") == 1:
        return text.replace(",", ".")
    if text.count(".") > 1 and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        return text.replace(".", "")
    return text


def parse_amount(raw: object) -> str:
    """A euro amount ≥ 0 with at most 2 decimals; French formatting ("12 500,50 €") accepted."""
    text = _amount_text(raw)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidValue(
            f"« {str(raw)[:40]} » n'est pas un montant. Écrivez un nombre en euros, par exemple "
            "12 500,50."
        ) from exc
    if not value.is_finite():
        raise InvalidValue(f"« {raw} » n'est pas un montant.")
    if value < 0:
        raise InvalidValue("un montant ne peut pas être négatif : indiquez un nombre ≥ 0.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidValue(
            f"« {raw} » a plus de 2 décimales : arrondissez au centime (par exemple 1 234,57)."
        )
    if value > MAX_AMOUNT:
        raise InvalidValue("ce montant dépasse un milliard d'euros : vérifiez le nombre de zéros.")
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def parse_amount_or_rate(raw: object) -> str:
    """TVA: either an amount in euros, or a rate such as "20 %" (kept as "20%")."""
    text = _SPACES.sub("", str(raw))
    if text.endswith("%"):
        try:
            rate = Decimal(text[:-1].replace(",", "."))
        except InvalidOperation as exc:
            raise InvalidValue(f"« {raw} » n'est pas un taux. Exemple : 20 %.") from exc
        if not rate.is_finite() or not 0 <= rate <= 100:
            raise InvalidValue("un taux de TVA est compris entre 0 et 100 %. Exemple : 20 %.")
        return f"{rate.normalize():f}%"
    return parse_amount(raw)


def format_amount_fr(value: Decimal | str) -> str:
    """12500.5 → "12 500,50 €" (narrow no-break spaces between thousands)."""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _, cents = f"{amount:f}".partition(".")
    groups = f"{int(whole):,}".replace(",", "\u202f")
    return f"{groups},{cents} €"
