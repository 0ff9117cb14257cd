"""Group chats: only commands and mentions are for the bot, or a polite refusal
(``CARE_GROUP_MODE=refuse``); dialogues and drafts stay in private chats."""

from __future__ import annotations

from bot.telegram import texts
from tests.bot.conftest import (
    BOT_ID,
    GROUP,
    OTHER,
    STRANGER,
    USER,
    BotHarness,
    MakeBot,
    joined,
    texts_of,
    toasts,
)


async def test_only_commands_mentions_and_replies_are_answered(bot: BotHarness) -> None:
    assert await bot.send("On se retrouve à 14 h ?", chat=GROUP) == []
    assert await bot.send("/aide@AutreBot", chat=GROUP) == []  # another bot's command

    (help_text,) = texts_of(await bot.send("/aide@CareTestBot", chat=GROUP))
    assert help_text.startswith("Ce que je sais faire")
    calls = await bot.send("/aide", chat=GROUP)  # a bare command is for every bot
    assert texts_of(calls) == [help_text]

    calls = await bot.send("@CareTestBot qu'est-ce que la PGSSI-S ?", chat=GROUP)
    (answer,) = [c for c in calls if c.method == "sendMessage"]
    assert answer.chat_id == GROUP and "¹" in answer.plain
    (feedback,) = bot.store.list_feedback()
    assert feedback.question == "qu'est-ce que la PGSSI-S ?"  # the mention is removed

    reply_to = {
        "message_id": answer.result["message_id"],
        "date": answer.result["date"],
        "chat": answer.result["chat"],
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "CaRE", "username": "CareTestBot"},
        "text": "…",
    }
    calls = await bot.send("Et pour le domaine 1 ?", chat=GROUP, reply_to_message=reply_to)
    assert [c.method for c in calls][-1] == "sendMessage"
    assert len(bot.store.list_feedback()) == 2


async def test_private_commands_are_refused_in_a_group(bot: BotHarness) -> None:
    for command in ("/eligibilite", "/fiche_projet", "/lettre_engagement", "/mes_dossiers"):
        calls = await bot.send(f"{command}@CareTestBot", chat=GROUP)
        assert texts_of(calls) == [texts.PRIVATE_ONLY], command
    assert bot.store.load_session(f"tg:{USER}").flow is None


async def test_one_users_buttons_in_a_group_show_nothing_to_another(bot: BotHarness) -> None:
    await bot.send("@CareTestBot quels sont les prérequis du domaine 2 ?", chat=GROUP)
    calls = await bot.press(texts.SOURCES_BUTTON, user=OTHER, chat=GROUP)
    assert "Extraits cités" not in joined(calls)
    assert "Ce bouton n'est plus valable" in joined(calls)
    calls = await bot.press("👍", user=OTHER, chat=GROUP)
    assert bot.store.list_feedback()[0].rating is None  # not rated by someone else
    assert not [c for c in calls if c.method == "editMessageReplyMarkup"]  # buttons kept
    await bot.press("👎", user=USER, chat=GROUP)
    assert bot.store.list_feedback()[0].rating == -1  # the author still can
    calls = await bot.press(texts.SOURCES_BUTTON, user=USER, chat=GROUP)
    assert joined(calls).startswith("Extraits cités")


async def test_strangers_in_a_group_are_told_to_write_in_private(bot: BotHarness) -> None:
    calls = await bot.send("@CareTestBot bonjour", user=STRANGER, chat=GROUP)
    assert [c.plain for c in calls] == [f"{texts.REFUSAL}\n\n{texts.REFUSAL_GROUP}"]
    assert calls[0].labels == []  # no request button in a group
    assert await bot.send("bonjour tout le monde", user=STRANGER, chat=GROUP) == []


async def test_refuse_mode_answers_groups_with_a_polite_refusal(make_bot: MakeBot) -> None:
    bot = await make_bot(care_group_mode="refuse")
    assert await bot.send("discussion entre collègues", chat=GROUP) == []
    for text in ("/aide@CareTestBot", "@CareTestBot une question ?"):
        assert texts_of(await bot.send(text, chat=GROUP)) == [texts.GROUP_REFUSED]
    assert bot.store.list_feedback() == []
    (help_text,) = texts_of(await bot.send("/aide"))  # private chats work as usual
    assert help_text.startswith("Ce que je sais faire")


async def test_toasts_for_private_buttons_pressed_in_a_group(bot: BotHarness) -> None:
    await bot.send("/eligibilite")
    before = bot.store.load_session(f"tg:{USER}")
    message, data = bot.find_button("Je ne sais pas")
    group_message = {**message, "chat": bot.api.chat(GROUP)}
    calls = await bot.process(bot.callback_update(USER, data, group_message))
    assert toasts(calls) == [texts.PRIVATE_ONLY[:200]]
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    after = bot.store.load_session(f"tg:{USER}")
    assert after.flow_state == before.flow_state and after.version == before.version
