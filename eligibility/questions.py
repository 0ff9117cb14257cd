"""The interview questions, defined once for the terminal and the agent.

Each question fills one profile key and is asked only when its ``ask_if`` condition (the rule
condition language) is true given the answers so far: no PSSI questions for an ESMS, no
activity shares for a single site outside a GHT. Answers typed by people are parsed here, with
the same validators as profile files, and rejected with a French reason (``AnswerError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from care_common.french_text import fold_phrase
from eligibility.conditions import Condition, compile_condition
from eligibility.errors import AnswerError
from eligibility.values import (
    fr_number,
    parse_bool,
    parse_past_date,
    parse_share,
    validate_finess,
)
from eligibility.vocabulary import (
    CATEGORY_LABELS,
    CATEGORY_SHORT_LABELS,
    FIELD_LABELS,
    SANITARY_CATEGORIES,
)

SHARES_LIMIT: Final = Decimal("100.5")  # same tolerance as profile files


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    synonyms: tuple[str, ...] = ()
    short: str = ""  # a button's label when ``label`` is too long for one


@dataclass(frozen=True)
class QuestionSpec:
    field: str
    kind: str  # choice | bool | finess | finess_list | date | share
    text: str
    hint: str
    ask_if: Condition
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Question:
    """A concrete question: ``id`` is the field, or ``activite:<FINESS EG>`` for shares."""

    id: str
    spec: QuestionSpec
    text: str
    eg: str | None = None

    @property
    def field(self) -> str:
        return self.spec.field

    @property
    def choices(self) -> tuple[Choice, ...]:
        return self.spec.choices


_DEFINITIONS: Final[dict[str, object]] = {
    "sanitaire": {"field": "categorie", "in": list(SANITARY_CATEGORIES)},
    "multi": {
        "any": [{"field": "categorie", "equals": "ght"}, {"field": "finess_eg", "count": ">= 2"}]
    },
}

_CATEGORY_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "ght": ("ght", "groupement hospitalier", "groupement hospitalier de territoire"),
    "es_public_hors_ght": ("public hors ght", "public", "etablissement public", "hopital public"),
    "es_prive_non_lucratif": (
        "prive non lucratif",
        "non lucratif",
        "espic",
        "ebnl",
        "prive a but non lucratif",
        "associatif",
    ),
    "es_prive_lucratif": ("prive lucratif", "lucratif", "clinique", "prive a but lucratif"),
    "esms": ("esms", "essms", "medico-social", "medico social", "medicosocial", "ehpad", "ime"),
    "autre": ("autre", "cabinet", "cabinet liberal", "liberal"),
}

YES_NO: Final = (Choice("true", "Oui", ("oui", "o")), Choice("false", "Non", ("non", "n")))


def _spec(
    field: str,
    kind: str,
    text: str,
    hint: str,
    ask_if: dict[str, Any],
    choices: tuple[Choice, ...] = (),
) -> QuestionSpec:
    condition = compile_condition(ask_if, _DEFINITIONS, f"question {field}")
    return QuestionSpec(field, kind, text, hint, condition, choices)


_D2_SANITAIRE: Final = {"all": [{"ref": "sanitaire"}, {"dispositif_in_scope": "D2"}]}

QUESTIONS: Final[tuple[QuestionSpec, ...]] = (
    _spec(
        "categorie",
        "choice",
        "Quelle est la nature de votre structure ?",
        "Choisissez une des réponses proposées.",
        {"always": True},
        tuple(
            Choice(k, v, _CATEGORY_SYNONYMS[k], CATEGORY_SHORT_LABELS[k])
            for k, v in CATEGORY_LABELS.items()
        ),
    ),
    _spec(
        "etablissement_support",
        "bool",
        "Votre établissement est-il l'établissement support de son GHT ?",
        "D'après nos sources, l'établissement support porte le dossier unique du GHT "
        "(à confirmer). Répondez oui ou non.",
        {"field": "categorie", "equals": "ght"},
        YES_NO,
    ),
    _spec(
        "finess_ej",
        "finess",
        "Quel est le numéro FINESS juridique (entité juridique, EJ) de votre structure ?",
        "9 caractères, par exemple 750712184.",
        {"ref": "sanitaire"},
    ),
    _spec(
        "finess_eg",
        "finess_list",
        "Quels sont les numéros FINESS géographiques (EG) de vos établissements (sites) ?",
        "Un ou plusieurs numéros de 9 caractères, séparés par des virgules.",
        {"ref": "sanitaire"},
    ),
    _spec(
        "pssi_validee_representant_legal",
        "bool",
        "Votre PSSI (politique de sécurité des systèmes d'information) a-t-elle été validée "
        "par le représentant légal (directeur ou directeur général) ?",
        "Répondez oui ou non.",
        _D2_SANITAIRE,
        YES_NO,
    ),
    _spec(
        "pssi_revue_le",
        "date",
        "À quelle date la PSSI a-t-elle été revue pour la dernière fois ?",
        "Date au format JJ/MM/AAAA, par exemple 15/03/2024.",
        _D2_SANITAIRE,
    ),
    _spec(
        "organisation_pcra",
        "bool",
        "Avez-vous décrit l'organisation projet qui construit et maintient votre PCRA (plan "
        "de continuité et de reprise d'activité) : pilote, équipe, instances ?",
        "Répondez oui ou non.",
        _D2_SANITAIRE,
        YES_NO,
    ),
    _spec(
        "activite",
        "share",
        "Établissement {eg} : quelle part de l'activité cumulée de vos établissements "
        "représente-t-il, en % ? Répondez 0 s'il n'est pas dans le périmètre du projet "
        "(analyses d'impact, PCRA, test de PCA).",
        "Un pourcentage entre 0 et 100, par exemple 40 ou 12,5.",
        {"all": [_D2_SANITAIRE, {"ref": "multi"}, {"field": "finess_eg", "count": ">= 1"}]},
    ),
)

SPECS_BY_FIELD: Final[dict[str, QuestionSpec]] = {spec.field: spec for spec in QUESTIONS}


# -- answers ---------------------------------------------------------------------------------
def parse_answer(
    question: Question, text: str, as_of: date, other_shares: Decimal = Decimal(0)
) -> Any:
    """The JSON value of a typed answer; ``AnswerError`` (field + French reason) if invalid."""
    label = FIELD_LABELS[question.field]
    try:
        return _parse(question, text.strip(), as_of, other_shares)
    except ValueError as exc:
        raise AnswerError(label, str(exc)) from None


def _parse(question: Question, text: str, as_of: date, other_shares: Decimal) -> Any:
    if not text:
        raise ValueError("la réponse est vide")
    kind = question.spec.kind
    if kind == "choice":
        return match_choice(question.choices, text)
    if kind == "bool":
        return parse_bool(text)
    if kind == "finess":
        return validate_finess(text)
    if kind == "finess_list":
        return _finess_list(text)
    if kind == "date":
        return parse_past_date(text, as_of).isoformat()
    share = parse_share(text)
    if other_shares + share > SHARES_LIMIT:
        raise ValueError(
            f"avec cette part, la somme atteint {fr_number(other_shares + share)} % : elle ne "
            f"peut pas dépasser 100 % (parts déjà indiquées : {fr_number(other_shares)} %)"
        )
    return fr_number(share).replace(",", ".")


def match_choice(choices: tuple[Choice, ...], text: str) -> str:
    """The value of the choice the text designates (value, label, synonym or number)."""
    folded = fold_phrase(text).strip(" .!")
    if folded.isdigit() and 1 <= int(folded) <= len(choices):
        return choices[int(folded) - 1].value
    for choice in choices:
        names = {
            fold_phrase(choice.value),
            fold_phrase(choice.label),
            fold_phrase(choice.short),
            *choice.synonyms,
        }
        if folded in names - {""}:
            return choice.value
    best: dict[str, int] = {}
    padded = f" {folded.replace('_', ' ')} "
    for choice in choices:
        for synonym in choice.synonyms:
            if f" {synonym} " in padded:
                best[choice.value] = max(best.get(choice.value, 0), len(synonym))
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    listed = " ; ".join(f"{n}. {c.label}" for n, c in enumerate(choices, start=1))
    raise ValueError(f"« {text} » ne correspond à aucune réponse proposée ({listed})")


def _finess_list(text: str) -> list[str]:
    numbers: list[str] = []
    for part in re.split(r"[,;\n]+|\s{2,}|\s(?=(?:\d{2}|2[ABab])\d{7}\b)", text):
        if not part.strip():
            continue
        number = validate_finess(part)
        if number in numbers:
            raise ValueError(f"« {number} » figure deux fois dans la liste")
        numbers.append(number)
    if not numbers:
        raise ValueError("indiquez au moins un numéro FINESS")
    return numbers
