"""`care-bot chat` saves the documents it generates without ever replacing a file: the second
export of a draft becomes `…-v2.docx` and the first one (perhaps edited) stays as it was."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "fiche-projet-securisation-des-sauvegardes-et-plan-de-reprise-d-activite"


def test_chat_exports_keep_versions(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    env = {**os.environ, "CARE_DATA_DIR": str(tmp_path / "data"), "CARE_EMBEDDINGS": "none"}
    lines = [
        "/fiche_projet",
        f"@{ROOT / 'examples' / 'fiche_projet.yaml'}",
        "générer",
        "/fiche_projet",
        "reprendre",
        "générer",
    ]
    first = out / f"{NAME}.docx"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "t", "--out-dir", str(out)],
        input="\n".join(lines[:3]) + "\n",
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert first.is_file() and stat.S_IMODE(first.stat().st_mode) == 0o666 & ~current_umask()
    first.write_bytes(b"edited in Word")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "t", "--out-dir", str(out)],
        input="\n".join(lines[3:]) + "\n",
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert first.read_bytes() == b"edited in Word"
    assert (out / f"{NAME}-v2.docx").is_file()
    assert "existait déjà : je l'ai laissé intact" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [f"{NAME}-v2.docx", f"{NAME}.docx"]


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
