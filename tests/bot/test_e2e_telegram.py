"""End to end: ``care-bot telegram`` as a real process against a fake Bot API on 127.0.0.1.

A scripted referent talks to the bot the way Telegram would deliver it: long polling first
(welcome, a cited answer, the eligibility interview through inline buttons, a DOCX draft, a
SIGKILL in the middle of an interview), then webhook mode (``/health``, the secret token, a
graceful SIGTERM while an update is being processed).
"""

from __future__ import annotations

import io
import json
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document

from tests.bot.e2e_support import ROOT, TOKEN, BotProcess, bot_env, copy_data_dir, free_port
from tests.bot.fake_bot_api import SECRET_HEADER, Event, FakeBotApi, Posted

pytestmark = pytest.mark.timeout(180)

ADMIN, REFERENT, DRAFTER, ELIGIBLE, STRANGER, HOOKED = 7001, 7002, 7003, 7004, 7666, 7010
CRASHED, ERASER = 7020, 7021
ALLOWED = [REFERENT, DRAFTER, ELIGIBLE, HOOKED, CRASHED, ERASER]
QUESTION = "Qu'est-ce que le programme CaRE ?"
VERDICT = "Éligibilité aux financements CaRE au"
WEBHOOK_SECRET = "e2e-Secret_0123456789"
OTHER_TOKEN = "987654321:AAOther-T0ken_abcdefghijklmnopqrstuvw"


def sent(event: Event) -> bool:
    return event.method == "sendMessage"


def has_buttons(prefix: str) -> object:
    return lambda e: sent(e) and any(data.startswith(prefix) for _, data in e.buttons)


@dataclass
class PollingBot:
    fake: FakeBotApi
    env: dict[str, str]
    log: Path
    process: BotProcess

    def restart(self) -> None:
        self.process = BotProcess(self.fake, self.env, self.log)
        self.process.wait_ready()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-data")


@pytest.fixture(scope="module")
def polling(fake: FakeBotApi, data_dir: Path) -> Iterator[PollingBot]:
    env = bot_env(fake, data_dir, ALLOWED, [ADMIN])
    log = data_dir.parent / "polling-bot.log"
    bot = PollingBot(fake, env, log, BotProcess(fake, env, log))
    try:
        bot.process.wait_ready()
        yield bot
    finally:
        bot.process.close()


def test_start_welcomes_and_the_command_menu_is_registered_in_french(
    polling: PollingBot, fake: FakeBotApi
) -> None:
    posted = fake.send_text(REFERENT, "/start")
    welcome = fake.wait_for(REFERENT, sent, since=posted)
    assert welcome.text.startswith("Bonjour")
    assert "données de patients" in welcome.text
    french = [c for c in fake.calls("setMyCommands") if c.params.get("language_code") == "fr"]
    assert french, "no French command menu"
    names = {command["command"] for command in french[-1].params["commands"]}
    assert {"start", "aide", "eligibilite", "fiche_projet", "annuler"} <= names


def test_a_question_gets_a_cited_answer_with_sources_and_feedback_buttons(
    polling: PollingBot, fake: FakeBotApi
) -> None:
    posted = fake.send_text(REFERENT, QUESTION)
    answer = fake.wait_for(REFERENT, sent, since=posted, timeout=30)
    assert "CaRE" in answer.text and "¹" in answer.text and '<a href="https://' in answer.text
    labels = [label for label, _ in answer.buttons]
    assert labels[0] == "📚 Sources" and "👍" in labels
    assert answer.params.get("parse_mode") == "HTML"

    posted = fake.press_label(REFERENT, "Sources")
    excerpts = fake.wait_for(REFERENT, sent, since=posted)
    assert "[1]" in excerpts.text and "CaRE" in excerpts.text

    posted = fake.press_label(REFERENT, "👍")
    toast = fake.wait_for(REFERENT, lambda e: e.method == "answerCallbackQuery", since=posted)
    assert "Merci" in str(toast.params.get("text"))
    edited = fake.wait_for(REFERENT, lambda e: e.method == "editMessageReplyMarkup", since=posted)
    assert [label for label, _ in edited.buttons] == ["📚 Sources"]  # 👍 / 👎 gone


