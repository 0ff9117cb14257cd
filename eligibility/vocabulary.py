"""The closed vocabularies of profiles, rule tables and verdicts, with their French labels."""

from __future__ import annotations

from typing import Final, Literal, get_args

Categorie = Literal[
    "ght",
    "es_public_hors_ght",
    "es_prive_non_lucratif",
    "es_prive_lucratif",
    "esms",
    "autre",
]
VerdictValue = Literal["eligible", "non_eligible", "a_confirmer"]
WindowStatus = Literal["ouvert", "ferme", "a_venir", "inconnu"]
WindowKind = Literal["candidature", "declaration", "paiement"]
Outcome = Literal["eligible", "non_eligible", "a_confirmer", "missing_prerequisite", "objective"]
Certainty = Literal["confirme", "a_confirmer"]
# What a rule rests on: an official text or page; two or more independent sources that agree;
# one non-official source; one third-party transcription of an official document; our inference.
Basis = Literal["officiel", "concordant", "source_unique", "transcription", "inference"]
ObligationStatus = Literal["applicable", "non_applicable", "a_confirmer"]

CATEGORIES: Final[tuple[str, ...]] = get_args(Categorie)
SANITARY_CATEGORIES: Final[tuple[str, ...]] = CATEGORIES[:4]
VERDICTS: Final[tuple[str, ...]] = get_args(VerdictValue)
WINDOW_STATUSES: Final[tuple[str, ...]] = get_args(WindowStatus)
WINDOW_KINDS: Final[tuple[str, ...]] = get_args(WindowKind)
OUTCOMES: Final[tuple[str, ...]] = get_args(Outcome)
CERTAINTIES: Final[tuple[str, ...]] = get_args(Certainty)
BASES: Final[tuple[str, ...]] = get_args(Basis)
# A verdict resting only on these cannot be confirmed (see rules.py, ``_check_basis``).
WEAK_BASES: Final[tuple[str, ...]] = ("source_unique", "transcription", "inference")
# Outcomes that decide a verdict (an ``objective`` never does; ``a_confirmer`` is already weak).
DECISIVE_OUTCOMES: Final[tuple[str, ...]] = ("eligible", "non_eligible", "missing_prerequisite")

CATEGORY_LABELS: Final[dict[str, str]] = {
    "ght": "Établissement membre d'un GHT (groupement hospitalier de territoire)",
    "es_public_hors_ght": "Établissement de santé public hors GHT",
    "es_prive_non_lucratif": "Établissement de santé privé à but non lucratif (ESPIC…)",
    "es_prive_lucratif": "Établissement de santé privé à but lucratif (clinique…)",
    "esms": "Établissement ou service médico-social (EHPAD, IME…)",
    "autre": "Autre structure (cabinet libéral, autre…)",
}

# Button labels (30 characters at most) of the categories; the question lists the full labels.
CATEGORY_SHORT_LABELS: Final[dict[str, str]] = {
    "ght": "Membre d'un GHT",
    "es_public_hors_ght": "Public hors GHT",
    "es_prive_non_lucratif": "Privé non lucratif (ESPIC)",
    "es_prive_lucratif": "Privé lucratif (clinique)",
    "esms": "Médico-social (EHPAD, IME…)",
    "autre": "Autre (cabinet libéral…)",
}

VERDICT_LABELS: Final[dict[str, str]] = {
    "eligible": "éligible",
    "non_eligible": "non éligible",
    "a_confirmer": "à confirmer",
}

WINDOW_LABELS: Final[dict[str, str]] = {
    "ouvert": "ouverte",
    "ferme": "fermée",
    "a_venir": "à venir",
    "inconnu": "dates inconnues",
}

WINDOW_KIND_LABELS: Final[dict[str, str]] = {
    "candidature": "candidature",
    "declaration": "déclaration d'atteinte des objectifs",
    "paiement": "paiement",
}

OBLIGATION_STATUS_LABELS: Final[dict[str, str]] = {
    "applicable": "s'applique",
    "non_applicable": "ne s'applique pas",
    "a_confirmer": "à confirmer",
}

# The documented profile keys, in the order the interview asks about them.
PROFILE_KEYS: Final[tuple[str, ...]] = (
    "categorie",
    "etablissement_support",
    "finess_ej",
    "finess_eg",
    "pssi_validee_representant_legal",
    "pssi_revue_le",
    "organisation_pcra",
    "activite",
    "dispositifs",
)

FIELD_LABELS: Final[dict[str, str]] = {
    "categorie": "catégorie de la structure",
    "etablissement_support": "établissement support du GHT",
    "finess_ej": "FINESS juridique (EJ)",
    "finess_eg": "FINESS géographiques (EG)",
    "pssi_validee_representant_legal": "validation de la PSSI par le représentant légal",
    "pssi_revue_le": "date de la dernière revue de la PSSI",
    "organisation_pcra": "organisation projet du PCRA",
    "activite": "parts d'activité couvertes par le projet",
    "dispositifs": "dispositifs à vérifier",
}

# What to find out when a field is not known (used in verdicts and by the interview).
FIELD_IF_UNKNOWN: Final[dict[str, str]] = {
    "categorie": (
        "Précisez la nature de votre structure : son autorisation d'établissement de santé "
        "délivrée par l'ARS, ou son statut médico-social, figure dans le répertoire FINESS."
    ),
    "etablissement_support": (
        "Demandez à votre direction quel établissement est l'établissement support de votre "
        "GHT (il figure dans la convention constitutive du GHT)."
    ),
    "finess_ej": "Retrouvez le FINESS juridique sur l'annuaire FINESS ou auprès de votre DAF.",
    "finess_eg": (
        "Listez les FINESS géographiques de vos sites (annuaire FINESS, rubrique "
        "établissements rattachés à votre entité juridique)."
    ),
    "pssi_validee_representant_legal": (
        "Vérifiez auprès du RSSI ou de la direction que la PSSI a été validée (signée) par "
        "le représentant légal, et conservez cette preuve."
    ),
    "pssi_revue_le": (
        "Retrouvez la date de la dernière revue de la PSSI (historique des versions du "
        "document, auprès du RSSI)."
    ),
    "organisation_pcra": (
        "Vérifiez qu'une organisation projet existe pour construire et maintenir le PCRA "
        "(pilote, équipe, comitologie) ; une organisation déjà documentée peut être reprise."
    ),
    "activite": (
        "Demandez au contrôle de gestion ou au DIM la part de l'activité cumulée portée par "
        "chaque établissement inclus dans le périmètre du projet."
    ),
    "$candidature_opens": "Consultez le calendrier du dispositif (ANS, ARS).",
    "$candidature_closes": "Consultez le calendrier du dispositif (ANS, ARS).",
}

VARIABLE_LABELS: Final[dict[str, str]] = {
    "$candidature_opens": "date d'ouverture de la candidature",
    "$candidature_closes": "date de clôture de la candidature",
    "$as_of": "date du jour",
}
