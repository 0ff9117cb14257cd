"""French texts of the Telegram front end (one place to review the wording)."""

from __future__ import annotations

from agent.store import Erased

# Added to the core's patient-data warning, after the bot tried to delete the user's message.
PATIENT_MESSAGE_DELETED = (
    "J'ai demandé à Telegram de supprimer votre message de notre conversation : vérifiez qu'il "
    "a disparu de votre écran (sinon, appui long sur le message puis « Supprimer »). Il a "
    "toutefois transité par les serveurs de Telegram."
)
PATIENT_MESSAGE_NOT_DELETED = (
    "Je n'ai pas pu supprimer votre message moi-même : supprimez-le de la conversation (appui "
    "long sur le message, puis « Supprimer » pour tous les participants)."
)
NON_TEXT_INPUT = (
    "Je ne traite que les messages écrits : posez votre question en toutes lettres ou utilisez "
    "les boutons. Pendant /fiche_projet ou /lettre_engagement, vous pouvez aussi m'envoyer un "
    "fichier de réponses (.yaml, .yml ou .json)."
)
GENERIC_APOLOGY = (
    "Désolé, une erreur interne m'a empêché de répondre. Elle a été enregistrée pour "
    "l'administrateur ; veuillez réessayer dans un instant."
)
PRIVATE_ONLY = (
    "Pour protéger vos brouillons et vos données, cette commande n'est disponible qu'en "
    "conversation privée : utilisez une conversation privée avec moi."
)
FLOW_IN_PRIVATE = (
    "Vous avez un dialogue en cours dans notre conversation privée : répondez-y là-bas (ou "
    "tapez /annuler là-bas pour l'abandonner)."
)
GROUP_REFUSED = "Je ne réponds qu'en conversation privée : écrivez-moi directement."
DOCUMENT_PRIVATE_ONLY = (
    "Le document est prêt, mais je n'envoie jamais de document dans un groupe : demandez-le en "
    "conversation privée avec /mes_dossiers."
)
FEEDBACK_RECORDED = "Merci pour votre avis."
SOURCES_BUTTON = "📚 Sources"
ADMIN_ONLY = "Cette commande est réservée aux administrateurs de l'assistant."

# -- access --------------------------------------------------------------------------------
REFUSAL = (
    "Bonjour ! Cet assistant est réservé aux référents SSI, RSSI et DSI autorisés. "
    "Vous n'êtes pas (encore) autorisé à l'utiliser."
)
REFUSAL_ASK = "Vous pouvez demander l'accès : un administrateur examinera votre demande."
REFUSAL_NO_ADMIN = "Contactez l'administrateur de l'assistant pour obtenir l'accès."
REFUSAL_GROUP = "Pour demander l'accès, écrivez-moi en conversation privée."
REQUEST_BUTTON = "🔑 Demander l'accès"
REQUEST_SENT = "Votre demande d'accès a été transmise aux administrateurs. Vous serez prévenu ici."
REQUEST_PENDING = (
    "Votre demande d'accès est déjà en attente d'examen par un administrateur. Pour la retirer "
    "et effacer ce que l'assistant garde sur vous : /supprimer_mes_donnees."
)
ERASE_HINT = "Pour effacer ce que l'assistant garde sur vous : /supprimer_mes_donnees."
REQUEST_REVOKED = (
    "Votre accès a été retiré. Contactez l'administrateur de l'assistant si vous pensez "
    f"qu'il s'agit d'une erreur. {ERASE_HINT}"
)
REQUEST_DENIED = (
    "Votre demande d'accès a été refusée. Contactez l'administrateur de l'assistant si vous "
    f"pensez qu'il s'agit d'une erreur. {ERASE_HINT}"
)
ALREADY_ALLOWED = "Vous avez déjà accès à l'assistant : tapez /aide."
ACCESS_GRANTED = "✅ Votre accès à l'Assistant CaRE a été accordé. Tapez /start pour commencer."
ACCESS_DENIED = "Votre demande d'accès à l'Assistant CaRE a été refusée."
APPROVE_BUTTON = "✅ Autoriser"
DENY_BUTTON = "❌ Refuser"