def _answer_with_first_option(fake: FakeBotApi, question: Event) -> tuple[Posted, Event]:
    """Press the first button of ``question``; the next question or the verdict comes back."""
    posted = fake.press(ELIGIBLE, question.buttons[0][1])
    reply = fake.wait_for(
        ELIGIBLE, lambda e: sent(e) and ("elig:" in str(e.buttons) or VERDICT in e.text),
        since=posted,
    )  # fmt: skip
    return posted, reply


def test_the_eligibility_interview_reaches_a_verdict_across_a_sigkill(
    polling: PollingBot, fake: FakeBotApi
) -> None:
    posted = fake.send_text(ELIGIBLE, "/eligibilite")
    question = fake.wait_for(ELIGIBLE, has_buttons("elig:"), since=posted)  # type: ignore[arg-type]
    assert question.text.startswith("Question 1")
    for _ in range(2):
        pressed, question = _answer_with_first_option(fake, question)
    assert question.text.startswith("Question 3")
    fake.wait_confirmed(pressed.update_id)  # as Telegram would not deliver it again
    polling.process.kill()

    polling.restart()
    posted = fake.send_text(ELIGIBLE, "/start")
    resumed = fake.wait_for(ELIGIBLE, has_buttons("elig:"), since=posted)  # type: ignore[arg-type]
    assert resumed.text == question.text  # the same question, asked again
    assert any("Reprenons" in e.text for e in fake.messages(ELIGIBLE, posted.mark))

    question = resumed
    for _ in range(12):
        if VERDICT in question.text:
            break
        _, question = _answer_with_first_option(fake, question)
    verdict = question  # the verdict: ONE message, a line per dispositif, « Détails » under it
    assert "• Domaine 1 : <b>" in verdict.text and "/fiche_projet" in verdict.text
    assert [label for label, _ in verdict.buttons] == ["Détails"]
    posted = fake.press_label(ELIGIBLE, "Détails")
    details = fake.wait_for(ELIGIBLE, lambda e: sent(e) and "Pourquoi" in e.text, since=posted)
    assert "Verdict :" in details.text and '<a href="https://' in details.text  # cited


def test_the_fiche_projet_interview_sends_a_docx_draft(
    polling: PollingBot, fake: FakeBotApi
) -> None:
    title = "Sécurisation des sauvegardes du CH de Testville"
    posted = fake.send_text(DRAFTER, "/fiche_projet")
    first = fake.wait_for(DRAFTER, lambda e: sent(e) and e.text.startswith("[1/"), since=posted)
    assert "Titre du projet" in first.text
    posted = fake.send_text(DRAFTER, title)
    second = fake.wait_for(DRAFTER, has_buttons("dr:opt:"), since=posted)  # type: ignore[arg-type]
    assert second.text.startswith(f"✓ Titre du projet : {title}\n\n[2/")
    assert "Dispositif CaRE" in second.text
    posted = fake.press_label(DRAFTER, "D2 — continuité, reprise")
    fake.wait_for(DRAFTER, lambda e: sent(e) and "\n\n[3/" in e.text, since=posted)

    posted = fake.send_text(DRAFTER, "générer")
    delivered = fake.wait_for(DRAFTER, lambda e: e.method == "sendDocument", since=posted)
    assert delivered.document is not None
    assert delivered.document.filename.endswith(".docx")
    assert "Brouillon" in delivered.text  # the caption
    actions = [e.params.get("action") for e in fake.events(DRAFTER, posted.mark)]
    assert "upload_document" in actions
    text = "\n".join(p.text for p in Document(io.BytesIO(delivered.document.content)).paragraphs)
    assert title in text
    assert "brouillon" in text.lower()
    assert "D2" in text


