"""Dialogues through Telegram: the eligibility interview with buttons, drafting to a file,
answers files sent as documents, and state that survives a new Application on the same store."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from odf import teletype
from odf.opendocument import load
from odf.text import P

from agent.messages import ATTACHMENT_OUTSIDE_FLOW
from bot.telegram import texts
from tests.bot.conftest import (
    GROUP,
    USER,
    BotApiError,
    BotHarness,
    Call,
    MakeBot,
    joined,
    texts_of,
)

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = (ROOT / "examples" / "fiche_projet.yaml").read_bytes()
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_MIME = "application/vnd.oasis.opendocument.text"


def last_question(calls: list[Call]) -> str:
    return texts_of(calls)[-1].split("\n", 1)[0]


def documents(calls: list[Call]) -> list[tuple[str, bytes, str]]:
    return [c.document() for c in calls if c.method == "sendDocument" and c.ok]


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


async def test_eligibility_through_buttons_to_a_verdict(bot: BotHarness) -> None:
    calls = await bot.send("/eligibilite")
    first = [c for c in calls if c.method == "sendMessage"][-1]
    assert first.plain.startswith("Question 1 — Quelle est la nature de votre structure ?")
    assert "Privé lucratif (clinique)" in first.labels
    assert all(len(label) <= 30 for label in first.labels)  # cut on a phone otherwise
    assert "• Établissement de santé privé à but lucratif (clinique…)" in first.plain  # in full

    calls = await bot.press("Privé lucratif (clinique)")
    (mark,) = [c for c in calls if c.method == "editMessageText"]
    assert mark.params["message_id"] == first.result["message_id"]
    assert mark.plain.endswith("→ Privé lucratif (clinique)")
    assert "reply_markup" not in mark.params  # the answered question loses its buttons
    assert "FINESS juridique" in last_question(calls)

    for _ in range(12):  # "Je ne sais pas" to every remaining question
        if bot.store.load_session(f"tg:{USER}").flow is None:
            break
        calls = await bot.press("Je ne sais pas")
    (verdict,) = [c for c in calls if c.method == "sendMessage"]  # ONE message
    assert verdict.plain.startswith("Éligibilité aux financements CaRE au")
    assert len(verdict.plain) <= 1500 and verdict.labels == ["Détails"]
    assert "<b>à confirmer</b>" in verdict.html and "• Domaine 2 : " in verdict.plain
    calls = await bot.press("Détails")
    report = joined(calls)
    assert "Domaine 2 — Stratégie de continuité et de reprise d'activité" in report
    assert "Verdict :" in report and "Pourquoi :" in report
    assert '<a href="https://' in "".join(c.html for c in calls)  # sources are links
    assert bot.store.load_session(f"tg:{USER}").profile["categorie"] == "es_prive_lucratif"


async def test_fiche_projet_from_an_answers_file_to_a_docx_then_an_odt(bot: BotHarness) -> None:
    calls = await bot.send("/fiche_projet")
    assert "[1/30] Titre du projet (obligatoire)" in joined(calls)
    calls = await bot.send_file("reponses.yaml", ANSWERS)
    assert [c.method for c in calls[:2]] == ["getFile", "download"]
    assert "Fichier « reponses.yaml » : 30 champ(s) repris" in joined(calls)

    calls = await bot.press("Générer (Word)")
    methods = [c.method for c in calls]
    upload = methods.index("sendDocument")
    assert methods[upload - 1] == "sendChatAction"
    assert calls[upload - 1].params["action"] == "upload_document"
    ((name, content, mime),) = documents(calls)
    assert name.endswith(".docx") and name.startswith("fiche-projet-")
    assert mime == DOCX_MIME
    text = docx_text(content)
    assert "Centre hospitalier de Montville" in text
    assert "770001238" in text
    assert "Brouillon" in calls[upload].plain  # the caption

    await bot.send("/mes_dossiers")
    await bot.send("1")
    calls = await bot.press("Exporter en ODT")
    ((name, content, mime),) = documents(calls)
    assert name.endswith(".odt") and mime == ODT_MIME
    paragraphs = [teletype.extractText(p) for p in load(io.BytesIO(content)).getElementsByType(P)]
    assert any("Montville" in paragraph for paragraph in paragraphs)


async def test_an_answers_file_is_checked_before_anything_reads_it(bot: BotHarness) -> None:
    limit = bot.runtime.upload_max_bytes
    calls = await bot.send_file("reponses.yaml", ANSWERS)  # no drafting dialogue yet
    assert texts_of(calls) == [ATTACHMENT_OUTSIDE_FLOW]

    await bot.send("/fiche_projet")
    refusal = (
        "J'accepte seulement un fichier de réponses pour un dossier : format .yaml, .yml ou .json"
    )
    calls = await bot.send_file("scan.pdf", b"%PDF-1.4")
    assert joined(calls).startswith(refusal)
    assert not [c for c in calls if c.method == "getFile"]  # never downloaded

    calls = await bot.send_file("big.yaml", b"titre: x\n", size=limit + 1)
    assert joined(calls).startswith(refusal) and f"{limit // 1000} Ko au plus" in joined(calls)
    assert not [c for c in calls if c.method == "getFile"]

    calls = await bot.send_file("liar.yaml", b"titre: x\n" * (limit // 9 + 10), size=100)
    assert joined(calls).startswith(refusal)  # the real size is checked after download
    (empty,) = bot.store.list_drafts(f"tg:{USER}")
    assert set(empty.answers) <= {"_meta"}  # nothing of the refused files was imported

    calls = await bot.send_file("reponses.json", b'{"titre": "Projet JSON"}')
    assert "Fichier « reponses.json » : 1 champ(s) repris — Titre du projet." in joined(calls)
    (draft,) = bot.store.list_drafts(f"tg:{USER}")
    assert draft.title == "Projet JSON"

    calls = await bot.send_file("reponses.yaml", ANSWERS, chat=GROUP)
    assert calls == []  # files in a group are not for the bot


async def test_a_dialogue_continues_in_a_new_application_on_the_same_store(
    make_bot: MakeBot,
) -> None:
    first = await make_bot()
    await first.send("/eligibilite")
    calls = await first.press("Privé lucratif (clinique)")
    asked = last_question(calls)
    assert asked.startswith("Question 2 — Quel est le numéro FINESS juridique")
    stale_message, unknown = first.find_button("Je ne sais pas")
    # no shutdown: the first process "dies" here; nothing of it is reused below

    second = await make_bot()
    calls = await second.send("/start")
    shown = texts_of(calls)
    assert shown[0].startswith("Bonjour")
    assert shown[1].startswith("Reprenons le dialogue là où vous l'aviez laissé")
    assert shown[2].split("\n", 1)[0] == asked
    calls = await second.process(second.callback_update(USER, unknown, stale_message))
    assert "FINESS géographiques" in last_question(calls)  # a button of the first process


async def test_a_button_pressed_while_the_bot_was_down_is_not_lost(bot: BotHarness) -> None:
    await bot.send("/eligibilite")
    bot.api.fail(
        "answerCallbackQuery",
        BotApiError(
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        ),
    )
    calls = await bot.press("Privé lucratif (clinique)")
    assert "FINESS juridique" in last_question(calls)
    assert texts.GENERIC_APOLOGY not in texts_of(calls)
    assert bot.runtime.metrics.errors == 0


async def test_a_typed_answer_after_a_restart_answers_the_pending_question(
    make_bot: MakeBot,
) -> None:
    first = await make_bot()
    await first.send("/fiche_projet")
    await first.send("Projet persistant")
    calls = await first.send("/fiche_projet")  # starting again offers to resume
    assert "Vous avez un brouillon en cours : « Projet persistant »" in joined(calls)
    calls = await first.press("Reprendre ce brouillon")
    asked = last_question(calls)
    assert "Dispositif" in asked or "dispositif" in asked

    second = await make_bot()
    calls = await second.send("D2")
    assert "Raison sociale" in joined(calls)
    (draft,) = second.store.list_drafts(f"tg:{USER}")
    assert draft.title == "Projet persistant" and draft.answers["dispositif"] == "D2"


async def test_a_draft_title_never_reaches_a_group(bot: BotHarness) -> None:
    await bot.send("/fiche_projet")
    await bot.send("Projet confidentiel Zéphyr")
    for command in ("/mes_dossiers", "/fiche_projet", "/annuler", "/supprimer_mes_donnees"):
        calls = await bot.send(f"{command}@CareTestBot", chat=GROUP)
        assert texts_of(calls) == [texts.PRIVATE_ONLY], command
    calls = await bot.send("@CareTestBot quel est mon projet ?", chat=GROUP)
    assert texts_of(calls) == [texts.FLOW_IN_PRIVATE]
    group_text = joined(bot.api.sent(chat_id=GROUP))
    assert "Zéphyr" not in group_text
    assert bot.store.load_session(f"tg:{USER}").flow == "fiche_projet"  # not cancelled
