"""Extractive mode pays nothing for the optional LLM stack at start-up (checked in a fresh
interpreter: this test process has long imported everything)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.agent.llm.conftest import PROMPTS_DIR, ROOT

HEAVY = ("openai", "langchain_openai", "langchain_core.language_models.base")


def loaded_after(code: str) -> list[str]:
    script = (
        "import json, sys\n"
        f"{code}\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_extractive_stage_imports_no_chat_model_stack() -> None:
    code = (
        "from pathlib import Path\n"
        "import bot.container\n"
        "from agent.llm import open_llm\n"
        f"stage = open_llm(None, Path({str(PROMPTS_DIR)!r}))\n"
        "assert stage.rewrite_followup('et pour le D2 ?', [{'q': 'Prérequis du D1 ?'}])"
        " == 'Prérequis du D2 ?'"
    )
    assert loaded_after(code) == []


def test_the_llm_names_still_resolve_on_demand() -> None:
    code = "from agent.llm import LLMClient, probe, PromptLibrary\nassert callable(probe)"
    assert "langchain_core.language_models.base" in loaded_after(code)
