"""What a question asks for: dates, amounts, counts, lists, who, eligibility, definitions, how-to.

``asks(question)`` returns every intent found, in a stable order, each with the fact attribute
it maps to when there is one (``Ask.attribute``: "candidature", "enveloppe", "prerequis"…, see
``facts.table.ATTRIBUTES``). A question may carry several: « montant et date limite du D2 » asks
an amount and a date. Cues are matched on plain text (no accents, no punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from facts.text import plain

DATE = "date"
AMOUNT = "amount"
COUNT = "count"
LIST = "list"
WHO = "who"
ELIGIBILITY = "eligibility"
DEFINITION = "definition"
HOWTO = "howto"
KINDS = (DATE, AMOUNT, COUNT, LIST, WHO, ELIGIBILITY, DEFINITION, HOWTO)


@dataclass(frozen=True)
class Ask:
    """One intent of a question.

    ``attribute`` names the fact that answers it ("candidature", "declaration", "paiement",
    "arrete", "controle", "echeance", "enveloppe", "montant_etablissement", "beneficiaires",
    "prerequis", "objectifs", "preuves", "actions", "depot", "contacts") or is None when the
    question does not say (a bare "quand ?"). ``bound`` is "start" or "end" for dates.
    """

    kind: str
    attribute: str | None = None
    bound: str | None = None


def _cues(*words: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(words) + r")(?![a-z0-9])")


_DATE = _cues(
    r"quand(?! meme)", r"quelle date", r"quelles dates", r"a quelle date", r"dates?",
    r"date limite", r"jusqu a quand", r"avant quand", r"deadline", r"calendrier", r"echeances?",
    r"delais?",
    r"cloture\w*", r"clos", r"close", r"ferme\w*", r"ouvert\w*+(?! aux?\b)", r"ouvre\w*",
    r"ouverture",
    r"au plus tard", r"dernier delai", r"a partir de quand", r"depuis quand", r"en quelle annee",
    r"quel jour", r"quel mois", r"debut", r"commence\w*", r"fin", r"termine\w*", r"encore temps",
    r"trop tard", r"encore possible",
)  # fmt: skip
_END = _cues(
    r"date limite", r"jusqu a quand", r"avant quand", r"deadline", r"cloture\w*", r"clos",
    r"close", r"ferme\w*", r"au plus tard", r"dernier delai", r"fin", r"termine\w*",
    r"encore temps", r"trop tard", r"encore possible", r"limite",
)  # fmt: skip
_START = _cues(
    r"ouvert\w*+(?! aux?\b)", r"ouvre\w*", r"ouverture", r"a partir de quand", r"depuis quand",
    r"debut", r"commence\w*", r"lance\w*", r"lancement",
)  # fmt: skip
_PHASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paiement", _cues(r"paiements?", r"versements?", r"verse\w*", r"paye\w*", r"payes?",
                       r"percevoir", r"percu\w*", r"toucher", r"remboursement")),
    ("controle", _cues(r"controles?", r"controle\w*", r"verification\w*", r"instruction des")),
    ("declaration", _cues(r"declar\w*", r"atteinte", r"preuves?", r"justificatifs?")),
    ("candidature", _cues(r"candidat\w*", r"postuler", r"deposer (?:un |le |mon |notre |son )?"
                          r"dossier", r"depot (?:du |des )?dossiers?", r"s inscrire")),
    ("arrete", _cues(r"arretes?", r"publie\w*", r"publication", r"signe\w*", r"signature",
                     r"journal officiel", r"bulletin officiel", r"jorf", r"lance", r"lancement")),
)  # fmt: skip
_AMOUNT = _cues(
    r"montants?", r"enveloppes?", r"budget\w*", r"m€", r"€", r"euros?", r"millions?",
    r"combien d argent",
    r"combien(?: \w+){0,3} (?:toucher|touche\w*|percevoir|percoi\w*|percu|recevoir|recoi\w*"
    r"|obtenir|obtien\w*)",
    r"combien (?:coute|rapporte|finance)", r"financement de combien", r"quelle somme",
    r"la somme", r"dotations?", r"subvention de combien", r"quelle aide", r"combien pour",
    r"a combien",
)  # fmt: skip
_PER_ESTABLISHMENT = _cues(
    r"par etablissement", r"par candidat", r"chaque etablissement", r"notre etablissement",
    r"mon etablissement", r"nous", r"on touche", r"plafond", r"par structure", r"par ght",
)  # fmt: skip
_COUNT = _cues(r"combien d (?!argent)\w+", r"combien de (?!temps)\w+", r"nombre d\w*")
_LIST_NOUNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("preuves", _cues(r"preuves?", r"pieces?", r"justificatifs?", r"documents? a fournir",
                      r"documents? a deposer", r"quoi fournir", r"quoi deposer", r"livrables?",
                      r"documents? attendus?", r"que faut il fournir", r"que faut il deposer")),
    ("prerequis", _cues(r"prerequis", r"pre requis", r"conditions? prealables?",
                        r"conditions? pour candidater", r"conditions? d acces")),
    ("objectifs", _cues(r"objectifs?", r"cibles?", r"exigences?", r"attendus?")),
    ("actions", _cues(r"actions?", r"mesures?", r"obligations?")),
    ("etapes", _cues(r"etapes?", r"phases?")),
    ("categories", _cues(r"categories", r"types? d etablissements?")),
    ("rubriques", _cues(r"rubriques?", r"sections?", r"champs?", r"mentions?")),
    ("criteres", _cues(r"criteres?", r"conditions?", r"faiblesses?", r"points? faibles?",
                       r"recommandations?")),
)  # fmt: skip
_LIST = _cues(
    r"quel(?:le)?s", r"liste\w*", r"enumer\w*", r"lesquel(?:le)?s", r"detail\w*", r"recapitul\w*",
    r"que faut il", r"quoi",
)  # fmt: skip
_WHO = _cues(
    r"^qui", r"qui (?:depose|signe|porte|valide|pilote|doit|fait|controle|verse|paie|gere|finance"
    r"|instruit|declare|remplit|saisit)\w*", r"a qui", r"aupres de qui", r"quel interlocuteur",
    r"quels interlocuteurs", r"quel contact", r"quels contacts", r"qui contacter",
    r"sur quelle plateforme", r"quelle plateforme", r"ou deposer", r"ou se deposer",
    r"ou candidater", r"ou declarer",
)  # fmt: skip
_CONTACTS = _cues(
    r"a qui", r"aupres de qui", r"interlocuteurs?", r"contacts?", r"qui contacter",
    r"a qui s adresser", r"qui appeler",
)  # fmt: skip
_CAN_APPLY = _cues(
    r"peu(?:t|vent) (?:\w+ )?(?:candidater|beneficier|postuler|en beneficier)",
    r"pouvons nous (?:candidater|beneficier|postuler|en beneficier)",
    r"puis je (?:candidater|beneficier|postuler)",
)  # fmt: skip  (with a date cue, « jusqu'à quand peut-on candidater » asks a date)
_ELIGIBILITY = _cues(
    r"eligib\w*", r"ayant droit", r"a droit", r"avons nous droit", r"ai je droit", r"droit a",
    r"beneficiaires?", r"qui peut",
    r"qui peuvent", r"s adresse a qui", r"ouverte?s? aux?", r"sommes nous concernes",
    r"est (?:il |elle )?concernee?s?", r"suis je concerne\w*", r"qui est concerne\w*",
    r"s applique\w* (?:aussi |egalement )?(?:a|aux)",
    r"s impose\w* (?:aussi |egalement )?aux?", r"(?:est|sont) pour nous", r"nous concerne\w*",
    r"pour nous",
    r"vise\w* (?:les|quels|qui)",
)  # fmt: skip
_DEFINITION = _cues(
    r"c est quoi", r"qu est ce que", r"qu est ce qu", r"ce que c est", r"que veut dire",
    r"que signifie",
    r"ca veut dire quoi", r"veut dire quoi", r"definition", r"definir", r"signifie",
    r"kesako", r"ca designe quoi", r"designe quoi", r"c est qui",
    r"a quoi sert", r"a quoi servent", r"explique\w* moi ce qu",
)  # fmt: skip
_HOWTO = _cues(
    r"comment", r"que faire", r"que dois je faire", r"que devons nous faire", r"quelles demarches",
    r"quelle demarche", r"procedure", r"marche a suivre", r"etapes? pour", r"par ou commencer",
    r"comment faire",
)  # fmt: skip


_DECLARING = _cues(r"declar\w*", r"atteinte")
_FILING = _cues(r"candidat\w*", r"deposer", r"depose\w*", r"declarer", r"postuler")
# phrases whose nouns are not what the question lists: "déclaration d'atteinte des objectifs"
_NEUTRAL = re.compile(r"atteinte des objectifs|atteinte d objectifs|sur objectifs")


def asks(question: str) -> tuple[Ask, ...]:
    """Every intent of the question (see the module docstring); empty when none is recognised."""
    text = _NEUTRAL.sub("atteinte", plain(question))
    found: list[Ask] = []
    if _DEFINITION.search(text):
        found.append(Ask(DEFINITION))
    dated = bool(_DATE.search(text))
    counted = bool(_COUNT.search(text))  # « combien de dossiers éligibles » is a count
    if (_ELIGIBILITY.search(text) and not counted) or (_CAN_APPLY.search(text) and not dated):
        found.append(Ask(ELIGIBILITY, "beneficiaires"))
    noun = _list_noun(text)
    if noun is not None and (_LIST.search(text) or _plural_noun(text) or not dated):
        found.append(Ask(LIST, noun))  # « prérequis du D1 ? » asks the list too
    if dated:
        found.append(_date_ask(text))
    if _AMOUNT.search(text):
        per_establishment = bool(_PER_ESTABLISHMENT.search(text))
        found.append(Ask(AMOUNT, "montant_etablissement" if per_establishment else "enveloppe"))
    elif _COUNT.search(text):
        found.append(Ask(COUNT))
    if _WHO.search(text) and not any(a.kind == ELIGIBILITY for a in found):
        found.append(Ask(WHO, "contacts" if _CONTACTS.search(text) else "depot"))
    if _HOWTO.search(text):
        filing = _FILING.search(text) and not any(a.attribute == "depot" for a in found)
        found.append(Ask(HOWTO, "depot" if filing else None))
        if filing and _DECLARING.search(text) and not any(a.kind == LIST for a in found):
            found.append(Ask(LIST, "preuves"))  # « comment déclarer » : ce qu'on dépose
    return tuple(sorted(found, key=lambda ask: _position(ask, text)))


def _position(ask: Ask, text: str) -> int:
    """Where the question asks it: « quand ouvre le D1 bis et qui peut y candidater ? » asks the
    date first. Intents with no cue of their own keep their place at the end."""
    pattern = _KIND_CUES.get(ask.kind)
    match = pattern.search(text) if pattern is not None else None
    return match.start() if match else len(text)


_KIND_CUES: dict[str, re.Pattern[str]] = {}


def _date_ask(text: str) -> Ask:
    phase = next((name for name, pattern in _PHASES if pattern.search(text)), None)
    bound = "end" if _END.search(text) else "start" if _START.search(text) else None
    return Ask(DATE, phase, bound)


def _list_noun(text: str) -> str | None:
    """The noun of the list asked: the first one in the question that is not the complement
    of another (« les 3 ensembles d'actions » does not ask for the actions)."""
    found: list[tuple[int, str]] = []
    for noun, pattern in _LIST_NOUNS:
        for match in pattern.finditer(text):
            before = text[: match.start()]
            counted = before.endswith(("combien d ", "combien de ", "nombre d ", "liste d "))
            if counted or not before.endswith(("d ", "de ")):
                found.append((match.start(), noun))
                break
    if _GROUPS.search(text) and not any(noun != "actions" for _, noun in found):
        return None  # « les ensembles d'actions »: groups of items, not the items
    return min(found)[1] if found else None


_GROUPS = _cues(r"ensembles?", r"groupes?", r"familles?", r"blocs?", r"axes?")


_PLURAL_LIST = re.compile(
    r"(?<![a-z0-9])(?:les|des|ses|leurs|vos|nos) (?:\d+ |deux |trois |quatre |cinq |six |sept )?"
    r"(?:preuves|pieces|justificatifs|prerequis|objectifs|cibles|actions|mesures|obligations"
    r"|exigences|documents|livrables)(?![a-z0-9])"
)


def _plural_noun(text: str) -> bool:
    """« les prérequis du D1 », « les 7 actions » ask for a list without "quels"."""
    return bool(_PLURAL_LIST.search(text))


def wants(asks_: tuple[Ask, ...], kind: str) -> bool:
    return any(ask.kind == kind for ask in asks_)


_KIND_CUES.update(
    {
        DATE: _DATE,
        AMOUNT: _AMOUNT,
        COUNT: _COUNT,
        WHO: _WHO,
        DEFINITION: _DEFINITION,
        HOWTO: _HOWTO,
        ELIGIBILITY: re.compile(f"{_ELIGIBILITY.pattern}|{_CAN_APPLY.pattern}"),
        LIST: re.compile("|".join(p.pattern for _, p in _LIST_NOUNS) + f"|{_LIST.pattern}"),
    }
)
