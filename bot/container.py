"""Composition root: settings → store, knowledge index, flows, assistant."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.flows.base import Flow
from agent.llm import LLMConfig, LLMConfigError, LLMStage, open_llm
from agent.store import SqliteStore, Store, private_directory
from bot.errors import ConfigurationError
from bot.settings import Settings
from facts import load_fact_base
from retrieval import DEFAULT_EMBEDDINGS, KnowledgeIndex, Passage, analyze_text

if TYPE_CHECKING:
    from agent.flows.drafting import DraftingHelp

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class Services:
    settings: Settings
    store: Store
    index: KnowledgeIndex
    assistant: Assistant
    llm: LLMStage

    def close(self) -> None:
        self.store.close()


def open_store(settings: Settings) -> Store:
    url = settings.care_database_url
    if url and url.startswith(("postgres://", "postgresql://")):
        from agent.store.postgres import PostgresStore  # optional dependency

        return PostgresStore(url)
    if url and url.startswith("sqlite:///"):
        return SqliteStore(url.removeprefix("sqlite:///"))
    return SqliteStore(settings.store_path)


def open_index(settings: Settings, progress: Progress | None = None) -> KnowledgeIndex:
    return KnowledgeIndex.open(
        settings.care_knowledge_dir,
        settings.care_data_dir,
        embeddings=settings.care_embeddings or DEFAULT_EMBEDDINGS,
        chroma_url=settings.chroma_url,
        progress=progress,
    )


def llm_config(settings: Settings) -> LLMConfig | None:
    """The LLM endpoint from ``CARE_LLM_*``; None (extractive mode) when no base URL is set."""
    base_url = (settings.care_llm_base_url or "").strip()
    if not base_url:
        return None
    key = settings.care_llm_api_key.get_secret_value() if settings.care_llm_api_key else None
    try:
        return LLMConfig.for_profile(
            settings.care_llm_profile,
            base_url,
            (settings.care_llm_model or "").strip(),
            api_key=key or None,
            timeout=settings.care_llm_timeout,
            provider=settings.care_llm_provider,
            max_tokens=settings.care_llm_max_tokens,
            evidence=settings.care_llm_evidence,
            policy=settings.care_llm_policy,
        )
    except LLMConfigError as exc:
        raise ConfigurationError(str(exc), user_message=exc.user_message) from exc


def open_llm_stage(settings: Settings) -> LLMStage:
    """Improver, follow-up rewriter and drafting suggester; extractive ones without a model.

    Without ``CARE_LLM_BASE_URL`` nothing of the OpenAI client is imported (start-up time).
    """
    config = llm_config(settings)
    try:
        stage = open_llm(
            config, settings.care_prompts_dir, history_turns=settings.care_history_turns
        )
    except LLMConfigError as exc:
        raise ConfigurationError(str(exc), user_message=exc.user_message) from exc
    if config is not None:
        logger.info("LLM mode: %s at %s", config.model, config.display_url)
    return stage


def build_flows(
    settings: Settings, index: KnowledgeIndex, llm: LLMStage | None = None
) -> list[Flow]:
    from agent.flows.drafting import build_drafting_flows
    from agent.flows.eligibility_flow import EligibilityFlow, source_info_from_notes
    from drafting import DossierDrafter, load_dossier_knowledge
    from eligibility import load_rule_book

    notes = index.sources()
    drafter = DossierDrafter(
        load_dossier_knowledge(settings.care_knowledge_dir / "dossier"),
        source_titles={note.id: note.title for note in notes},
        source_urls={note.id: note.url for note in notes},
    )
    return [
        EligibilityFlow(
            load_rule_book(settings.care_knowledge_dir / "eligibility"),
            source_info_from_notes(notes),
        ),
        *build_drafting_flows(drafter, _drafting_help(index, llm)),
    ]


def _drafting_help(index: KnowledgeIndex, llm: LLMStage | None) -> DraftingHelp | None:
    """« Proposer une rédaction » in the drafting dialogue: only when a model is configured."""
    if llm is None or llm.suggester is None:
        return None
    from agent.flows.drafting import DraftingHelp

    def search(query: str) -> Sequence[Passage]:
        result = index.search(query, k=5)
        return result.passages if result.found else ()

    return DraftingHelp(llm.suggester, search)


def build_assistant(
    settings: Settings,
    index: KnowledgeIndex,
    store: Store,
    llm: LLMStage,
    flows: Sequence[Flow] = (),
) -> Assistant:
    """The assistant every channel talks to; ``care-bot eval`` judges the answers of this one."""
    return Assistant(
        searcher=index,
        store=store,
        composer=ExtractiveComposer(
            analyze_text, load_fact_base(settings.care_knowledge_dir), index.sources()
        ),
        flows=flows,
        improver=llm.improver,
        rewrite_followup=llm.rewrite_followup,
        history_turns=settings.care_history_turns,
    )


def extractive_assistant(settings: Settings, index: KnowledgeIndex, store: Store) -> Assistant:
    """The assistant of the default configuration: extractive mode, whatever ``CARE_LLM_*`` say."""
    llm = open_llm(None, settings.care_prompts_dir, history_turns=settings.care_history_turns)
    return build_assistant(settings, index, store, llm)


def build_services(
    settings: Settings, progress: Progress | None = None, *, with_flows: bool = True
) -> Services:
    """Everything a front end needs. ``with_flows=False`` (``care-bot ask``: questions only)
    skips the dialogues, whose rule tables and dossier specs take a while to load."""
    private_directory(settings.care_data_dir, tighten=True)  # the store and the index: 0700
    index = open_index(settings, progress)
    llm = open_llm_stage(settings)
    store = open_store(settings)
    flows = build_flows(settings, index, llm) if with_flows else ()
    assistant = build_assistant(settings, index, store, llm, flows)
    return Services(settings=settings, store=store, index=index, assistant=assistant, llm=llm)
