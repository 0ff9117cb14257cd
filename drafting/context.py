"""The template context of a document: every field of the spec present (``None`` when missing),
values formatted for reading (dates JJ/MM/AAAA, amounts "12 500,50 €", choice labels), budget
totals, the missing-field checklist, commitments and provenance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from care_common.french_dates import date_in_words, iso_in_words
from drafting.answers import Answers, get_path, set_path
from drafting.budget import compute_budget
from drafting.checks import ValidationReport
from drafting.french_names import (
    appellation,
    closing_formula,
    de_name,
    ght_name,
    in_sentence,
    recipient_lines,
)
from drafting.specs import Commitment, DocumentSpec, DossierKnowledge, FieldSpec
from drafting.validators import format_amount_fr, format_date_fr

DRAFT_HEADER = "PROJET — document de travail, modèle non officiel"
DEFAULT_RECIPIENT = "Madame, Monsieur le directeur général de l'agence régionale de santé"


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    version: str


def _display(spec_field: FieldSpec, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if spec_field.type == "date":
        return format_date_fr(str(value))
    if spec_field.type == "amount":
        return format_amount_fr(str(value))
    if spec_field.type == "choice":
        return spec_field.option_label(str(value))
    return value


def _values(spec: DocumentSpec, normalized: Answers, dispositif: str | None) -> Answers:
    values: Answers = {}
    for spec_field in spec.fields:
        raw = get_path(normalized, spec_field.key) if spec_field.applies(dispositif) else None
        if spec_field.type == "list":
            items = [
                {sub.key: _display(sub, item.get(sub.key)) for sub in spec_field.fields}
                for item in (raw or [])
                if isinstance(item, dict)
            ]
            set_path(values, spec_field.key, items)
        else:
            set_path(values, spec_field.key, _display(spec_field, raw))
    return values


UNKNOWN_AMOUNT = "—"


def _money(value: Decimal | None) -> str:
    return UNKNOWN_AMOUNT if value is None else format_amount_fr(value)


def _budget(normalized: Answers) -> dict[str, Any]:
    budget = compute_budget(
        get_path(normalized, "budget") or [], get_path(normalized, "autres_financements") or []
    )
    fmt = _money
    return {
        "lines": [
            {
                "poste": line.poste or None,
                "ht": fmt(line.ht),
                "tva": fmt(line.tva) + (f" ({line.tva_rate})" if line.tva_rate else ""),
                "ttc": fmt(line.ttc),
                "demande": fmt(line.demande),
            }
            for line in budget.lines
        ],
        "autres": [
            {"financeur": name or None, "montant": fmt(amount)}
            for name, amount in budget.other_funding
        ],
        "total_ht": fmt(budget.total_ht),
        "total_tva": fmt(budget.total_tva),
        "total_ttc": fmt(budget.total_ttc),
        "total_demande": fmt(budget.total_demande),
        "total_autres": fmt(budget.total_autres),
        "reste": fmt(budget.reste_a_charge),
        "without_tva": budget.lines_without_tva,
    }


@dataclass(frozen=True)
class SourceInfo:
    """A cited source as a reader sees it: a title and its address (never an internal id)."""

    title: str
    url: str = ""


def short_title(title: str) -> str:
    """The head of a source title (« Modalités de financement du programme CaRE » for
    « Modalités de financement du programme CaRE — financement sur atteinte… »)."""
    return title.split(" — ", 1)[0].strip()


def _basis(
    commitment: Commitment, numbers: Mapping[str, int], infos: Mapping[str, SourceInfo]
) -> str:
    if commitment.usual_practice:
        return "Pratique usuelle (non issue d'un texte officiel)"
    info = infos.get(commitment.source)
    title = short_title(info.title) if info else "Source"
    return f"{title} [{numbers[commitment.source]}]"


def _chosen_commitments(
    knowledge: DossierKnowledge, normalized: Answers, dispositif: str | None
) -> list[Commitment]:
    offered = knowledge.commitments.for_dispositif(dispositif) if dispositif else []
    chosen = normalized.get("engagements")
    ids = chosen if isinstance(chosen, list) else [c.id for c in offered]
    found = (knowledge.commitments.get(commitment_id) for commitment_id in ids)
    return [c for c in found if c is not None]


def cited_sources(
    spec: DocumentSpec,
    knowledge: DossierKnowledge,
    normalized: Answers,
    commitments: list[Commitment],
    dispositif: str | None,
) -> list[str]:
    """Ids of the sources a document cites, in order of first citation."""
    ids = [
        str(o["source"])
        for o in normalized.get("objectifs") or []
        if isinstance(o, dict) and o.get("source")
    ]
    ids += [c.source for c in commitments if c.source]
    window = knowledge.windows.get(dispositif)
    if window is not None and spec.document == "fiche_projet":
        ids.append(window.source)
    ids += list(spec.sources)
    return list(dict.fromkeys(ids))


def _listed(items: list[str]) -> list[str]:
    """Items of a French list: each ends with « ; », the last one with a full stop."""
    cleaned = [item.strip().rstrip(" ;.,") for item in items if item.strip()]
    return [f"{item} ;" for item in cleaned[:-1]] + [f"{item}." for item in cleaned[-1:]]


def _letter(normalized: Answers, civilite: Any, commitments: list[Commitment]) -> dict[str, Any]:
    """The letter's wording derived from the answers: articles, role, salutation, dates."""
    name = get_path(normalized, "etablissement.raison_sociale")
    chef_fonction = get_path(normalized, "chef_de_projet.fonction")
    extras = normalized.get("engagements_complementaires") or []
    ght = get_path(normalized, "etablissement.ght")
    role = get_path(normalized, "etablissement.role_ght") if ght else None
    fonction = get_path(normalized, "representant_legal.fonction")
    recipient = str(normalized.get("destinataire") or DEFAULT_RECIPIENT)
    signed = normalized.get("date")
    feminine = {"Madame": "e", "Monsieur": ""}.get(str(civilite), "(e)")
    role_phrase = {
        "support": f", établissement support {de_name(ght_name(str(ght)))}",
        "partie": f", établissement partie au {ght_name(str(ght))}",
    }.get(str(role), "")
    return {
        "de_etablissement": de_name(str(name)) if name else None,
        "role": role_phrase,
        "on_behalf": "pour le compte du groupement"
        if role == "support"
        else "au nom de l'établissement",
        "fonction": in_sentence(str(fonction)) if fonction else None,
        "chef_fonction": in_sentence(str(chef_fonction)) if chef_fonction else None,
        "commitments": _listed([c.text for c in commitments] + [str(e) for e in extras]),
        "recipient": recipient_lines(recipient),
        "salutation": appellation(recipient) + ",",
        "closing": closing_formula(recipient),
        "signed_on": iso_in_words(str(signed)) if signed else None,
        "soussigne": f"soussigné{feminine}",
        "representant": f"représentant{feminine} légal{feminine}",
    }


