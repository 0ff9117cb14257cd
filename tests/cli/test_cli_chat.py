"""`care-bot chat`: the terminal channel shows the same conversation, numbered options pressed
with their question's binding, styled texts without their markers."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from tests.cli.cli_runner import run_cli


def test_a_numbered_option_answers_its_question(tmp_path: Path) -> None:
    env = {**os.environ, "CARE_DATA_DIR": str(tmp_path), "CARE_EMBEDDINGS": "none"}
    lines = ["/fiche_projet", "Projet du terminal", "3", "/annuler"]
    result = run_cli(["chat", "--user", "t"], env=env, stdin="\n".join(lines).encode() + b"\n")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert "✓ Titre du projet : Projet du terminal" in out
    assert "  3. D2 — continuité, reprise" in out  # short labels, numbered
    assert "✓ Dispositif CaRE visé : D2 — stratégie de continuité" in out
    assert "C'est annulé. Votre brouillon « Projet du terminal » reste enregistré" in out
    with closing(sqlite3.connect(tmp_path / "care.sqlite3")) as conn:
        (answers,) = conn.execute("SELECT answers FROM drafts WHERE user_id = 'cli:t'").fetchone()
    assert '"dispositif": "D2"' in answers
