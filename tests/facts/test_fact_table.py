"""The fact table agrees with the calendar, the rule tables and the notes (one source of truth).

Every test here reads the real knowledge files: when two files disagree, one of these fails and
names the fact.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from care_common.french_dates import date_in_words
from care_common.french_text import fold
from eligibility import RuleBook, check_eligibility, load_rule_book
from facts import ATTRIBUTES, FactBase, FactTableError, load_fact_base
from retrieval import SourceNote, load_source_notes

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
_FIGURE = re.compile(r"\d+(?:[ ,]\d+)*\s?(?:M€|%)|\b\d{1,2}(?:er)? \w+ \d{4}\b")


@pytest.fixture(scope="module")
def base() -> FactBase:
    return load_fact_base(KNOWLEDGE)


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return load_rule_book(KNOWLEDGE / "eligibility")


@pytest.fixture(scope="module")
def notes() -> dict[str, SourceNote]:
    return {note.id: note for note in load_source_notes(KNOWLEDGE)}


def test_every_fact_names_a_known_note_and_pages_that_note_lists(
    base: FactBase, notes: dict[str, SourceNote]
) -> None:
    listed = {note.url for note in notes.values()}
    listed |= {link.url for note in notes.values() for link in note.links}
    for fact in base.facts:
        assert fact.note in notes, fact.id
        assert set(fact.urls) <= listed, f"{fact.id}: {set(fact.urls) - listed}"


def test_figures_of_a_fact_are_found_in_its_note(
    base: FactBase, notes: dict[str, SourceNote]
) -> None:
    """A date or an amount the fact states must be stated by the note it cites."""
    for fact in base.facts:
        body = fold(" ".join(notes[fact.note].path.read_text(encoding="utf-8").split()))
        for figure in _FIGURE.findall(" ".join((fact.text, *fact.items))):
            assert fold(figure) in body, f"{fact.id}: « {figure} » absent de {fact.note}"


def test_dated_facts_take_their_dates_from_the_calendar(base: FactBase) -> None:
    for fact in base.facts:
        if not fact.calendar:
            continue
        for day in (fact.start, fact.end):
            if day is not None:
                assert date_in_words(day, year=False) in fact.text, fact.id


def test_windows_agree_with_the_rule_tables(base: FactBase, book: RuleBook) -> None:
    checked = 0
    for fact in base.facts:
        if fact.window is None:
            continue
        table_id, _, kind = fact.window.partition("/")
        window = book.versions_by_table[table_id][-1].window(kind)
        assert window is not None, fact.id
        if window.opens is not None:
            assert fact.start == window.opens, fact.id
        if window.closes is not None and fact.end is not None:
            assert fact.end == window.closes, fact.id
        elif window.closes is not None:
            assert fact.start == window.closes, fact.id  # a one-day milestone
        assert (fact.status == "a_confirmer") == (window.certainty == "a_confirmer"), fact.id
        checked += 1
    assert checked >= 6


def test_prerequisites_cite_existing_rules_and_keep_their_flag(
    base: FactBase, book: RuleBook
) -> None:
    rules = {
        rule.id: rule for tables in book.versions_by_table.values() for rule in tables[-1].rules
    }
    cited = [fact for fact in base.facts if fact.rules]
    assert cited
    for fact in cited:
        for rule_id in fact.rules:
            assert rule_id in rules, f"{fact.id}: règle inconnue {rule_id}"
            if rules[rule_id].certainty == "a_confirmer":
                assert fact.status != "confirme", f"{fact.id}: {rule_id} est à confirmer"


@pytest.mark.parametrize(
    "categorie",
    ["ght", "es_public_hors_ght", "es_prive_non_lucratif", "es_prive_lucratif", "esms", "autre"],
)
def test_beneficiaries_agree_with_the_eligibility_rules(
    base: FactBase, book: RuleBook, categorie: str
) -> None:
    """The category rule the engine fires for this category has the fact's outcome, and an
    uncertain rule leaves the fact flagged."""
    profile: dict[str, object] = {"categorie": categorie}
    if categorie == "ght":
        profile["etablissement_support"] = True
    report = check_eligibility(profile, book, as_of=date(2026, 11, 28))
    rules = {r.id: r for tables in book.versions_by_table.values() for r in tables[-1].rules}
    for fact in base.facts:
        if categorie not in fact.outcomes:
            continue
        fired = [rules[i] for i in report.verdict(fact.dispositif).fired if i in rules]
        decisive = [r for r in fired if r.outcome not in ("missing_prerequisite", "objective")]
        assert [r.outcome for r in decisive] == [fact.outcomes[categorie]], fact.id
        if any(r.certainty == "a_confirmer" for r in decisive):
            flagged = fact.status != "confirme" or "(à confirmer)" in fact.text
            assert flagged, f"{fact.id}: la règle de « {categorie} » est à confirmer"


def test_every_attribute_is_known_and_lists_have_items(base: FactBase) -> None:
    for fact in base.facts:
        assert fact.attribute in ATTRIBUTES
        if fact.items:
            assert fact.text.endswith(":"), fact.id
        if fact.status == "inconnu":
            assert not fact.items, fact.id


def test_the_main_dispositifs_have_their_key_facts(base: FactBase) -> None:
    for dispositif, attributes in {
        "D1": ("candidature", "declaration", "enveloppe", "beneficiaires", "objectifs"),
        "D2": ("candidature", "declaration", "enveloppe", "beneficiaires", "prerequis",
               "objectifs", "preuves", "depot"),
        "HospiConnect": ("candidature", "objectifs", "depot"),
        "DNS-2025-12": ("actions", "echeance", "arrete"),
    }.items():  # fmt: skip
        for attribute in attributes:
            assert base.find(dispositif, attribute) is not None, (dispositif, attribute)


def _copy_knowledge(tmp_path: Path, facts_text: str) -> Path:
    (tmp_path / "calendar.yaml").write_text(
        (KNOWLEDGE / "calendar.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "facts.yaml").write_text(facts_text, encoding="utf-8")
    return tmp_path


_HEAD = """
dispositifs:
  D2: {label: le domaine 2 (D2), short: D2, family: guichet, aliases: [d2]}
