"""The drafting dialogues: /fiche_projet, /lettre_engagement and /mes_dossiers.

Modules::

    flow.py         DraftingFlow (FicheProjetFlow, LettreEngagementFlow): start, resume, route
    steps.py        Interview: the question/answer steps on one draft (skip, back, generate…)
    suggestions.py  DraftingHelp: « proposer une rédaction » (when a model is configured)
    texts.py        the French texts of these dialogues
    menu.py         DraftsMenuFlow (/mes_dossiers); build_drafting_flows makes all three

Where the dialogue stands (the next question, lists item by item) is pure domain logic in
``drafting.walk``.
"""

from agent.flows.drafting.flow import DraftingFlow, FicheProjetFlow, LettreEngagementFlow
from agent.flows.drafting.menu import DraftsMenuFlow, build_drafting_flows
from agent.flows.drafting.suggestions import DraftingHelp

__all__ = [
    "DraftingFlow",
    "DraftingHelp",
    "DraftsMenuFlow",
    "FicheProjetFlow",
    "LettreEngagementFlow",
    "build_drafting_flows",
]
