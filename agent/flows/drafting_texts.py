"""French texts of the drafting dialogues (one place to review the wording)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent.flows.drafting_walk import Question, condition_met, filled_count
from care_common.french_dates import iso_in_words
from drafting import (
    Answers,
    Commitment,
    DocumentSpec,
    FieldSpec,
    OfficialObjective,
    Problem,
    display_value,
    get_path,
    is_missing,
)

COMMANDS = (
    "À tout moment : « passer » (champ facultatif), « retour », « aperçu », "
    "« modifier <champ> », « générer » (ou « générer odt », « générer markdown »), « annuler »."
)


def intro(spec: DocumentSpec, prefilled: Sequence[str]) -> str:
    lines = [
        f"Préparons votre {spec.title.lower()} : un brouillon éditable, car aucun modèle officiel "
        "CaRE n'existe. Je pose une question à la fois et chaque réponse est enregistrée "
        "aussitôt (reprise possible avec /mes_dossiers).",
        COMMANDS,
        "Vous pouvez aussi m'envoyer un fichier de réponses YAML ou JSON (modèle : "
        "examples/fiche_projet.yaml).",
    ]
    if prefilled:
        lines.append(
            "Nouveau brouillon : seules des réponses de votre profil d'éligibilité sont reprises "
            "— " + " ; ".join(prefilled) + " (« modifier <champ> » pour corriger)."
        )
    else:
        lines.append("Nouveau brouillon vierge : rien n'est repris de vos autres brouillons.")
    return "\n\n".join(lines)


def question_text(
    question: Question, current: Any, commitments: Sequence[Commitment], position: str
) -> str:
    spec_field = question.field
    status = "obligatoire" if spec_field.required else "facultatif"
    lines = [f"{position}{question.label} ({status})", spec_field.help.strip()]
    if spec_field.type == "multi_choice":
        lines.append("Engagements proposés pour ce dispositif :")
        for number, commitment in enumerate(commitments, start=1):
            basis = (
                "pratique usuelle"
                if commitment.usual_practice
                else f"source : {commitment.source}"
            )
            lines.append(f"{number}. {commitment.text} [{basis}]")
        lines.append("Répondez « tous » ou les numéros à retenir (ex. 1, 2, 4).")
    elif spec_field.example:
        lines.append(f"Exemple : {spec_field.example}")
    if question.new_item:
        lines.append("Tapez « terminé » quand la liste est complète.")
    if not is_missing(current):
        lines.append(f"Valeur actuelle : {display_value(spec_field, current)[:300]}")
    return "\n".join(lines)


def offer_text(
    spec_field: FieldSpec, dispositif: str, objectives: Sequence[OfficialObjective]
) -> str:
    lines = [
        f"{spec_field.label} : voici les objectifs officiels du dispositif {dispositif}, que "
        "je peux reprendre comme point de départ (vous compléterez ensuite leurs échéances et "
        "pourrez en ajouter) :"
    ]
    for number, objective in enumerate(objectives, start=1):
        flag = " (à confirmer)" if objective.a_confirmer else ""
        lines.append(
            f"[{number}] {objective.code} — {objective.intitule}{flag} · indicateur : "
            f"{objective.indicateur} · cible : {objective.cible} (source : {objective.source})"
        )
    lines.append("Les reprendre ?")
    return "\n".join(lines)


def summary(spec: DocumentSpec, answers: Answers, skipped: Sequence[str]) -> str:
    dispositif = answers.get("dispositif") if isinstance(answers.get("dispositif"), str) else None
    done, total = filled_count(spec, answers)
    lines = [f"Aperçu — {spec.title} : {done}/{total} champs obligatoires renseignés."]
    for spec_field in spec.fields_for(dispositif):
        if not condition_met(spec_field, answers):
            continue
        value = get_path(answers, spec_field.key)
        if spec_field.type == "list":
            count = len(value) if isinstance(value, list) else 0
            mark = "✓" if count else ("☐" if spec_field.required else "–")
            lines.append(f"{mark} {spec_field.label} : {count} élément(s)")
            continue
        if not is_missing(value):
            shown = display_value(spec_field, value).replace("\n", " ")
            shown = shown if len(shown) <= 80 else shown[:79] + "…"
            lines.append(f"✓ {spec_field.label} : {shown}")
        elif spec_field.required:
            lines.append(f"☐ {spec_field.label} (obligatoire, à compléter)")
        elif spec_field.key in skipped:
            lines.append(f"– {spec_field.label} (passé)")
        else:
            lines.append(f"– {spec_field.label} (facultatif)")
    return "\n".join(lines)


def problems_text(title: str, problems: Sequence[Problem], limit: int = 15) -> str:
    lines = [title]
    lines += [f"• {p.message}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… et {len(problems) - limit} autre(s).")
    return "\n".join(lines)


def invalid_answer(label: str, reason: str) -> str:
    return f"Réponse non retenue pour « {label} » : {reason}"


REQUIRED_NO_SKIP = (
    "Ce champ est obligatoire : je ne peux pas le passer. Répondez, ou tapez « générer » pour "
    "obtenir dès maintenant un brouillon avec la liste des champs à compléter."
)
LIST_NEEDS_ONE = "Au moins un élément est attendu dans cette liste avant de la terminer."
FIRST_QUESTION = "Nous sommes à la première question : pas de retour possible."
ALL_DONE = (
    "Toutes les rubriques sont renseignées. Générez le document, ou tapez « modifier <champ> » "
    "pour corriger une réponse."
)
DRAFT_GONE = (
    "Ce brouillon n'existe plus (il a peut-être été supprimé). Tapez /fiche_projet ou "
    "/lettre_engagement pour en commencer un nouveau."
)
CHOOSE_OPTION = "Choisissez une des options proposées."
UNKNOWN_FIELD = (
    "Je ne trouve pas ce champ. Exemples : « modifier finess_ej », « modifier titre », "
    "« modifier budget 2 montant_ht », « modifier objectifs »."
)
CANNOT_RENDER = (
    "Le document ne peut pas être produit : corrigez d'abord ces valeurs avec "
    "« modifier <champ> » :"
)
DOCUMENT_CAPTION = (
    "Brouillon — modèle non officiel. Pour le reprendre ou l'exporter dans un autre format : "
    "/mes_dossiers."
)


def generated(missing: Sequence[Problem]) -> str:
    if not missing:
        return (
            "Brouillon généré : tous les champs obligatoires sont renseignés. Relisez-le et "
            "adaptez-le avant diffusion."
        )
    return problems_text(
        f"Brouillon généré. {len(missing)} champ(s) obligatoire(s) restent à compléter (liste en "
        "première page du document) :",
        missing,
        limit=10,
    )


def empty_list(label: str, key: str) -> str:
    return (
        f"« {label} » reste vide : la rubrique figurera dans la liste des champs à compléter "
        f"(« modifier {key} » pour la reprendre)."
    )


def objectives_taken(count: int) -> str:
    return (
        f"J'ai repris {count} objectif(s) officiel(s) ; indiquez leurs échéances, puis ajoutez "
        "les vôtres ou tapez « terminé »."
    )


def imported(filename: str, sections: int, dropped: Sequence[Problem]) -> str:
    note = f"Fichier « {filename} » importé ({sections} rubrique(s))."
    if dropped:
        note += "\n" + problems_text(
            "Valeurs écartées car invalides (je vous les redemanderai) :", dropped
        )
    return note


def resumed(title: str) -> str:
    return f"Reprise du brouillon « {title} ».\n{COMMANDS}"


def resume_offer(title: str, updated: str) -> str:
    """``updated``: the draft's ISO timestamp, said in words (« modifié le 3 décembre 2026 »)."""
    return (
        f"Vous avez un brouillon en cours : « {title} » (modifié le {iso_in_words(updated)}). "
        "Le reprendre ?"
    )


