"""The template context of a document: every field of the spec present (``None`` when missing),
values formatted for reading (dates JJ/MM/AAAA, amounts "12 500,50 €", choice labels), budget
totals, the missing-field checklist, commitments and provenance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from drafting.answers import Answers, get_path, set_path
from drafting.budget import compute_budget
from drafting.checks import ValidationReport
from drafting.specs import DocumentSpec, DossierKnowledge, FieldSpec
from drafting.validators import format_amount_fr, format_date_fr

DRAFT_HEADER = "PROJET — document de travail, modèle non officiel"


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


def _commitments(
    knowledge: DossierKnowledge,
    normalized: Answers,
    dispositif: str | None,
    titles: Mapping[str, str],
) -> list[dict[str, Any]]:
    offered = knowledge.commitments.for_dispositif(dispositif) if dispositif else []
    chosen = normalized.get("engagements")
    ids = chosen if isinstance(chosen, list) else [c.id for c in offered]
    result = []
    for commitment_id in ids:
        commitment = knowledge.commitments.get(commitment_id)
        if commitment is None:
            continue
        if commitment.usual_practice:
            basis = "pratique usuelle (non issue d'un texte officiel)"
        else:
            title = titles.get(commitment.source, "")
            basis = f"source : {commitment.source}" + (f" — {title}" if title else "")
        result.append(
            {
                "id": commitment.id,
                "text": commitment.text,
                "source": commitment.source,
                "basis": basis,
            }
        )
    return result


def cited_sources(
    spec: DocumentSpec,
    knowledge: DossierKnowledge,
    normalized: Answers,
    commitments: list[dict[str, Any]],
    dispositif: str | None,
) -> list[str]:
    ids = list(spec.sources)
    ids += [c["source"] for c in commitments if c["source"]]
    ids += [
        str(o["source"])
        for o in normalized.get("objectifs") or []
        if isinstance(o, dict) and o.get("source")
    ]
    window = knowledge.windows.get(dispositif)
    if window is not None and spec.document == "fiche_projet":
        ids.append(window.source)
    return list(dict.fromkeys(ids))


def build_context(
    spec: DocumentSpec,
    knowledge: DossierKnowledge,
    report: ValidationReport,
    *,
    template: TemplateInfo,
    generated: date,
    source_titles: Mapping[str, str],
) -> dict[str, Any]:
    normalized, dispositif = report.normalized, report.dispositif
    doc = _values(spec, normalized, dispositif)
    dispositif_field = spec.field("dispositif")
    doc["dispositif_code"] = dispositif
    civilite = get_path(normalized, "representant_legal.civilite")
    commitments = (
        _commitments(knowledge, normalized, dispositif, source_titles)
        if spec.field("engagements") is not None
        else []
    )
    sources = cited_sources(spec, knowledge, normalized, commitments, dispositif)
    generated_fr = format_date_fr(generated.isoformat())
    footer = (
        f"Brouillon généré le {generated_fr} — modèle {template.name} v{template.version} "
        f"— spécification {spec.document} v{spec.spec_version}"
    )
    return {
        "header": DRAFT_HEADER,
        "doc": doc,
        "dispositif_label": dispositif_field.option_label(dispositif)
        if dispositif_field and dispositif
        else None,
        "feminine": {"Madame": "e", "Monsieur": ""}.get(str(civilite), "(e)"),
        "missing": [p.message.split(" : ", 1)[0] for p in report.missing],
        "budget": _budget(normalized),
        "engagements": commitments,
        "prov": {
            "generated": generated_fr,
            "template": template.name,
            "template_version": template.version,
            "spec_version": spec.spec_version,
            "rules_version": knowledge.rules_version,
            "footer": footer,
            "sources": [{"id": s, "title": source_titles.get(s, "")} for s in sources],
        },
    }
