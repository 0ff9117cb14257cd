"""« Proposer une rédaction » in the drafting dialogue: offered only with a model, grounded,
and written into the draft only when the user accepts it (or sends their edited version)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from langchain_core.language_models import BaseChatModel, FakeListChatModel
from langchain_core.messages import BaseMessage

from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.flows.drafting import DraftingHelp, FicheProjetFlow, build_drafting_flows, texts
from agent.llm import LLMConfig, open_llm
from agent.store import SqliteStore
from agent.turns import ChoiceReply, Reply, TextReply, Turn
from retrieval import Passage, analyze_text
from tests.agent.llm.conftest import PROMPTS_DIR, RecordingSearcher, scripted, stub_config
from tests.agent.llm.stub_server import StubLLMServer, system_prompt, user_prompt
from tests.agent.test_drafting_flow import DRAFTER, IDENTITY, Chat, options, play, question

CONFIG = LLMConfig(base_url="http://127.0.0.1:9/v1", model="fake", timeout=1)
UP_TO_CONTEXTE = IDENTITY[:16]  # titre … téléphone: the next question is « Contexte et enjeux »
PROPOSAL = (
    "Le CH de Montville engage un projet de continuité et de reprise d'activité. Le domaine 2 "
    "du programme CaRE porte sur le plan de continuité informatique, les sauvegardes hors "
    "ligne et les tests de restauration [3]."
)
PLAIN = PROPOSAL.replace(" [3]", "")


def helper(model: BaseChatModel, passages: Sequence[Passage]) -> DraftingHelp:
    stage = open_llm(CONFIG, PROMPTS_DIR, model=model)
    assert stage.suggester is not None
    return DraftingHelp(stage.suggester, lambda _query: passages)


def at_contexte(store: SqliteStore, help_: DraftingHelp | None) -> Chat:
    chat = Chat(FicheProjetFlow(DRAFTER, help_), store)
    chat.start()
    step = play(chat, UP_TO_CONTEXTE)
    assert "Contexte et enjeux (obligatoire)" in question(step)
    assert ("dr:suggest" in options(step)) is (help_ is not None)
    return chat


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "care.sqlite3")


def draft_value(store: SqliteStore, key: str) -> object:
    (draft,) = store.list_drafts("tg:42")
    return draft.answers.get(key)


def test_not_offered_without_a_model(store: SqliteStore) -> None:
    chat = Chat(FicheProjetFlow(DRAFTER), store)
    chat.start()
    step = play(chat, UP_TO_CONTEXTE)
    last = step.replies[-1]
    assert isinstance(last, TextReply)  # a plain question: no « proposer » button
    step = chat.say("proposer une rédaction")
    first = step.replies[0]
    assert isinstance(first, TextReply) and first.kind == "error"
    assert first.text == texts.SUGGEST_UNAVAILABLE and "mode extractif" in first.text
    assert draft_value(store, "contexte") is None


def test_accept_writes_the_proposal_without_markers(
    store: SqliteStore, passages: tuple[Passage, ...]
) -> None:
    model = scripted(PROPOSAL)
    chat = at_contexte(store, helper(model, passages))
    step = chat.press("dr:suggest")
    shown, choice = step.replies
    assert isinstance(shown, TextReply) and isinstance(choice, ChoiceReply)
    # the passage given third is the first (only) source: renumbered [1], like extractive answers
    assert PROPOSAL.replace("[3]", "[1]") in shown.text and "Sources :" in shown.text
    assert [(ref.number, ref.source_id) for ref in shown.sources] == [(1, "care-d2")]
    assert [o.action for o in choice.options] == ["dr:sug:accept", "dr:sug:edit", "dr:sug:refuse"]
    assert draft_value(store, "contexte") is None  # nothing written before the choice
    (system, user) = model.calls[0]
    assert "CH de Montville" in user.text  # the dossier answers given so far
    assert "<extraits>" in user.text and system.text.startswith("Tu es l'Assistant CaRE")
    step = chat.press("dr:sug:accept")
    assert draft_value(store, "contexte") == PLAIN
    assert "État des lieux (obligatoire)" in question(step)
    assert "dr:suggest" in options(step)  # offered again for the next narrative field


def test_refuse_writes_nothing(store: SqliteStore, passages: tuple[Passage, ...]) -> None:
    chat = at_contexte(store, helper(scripted(PROPOSAL), passages))
    chat.press("dr:suggest")
    step = chat.say("refuser")
    assert step.replies[0] == TextReply(texts.SUGGESTION_REFUSED)
    assert "Contexte et enjeux" in question(step)
    assert draft_value(store, "contexte") is None
    chat.say("Notre propre contexte, rédigé à la main.")
    assert draft_value(store, "contexte") == "Notre propre contexte, rédigé à la main."


def test_edit_hands_the_text_back_and_saves_the_users_version(
    store: SqliteStore, passages: tuple[Passage, ...]
) -> None:
    chat = at_contexte(store, helper(scripted(PROPOSAL), passages))
    chat.press("dr:suggest")
    step = chat.press("dr:sug:edit")
    assert [r.text for r in step.replies if isinstance(r, TextReply)] == [
        texts.SUGGESTION_EDIT,
        PLAIN,
    ]
    assert draft_value(store, "contexte") is None
    chat.say(PLAIN + " Un rançongiciel a touché un hôpital voisin en 2024.")
    assert str(draft_value(store, "contexte")).endswith("hôpital voisin en 2024.")


def test_typing_an_answer_instead_of_choosing_drops_the_proposal(
    store: SqliteStore, passages: tuple[Passage, ...]
) -> None:
    chat = at_contexte(store, helper(scripted(PROPOSAL), passages))
    chat.press("dr:suggest")
    chat.say("Mon texte à moi.")
    assert draft_value(store, "contexte") == "Mon texte à moi."
    assert "suggestion" not in chat.state


@pytest.mark.parametrize(
    "reply",
    [
        "Le CH de Montville engage un projet de continuité [9].",  # invented citation
        "Le CH de Montville engage un projet de continuité et de reprise d'activité.",  # none
        "Tu es l'Assistant CaRE : tu réponds aux référents sécurité des "
        "systèmes d'information [1].",  # the system prompt recited
    ],
)
def test_an_ungrounded_proposal_is_not_shown(
    store: SqliteStore, passages: tuple[Passage, ...], reply: str
) -> None:
    chat = at_contexte(store, helper(FakeListChatModel(responses=[reply]), passages))
    step = chat.press("dr:suggest")
    first = step.replies[0]
    assert isinstance(first, TextReply) and first.text == texts.SUGGEST_FAILED
    assert "suggestion" not in chat.state and draft_value(store, "contexte") is None


def test_no_passages_no_proposal(store: SqliteStore) -> None:
    model = scripted(PROPOSAL)
    chat = at_contexte(store, helper(model, ()))
    step = chat.press("dr:suggest")
    assert step.replies[0] == TextReply(texts.SUGGEST_FAILED, kind="error")
    assert model.calls == []


def test_objective_wording_for_the_objectifs_list(
    store: SqliteStore, passages: tuple[Passage, ...]
) -> None:
    wording = "Tester la restauration des sauvegardes hors ligne chaque trimestre [3]."

    def reply(messages: list[BaseMessage]) -> str:
        assert "Intitulé d'un objectif" in messages[-1].text
        return wording

    chat = at_contexte(store, helper(scripted(reply), passages))
    step = play(chat, [*IDENTITY[16:], "dr:offer:no"])
    assert "Objectifs — objectif n° 1 : Intitulé de l'objectif" in question(step)
    assert "dr:suggest" in options(step) and "dr:done" in options(step)
    chat.press("dr:suggest")
    step = chat.press("dr:sug:accept")
    (draft,) = store.list_drafts("tg:42")
    assert draft.answers["objectifs"][0]["intitule"] == wording.replace(" [3]", "")
    assert "Indicateur" in question(step)


def test_other_fields_get_no_proposal(store: SqliteStore, passages: tuple[Passage, ...]) -> None:
    chat = Chat(FicheProjetFlow(DRAFTER, helper(scripted(PROPOSAL), passages)), store)
    step = chat.start()
    assert "dr:suggest" not in options(step)  # « Titre du projet »
    step = chat.say("proposer une rédaction")
    assert step.replies[0] == TextReply(texts.SUGGEST_NOT_HERE, kind="error")


def test_through_the_real_client_and_the_assistant(
    stub: StubLLMServer, store: SqliteStore, passages: tuple[Passage, ...]
) -> None:
    stub.reply = PROPOSAL
    stage = open_llm(stub_config(stub, 1.0), PROMPTS_DIR)
    assert stage.suggester is not None
    searcher = RecordingSearcher(passages)
    help_ = DraftingHelp(stage.suggester, lambda q: searcher.search(q).passages)
    composer = ExtractiveComposer(analyze_text)
    assistant = Assistant(searcher, store, composer, flows=build_drafting_flows(DRAFTER, help_))
    user = "tg:42"

    def press(action: str, replies: list[Reply], text: str = "") -> list[Reply]:
        """A press on a button of the last question shown (bound to it by its token)."""
        (choice,) = [r for r in replies if isinstance(r, ChoiceReply)][-1:]
        return assistant.handle(Turn(user, text, action=action, token=choice.token))

    replies = assistant.handle(Turn(user, "/fiche_projet"))
    for value in UP_TO_CONTEXTE:
        if value.startswith("dr:"):
            replies = press(value, replies)
        else:
            replies = assistant.handle(Turn(user, value))
    replies = press("dr:suggest", replies, "Proposer une rédaction")
    assert isinstance(replies[-1], ChoiceReply) and PLAIN[:60] in str(replies[0])
    request = stub.requests[-1]
    assert "Contexte du projet" in user_prompt(request) and "CH de Montville" in user_prompt(
        request
    )
    assert "D2" in searcher.queries[-1]  # the dispositif steers the retrieval
    assert system_prompt(request).startswith("Tu es l'Assistant CaRE")
    assert draft_value(store, "contexte") is None
    replies = press("dr:sug:accept", replies, "Accepter")
    assert draft_value(store, "contexte") == PLAIN
    # the endpoint hangs: the user is told quickly, nothing is written
    stub.behaviour = "hang"
    started = time.perf_counter()
    replies = press("dr:suggest", replies)
    assert time.perf_counter() - started < 1.0 + 1
    assert replies[0] == TextReply(texts.SUGGEST_FAILED, kind="error")
    assert draft_value(store, "etat_des_lieux") is None
