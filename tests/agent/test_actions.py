"""Typed button actions and their text form (Telegram's callback data)."""

from __future__ import annotations

import pytest

from agent.actions import (
    Action,
    EraseData,
    RateAnswer,
    ShowDetails,
    ShowSources,
    decode,
    encode,
    is_core,
)
from agent.flows.base import question_token
from agent.store import new_id

CALLBACK_LIMIT = 64  # bytes of Telegram callback data, token included


def actions() -> list[Action]:
    feedback = new_id()
    return [
        ShowSources(feedback),
        RateAnswer(feedback, useful=True),
        RateAnswer(feedback, useful=False),
        EraseData(confirmed=True),
        EraseData(confirmed=False),
        ShowDetails("eligibilite", f"2026-11-28:{question_token('profile', '{}')}"),
        ShowDetails("eligibilite", ""),
        "elig:categorie=es_prive_non_lucratif",
        "dr:gen:docx",
    ]


@pytest.mark.parametrize("action", actions(), ids=repr)
def test_decode_reads_what_encode_wrote(action: Action) -> None:
    assert decode(encode(action)) == action


@pytest.mark.parametrize("action", actions(), ids=repr)
def test_the_core_actions_fit_telegrams_callback_data_with_a_token(action: Action) -> None:
    data = f"{encode(action)}|{question_token('x')}"
    assert len(data.encode("utf-8")) <= CALLBACK_LIMIT


def test_the_text_form_is_the_one_buttons_already_shown_carry() -> None:
    assert encode(RateAnswer("abc123", useful=True)) == "sys:fb:abc123:up"
    assert encode(ShowSources("abc123")) == "sys:src:abc123"
    assert encode(EraseData(confirmed=False)) == "sys:erase:no"
    assert (
        encode(ShowDetails("eligibilite", "2026-11-28:ab")) == "sys:more:eligibilite:2026-11-28:ab"
    )
    assert decode("sys:more:eligibilite:2026-11-28:ab") == ShowDetails(
        "eligibilite", "2026-11-28:ab"
    )


@pytest.mark.parametrize(
    "data",
    [
        "sys:",
        "sys:fb:",
        "sys:fb:x:y:z:w",
        "sys:fb:x:sideways",
        "sys:src:",
        "sys:src:a:b",
        "sys:erase:peut-etre",
        "sys:more:",
        "sys:more:eligibilite",
        "sys:inconnu:1",
    ],
)
def test_core_action_text_it_never_writes_is_none(data: str) -> None:
    assert decode(data) is None


def test_a_dialogue_answer_is_passed_through_and_may_not_pose_as_a_core_action() -> None:
    assert decode("dr:opt:Madame") == "dr:opt:Madame"
    assert not is_core("dr:opt:Madame") and not is_core(None)
    assert is_core(EraseData(confirmed=True))
    with pytest.raises(ValueError, match="sys:"):
        encode("sys:erase:yes")
