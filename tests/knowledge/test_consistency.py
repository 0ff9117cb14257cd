"""Consistency of the knowledge base: so that the errors of the 2026-12 audit cannot come back.

1. Evidence date ≠ review date: every note says when its newest evidence dates from.
2. Flags follow facts: an uncertain fact is flagged wherever it is repeated; a refuted claim is
   repeated nowhere (except to correct it); structured repetitions carry the fact's certainty.
3. Verdicts no stronger than their evidence: every rule says what it rests on.
4. Every source URL names a page, not a site's home page.
5. ``knowledge/facts.yaml`` (the answer pipeline's fact table), once it exists, obeys the same.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from care_common.french_text import fold_phrase
from eligibility.vocabulary import BASES, DECISIVE_OUTCOMES, WEAK_BASES
from tests.knowledge.knowledge_units import (
    CORRECTION_CUES,
    FACT_STATUSES,
    Fact,
    Unit,
    all_units,
    as_date,
    calendar_entries,
    fact_status,
    facts_table,
    note_facts,
    notes,
    rule_tables,
)

NOTES = notes()
FACTS = note_facts()
UNITS = all_units()
_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*#[a-z0-9]+(?:-[a-z0-9]+)*$")


# -- 1. evidence dates -------------------------------------------------------------------------
@pytest.mark.parametrize("note_id", sorted(NOTES))
def test_every_note_dates_its_newest_evidence(note_id: str) -> None:
    meta, _ = NOTES[note_id]
    evidence = as_date(meta.get("evidence"))
    assert evidence is not None, f"{note_id}: add 'evidence: AAAA-MM-JJ' (newest source date)"
    dated = [as_date(meta.get("published"))]
    dated += [as_date(source.get("date")) for source in meta.get("sources") or []]
    newest = max(d for d in dated if d is not None)
    assert evidence == newest, f"{note_id}: evidence should be {newest} (its newest source)"
    assert evidence <= as_date(meta["checked"])  # type: ignore[operator]


def test_notes_never_date_a_gap_by_the_review_day() -> None:
    """ "Non retrouvé au 28 novembre 2026" claims a check the evidence does not support."""
    review_days = {fold_phrase(f"{d.day} novembre {d.year}") for d in _review_dates()}
    offenders = [
        u.where
        for u in UNITS
        if any(day in fold_phrase(u.text) for day in review_days)
        or "date de verification" in fold_phrase(u.text)
    ]
    assert not offenders, offenders


def _review_dates() -> set[date]:
    return {d for meta, _ in NOTES.values() if (d := as_date(meta.get("checked")))}


# -- 2. flags follow facts ---------------------------------------------------------------------
def test_facts_are_well_formed() -> None:
    assert FACTS, "no fact declared in the notes' front matter"
    for fact in FACTS.values():
        assert fact.status in FACT_STATUSES, fact.ref
        assert fact.says, f"{fact.ref}: 'says' paraphrases the fact"
        if fact.status != "confirme":
            assert fact.pattern is not None, f"{fact.ref}: an uncertain fact needs a pattern"


@pytest.mark.parametrize("ref", sorted(r for r, f in FACTS.items() if f.pattern is not None))
def test_a_fact_pattern_finds_its_own_statement(ref: str) -> None:
    """A pattern that matches nothing checks nothing: it must match the owning note."""
    fact = FACTS[ref]
    own = [u for u in UNITS if u.where.startswith(f"{fact.note} >") and _states(u, fact)]
    if fact.status == "refute":
        return  # a refuted claim may have been removed from its note altogether
    assert own, f"{ref}: the pattern matches no sentence of {fact.note}"


def _states(unit: Unit, fact: Fact) -> bool:
    return fact.pattern is not None and fact.pattern.search(fold_phrase(unit.text)) is not None


def leaked(fact: Fact, units: list[Unit]) -> list[str]:
    """Sentences repeating an uncertain fact without its flag."""
    return [f"{u.where}: {u.text}" for u in units if _states(u, fact) and not u.flagged]


def restated(fact: Fact, units: list[Unit]) -> list[str]:
    """Sentences stating a refuted claim other than to correct it."""
    return [
        f"{u.where}: {u.text}"
        for u in units
        if _states(u, fact) and not CORRECTION_CUES.search(fold_phrase(u.text))
    ]


def test_the_scanner_catches_a_lost_flag_and_a_restated_error() -> None:
    support = FACTS["care-eligibilite#ght-depot-support"]
    units = [
        Unit("faq", "Un GHT dépose un seul dossier, porté par l'établissement support.", False),
        Unit("faq", "Ce dossier est porté par l'établissement support (à confirmer).", False),
        Unit("règle", "Le dossier est déposé par l'établissement support.", True),
        Unit("faq", "Un GHT dépose un seul dossier pour ses établissements.", False),
    ]
    assert leaked(support, units) == [f"faq: {units[0].text}"]
    wrong_date = FACTS["care-d1-bis#arrete-date-signature"]
    units = [
        Unit("glossaire", "Le D1 bis est encadré par un arrêté du 30 janvier 2026.", False),
        Unit("note", "L'appeler « arrêté du 30 janvier 2026 » est inexact.", False),
        Unit("note", "Un arrêté relatif au D1 bis a été publié le 30 janvier 2026.", False),
    ]
    assert restated(wrong_date, units) == [f"glossaire: {units[0].text}"]


@pytest.mark.parametrize(
    "ref", sorted(r for r, f in FACTS.items() if f.status == "a_confirmer" and f.pattern)
)
def test_an_uncertain_fact_stays_flagged_wherever_it_is_repeated(ref: str) -> None:
    fact = FACTS[ref]
    leaks = leaked(fact, UNITS)
    assert not leaks, f"{ref} ({fact.says}) repeated without '(à confirmer)':\n" + "\n".join(leaks)


@pytest.mark.parametrize("ref", sorted(r for r, f in FACTS.items() if f.status == "refute"))
def test_a_refuted_claim_is_repeated_nowhere(ref: str) -> None:
    fact = FACTS[ref]
    found = restated(fact, UNITS)
    assert not found, f"{ref} ({fact.says}) is wrong but still stated:\n" + "\n".join(found)


def _structured_refs() -> list[tuple[str, list[str], bool, bool]]:
    """(where, fact refs, flagged, exact): calendar milestones, windows and rules citing facts.

    ``exact``: the item states only these facts, so it must be flagged if and only if one of
    them is uncertain (a date); a rule may be uncertain for other reasons too.
    """
    items: list[tuple[str, list[str], bool, bool]] = []
    for entry in calendar_entries():
        flagged = entry.get("certainty") == "a_confirmer"
        items.append((f"calendar {entry['id']}", list(entry.get("facts") or []), flagged, True))
    for path, table in rule_tables():
        name = f"{path.parent.name}/{path.name}"
        for window in table.get("windows") or []:
            flagged = window.get("certainty") == "a_confirmer"
            refs = list(window.get("facts") or [])
            dated = bool(window.get("opens") or window.get("closes"))  # no date: nothing to copy
            items.append((f"{name} window {window['kind']}", refs, flagged, dated))
        for rule in table.get("rules") or []:
            flagged = rule.get("certainty") == "a_confirmer" or rule.get("outcome") in (
                "a_confirmer",
                "objective",
            )
            items.append((f"{name} {rule['id']}", list(rule.get("facts") or []), flagged, False))
    return items


def test_structured_repetitions_carry_the_certainty_of_their_facts() -> None:
    problems = []
    for where, refs, flagged, exact in _structured_refs():
        for ref in refs:
            if ref not in FACTS:
                problems.append(f"{where}: unknown fact {ref}")
            elif FACTS[ref].status == "refute":
                problems.append(f"{where}: repeats the refuted claim {ref}")
        statuses = {FACTS[r].status for r in refs if r in FACTS}
        uncertain = "a_confirmer" in statuses
        if uncertain and not flagged:
            problems.append(f"{where}: repeats an uncertain fact but is not 'a_confirmer'")
        if exact and refs and not uncertain and flagged:
            problems.append(f"{where}: every fact it repeats is confirmed: it is over-flagged")
    assert not problems, "\n".join(problems)


def test_the_dated_items_of_the_calendar_and_windows_name_their_facts() -> None:
    """Dates are what referents copy: every milestone and window says which fact it repeats."""
    missing = [where for where, refs, _, exact in _structured_refs() if exact and not refs]
    assert not missing, missing


# -- 3. verdicts no stronger than their evidence ----------------------------------------------
def test_every_rule_says_what_it_rests_on() -> None:
    problems = []
    for path, table in rule_tables():
        for rule in table.get("rules") or []:
            where = f"{path.parent.name}/{path.name} {rule['id']}"
            basis = rule.get("basis")
            if basis not in BASES:
                problems.append(f"{where}: basis {basis!r} (one of {BASES})")
            decisive = rule.get("outcome") in DECISIVE_OUTCOMES
            confirmed = rule.get("certainty", "confirme") == "confirme"
            if basis in WEAK_BASES and decisive and confirmed:
                problems.append(f"{where}: rests on {basis} but gives a confirmed verdict")
    assert not problems, "\n".join(problems)


# -- 4. URLs name pages ------------------------------------------------------------------------
def _urls() -> list[tuple[str, str]]:
    found = []
    for note_id, (meta, _) in NOTES.items():
        found.append((note_id, str(meta["url"])))
        found += [(note_id, str(s["url"])) for s in meta.get("sources") or []]
    found += [(f"facts.yaml {e.get('id')}", str(e["url"])) for e in facts_table() if e.get("url")]
    return found


def test_every_source_url_names_a_page_not_a_site_root() -> None:
    roots = []
    for where, url in _urls():
        if not _names_a_page(url):
            roots.append(f"{where}: {url} (a site's home page or not a web address)")
    assert not roots, "\n".join(roots)


def _names_a_page(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return False
    return bool(parsed.path.strip("/") or parsed.query)


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://www.hopitalex.com", False),
        ("https://a3com.fr/", False),
        ("ftp://example.org/doc", False),
        ("https://www.hopitalex.com/donnees-juridiques?action=affichedoc&doc=12294", True),
        ("https://esante.gouv.fr/FAQ-CaRE", True),
    ],
)
def test_a_site_root_is_not_a_page(url: str, page: bool) -> None:
    assert _names_a_page(url) is page


# -- 5. the answer pipeline's fact table -------------------------------------------------------
def fact_table_problems(entries: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the entries of ``knowledge/facts.yaml`` (the answer pipeline's table).

    Entries name their note (``note`` or ``source``), their pages (``urls`` or ``url``), their
    ``evidence`` date and their ``status`` (confirme | a_confirmer | inconnu; a fact dated by the
    calendar takes the certainty of its milestones), and may cite note facts (``facts``).
    """
    problems = []
    for entry in entries:
        where = f"facts.yaml {entry.get('id')}"
        status = fact_status(entry)
        if status not in ("confirme", "a_confirmer", "inconnu"):
            problems.append(f"{where}: status {status!r} (confirme | a_confirmer | inconnu)")
        note = entry.get("note", entry.get("source"))
        if note is not None and note not in NOTES:
            problems.append(f"{where}: unknown source note {note!r}")
        evidence = as_date(entry.get("evidence"))
        if "evidence" in entry and evidence is None:
            problems.append(f"{where}: evidence {entry.get('evidence')!r} is not AAAA-MM-JJ")
        if evidence is not None and note in NOTES:
            note_evidence = as_date(NOTES[note][0].get("evidence"))
            if note_evidence is not None and evidence > note_evidence:
                problems.append(f"{where}: evidence {evidence} newer than its note's")
        urls = entry.get("urls") or ([entry["url"]] if entry.get("url") else [])
        problems += [f"{where}: url {u} is not a page" for u in urls if not _names_a_page(str(u))]
        refs = list(entry.get("facts") or ([entry["note_fact"]] if entry.get("note_fact") else []))
        for ref in refs:
            fact = FACTS.get(ref)
            if fact is None:
                problems.append(f"{where}: unknown note fact {ref}")
            elif fact.status == "refute" or (fact.status == "a_confirmer") != (
                status == "a_confirmer"
            ):
                problems.append(f"{where}: status {status} but {ref} is {fact.status}")
    return problems


