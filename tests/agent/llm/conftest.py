"""Shared fixtures of the LLM tests: passages, prompts, scripted chat models, the stub server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import SimpleChatModel
from langchain_core.messages import BaseMessage

from agent.answering import Answer, ExtractiveComposer, source_ref
from agent.assistant import AnswerImprover, Assistant
from agent.llm import LLMConfig, PromptLibrary
from agent.store import SqliteStore, Store
from retrieval import (
    Citation,
    GlossaryEntry,
    Passage,
    SearchResult,
    SourceNote,
    analyze_text,
)
from tests.agent.llm.stub_server import StubLLMServer

ROOT = Path(__file__).resolve().parents[3]
PROMPTS_DIR = ROOT / "prompts"
TODAY = date(2026, 11, 28)


def citation(source_id: str, section: str, **overrides: Any) -> Citation:
    values: dict[str, Any] = {
        "source_id": source_id,
        "title": f"Titre de {source_id}",
        "section": section,
        "url": f"https://esante.gouv.fr/{source_id}",
        "kind": "instruction",
        "published": date(2025, 1, 22),
        "checked": date(2026, 11, 28),
        "status": "en_vigueur",
        "confidence": "officiel",
    }
    values.update(overrides)
    return Citation(**values)


PASSAGE_TEXTS = (
    (
        "programme-care",
        "Le programme CaRE",
        "Le programme CaRE (Cybersécurité accélération et Résilience des Établissements) "
        "finance la cybersécurité des établissements de santé. Il est doté de 750 millions "
        "d'euros sur la période 2023-2027.",
    ),
    (
        "care-d1",
        "Domaine 1 — exercices de crise",
        "Le domaine 1 demande aux établissements de réaliser un exercice de crise cyber. "
        "L'exercice doit être mené avant la date limite fixée par l'appel à financement.",
    ),
    (
        "care-d2",
        "Domaine 2 — continuité et reprise",
        "Le domaine 2 porte sur la continuité et la reprise d'activité : plan de continuité "
        "informatique, sauvegardes hors ligne et tests de restauration.",
    ),
)


@pytest.fixture
def passages() -> tuple[Passage, ...]:
    return tuple(
        Passage(f"{sid}#{i}", text, citation(sid, section), 1.0 - i / 10)
        for i, (sid, section, text) in enumerate(PASSAGE_TEXTS)
    )


@pytest.fixture
def extractive(passages: tuple[Passage, ...]) -> Answer:
    return Answer(
        "Que finance le programme CaRE ?",
        "Le programme CaRE finance la cybersécurité des établissements de santé. [1]",
        True,
        "extractive",
        TODAY,
        passages,
        (source_ref(1, passages[0]),),
    )


@pytest.fixture(scope="session")
def prompts() -> PromptLibrary:
    return PromptLibrary(PROMPTS_DIR)


class ScriptedChatModel(SimpleChatModel):
    """A chat model whose reply is a function of the messages (e.g. an "obedient" model that
    follows injected instructions), optionally slow or failing."""

    script: Callable[[list[BaseMessage]], str]
    delay: float = 0.0
    calls: list[list[BaseMessage]] = []  # noqa: RUF012 - pydantic copies the default

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _call(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> str:
        import time

        self.calls.append(messages)
        if self.delay:
            time.sleep(self.delay)
        return self.script(messages)


def scripted(
    reply: str | Callable[[list[BaseMessage]], str], delay: float = 0.0
) -> ScriptedChatModel:
    script = reply if callable(reply) else (lambda _messages: reply)
    return ScriptedChatModel(script=script, delay=delay)


@pytest.fixture
def stub() -> Iterator[StubLLMServer]:
    with StubLLMServer() as server:
        yield server


class RecordingSearcher:
    """A ``Searcher`` over fixed passages that records the queries it receives."""

    def __init__(self, passages: tuple[Passage, ...], found: bool = True) -> None:
        self.passages = passages
        self.found = found
        self.queries: list[str] = []

    def search(self, query: str, k: int = 5) -> SearchResult:
        self.queries.append(query)
        return SearchResult(query, self.passages[:k] if self.found else (), self.found)

    def sources(self) -> list[SourceNote]:
        return []

    def glossary(self) -> list[GlossaryEntry]:
        return []


def make_assistant(
    searcher: RecordingSearcher,
    store: Store,
    *,
    improver: AnswerImprover | None = None,
    rewrite_followup: Callable[[str, list[dict[str, str]]], str] | None = None,
    history_turns: int = 3,
) -> Assistant:
    return Assistant(
        searcher=searcher,
        store=store,
        composer=ExtractiveComposer(analyze_text),
        clock=lambda: TODAY,
        improver=improver,
        rewrite_followup=rewrite_followup,
        history_turns=history_turns,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "care.sqlite3")
    yield opened
    opened.close()


def stub_config(stub: StubLLMServer | str, timeout: float = 1.0, **overrides: Any) -> LLMConfig:
    """An ``LLMConfig`` for the stub (or any URL), as the composition root would build it."""
    base_url = stub if isinstance(stub, str) else stub.base_url
    return LLMConfig(base_url=base_url, model="stub-model", timeout=timeout, **overrides)
