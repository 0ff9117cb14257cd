"""What a button does, typed: front ends neither build nor parse action strings.

A button (``Option.action``, pressed as ``Turn.action``) is one of two things:

- an answer to the pending question of a dialogue: a ``str`` the flow built and alone reads
  (« elig:categorie=ght », « dr:gen:docx »); front ends pass it through untouched and the
  assistant refuses it when its question is no longer pending (``ChoiceReply.token``);
- a request to the core outside any dialogue: one of the dataclasses below (``CoreAction``),
  never bound to a question and allowed in group chats.

The core builds every ``Option`` but the answer buttons Telegram adds under a grounded answer
(``TextReply.feedback_id`` → « Sources », 👍, 👎), which it builds from these types too. Only
a channel whose buttons carry text (Telegram's callback data, 64 bytes at most) needs
``encode`` / ``decode``, at its border. The encoding is the one used before these types
existed (« sys:fb:<id>:up »…), so buttons already shown in chats keep working.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "sys:"


@dataclass(frozen=True)
class ShowSources:
    """« 📚 Sources » under an answer: the excerpts it cited."""

    feedback_id: str


@dataclass(frozen=True)
class RateAnswer:
    """👍 / 👎 under an answer."""

    feedback_id: str
    useful: bool


@dataclass(frozen=True)
class EraseData:
    """The answer to /supprimer_mes_donnees' confirmation."""

    confirmed: bool


@dataclass(frozen=True)
class ShowDetails:
    """« Détails » under a finished dialogue's result: ``Flow.details(argument)`` of ``flow``."""

    flow: str
    argument: str


CoreAction = ShowSources | RateAnswer | EraseData | ShowDetails
Action = str | CoreAction  # a str answers the pending question of a dialogue


def is_core(action: Action | None) -> bool:
    """True for a request to the core (not an answer to a dialogue's question)."""
    return action is not None and not isinstance(action, str)


def encode(action: Action) -> str:
    """The action as text (e.g. Telegram callback data); ``decode`` reads it back."""
    match action:
        case str():
            if action.startswith(PREFIX):
                raise ValueError(f"a dialogue's action cannot start with {PREFIX!r}: {action!r}")
            return action
        case ShowSources(feedback_id):
            return f"{PREFIX}src:{feedback_id}"
        case RateAnswer(feedback_id, useful):
            return f"{PREFIX}fb:{feedback_id}:{'up' if useful else 'down'}"
        case EraseData(confirmed):
            return f"{PREFIX}erase:{'yes' if confirmed else 'no'}"
        case ShowDetails(flow, argument):
            return f"{PREFIX}more:{flow}:{argument}"
    raise TypeError(f"not an action: {action!r}")  # pragma: no cover - exhaustive above


def decode(data: str) -> Action | None:
    """The action ``encode`` wrote; None for core-action text this module never writes
    (forged, or from an older version): never raises."""
    if not data.startswith(PREFIX):
        return data
    kind, _, rest = data.removeprefix(PREFIX).partition(":")
    parts = rest.split(":")
    if kind == "src" and len(parts) == 1 and parts[0]:
        return ShowSources(parts[0])
    if kind == "fb" and len(parts) == 2 and parts[0] and parts[1] in ("up", "down"):
        return RateAnswer(parts[0], parts[1] == "up")
    if kind == "erase" and rest in ("yes", "no"):
        return EraseData(rest == "yes")
    if kind == "more" and len(parts) >= 2 and parts[0]:
        flow, _, argument = rest.partition(":")
        return ShowDetails(flow, argument)
    return None