def test_the_fact_table_obeys_the_same_rules() -> None:
    entries = facts_table()
    if not entries:
        pytest.skip("knowledge/facts.yaml does not exist yet (its checker is tested below)")
    assert not fact_table_problems(entries), "\n".join(fact_table_problems(entries))


def test_the_fact_table_checker_finds_each_kind_of_mistake() -> None:
    good: dict[str, Any] = {
        "id": "D2.declaration_ouverture",
        "status": "confirme",
        "source": "care-calendrier",
        "url": "https://esante.gouv.fr/strategie-nationale/cybersecurite/axe-4",
        "evidence": "2026-01-01",
        "facts": ["care-calendrier#d2-declaration-ouverture"],
    }
    assert fact_table_problems([good]) == []
    uncertain_ref: dict[str, Any] = {**good, "facts": ["care-eligibilite#ght-depot-support"]}
    assert fact_table_problems([{**uncertain_ref, "status": "a_confirmer"}]) == []
    dated = {"id": "d2-candidature", "calendar": "d2-candidature", "note": "care-calendrier"}
    assert fact_table_problems([dated]) == []  # certainty of the milestone: confirme
    assert fact_status({"calendar": "d1bis-guichet"}) == "a_confirmer"
    mistakes: dict[str, dict[str, Any]] = {
        "status": {**good, "status": "probable"},
        "unknown source": {**good, "source": "nulle-part"},
        "unknown note": {**good, "note": "nulle-part"},
        "one url a root": {
            **good,
            "urls": ["https://esante.gouv.fr/FAQ-CaRE", "https://a3com.fr"],
        },
        "evidence": {**good, "evidence": "janvier 2026"},
        "newer evidence": {**good, "evidence": "2026-11-28"},
        "site root": {**good, "url": "https://esante.gouv.fr/"},
        "unknown fact": {**good, "facts": ["care-calendrier#inconnu"]},
        "flag lost": uncertain_ref,
        "over-flagged": {**good, "status": "a_confirmer"},
        "refuted": {**good, "note_fact": "care-d1-bis#arrete-date-signature", "facts": None},
    }
    for name, entry in mistakes.items():
        assert len(fact_table_problems([entry])) == 1, name


def test_a_fact_table_in_any_accepted_shape_is_read(tmp_path: Path) -> None:
    entry = {"status": "confirme", "source": "care-calendrier"}
    shapes = [
        [{"id": "D2.x", **entry}],
        {"facts": [{"id": "D2.x", **entry}]},
        {"D2": {"x": entry}},
    ]
    for shape in shapes:
        path = tmp_path / "facts.yaml"
        path.write_text(yaml.safe_dump(shape, allow_unicode=True), encoding="utf-8")
        assert [e["id"] for e in facts_table(path)] == ["D2.x"], shape


def test_fact_references_are_note_id_hash_fact_id() -> None:
    bad = [
        f"{where}: {ref}"
        for where, refs, _, _ in _structured_refs()
        for ref in refs
        if not _REF.match(ref)
    ]
    assert not bad, bad