def kept(title: str) -> str:
    return f"Votre brouillon « {title} » reste enregistré (/mes_dossiers)."


SUGGEST_UNAVAILABLE = (
    "La proposition de rédaction n'est pas disponible : aucun modèle de langue n'est configuré "
    "(l'assistant fonctionne en mode extractif). Saisissez votre texte."
)
SUGGEST_NOT_HERE = (
    "Je ne propose une rédaction que pour les rubriques « Contexte et enjeux », « État des "
    "lieux » et l'intitulé des objectifs. Saisissez votre réponse."
)
SUGGEST_FAILED = (
    "Je n'ai pas pu proposer de rédaction appuyée sur les sources pour cette rubrique. "
    "Saisissez votre texte."
)
SUGGESTION_CHOICE = (
    "Que faites-vous de cette proposition ? Rien n'est enregistré dans le brouillon sans votre "
    "accord."
)
SUGGESTION_REFUSED = "Proposition écartée : rien n'a été enregistré."
SUGGESTION_EDIT = (
    "Voici le texte proposé, sans les renvois aux sources : copiez-le, modifiez-le puis "
    "envoyez votre version ; c'est elle qui sera enregistrée."
)


def suggestion(label: str, annotated: str, sources: str) -> str:
    return (
        f"Proposition de rédaction pour « {label} » (à relire et adapter : les numéros entre "
        f"crochets renvoient aux sources) :\n\n{annotated}\n\n{sources}"
    )
