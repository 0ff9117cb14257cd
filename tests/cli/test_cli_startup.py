"""The one subprocess smoke test of ``care-bot``: ``python -m bot`` in fresh interpreters, and what
each start-up path imports (``-X importtime`` lists every module a process imported).

Every other CLI test runs the entry point in process (tests/cli/cli_runner.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.container import build_services
from bot.settings import load_settings
from retrieval import KnowledgeIndex
from tests.cli.cli_runner import ROOT
from tests.conftest import KNOWLEDGE_DIR

QUESTION = "Quelles sont les 7 actions de l'instruction DNS/2025/12 ?"


def imported_modules(importtime: str) -> set[str]:
    """Module names from ``-X importtime`` lines (``import time: self | cumulative | name``)."""
    lines = (line.split("|") for line in importtime.splitlines() if line.startswith("import time"))
    return {parts[2].strip() for parts in lines if len(parts) == 3}


def python_m_bot(
    env: dict[str, str], *args: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result, imported_modules(result.stderr)


def packages(modules: set[str], *names: str) -> list[str]:
    return sorted(name for name in names if any(m.split(".")[0] == name for m in modules))


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An index already built (lexical embedder), as after ``care-bot index``; no LLM."""
    data_dir = tmp_path_factory.mktemp("startup-data")
    KnowledgeIndex.open(KNOWLEDGE_DIR, data_dir, embeddings="none")
    base = {k: v for k, v in os.environ.items() if not k.startswith("CARE_LLM_")}
    return {**base, "CARE_DATA_DIR": str(data_dir), "CARE_EMBEDDINGS": "none"}


def test_python_m_bot_help_and_a_cold_ask(env: dict[str, str]) -> None:
    result, modules = python_m_bot(env, "--help")
    assert result.returncode == 0
    assert "ask" in result.stdout and "telegram" in result.stdout
    # the command list comes from bot.cli.COMMANDS: no command module, no core, no LangChain
    assert not {m for m in modules if m.startswith("bot.cli.")}
    heavy = ("agent", "retrieval", "drafting", "eligibility", "langchain_core", "chromadb")
    assert packages(modules, *heavy, "telegram") == []

    result, modules = python_m_bot(env, "ask", "--json", QUESTION)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["found"] is True and answer["mode"] == "extractive"
    assert answer["sources"][0]["id"] == "instruction-dns-2025-12"
    # extractive mode: no OpenAI client; index up to date: no LangChain vector-store layer;
    # one question: no dialogue flows (rule tables, dossier specs, document libraries)
    unwanted = ("openai", "langchain_openai", "langchain_chroma", "langsmith", "docx", "odf")
    assert packages(modules, *unwanted, "drafting", "eligibility") == []
    assert {"chromadb", "retrieval.index"} <= modules  # the hybrid index did open


def test_services_for_questions_only_skip_the_dialogues(env: dict[str, str]) -> None:
    settings = load_settings(care_data_dir=Path(env["CARE_DATA_DIR"]), care_embeddings="none")
    services = build_services(settings, with_flows=False)
    try:
        assert services.assistant.flows == ()
        assert services.assistant.ask(QUESTION).found
    finally:
        services.close()
    full = build_services(settings)
    try:
        assert {flow.command for flow in full.assistant.flows} >= {"/eligibilite", "/fiche_projet"}
    finally:
        full.close()
