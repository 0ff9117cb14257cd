"""Abuse and failure: rate limit, patient data, logs, the error handler, Telegram API errors,
retries, and per-user ordering of updates."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
from typing import Any

import pytest
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from agent.turns import Reply, TextReply, Turn
from bot.telegram import delivery, texts
from bot.telegram.ordering import PerUserUpdateProcessor
from bot.telegram.rendering import escape, split_text
from care_errors import CareError
from tests.bot.conftest import (
    OTHER,
    TOKEN,
    USER,
    BotApiError,
    BotHarness,
    MakeBot,
    texts_of,
)

QUESTION = "Quels sont les prérequis du domaine 2 ?"


def nir(body: str) -> str:
    """A NIR with its valid key (97 - body mod 97)."""
    return f"{body} {97 - int(body.replace(' ', '')) % 97:02d}"


def stored_text(bot: BotHarness) -> str:
    """Everything the store holds, as text (every table)."""
    with sqlite3.connect(bot.store.path) as conn:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        rows = [str(row) for (table,) in tables for row in conn.execute(f"SELECT * FROM {table}")]
    return "\n".join(rows)


class Wrapped:
    """The real assistant with a hook before each turn (to fail or to block one)."""

    def __init__(self, inner: Any, before: Any) -> None:
        self.inner = inner
        self.before = before
        self.flows = inner.flows

    def handle(self, turn: Turn) -> list[Reply]:
        self.before(turn)
        replies: list[Reply] = self.inner.handle(turn)
        return replies

    def __getattr__(self, name: str) -> Any:  # resume, resume_interrupted…: the real ones
        return getattr(self.inner, name)


# -- rate limit -------------------------------------------------------------------------------
async def test_per_user_rate_limit_warns_once_in_french(make_bot: MakeBot) -> None:
    bot = await make_bot(care_rate_limit_per_minute=3)
    for _ in range(3):
        assert texts_of(await bot.send("/aide"))[0].startswith("Ce que je sais faire")
    (warning,) = texts_of(await bot.send("/aide"))
    match = re.fullmatch(r"Trop de messages : réessayez dans (\d+) s\.", warning)
    assert match is not None and 50 <= int(match.group(1)) <= 60
    assert await bot.send("/aide") == []  # warned once per blocked period, then silence
    message = bot.api.sent("sendMessage", chat_id=USER)[0].result
    calls = await bot.process(bot.callback_update(USER, "sys:src:x", message))
    assert [(c.method, c.params.get("text")) for c in calls] == [("answerCallbackQuery", None)]
    await bot.send("/aide", user=OTHER)
    assert texts_of(bot.api.sent(chat_id=OTHER))[0].startswith("Ce que je sais faire")
    assert bot.runtime.metrics.rate_limited == 3


# -- patient data -----------------------------------------------------------------------------
WARNING_START = "⚠️ Votre message semble contenir des données de patient"


def deleted_messages(calls: list[Any]) -> list[int]:
    return [int(c.params["message_id"]) for c in calls if c.method == "deleteMessage"]


@pytest.mark.parametrize(
    "message",
    [
        "Le patient {nir} n'arrive plus à se connecter au portail, que faire ?",
        "Mme Durand, née le 12/03/1956, a reçu un courriel suspect : est-ce un incident CaRE ?",
        "Patient : nom : Lefebvre DDN : 3 mars 1950, dossier bloqué par le rançongiciel",
        "Jean Dupont, né le 12/03/1956, suivi en oncologie",
        "DUPONT Jean 12/03/1956",
        "Mme Durand, 67 ans, hospitalisée en cardiologie",
        "/dupont_jean_ne_le_12_03_1956",
    ],
    ids=["nir", "name-and-birth-date", "ddn", "named", "capitals", "age-and-care", "command"],
)
async def test_patient_data_is_neither_answered_nor_stored_nor_logged(
    bot: BotHarness, caplog: pytest.LogCaptureFixture, message: str
) -> None:
    text = message.format(nir=nir("1 85 07 75 123 456"))
    caplog.set_level(logging.DEBUG)
    update = bot.message_update(USER, None, text=text)
    calls = await bot.process(update)
    (warning,) = texts_of(calls)
    assert warning.startswith(WARNING_START) and texts.PATIENT_MESSAGE_DELETED in warning
    assert deleted_messages(calls) == [update["message"]["message_id"]]
    assert bot.runtime.metrics.patient_data_warnings == 1
    stored = stored_text(bot)
    secrets = re.findall(r"\d[\d ]{8,}\d|Durand|Dupont|DUPONT|dupont|Lefebvre|12/03/1956", text)
    assert secrets
    for secret in secrets:
        assert secret not in stored and secret not in caplog.text
    assert "possible patient data" in caplog.text  # the update id is logged, not the text


async def test_when_the_message_cannot_be_deleted_the_user_is_asked_to(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("deleteMessage", BotApiError(400, "Bad Request: message can't be deleted"))
    calls = await bot.send("DUPONT Jean 12/03/1956")
    (warning,) = texts_of(calls)
    assert warning.startswith(WARNING_START) and texts.PATIENT_MESSAGE_NOT_DELETED in warning
    assert "DUPONT" not in caplog.text


async def test_a_nir_with_a_wrong_key_is_not_patient_data(bot: BotHarness) -> None:
    valid = nir("2 69 05 49 588 157")
    wrong = valid[:-2] + f"{(int(valid[-2:]) + 1) % 97:02d}"
    calls = await bot.send(f"Le numéro {wrong} est-il un FINESS ?")
    assert not any(t.startswith(WARNING_START) for t in texts_of(calls))
    calls = await bot.send(f"Le numéro {valid} est-il un FINESS ?")
    assert texts_of(calls)[0].startswith(WARNING_START)


async def test_patient_data_in_a_dialogue_answer_or_a_file_is_dropped(bot: BotHarness) -> None:
    await bot.send("/fiche_projet")
    calls = await bot.send("M. Martin né le 01/02/1960")
    warning, question = texts_of(calls)
    assert warning.startswith(WARNING_START)
    assert "Titre du projet" in question  # the pending question again, nothing recorded
    calls = await bot.send_file(
        "reponses.yaml", f"titre: patient {nir('1 60 02 75 001 002')}\n".encode()
    )
    assert texts_of(calls)[0].startswith(WARNING_START)
    calls = await bot.send_file(
        "reponses.yaml", b"titre: Sauvegardes\n", caption="DUPONT Jean 12/03/1956"
    )
    assert texts_of(calls)[0].startswith(WARNING_START)
    (draft,) = bot.store.list_drafts(f"tg:{USER}")
    assert "titre" not in draft.answers and "Martin" not in stored_text(bot)
    assert "DUPONT" not in stored_text(bot) and "Sauvegardes" not in stored_text(bot)


# -- logs ---------------------------------------------------------------------------------------
async def test_logs_carry_update_ids_and_timings_never_text_or_token(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = await make_bot()  # built while DEBUG is on: PTB logs its URLs then
    await bot.send(QUESTION)
    await bot.press(texts.SOURCES_BUTTON)
    await bot.press("👍")
    await bot.send("/fiche_projet")
    await bot.send("Projet Hirondelle")
    await bot.send("Zanzibar", user=3003)
    logged = caplog.text
    assert re.search(r"update \d+: text → 1 messages in \d+ ms", logged)
    for secret in (TOKEN, TOKEN.split(":")[1], "prérequis du domaine", "Hirondelle", "Zanzibar"):
        assert secret not in logged
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


# -- the error handler ------------------------------------------------------------------------
async def test_a_failing_turn_gets_one_apology_and_the_next_update_is_processed(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(turn: Turn) -> None:
        if turn.text == "boum":
            raise RuntimeError("index corrupted")
        if turn.text == "panne":
            raise CareError("store down", user_message="Le stockage est indisponible.")

    bot.runtime.assistant = Wrapped(bot.runtime.assistant, explode)  # type: ignore[assignment]
    calls = await bot.send("boum")
    assert texts_of(calls) == [texts.GENERIC_APOLOGY]
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None and "internal error" in record.getMessage()
    assert texts_of(await bot.send("panne")) == ["Le stockage est indisponible."]
    assert texts_of(await bot.send("/aide"))[0].startswith("Ce que je sais faire")
    assert bot.runtime.metrics.errors == 2


async def test_a_failing_button_is_answered_and_apologised_for(bot: BotHarness) -> None:
    await bot.send("/eligibilite")

    def explode(turn: Turn) -> None:
        raise RuntimeError("boom")

    bot.runtime.assistant = Wrapped(bot.runtime.assistant, explode)  # type: ignore[assignment]
    calls = await bot.press("Je ne sais pas")
    assert len([c for c in calls if c.method == "answerCallbackQuery" and c.ok]) == 1
    assert texts_of(calls)[-1] == texts.GENERIC_APOLOGY
    assert sum(t == texts.GENERIC_APOLOGY for t in texts_of(calls)) == 1


@pytest.mark.parametrize(
    ("error", "description"),
    [
        (403, "Forbidden: bot was blocked by the user"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_telegram_refusals_are_logged_without_an_apology(
    bot: BotHarness, caplog: pytest.LogCaptureFixture, error: int, description: str
) -> None:
    bot.api.fail("sendMessage", BotApiError(error, description))
    calls = await bot.send(QUESTION)
    assert [c.method for c in calls] == ["sendChatAction", "sendMessage"]  # no apology tried
    assert not calls[-1].ok
    assert bot.runtime.metrics.errors == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert texts_of(await bot.send("/aide"))[0].startswith("Ce que je sais faire")


async def test_a_message_refused_as_too_long_is_sent_again_in_smaller_plain_parts(
    bot: BotHarness,
) -> None:
    bot.api.fail("sendMessage", BotApiError(400, "Bad Request: message is too long"))
    calls = await bot.send("/sources")
    sent = [c for c in calls if c.method == "sendMessage"]
    assert not sent[0].ok
    plain = [c for c in sent[1:] if c.ok and "parse_mode" not in c.params]
    assert len(plain) >= 2 and all(len(c.plain) <= 3000 for c in plain)
    original = sent[0].plain
    assert " ".join(c.plain for c in plain).split() == original.split()  # nothing lost


async def test_an_html_parse_error_falls_back_to_plain_text(bot: BotHarness) -> None:
    bot.api.fail("sendMessage", BotApiError(400, "Bad Request: can't parse entities: oops"))
    calls = await bot.send("/glossaire <RIE> & co")
    first, second = [c for c in calls if c.method == "sendMessage"]
    assert not first.ok and second.ok and "parse_mode" not in second.params
    assert "« <RIE> & co »" in second.plain


# -- retries ------------------------------------------------------------------------------------
async def test_flood_control_is_waited_out_and_the_message_sent(bot: BotHarness) -> None:
    bot.api.fail(
        "sendMessage", BotApiError(429, "Too Many Requests: retry after 0.05", retry_after=0.05)
    )
    calls = await bot.send("/aide")
    sent = [c for c in calls if c.method == "sendMessage"]
    assert [c.ok for c in sent] == [False, True]
    assert sent[0].params == sent[1].params
    assert bot.runtime.metrics.errors == 0


@pytest.mark.usefixtures("no_retry_delay")
async def test_timeouts_and_network_errors_are_retried(bot: BotHarness) -> None:
    bot.api.fail("sendMessage", TimedOut())
    bot.api.fail("sendMessage", NetworkError("connection reset"))
    calls = await bot.send("/aide")
    sent = [c for c in calls if c.method == "sendMessage"]
    assert [c.ok for c in sent] == [False, False, True]
    assert len(texts_of(calls)) == 1

    await bot.send("/fiche_projet")
    bot.api.fail("getFile", TimedOut())
    calls = await bot.send_file("reponses.json", '{"titre": "Projet réessayé"}'.encode())
    assert [c.method for c in calls[:3]] == ["getFile", "getFile", "download"]
    assert bot.store.list_drafts(f"tg:{USER}")[0].title == "Projet réessayé"


async def test_with_retry_backs_off_then_gives_up_and_never_retries_bad_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("bot.telegram.delivery.asyncio.sleep", no_sleep)
    attempts = 0

    async def always_down() -> None:
        nonlocal attempts
        attempts += 1
        raise NetworkError("down")

    with pytest.raises(NetworkError):
        await delivery.with_retry(always_down, "test")
    assert attempts == 4 and waits == [0.5, 1.0, 2.0]

    async def bad() -> None:
        nonlocal attempts
        attempts += 1
        raise BadRequest("Bad Request: chat not found")

    attempts = 0
    with pytest.raises(BadRequest):
        await delivery.with_retry(bad, "test")
    assert attempts == 1

    async def forbidden() -> None:
        raise Forbidden("Forbidden: bot was blocked by the user")

    with pytest.raises(Forbidden):
        await delivery.with_retry(forbidden, "test")


# -- ordering -----------------------------------------------------------------------------------
async def test_one_users_updates_in_order_while_other_users_run(bot: BotHarness) -> None:
    log: list[tuple[str, str]] = []
    release = threading.Event()

    def record(turn: Turn) -> None:
        log.append(("start", turn.text))
        if turn.text == "Qu'est-ce que la PGSSI-S ?":
            assert release.wait(10)

    bot.runtime.assistant = Wrapped(bot.runtime.assistant, record)  # type: ignore[assignment]
    await bot.app.start()
    mine = ["Qu'est-ce que la PGSSI-S ?", "Qu'est-ce que le programme CaRE ?", "/aide"]
    for text in mine:
        await bot.app.update_queue.put(
            Update.de_json(bot.message_update(USER, text=text), bot.app.bot)
        )
    await bot.app.update_queue.put(
        Update.de_json(bot.message_update(OTHER, text="/aide"), bot.app.bot)
    )

    async def replies(chat: int, count: int) -> list[str]:
        for _ in range(500):
            shown = texts_of(bot.api.sent("sendMessage", chat_id=chat))
            if len(shown) >= count:
                return shown
            await asyncio.sleep(0.01)
        raise AssertionError(f"chat {chat}: {len(shown)} replies, {count} expected")

    await replies(OTHER, 1)  # the other user is answered while the first turn is blocked
    assert log == [("start", mine[0]), ("start", "/aide")]
    release.set()
    shown = await replies(USER, 3)
    assert log[2:] == [("start", mine[1]), ("start", mine[2])]
    assert "PGSSI" in shown[0] and shown[2].startswith("Ce que je sais faire")
    processor = bot.app.update_processor
    assert isinstance(processor, PerUserUpdateProcessor)
    for _ in range(500):  # the last turn still records its delivery after sending
        if processor.users_in_progress == 0:
            break
        await asyncio.sleep(0.01)
    assert processor.users_in_progress == 0


# -- splitting --------------------------------------------------------------------------------
def test_split_text_cuts_at_paragraphs_counts_escapes_and_utf16_and_loses_nothing() -> None:
    paragraphs = [f"Paragraphe {i} :" + " <b> & 🛡️" * (40 + i % 7) for i in range(60)]
    text = "\n\n".join(paragraphs)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(len(escape(p).encode("utf-16-le")) // 2 <= 4096 for p in pieces)
    assert "\n\n".join(pieces) == text  # whole paragraphs, in order, nothing dropped
    assert all(p.startswith("Paragraphe") for p in pieces)

    sentences = " ".join(f"Phrase numéro {i} sans retour à la ligne." for i in range(400))
    pieces = split_text(sentences)
    assert all(len(p) <= 4096 for p in pieces) and " ".join(pieces) == sentences
    assert all(p.endswith(".") for p in pieces)

    blob = "x" * 9000
    assert "".join(split_text(blob)) == blob and len(split_text(blob)) == 3


def test_the_keyboard_goes_under_the_last_part_of_a_long_answer() -> None:
    from bot.telegram.rendering import OutText, render

    long_answer = TextReply(
        "\n\n".join(["Un paragraphe assez long. " * 30] * 20), feedback_id="f1"
    )
    parts = render([long_answer])
    assert len(parts) > 1 and all(isinstance(p, OutText) for p in parts)
    keyboards = [p.keyboard for p in parts if isinstance(p, OutText)]
    assert keyboards[-1] is not None and all(k is None for k in keyboards[:-1])
