"""`care-bot` end to end through the real entry point (in process: tests/cli/cli_runner.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.cli.cli_runner import ROOT, CliRun, run_cli


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("cli-data")
    return {**os.environ, "CARE_DATA_DIR": str(data_dir), "CARE_EMBEDDINGS": "none"}


def care_bot(env: dict[str, str], *args: str, stdin: bytes | None = None) -> CliRun:
    result = run_cli(args, env, stdin)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_index_prints_counts_and_timing(env: dict[str, str]) -> None:
    result = care_bot(env, "index")
    assert result.returncode == 0, result.stderr
    assert "Index à jour" in result.stdout and "extraits" in result.stdout


def test_ask_json_shape(env: dict[str, str]) -> None:
    result = care_bot(
        env, "ask", "--json", "Quelles sont les 7 actions de l'instruction DNS/2025/12 ?"
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) >= {"question", "answer", "found", "mode", "as_of", "sources", "passages"}
    assert payload["found"] is True and payload["mode"] == "extractive"
    sources = payload["sources"]
    assert set(sources[0]) == {
        "number", "id", "title", "section", "url", "published", "checked", "evidence",
        "uncertain", "excerpt",
    }  # fmt: skip
    # the cited pages, in the order of the [n] markers of the answer
    assert [s["number"] for s in sources] == list(range(1, len(sources) + 1))
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", payload["answer"])]
    assert sorted(set(markers)) == [s["number"] for s in sources]
    assert markers[0] == 1
    assert sources[0]["id"] == "instruction-dns-2025-12"
    passage = payload["passages"][0]
    assert set(passage) == {
        "id", "title", "section", "url", "published", "checked", "evidence", "status",
        "confidence", "score", "text",
    }  # fmt: skip
    scores = [p["score"] for p in payload["passages"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_human_output(env: dict[str, str]) -> None:
    result = care_bot(env, "ask", "Qu'est-ce que la PGSSI-S ?")
    assert result.returncode == 0
    assert "Sources :" in result.stdout and "État des sources : " in result.stdout
    assert "vérifiées au" not in result.stdout


def test_ask_file_json_lines_with_bad_lines(env: dict[str, str], tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_bytes(
        b"Qu'est-ce que le programme CaRE ?\n"
        + b"\xff\xfe invalid utf-8 \xc3\x28\n"
        + "🙂🙂\n".encode()
        + "Quelle est la météo à Brest demain ?\n".encode()
    )
    result = care_bot(env, "ask", "--json", "--file", str(questions))
    assert result.returncode == 2  # an unreadable line is an input error, reported
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["found"] is True
    assert "UTF-8" in lines[1]["error"] and "Ligne 2" in lines[1]["error"]
    assert lines[2]["found"] is False and "mots" in lines[2]["answer"]
    assert lines[3]["found"] is False


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "vide"), ("   ", "vide"), ("x" * 20_000, "trop long"), ("🔥🔥", "mots")],
)
def test_ask_bad_input_is_a_usage_error(env: dict[str, str], question: str, message: str) -> None:
    result = care_bot(env, "ask", question)
    assert result.returncode == 2
    assert message in result.stderr


def test_usage_errors_exit_2(env: dict[str, str]) -> None:
    assert care_bot(env, "ask").returncode == 2
    assert care_bot(env, "nonexistent-command").returncode == 2


def test_sources_lists_every_note(env: dict[str, str]) -> None:
    result = care_bot(env, "sources", "--json")
    assert result.returncode == 0
    notes = json.loads(result.stdout)
    assert len(notes) >= 25
    assert {"instruction-dns-2025-12", "pgssi-s"} <= {n["id"] for n in notes}


def test_help_everywhere(env: dict[str, str]) -> None:
    for command in ([], ["ask"], ["chat"], ["sources"], ["index"], ["eval"]):
        result = care_bot(env, *command, "--help")
        assert result.returncode == 0, command


def test_chat_answers_in_the_terminal(env: dict[str, str]) -> None:
    result = care_bot(env, "chat", "--user", "test", stdin=b"/aide\nQu'est-ce que le RIE ?\n")
    assert result.returncode == 0, result.stderr
    assert "Ce que je sais faire" in result.stdout
    assert "Sources :" in result.stdout


def test_malformed_knowledge_file_is_reported_with_file_and_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "sources" / "broken.md").write_text("---\nid: broken\ntitle: [unclosed\n---\n")
    result = care_bot({**env, "CARE_KNOWLEDGE_DIR": str(knowledge)}, "index")
    assert result.returncode == 3
    assert "broken.md" in result.stderr