def stored_draft(data_dir: Path, user: int) -> dict[str, object]:
    """The user's draft as the store holds it (read-only, while the bot may run)."""
    uri = f"file:{data_dir / 'care.sqlite3'}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        rows = conn.execute("SELECT answers FROM drafts WHERE user_id = ?", (f"tg:{user}",))
        (answers,) = [json.loads(row[0]) for row in rows]
    return dict(answers)


def test_a_sigkill_between_saving_and_replying_puts_no_value_in_the_wrong_field(
    polling: PollingBot, fake: FakeBotApi, data_dir: Path
) -> None:
    """The answer is saved, the process dies before replying; the user typed on meanwhile.
    After the restart: « Reprenons », the saved answer is not applied again, and the answers
    typed meanwhile land in their own fields, in order (none lost, none shifted)."""
    title = "Projet coupé net"
    posted = fake.send_text(CRASHED, "/fiche_projet")
    fake.wait_for(CRASHED, lambda e: sent(e) and "[1/" in e.text, since=posted)
    fake.delay("sendMessage", 20.0)  # the reply hangs: the turn is saved, nothing is shown
    typed = fake.send_text(CRASHED, title)
    fake.wait_for_call(
        "sendMessage", after=typed.at, predicate=lambda c: c.params.get("chat_id") == CRASHED
    )
    assert stored_draft(data_dir, CRASHED)["titre"] == title  # saved, reply not yet sent
    fake.send_text(CRASHED, "D2")  # the user goes on typing, answers queue up
    fake.send_text(CRASHED, "CH de Coupeville")
    polling.process.kill()
    fake.delay("sendMessage", 0)
    mark = fake.mark(CRASHED)

    polling.restart()
    done = fake.wait_for(
        CRASHED,
        lambda e: sent(e) and e.text.startswith("✓ Raison sociale de l'établissement :"),
        since=mark,
        timeout=60,
    )
    assert done.text.startswith("✓ Raison sociale de l'établissement : CH de Coupeville")
    shown = [e.text for e in fake.messages(CRASHED, mark)]
    resumed = next(text for text in shown if text.startswith("Reprenons"))
    assert f"✓ Titre du projet : {title}" in resumed  # what was saved before the crash
    assert any(text.startswith("✓ Dispositif CaRE visé : D2") for text in shown)
    answers = stored_draft(data_dir, CRASHED)
    assert answers["titre"] == title and answers["dispositif"] == "D2"
    assert answers["etablissement"] == {"raison_sociale": "CH de Coupeville"}


