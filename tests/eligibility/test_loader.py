"""Loading rule tables: published data is valid, mistakes are errors naming the file."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from eligibility import RuleBook, RuleTableError, load_rule_book
from tests.eligibility.conftest import ROOT

MINIMAL = """\
id: X1
title: Test
version: "2026.1"
valid_from: 2026-01-01
sources: [care-eligibilite]
windows:
  - {kind: candidature, label: test, opens: 2026-01-01, certainty: confirme, sources: [a]}
rules:
  - id: X1-R01-tous
    condition: {always: true}
    outcome: eligible
    reason: Oui.
    sources: [a]
"""


def write(tmp_path: Path, text: str, name: str = "X1/2026.1.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return tmp_path


def test_minimal_table_loads(tmp_path: Path) -> None:
    book = load_rule_book(write(tmp_path, MINIMAL))
    assert book.dispositif_ids == ("X1",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINIMAL + "extra: 1\n", "unknown keys"),
        (MINIMAL.replace("outcome: eligible", "outcome: peut-etre"), "not among"),
        (MINIMAL.replace("X1-R01-tous", "R1"), "must look like"),
        (MINIMAL.replace("{always: true}", "{always: oui}"), "true or false"),
        (
            MINIMAL.replace("outcome: eligible", "outcome: missing_prerequisite"),
            "needs 'missing' and 'action'",
        ),
        (MINIMAL.replace("sources: [care-eligibilite]", "sources: []"), "at least one source"),
        (MINIMAL.replace("kind: candidature", "kind: declaration"), "candidature window"),
        (MINIMAL.replace('version: "2026.1"', 'version: "v2"'), "YYYY.N"),
        (MINIMAL.replace("title: Test\n", ""), "'title' is required"),
        (
            MINIMAL + "  - id: X1-R01-tous\n    condition: {always: true}\n    outcome: eligible\n"
            "    reason: B\n    sources: [a]\n",
            "duplicate rule ids",
        ),
        ("id: [", "cannot read"),
        (MINIMAL.replace("reason: Oui.", "reason: Oui.\n    basis: rumeur"), "not among"),
        (MINIMAL.replace("reason: Oui.", "reason: Oui.\n    facts: [note]"), "note-id#fact-id"),
        (
            MINIMAL.replace("outcome: eligible", "outcome: objective"),
            "needs 'missing' and 'action'",
        ),
    ],
)
def test_malformed_table(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RuleTableError, match=re.escape(message)) as caught:
        load_rule_book(write(tmp_path, text))
    assert "X1/2026.1.yaml" in str(caught.value)
    assert caught.value.exit_code == 3


def test_file_name_must_match_id_and_version(tmp_path: Path) -> None:
    with pytest.raises(RuleTableError, match=re.escape("<id>/<version>.yaml")):
        load_rule_book(write(tmp_path, MINIMAL, "X1/2026.2.yaml"))


def test_a_newer_version_must_start_later(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL)
    newer = MINIMAL.replace('"2026.1"', '"2026.2"').replace(
        "valid_from: 2026-01-01", "valid_from: 2025-12-31"
    )
    with pytest.raises(RuleTableError, match="must be later"):
        load_rule_book(write(tmp_path, newer, "X1/2026.2.yaml"))


@pytest.mark.parametrize("basis", ["inference", "transcription", "source_unique"])
@pytest.mark.parametrize("outcome", ["eligible", "non_eligible"])
def test_a_confirmed_verdict_cannot_rest_on_a_weak_basis(
    tmp_path: Path, basis: str, outcome: str
) -> None:
    text = MINIMAL.replace("outcome: eligible", f"outcome: {outcome}\n    basis: {basis}")
    with pytest.raises(RuleTableError, match=f"cannot give a confirmed '{outcome}'"):
        load_rule_book(write(tmp_path, text))
    flagged = text.replace(f"basis: {basis}", f"basis: {basis}\n    certainty: a_confirmer")
    rule = load_rule_book(write(tmp_path, flagged)).versions_by_table["X1"][0].rules[0]
    assert (rule.basis, rule.certainty) == (basis, "a_confirmer")


@pytest.mark.parametrize("basis", ["officiel", "concordant"])
def test_a_strong_basis_may_confirm_a_verdict(tmp_path: Path, basis: str) -> None:
    text = MINIMAL.replace("reason: Oui.", f"reason: Oui.\n    basis: {basis}\n    facts: [n#f]")
    rule = load_rule_book(write(tmp_path, text)).versions_by_table["X1"][0].rules[0]
    assert (rule.basis, rule.certainty, rule.facts) == (basis, "confirme", ("n#f",))


def test_a_correction_keeps_the_period_of_the_version_it_corrects(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL)
    fixed = MINIMAL.replace('"2026.1"', '"2026.2"\ncorrects: "2026.1"').replace(
        "reason: Oui.", "reason: Oui, corrigé."
    )
    book = load_rule_book(write(tmp_path, fixed, "X1/2026.2.yaml"))
    # every date of the period now gets the correction; the old version stays reproducible
    assert book.select(date(2026, 1, 1)).tables[0].version == "2026.2"
    assert book.select(date(2026, 1, 1), "2026.1").tables[0].version == "2026.1"
    wrong = fixed.replace('corrects: "2026.1"', 'corrects: "2025.9"')
    with pytest.raises(RuleTableError, match="must name the previous version"):
        load_rule_book(write(tmp_path, wrong, "X1/2026.2.yaml"))
    moved = fixed.replace("valid_from: 2026-01-01", "valid_from: 2026-02-01")
    with pytest.raises(RuleTableError, match="keep its valid_from"):
        load_rule_book(write(tmp_path, moved, "X1/2026.2.yaml"))


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleTableError, match="no rule table"):
        load_rule_book(tmp_path)
    with pytest.raises(RuleTableError, match="not found"):
        load_rule_book(tmp_path / "absent")


def test_published_tables(book: RuleBook) -> None:
    assert set(book.versions_by_table) == {
        "D1",
        "D1bis",
        "D2",
        "HospiConnect",
        "exercice_crise",
        "obligations_dns_2025_12",
    }
    assert [t.version for t in book.versions_by_table["D2"]] == [
        "2025.1",
        "2025.2",
        "2026.1",
        "2026.2",
    ]
    assert book.versions_by_table["D2"][1].corrects == "2025.1"
    ids = [r.id for ts in book.versions_by_table.values() for r in ts[-1].rules]
    assert len(ids) == len(set(ids))


def test_cited_sources_exist_in_the_knowledge_base(book: RuleBook) -> None:
    notes = {path.stem for path in (ROOT / "knowledge" / "sources").glob("*.md")}
    cited = set()
    for tables in book.versions_by_table.values():
        for table in tables:
            cited |= set(table.sources)
            cited |= {s for w in table.windows for s in w.sources}
            cited |= {s for r in table.rules for s in r.sources}
            cited |= {s for i in table.items for s in i.sources}
    assert cited - notes == set()
