"""The one FINESS check (care_common.finess), used by eligibility profiles and dossier drafts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from stdnum import luhn

from care_common.finess import FinessError, check_finess, finess_key_ok
from drafting.validators import InvalidValue, parse_finess
from eligibility.values import validate_finess

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("agent", "bot", "retrieval", "eligibility", "drafting", "care_common")


def with_key(prefix: str) -> str:
    digits = prefix.replace("A", "0").replace("B", "0")
    return prefix + next(str(d) for d in range(10) if luhn.is_valid(digits + str(d)))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("750712184", "750712184"),
        ("75 071 218 4", "750712184"),
        ("75.071.218-4", "750712184"),
        ("\u200e750712184", "750712184"),
        (750712184, "750712184"),
        ("970100228", "970100228"),
        (with_key("2A000001").lower(), with_key("2A000001")),
        (with_key("2B123456"), with_key("2B123456")),
    ],
)
def test_valid_numbers_come_out_canonical(raw: object, expected: str) -> None:
    assert check_finess(raw) == expected


@pytest.mark.parametrize(
    "raw, problem, words",
    [
        (["750712184"], "type", "numéro FINESS attendu"),
        ("75071218", "length", "9 caractères (ici 8)"),
        ("75O712184", "characters", "que des chiffres"),
        ("2C0000016", "characters", "2A ou 2B"),
        ("200000123", "departement", "code de département"),
        ("990000000", "departement", "code de département"),
        ("750712185", "key", "clé de contrôle"),
    ],
)
def test_each_rule_gives_its_own_french_reason(raw: object, problem: str, words: str) -> None:
    with pytest.raises(FinessError) as caught:
        check_finess(raw)
    assert caught.value.problem == problem and words in caught.value.reason


def test_corsica_counts_its_letter_as_zero() -> None:
    number = with_key("2A000001")
    assert finess_key_ok(number)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not finess_key_ok(wrong)


@pytest.mark.parametrize("raw", ["750712184", "750712185", "2C0000016", "75071218"])
def test_eligibility_and_drafting_judge_alike(raw: str) -> None:
    def verdict(check: type[Exception], function: object) -> str:
        try:
            return str(function(raw))  # type: ignore[operator]
        except check as exc:
            return f"refused: {exc}"

    eligibility = verdict(ValueError, validate_finess)
    drafting = verdict(InvalidValue, parse_finess)
    assert eligibility.startswith("refused") == drafting.startswith("refused")
    assert eligibility.removesuffix(".") == drafting.removesuffix(".")


def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


def test_one_luhn_and_one_finess_implementation_in_the_code_base() -> None:
    luhn_users, luhn_functions = set(), set()
    for path, tree in _sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "stdnum"
                and any(alias.name == "luhn" for alias in node.names)
            ):
                luhn_users.add(path.relative_to(ROOT).as_posix())
            if isinstance(node, ast.FunctionDef) and "luhn" in node.name.lower():
                luhn_functions.add(f"{path.relative_to(ROOT).as_posix()}:{node.name}")
    assert luhn_users == {"care_common/finess.py"}
    assert luhn_functions == set()  # no home-made Luhn anywhere


def test_stdnum_french_numbers_have_one_home_each() -> None:
    homes: dict[str, set[str]] = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "stdnum.fr":
                for alias in node.names:
                    homes.setdefault(alias.name, set()).add(path.relative_to(ROOT).as_posix())
    assert homes == {
        "siren": {"drafting/validators.py"},
        "siret": {"drafting/validators.py"},
        "nir": {"agent/patient_data.py"},
    }