def test_erasure_leaves_the_words_in_no_file_of_the_data_directory(
    polling: PollingBot, fake: FakeBotApi, data_dir: Path
) -> None:
    word = "Pimprenelle"
    posted = fake.send_text(ERASER, f"Qu'est-ce que la PGSSI-S pour {word} ?")
    fake.wait_for(ERASER, sent, since=posted, timeout=30)
    posted = fake.send_text(ERASER, "/fiche_projet")
    fake.wait_for(ERASER, lambda e: sent(e) and "[1/" in e.text, since=posted)
    posted = fake.send_text(ERASER, f"Projet {word}")
    fake.wait_for(ERASER, lambda e: sent(e) and word in e.text, since=posted)
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any("chroma" in str(p) for p in files)  # the index directories are searched too
    assert any(word.encode() in p.read_bytes() for p in files)
    posted = fake.send_text(ERASER, "/supprimer_mes_donnees")
    fake.wait_for(ERASER, has_buttons("sys:erase:"), since=posted)  # type: ignore[arg-type]
    posted = fake.press_label(ERASER, "Oui, tout effacer")
    fake.wait_for(ERASER, lambda e: "effacées" in e.text, since=posted)
    kept = [p for p in data_dir.rglob("*") if p.is_file() and word.encode() in p.read_bytes()]
    assert kept == []
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in data_dir.rglob("*")}
    assert {mode for p, mode in modes.items() if p.is_file()} == {0o600}, modes  # umask 077
    assert {mode for p, mode in modes.items() if p.is_dir()} == {0o700}, modes
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_a_stranger_gets_only_the_refusal_and_may_ask_for_access(
    polling: PollingBot, fake: FakeBotApi
) -> None:
    posted = fake.send_text(STRANGER, QUESTION)
    refusal = fake.wait_for(STRANGER, sent, since=posted)
    assert "pas (encore) autorisé" in refusal.text
    assert refusal.buttons == [("🔑 Demander l'accès", "tg!req")]
    # A later update of another user is answered: the stranger's was fully processed.
    later = fake.send_text(REFERENT, "/aide")
    fake.wait_for(REFERENT, sent, since=later)
    assert [e.method for e in fake.events(STRANGER, posted.mark)] == ["sendMessage"]

    posted = fake.press(STRANGER, "tg!req")
    fake.wait_for(STRANGER, lambda e: sent(e) and "transmise" in e.text, since=posted)
    request = fake.wait_for(ADMIN, has_buttons("tg!"))  # type: ignore[arg-type]
    assert str(STRANGER) in request.text
    assert [label for label, _ in request.buttons] == ["✅ Autoriser", "❌ Refuser"]


def test_the_log_holds_neither_the_token_nor_message_text(polling: PollingBot) -> None:
    log = polling.log.read_text(encoding="utf-8")
    assert "update" in log  # the log is not empty: update ids and timings
    assert TOKEN.split(":")[1] not in log
    assert QUESTION not in log and "Testville" not in log
    assert "Traceback" not in log


HOOK = ("--webhook", "--listen", "127.0.0.1", "--port", "{port}")
REFUSED_URL = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"


@pytest.mark.parametrize(
    ("change", "args", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": OTHER_TOKEN}, (), "Telegram refuse le jeton"),
        ({"TELEGRAM_BASE_URL": "http://127.0.0.1:{port}/bot"}, (), "Impossible de joindre l'API"),
        ({}, (*HOOK, "--url", "http://bot.example.org/hook"), "Telegram refuse l'URL du webhook"),
        ({}, (*HOOK, "--url", "https://bot.example.org/hook"), "Impossible d'écouter sur"),
    ],
    ids=["rejected-token", "unreachable-api", "webhook-url-refused", "webhook-port-taken"],
)
def test_a_start_up_failure_is_one_french_line_with_no_token(
    fake: FakeBotApi,
    data_dir: Path,
    change: dict[str, str],
    args: tuple[str, ...],
    message: str,
) -> None:
    with socket.socket() as taken:  # a port in use, for the webhook server to trip on
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1] if "écouter" in message else free_port()
        env = bot_env(fake, data_dir, ALLOWED, CARE_WEBHOOK_SECRET=WEBHOOK_SECRET)
        env |= {name: value.format(port=port) for name, value in change.items()}
        fake.fail("setWebhook", 400, REFUSED_URL)  # Telegram refuses plain HTTP
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bot", "telegram", *(a.format(port=port) for a in args)],
                env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
        finally:
            fake.fail("setWebhook")
    assert done.returncode == 3, done.stderr[-2000:]  # configuration error
    assert done.stderr.strip().splitlines()[-1].startswith(f"Erreur : {message}")
    errors = [line for line in done.stderr.splitlines() if line.startswith("Erreur")]
    assert len(errors) == 1 and "Traceback" not in done.stderr  # one French line, no trace
    for token in (TOKEN, OTHER_TOKEN):
        assert token.split(":")[1] not in done.stderr


