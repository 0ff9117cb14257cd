"""How the conversation reads on a phone, checked on every message of whole dialogues sent
through a real PTB Application: button labels fit (30 characters), dates are in words, no
internal identifier or repository path shows, the verdict is one short message, /annuler
answers once, every drafting reply starts with what was recorded."""

from __future__ import annotations

import re

from tests.agent.test_drafting_flow import IDENTITY
from tests.bot.conftest import USER, BotHarness, Call, texts_of

ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")
# snake_case words (« fiche_projet », « exercice_crise », « care-d2-… » ids) not part of a
# command the user types (« /fiche_projet »)
IDENTIFIER = re.compile(r"(?<![/\w])[a-z]+_[a-z_]+\b|\bcare-[a-z0-9-]+\b|examples/")
LIST_ITEMS = ["non", "Objectif 1", "Indicateur", "Cible", "31/12/2026", "terminé"]


def shown(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.ok and c.method in ("sendMessage", "editMessageText")]


def check_reads_well(calls: list[Call]) -> None:
    for call in shown(calls):
        text = call.plain
        assert not ISO_DATE.search(text), text
        assert not IDENTIFIER.search(text), (IDENTIFIER.search(text), text)
        for label in call.labels:
            assert len(label) <= 30, label


async def fill(bot: BotHarness, values: list[str]) -> list[Call]:
    """Typed values, or presses (``dr:opt:…``) on the button carrying that action."""
    calls: list[Call] = []
    for value in values:
        if value.startswith("dr:"):
            calls += await bot.press(_label_of(bot, value))
        else:
            calls += await bot.send(value)
    return calls


def _label_of(bot: BotHarness, action: str) -> str:
    for (chat, _), message in reversed(bot.api.messages.items()):
        if chat != USER:
            continue
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if str(button.get("callback_data", "")).split("|")[0] == action:
                    return str(button["text"])
    raise AssertionError(f"no button for {action}")


async def test_a_whole_fiche_projet_reads_well(bot: BotHarness) -> None:
    calls = await bot.send("/fiche_projet")
    calls += await fill(bot, [*IDENTITY, *LIST_ITEMS])
    check_reads_well(calls)
    # every reply to an answer starts with what was recorded, where
    answers = [c.plain for c in calls if c.method == "sendMessage" and c.plain.startswith("✓ ")]
    assert len(answers) >= len(IDENTITY) + len(LIST_ITEMS) - 1
    assert "✓ Date de validation de la PSSI : 14 mars 2025" in "\n".join(answers)
    assert "✓ Dispositif CaRE visé : D2 — stratégie de continuité" in "\n".join(answers)
    more = await bot.send("aperçu")
    more += await bot.send("modèle")
    more += await bot.send("/mes_dossiers")
    check_reads_well(more)
    (listing,) = [c for c in more if "Vos brouillons" in c.plain]
    assert re.search(r"modifié le \d{1,2}(er)? [a-zéû]+ \d{4}", listing.plain)
    template = [c for c in more if c.method == "sendDocument"]
    assert template and template[0].document()[0] == "reponses-fiche-projet.yaml"


async def test_the_eligibility_interview_and_its_verdict_read_well(bot: BotHarness) -> None:
    calls = await bot.send("/eligibilite")
    calls += await bot.press("Membre d'un GHT")
    for _ in range(12):
        if bot.store.load_session(f"tg:{USER}").flow is None:
            break
        calls += await bot.press("Je ne sais pas")
    check_reads_well(calls)
    verdicts = [c for c in calls if c.method == "sendMessage" and "Éligibilité" in c.plain]
    (verdict,) = verdicts  # ONE message
    assert len(verdict.plain) <= 1500
    lines = [line for line in verdict.plain.splitlines() if line.startswith("• ")]
    assert len(lines) == 5  # one line per dispositif
    for line in verdict.html.splitlines():
        if line.startswith("• "):
            assert line.count("<b>") == 2, line  # the verdict and the window, in bold
    details = await bot.press("Détails")
    check_reads_well(details)
    assert "Échéance : Échéance" not in "\n".join(c.plain for c in details)
    assert len([c for c in details if "Échéance" in c.plain]) >= 1


async def test_annuler_answers_with_one_message(bot: BotHarness) -> None:
    await bot.send("/fiche_projet")
    await bot.send("Projet court")
    calls = await bot.send("/annuler")
    assert texts_of(calls) == [
        "C'est annulé. Votre brouillon « Projet court » reste enregistré (/mes_dossiers)."
    ]
    await bot.send("/eligibilite")
    assert texts_of(await bot.send("/annuler")) == ["C'est annulé."]


async def test_an_answer_reads_well(bot: BotHarness) -> None:
    calls = await bot.send("Jusqu'à quand candidater au domaine 2 ?")
    (answer,) = [c for c in calls if c.method == "sendMessage"]
    check_reads_well([answer])
    lead, _, rest = answer.html.partition("\n")
    assert lead.startswith("<b>") and lead.endswith("</b>")  # the direct answer, in bold
    assert "<i>État des sources : " in rest
    assert re.search(r"<b>Sources</b>\n¹ <a href=\"https://", rest)
    assert "[1]" not in answer.plain and "https://" not in answer.plain
