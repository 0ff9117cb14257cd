"""Table-driven: every rule (and obligation item) of every published version has at least one
case where it fires and one where it does not. Test ids are the rule ids."""

from __future__ import annotations

from typing import Any

import pytest

from eligibility import RuleBook
from tests.eligibility.conftest import EG1, EG2, ES_OK, GHT_MEMBRE, GHT_SUPPORT, run

ESMS: dict[str, Any] = {"categorie": "esms"}
AUTRE: dict[str, Any] = {"categorie": "autre"}
PUBLIC: dict[str, Any] = {**ES_OK, "categorie": "es_public_hors_ght"}
NON_LUCRATIF: dict[str, Any] = {**ES_OK, "categorie": "es_prive_non_lucratif"}


def shares(*parts: float) -> dict[str, Any]:
    egs = [EG1, EG2][: len(parts)]
    return {"activite": [{"finess_eg": eg, "part": p} for eg, p in zip(egs, parts, strict=True)]}


# (rule id, label, profile, fires)
CASES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("D1-R01-es-hors-ght", "es-public", PUBLIC, True),
    ("D1-R01-es-hors-ght", "ght", GHT_SUPPORT, False),
    ("D1-R02-ght-support", "support", GHT_SUPPORT, True),
    ("D1-R02-ght-support", "membre", GHT_MEMBRE, False),
    ("D1-R03-ght-membre", "membre", GHT_MEMBRE, True),
    ("D1-R03-ght-membre", "support", GHT_SUPPORT, False),
    ("D1-R04-esms", "esms", ESMS, True),
    ("D1-R04-esms", "non-lucratif", NON_LUCRATIF, False),
    ("D1-R05-autre", "cabinet", AUTRE, True),
    ("D1-R05-autre", "esms", ESMS, False),
    ("D1B-R01-etablissement-sanitaire", "clinique", ES_OK, True),
    ("D1B-R01-etablissement-sanitaire", "esms", ESMS, False),
    ("D1B-R02-esms", "esms", ESMS, True),
    ("D1B-R02-esms", "autre", AUTRE, False),
    ("D1B-R03-autre", "autre", AUTRE, True),
    ("D1B-R03-autre", "membre", GHT_MEMBRE, False),
    ("D2-R01-es-hors-ght", "non-lucratif", NON_LUCRATIF, True),
    ("D2-R01-es-hors-ght", "ght", GHT_SUPPORT, False),
    ("D2-R02-ght-support", "support", GHT_SUPPORT, True),
    ("D2-R02-ght-support", "membre", GHT_MEMBRE, False),
    ("D2-R03-ght-membre", "membre", GHT_MEMBRE, True),
    ("D2-R03-ght-membre", "support", GHT_SUPPORT, False),
    ("D2-R04-esms", "esms", ESMS, True),
    ("D2-R04-esms", "autre", AUTRE, False),
    ("D2-R05-autre", "autre", AUTRE, True),
    ("D2-R05-autre", "esms", ESMS, False),
    (
        "D2-R06-pssi-validee",
        "non-validee",
        {**ES_OK, "pssi_validee_representant_legal": False},
        True,
    ),
    ("D2-R06-pssi-validee", "validee", ES_OK, False),
    ("D2-R06-pssi-validee", "esms", {**ESMS, "pssi_validee_representant_legal": False}, False),
    ("D2-R07-pssi-revue", "veille-du-16-07-2022", {**ES_OK, "pssi_revue_le": "2022-07-15"}, True),
    ("D2-R07-pssi-revue", "le-16-07-2022", {**ES_OK, "pssi_revue_le": "2022-07-16"}, False),
    ("D2-R07-pssi-revue", "cloture-31-10-2025", {**ES_OK, "pssi_revue_le": "2025-10-31"}, False),
    ("D2-R07-pssi-revue", "apres-cloture", {**ES_OK, "pssi_revue_le": "2025-11-01"}, True),
    ("D2-R08-organisation-pcra", "absente", {**ES_OK, "organisation_pcra": False}, True),
    ("D2-R08-organisation-pcra", "presente", ES_OK, False),
    ("D2-R09-activite-66", "ght-65.9", {**GHT_SUPPORT, **shares(40, 25.9)}, True),
    ("D2-R09-activite-66", "ght-66", {**GHT_SUPPORT, **shares(40, 26)}, False),
    ("D2-R09-activite-66", "ght-66.1", {**GHT_SUPPORT, **shares(40, 26.1)}, False),
    ("D2-R09-activite-66", "multisite-50", {**ES_OK, "finess_eg": [EG1, EG2], **shares(50)}, True),
    ("D2-R09-activite-66", "site-unique", ES_OK, False),
    (
        "D2-R10-activite-66-a-mesurer",
        "ght-non-mesure",
        {k: v for k, v in GHT_SUPPORT.items() if k != "activite"},
        True,
    ),
    ("D2-R10-activite-66-a-mesurer", "ght-mesure", GHT_SUPPORT, False),
    ("D2-R10-activite-66-a-mesurer", "site-unique", ES_OK, False),
    ("HC-R01-es-hors-ght", "public", PUBLIC, True),
    ("HC-R01-es-hors-ght", "ght", GHT_MEMBRE, False),
    ("HC-R02-ght", "ght", GHT_MEMBRE, True),
    ("HC-R02-ght", "public", PUBLIC, False),
    ("HC-R03-esms", "esms", ESMS, True),
    ("HC-R03-esms", "autre", AUTRE, False),
    ("HC-R04-autre", "autre", AUTRE, True),
    ("HC-R04-autre", "esms", ESMS, False),
    ("EXC-R01-etablissement-sanitaire", "ght", GHT_SUPPORT, True),
    ("EXC-R01-etablissement-sanitaire", "esms", ESMS, False),
    ("EXC-R02-esms", "esms", ESMS, True),
    ("EXC-R02-esms", "autre", AUTRE, False),
    ("EXC-R03-autre", "autre", AUTRE, True),
    ("EXC-R03-autre", "clinique", ES_OK, False),
]
CASES += [
    (item, label, profile, fires)
    for item in (
        "DNS-A1-exercice-crise",
        "DNS-A2-autoevaluation",
        "DNS-A3-audits",
        "DNS-A4-pca-pra",
        "DNS-A5-qualite-risques",
        "DNS-A6-identification",
        "DNS-A7-part-budget-numerique",
        "SIG-S1-signalement-incidents",
    )
    for label, profile, fires in (("clinique", ES_OK, True), ("esms", ESMS, False))
]
CASES += [
    ("DNS-H1-esms-hors-champ", "esms", ESMS, True),
    ("DNS-H1-esms-hors-champ", "clinique", ES_OK, False),
    ("SIG-E1-signalement-incidents-esms", "esms", ESMS, True),
    ("SIG-E1-signalement-incidents-esms", "autre", AUTRE, False),
    ("DNS-H2-autre-hors-champ", "autre", AUTRE, True),
    ("DNS-H2-autre-hors-champ", "esms", ESMS, False),
]


