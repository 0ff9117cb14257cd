"""Static checks of docker/: no Docker engine on CI, so the files are checked as data.

What a real ``docker compose config`` / ``docker build`` would catch first: wrong structure,
missing volumes, files the image copies that do not exist, a root user, no health check.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined."""
    text = (DOCKER / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_default_up_is_polling_bot_and_chroma(compose: dict[str, Any]) -> None:
    services = compose["services"]
    default = {name for name, spec in services.items() if not spec.get("profiles")}
    assert default == {"bot", "chroma"}
    assert services["bot"]["command"] == ["telegram"]
    assert services["bot"]["environment"]["CHROMA_URL"] == "http://chroma:8000"


def test_profiles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["postgres"]["profiles"] == ["postgres", "webhook"]
    assert services["ollama"]["profiles"] == ["ollama"]
    assert services["llm"]["profiles"] == ["llm"]
    assert services["llm"]["build"]["dockerfile"] == "docker/Dockerfile.llm"
    webhook = services["bot-webhook"]
    assert webhook["profiles"] == ["webhook"] and webhook["deploy"]["replicas"] == 2
    assert "--webhook" in webhook["command"]
    assert webhook["environment"]["CARE_DATABASE_URL"].startswith("postgresql://")
    assert webhook["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["proxy"]["profiles"] == ["webhook"]


def test_every_named_volume_is_declared_and_bind_mounts_exist(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    for name, spec in compose["services"].items():
        for volume in spec.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                if not source.endswith("certs"):  # certificates are the operator's
                    assert (DOCKER / source).exists(), f"{name}: {source} missing"
            else:
                assert source in declared, f"{name}: volume {source} not declared"


def test_secrets_come_from_an_env_file_not_the_compose_file(compose: dict[str, Any]) -> None:
    bot = compose["services"]["bot"]
    assert bot["env_file"][0]["path"] == "care.env"
    assert "TELEGRAM_BOT_TOKEN" not in yaml.safe_dump(compose)
    assert (DOCKER / "care.env.example").exists()
    assert "docker/care.env" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_proxy_targets_the_webhook_replicas(compose: dict[str, Any]) -> None:
    conf = (DOCKER / "nginx.conf").read_text(encoding="utf-8")
    port = compose["services"]["bot-webhook"]["command"][-1]
    assert f"server bot-webhook:{port} resolve" in conf
    assert "listen 8443 ssl" in conf
    assert conf.count("{") == conf.count("}")


def test_dockerfile_is_multi_stage_non_root_with_healthcheck(
    dockerfile: list[tuple[str, str]],
) -> None:
    instructions = [name for name, _ in dockerfile]
    assert instructions.count("FROM") >= 3
    assert all("slim" in args for name, args in dockerfile if name == "FROM" and ":" in args)
    users = [args for name, args in dockerfile if name == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    assert instructions.index("USER") < instructions.index("CMD")
    assert "HEALTHCHECK" in instructions
    assert any(name == "ARG" and args.startswith("EMBEDDING_MODEL") for name, args in dockerfile)


def test_knowledge_changes_do_not_reinstall_dependencies(
    dockerfile: list[tuple[str, str]],
) -> None:
    steps = [f"{name} {args}" for name, args in dockerfile]
    install = next(i for i, s in enumerate(steps) if "pip install -r requirements.txt" in s)
    knowledge = next(i for i, s in enumerate(steps) if s.startswith("COPY") and "knowledge/" in s)
    code = next(i for i, s in enumerate(steps) if s.startswith("COPY") and "agent/" in s)
    index = next(i for i, s in enumerate(steps) if s.startswith("RUN") and " index" in s)
    assert install < code < knowledge < index
    before_install = [s for s in steps[:install] if s.startswith("COPY")]
    assert all("knowledge" not in s and "agent/" not in s for s in before_install)


def test_copied_files_exist_and_pass_the_dockerignore(dockerfile: list[tuple[str, str]]) -> None:
    allowed = [
        line[1:].rstrip("/")
        for line in (DOCKER / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    ]
    for name, args in dockerfile:
        if name != "COPY" or "--from=" in args:
            continue
        sources = [part for part in args.split()[:-1] if not part.startswith("--")]
        for source in sources:
            assert (ROOT / source).exists(), source
            assert any(source.rstrip("/") == a or source.startswith(a + "/") for a in allowed)


def test_llm_image_copies_only_what_its_dockerignore_lets_in() -> None:
    text = (DOCKER / "Dockerfile.llm").read_text(encoding="utf-8")
    allowed = [
        line[1:]
        for line in (DOCKER / "Dockerfile.llm.dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    copied = re.findall(r"^COPY (?!--from)(\S+)", text, flags=re.MULTILINE)
    assert copied and all(source in allowed and (ROOT / source).exists() for source in copied)
    assert re.search(r"^USER ", text, flags=re.MULTILINE) and "HEALTHCHECK" in text


def test_entrypoint_is_executable_posix_shell() -> None:
    entrypoint = DOCKER / "entrypoint.sh"
    assert entrypoint.stat().st_mode & 0o111
    assert subprocess.run(["sh", "-n", str(entrypoint)], check=False).returncode == 0
    assert re.search(r"^exec python -m bot ", entrypoint.read_text(), re.MULTILINE)


def test_requirements_script_reads_pyproject() -> None:
    result = subprocess.run(
        [sys.executable, str(DOCKER / "requirements.py")],
        cwd=ROOT,
        env={"EXTRAS": "postgres,sentence-transformers"},
        capture_output=True,
        text=True,
        check=True,
    )
    wanted = result.stdout.splitlines()
    assert any(w.startswith("psycopg") for w in wanted)
    assert any(w.startswith("sentence-transformers") for w in wanted)
    assert not any(w.startswith("torch") for w in wanted)  # from the CPU index instead


def _tool(name: str) -> str | None:
    """A command from PATH or from this interpreter's environment (an unactivated venv)."""
    beside = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside) if beside.exists() else None)


@pytest.mark.skipif(_tool("hadolint") is None, reason="hadolint is not installed")
@pytest.mark.parametrize("name", ["Dockerfile", "Dockerfile.llm"])
def test_hadolint(name: str) -> None:
    result = subprocess.run(
        [str(_tool("hadolint")), str(DOCKER / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def _compose_v1_copy(target: Path) -> Path:
    """docker/ copied for docker-compose 1.29, which predates two Compose-spec features we use.

    Only those two are rewritten (the top-level ``name`` and the long ``env_file`` syntax with
    ``required: false``); everything else is checked as written: schema, anchors and merges,
    variable interpolation, profiles, ``depends_on`` conditions, volumes.
    """
    copy = target / "docker"
    shutil.copytree(DOCKER, copy)
    shutil.copy(copy / "care.env.example", copy / "care.env")
    text = (copy / "compose.yaml").read_text(encoding="utf-8")
    long_env_file = "    - path: care.env\n      required: false\n"
    assert long_env_file in text and re.search(r"^name: ", text, flags=re.M)
    text = re.sub(r"^name: .*\n", "", text, flags=re.M).replace(long_env_file, "    - care.env\n")
    (copy / "compose.yaml").write_text(text, encoding="utf-8")
    return copy / "compose.yaml"


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed"
)
@pytest.mark.parametrize("profile", ["", "postgres", "webhook", "ollama", "llm"])
def test_compose_config_validates(tmp_path: Path, profile: str) -> None:
    compose_file = _compose_v1_copy(tmp_path)
    args = ["docker-compose", "-f", str(compose_file)]
    if profile:
        args += ["--profile", profile]
    result = subprocess.run(
        [*args, "config"], capture_output=True, text=True, check=False, env=_no_compose_env()
    )
    assert result.returncode == 0, result.stderr
    resolved: dict[str, Any] = yaml.safe_load(result.stdout)
    assert {"bot", "chroma"} <= set(resolved["services"])
    bot = resolved["services"]["bot"]
    assert bot["environment"]["CHROMA_URL"] == "http://chroma:8000"
    assert bot["build"]["args"]["EXTRAS"] == "postgres"  # the default of the interpolation


def _no_compose_env() -> dict[str, str]:
    """The environment without CARE_/COMPOSE_ variables, so that defaults are what is checked."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CARE_", "COMPOSE_", "POSTGRES_"))
    }
