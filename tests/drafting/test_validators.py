"""Field validators: FINESS, SIRET, e-mail, phone, dates, amounts (French reasons)."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum import luhn

from drafting.validators import (
    InvalidValue,
    format_amount_fr,
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


def test_finess_is_the_shared_check_with_a_field_error() -> None:
    """The rules are tested once, in tests/care_common/test_finess.py; here the wrapping."""
    assert parse_finess(" 75 071 218 4 ") == "750712184"
    assert parse_finess(770001238) == "770001238"


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("750712185", "clé de contrôle"),
        ("75071218", "9 caractères"),
        ("7507121840", "9 caractères"),
        ("75O712184", "que des chiffres"),
        ("2C0000016", "que des chiffres"),
        ("000000000", "département"),
        ("200000123", "département"),  # 20 is not a département any more: 2A / 2B
        ("990000000", "département"),
    ],
)
def test_finess_rejects_with_a_french_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_finess(raw)


def test_finess_list_accepts_text_and_lists_and_names_the_bad_number() -> None:
    assert parse_finess_list("770104560, 770104578;770104560") == ["770104560", "770104578"]
    assert parse_finess_list(["770104560"]) == ["770104560"]
    with pytest.raises(InvalidValue, match="numéro n° 2"):
        parse_finess_list("770104560, 770104579")


@pytest.mark.parametrize("raw", ["26750045200011", "267 500 452 00011", "26770123300012"])
def test_siret_accepts_valid_numbers(raw: str) -> None:
    assert parse_siret(raw) == raw.replace(" ", "")


@pytest.mark.parametrize(
    "raw",
    [
        "35600000000048",  # La Poste's head office: the documented exception keeps Luhn
        "35600000049837",  # a La Poste establishment: digits add up to a multiple of 5
        "35600000000015",
    ],
)
def test_siret_la_poste_is_accepted(raw: str) -> None:
    assert parse_siret(raw) == raw


def test_siret_la_poste_needs_its_own_rule() -> None:
    assert not luhn.is_valid("35600000049837")  # Luhn alone would refuse it
    with pytest.raises(InvalidValue, match="contrôle de clé"):
        parse_siret("35600000000016")


def test_siret_whose_siren_part_fails_its_key_is_refused() -> None:
    assert luhn.is_valid("29141777631705")  # the 14 digits alone pass Luhn…
    with pytest.raises(InvalidValue, match="SIREN 291417776"):
        parse_siret("29141777631705")  # …but the SIREN 291417776 does not


@pytest.mark.parametrize(
    "raw, reason",
    [("26750045200012", "Luhn"), ("2675004520001", "14 chiffres"), ("2675004520001A", "14")],
)
def test_siret_rejects_with_a_french_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_siret(raw)


@pytest.mark.parametrize("raw", ["karim.benali@ch-montville.fr", "a+b@sub.domaine.org"])
def test_email_accepts(raw: str) -> None:
    assert parse_email(f" {raw} ") == raw


@pytest.mark.parametrize("raw", ["karim", "a@b", "a@@b.fr", "a b@c.fr", "a..b@c.fr", "@c.fr"])
def test_email_rejects(raw: str) -> None:
    with pytest.raises(InvalidValue, match="adresse électronique"):
        parse_email(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0164001234", "01 64 00 12 34"),
        ("01.64.00.12.34", "01 64 00 12 34"),
        ("+33 1 64 00 12 34", "01 64 00 12 34"),
        ("+33 (0)1 64 00 12 34", "01 64 00 12 34"),
        ("0033 6 12 34 56 78", "06 12 34 56 78"),
        ("+262 262 12 34 56", "+262 262123456"),
    ],
)
def test_phone_accepts_french_forms(raw: str, expected: str) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize("raw", ["0064001234", "01640012", "+44 20 7946 0000", "téléphone"])
def test_phone_rejects(raw: str) -> None:
    with pytest.raises(InvalidValue, match="téléphone"):
        parse_phone(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("31/03/2026", "2026-03-31"),
        ("1/4/2026", "2026-04-01"),
        ("31.03.2026", "2026-03-31"),
        ("2026-03-31", "2026-03-31"),
        (date(2026, 3, 31), "2026-03-31"),
        ("3 février 2025", "2025-02-03"),
        ("1er mars 2025", "2025-03-01"),
        ("lundi 3 fevrier 2025", "2025-02-03"),
        ("31 Déc. 2026", "2026-12-31"),
    ],
)
def test_dates(raw: object, expected: str) -> None:
    assert parse_date(raw) == expected
    assert format_date_fr(expected) == "/".join(reversed(expected.split("-")))


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("31/02/2026", "n'existe pas"),
        ("30 février 2026", "n'existe pas"),
        ("mars 2026", "JJ/MM/AAAA"),
        ("3 brumaire 2026", "en toutes lettres"),
        ("01/01/1850", "invraisemblable"),
    ],
)
def test_dates_rejected(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_date(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12 500,50", "12500.50"),
        ("12\u202f500,50 €", "12500.50"),
        ("12.500,50", "12500.50"),
        ("12,500.50", "12500.50"),
        ("1.250.000", "1250000.00"),
        ("12500", "12500.00"),
        (12500.5, "12500.50"),
        (0, "0.00"),
        ("48 000 EUR", "48000.00"),
        ("12 500,00 €", "12500.00"),
        ("12\u00a0500", "12500.00"),
        ("12.5", "12.50"),
        ("1,250,000", "1250000.00"),
    ],
)
def test_amounts_accept_french_formatting(raw: object, expected: str) -> None:
    assert parse_amount(raw) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("-5", "négatif"),
        ("12,345", "pour 12 345 €, écrivez 12 345 .*; pour 12,35 €, écrivez 12,35"),
        ("12.500", "pour 12 500 €, écrivez 12 500 .*; pour 12,50 €, écrivez 12,50"),
        ("1 234,567", r"2 décimales : arrondissez au centime \(par exemple 1 234,57\)"),
        ("douze", "pas un montant"),
        ("1,234,5", "pas un montant"),
        (True, "oui/non"),
        ("nan", "pas un montant"),
        ("5000000000", "milliard"),
    ],
)
def test_amounts_rejected(raw: object, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_amount(raw)


def test_tva_amount_or_rate() -> None:
    assert parse_amount_or_rate("20 %") == "20%"
    assert parse_amount_or_rate("5,5%") == "5.5%"
    assert parse_amount_or_rate("2 500,10") == "2500.10"
    with pytest.raises(InvalidValue, match="entre 0 et 100"):
        parse_amount_or_rate("120 %")


def test_amount_display() -> None:
    assert format_amount_fr("78600.6") == "78\u202f600,60 €"
