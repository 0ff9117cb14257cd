"""Evaluation of a profile against a rule set: pure and deterministic given its inputs.

Verdict of a dispositif, from the rules whose condition holds ("fired"):
1. a confirmed ``non_eligible`` rule fired → ``non_eligible`` (nothing else matters);
2. a confirmed ``missing_prerequisite`` fired → ``non_eligible`` as things stand, ``missing``
   says what to do;
3. a rule with outcome ``a_confirmer`` fired, or a rule marked ``certainty: a_confirmer``
   fired with a negative outcome, or a rule could not be decided because a fact is unknown
   → ``a_confirmer`` (the reasons say why, ``missing`` what to find out);
4. an ``eligible`` rule fired → ``eligible``; otherwise ``a_confirmer`` (no rule covers it).
Rules with outcome ``objective`` never change the verdict: when their condition holds they list
what the candidate must reach by the declaration of achievement (e.g. the D2 66 % coverage); an
unknown fact leaves them silent (a table may name the unknown case with its own rule).
The candidature window is reported beside the verdict; unless the verdict is
``non_eligible``, the first reason describes the window (closed → what comes next).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from eligibility.conditions import Context, Truth
from eligibility.profile import Profile
from eligibility.questions import SPECS_BY_FIELD
from eligibility.report import Deadline, EligibilityReport, MissingItem, Obligation, Verdict
from eligibility.rules import Rule, RuleSet, RuleTable
from eligibility.values import fr_number
from eligibility.vocabulary import FIELD_IF_UNKNOWN, FIELD_LABELS, VARIABLE_LABELS
from eligibility.windows import describe_window, window_status

NO_RULE_REASON = (
    "Aucune règle ne couvre votre situation pour ce dispositif : vérifiez-la auprès de votre ARS."
)


def evaluate(profile: Profile, rules: RuleSet, as_of: date) -> EligibilityReport:
    """Verdicts for the dispositifs in scope plus the obligations checklist."""
    scope = profile.dispositifs
    results = tuple(
        _verdict(profile, table, as_of)
        for table in rules.dispositifs
        if scope is None or table.id in scope
    )
    obligations: list[Obligation] = []
    intros: list[str] = []
    for table in rules.obligations:
        items = _obligations(profile, table, as_of)
        obligations += items
        if items and table.intro:
            intros.append(table.intro.strip())
    return EligibilityReport(
        as_of=as_of,
        rules_version=rules.version,
        profile=profile,
        results=results,
        obligations=tuple(obligations),
        obligations_intro="\n".join(intros),
    )


def _context(profile: Profile, table: RuleTable, as_of: date) -> Context:
    candidature = table.window("candidature")
    return Context(
        profile=profile,
        variables={
            "$as_of": as_of,
            "$candidature_opens": candidature.opens if candidature else None,
            "$candidature_closes": candidature.closes if candidature else None,
        },
    )


@dataclass
class _Outcome:
    fired: list[Rule]
    undecided: list[tuple[Rule, Truth]]
    objectives: list[Rule]  # objective rules whose condition holds

    def any(self, outcome: str, certainty: str | None = None) -> list[Rule]:
        return [
            r
            for r in self.fired
            if r.outcome == outcome and (certainty is None or r.certainty == certainty)
        ]


def _verdict(profile: Profile, table: RuleTable, as_of: date) -> Verdict:
    ctx = _context(profile, table, as_of)
    outcome = _Outcome([], [], [])
    for rule in table.rules:
        truth = rule.condition.evaluate(ctx)
        if rule.outcome == "objective":
            if truth.value is True:
                outcome.objectives.append(rule)
            continue
        if truth.value is True:
            outcome.fired.append(rule)
        elif truth.value is None:
            outcome.undecided.append((rule, truth))
    blocking = outcome.any("non_eligible", "confirme")
    if blocking:
        return _build(table, as_of, profile, "non_eligible", _Outcome(blocking, [], []), [])
    unknown = _unknown_fields(outcome.undecided, profile)
    if outcome.any("missing_prerequisite", "confirme"):
        verdict = "non_eligible"
    elif (
        outcome.any("a_confirmer")
        or any(r.certainty == "a_confirmer" for r in outcome.fired)
        or unknown
        or not outcome.any("eligible")
    ):
        verdict = "a_confirmer"
    else:
        verdict = "eligible"
    return _build(table, as_of, profile, verdict, outcome, unknown)


def _unknown_fields(undecided: Iterable[tuple[Rule, Truth]], profile: Profile) -> list[str]:
    """The unknown facts to find out, in interview order.

    Only the facts whose question would be asked now are reported (with an unknown category,
    the category — not the PSSI of an establishment that may be an ESMS); when none is, all.
    """
    fields: list[str] = []
    for _rule, truth in undecided:
        fields += [f for f in truth.unknown if f not in fields]
    order = {name: n for n, name in enumerate(SPECS_BY_FIELD)}
    fields.sort(key=lambda name: order.get(name, len(order)))
    askable = [f for f in fields if _askable(f, profile)]
    return askable or fields


def _askable(field: str, profile: Profile) -> bool:
    spec = SPECS_BY_FIELD.get(field)
    if spec is None:
        return True
    return spec.ask_if.evaluate(Context(profile, {})).value is True


def _build(
    table: RuleTable,
    as_of: date,
    profile: Profile,
    verdict: str,
    outcome: _Outcome,
    unknown: list[str],
) -> Verdict:
    fired = outcome.fired
    candidature = table.window("candidature")
    reasons: list[str] = []
    if verdict != "non_eligible" and candidature is not None:
        reasons.append(describe_window(candidature, as_of))
    missing: list[MissingItem] = []
    for rule in fired:
        reasons.append(_fill(rule.reason, profile))
        if rule.missing:
            missing.append(MissingItem(rule.missing, _fill(rule.action, profile)))
        elif rule.action:
            reasons.append(f"À faire : {_lower_first(_fill(rule.action, profile))}")
    for name in unknown:
        label = FIELD_LABELS.get(name) or VARIABLE_LABELS.get(name, name)
        reasons.append(f"Information manquante : {label} ; le verdict reste à confirmer.")
        missing.append(MissingItem(f"À vérifier : {label}", FIELD_IF_UNKNOWN.get(name, "")))
    if verdict == "a_confirmer" and not fired and not unknown:
        reasons.append(NO_RULE_REASON)
    if unknown or any(rule.outcome == "eligible" for rule in fired):
        reasons += [note.strip() for note in table.notes]  # notes concern candidates only
    objectives = [
        MissingItem(_fill(rule.missing, profile), _fill(rule.action, profile))
        for rule in outcome.objectives
    ]
    sources = [s for rule in (*fired, *outcome.objectives) for s in rule.sources]
    if candidature is not None and verdict != "non_eligible":
        sources += candidature.sources
    return Verdict(
        dispositif=table.id,
        title=table.title,
        verdict=verdict,
        window=window_status(candidature, as_of),
        reasons=tuple(reasons),
        missing=tuple(missing),
        deadlines=tuple(
            Deadline(w.kind, w.label, w.opens, w.closes, window_status(w, as_of), w.certainty)
            for w in table.windows
        ),
        sources=tuple(dict.fromkeys([*sources, *table.sources])),
        rules_version=table.version,
        fired=tuple(rule.id for rule in (*fired, *outcome.objectives)),
        unknown=tuple(unknown),
        objectives=tuple(objectives),
    )


def _lower_first(text: str) -> str:
    """French puts a lower-case letter after a colon (acronyms such as "ARS" are kept)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _fill(text: str, profile: Profile) -> str:
    """Replace the placeholders a rule text may use (only these, no formatting language)."""
    share = profile.covered_share()
    return text.replace("{part_couverte}", fr_number(share) if share is not None else "?").strip()


def _obligations(profile: Profile, table: RuleTable, as_of: date) -> list[Obligation]:
    ctx = _context(profile, table, as_of)
    items: list[Obligation] = []
    for item in table.items:
        truth = item.applies_if.evaluate(ctx)
        if truth.value is False or (truth.value is None and item.status == "non_applicable"):
            continue
        status = item.status if truth.value else "a_confirmer"
        items.append(
            Obligation(item.id, item.title, item.asks.strip(), status, item.deadline, item.sources)
        )
    return items
