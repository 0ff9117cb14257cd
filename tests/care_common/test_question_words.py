"""French interrogative words (care_common.question_words), shared by both interviews, the
question core of long messages and the follow-up check."""

from __future__ import annotations

import pytest

from care_common.question_words import (
    has_interrogative_word,
    reads_as_question,
    starts_like_question,
)


@pytest.mark.parametrize(
    "text",
    [
        "C'est quoi une PSSI ?",
        "Qu'est-ce que le PCRA",
        "Qu’est-ce que le PCRA",  # typographic apostrophe
        "quest-ce que le PCRA",
        "comment savoir si je suis support",
        "Où trouver le guide",
        "Y a-t-il une date limite",
        "Peut-on candidater deux fois",
        "QUELLES pièces fournir",
        "doit-on déclarer les incidents",
        "Lequel choisir",
    ],
)
def test_questions_start_like_questions(text: str) -> None:
    assert starts_like_question(text)
    assert reads_as_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "75 071 218 4",
        "quelques jours",  # not « quel »
        "commentaire libre sur le projet",  # not « comment »
        "questionnaire rempli",  # not « quest »
        "Centre hospitalier de Quimper",
        "oui",
        "",
    ],
)
def test_answers_do_not(text: str) -> None:
    assert not starts_like_question(text)
    assert not reads_as_question(text)


def test_a_question_mark_is_enough() -> None:
    assert reads_as_question("le D2 aussi ?")
    assert not starts_like_question("le D2 aussi ?")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("et pour le D2, c'est quand ?", True),
        ("pourquoi ?", True),
        ("et lesquelles ?", True),
        ("merci beaucoup", False),
        ("ok d'accord", False),
        ("quelquefois", False),
    ],
)
def test_interrogative_words_anywhere(text: str, asks: bool) -> None:
    assert has_interrogative_word(text) is asks