def _sources(ids: list[str], infos: Mapping[str, SourceInfo]) -> list[dict[str, Any]]:
    return [
        {
            "number": number,
            "title": infos[source].title
            if source in infos
            else "Note de la base de connaissances",
            "url": infos[source].url if source in infos else "",
        }
        for number, source in enumerate(ids, start=1)
    ]


def build_context(
    spec: DocumentSpec,
    knowledge: DossierKnowledge,
    report: ValidationReport,
    *,
    template: TemplateInfo,
    generated: date,
    sources: Mapping[str, SourceInfo],
) -> dict[str, Any]:
    normalized, dispositif = report.normalized, report.dispositif
    doc = _values(spec, normalized, dispositif)
    dispositif_field = spec.field("dispositif")
    doc["dispositif_code"] = dispositif
    civilite = get_path(normalized, "representant_legal.civilite")
    chosen = (
        _chosen_commitments(knowledge, normalized, dispositif)
        if spec.field("engagements") is not None
        else []
    )
    ids = cited_sources(spec, knowledge, normalized, chosen, dispositif)
    numbers = {source: number for number, source in enumerate(ids, start=1)}
    for objective in doc.get("objectifs") or []:
        source = next(
            (
                o.get("source")
                for o in normalized.get("objectifs") or []
                if isinstance(o, dict) and o.get("intitule") == objective.get("intitule")
            ),
            None,
        )
        objective["source_ref"] = f"[{numbers[source]}]" if source in numbers else ""
    generated_words = date_in_words(generated)
    footer = (
        f"Brouillon généré le {generated_words} par l'Assistant CaRE — modèle « {spec.title} » "
        f"v{template.version}, spécification {spec.spec_version}"
    )
    return {
        "header": DRAFT_HEADER,
        "doc": doc,
        "dispositif_label": dispositif_field.option_label(dispositif)
        if dispositif_field and dispositif
        else None,
        "letter": _letter(normalized, civilite, chosen),
        "missing": [p.message.split(" : ", 1)[0] for p in report.missing],
        "budget": _budget(normalized),
        "engagements": [
            {"text": c.text, "basis": _basis(c, numbers, sources), "usual": c.usual_practice}
            for c in chosen
        ],
        "prov": {
            "generated": generated_words,
            "template": spec.title,
            "template_version": template.version,
            "spec_version": spec.spec_version,
            "rules_version": knowledge.rules_version,
            "footer": footer,
            "sources": _sources(ids, sources),
        },
    }
