"""Access control and administration through a real PTB Application."""

from __future__ import annotations

import re

from telegram.error import Forbidden

from bot.telegram import texts
from tests.bot.conftest import (
    ADMIN,
    GROUP,
    OTHER,
    STRANGER,
    USER,
    BotApiError,
    BotHarness,
    MakeBot,
    texts_of,
    toasts,
)

REFUSAL_PRIVATE = f"{texts.REFUSAL}\n\n{texts.REFUSAL_ASK}"
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def status(bot: BotHarness, user: int) -> str | None:
    record = bot.store.get_user(f"tg:{user}")
    return record.status if record else None


async def test_a_stranger_is_refused_asks_for_access_and_is_approved(make_bot: MakeBot) -> None:
    bot = await make_bot()
    calls = await bot.send("Quels sont les prérequis du domaine 2 ?", user=STRANGER)
    assert [c.method for c in calls] == ["sendMessage"]  # no "typing…": nothing was processed
    assert calls[0].plain == REFUSAL_PRIVATE
    assert calls[0].labels == [texts.REQUEST_BUTTON]
    assert bot.store.load_session(f"tg:{STRANGER}").version == 0  # no session was ever saved

    calls = await bot.press(texts.REQUEST_BUTTON, user=STRANGER)
    (request,) = bot.api.sent("sendMessage", chat_id=ADMIN)[-1:]
    assert request.plain == (  # the real id first, the chosen name quoted after it
        "Demande d'accès de l'identifiant Telegram 3003 — nom affiché (choisi par la personne) : "
        "« Prénom3003 Référent », compte @ref3003."
    )
    assert request.labels == [texts.APPROVE_BUTTON, texts.DENY_BUTTON]
    assert texts_of([c for c in calls if c.chat_id == STRANGER]) == [texts.REQUEST_SENT]
    assert status(bot, STRANGER) == "pending"
    assert texts_of(await bot.send("Et alors ?", user=STRANGER)) == [texts.REQUEST_PENDING]

    calls = await bot.press(texts.APPROVE_BUTTON, user=ADMIN, chat=ADMIN)
    (decided,) = [c for c in calls if c.method == "editMessageText"]
    assert decided.plain.endswith(f"→ demande autorisée par l'administrateur {ADMIN}.")
    assert texts_of([c for c in calls if c.chat_id == STRANGER]) == [texts.ACCESS_GRANTED]
    assert status(bot, STRANGER) == "allowed"
    # a double tap (or a second administrator) on the same request changes nothing
    calls = await bot.process(bot.callback_update(ADMIN, "tg!no:3003", request.result))
    assert toasts(calls) == ["Cette demande a déjà été traitée : l'utilisateur est autorisé."]
    assert status(bot, STRANGER) == "allowed"
    assert texts_of(bot.api.sent("sendMessage", chat_id=STRANGER))[-1] == texts.ACCESS_GRANTED
    assert len(bot.api.sent("sendMessage", chat_id=STRANGER)) == 4  # granted only once
    assert bot.runtime.metrics.errors == 0

    restarted = await make_bot()  # the approval is in the store, not in memory
    (welcome,) = texts_of(await restarted.send("/start", user=STRANGER))
    assert welcome.startswith("Bonjour, je suis l'Assistant CaRE")


async def test_a_denied_request_and_a_non_admin_pressing_approve(bot: BotHarness) -> None:
    (refusal,) = await bot.send("bonjour", user=STRANGER)
    await bot.press(texts.REQUEST_BUTTON, user=STRANGER)
    calls = await bot.press(texts.APPROVE_BUTTON, user=USER, chat=ADMIN)
    assert toasts(calls) == [texts.ADMIN_ONLY]
    assert status(bot, STRANGER) == "pending"

    calls = await bot.press(texts.DENY_BUTTON, user=ADMIN, chat=ADMIN)
    assert texts_of(calls) == [
        texts.ACCESS_DENIED,
        "Demande d'accès de l'identifiant Telegram 3003 — nom affiché (choisi par la personne) : "
        "« Prénom3003 Référent », compte @ref3003.\n"
        f"→ demande refusée par l'administrateur {ADMIN}.",
    ]
    assert status(bot, STRANGER) == "denied"
    assert texts_of(await bot.send("s'il vous plaît", user=STRANGER)) == [texts.REQUEST_DENIED]
    # the button of the first refusal, pressed again (e.g. from another device)
    calls = await bot.process(bot.callback_update(STRANGER, "tg!req", refusal.result))
    assert toasts(calls) == [texts.REQUEST_DENIED]
    assert len(bot.api.sent("sendMessage", chat_id=ADMIN)) == 1  # no second request


