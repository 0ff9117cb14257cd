"""Patient data through the terminal channels (`care-bot chat`, `care-bot ask`), end to end in a
subprocess: a warning, no answer, and not one byte of it in any file of the data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WARNING = "Votre message semble contenir des données de patient"
SECRETS = ("Durand", "DUPONT", "Dupont", "12/03/1956", "oncologie", "cardiologie")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("patient-data")


def care_bot(
    data_dir: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CARE_DATA_DIR": str(data_dir), "CARE_EMBEDDINGS": "none"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args, "-v"],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def files_holding_secrets(data_dir: Path) -> list[str]:
    found = []
    for path in data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            found += [f"{path.name}: {s}" for s in SECRETS if s.encode() in content]
    return found


def test_chat_warns_and_keeps_nothing(data_dir: Path) -> None:
    lines = [
        "Mme Durand, 67 ans, hospitalisée en cardiologie : son poste est bloqué",
        "/fiche_projet",
        "Jean Dupont, né le 12/03/1956, suivi en oncologie",
        "DUPONT Jean 12/03/1956",
        "Sauvegardes du CH",
    ]
    result = care_bot(data_dir, "chat", "--user", "referent", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(WARNING) == 3
    assert "Titre du projet" in result.stdout.split(WARNING)[-1]  # the question, asked again
    assert "possible patient data" in result.stderr  # logged without the text (-v: DEBUG)
    assert not any(secret in result.stderr for secret in SECRETS)
    assert files_holding_secrets(data_dir) == []
    assert any(b"Sauvegardes du CH" in p.read_bytes() for p in data_dir.rglob("*") if p.is_file())


def test_ask_refuses_without_echoing(data_dir: Path, tmp_path: Path) -> None:
    question = "Jean Dupont, né le 12/03/1956, suivi en oncologie : que faire ?"
    result = care_bot(data_dir, "ask", question)
    assert result.returncode == 2 and WARNING in result.stderr and result.stdout == ""
    result = care_bot(data_dir, "ask", "--json", question)
    payload = json.loads(result.stdout)
    assert WARNING in payload["error"] and "Dupont" not in result.stdout
    questions = tmp_path / "questions.txt"
    questions.write_text("Qu'est-ce que CaRE ?\nDUPONT Jean 12/03/1956\n", encoding="utf-8")
    result = care_bot(data_dir, "ask", "--file", str(questions))
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["found"] is True and WARNING in second["error"]
    assert "DUPONT" not in result.stdout + result.stderr
    assert files_holding_secrets(data_dir) == []