facts:
"""


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("  - {id: x, dispositif: D9, attribute: enveloppe, text: t, note: n, "
         "urls: ['https://a'], evidence: 2025-01-01, status: confirme}", "dispositif inconnu"),
        ("  - {id: x, dispositif: D2, attribute: couleur, text: t, note: n, "
         "urls: ['https://a'], evidence: 2025-01-01, status: confirme}", "attribut inconnu"),
        ("  - {id: x, dispositif: D2, attribute: candidature, calendar: nope, text: t, note: n, "
         "urls: ['https://a'], evidence: 2025-01-01}", "jalon inconnu"),
        ("  - {id: x, dispositif: D2, attribute: enveloppe, text: 'le {date}', note: n, "
         "urls: ['https://a'], evidence: 2025-01-01, status: confirme}", "sans date"),
        ("  - {id: x, dispositif: D2, attribute: enveloppe, text: t, note: n, "
         "urls: ['https://a'], evidence: 2025-01-01, status: peut-etre}", "status"),
        ("  - {id: x, dispositif: D2, attribute: enveloppe, text: t, note: n, "
         "urls: ['http://a'], evidence: 2025-01-01, status: confirme}", "https"),
        ("  - {id: x, dispositif: D2, attribute: enveloppe, text: t, note: n, "
         "urls: ['https://a'], status: confirme}", "evidence"),
    ],
)  # fmt: skip
def test_a_malformed_fact_is_reported_with_its_reason(
    tmp_path: Path, entry: str, reason: str
) -> None:
    with pytest.raises(FactTableError) as caught:
        load_fact_base(_copy_knowledge(tmp_path, _HEAD + entry + "\n"))
    assert reason in str(caught.value) and "facts.yaml" in str(caught.value)


def test_calendar_dates_are_written_into_the_fact(tmp_path: Path) -> None:
    entry = (
        "  - {id: x, dispositif: D2, attribute: candidature, calendar: d2-candidature, "
        "text: 'du {start} au {end}', note: n, urls: ['https://a'], evidence: 2025-01-01}\n"
    )
    fact = load_fact_base(_copy_knowledge(tmp_path, _HEAD + entry)).facts[0]
    assert fact.text == "du 2 septembre au 31 octobre 2025"
    assert fact.status == "confirme" and fact.start == date(2025, 9, 2)