def _rule_versions() -> dict[str, list[tuple[str, str]]]:
    """rule id → [(table id, version)] over every published version."""
    from eligibility import load_rule_book
    from tests.eligibility.conftest import RULES_DIR

    found: dict[str, list[tuple[str, str]]] = {}
    for table_id, versions in load_rule_book(RULES_DIR).versions_by_table.items():
        for table in versions:
            for rule_id in [r.id for r in table.rules] + [i.id for i in table.items]:
                found.setdefault(rule_id, []).append((table_id, table.version))
    return found


RULE_VERSIONS = _rule_versions()
PARAMS = [
    pytest.param(
        rule_id,
        table_id,
        version,
        profile,
        fires,
        id=f"{rule_id}@{version}-{'fires' if fires else 'silent'}-{label}",
    )
    for rule_id, label, profile, fires in CASES
    for table_id, version in RULE_VERSIONS.get(rule_id, [("?", "?")])
]


@pytest.mark.parametrize(("rule_id", "table_id", "version", "profile", "fires"), PARAMS)
def test_rule(
    book: RuleBook, rule_id: str, table_id: str, version: str, profile: dict[str, Any], fires: bool
) -> None:
    assert table_id != "?", f"{rule_id} is in no published table"
    report = run(book, profile, version=version)
    results = [v for v in report.results if v.dispositif == table_id]
    if results:
        assert results[0].rules_version == version
        fired = results[0].fired
    else:
        fired = tuple(o.id for o in report.obligations)
    assert (rule_id in fired) is fires


def test_every_rule_has_a_firing_and_a_silent_case() -> None:
    firing = {rule_id for rule_id, _, _, fires in CASES if fires}
    silent = {rule_id for rule_id, _, _, fires in CASES if not fires}
    assert set(RULE_VERSIONS) == firing == silent
