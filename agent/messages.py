"""French texts the assistant says outside grounded answers (one place to review the wording)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from agent.evidence_dates import fr_month_year
from care_common.french_dates import date_in_words
from care_common.french_text import fold_phrase

if TYPE_CHECKING:
    from retrieval import GlossaryEntry, SourceNote

WELCOME = (
    "Bonjour, je suis l'Assistant CaRE, au service des référents SSI, RSSI et DSI des "
    "établissements de santé.\n\n"
    "Confidentialité : n'envoyez jamais de données de patients. Vos brouillons de dossier sont "
    "enregistrés sur le serveur de votre établissement ; /supprimer_mes_donnees les efface.\n\n"
)

EMPTY_QUESTION = (
    "Votre message est vide. Posez votre question en quelques mots, par exemple : "
    "« Quels sont les prérequis du domaine 2 de CaRE ? »"
)
NO_WORDS = (
    "Je n'ai pas reconnu de mots dans votre message. Posez votre question en toutes "
    "lettres, par exemple : « Qu'est-ce que le programme CaRE ? »"
)
STALE_BUTTON = "Ce bouton n'est plus valable. Reposez votre question ou tapez /aide."
STALE_QUESTION = (
    "Ce bouton répond à une question qui n'est plus en cours : je ne l'ai pas pris en compte. "
    "Répondez à la dernière question posée."
)
STALE_DETAILS = (
    "Ces détails ne correspondent plus à votre profil actuel : relancez /eligibilite pour un "
    "résultat à jour."
)
ATTACHMENT_NOT_EXPECTED = (
    "Ce dialogue n'attend pas de fichier : répondez à la question ci-dessous (ou /annuler). "
    "Un fichier de réponses n'est accepté que pendant /fiche_projet ou /lettre_engagement."
)
ATTACHMENT_OUTSIDE_FLOW = (
    "J'accepte un fichier uniquement comme fichier de réponses pour un dossier : lancez "
    "d'abord /fiche_projet ou /lettre_engagement."
)
NOTHING_TO_CANCEL = "Il n'y a rien à annuler. Posez une question ou tapez /aide."
CANCELLED = "C'est annulé."
CONFIRM_ERASE = (
    "Voulez-vous vraiment effacer toutes vos données (conversations en cours, profil "
    "d'éligibilité, brouillons de dossier, avis) ? Cette action est définitive."
)
ERASED = "Toutes vos données ont été effacées."
ERASE_CANCELLED = "Rien n'a été effacé."
RESUMING = "Reprenons le dialogue là où vous l'aviez laissé (tapez /annuler pour l'abandonner)."
RESUMING_AFTER_RESTART = (
    "Reprenons : le service a redémarré pendant notre échange, sans rien perdre de ce que vous "
    "aviez envoyé. Voici où nous en sommes (tapez /annuler pour arrêter)."
)
FEEDBACK_THANKS = "Merci pour votre avis : il sert à améliorer les réponses."
REFORMULATED = (
    "✎ Réponse reformulée par le modèle de langue : chaque phrase a été vérifiée dans les "
    "sources citées."
)
PATIENT_REQUEST = (
    "Je suis l'assistant des référents cybersécurité des établissements de santé : je ne peux "
    "pas répondre à une demande personnelle de patient, et je préfère ne pas vous orienter au "
    "hasard.\n"
    "Pour aller plus loin :\n"
    "• votre dossier médical, vos rendez-vous : le service des admissions ou des relations "
    "avec les usagers de l'établissement ;\n"
    "• vos données personnelles (accès, rectification, effacement, fuite de données) : le "
    "délégué à la protection des données (DPO) de l'établissement, puis la CNIL si besoin ;\n"
    "• votre dossier médical partagé (DMP) : Mon espace santé (monespacesante.fr).\n"
    "N'envoyez pas vos données de santé dans cette conversation."
)


def patient_data(what: str) -> str:
    """The warning for a turn that seems to carry patient data (``what``: the signals)."""
    return (
        f"⚠️ Votre message semble contenir des données de patient ({what}). Je ne l'ai ni "
        "traité ni enregistré, et il ne figure pas dans le journal.\n\n"
        "N'envoyez jamais l'identité ou des informations de santé d'un patient : reformulez "
        "sans elles (par exemple « un patient » au lieu de son nom)."
    )


def too_long(length: int, limit: int) -> str:
    return (
        f"Votre message est trop long ({length:,} caractères ; {limit:,} au maximum). "
        "Reformulez votre question en quelques phrases."
    ).replace(",", "\u202f")


def flow_replaced(previous_command: str) -> str:
    return (
        f"Le dialogue en cours ({previous_command}) est interrompu ; vos réponses déjà "
        "enregistrées sont conservées."
    )


def cancelled(detail: str = "") -> str:
    """The one message answering /annuler (``detail``: what the dialogue kept, if anything)."""
    return f"{CANCELLED} {detail}".strip()


def unknown_command(command: str) -> str:
    return f"Je ne connais pas la commande {command}. Tapez /aide pour la liste des commandes."


def sources_list(notes: Iterable[SourceNote]) -> str:
    lines = ["Sources de la base de connaissances :"]
    for note in sorted(notes, key=lambda n: n.title):
        flag = " (à confirmer)" if note.status == "a_confirmer" else ""
        secondary = " — source secondaire" if note.confidence == "secondaire" else ""
        published = date_in_words(note.published) if note.published else "date inconnue"
        state = note.evidence or note.published
        evidence = f"état : {fr_month_year(state)}" if state else "état non daté"
        lines.append(f"• {note.title} ({published}, {evidence}){secondary}{flag}")
    return "\n".join(lines)


def glossary_text(entries: Sequence[GlossaryEntry], term: str) -> str:
    if not term:
        names = ", ".join(sorted({entry.term for entry in entries}, key=fold_phrase))
        return (
            f"Glossaire ({len(entries)} termes). Tapez /glossaire SIGLE, par exemple "
            f"/glossaire PCRA.\n{names}"
        )
    wanted = fold_phrase(term)
    matches = [
        entry
        for entry in entries
        if fold_phrase(entry.term) == wanted or wanted in (fold_phrase(s) for s in entry.synonyms)
    ] or [
        entry
        for entry in entries
        if wanted in fold_phrase(entry.term) or wanted in fold_phrase(entry.expansion)
    ]
    if not matches:
        return f"Je ne trouve pas « {term} » dans le glossaire. Tapez /glossaire pour la liste."
    return "\n\n".join(
        f"{entry.term} — {entry.expansion}\n{entry.definition}" for entry in matches[:5]
    )


def cited_excerpts(text: str) -> str:
    return f"Extraits cités :\n\n{text}" if text else STALE_BUTTON
