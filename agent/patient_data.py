"""Patient data in what users send (any channel): detected before anything is stored or logged.

The assistant serves cybersecurity referents; it never needs a patient's identity or health. A
turn that seems to carry them is not processed: the assistant answers with a warning and keeps
nothing (no session history, no draft value, no log line with the text).

The signals are chosen to be precise rather than exhaustive (a warning on every date would teach
users to ignore it):

- ``nir``: a French social security number (NIR) whose key is valid (python-stdnum);
- ``birth_date``: a birth date — written as such (« né le 12/03/1956 », « DDN : 3 mars 1950 »)
  near a person or old enough to be one, or a date old enough to be a birth date written right
  next to a person's name (« DUPONT Jean 12/03/1956 », « Mme Durand (12/03/1956) »);
- ``age_and_care``: an age next to a care service or event (« 67 ans, hospitalisée en
  cardiologie », « un patient de 80 ans suivi en oncologie »);
- ``person_and_care``: a named person next to a care event (« M. Dupont, hospitalisé en
  cardiologie », « DUPONT Jean est suivi en oncologie »).

A person is a civility followed by a name (« Mme Durand », not « M. le directeur »), a name in
capitals next to a first name (« DUPONT Jean », « Jean DUPONT »), or two capitalised words
(« Jean Dupont ») — the last form only with an explicit birth date or a care event.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from stdnum.fr import nir

from care_common.french_dates import MONTH_PATTERN

Signal = Literal["nir", "birth_date", "age_and_care", "person_and_care"]

SIGNAL_WORDS: dict[Signal, str] = {
    "nir": "un numéro de sécurité sociale",
    "birth_date": "un nom et une date de naissance",
    "age_and_care": "un âge et des soins",
    "person_and_care": "une personne nommée et des soins",
}

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
_SEP = r"[ .\-]?"
_NIR = re.compile(
    rf"(?<![0-9A-Za-z])[1-478]{_SEP}\d\d{_SEP}\d\d{_SEP}(?:\d\d|2[AaBb]){_SEP}\d{{3}}{_SEP}"
    rf"\d{{3}}{_SEP}\d\d(?![0-9])"
)
_DATE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:[/.\-]|\s)(?P<m>\d{1,2})(?:[/.\-]|\s)(?P<y>(?:19|20)?\d\d)(?!\d)"
    rf"|(?<!\d)(?P<wd>\d{{1,2}})(?:er)?\s+(?P<wm>{MONTH_PATTERN})\s+(?P<wy>\d{{4}})\b",
    re.IGNORECASE,
)
_BIRTH_MARKER = re.compile(
    r"\b(?:n[ée]e?s?\s+le|date\s+de\s+naissance|ddn|naissance)\s*:?\s*$", re.IGNORECASE
)
# Acronyms written in capitals next to a capitalised word that are not surnames.
# fmt: off
_ACRONYMS = frozenset({
    "ANS", "ANSSI", "AP", "APHP", "ARS", "BIA", "CAR", "CARE", "CERT", "CH", "CHD", "CHI",
    "CHR", "CHRU", "CHS", "CHT", "CHU", "CME", "CNIL", "CPS", "DG", "DGOS", "DNS", "DPI",
    "DPO", "DSI", "DSIO", "EHPAD", "EPSM", "ES", "ESMS", "ESPIC", "FINESS", "GCS", "GHT",
    "HAD", "HAS", "HCL", "HDS", "HOPEN", "IDF", "MCO", "NIR", "NIS", "PCA", "PCRA", "PGSSI",
    "PRA", "PSSI", "RGPD", "RIE", "RSSI", "SAMU", "SI", "SIH", "SIRET", "SMUR", "SSI", "SSR",
    "USLD",
})
# fmt: on
_CIVILITY = re.compile(
    rf"\b(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle)\s+(?P<name>[{_UP}][\w'’\-]+)"
)
_UPPER_NAME = re.compile(
    rf"\b(?P<a>[{_UP}]{{2,}}(?:[\-'’][{_UP}]{{2,}})?)\s+[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?\b"
    rf"|\b[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?\s+(?P<b>[{_UP}]{{2,}}(?:[\-'’][{_UP}]{{2,}})?)\b"
)
_NAME_PAIR = re.compile(rf"\b[{_UP}][{_LOW}]+\s+[{_UP}][{_LOW}]+\b")
_PATIENT_NAME = re.compile(rf"\b(?i:patiente?|malade|r[ée]sidente?)\s+(?P<name>[{_UP}][\w'’\-]+)")
_AGE = re.compile(
    r"(?:(?:[,(]|\b[âa]g[ée]e?s?\s+de|\b(?:patiente?|homme|femme|enfant|b[ée]b[ée]|gar[çc]on|"
    r"fille|personne|r[ée]sidente?|usager|malade|monsieur|madame)\s+de)\s*)"
    r"(?P<age>\d{1,3})\s*ans\b(?!\s+(?:de\b|d['’]))",
    re.IGNORECASE,
)
_SERVICES = (
    r"oncologie|cardiologie|pneumologie|p[ée]diatrie|psychiatrie|g[ée]riatrie|neurologie|"
    r"n[ée]phrologie|r[ée]animation|urgences|maternit[ée]|chirurgie|gyn[ée]cologie|obst[ée]trique|"
    r"dialyse|h[ée]matologie|radioth[ée]rapie|chimioth[ée]rapie|soins\s+palliatifs|canc[ée]rologie|"
    r"addictologie|endocrinologie|gastro-ent[ée]rologie|rhumatologie|dermatologie|ophtalmologie|"
    r"soins\s+intensifs|service\s+de\s+soins"
)
_CARE_EVENT = re.compile(
    r"\b(?:hospitalis[ée]e?s?|hospitalisation|admise?s?\s+(?:aux\s+urgences|en\s+(?:r[ée]animation|"
    r"urgence|hospitalisation|service)|[àa]\s+l['’]h[ôo]pital)|suivie?s?\s+(?:en|au|pour|dans)\s|"
    r"op[ée]r[ée]e?s?\b|soign[ée]e?s?\b|trait[ée]e?s?\s+pour|atteinte?s?\s+d|diagnostiqu|"
    r"d[ée]c[ée]d[ée]e?s?|enceinte|sous\s+(?:chimio|dialyse|traitement)|intub[ée]e?s?|"
    r"en\s+(?:r[ée]animation|soins\s+palliatifs))",
    re.IGNORECASE,
)
_CARE = re.compile(rf"{_CARE_EVENT.pattern}|\b(?:{_SERVICES})\b", re.IGNORECASE)
_ADJACENT = re.compile(r"^[\s,;:()\[\]\-–—]{0,4}$")
_NEAR = 80
_BIRTH_NEAR = 120
_ADULT = 15  # a bare date counts as a birth date when it is at least this many years old


@dataclass(frozen=True)
class PatientDataFinding:
    """Which signals were found (never the text itself: findings may be logged)."""

    signals: tuple[Signal, ...]

    def describe(self) -> str:
        """French: « un nom et une date de naissance » (for the warning)."""
        words = [SIGNAL_WORDS[s] for s in self.signals]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def _normalise(text: str) -> str:
    """NFKC, underscores as spaces (« /dupont_jean_ne_le_… » commands), single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("_", " ").replace("\u2019", "'")
    return re.sub(r"[ \t\u00a0\u202f]+", " ", text)


