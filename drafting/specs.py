"""Field specifications and catalogues of the dossier documents, loaded from ``knowledge/dossier``.

- ``fiche_projet.yaml`` / ``lettre_engagement.yaml``: one ``DocumentSpec`` each (ordered fields);
- ``engagements.yaml``: the commitments a lettre d'engagement may contain, per dispositif;
- ``objectifs_officiels.yaml``: official objectives per dispositif, offered as a starting point;
- ``fenetres.yaml``: the dispositifs' windows, used to check milestone dates.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from drafting.errors import SpecError

logger = logging.getLogger(__name__)

DOC_TYPES = ("fiche_projet", "lettre_engagement")
_M = TypeVar("_M", bound=BaseModel)

FieldType = Literal[
    "text",
    "long_text",
    "choice",
    "multi_choice",
    "finess",
    "finess_list",
    "siret",
    "email",
    "phone",
    "date",
    "amount",
    "amount_or_rate",
    "text_list",
    "list",
]

# The validator each type uses unless the spec names another compatible one.
DEFAULT_VALIDATORS: dict[str, str] = {
    "text": "text",
    "long_text": "text",
    "choice": "choice",
    "multi_choice": "multi_choice",
    "finess": "finess",
    "finess_list": "finess_list",
    "siret": "siret",
    "email": "email",
    "phone": "phone_fr",
    "date": "date",
    "amount": "amount",
    "amount_or_rate": "amount_or_rate",
    "text_list": "text_list",
    "list": "list",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChoiceOption(_Model):
    value: str
    label: str
    short: str = Field(default="", max_length=30)  # a button's label when ``label`` is longer


class Prefill(_Model):
    """Where to take a starting value from the eligibility profile of the same user."""

    profile_key: str
    map: dict[str, str] = Field(default_factory=dict)  # profile value → option value


class FieldSpec(_Model):
    key: str  # dotted path for scalars ("etablissement.finess_ej"); a plain key for item fields
    label: str
    help: str
    example: str = ""
    type: FieldType
    required: bool = False
    validator: str = ""
    applies_to: tuple[str, ...] = ()  # dispositifs; empty = all
    options: tuple[ChoiceOption, ...] = ()
    options_from: Literal["", "engagements"] = ""
    max_length: int = 5000
    min_date: date | None = None
    fields: tuple[FieldSpec, ...] = ()  # item fields of a ``list``
    item_label: str = ""  # "objectif", "jalon"… for list fields
    prefill: Prefill | None = None
    section: str = ""
    ask: bool = True  # False: accepted in answers files, never asked in the dialogue
    ask_if: str = ""  # key of a field that must be filled for this one to be asked / used

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        expected = DEFAULT_VALIDATORS[self.type]
        if self.validator and self.validator != expected:
            raise ValueError(f"{self.key}: validator {self.validator!r} does not fit {self.type}")
        if self.type == "choice" and not self.options:
            raise ValueError(f"{self.key}: a choice needs options")
        if self.type == "list" and not self.fields:
            raise ValueError(f"{self.key}: a list needs item fields")
        return self

    @property
    def check(self) -> str:
        """The validator name (explicit in the spec or derived from the type)."""
        return self.validator or DEFAULT_VALIDATORS[self.type]

    def applies(self, dispositif: str | None) -> bool:
        """For the dispositif chosen (``applies_to``); see ``ask_if`` for the other condition."""
        return not self.applies_to or dispositif is None or dispositif in self.applies_to

    def option_label(self, value: str) -> str:
        return next((o.label for o in self.options if o.value == value), value)


class DocumentSpec(_Model):
    document: Literal["fiche_projet", "lettre_engagement"]
    title: str
    spec_version: str
    template: str
    sources: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...]

    @model_validator(mode="after")
    def _unique_keys(self) -> DocumentSpec:
        keys = [f.key for f in self.fields]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise ValueError(f"duplicate field keys: {sorted(duplicates)}")
        return self

    def field(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.key == key), None)

    def fields_for(self, dispositif: str | None) -> list[FieldSpec]:
        return [f for f in self.fields if f.applies(dispositif)]


class Commitment(_Model):
    id: str
    text: str
    applies_to: tuple[str, ...]
    source: str = ""
    usual_practice: bool = False

    @model_validator(mode="after")
    def _traceable(self) -> Commitment:
        if bool(self.source) == self.usual_practice:
            raise ValueError(f"{self.id}: give either a source id or usual_practice: true")
        return self


class CommitmentCatalogue(_Model):
    version: str
    engagements: tuple[Commitment, ...]

    def for_dispositif(self, dispositif: str | None) -> list[Commitment]:
        return [c for c in self.engagements if dispositif is None or dispositif in c.applies_to]

    def get(self, commitment_id: str) -> Commitment | None:
        return next((c for c in self.engagements if c.id == commitment_id), None)


class OfficialObjective(_Model):
    code: str
    intitule: str
    indicateur: str
    cible: str
    source: str
    a_confirmer: bool = False


class OfficialObjectives(_Model):
    version: str
    dispositifs: dict[str, tuple[OfficialObjective, ...]]

    def for_dispositif(self, dispositif: str | None) -> list[OfficialObjective]:
        return list(self.dispositifs.get(dispositif or "", ()))


class Window(_Model):
    """The period a dispositif's actions must fall in (``None`` bound = not known)."""

    label: str
    start: date | None = None
    end: date | None = None
    source: str
    a_confirmer: bool = False


