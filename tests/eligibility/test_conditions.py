"""The condition language: compilation errors and three-valued (Kleene) logic."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eligibility.conditions import Context, compile_condition
from eligibility.profile import Profile, parse_profile
from tests.eligibility.conftest import TODAY

T, F = {"always": True}, {"always": False}
U = {"field": "organisation_pcra", "equals": True}  # unknown on an empty profile


def value(raw: Any, profile: Profile | None = None, **variables: date | None) -> bool | None:
    ctx = Context(profile or Profile(), {f"${k}": v for k, v in variables.items()})
    return compile_condition(raw).evaluate(ctx).value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"all": [T, U]}, None),
        ({"all": [F, U]}, False),
        ({"all": [T, T]}, True),
        ({"any": [T, U]}, True),
        ({"any": [F, U]}, None),
        ({"any": [F, F]}, False),
        ({"not": U}, None),
        ({"not": T}, False),
    ],
    ids=["all-T-U", "all-F-U", "all-T-T", "any-T-U", "any-F-U", "any-F-F", "not-U", "not-T"],
)
def test_kleene_logic(raw: dict[str, Any], expected: bool | None) -> None:
    assert value(raw) is expected


def test_unknown_names_the_missing_fields() -> None:
    raw = {"all": [{"field": "categorie", "in": ["ght"]}, {"share_of_activity_covered": ">= 66"}]}
    truth = compile_condition(raw).evaluate(Context(Profile(), {}))
    assert truth.value is None and truth.unknown == {"categorie", "activite"}


def test_between_with_variables() -> None:
    profile = parse_profile({"pssi_revue_le": "2023-01-01"}, TODAY)
    raw = {"field": "pssi_revue_le", "between": [date(2022, 7, 16), "$candidature_closes"]}
    assert value(raw, profile, candidature_closes=date(2025, 10, 31)) is True
    assert value(raw, profile, candidature_closes=date(2022, 12, 31)) is False
    truth = compile_condition(raw).evaluate(Context(profile, {"$candidature_closes": None}))
    assert truth.value is None and truth.unknown == {"$candidature_closes"}


def test_count_known_and_scope() -> None:
    profile = parse_profile({"finess_eg": ["750712184"], "dispositifs": ["D1"]}, TODAY, ["D1"])
    assert value({"field": "finess_eg", "count": ">= 2"}, profile) is False
    assert value({"field": "finess_ej", "known": False}, profile) is True
    assert value({"dispositif_in_scope": "D2"}, profile) is False
    assert value({"dispositif_in_scope": "D2"}) is True


def test_refs_are_resolved() -> None:
    definitions = {"ght": {"field": "categorie", "equals": "ght"}}
    cond = compile_condition({"not": {"ref": "ght"}}, definitions)
    assert cond.evaluate(Context(Profile(categorie="esms"), {})).value is True


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"field": "taille", "equals": 1}, "unknown profile field"),
        ({"field": "categorie", "in": ["hopital"]}, "categories among"),
        ({"field": "categorie", "between": [1, 2]}, "does not apply"),
        ({"field": "organisation_pcra", "equals": "oui"}, "true or false"),
        ({"field": "organisation_pcra"}, "exactly one operator"),
        ({"share_of_activity_covered": "au moins 66"}, "comparison"),
        ({"all": []}, "non-empty list"),
        ({"all": [T], "any": [T]}, "one operator"),
        ({"ref": "nulle_part"}, "unknown definition"),
        ({"ref": "boucle"}, "refers to itself"),
        ({"field": "pssi_revue_le", "between": ["2022-07-16", "$demain"]}, "a date or one of"),
        ({"eval": "__import__('os')"}, "unknown condition keys"),
        ("categorie == ght", "non-empty mapping"),
    ],
)
def test_compile_errors(raw: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compile_condition(raw, {"boucle": {"ref": "boucle"}}, "rule")
