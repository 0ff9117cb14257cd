"""Knowledge access beside retrieval: what the base states as structured facts, and what a
question asks of them.

Public surface::

    base = load_fact_base(knowledge_dir)           # knowledge/facts.yaml + calendar.yaml
    meaning = understand("montant et date limite du D2 ?", base.catalogue, previous=None)
    meaning.dispositifs, meaning.asks   # ("D2",), (Ask("date", None, "end"), Ask("amount", …))
    base.find("D2", "enveloppe")        # Fact(text="L'enveloppe du domaine 2 …", urls=…, status=…)
    base.catalogue.find(text), base.catalogue.conflicts(asked, about)
    base.topic(question)                           # near-domain subject → whom to ask

Pure Python (PyYAML only); importing it costs nothing at start-up.
"""

from facts.catalogue import PROGRAMME, Catalogue, Dispositif
from facts.errors import FactTableError
from facts.intents import AMOUNT, COUNT, DATE, DEFINITION, ELIGIBILITY, HOWTO, LIST, WHO, Ask
from facts.table import ATTRIBUTES, WINDOWS, Fact, FactBase, Topic, load_fact_base
from facts.text import plain
from facts.understanding import Previous, Understanding, item_reference, understand

__all__ = [
    "AMOUNT",
    "ATTRIBUTES",
    "COUNT",
    "DATE",
    "DEFINITION",
    "ELIGIBILITY",
    "HOWTO",
    "LIST",
    "PROGRAMME",
    "WHO",
    "WINDOWS",
    "Ask",
    "Catalogue",
    "Dispositif",
    "Fact",
    "FactBase",
    "FactTableError",
    "Previous",
    "Topic",
    "Understanding",
    "item_reference",
    "load_fact_base",
    "plain",
    "understand",
]