class Windows(_Model):
    version: str
    windows: dict[str, Window]

    def get(self, dispositif: str | None) -> Window | None:
        return self.windows.get(dispositif or "")


class DossierKnowledge(_Model):
    """Everything ``knowledge/dossier`` holds, loaded and checked once at start-up."""

    specs: dict[str, DocumentSpec]
    commitments: CommitmentCatalogue
    objectives: OfficialObjectives
    windows: Windows

    def spec(self, doc_type: str) -> DocumentSpec:
        try:
            return self.specs[doc_type]
        except KeyError as exc:
            raise SpecError(f"unknown document type {doc_type!r}") from exc

    @property
    def rules_version(self) -> str:
        return (
            f"engagements {self.commitments.version}, objectifs {self.objectives.version}, "
            f"fenêtres {self.windows.version}"
        )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from exc


def _model(cls: type[_M], path: Path) -> _M:
    try:
        return cls.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise SpecError(f"{path}: invalid: {exc}") from exc


def load_dossier_knowledge(directory: Path) -> DossierKnowledge:
    """Load and cross-check the dossier specs (``directory`` is ``knowledge/dossier``)."""
    specs = {doc: _model(DocumentSpec, directory / f"{doc}.yaml") for doc in DOC_TYPES}
    knowledge = DossierKnowledge(
        specs=specs,
        commitments=_model(CommitmentCatalogue, directory / "engagements.yaml"),
        objectives=_model(OfficialObjectives, directory / "objectifs_officiels.yaml"),
        windows=_model(Windows, directory / "fenetres.yaml"),
    )
    _cross_check(knowledge)
    logger.debug("dossier specs loaded from %s", directory)
    return knowledge


def _cross_check(knowledge: DossierKnowledge) -> None:
    for spec in knowledge.specs.values():
        dispositif = spec.field("dispositif")
        if dispositif is None or dispositif.type != "choice":
            raise SpecError(f"{spec.document}: a 'dispositif' choice field is required")
        known = {o.value for o in dispositif.options}
        for field in spec.fields:
            unknown = set(field.applies_to) - known
            if unknown:
                raise SpecError(f"{spec.document}.{field.key}: unknown dispositifs {unknown}")
            if field.ask_if and spec.field(field.ask_if) is None:
                raise SpecError(f"{spec.document}.{field.key}: ask_if names no field")
    for commitment in knowledge.commitments.engagements:
        unknown = set(commitment.applies_to) - known
        if unknown:
            raise SpecError(f"engagements.{commitment.id}: unknown dispositifs {unknown}")


def source_ids(knowledge: DossierKnowledge) -> set[str]:
    """Every source note id the dossier knowledge cites (checked against knowledge/sources)."""
    ids = {s for spec in knowledge.specs.values() for s in spec.sources}
    ids |= {c.source for c in knowledge.commitments.engagements if c.source}
    ids |= {o.source for objs in knowledge.objectives.dispositifs.values() for o in objs}
    ids |= {w.source for w in knowledge.windows.windows.values()}
    return ids