async def test_admin_commands(bot: BotHarness) -> None:
    calls = await bot.send("/autoriser", user=ADMIN)
    assert texts_of(calls) == [texts.USAGE_ALLOW]
    bot.api.fail(
        "sendMessage",
        BotApiError(403, "Forbidden: bot can't initiate conversation with a user"),
        when=lambda params: params["chat_id"] == STRANGER,
    )
    calls = await bot.send(f"/autoriser {STRANGER}", user=ADMIN)
    assert texts_of(calls) == [
        f"L'utilisateur {STRANGER} est autorisé (il n'a pas encore écrit au bot : il n'a pas pu "
        "être prévenu)."
    ]
    assert status(bot, STRANGER) == "allowed"
    assert texts_of(await bot.send("/start", user=STRANGER))[0].startswith("Bonjour")

    calls = await bot.send(f"/revoquer tg:{STRANGER}", user=ADMIN)
    assert texts_of(calls) == [f"L'accès de l'utilisateur {STRANGER} est révoqué."]
    assert texts_of(await bot.send("/start", user=STRANGER)) == [texts.REQUEST_REVOKED]
    assert texts_of(await bot.send(f"/revoquer {ADMIN}", user=ADMIN)) == [
        texts.CANNOT_REVOKE_ADMIN
    ]

    (listing,) = texts_of(await bot.send("/utilisateurs", user=ADMIN))
    lines = listing.splitlines()
    assert lines[0] == "Utilisateurs (4) :"
    assert any(line.startswith(f"• {ADMIN} — autorisé · administrateur") for line in lines)
    assert not re.search(r"\d{4}-\d\d-\d\d", listing)  # dates in French words
    assert any(line.startswith(f"• {STRANGER} — révoqué") for line in lines)

    await bot.send("Qu'est-ce que la PGSSI-S ?", user=USER)
    await bot.press("👍", user=USER)
    (stats,) = texts_of(await bot.send("/stats", user=ADMIN))
    assert (
        "Utilisateurs : 3 autorisés, 0 en attente, 1 révoqués, 0 refusés ; 1 administrateurs."
        in stats
    )
    assert "Réponses notées : 1 réponses sourcées, 1 👍, 0 👎, 0 sans avis." in stats
    assert " : 2 échanges, " in stats  # /start and the question; refusals are not turns

    calls = await bot.send("/reindex", user=ADMIN)
    started, done = texts_of(calls)
    assert started == texts.REINDEX_STARTED
    assert re.match(r"Index à jour : \d+ fichiers, \d+ extraits \(\+0 ajoutés", done)


async def test_admin_commands_are_for_admins_in_private_only(bot: BotHarness) -> None:
    for command in ("/autoriser 5", "/revoquer 5", "/utilisateurs", "/stats", "/reindex"):
        assert texts_of(await bot.send(command, user=USER)) == [texts.ADMIN_ONLY], command
        assert texts_of(await bot.send(command, user=STRANGER)) == [REFUSAL_PRIVATE]
    calls = await bot.send("/stats@CareTestBot", user=ADMIN, chat=GROUP)
    assert texts_of(calls) == [texts.PRIVATE_ONLY]
    assert status(bot, 5) is None


async def test_configured_users_are_seeded_once_and_a_revocation_survives(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot()
    assert status(bot, USER) == status(bot, OTHER) == "allowed"
    await bot.send(f"/revoquer {OTHER}", user=ADMIN)
    restarted = await make_bot()  # same CARE_ALLOWED_USERS, same store
    assert status(restarted, OTHER) == "revoked"
    assert texts_of(await restarted.send("/aide", user=OTHER)) == [texts.REQUEST_REVOKED]


async def test_a_user_who_blocked_the_bot_is_not_notified_of_the_approval(
    bot: BotHarness,
) -> None:
    await bot.send("bonjour", user=STRANGER)
    await bot.press(texts.REQUEST_BUTTON, user=STRANGER)
    bot.api.fail("sendMessage", Forbidden("Forbidden: bot was blocked by the user"))
    calls = await bot.press(texts.APPROVE_BUTTON, user=ADMIN, chat=ADMIN)
    assert status(bot, STRANGER) == "allowed"
    assert [c.method for c in calls if c.ok] == ["answerCallbackQuery", "editMessageText"]
    assert bot.runtime.metrics.errors == 0  # handled where it happened, no apology


async def test_an_old_request_is_still_decided_when_its_message_cannot_be_edited(
    bot: BotHarness,
) -> None:
    await bot.send("bonjour", user=STRANGER)
    await bot.press(texts.REQUEST_BUTTON, user=STRANGER)
    bot.api.fail("answerCallbackQuery", BotApiError(400, TOO_OLD))
    bot.api.fail("editMessageText", BotApiError(400, "Bad Request: message can't be edited"))
    calls = await bot.press(texts.APPROVE_BUTTON, user=ADMIN, chat=ADMIN)
    assert status(bot, STRANGER) == "allowed"
    assert texts_of([c for c in calls if c.chat_id == STRANGER]) == [texts.ACCESS_GRANTED]
    assert texts_of([c for c in calls if c.chat_id == ADMIN])[-1].endswith(
        f"→ demande autorisée par l'administrateur {ADMIN}."
    )
    assert bot.runtime.metrics.errors == 0


async def test_a_notice_too_late_for_a_toast_is_sent_as_a_message(bot: BotHarness) -> None:
    await bot.send("bonjour", user=STRANGER)
    await bot.press(texts.REQUEST_BUTTON, user=STRANGER)
    bot.api.fail("answerCallbackQuery", BotApiError(400, TOO_OLD))
    message, data = bot.find_button(texts.APPROVE_BUTTON, chat=ADMIN)
    forwarded = {**message, "chat": bot.api.chat(USER)}  # somehow in a non-admin's hands
    calls = await bot.process(bot.callback_update(USER, data, forwarded))
    assert texts_of(calls) == [texts.ADMIN_ONLY] and calls[-1].chat_id == USER