def too_many_messages(seconds: int) -> str:
    return f"Trop de messages : réessayez dans {seconds} s."


def access_request(name: str, username: str | None, user_id: int) -> str:
    """The real id first; the name is whatever the requester chose: quoted, never trusted."""
    handle = f", compte @{username}" if username else ""
    return (
        f"Demande d'accès de l'identifiant Telegram {user_id} — nom affiché (choisi par la "
        f"personne) : « {name} »{handle}."
    )


def request_already_decided(status: str) -> str:
    return f"Cette demande a déjà été traitée : l'utilisateur est {status}."


def request_decided(request: str, granted: bool, admin: int) -> str:
    verdict = "autorisée" if granted else "refusée"
    return f"{request}\n→ demande {verdict} par l'administrateur {admin}."


STALE_DECISION = "Ce bouton n'est pas valable."


# -- erasure by people without access ---------------------------------------------------------
ERASE_YES_BUTTON = "Oui, tout effacer"
ERASE_NO_BUTTON = "Non, ne rien effacer"
ERASE_KEPT = "Rien n'a été effacé."


def outsider_erase(status: str | None) -> str:
    what = {
        "pending": "Votre demande d'accès en attente sera retirée.",
        None: "",
    }.get(
        status,
        "La décision d'accès vous concernant est conservée, sans votre nom, pour que "
        "l'assistant reste fermé comme l'administrateur l'a décidé.",
    )
    return (
        "Voulez-vous effacer tout ce que l'assistant garde sur vous (nom affiché, demande "
        f"d'accès, conversations et brouillons éventuels) ? Cette action est définitive. {what}"
    ).strip()


def erased_outsider(erased: Erased) -> str:
    if not erased.anything:
        return "L'assistant ne gardait aucune donnée sur vous : il n'y avait rien à effacer."
    return "C'est fait : ce que l'assistant gardait sur vous a été effacé."


def erased_by_admin(user_id: int, erased: Erased) -> str:
    if not erased.anything:
        return f"Aucune donnée à effacer pour l'utilisateur {user_id}."
    return (
        f"Données de l'utilisateur {user_id} effacées : {erased.sessions} conversation(s), "
        f"{erased.drafts} brouillon(s), {erased.feedback} avis ; nom affiché retiré "
        "(la décision d'accès est conservée)."
    )


# -- admin commands -------------------------------------------------------------------------
USAGE_ALLOW = "Usage : /autoriser IDENTIFIANT (l'identifiant Telegram numérique de la personne)."
USAGE_REVOKE = "Usage : /revoquer IDENTIFIANT (l'identifiant Telegram numérique de la personne)."
USAGE_ERASE = "Usage : /effacer IDENTIFIANT (l'identifiant Telegram numérique de la personne)."
CANNOT_REVOKE_ADMIN = (
    "Impossible de révoquer un administrateur déclaré dans CARE_ADMINS : modifiez la "
    "configuration du serveur."
)
REINDEX_STARTED = "Réindexation en cours…"


def allowed(user_id: int, notified: bool) -> str:
    note = "" if notified else " (il n'a pas encore écrit au bot : il n'a pas pu être prévenu)"
    return f"L'utilisateur {user_id} est autorisé{note}."


def revoked(user_id: int) -> str:
    return f"L'accès de l'utilisateur {user_id} est révoqué."


def reindexed(files: int, chunks: int, added: int, updated: int, removed: int, secs: float) -> str:
    return (
        f"Index à jour : {files} fichiers, {chunks} extraits (+{added} ajoutés, {updated} "
        f"modifiés, -{removed} retirés) en {secs:.1f} s."
    )
