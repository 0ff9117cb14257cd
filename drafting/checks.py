"""Whole-document validation: every field of a spec, then the rules that span fields
(milestones in order and inside the dispositif's window, budget consistency)."""

from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from drafting.answers import Answers, get_path, is_missing, set_path
from drafting.budget import compute_budget
from drafting.fields import parse_field
from drafting.specs import CommitmentCatalogue, DocumentSpec, FieldSpec, Window, Windows
from drafting.validators import InvalidValue, Problem, format_amount_fr, format_date_fr


@dataclass(frozen=True)
class ValidationReport:
    """Problems found, plus the answers with every valid value in canonical form."""

    problems: tuple[Problem, ...]
    normalized: Answers = field(default_factory=dict)
    dispositif: str | None = None

    @property
    def invalid(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "invalid"]

    @property
    def missing(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "missing"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "warning"]

    @property
    def complete(self) -> bool:
        """No invalid value and nothing missing: the document is ready to be rendered."""
        return not self.invalid and not self.missing

    def for_field(self, path: str) -> list[Problem]:
        return [p for p in self.problems if p.field == path]


def _missing(path: str, label: str, spec_field: FieldSpec) -> Problem:
    example = f" Exemple : {spec_field.example}" if spec_field.example else ""
    return Problem(path, f"{label} : champ obligatoire non renseigné.{example}", "missing")


def _check_value(
    problems: list[Problem],
    normalized: Answers,
    spec_field: FieldSpec,
    path: str,
    label: str,
    raw: Any,
    catalogue: CommitmentCatalogue | None,
    dispositif: str | None,
) -> None:
    if is_missing(raw):
        if spec_field.required:
            problems.append(_missing(path, label, spec_field))
        return
    offered = catalogue.for_dispositif(dispositif) if catalogue else []
    try:
        set_path(normalized, path, parse_field(spec_field, raw, commitments=offered))
    except InvalidValue as exc:
        problems.append(Problem(path, f"{label} : {exc.reason}"))


def _check_list(
    problems: list[Problem], normalized: Answers, spec_field: FieldSpec, raw: Any
) -> None:
    key = spec_field.key
    if is_missing(raw):
        if spec_field.required:
            problems.append(_missing(key, spec_field.label, spec_field))
        return
    if not isinstance(raw, list):
        names = ", ".join(f.key for f in spec_field.fields)
        problems.append(
            Problem(
                key,
                f"{spec_field.label} : une liste d'éléments est attendue, chacun avec "
                f"les champs {names} (voir le modèle de fichier de réponses).",
            )
        )
        return
    for index, item in enumerate(raw):
        label = f"{spec_field.label} n° {index + 1}"
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    f"{key}[{index}]",
                    f"{label} : chaque élément doit avoir "
                    f"les champs {', '.join(f.key for f in spec_field.fields)}.",
                )
            )
            continue
        for sub in spec_field.fields:
            _check_value(
                problems,
                normalized,
                sub,
                f"{key}[{index}].{sub.key}",
                f"{label} — {sub.label}",
                item.get(sub.key),
                None,
                None,
            )


def _known_paths(spec: DocumentSpec) -> set[str]:
    paths = {f.key for f in spec.fields}
    paths |= {f"{f.key}[].{sub.key}" for f in spec.fields for sub in f.fields}
    return paths


def _unknown_keys(answers: Answers, known: Collection[str]) -> list[Problem]:
    sections = {path.split(".")[0].split("[")[0] for path in known}
    problems = []
    for key, value in answers.items():
        if key.startswith("_"):
            continue
        if key not in sections:
            problems.append(
                Problem(
                    key,
                    f"rubrique inconnue « {key} », ignorée : vérifiez "
                    "son orthographe dans le modèle de fichier de réponses.",
                    "warning",
                )
            )
            continue
        items = [(f"{key}.{k}", k) for k in value] if isinstance(value, dict) else []
        if isinstance(value, list):
            items = [
                (f"{key}[{i}].{k}", f"{key}[].{k}")
                for i, it in enumerate(value)
                if isinstance(it, dict)
                for k in it
            ]
        for path, pattern in items:
            full = pattern if "[]" in pattern else path
            if full not in known:
                problems.append(
                    Problem(
                        path,
                        f"champ inconnu « {path} », ignoré : vérifiez son orthographe.",
                        "warning",
                    )
                )
    return problems


def _shape_problems(spec: DocumentSpec, answers: Answers) -> list[Problem]:
    """Sections given as a plain value instead of sub-fields (``etablissement: CH X``)."""
    sections = {f.key.split(".")[0] for f in spec.fields if "." in f.key}
    problems = []
    for section in sorted(sections):
        value = answers.get(section)
        if value is not None and not isinstance(value, dict):
            subs = ", ".join(
                f.key.split(".", 1)[1] for f in spec.fields if f.key.startswith(section + ".")
            )
            problems.append(
                Problem(
                    section,
                    f"la rubrique « {section} » doit contenir des "
                    f"sous-champs ({subs}), pas une valeur simple.",
                )
            )
    return problems


def _order_rule(problems: list[Problem], normalized: Answers) -> None:
    previous: tuple[str, str] | None = None
    for index, item in enumerate(get_path(normalized, "calendrier") or []):
        when = item.get("date") if isinstance(item, dict) else None
        if not isinstance(when, str):
            continue
        name = str(item.get("jalon") or f"n° {index + 1}")
        if previous is not None and when < previous[1]:
            before, before_date = previous[0], format_date_fr(previous[1])
            message = (
                f"Calendrier et jalons n° {index + 1} — Date : le jalon « {name} » "
                f"({format_date_fr(when)}) est daté avant le jalon précédent « {before} » "
                f"({before_date}). Classez les jalons dans l'ordre chronologique ou corrigez "
                "la date."
            )
            problems.append(Problem(f"calendrier[{index}].date", message))
        previous = (name, when)


