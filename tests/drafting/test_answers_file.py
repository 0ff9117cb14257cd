"""Answers files: YAML or JSON, UTF-8, a mapping at the top; paths into nested answers."""

from __future__ import annotations

import json

import pytest

from drafting import AnswersFileError, delete_path, get_path, load_answers, set_path


def test_yaml_and_json_give_the_same_answers() -> None:
    data = {"titre": "Projet", "budget": [{"poste": "Audit", "montant_ht": "1 000"}]}
    from_json = load_answers(json.dumps(data).encode(), "r.json")
    from_yaml = load_answers(b"titre: Projet\nbudget:\n  - poste: Audit\n    montant_ht: 1 000\n")
    assert from_json == from_yaml == data


def test_yaml_dates_become_iso_strings_and_bom_is_accepted() -> None:
    answers = load_answers("\ufeffdate: 2026-01-15\n".encode())
    assert answers == {"date": "2026-01-15"}


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (b"\xff\xfe\x00t", "r.yaml", "UTF-8"),
        (b"titre: [\n", "r.yaml", "ligne 2"),
        (b'{"titre": }', "r.json", "ligne 1"),
        (b"- a\n- b\n", "r.yaml", "de type list"),
        (b"", "r.yaml", "vide"),
        (b"just text", "r.yaml", "de type str"),
        (b"a: &x [1]\nb: *x\n", "r.yaml", "alias"),
        (b"x" * 1_000_001, "r.yaml", "volumineux"),
    ],
)
def test_unreadable_files_give_a_french_error(content: bytes, filename: str, message: str) -> None:
    with pytest.raises(AnswersFileError) as caught:
        load_answers(content, filename)
    assert message in caught.value.user_message
    assert caught.value.exit_code == 2


def test_paths() -> None:
    answers: dict[str, object] = {}
    set_path(answers, "etablissement.finess_ej", "770001238")
    set_path(answers, "budget[1].montant_ht", "10")
    assert answers == {
        "etablissement": {"finess_ej": "770001238"},
        "budget": [{}, {"montant_ht": "10"}],
    }
    assert get_path(answers, "budget[1].montant_ht") == "10"
    assert get_path(answers, "budget[5].montant_ht") is None
    assert get_path(answers, "etablissement.finess_ej.x") is None
    delete_path(answers, "budget[0]")
    assert get_path(answers, "budget[0].montant_ht") == "10"
