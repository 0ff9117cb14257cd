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
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from stdnum.fr import siren, siret

from care_common.finess import FinessError, check_finess
from care_common.french_dates import DateError, parse_french_date

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


def parse_finess(raw: object) -> str:
    """A FINESS number (checked by ``care_common.finess``, the one FINESS check)."""
    try:
        return check_finess(raw)
    except FinessError as exc:
        raise InvalidValue(exc.reason + ".") from exc


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


def parse_siret(raw: object) -> str:
    """A SIRET (python-stdnum): 14 digits, a Luhn key on the SIRET and on its SIREN part; La
    Poste's establishments follow their documented exception (sum of the digits divisible by 5,
    the head office 35600000000048 keeping the Luhn rule)."""
    value = _compact(raw)
    if not value.isdigit() or len(value) != 14:
        raise InvalidValue(
            "un SIRET compte exactement 14 chiffres (SIREN à 9 chiffres + NIC à 5 chiffres). "
            "Recopiez-le depuis l'avis de situation INSEE ou annuaire-entreprises.data.gouv.fr."
        )
    if not siren.is_valid(value[:9]):
        raise InvalidValue(
            f"le SIREN {value[:9]} (9 premiers chiffres du SIRET) ne passe pas le contrôle de clé "
            "(algorithme de Luhn) : un chiffre a probablement été mal recopié. Vérifiez-le sur "
            "annuaire-entreprises.data.gouv.fr."
        )
    if not siret.is_valid(value):
        raise InvalidValue(
            f"le SIRET {value} ne passe pas le contrôle de clé (algorithme de Luhn) : un chiffre "
            "a probablement été mal recopié. Vérifiez-le sur annuaire-entreprises.data.gouv.fr."
        )
    return value


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


_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(raw: object) -> str:
    """JJ/MM/AAAA (also with dots or dashes), ISO AAAA-MM-JJ or a date in words (« 3 février
    2025 », « 1er mars 2025 ») → ISO string."""
    try:
        value = parse_french_date(raw)
    except DateError as exc:
        raise InvalidValue(exc.reason + ".") from exc
    if not 2000 <= value.year <= 2100:
        raise InvalidValue(f"l'année {value.year} est invraisemblable : vérifiez la date.")
    return value.isoformat()


def format_date_fr(iso: str) -> str:
    """ISO date → JJ/MM/AAAA (returns the input unchanged when it is not an ISO date)."""
    match = _DATE_ISO.match(iso)
    if not match:
        return iso
    return f"{int(match[3]):02d}/{int(match[2]):02d}/{match[1]}"


def _ambiguous(raw: object, whole: str, digits: str, mark: str) -> InvalidValue:
    """« 12.500 » / « 12,500 »: thousands or decimals? Say both readings, in French notation."""
    thousands = format_amount_fr(whole + digits).removesuffix(",00 €").replace("\u202f", " ")
    decimals = format_amount_fr(f"{whole}.{digits}").removesuffix(" €").replace("\u202f", " ")
    question = "le point sépare-t-il" if mark == "." else "la virgule sépare-t-elle"
    return InvalidValue(
        f"« {str(raw).strip()[:40]} » est ambigu ({question} les milliers ou les "
        f"centimes ?) : pour {thousands} €, écrivez {thousands} (une espace entre les "
        f"milliers) ; pour {decimals} €, écrivez {decimals}."
    )


def _amount_text(raw: object) -> str:
    """The amount as a plain decimal string ("12500.50"), French notation understood: spaces,
    dots or apostrophes between thousands, a comma before the cents, "€"/"EUR" after."""
    if isinstance(raw, bool):
        raise InvalidValue("un montant est attendu (en euros), pas oui/non.")
    if isinstance(raw, int | float | Decimal):
        return repr(raw) if isinstance(raw, float) else str(raw)
    text = _SPACES.sub("", str(raw)).replace("'", "").replace("’", "")
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
    for mark in (",", "."):
        if text.count(mark) > 1 and re.fullmatch(
            r"-?\d{1,3}(" + re.escape(mark) + r"\d{3})+", text
        ):
            return text.replace(mark, "")  # 1.250.000 or 1,250,000: groups of thousands
        if text.count(mark) == 1:
            whole, _, digits = text.partition(mark)
            if len(digits) == 3 and re.fullmatch(r"\d{1,3}", whole) and digits.isdigit():
                raise _ambiguous(raw, whole, digits, mark)
            return f"{whole}.{digits}"
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
    if value > MAX_AMOUNT:
        raise InvalidValue("ce montant dépasse un milliard d'euros : vérifiez le nombre de zéros.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        rounded = format_amount_fr(value).removesuffix(" €").replace("\u202f", " ")
        raise InvalidValue(
            f"« {str(raw).strip()[:40]} » a plus de 2 décimales : arrondissez au centime "
            f"(par exemple {rounded})."
        )
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
