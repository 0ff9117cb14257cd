"""Buttons carry typed actions; the bot reads the core's reply data, never its French wording
(real PTB Application)."""

from __future__ import annotations

import pytest

from agent import messages
from agent.actions import RateAnswer, ShowSources, decode
from bot.telegram import texts
from tests.bot.conftest import GROUP, OTHER, USER, BotHarness, Call, toasts


def edited_keyboards(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "editMessageReplyMarkup"]


async def test_the_answer_buttons_are_typed_actions(bot: BotHarness) -> None:
    (answer,) = [c for c in await bot.send("Qu'est-ce que la PGSSI-S ?") if c.labels]
    actions = [decode(str(button["callback_data"])) for button in answer.buttons]
    feedback_id = bot.store.list_feedback()[0].feedback_id
    assert actions == [
        ShowSources(feedback_id),
        RateAnswer(feedback_id, useful=True),
        RateAnswer(feedback_id, useful=False),
    ]


async def test_a_recorded_rating_is_known_from_the_reply_data_not_its_wording(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messages, "FEEDBACK_THANKS", "Avis noté, merci.")
    await bot.send("Qu'est-ce que la PGSSI-S ?")
    calls = await bot.press("👍")
    assert toasts(calls) == ["Avis noté, merci."]
    (edit,) = edited_keyboards(calls)
    assert edit.labels == [texts.SOURCES_BUTTON]  # 👍 / 👎 gone, Sources kept
    assert bot.store.list_feedback()[0].rating == 1


async def test_a_refused_rating_keeps_the_buttons_whatever_its_wording(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Even worded like a thank-you, the core's refusal (kind "stale") is read as a refusal.
    monkeypatch.setattr(messages, "STALE_BUTTON", messages.FEEDBACK_THANKS)
    await bot.send("@CareTestBot qu'est-ce que la PGSSI-S ?", chat=GROUP)
    calls = await bot.press("👍", user=OTHER, chat=GROUP)
    assert toasts(calls) == [messages.FEEDBACK_THANKS]
    assert edited_keyboards(calls) == []
    assert bot.store.list_feedback()[0].rating is None
    calls = await bot.press("👎", user=USER, chat=GROUP)
    assert len(edited_keyboards(calls)) == 1
    assert bot.store.list_feedback()[0].rating == -1


@pytest.mark.parametrize("data", ["sys:fb:", "sys:erase:peut-etre", "sys:src:a:b"])
async def test_core_action_data_the_bot_never_sent_changes_nothing(
    bot: BotHarness, data: str
) -> None:
    await bot.send("Qu'est-ce que la PGSSI-S ?")
    message = bot.api.sent("sendMessage", chat_id=USER)[-1].result
    before = bot.store.load_session(f"tg:{USER}").version
    calls = await bot.process(bot.callback_update(USER, data, message))
    assert toasts(calls) == [messages.STALE_BUTTON]
    assert bot.store.load_session(f"tg:{USER}").version == before  # no turn
