"""The access gate: ONE pre-handler (group -1) in front of every handler, real PTB Application.

A spy handler in group 1 sees every update that got past the gate and group 0: an update the
gate stops never reaches it, whatever handler would have taken it — which is what a handler
added tomorrow gets without remembering to call anything.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.telegram import texts
from bot.telegram.gate import GROUP as GATE_GROUP
from tests.bot.conftest import (
    ADMIN,
    BOT_ID,
    GROUP,
    STRANGER,
    USER,
    BotHarness,
    MakeBot,
    texts_of,
    toasts,
)

REFUSAL_PRIVATE = f"{texts.REFUSAL}\n\n{texts.REFUSAL_ASK}"
REFUSAL_IN_GROUP = f"{texts.REFUSAL}\n\n{texts.REFUSAL_GROUP}"
NOTICE = {
    None: REFUSAL_PRIVATE,
    "pending": texts.REQUEST_PENDING,
    "denied": texts.REQUEST_DENIED,
    "revoked": texts.REQUEST_REVOKED,
}


class Spy:
    """Records the update ids that reached handler group 1."""

    def __init__(self, bot: BotHarness) -> None:
        self.seen: list[int] = []
        bot.app.add_handler(TypeHandler(Update, self), group=1)

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.seen.append(update.update_id)


def bot_message(chat: int) -> dict[str, Any]:
    """A message of the bot in ``chat`` showing a button (an old keyboard)."""
    return {
        "message_id": 42,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private", "first_name": "U"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Assistant CaRE"},
        "text": "Question",
        "reply_markup": {"inline_keyboard": [[{"text": "Oui", "callback_data": "sys:erase:yes"}]]},
    }


async def test_the_gate_is_registered_once_in_group_minus_one(bot: BotHarness) -> None:
    (gate,) = bot.app.handlers[GATE_GROUP]
    assert isinstance(gate, TypeHandler) and gate.type is Update
    assert min(bot.app.handlers) == GATE_GROUP


@pytest.mark.parametrize("status", [None, "pending", "denied", "revoked"])
async def test_people_without_access_reach_no_handler(bot: BotHarness, status: str | None) -> None:
    if status is not None:
        bot.store.set_user(f"tg:{STRANGER}", status, "")
    spy = Spy(bot)
    before = bot.store.load_session(f"tg:{STRANGER}").version
    notice = NOTICE[status]
    assert texts_of(await bot.send("Quels sont les prérequis du D2 ?", user=STRANGER)) == [notice]
    assert texts_of(await bot.send("/eligibilite", user=STRANGER)) == [notice]
    assert texts_of(await bot.send("/stats", user=STRANGER)) == [notice]
    assert texts_of(await bot.send_file("r.yaml", b"titre: x\n", user=STRANGER)) == [notice]
    located = bot.message_update(STRANGER, location={"latitude": 45.0, "longitude": 5.0})
    assert texts_of(await bot.process(located)) == [notice]
    press = bot.callback_update(STRANGER, "sys:erase:yes", bot_message(STRANGER))
    calls = await bot.process(press)
    assert toasts(calls) == [texts.REFUSAL if status is None else notice]
    assert spy.seen == []
    assert bot.store.load_session(f"tg:{STRANGER}").version == before  # no turn at all
    assert not bot.api.sent("sendChatAction", chat_id=STRANGER)  # nothing was processed


@pytest.mark.parametrize("status", [None, "pending", "denied", "revoked"])
async def test_what_people_without_access_may_do_passes(
    bot: BotHarness, status: str | None
) -> None:
    if status is not None:
        bot.store.set_user(f"tg:{STRANGER}", status, "")
    spy = Spy(bot)
    (offer,) = await bot.send("/supprimer_mes_donnees", user=STRANGER)
    assert offer.labels == [texts.ERASE_YES_BUTTON, texts.ERASE_NO_BUTTON]
    assert spy.seen == []  # answered by the gate itself
    message, data = bot.find_button(texts.ERASE_NO_BUTTON, chat=STRANGER)
    keep = bot.callback_update(STRANGER, data, message)
    assert texts_of(await bot.process(keep)) == [texts.ERASE_KEPT]
    request = bot.callback_update(STRANGER, "tg!req", bot_message(STRANGER))
    await bot.process(request)
    assert spy.seen == [keep["update_id"], request["update_id"]]  # through the gate


async def test_allowed_users_and_administrators_pass(bot: BotHarness) -> None:
    spy = Spy(bot)
    passed = []
    for user in (USER, ADMIN):
        for update in (
            bot.message_update(user, text="/aide"),
            bot.message_update(user, text="Qu'est-ce que la PGSSI-S ?"),
            bot.message_update(user, location={"latitude": 45.0, "longitude": 5.0}),
        ):
            await bot.process(update)
            passed.append(update["update_id"])
    stats = bot.message_update(ADMIN, text="/stats")
    await bot.process(stats)
    assert spy.seen == [*passed, stats["update_id"]]
    assert texts_of(await bot.send("/stats", user=USER)) == [texts.ADMIN_ONLY]


async def test_in_a_group_only_what_is_addressed_to_the_bot_passes_or_is_refused(
    bot: BotHarness,
) -> None:
    spy = Spy(bot)
    for user in (USER, STRANGER):
        assert await bot.send("on déjeune à midi ?", user=user, chat=GROUP) == []
        assert await bot.send("/aide@UnAutreBot", user=user, chat=GROUP) == []
        assert await bot.send_file("r.yaml", b"x: 1\n", user=user, chat=GROUP) == []
        joined = bot.message_update(
            user, GROUP, new_chat_members=[{"id": 9, "is_bot": False, "first_name": "N"}]
        )
        assert await bot.process(joined) == []
    assert spy.seen == []  # ignored, and no refusal for strangers talking among themselves
    assert texts_of(await bot.send("/aide@CareTestBot", user=STRANGER, chat=GROUP)) == [
        REFUSAL_IN_GROUP
    ]
    assert spy.seen == []
    mention = bot.message_update(USER, GROUP, text="@CareTestBot qu'est-ce que la PGSSI-S ?")
    await bot.process(mention)
    assert spy.seen == [mention["update_id"]]


async def test_over_the_rate_limit_nothing_passes(make_bot: MakeBot) -> None:
    bot = await make_bot(care_rate_limit_per_minute=2)
    spy = Spy(bot)
    updates = [bot.message_update(USER, text="/aide") for _ in range(4)]
    for update in updates:
        await bot.process(update)
    assert spy.seen == [update["update_id"] for update in updates[:2]]
    assert bot.runtime.metrics.rate_limited == 2
    # a group's chatter does not count against a member's limit
    other = await make_bot(care_rate_limit_per_minute=2)
    for _ in range(5):
        await other.send("bavardage", user=USER, chat=GROUP)
    assert texts_of(await other.send("/aide")) != []
