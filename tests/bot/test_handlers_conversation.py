"""The referents' conversation through a real PTB Application: commands, answers, buttons."""

from __future__ import annotations

import re
from typing import Any

from telegram import Update

from agent.messages import NOTHING_TO_CANCEL
from agent.turns import ChoiceReply, Option
from bot.telegram import texts
from bot.telegram.app import on_startup
from bot.telegram.conversation import pressed_label
from bot.telegram.delivery import deliver
from bot.telegram.rendering import LABEL_PREFIX, OutText, render
from retrieval import KnowledgeIndex
from tests.bot.conftest import (
    ADMIN,
    GROUP,
    USER,
    BotApiError,
    BotHarness,
    MakeBot,
    joined,
    texts_of,
    toasts,
)

QUESTION = "Quels sont les prérequis du domaine 2 ?"
MENU = [
    "start",
    "aide",
    "eligibilite",
    "fiche_projet",
    "lettre_engagement",
    "mes_dossiers",
    "sources",
    "glossaire",
    "annuler",
    "supprimer_mes_donnees",
]


async def test_start_welcomes_with_a_privacy_notice(bot: BotHarness) -> None:
    calls = await bot.send("/start")
    (welcome,) = texts_of(calls)
    assert welcome.startswith("Bonjour, je suis l'Assistant CaRE")
    assert "n'envoyez jamais de données de patients" in welcome
    assert "enregistrés sur le serveur de votre établissement" in welcome
    assert "/supprimer_mes_donnees" in welcome
    assert "/eligibilite" in welcome and "/fiche_projet" in welcome


async def test_aide_lists_the_commands_without_the_welcome(bot: BotHarness) -> None:
    (help_text,) = texts_of(await bot.send("/aide"))
    assert help_text.startswith("Ce que je sais faire")
    for command in MENU[2:]:
        assert f"/{command}" in help_text


async def test_startup_registers_the_french_command_menu(bot: BotHarness) -> None:
    menus = bot.api.sent("setMyCommands")
    french = [c for c in menus if c.params.get("language_code") == "fr"]
    assert len(french) == 1
    assert french[0].params["scope"] == {"type": "default"}
    commands = {c["command"]: c["description"] for c in french[0].params["commands"]}
    assert list(commands) == MENU
    assert commands["supprimer_mes_donnees"] == "Effacer toutes vos données"
    assert "éligibilité" in commands["eligibilite"].lower()
    assert all(description[0].isupper() for description in commands.values())
    assert "stats" not in commands  # admin commands only in the administrators' chats
    (admin_menu,) = [c for c in menus if c.params["scope"].get("chat_id") == ADMIN]
    admin_commands = [c["command"] for c in admin_menu.params["commands"]]
    assert admin_commands[: len(MENU)] == MENU
    assert {"autoriser", "revoquer", "utilisateurs", "stats", "reindex"} <= set(admin_commands)


async def test_a_question_gets_a_cited_answer_with_sources_and_feedback_buttons(
    bot: BotHarness,
) -> None:
    calls = await bot.send(QUESTION)
    methods = [c.method for c in calls]
    assert methods == ["sendChatAction", "sendMessage"]
    assert calls[0].params["action"] == "typing"
    answer = calls[1]
    assert answer.params["parse_mode"] == "HTML"
    assert "PSSI" in answer.plain
    assert answer.labels == [texts.SOURCES_BUTTON, "👍", "👎"]
    # how it reads on a phone: the direct answer in bold, compact markers, sources as links
    first_line = answer.html.split("\n", 1)[0]
    assert first_line.startswith("<b>") and first_line.endswith("</b>")
    assert "¹" in answer.plain and "[1]" not in answer.plain
    assert "\nSources\n¹ " in answer.plain and "https://" not in answer.plain
    assert re.search(r'\n¹ <a href="https://[^"]+">[^<]+</a> — ', answer.html)

    calls = await bot.press(texts.SOURCES_BUTTON)
    assert [c.method for c in calls if c.method != "sendChatAction"][:2] == [
        "answerCallbackQuery",  # the spinner stops once the reply is ready, before it is sent
        "sendMessage",
    ]
    (excerpts,) = texts_of(calls)
    assert excerpts.startswith("Extraits cités :")
    first_cited = re.search(r"^¹ (.+?) — ", answer.plain.split("\nSources\n")[1], re.M)
    assert first_cited is not None and f"[1] {first_cited.group(1)}" in excerpts

    calls = await bot.press("👍")
    assert toasts(calls) == ["Merci pour votre avis : il sert à améliorer les réponses."]
    (edit,) = [c for c in calls if c.method == "editMessageReplyMarkup"]
    assert [b["text"] for b in edit.params["reply_markup"]["inline_keyboard"][0]] == [
        texts.SOURCES_BUTTON
    ]
    (feedback,) = bot.store.list_feedback()
    assert feedback.question == QUESTION
    assert feedback.user_id == f"tg:{USER}" and feedback.rating == 1
    assert feedback.sources and "[1]" in feedback.answer


async def test_thumbs_down_is_stored_too(bot: BotHarness) -> None:
    await bot.send("Qu'est-ce que la PGSSI-S ?")
    await bot.press("👎")
    (feedback,) = bot.store.list_feedback()
    assert feedback.rating == -1 and feedback.question == "Qu'est-ce que la PGSSI-S ?"