def _dated_items(normalized: Answers) -> list[tuple[str, str, Any]]:
    dated = [
        (f"calendrier[{i}].date", f"Calendrier et jalons n° {i + 1}", it.get("date"))
        for i, it in enumerate(get_path(normalized, "calendrier") or [])
        if isinstance(it, dict)
    ]
    dated += [
        (f"objectifs[{i}].echeance", f"Objectifs n° {i + 1} — Échéance", it.get("echeance"))
        for i, it in enumerate(get_path(normalized, "objectifs") or [])
        if isinstance(it, dict)
    ]
    return dated


def _window_rule(problems: list[Problem], normalized: Answers, window: Window | None) -> None:
    if window is None:
        return
    where = f"{window.label}{' (à confirmer)' if window.a_confirmer else ''}"
    for path, label, when in _dated_items(normalized):
        if not isinstance(when, str):
            continue
        day = format_date_fr(when)
        if window.start and when < window.start.isoformat():
            message = (
                f"{label} : le {day} précède le début de la {where} ; source : "
                f"{window.source}. Si l'action est déjà faite, décrivez-la dans l'état des "
                "lieux ; sinon corrigez la date."
            )
            problems.append(Problem(path, message))
        if window.end and when > window.end.isoformat():
            last = format_date_fr(window.end.isoformat())
            message = (
                f"{label} : le {day} dépasse la fin de la {where} ; source : {window.source}. "
                f"Avancez la date au {last} au plus tard."
            )
            problems.append(Problem(path, message))


def _budget_rules(problems: list[Problem], normalized: Answers) -> None:
    """Requested funding within the cost; only on known amounts (an unknown TVA or an invalid
    amount, already reported, never causes a second error here)."""
    items = get_path(normalized, "budget") or []
    budget = compute_budget(items, get_path(normalized, "autres_financements") or [])
    for index, line in enumerate(budget.lines):
        if line.demande is not None and line.ttc is not None and line.demande > line.ttc:
            problems.append(
                Problem(
                    f"budget[{index}].financement_demande",
                    f"Budget prévisionnel n° {index + 1} — Financement demandé : "
                    f"{format_amount_fr(line.demande)} dépasse le coût TTC du poste "
                    f"({format_amount_fr(line.ttc)}). Demandez au plus le montant TTC.",
                )
            )
    demande, autres, cost = budget.total_demande, budget.total_autres, budget.total_ttc
    if not budget.lines or demande is None or autres is None or cost is None:
        return
    if demande + autres > cost:
        problems.append(
            Problem(
                "autres_financements",
                f"Autres financements : le plan de financement "
                f"({format_amount_fr(demande + autres)} : {format_amount_fr(demande)} demandés + "
                f"{format_amount_fr(autres)} d'autres financements) dépasse le coût total TTC "
                f"({format_amount_fr(cost)}). Réduisez les montants.",
            )
        )


def validate_answers(
    spec: DocumentSpec,
    answers: Answers,
    *,
    windows: Windows | None = None,
    commitments: CommitmentCatalogue | None = None,
    known_paths: Collection[str] | None = None,
) -> ValidationReport:
    """Check ``answers`` against ``spec``; ``known_paths`` silences unknown-key warnings for keys
    of other documents (the answers format is shared between documents)."""
    problems: list[Problem] = _shape_problems(spec, answers)
    normalized: Answers = {}
    dispositif_field = spec.field("dispositif")
    dispositif: str | None = None
    raw_dispositif = answers.get("dispositif")
    if dispositif_field is not None and not is_missing(raw_dispositif):
        try:
            dispositif = parse_field(dispositif_field, raw_dispositif)
        except InvalidValue:
            dispositif = None
    for spec_field in spec.fields_for(dispositif):
        raw = get_path(answers, spec_field.key)
        if spec_field.type == "list":
            _check_list(problems, normalized, spec_field, raw)
        else:
            _check_value(
                problems,
                normalized,
                spec_field,
                spec_field.key,
                spec_field.label,
                raw,
                commitments,
                dispositif,
            )
    for spec_field in spec.fields_for(dispositif):  # keep item positions stable for lists
        raw = get_path(answers, spec_field.key)
        if spec_field.type == "list" and isinstance(raw, list):
            # Only valid values: an invalid date or amount, already reported, must not cause a
            # second error in the rules below (order of milestones, budget).
            merged = get_path(normalized, spec_field.key) or []
            set_path(
                normalized,
                spec_field.key,
                [
                    copy.deepcopy(merged[i])
                    if i < len(merged) and isinstance(merged[i], dict)
                    else {}
                    for i in range(len(raw))
                ],
            )
    _order_rule(problems, normalized)
    _window_rule(problems, normalized, windows.get(dispositif) if windows else None)
    _budget_rules(problems, normalized)
    problems += _unknown_keys(answers, known_paths or _known_paths(spec))
    return ValidationReport(tuple(problems), normalized, dispositif)


def known_paths(*specs: DocumentSpec) -> set[str]:
    """Every field path of ``specs`` (lists as ``key[].sub``), for ``validate_answers``."""
    paths: set[str] = set()
    for spec in specs:
        paths |= _known_paths(spec)
    return paths
