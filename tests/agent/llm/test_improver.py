"""The LLM answer stage with langchain_core's fake chat models: kept only when grounded."""

from __future__ import annotations

import logging

import pytest
from langchain_core.language_models import FakeListChatModel
from langchain_core.messages import BaseMessage

from agent.answering import Answer
from agent.llm import LLMConfig, PromptLibrary, open_llm
from agent.messages import REFORMULATED
from agent.store import SqliteStore
from agent.turns import TextReply, Turn
from retrieval import Passage
from tests.agent.llm.conftest import PROMPTS_DIR, RecordingSearcher, make_assistant, scripted

# whole passages, as the "api" profile gives them (the "sentences" evidence is tested below)
CONFIG = LLMConfig(base_url="http://127.0.0.1:9/v1", model="fake", timeout=1, evidence="passages")
GOOD = (
    "Le programme CaRE finance la cybersécurité des établissements de santé, avec 750 millions "
    "d'euros sur 2023-2027 [1]. Le domaine 2 porte sur la continuité et la reprise d'activité [3]."
)


def test_a_grounded_answer_replaces_the_extractive_one(
    extractive: Answer, passages: tuple[Passage, ...]
) -> None:
    stage = open_llm(CONFIG, PROMPTS_DIR, model=FakeListChatModel(responses=[GOOD]))
    assert stage.improver is not None and stage.mode == "llm"
    improved = stage.improver.improve(extractive.question, [], extractive)
    assert improved is not None
    # passages 1 and 3 are cited: renumbered [1] and [2] in order of appearance
    assert improved.mode == "llm" and improved.text == GOOD.replace("[3]", "[2]")
    assert [ref.number for ref in improved.sources] == [1, 2]
    assert improved.sources[1].source_id == passages[2].citation.source_id
    assert improved.passages == extractive.passages


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("Le programme CaRE finance la gestion des ressources humaines.", "uncited"),
        ("Le programme CaRE finance la cybersécurité des établissements [4].", "outside"),
        ("The CaRE programme funds the cybersecurity of hospitals in France [1].", "French"),
    ],
)
def test_an_ungrounded_answer_is_discarded_with_one_log_line(
    extractive: Answer, reply: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    stage = open_llm(CONFIG, PROMPTS_DIR, model=FakeListChatModel(responses=[reply]))
    assert stage.improver is not None
    with caplog.at_level(logging.INFO, logger="agent.llm"):
        assert stage.improver.improve(extractive.question, [], extractive) is None
    discarded = [r for r in caplog.records if "discarded" in r.getMessage()]
    assert len(discarded) == 1 and reason in discarded[0].getMessage()


def test_the_prompt_holds_the_passages_question_and_history_window(
    extractive: Answer, prompts: PromptLibrary
) -> None:
    model = scripted(GOOD)
    stage = open_llm(CONFIG, PROMPTS_DIR, history_turns=1, model=model)
    assert stage.improver is not None
    history = [{"q": "Première question ?", "a": "a"}, {"q": "Deuxième question ?", "a": "b"}]
    stage.improver.improve("Que finance CaRE ?", history, extractive)
    ((system, user),) = model.calls
    assert system.text == prompts.system(extractive.as_of)
    assert "Deuxième question ?" in user.text and "Première question ?" not in user.text
    assert '<extrait numero="3" source="care-d2"' in user.text


def test_the_assistant_reports_the_mode(passages: tuple[Passage, ...], store: SqliteStore) -> None:
    def reply(messages: list[BaseMessage]) -> str:
        asked = messages[-1].text.split("<question>")[-1]
        return GOOD if "finance" in asked else "Sans rapport."

    stage = open_llm(CONFIG, PROMPTS_DIR, model=scripted(reply))
    assistant = make_assistant(RecordingSearcher(passages), store, improver=stage.improver)
    answer = assistant.ask("Que finance le programme CaRE ?")
    assert answer.mode == "llm" and answer.text == GOOD.replace("[3]", "[2]")
    fallback = assistant.ask("Quels exercices de crise pour le domaine 1 ?")
    assert fallback.mode == "extractive" and "[1]" in fallback.text
    # a conversation gets the extractive answer at once, and the model's version later
    (first,) = assistant.handle(Turn("cli:m", "Que finance le programme CaRE ?"))
    assert isinstance(first, TextReply) and not first.text.startswith(answer.text)
    assert "Sources :" in first.text and first.feedback_id is not None
    assert first.refine is not None
    later = first.refine()
    assert later is not None and later.text.startswith(answer.text)
    assert REFORMULATED in later.text and "Sources :" in later.text
    assert later.feedback_id == first.feedback_id
    assert store.load_session("cli:m").history[-1]["a"] == answer.text


def test_nothing_found_never_calls_the_model(
    passages: tuple[Passage, ...], store: SqliteStore
) -> None:
    model = scripted(GOOD)
    stage = open_llm(CONFIG, PROMPTS_DIR, model=model)
    searcher = RecordingSearcher(passages, found=False)
    answer = make_assistant(searcher, store, improver=stage.improver).ask("Recette du far ?")
    assert not answer.found and answer.mode == "extractive"
    assert model.calls == []


def test_without_config_the_stage_is_extractive() -> None:
    stage = open_llm(None, PROMPTS_DIR)
    assert stage.mode == "extractive"
    assert stage.improver is None and stage.suggester is None
    assert stage.rewrite_followup("et pour le D2 ?", [{"q": "Prérequis du D1 ?", "a": ""}]) == (
        "Prérequis du D2 ?"
    )
