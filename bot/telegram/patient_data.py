"""Detection of patient data in what users send, so that it is never stored, logged or answered.

Two signals, chosen to be precise rather than exhaustive (a warning on every date would teach
users to ignore it):

- a NIR (French social security number): 13 characters (sex, year, month, department — ``2A`` /
  ``2B`` for Corsica —, commune, order) followed by its 2-digit key, ``97 - (number mod 97)``;
  spaces, dots and dashes between the groups are accepted; only a valid key counts;
- a person named as a patient or with a civility (« M. Dupont », « patiente Martin ») close to a
  birth date (« né le 12/03/1956 », « DDN : 3 mars 1950 »).
"""

from __future__ import annotations

import re

_SEP = r"[ .\-\u00a0\u202f]?"
_NIR = re.compile(
    rf"(?<![0-9A-Za-z])([1-478]){_SEP}(\d\d){_SEP}(\d\d){_SEP}(\d\d|2[AaBb]){_SEP}"
    rf"(\d{{3}}){_SEP}(\d{{3}}){_SEP}(\d\d)(?![0-9])"
)
_CORSICA = {"2A": "19", "2B": "18"}

_MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"  # noqa: E501
_DATE = rf"(?:\d{{1,2}}\s?[/.\-]\s?\d{{1,2}}\s?[/.\-]\s?(?:19|20)?\d\d|\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+\d{{4}})"  # noqa: E501
_BIRTH_DATE = re.compile(
    rf"(?:\bn[ée]e?s?\s+(?:le\s+)?|\bdate\s+de\s+naissance\s*:?\s*|\bddn\s*:?\s*){_DATE}",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"(?:\b(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle)|"
    r"\b(?i:patiente?s?|nom\s*:))\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+"
)
_NEAR = 120  # characters between the name and the birth date


def nir_key_is_valid(body: str, key: str) -> bool:
    """``body``: the 13 characters before the key (``2A``/``2B`` allowed), ``key``: 2 digits."""
    department = body[5:7].upper()
    digits = body[:5] + _CORSICA.get(department, department) + body[7:]
    if not digits.isdigit() or not key.isdigit():
        return False
    return 97 - int(digits) % 97 == int(key)


def contains_nir(text: str) -> bool:
    for match in _NIR.finditer(text):
        *groups, key = match.groups()
        if nir_key_is_valid("".join(groups), key):
            return True
    return False


def contains_named_birth_date(text: str) -> bool:
    births = [m.start() for m in _BIRTH_DATE.finditer(text)]
    if not births:
        return False
    return any(
        abs(person.start() - birth) <= _NEAR or abs(person.end() - birth) <= _NEAR
        for person in _PERSON.finditer(text)
        for birth in births
    )


def looks_like_patient_data(text: str) -> bool:
    """True when the text seems to identify a patient (NIR, or name + birth date)."""
    return contains_nir(text) or contains_named_birth_date(text)
