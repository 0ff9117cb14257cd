"""French texts of the drafting dialogues (one place to review the wording)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from care_common.french_dates import date_in_words, iso_in_words
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
from drafting.walk import Question, condition_met, filled_count

COMMANDS = (
    "À tout moment : « passer » (champ facultatif), « retour » (annule la dernière réponse), "
    "« aperçu », « modifier <champ> », « générer » (ou « générer odt », « générer markdown »), "
    "« annuler »."
)
RECEIPT_LIMIT = 200  # characters of a value echoed back after an answer


def shown_value(spec_field: FieldSpec, value: Any) -> str:
    """A value as the dialogue shows it: dates in words (« 3 décembre 2026 »)."""
    if spec_field.type == "date" and isinstance(value, str | date):
        try:
            day = value if isinstance(value, date) else date.fromisoformat(value)
        except ValueError:
            return display_value(spec_field, value)
        return date_in_words(day)
    return display_value(spec_field, value)


def _clip(text: str, limit: int = RECEIPT_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def receipt(label: str, spec_field: FieldSpec, value: Any) -> str:
    """The first line after an answer: what was recorded where (a value typed for another
    question shows here at once, and « retour » undoes it)."""
    return f"✓ {label} : {_clip(shown_value(spec_field, value))}"


def skipped_receipt(label: str) -> str:
    return f"✓ {label} : passé"


def undone(label: str, value: Any, spec_field: FieldSpec) -> str:
    if is_missing(value):
        return f"↩ Réponse annulée pour « {label} » ; la voici de nouveau :"
    return (
        f"↩ Réponse annulée : « {_clip(shown_value(spec_field, value), 80)} » retiré de "
        f"« {label} ». Voici de nouveau la question :"
    )


def intro(spec: DocumentSpec, prefilled: Sequence[str]) -> str:
    lines = [
        f"Préparons votre {spec.title.lower()} : un brouillon éditable, car aucun modèle officiel "
        "CaRE n'existe. Je pose une question à la fois et chaque réponse est enregistrée "
        "aussitôt (reprise possible avec /mes_dossiers).",
        COMMANDS,
        "Vous pouvez aussi m'envoyer un fichier de réponses YAML ou JSON : tapez « modèle » pour "
        "en recevoir un à compléter.",
    ]
    if prefilled:
        lines.append(
            "Nouveau brouillon : seules des réponses de votre profil d'éligibilité sont reprises "
            "— " + " ; ".join(prefilled) + " (« modifier <champ> » pour corriger)."
        )
    else:
        lines.append("Nouveau brouillon vierge : rien n'est repris de vos autres brouillons.")
    return "\n\n".join(lines)


def source_name(source_id: str, titles: Mapping[str, str]) -> str:
    """A source as users read it: its title (never the knowledge base's identifier)."""
    return titles.get(source_id) or "source officielle"


def question_text(
    question: Question,
    current: Any,
    commitments: Sequence[Commitment],
    position: str,
    titles: Mapping[str, str] | None = None,
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
                else f"source : {source_name(commitment.source, titles or {})}"
            )
            lines.append(f"{number}. {commitment.text} [{basis}]")
        lines.append("Répondez « tous » ou les numéros à retenir (ex. 1, 2, 4).")
    elif spec_field.example:
        lines.append(f"Exemple : {spec_field.example}")
    if question.new_item:
        lines.append("Tapez « terminé » quand la liste est complète.")
    if not is_missing(current):
        lines.append(f"Valeur actuelle : {_clip(shown_value(spec_field, current), 300)}")
    return "\n".join(lines)


TEMPLATE_CAPTION = (
    "Fichier de réponses à compléter : remplissez les valeurs (les lignes en # expliquent "
    "chaque champ), puis renvoyez-le-moi ici."
)


def offer_text(
    spec_field: FieldSpec,
    dispositif: str,
    objectives: Sequence[OfficialObjective],
    titles: Mapping[str, str] | None = None,
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
            f"{objective.indicateur} · cible : {objective.cible} "
            f"(source : {source_name(objective.source, titles or {})})"
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
            lines.append(f"✓ {spec_field.label} : {_clip(shown_value(spec_field, value), 80)}")
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


def not_a_choice(count: int) -> str:
    return (
        "ce n'est pas l'un des choix proposés : utilisez un bouton ou tapez son numéro "
        f"(1 à {count})."
    )


def invalid_answer(label: str, reason: str) -> str:
    return f"Réponse non retenue pour « {label} » : {reason}"


REQUIRED_NO_SKIP = (
    "Ce champ est obligatoire : je ne peux pas le passer. Répondez, ou tapez « générer » pour "
    "obtenir dès maintenant un brouillon avec la liste des champs à compléter."
)
NO_LIST_TO_CLOSE = (
    "« Terminé » sert à clore une liste. Ici, répondez à la question, ou tapez « passer » si le "
    "champ est facultatif."
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
    "Je ne trouve pas ce champ. Nommez-le comme dans l'aperçu, par exemple : « modifier titre "
    "du projet », « modifier FINESS juridique », « modifier budget 2 montant », « modifier "
    "objectifs »."
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


def empty_list(label: str) -> str:
    return (
        f"« {label} » reste vide : la rubrique figurera dans la liste des champs à compléter "
        f"(« modifier {label.lower()} » pour la reprendre)."
    )


def list_closed(label: str, count: int) -> str:
    return f"✓ {label} : liste terminée ({count} élément{'s' if count > 1 else ''})"


def objectives_taken(count: int) -> str:
    return (
        f"{count} objectif(s) officiel(s) repris ; indiquez leurs échéances, puis ajoutez "
        "les vôtres ou tapez « terminé »."
    )


def imported(
    filename: str, used: Sequence[str], ignored: Sequence[str], dropped: Sequence[Problem]
) -> str:
    """What an answers file brought: the fields taken (by label), the keys ignored (the
    file's own words), the values set aside as invalid."""
    if used:
        shown = ", ".join(used[:12]) + (f" et {len(used) - 12} autre(s)" if len(used) > 12 else "")
        lines = [f"Fichier « {filename} » : {len(used)} champ(s) repris — {shown}."]
    else:
        lines = [f"Fichier « {filename} » : je n'y ai reconnu aucun champ, rien n'a été repris."]
    if ignored:
        names = ", ".join(f"« {name} »" for name in ignored[:12])
        more = f" et {len(ignored) - 12} autre(s)" if len(ignored) > 12 else ""
        lines.append(
            f"Ignoré ({len(ignored)}) : {names}{more} — rubriques inconnues ou sans objet pour "
            "ce dispositif (tapez « modèle » pour les noms attendus)."
        )
    if dropped:
        lines.append(
            problems_text("Écarté car invalide (je vous le redemanderai) :", dropped).strip()
        )
    return "\n".join(lines)


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
