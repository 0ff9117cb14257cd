"""No value in the wrong field, nothing lost on a crash, erasure that erases: through a real PTB
Application (recording Bot API), a real SQLite store and the real flows.

F1 buttons bound to their question · F2 exactly-once updates and « Reprenons » after a crash ·
F4/F5 erasure (files scrubbed; users without access; /effacer; care-bot erase-user; refusals
forgotten) · F6–F9 hygiene (the requester's id first, known command names only in the log,
nested uploads, forged buttons).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from agent.messages import STALE_QUESTION
from agent.turns import Turn
from bot.cli import main
from bot.telegram import texts
from tests.bot.conftest import (
    ADMIN,
    STRANGER,
    USER,
    BotHarness,
    Call,
    MakeBot,
    joined,
    texts_of,
    toasts,
)

CIVILITY = "Civilité du représentant légal"


def questions(calls: list[Call]) -> list[Call]:
    """The messages that came with a keyboard."""
    return [c for c in calls if c.method == "sendMessage" and c.buttons]


async def walk_fiche_to_civility(bot: BotHarness) -> Call:
    """/fiche_projet up to the civility question; its message (with [Madame] [Monsieur])."""
    await bot.send("/fiche_projet")
    await bot.send("Sauvegardes du CH")
    await bot.press("D2 — continuité, reprise")
    for value in ("CH de Montville", "770001238", "passer", "passer", "1 rue A, 77100 Montville"):
        await bot.send(value)
    await bot.press("Établissement public de santé")
    calls = await bot.send("passer")  # the GHT
    (asked,) = questions(calls)
    assert CIVILITY in asked.plain and asked.labels == ["Madame", "Monsieur"]
    return asked


def draft_answers(bot: BotHarness) -> dict[str, Any]:
    (draft,) = bot.store.list_drafts(f"tg:{USER}")
    return draft.answers


# -- F1: buttons bound to their question ----------------------------------------------------------
async def test_an_old_button_is_refused_with_a_toast_and_changes_nothing(bot: BotHarness) -> None:
    civility = await walk_fiche_to_civility(bot)
    calls = await bot.send("Madame")  # typed, not pressed
    retired = [c for c in calls if c.method == "editMessageReplyMarkup"]
    assert [c.params["message_id"] for c in retired] == [civility.result["message_id"]]
    assert "reply_markup" not in retired[0].params  # its keyboard is gone once answered
    assert texts_of(calls)[0].startswith(f"✓ {CIVILITY} : Madame\n\n")
    before = draft_answers(bot)

    # the old [Monsieur] (e.g. from the message still shown on another device), now at « Nom »
    (data,) = [b["callback_data"] for b in civility.buttons if b["text"] == "Monsieur"]
    stale = bot.callback_update(USER, data, civility.result)
    calls = await bot.process(stale)
    assert toasts(calls) == [STALE_QUESTION]
    assert texts_of(calls) == []  # no message: a toast only
    assert draft_answers(bot) == before
    assert draft_answers(bot)["representant_legal"] == {"civilite": "Madame"}
    assert bot.runtime.metrics.errors == 0


async def test_callback_data_names_the_question(bot: BotHarness) -> None:
    civility = await walk_fiche_to_civility(bot)
    data = [b["callback_data"] for b in civility.buttons]
    assert data[0].startswith("dr:opt:Madame|") and len({d.split("|")[1] for d in data}) == 1
    calls = await bot.send("passer")  # « passer » on a required field: asked again…
    (again,) = questions(calls)
    assert [b["callback_data"] for b in again.buttons] == data  # …with the same binding


async def test_patient_data_at_a_question_saves_nothing_and_its_buttons_still_work(
    bot: BotHarness,
) -> None:
    civility = await walk_fiche_to_civility(bot)
    session = bot.store.load_session(f"tg:{USER}")
    update = bot.message_update(USER, text="DUPONT Jean 12/03/1956")
    calls = await bot.process(update)
    deleted = [c.params["message_id"] for c in calls if c.method == "deleteMessage"]
    assert deleted == [update["message"]["message_id"]]
    warning, question = texts_of(calls)
    assert warning.startswith("⚠️ Votre message semble contenir des données de patient")
    assert texts.PATIENT_MESSAGE_DELETED in warning and CIVILITY in question
    (asked,) = questions(calls)
    assert [b["callback_data"] for b in asked.buttons] == [
        b["callback_data"] for b in civility.buttons
    ]  # the same question, bound the same way
    after = bot.store.load_session(f"tg:{USER}")
    assert after.recent_updates == session.recent_updates  # not even its update id
    assert after.flow_state == session.flow_state and "DUPONT" not in str(draft_answers(bot))
    calls = await bot.press("Madame")  # the button of the question asked again
    assert texts_of(calls)[-1].startswith(f"✓ {CIVILITY} : Madame")
    assert draft_answers(bot)["representant_legal"] == {"civilite": "Madame"}


# -- F2: exactly once ---------------------------------------------------------------------------
async def test_a_replayed_update_is_dropped_in_polling_as_in_webhook_mode(bot: BotHarness) -> None:
    await bot.send("/fiche_projet")
    update = bot.message_update(USER, text="Titre envoyé une fois")
    first = await bot.process(update)
    assert texts_of(first)[0].startswith("✓ Titre du projet : Titre envoyé une fois")
    session = bot.store.load_session(f"tg:{USER}")
    again = await bot.process(update)  # the same update_id: getUpdates replay, webhook retry
    assert [c for c in again if c.method in ("sendMessage", "editMessageText")] == []
    assert bot.store.load_session(f"tg:{USER}").flow_state == session.flow_state
    assert "dispositif" not in draft_answers(bot)
    delivery = bot.store.get_delivery(f"tg:{USER}")
    assert delivery is not None and delivery.undelivered is None  # the replies were sent


async def test_a_crash_between_saving_and_replying_resumes_at_restart(make_bot: MakeBot) -> None:
    first = await make_bot()
    await first.send("/fiche_projet")
    update = first.message_update(USER, text="Projet sauvé avant la panne")
    # The turn is committed, then the process dies before any reply is sent.
    turn = Turn(f"tg:{USER}", "Projet sauvé avant la panne", update_id=update["update_id"])
    first.runtime.assistant.handle(turn)
    pending = first.store.list_undelivered()
    assert [(d.user_id, d.undelivered) for d in pending] == [(f"tg:{USER}", update["update_id"])]

    second = await make_bot()  # restart on the same store: on_startup resumes the dialogue
    resumed = [c for c in second.api.sent("sendMessage") if c.chat_id == USER]
    shown = "\n".join(c.plain for c in resumed)
    assert shown.startswith("Reprenons : le service a redémarré")
    assert "✓ Titre du projet : Projet sauvé avant la panne" in shown
    assert "[2/" in resumed[-1].plain and "Dispositif CaRE visé" in resumed[-1].plain
    assert "D2 — continuité, reprise" in resumed[-1].labels  # its buttons, bound to it
    assert second.store.list_undelivered() == []
    calls = await second.process(update)  # Telegram delivers the unconfirmed update again
    assert texts_of(calls) == []  # already done: nothing lands in the next field
    calls = await second.press("D2 — continuité, reprise")  # the resumed question's button
    assert texts_of(calls)[-1].startswith("✓ Dispositif CaRE visé : D2")
    answers = draft_answers(second)
    assert answers["titre"] == "Projet sauvé avant la panne" and answers["dispositif"] == "D2"


# -- F4 / F5: erasure ---------------------------------------------------------------------------
def files_with(folder: Path, word: str) -> list[str]:
    return [
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and word.encode() in p.read_bytes()
    ]


async def test_erasure_leaves_no_byte_in_any_file(make_bot: MakeBot, tmp_path: Path) -> None:
    data = tmp_path / "care-data"
    bot = await make_bot(data_dir=data)
    await bot.send("/fiche_projet")
    for word in ("Zéphyrine", "Quenouille", "Bergamote"):
        await bot.send(f"Projet {word}")  # the title, rewritten: many copies in the log
        await bot.send("retour")
    await bot.send("Qu'est-ce que la PGSSI-S pour Zéphyrine ?")
    assert files_with(data, "Zéphyrine")  # on disk (the database and its -wal)
    await bot.send("/supprimer_mes_donnees")
    calls = await bot.press("Oui, tout effacer")
    assert "Toutes vos données ont été effacées." in joined(calls)
    for word in ("Zéphyrine", "Quenouille", "Bergamote"):
        assert files_with(data, word) == [], word
    names = {p.name for p in data.rglob("*") if p.is_file()}
    assert "care.sqlite3" in names  # every file was searched, the store's included


async def test_a_revoked_user_can_erase_their_data(bot: BotHarness) -> None:
    await bot.send("/fiche_projet")
    await bot.send("Brouillon de Clothilde")
    await bot.send(f"/revoquer {USER}", user=ADMIN)
    assert texts_of(await bot.send("bonjour")) == [texts.REQUEST_REVOKED]  # no access…
    calls = await bot.send("/supprimer_mes_donnees")  # …but erasure is allowed
    (offer,) = [c for c in calls if c.method == "sendMessage"]
    assert "Cette action est définitive" in offer.plain and "conservée" in offer.plain
    assert offer.labels == [texts.ERASE_YES_BUTTON, texts.ERASE_NO_BUTTON]
    calls = await bot.press(texts.ERASE_YES_BUTTON)
    assert joined(calls) == "C'est fait : ce que l'assistant gardait sur vous a été effacé."
    assert bot.store.list_drafts(f"tg:{USER}") == []
    record = bot.store.get_user(f"tg:{USER}")
    assert record is not None and record.status == "revoked"  # the decision stays
    assert texts_of(await bot.send("encore ?")) == [texts.REQUEST_REVOKED]


async def test_a_pending_request_is_withdrawn_by_erasure(bot: BotHarness) -> None:
    await bot.send("bonjour", user=STRANGER)
    await bot.press(texts.REQUEST_BUTTON, user=STRANGER)
    record = bot.store.get_user(f"tg:{STRANGER}")
    assert record is not None and record.display_name == "Prénom3003 Référent"
    await bot.send("/supprimer_mes_donnees", user=STRANGER)
    calls = await bot.press(texts.ERASE_NO_BUTTON, user=STRANGER)
    assert joined(calls) == texts.ERASE_KEPT and bot.store.get_user(f"tg:{STRANGER}")
    await bot.send("/supprimer_mes_donnees", user=STRANGER)
    await bot.press(texts.ERASE_YES_BUTTON, user=STRANGER)
    assert bot.store.get_user(f"tg:{STRANGER}") is None  # the name is gone with the request
    calls = await bot.send("/supprimer_mes_donnees", user=3004)  # never seen before
    await bot.press(texts.ERASE_YES_BUTTON, user=3004)
    assert "aucune donnée" in texts_of(bot.api.sent("editMessageText", chat_id=3004))[-1]


async def test_an_admin_erases_a_user_with_effacer(bot: BotHarness) -> None:
    await bot.send("/fiche_projet")
    await bot.send("Brouillon à effacer")
    calls = await bot.send(f"/effacer {USER}", user=ADMIN)
    assert texts_of(calls) == [
        f"Données de l'utilisateur {USER} effacées : 1 conversation(s), 1 brouillon(s), 0 avis ; "
        "nom affiché retiré (la décision d'accès est conservée)."
    ]
    assert bot.store.list_drafts(f"tg:{USER}") == []
    assert texts_of(await bot.send("/effacer", user=ADMIN)) == [texts.USAGE_ERASE]
    assert texts_of(await bot.send(f"/effacer {ADMIN}", user=USER)) == [texts.ADMIN_ONLY]


def test_care_bot_erase_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from agent.store import SqliteStore
    from agent.turns import Session

    monkeypatch.setenv("CARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CARE_DATABASE_URL", raising=False)
    store = SqliteStore(tmp_path / "care.sqlite3")
    store.set_user("tg:42", "allowed", "Jean Dupont")
    store.save_session(Session("tg:42", history=[{"q": "Mot-Témoin", "a": "…"}]))
    store.close()
    assert main(["erase-user", "42"]) == 2  # not interactive: --yes is required
    assert "ajoutez --yes" in capsys.readouterr().err
    assert main(["erase-user", "pas un id", "--yes"]) == 2
    capsys.readouterr()
    assert main(["erase-user", "42", "--yes"]) == 0
    assert "Données de tg:42 effacées : 1 conversation(s)" in capsys.readouterr().out
    assert files_with(tmp_path, "Mot-Témoin") == [] and files_with(tmp_path, "Dupont") == []
    assert main(["erase-user", "tg:42", "--yes"]) == 0
    assert "Aucune donnée à effacer pour tg:42." in capsys.readouterr().out


async def test_denied_requests_are_forgotten_after_the_configured_days(
    make_bot: MakeBot, tmp_path: Path
) -> None:
    bot = await make_bot(data_dir=tmp_path)
    await bot.send("bonjour", user=STRANGER)
    await bot.press(texts.REQUEST_BUTTON, user=STRANGER)
    await bot.press(texts.DENY_BUTTON, user=ADMIN, chat=ADMIN)
    assert bot.store.get_user(f"tg:{STRANGER}") is not None
    await make_bot(data_dir=tmp_path, care_forget_denied_days=30)  # too recent: kept
    assert bot.store.get_user(f"tg:{STRANGER}") is not None
    await make_bot(data_dir=tmp_path, care_forget_denied_days=0)  # older than 0 days
    assert bot.store.get_user(f"tg:{STRANGER}") is None
    calls = await bot.send("bonjour", user=STRANGER)  # a stranger again: may ask anew
    assert calls[0].labels == [texts.REQUEST_BUTTON]


# -- F6–F9: hygiene -------------------------------------------------------------------------------
async def test_the_admin_sees_the_real_id_first_and_the_name_quoted(bot: BotHarness) -> None:
    update = bot.message_update(STRANGER, text="bonjour")
    update["message"]["from"]["first_name"] = "Admin\u202e\nidentifiant Telegram 1"
    update["message"]["from"]["last_name"] = "x" * 200
    await bot.process(update)
    message, data = bot.find_button(texts.REQUEST_BUTTON, chat=STRANGER)
    press = bot.callback_update(STRANGER, data, message)
    press["callback_query"]["from"] = update["message"]["from"]
    await bot.process(press)
    (request,) = bot.api.sent("sendMessage", chat_id=ADMIN)
    assert request.plain.startswith(f"Demande d'accès de l'identifiant Telegram {STRANGER} — ")
    name = request.plain.split("« ", 1)[1].split(" »", 1)[0]
    assert "\n" not in name and "\u202e" not in name and len(name) <= 64


async def test_the_log_names_only_known_commands(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await bot.send("/dupont_mot_de_passe_1956")  # not patient data: a plain unknown command
    await bot.send("/aide")
    assert "dupont" not in caplog.text.lower() and "1956" not in caplog.text
    assert "/(inconnue) → 1 messages" in caplog.text and "/aide → 1 messages" in caplog.text
    caplog.clear()
    await bot.send("/dupont_jean_ne_le_12_03_1956")  # refused by the core's patient-data guard
    assert "dupont" not in caplog.text.lower() and "1956" not in caplog.text
    assert "possible patient data, not processed → 1 messages" in caplog.text


async def test_a_deeply_nested_answers_file_is_refused_in_french(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await bot.send("/fiche_projet")
    for name, content in (
        ("profond.yaml", b"[" * 90_000 + b"]" * 90_000),
        ("profond.json", b'{"a":' * 30_000 + b"1" + b"}" * 30_000),
        ("liste.yaml", b"- " * 60_000 + b"x\n"),
    ):
        caplog.clear()
        calls = await bot.send_file(name, content)
        (refusal, *_) = texts_of(calls)
        assert refusal.startswith(f"{name} est imbriqué sur plus de 20 niveaux"), refusal
        refused = [r for r in caplog.records if "nested more than" in r.getMessage()]
        assert len(refused) == 1 and refused[0].exc_info is None  # one line, no trace
        assert "Traceback" not in caplog.text
    assert bot.runtime.metrics.errors == 0


@pytest.mark.parametrize(
    "data",
    [
        "tg!ok:abc",
        "tg!no:",
        "tg!ok:99999999999999999999999",
        "tg!lbl:",
        "tg!lbl:999",
        "tg!lbl:1|zzzz",
        "dr:opt:Madame|notatoken",
        "|",
        "elig:categorie=ght|00000000",
        "sys:fb:",
        "sys:fb:x:y:z:w",
        "sys:more:inconnu:1",
        "sys:more:eligibilite:pas-une-date:x",
        "sys:src:",
        "\u202e",
        "x" * 64,
    ],
)
async def test_forged_button_data_never_raises(bot: BotHarness, data: str) -> None:
    await bot.send("/eligibilite")
    message = bot.api.sent("sendMessage", chat_id=USER)[-1].result
    for user in (USER, ADMIN):
        calls = await bot.process(bot.callback_update(user, data, message))
        assert [c.method for c in calls if c.method == "answerCallbackQuery"], data
    assert bot.runtime.metrics.errors == 0
    assert bot.store.load_session(f"tg:{USER}").flow == "eligibilite"  # nothing changed


async def test_a_button_without_a_message_or_data_is_answered(bot: BotHarness) -> None:
    update = bot.callback_update(USER, "dr:opt:x", None)
    del update["callback_query"]["data"]
    calls = await bot.process(update)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert bot.runtime.metrics.errors == 0


# -- the webhook secret never on the command line ---------------------------------------------
def test_the_webhook_secret_comes_from_the_environment_or_a_file(tmp_path: Path) -> None:
    from bot.errors import ConfigurationError
    from bot.telegram.runner import webhook_options
    from tests.bot.conftest import make_settings

    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-File_123\n", encoding="utf-8")
    url = "https://bot.example.org/hook"
    settings = make_settings(tmp_path, care_webhook_secret="from-the-Env_456")
    assert webhook_options(settings, None, None, url).secret == "from-the-Env_456"
    assert webhook_options(settings, None, None, url, secret_file).secret == "from-a-File_123"
    in_settings = make_settings(tmp_path, care_webhook_secret_file=secret_file)
    assert webhook_options(in_settings, None, None, url).secret == "from-a-File_123"
    with pytest.raises(ConfigurationError) as missing:
        webhook_options(make_settings(tmp_path), None, None, url, tmp_path / "absent")
    assert "illisible" in missing.value.user_message


def test_the_secret_option_is_gone_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["telegram", "--webhook", "--secret", "visible-in-ps"]) == 2
    assert "--secret" in capsys.readouterr().err