async def test_user_text_is_escaped_in_html_replies(bot: BotHarness) -> None:
    calls = await bot.send("/glossaire <b>gras</b> & co")
    (reply,) = [c for c in calls if c.method == "sendMessage"]
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; co" in reply.html
    assert "« <b>gras</b> & co »" in reply.plain  # shown literally, not in bold

    await bot.send("/eligibilite")
    calls = await bot.send("<b>hôpital</b>")  # not an option: echoed in the error
    assert "« <b>hôpital</b> » ne correspond à aucune réponse proposée" in joined(calls)

    await bot.send("/fiche_projet")
    await bot.send("<i>Sauvegardes</i> & {{ 7*7 }}")
    calls = await bot.send("aperçu")
    assert "Titre du projet : <i>Sauvegardes</i> & {{ 7*7 }}" in joined(calls)
    assert all(c.ok for c in calls)  # Telegram accepted every message (valid HTML)


async def test_a_long_reply_is_split_at_line_boundaries_with_nothing_lost(
    bot: BotHarness, knowledge_index: KnowledgeIndex
) -> None:
    calls = await bot.send("/sources")
    messages = [c for c in calls if c.method == "sendMessage"]
    assert len(messages) >= 2 and all(c.ok for c in messages)
    assert all(len(c.plain) <= 4096 for c in messages)
    assert all(c.plain.startswith(("Sources", "•")) for c in messages)  # cut between lines
    shown = "\n".join(c.plain for c in messages)
    for note in knowledge_index.sources():
        assert note.title in shown


async def test_non_text_input_gets_a_short_french_explanation(bot: BotHarness) -> None:
    inputs: list[dict[str, Any]] = [
        {"photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3}},
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"location": {"latitude": 48.85, "longitude": 2.35}},
    ]
    for fields in inputs:
        calls = await bot.process(bot.message_update(USER, **fields))
        assert texts_of(calls) == [texts.NON_TEXT_INPUT], fields
    assert bot.store.load_session(f"tg:{USER}").history == []
    calls = await bot.process(bot.message_update(USER, GROUP, **inputs[0]))
    assert calls == []  # in a group, a photo is the members' conversation


async def test_annuler_stops_the_dialogue(bot: BotHarness) -> None:
    assert texts_of(await bot.send("/annuler")) == [NOTHING_TO_CANCEL]
    await bot.send("/eligibilite")
    assert bot.store.load_session(f"tg:{USER}").flow == "eligibilite"
    calls = await bot.send("/annuler")
    assert "C'est annulé" in joined(calls)
    assert bot.store.load_session(f"tg:{USER}").flow is None


async def test_erasing_my_data_asks_for_confirmation_then_erases(bot: BotHarness) -> None:
    user = f"tg:{USER}"
    await bot.send("/fiche_projet")
    await bot.send("Projet à effacer")
    await bot.send(QUESTION)
    assert bot.store.list_drafts(user) and bot.store.list_feedback()

    calls = await bot.send("/supprimer_mes_donnees")
    (confirm,) = [c for c in calls if c.method == "sendMessage"]
    assert "Cette action est définitive" in confirm.plain
    assert confirm.labels == ["Oui, tout effacer", "Non, garder mes données"]
    calls = await bot.press("Non, garder mes données")
    assert "Rien n'a été effacé." in joined(calls)
    assert bot.store.list_drafts(user)

    await bot.send("/supprimer_mes_donnees")
    calls = await bot.press("Oui, tout effacer")
    assert "Toutes vos données ont été effacées." in joined(calls)
    session = bot.store.load_session(user)
    assert session.flow is None and session.history == [] and session.profile == {}
    assert bot.store.list_drafts(user) == [] and bot.store.list_feedback() == []
    assert bot.store.get_user(user) is not None  # the access itself is kept


async def test_an_option_too_long_for_callback_data_sends_its_label(bot: BotHarness) -> None:
    long_action = "elig:" + "x" * 70  # Telegram refuses callback data over 64 bytes
    reply = ChoiceReply(
        "Votre choix ?", (Option("Oui", "elig:ok"), Option("Plutôt non", long_action))
    )
    (item,) = render([reply])
    assert isinstance(item, OutText) and item.keyboard is not None
    await deliver(bot.app.bot, USER, [item])  # accepted by the (strict) fake Bot API
    message, data = bot.find_button("Plutôt non")
    assert data == f"{LABEL_PREFIX}1"
    update = Update.de_json(bot.callback_update(USER, data, message), bot.app.bot)
    assert update.callback_query is not None
    assert pressed_label(update.callback_query.message, data) == "Plutôt non"
    assert pressed_label(update.callback_query.message, f"{LABEL_PREFIX}9") is None
    calls = await bot.process(bot.callback_update(USER, data, message))
    assert joined(calls).startswith("Votre choix ?\n\n→ Plutôt non")
    assert bot.store.load_session(f"tg:{USER}").history[-1]["q"] == "Plutôt non"  # as typed


async def test_startup_survives_a_command_menu_refused_by_telegram(make_bot: MakeBot) -> None:
    bot = await make_bot(startup=False)
    bot.api.fail("setMyCommands", BotApiError(400, "Bad Request: chat not found"), times=2)
    await on_startup(bot.app)  # the admin's chat menu and the French menu are refused
    attempts = bot.api.since(0)
    assert [c.method for c in attempts if c.method == "setMyCommands"] == ["setMyCommands"] * 3
    assert bot.store.get_user(f"tg:{USER}") is not None  # the allowlist was seeded anyway
    (welcome,) = texts_of(await bot.send("/start"))
    assert welcome.startswith("Bonjour")
