"""The LLM mode from the command line, through the real entry point (in process:
tests/cli/cli_runner.py), against the loopback stub server: `care-bot doctor` /
`care-bot llm check` and `ask --json`'s ``mode``. That the extractive start-up never imports the
OpenAI client is checked in a fresh interpreter by tests/cli/test_cli_startup.py."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.flows.drafting import FicheProjetFlow
from agent.llm import ExtractiveFollowupRewriter, LLMAnswerImprover, LLMFollowupRewriter
from agent.turns import Turn
from bot.container import Services, build_services
from bot.settings import load_settings
from tests.agent.llm.stub_server import StubLLMServer, refused_url, user_prompt
from tests.cli.cli_runner import CliRun, run_cli

QUESTION = "Qu'est-ce que le programme CaRE ?"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("cli-llm-data")
    base = {k: v for k, v in os.environ.items() if not k.startswith("CARE_LLM_")}
    return {**base, "CARE_DATA_DIR": str(data_dir), "CARE_EMBEDDINGS": "none"}


@pytest.fixture
def stub() -> Iterator[StubLLMServer]:
    with StubLLMServer() as server:
        yield server


def llm_env(env: dict[str, str], url: str, timeout: str = "2") -> dict[str, str]:
    return {
        **env,
        "CARE_LLM_BASE_URL": url,
        "CARE_LLM_MODEL": "stub-model",
        "CARE_LLM_TIMEOUT": timeout,
    }


def care_bot(env: dict[str, str], *args: str) -> CliRun:
    result = run_cli(args, env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_doctor_without_llm_says_extractive(env: dict[str, str]) -> None:
    result = care_bot(env, "doctor")
    assert result.returncode == 0, result.stderr
    assert "non configuré" in result.stdout and "extractives" in result.stdout
    payload = json.loads(care_bot(env, "llm", "check", "--json").stdout)
    assert payload == {"mode": "extractive", "configured": False, "ok": True}


def test_doctor_with_a_working_endpoint(env: dict[str, str], stub: StubLLMServer) -> None:
    stub.reply = "ok"
    result = care_bot(llm_env(env, stub.base_url), "doctor")
    assert result.returncode == 0, result.stderr
    assert f"Point d'accès : {stub.base_url}" in result.stdout
    assert "Modèle : stub-model" in result.stdout
    assert "Le modèle répond en" in result.stdout and "Mode LLM actif" in result.stdout
    assert stub.requests and stub.requests[0]["model"] == "stub-model"
    payload = json.loads(care_bot(llm_env(env, stub.base_url), "llm", "check", "--json").stdout)
    assert payload["ok"] is True and payload["mode"] == "llm"
    assert isinstance(payload["latency_ms"], int | float)


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [("404", "HTTP 404"), ("500", "erreur du serveur"), ("garbage", "réponse illisible")],
)
def test_doctor_with_a_failing_endpoint_exits_non_zero(
    env: dict[str, str], stub: StubLLMServer, behaviour: str, message: str
) -> None:
    stub.behaviour = behaviour
    result = care_bot(llm_env(env, stub.base_url), "doctor")
    assert result.returncode == 3
    assert message in result.stdout and "mode extractif" in result.stdout


def test_llm_check_connection_refused(env: dict[str, str]) -> None:
    result = care_bot(llm_env(env, refused_url()), "llm", "check", "--json")
    assert result.returncode == 3
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["cause"] == "connection refused"


def test_a_base_url_without_model_is_a_configuration_error(env: dict[str, str]) -> None:
    result = care_bot({**env, "CARE_LLM_BASE_URL": "http://127.0.0.1:1/v1"}, "doctor")
    assert result.returncode == 3
    assert "CARE_LLM_MODEL" in result.stderr
    result = care_bot({**env, "CARE_LLM_BASE_URL": "http://127.0.0.1:1/v1"}, "ask", QUESTION)
    assert result.returncode == 3 and "CARE_LLM_MODEL" in result.stderr


def test_ask_json_mode_is_llm_only_when_grounded(env: dict[str, str], stub: StubLLMServer) -> None:
    stub.reply = _rewording
    result = care_bot(llm_env(env, stub.base_url), "ask", "--json", QUESTION)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["mode"] == "llm" and payload["answer"].startswith("Selon la source, ")
    assert [c["number"] for c in payload["citations"]] == [1]
    assert payload["sources"]  # the passages the answer was checked against
    stub.behaviour = "invented_citation"
    payload = json.loads(care_bot(llm_env(env, stub.base_url), "ask", "--json", QUESTION).stdout)
    assert payload["mode"] == "extractive" and "[7]" not in payload["answer"]
    stub.behaviour = "hang"
    result = care_bot(llm_env(env, stub.base_url, timeout="1"), "ask", "--json", QUESTION)
    assert result.returncode == 0  # never an error because of the LLM
    payload = json.loads(result.stdout)
    assert payload["mode"] == "extractive" and payload["found"] is True
    assert "timeout" in result.stderr  # the log line naming the cause


# -- the composition root, in process ------------------------------------------------------------
def services_for(data_dir: Path, **llm: object) -> Services:
    overrides: dict[str, object] = {"care_llm_base_url": None, **llm}
    settings = load_settings(care_data_dir=data_dir, care_embeddings="none", **overrides)
    return build_services(settings)


def test_build_services_without_llm_is_extractive(env: dict[str, str]) -> None:
    services = services_for(Path(env["CARE_DATA_DIR"]), care_history_turns=2)
    try:
        assistant = services.assistant
        assert services.llm.mode == "extractive" and assistant.improver is None
        assert isinstance(assistant.rewrite_followup, ExtractiveFollowupRewriter)
        assert assistant.history_turns == 2
        fiche = next(f for f in assistant.flows if isinstance(f, FicheProjetFlow))
        assert fiche.interview.suggestions is None  # « proposer une rédaction » not offered
    finally:
        services.close()


def test_build_services_wires_the_llm_everywhere(env: dict[str, str], stub: StubLLMServer) -> None:
    services = services_for(
        Path(env["CARE_DATA_DIR"]),
        care_llm_base_url=stub.base_url,
        care_llm_model="stub-model",
        care_llm_timeout=2,
        care_history_turns=1,
    )
    try:
        assistant = services.assistant
        assert services.llm.mode == "llm" and isinstance(assistant.improver, LLMAnswerImprover)
        assert isinstance(assistant.rewrite_followup, LLMFollowupRewriter)
        fiche = next(f for f in assistant.flows if isinstance(f, FicheProjetFlow))
        assert fiche.interview.suggestions is not None
        stub.reply = _rewording
        questions = (
            "Qu'est-ce que le programme CaRE ?",
            "Que demande le domaine 2 de CaRE ?",
            "Quelles sont les actions de l'instruction DNS/2025/12 ?",
        )
        for text in questions:  # the conversation offers the model's version as a second step
            for reply in assistant.handle(Turn("cli:wiring", text)):
                refine = getattr(reply, "refine", None)
                if refine is not None:
                    refine()
        # the configured window: only the previous question goes into the answer prompt
        history = user_prompt(stub.requests[-1]).split("<historique>")[1].split("</historique>")[0]
        assert questions[1] in history and questions[0] not in history
        assert assistant.ask(QUESTION).mode == "llm"
    finally:
        services.close()


def _rewording(body: dict[str, object]) -> str:
    """A "model" answering with the first sentence it was given, cited."""
    import re

    prompt = user_prompt(body)  # type: ignore[arg-type]
    match = re.search(r'<extrait numero="1"[^>]*>\n(.*?)\n</extrait>', prompt, re.DOTALL)
    if match is None:
        return "ok"
    first = re.split(r"(?<=[.!?])\s", match.group(1).strip(), maxsplit=1)[0]
    return f"Selon la source, {first[0].lower()}{first[1:].rstrip('.')} [1]."


def test_chat_prints_the_answer_then_the_model_s_version(
    env: dict[str, str], stub: StubLLMServer
) -> None:
    from agent.messages import REFORMULATED

    stub.reply = _rewording
    result = run_cli(
        ["chat", "--user", "t"],
        {**llm_env(env, stub.base_url), "CARE_LLM_PROFILE": "cpu"},
        stdin=f"{QUESTION}\n".encode(),
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    first = result.stdout.find("Sources :")
    refined = result.stdout.find("Selon la source, ")
    assert 0 <= first < refined, result.stdout
    assert REFORMULATED in result.stdout[refined:]