def contains_nir(text: str) -> bool:
    return any(nir.is_valid(re.sub(r"[ .\-]", "", m.group())) for m in _NIR.finditer(text))


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    year: int


def _dates(text: str) -> Iterator[_Date]:
    for match in _DATE.finditer(text):
        day, month, year = match["d"] or match["wd"], match["m"] or "1", match["y"] or match["wy"]
        if match["d"] and not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
            continue
        full = int(year) if len(year) == 4 else 1900 + int(year)
        yield _Date(match.start(), match.end(), full)


def _persons(text: str, *, pairs: bool) -> Iterator[tuple[int, int]]:
    """Spans of person mentions (civility + name, capitals + first name, optionally pairs)."""
    for match in _CIVILITY.finditer(text):
        yield match.start(), match.end()
    for match in _PATIENT_NAME.finditer(text):
        yield match.start(), match.end()
    for match in _UPPER_NAME.finditer(text):
        capitals = (match["a"] or match["b"] or "").replace("'", "").replace("-", "")
        if capitals not in _ACRONYMS:
            yield match.start(), match.end()
    if pairs:
        for match in _NAME_PAIR.finditer(text):
            yield match.start(), match.end()


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def _birth_date(text: str, today: date) -> bool:
    named = list(_persons(text, pairs=True))
    strict = list(_persons(text, pairs=False))
    for when in _dates(text):
        span = (when.start, when.end)
        old = 1900 <= when.year <= today.year - _ADULT
        if _BIRTH_MARKER.search(text[max(0, when.start - 40) : when.start]):
            if old or any(_distance(span, person) <= _BIRTH_NEAR for person in named):
                return True
            continue
        if not old:
            continue
        for start, end in strict + named:
            between = text[end : when.start] if end <= when.start else text[when.end : start]
            if _ADJACENT.match(between):
                return True
    return False


def _near(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> bool:
    return any(_distance(a, b) <= _NEAR for a in first for b in second)


def find_patient_data(text: str, today: date) -> PatientDataFinding | None:
    """The patient-data signals of ``text`` (``today`` dates birth years), or None."""
    text = _normalise(text)
    signals: list[Signal] = []
    if contains_nir(text):
        signals.append("nir")
    if _birth_date(text, today):
        signals.append("birth_date")
    ages = [(m.start(), m.end()) for m in _AGE.finditer(text) if int(m["age"]) <= 120]
    care = [(m.start(), m.end()) for m in _CARE.finditer(text)]
    if _near(ages, care):
        signals.append("age_and_care")
    events = [(m.start(), m.end()) for m in _CARE_EVENT.finditer(text)]
    if _near(list(_persons(text, pairs=True)), events):
        signals.append("person_and_care")
    return PatientDataFinding(tuple(signals)) if signals else None


def find_in_answers(answers: Any, today: date, path: str = "") -> list[str]:
    """Paths (``contexte``, ``budget[1].poste``) of the answers-file values that carry patient
    data, each text value screened on its own."""
    if isinstance(answers, dict):
        return [
            found
            for key, value in answers.items()
            for found in find_in_answers(value, today, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(answers, list):
        return [
            found
            for index, value in enumerate(answers)
            for found in find_in_answers(value, today, f"{path}[{index}]")
        ]
    if isinstance(answers, str) and find_patient_data(answers, today) is not None:
        return [path]
    return []
