"""The conversational core, channel-agnostic: a turn in, replies out."""

from agent.answering import Answer, ExtractiveComposer
from agent.assistant import Assistant
from agent.errors import AgentError, LLMError, StoreError
from agent.store import Draft, SqliteStore, Store
from agent.turns import (
    Attachment,
    ChoiceReply,
    DocumentReply,
    Option,
    Reply,
    Session,
    SourceRef,
    TextReply,
    Turn,
)

__all__ = [
    "AgentError",
    "Answer",
    "Assistant",
    "Attachment",
    "ChoiceReply",
    "DocumentReply",
    "Draft",
    "ExtractiveComposer",
    "LLMError",
    "Option",
    "Reply",
    "Session",
    "SourceRef",
    "SqliteStore",
    "Store",
    "StoreError",
    "TextReply",
    "Turn",
]
