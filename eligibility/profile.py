"""The profile of a structure, as read from a file or built by the interview.

Keys (the same in YAML/JSON files and in the dialogue) are listed in ``PROFILE_KEYS``. A key
that is absent or ``null`` means "not known" (the interview's « je ne sais pas »): rules that
need it answer ``a_confirmer`` and say what to find out. Unknown keys and invalid values are
reported together in one ``ProfileError``, each with the field and a French reason.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from care_common.french_text import fold_phrase
from eligibility.errors import ProfileError, ProfileProblem
from eligibility.values import (
    fr_number,
    parse_bool,
    parse_past_date,
    parse_share,
    validate_finess,
)
from eligibility.vocabulary import CATEGORIES, PROFILE_KEYS

SHARES_TOLERANCE = Decimal("0.5")  # rounding slack when shares are summed (33,4 + 33,3 + 33,4)

T = TypeVar("T")


@dataclass(frozen=True)
class ActivityShare:
    """One geographic establishment (FINESS EG) included in the project perimeter, with its
    share (%) of the candidate's combined activity."""

    finess_eg: str
    part: Decimal


@dataclass(frozen=True)
class Profile:
    categorie: str | None = None
    etablissement_support: bool | None = None
    finess_ej: str | None = None
    finess_eg: tuple[str, ...] | None = None
    pssi_validee_representant_legal: bool | None = None
    pssi_revue_le: date | None = None
    organisation_pcra: bool | None = None
    activite: tuple[ActivityShare, ...] | None = None
    dispositifs: tuple[str, ...] | None = None

    def value(self, key: str) -> object:
        return getattr(self, key)

    def covered_share(self) -> Decimal | None:
        """Share (%) of the combined activity covered by the project, or None when unknown."""
        if self.activite is None:
            return None
        return sum((share.part for share in self.activite), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict with the documented keys; unknown values are left out."""
        data: dict[str, Any] = {}
        for key in PROFILE_KEYS:
            value = getattr(self, key)
            if value is None:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif key == "activite":
                value = [{"finess_eg": s.finess_eg, "part": _number(s.part)} for s in value]
            elif isinstance(value, tuple):
                value = list(value)
            data[key] = value
        return data


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _Collector:
    """Runs field parsers, keeping every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[ProfileProblem] = []

    def add(self, field: str, reason: str) -> None:
        self.problems.append(ProfileProblem(field, reason))

    def parse(self, field: str, raw: object, parser: Callable[[object], T]) -> T | None:
        if raw is None:
            return None
        try:
            return parser(raw)
        except ValueError as exc:
            self.add(field, str(exc))
            return None


def parse_profile(data: object, as_of: date, dispositif_ids: Sequence[str] = ()) -> Profile:
    """Validate raw profile data; raise ``ProfileError`` listing every problem."""
    if not isinstance(data, Mapping):
        raise ProfileError(
            [
                ProfileProblem(
                    "profil",
                    "le fichier doit contenir des paires « clé : valeur » (un dictionnaire)",
                )
            ]
        )
    out = _Collector()
    for key in data:
        if str(key) not in PROFILE_KEYS:
            out.add(str(key), _unknown_key_reason(str(key)))
    categorie = out.parse("categorie", data.get("categorie"), _parse_categorie)
    support = out.parse("etablissement_support", data.get("etablissement_support"), parse_bool)
    if support is not None and categorie not in (None, "ght"):
        out.add("etablissement_support", "ne s'applique qu'à la catégorie « ght »")
    finess_eg = _parse_finess_list(out, data.get("finess_eg"))
    profile = Profile(
        categorie=categorie,
        etablissement_support=support,
        finess_ej=out.parse("finess_ej", data.get("finess_ej"), validate_finess),
        finess_eg=finess_eg,
        pssi_validee_representant_legal=out.parse(
            "pssi_validee_representant_legal",
            data.get("pssi_validee_representant_legal"),
            parse_bool,
        ),
        pssi_revue_le=out.parse(
            "pssi_revue_le", data.get("pssi_revue_le"), lambda v: parse_past_date(v, as_of)
        ),
        organisation_pcra=out.parse(
            "organisation_pcra", data.get("organisation_pcra"), parse_bool
        ),
        activite=_parse_activite(out, data.get("activite"), finess_eg, "finess_eg" in data),
        dispositifs=_parse_dispositifs(out, data.get("dispositifs"), dispositif_ids),
    )
    if out.problems:
        raise ProfileError(out.problems)
    return profile


def _unknown_key_reason(key: str) -> str:
    close = difflib.get_close_matches(key, PROFILE_KEYS, n=1)
    hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
    return f"clé inconnue{hint} (clés possibles : {', '.join(PROFILE_KEYS)})"


def _parse_categorie(raw: object) -> str:
    if isinstance(raw, str) and fold_phrase(raw).replace(" ", "_").replace("-", "_") in CATEGORIES:
        return fold_phrase(raw).replace(" ", "_").replace("-", "_")
    return _raise(f"catégorie inconnue « {raw} » ; valeurs possibles : {', '.join(CATEGORIES)}")


def _raise(reason: str) -> str:
    raise ValueError(reason)


def _as_list(out: _Collector, field: str, raw: object) -> list[object] | None:
    if raw is None:
        return None
    if isinstance(raw, list | tuple):
        return list(raw)
    out.add(field, 'une liste est attendue (par exemple ["750712184"])')
    return None


def _parse_finess_list(out: _Collector, raw: object) -> tuple[str, ...] | None:
    items = _as_list(out, "finess_eg", raw)
    if items is None:
        return None
    numbers: list[str] = []
    for index, item in enumerate(items, start=1):
        number = out.parse(f"finess_eg[{index}]", item, validate_finess)
        if number is not None and number in numbers:
            out.add(f"finess_eg[{index}]", f"« {number} » figure deux fois dans la liste")
        elif number is not None:
            numbers.append(number)
    return tuple(numbers)


def _parse_activite(
    out: _Collector, raw: object, finess_eg: tuple[str, ...] | None, has_finess_eg: bool
) -> tuple[ActivityShare, ...] | None:
    items = _as_list(out, "activite", raw)
    if items is None:
        return None
    shares: list[ActivityShare] = []
    for index, item in enumerate(items, start=1):
        where = f"activite[{index}]"
        if not isinstance(item, Mapping):
            out.add(where, 'attendu : { finess_eg: "…", part: 40 }')
            continue
        for key in item:
            if key not in ("finess_eg", "part"):
                out.add(f"{where}.{key}", "clé inconnue (clés possibles : finess_eg, part)")
        number = out.parse(f"{where}.finess_eg", item.get("finess_eg"), validate_finess)
        part = out.parse(f"{where}.part", item.get("part"), parse_share)
        for key in ("finess_eg", "part"):
            if item.get(key) is None:
                out.add(f"{where}.{key}", "valeur manquante")
        if number is not None and finess_eg is not None and number not in finess_eg:
            out.add(f"{where}.finess_eg", f"« {number} » ne figure pas dans la liste finess_eg")
        if number is not None and any(s.finess_eg == number for s in shares):
            out.add(f"{where}.finess_eg", f"« {number} » figure deux fois dans activite")
        if number is not None and part is not None:
            shares.append(ActivityShare(number, part))
    if items and not has_finess_eg:
        out.add("activite", "renseignez aussi finess_eg (la liste de vos établissements)")
    total = sum((s.part for s in shares), Decimal(0))
    if total > 100 + SHARES_TOLERANCE:
        out.add("activite", f"la somme des parts ({fr_number(total)} %) dépasse 100 %")
    return tuple(shares)


def _parse_dispositifs(
    out: _Collector, raw: object, known: Sequence[str]
) -> tuple[str, ...] | None:
    items = _as_list(out, "dispositifs", raw)
    if items is None:
        return None
    if not items:
        out.add("dispositifs", "liste vide : retirez la clé pour vérifier tous les dispositifs")
        return None
    by_fold = {fold_phrase(name).replace(" ", ""): name for name in known}
    chosen: list[str] = []
    for index, item in enumerate(items, start=1):
        name = by_fold.get(fold_phrase(str(item)).replace(" ", ""))
        if name is None:
            out.add(
                f"dispositifs[{index}]",
                f"dispositif inconnu « {item} » ; valeurs possibles : {', '.join(known)}",
            )
        elif name not in chosen:
            chosen.append(name)
    return tuple(chosen)
