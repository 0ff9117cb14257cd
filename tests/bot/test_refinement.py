"""Fast first, better later, through the real PTB Application and the real OpenAI client against
the loopback stub model: the extractive answer is sent at once, then edited in place when the
model's version passes the checks; a failing or slow model changes nothing on the phone and does
not keep the model from the next question."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from agent.messages import REFORMULATED
from tests.agent.llm.stub_server import StubLLMServer, user_prompt
from tests.bot.conftest import OTHER, USER, BotHarness, Call, MakeBot

QUESTION = "Quels sont les prérequis du domaine 2 ?"
_FIRST_EXTRACT = re.compile(r'<extrait numero="1"[^>]*>\n(.*?)\n</extrait>', re.DOTALL)


def rewording(body: dict[str, Any]) -> str:
    """A "model" that answers with the first sentence it was given, cited, in its own opening."""
    match = _FIRST_EXTRACT.search(user_prompt(body))
    assert match is not None
    first = re.split(r"(?<=[.!?])\s", match.group(1).strip(), maxsplit=1)[0]
    return f"Selon la source, {first[0].lower()}{first[1:].rstrip('.')} [1]."


@pytest.fixture
def stub() -> Iterator[StubLLMServer]:
    with StubLLMServer() as server:
        yield server


async def llm_bot(make_bot: MakeBot, stub: StubLLMServer) -> BotHarness:
    return await make_bot(
        care_llm_base_url=stub.base_url,
        care_llm_model="stub-model",
        care_llm_profile="cpu",
        care_llm_timeout=1.0,
    )


async def edits(bot: BotHarness, count: int = 1, within: float = 10.0) -> list[Call]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = bot.api.sent("editMessageText", USER)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    return bot.api.sent("editMessageText", USER)


async def test_the_answer_comes_at_once_then_is_replaced(
    make_bot: MakeBot, stub: StubLLMServer
) -> None:
    bot = await llm_bot(make_bot, stub)

    def slow(body: dict[str, Any]) -> str:
        time.sleep(0.5)
        return rewording(body)

    stub.reply = slow
    started = time.perf_counter()
    calls = await bot.send(QUESTION)
    first_answer = time.perf_counter() - started
    (answer,) = [c for c in calls if c.method == "sendMessage"]
    assert "<b>Sources</b>" in answer.html and REFORMULATED not in answer.plain
    assert first_answer < 0.5  # not waiting for the model
    assert not bot.api.sent("editMessageText")
    (edit,) = await edits(bot)
    assert edit.params["message_id"] == answer.result["message_id"]
    assert edit.plain.startswith("Selon la source, ") and REFORMULATED in edit.plain
    assert "<b>Sources</b>" in edit.html and "¹" in edit.plain  # rendered as the first answer
    assert [b["text"] for b in edit.buttons] == [b["text"] for b in answer.buttons]
    # the session now holds what the user sees: the Sources button shows the cited excerpt
    session = bot.store.load_session(f"tg:{USER}")
    assert session.history[-1]["a"].startswith("Selon la source, ")


async def test_a_failing_or_ungrounded_model_changes_nothing(
    make_bot: MakeBot, stub: StubLLMServer
) -> None:
    bot = await llm_bot(make_bot, stub)
    stub.reply = "Le domaine 2 impose un audit annuel par un prestataire PASSI [1]."
    await bot.send(QUESTION)
    stub.behaviour = "500"
    await bot.send(QUESTION)
    await asyncio.sleep(1.0)
    assert len(stub.requests) == 2
    assert not bot.api.sent("editMessageText")


async def test_one_slow_answer_does_not_disable_the_model_for_the_next_user(
    make_bot: MakeBot, stub: StubLLMServer
) -> None:
    bot = await llm_bot(make_bot, stub)
    stub.behaviour = "hang"
    await bot.send(QUESTION, user=OTHER)
    await asyncio.sleep(2.0)  # the model times out (1 s) on the first user's answer
    assert not bot.api.sent("editMessageText")
    stub.behaviour, stub.reply = "ok", rewording
    await bot.send(QUESTION, user=USER)
    (edit,) = await edits(bot)
    assert REFORMULATED in edit.plain
