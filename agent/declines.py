"""What the assistant says when it does not answer, and whom it points to.

The contact depends on the topic of the question (``knowledge/facts.yaml``, ``topics``): the DPO
and the CNIL for personal data, the accredited certification bodies for HDS, the CERT Santé for
an attack in progress, the ARS and the ANS for CaRE itself.
"""

from __future__ import annotations

from facts import Topic

NOT_FOUND_LEAD = (
    "Je ne sais pas : je n'ai trouvé aucune source fiable dans ma base de connaissances "
    "pour répondre à cette question, et je préfère ne pas inventer."
)
CARE_CONTACTS = (
    "• programme CaRE, guichets et éligibilité : votre ARS (agence régionale de santé) "
    "ou votre GRADeS ;\n"
    "• contenu des dispositifs et plateformes eCaRE / Convergence : l'ANS (Agence du "
    "numérique en santé) ;\n"
    "• incident de sécurité en cours : signalez-le sans attendre sur le portail de "
    "signalement et contactez le CERT Santé."
)
NOT_FOUND_TEXT = f"{NOT_FOUND_LEAD}\nPour aller plus loin :\n{CARE_CONTACTS}"
OUT_OF_SCOPE_LEAD = (
    "Je ne peux pas répondre à cette question : elle sort du périmètre de ma base de "
    "connaissances (programme CaRE, obligations de sécurité des établissements de santé), et "
    "je préfère ne pas inventer."
)
URGENT_TAIL = (
    "Je ne peux pas piloter la réponse à un incident : appliquez vos procédures de crise et "
    "suivez les consignes du CERT Santé. Une fois l'urgence passée, je peux vous rappeler les "
    "obligations de signalement."
)


def decline_text(topic: Topic | None) -> str:
    """The decline for a question of this topic (None: a CaRE question the base cannot answer)."""
    if topic is None:
        return NOT_FOUND_TEXT
    if topic.urgent:
        return f"{topic.text}\n{URGENT_TAIL}"
    return f"{OUT_OF_SCOPE_LEAD}\nPour aller plus loin :\n{topic.text}"