def test_a_start_up_failure_shows_its_trace_only_with_verbose(
    fake: FakeBotApi, data_dir: Path
) -> None:
    env = bot_env(fake, data_dir, ALLOWED) | {"TELEGRAM_BOT_TOKEN": OTHER_TOKEN}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "telegram", "-v"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 3
    assert "Traceback" in done.stderr  # for the administrator who asked for details
    assert done.stderr.strip().splitlines()[-1].startswith("Erreur : Telegram refuse le jeton")
    assert OTHER_TOKEN.split(":")[1] not in done.stderr


# -- webhook mode --------------------------------------------------------------------------------
def _post(url: str, body: dict[str, object], secret: str | None) -> int:
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if secret is not None:
        request.add_header(SECRET_HEADER, secret)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _update(update_id: int, user: int, text: str) -> dict[str, object]:
    person = {"id": user, "is_bot": False, "first_name": "Intrus"}
    chat = {"id": user, "type": "private", "first_name": "Intrus"}
    message = {"message_id": 1, "date": int(time.time()), "chat": chat, "from": person}
    return {"update_id": update_id, "message": {**message, "text": text}}


def test_webhook_mode_health_secret_and_graceful_sigterm(
    polling: PollingBot, fake: FakeBotApi, data_dir: Path, tmp_path: Path
) -> None:
    polling.process.close()  # one bot per token: this one takes over with a webhook
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env = bot_env(fake, copy_data_dir(data_dir, tmp_path / "hook"), ALLOWED, [ADMIN])
    args = ("--webhook", "--listen", "127.0.0.1", "--port", str(port), "--url", url)
    bot = BotProcess(fake, env | {"CARE_WEBHOOK_SECRET": WEBHOOK_SECRET}, tmp_path / "hook.log",
                     args)  # fmt: skip
    try:
        bot.wait_ready("setWebhook")
        (registered,) = [c for c in fake.calls("setWebhook") if c.at >= bot.started]
        assert registered.params["url"] == url
        assert registered.params["secret_token"] == WEBHOOK_SECRET

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
            health = json.loads(response.read())
        assert response.status == 200 and health["status"] == "ok"
        assert health["mode"] == "webhook"

        mark = fake.mark(HOOKED)
        assert _post(url, _update(900001, HOOKED, "/start"), None) == 403
        assert _post(url, _update(900002, HOOKED, "/start"), "wrong-secret") == 403
        assert _post(url, _update(900003, HOOKED, "/aide"), WEBHOOK_SECRET) == 200
        reply = fake.wait_for(HOOKED, sent, since=mark)
        assert "/eligibilite" in reply.text and not reply.text.startswith("Bonjour")
        assert len(fake.messages(HOOKED, mark)) == 1  # the rejected updates did nothing
        # Telegram delivers an update again when it got no 200 in time: processed once
        assert _post(url, _update(900003, HOOKED, "/aide"), WEBHOOK_SECRET) == 200
        assert _post(url, _update(900004, HOOKED, "/aide"), WEBHOOK_SECRET) == 200
        assert len(fake.messages(HOOKED, mark)) == 2  # answered before the 200: no waiting

        # Delivered by the fake Telegram itself (setWebhook), then a slow in-flight update.
        posted = fake.send_text(HOOKED, QUESTION)
        fake.wait_for(HOOKED, has_buttons("sys:src:"), since=posted, timeout=30)  # type: ignore[arg-type]
        fake.delay("answerCallbackQuery", 2.0)
        posted = fake.press_label(HOOKED, "Sources")
        in_flight = fake.wait_for_call("answerCallbackQuery", after=posted.at)
        terminated_at = time.monotonic()
        assert bot.terminate() == 0
        assert in_flight.at < terminated_at
        excerpts = fake.wait_for(HOOKED, sent, since=posted, timeout=1)
        assert "[1]" in excerpts.text and excerpts.at > terminated_at
        assert "Traceback" not in bot.log.read_text(encoding="utf-8")
    finally:
        fake.delay("answerCallbackQuery", 0)
        bot.close()
