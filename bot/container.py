"""Composition root: settings → store, knowledge index, flows, assistant."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.flows.base import Flow
from agent.store import SqliteStore, Store
from bot.settings import Settings
from retrieval import DEFAULT_EMBEDDINGS, KnowledgeIndex, analyze_text

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class Services:
    settings: Settings
    store: Store
    index: KnowledgeIndex
    assistant: Assistant

    def close(self) -> None:
        self.store.close()


def open_store(settings: Settings) -> Store:
    url = settings.care_database_url
    if url and url.startswith(("postgres://", "postgresql://")):
        from agent.store_postgres import PostgresStore  # optional dependency

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


def build_flows(settings: Settings, index: KnowledgeIndex) -> list[Flow]:
    from agent.flows.drafts_menu import build_drafting_flows
    from agent.flows.eligibility_flow import EligibilityFlow, source_info_from_notes
    from drafting import DossierDrafter, load_dossier_knowledge
    from eligibility import load_rule_book

    notes = index.sources()
    drafter = DossierDrafter(
        load_dossier_knowledge(settings.care_knowledge_dir / "dossier"),
        source_titles={note.id: note.title for note in notes},
    )
    return [
        EligibilityFlow(
            load_rule_book(settings.care_knowledge_dir / "eligibility"),
            source_info_from_notes(notes),
        ),
        *build_drafting_flows(drafter),
    ]


def build_services(settings: Settings, progress: Progress | None = None) -> Services:
    index = open_index(settings, progress)
    store = open_store(settings)
    assistant = Assistant(
        searcher=index,
        store=store,
        composer=ExtractiveComposer(analyze_text),
        flows=build_flows(settings, index),
    )
    return Services(settings=settings, store=store, index=index, assistant=assistant)
