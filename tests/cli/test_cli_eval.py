"""`care-bot eval`: retrieval and answer-level figures in one run, through the real entry point."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.test_cli_ask import care_bot

SMALL_SET = """\
- id: a1
  question: "Qu'est-ce que la PGSSI-S ?"
  expected: [pgssi-s]
  tags: [pgssi-s]
  must: ["pgssi-s"]
- id: a2
  question: "Qu'est-ce que la PGSSI-S ?"
  expected: [pgssi-s]
  tags: [pgssi-s]
  must: ["pgssi-s"]
  must_not: ["sante"]       # any answer says "santé": forbidden here on purpose
- id: a3
  question: "Qu'est-ce que la PGSSI-S ?"
  expected: [pgssi-s]
  tags: [definition]
  must: ["cette phrase n'est dans aucune reponse"]
- id: n1
  question: "Comment obtenir mon dossier médical ?"
  out_of_scope: true
  expected: []
  decline: true
  redirect: [["etablissement", "admissions"]]
  tags: [near-domain, patient]
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("cli-eval-data")
    return {**os.environ, "CARE_DATA_DIR": str(data_dir), "CARE_EMBEDDINGS": "none"}


@pytest.fixture(scope="module")
def eval_json(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    questions = tmp_path_factory.mktemp("eval") / "questions.yaml"
    questions.write_text(SMALL_SET, encoding="utf-8")
    result = care_bot(env, "eval", "--json", "--questions", str(questions))
    assert result.returncode == 0, result.stderr
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def test_eval_json_has_retrieval_and_answers(eval_json: dict[str, object]) -> None:
    assert set(eval_json) == {"retrieval", "answers"}
    retrieval = eval_json["retrieval"]
    assert isinstance(retrieval, dict) and len(retrieval) == 2  # configured + plain BM25
    answers = eval_json["answers"]
    assert isinstance(answers, dict)
    assert answers["n"] == 4 and answers["mode"] == "extractive"
    assert answers["accuracy"] == pytest.approx(1 / 3)  # a2 says a forbidden word, a3 lacks
    assert answers["forbidden"] == 1
    assert answers["forbidden_hits"] == [{"id": "a2", "patterns": ["sante"]}]
    assert answers["declines_correct"] == 1.0  # a patient's request, sent to the establishment
    assert {f["id"]: f["kind"] for f in answers["failures"]} == {  # type: ignore[attr-defined]
        "a2": "inaccurate",
        "a3": "inaccurate",
    }
    baseline = answers["baseline"]
    assert isinstance(baseline, dict) and baseline["n"] == 4
    assert set(answers["per_tag"]) == {"pgssi-s", "definition", "near-domain", "patient"}  # type: ignore[arg-type]


def test_eval_text_output_has_both_tables(env: dict[str, str], tmp_path: Path) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text(SMALL_SET, encoding="utf-8")
    result = care_bot(env, "eval", "--questions", str(questions))
    assert result.returncode == 0, result.stderr
    assert "| hit@3 |" in result.stdout
    assert "| exactitude (dans le périmètre) |" in result.stdout
    assert "| near-domain | 0 / 1 |" in result.stdout


def test_eval_rejects_a_malformed_pattern(env: dict[str, str], tmp_path: Path) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        '- question: "D1 ?"\n  expected: [care-d1-annuaires-exposition]\n  must: ["(d1"]\n',
        encoding="utf-8",
    )
    result = care_bot(env, "eval", "--questions", str(questions))
    assert result.returncode != 0
    assert "questions.yaml:3" in result.stderr + result.stdout
