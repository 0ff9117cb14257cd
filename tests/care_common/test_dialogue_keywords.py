"""The dialogue keywords (care_common.dialogue_keywords): one list for both interviews, and no
interview comparing typed text with a keyword of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from care_common.dialogue_keywords import DialogueKeyword, dialogue_keyword, keyword_words

ROOT = Path(__file__).resolve().parents[2]
BACK, UNKNOWN, SKIP, DONE, CANCEL = (
    DialogueKeyword.BACK,
    DialogueKeyword.UNKNOWN,
    DialogueKeyword.SKIP,
    DialogueKeyword.DONE,
    DialogueKeyword.CANCEL,
)


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("retour", BACK),
        ("Retour", BACK),
        ("Précédent", BACK),
        ("PRECEDENT.", BACK),
        ("  question   précédente ", BACK),
        ("revenir", BACK),
        ("<", BACK),
        ("Je ne sais pas.", UNKNOWN),
        ("je  ne sais  pas !", UNKNOWN),
        ("JSP", UNKNOWN),
        ("aucune idée", UNKNOWN),
        ("passer", SKIP),
        ("Je passe", SKIP),
        ("terminé", DONE),
        ("Terminée", DONE),
        ("fini", DONE),
        ("C’est tout", DONE),  # typographic apostrophe
        ("annuler", CANCEL),
        ("Stop", CANCEL),
        ("abandonner", CANCEL),
    ],
)
def test_keywords(text: str, keyword: DialogueKeyword) -> None:
    assert dialogue_keyword(text) is keyword


@pytest.mark.parametrize(
    "text",
    [
        "oui",
        "",
        "retour sur investissement",  # the whole message must be the keyword
        "précédent projet : sauvegardes",
        "je ne sais pas quoi répondre à la question 3 ?",
        "passer au D2",
        "terminer",  # « générer » in the drafting dialogue, not « the list is complete »
        "/annuler",  # a command, routed as one before any keyword
    ],
)
def test_answers_are_not_keywords(text: str) -> None:
    assert dialogue_keyword(text) is None


def test_every_keyword_has_words_and_no_word_has_two_keywords() -> None:
    seen: dict[str, DialogueKeyword] = {}
    for keyword in DialogueKeyword:
        words = keyword_words(keyword)
        assert words, keyword
        for word in words:
            assert seen.setdefault(word, keyword) is keyword, word
            assert dialogue_keyword(word) is keyword  # the lists are stored folded


def _compared_strings(tree: ast.Module) -> set[str]:
    """String constants a comparison tests against (``x == "retour"``, ``x in ("a", "b")``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        for operand in [node.left, *node.comparators]:
            items = (
                operand.elts if isinstance(operand, ast.Tuple | ast.Set | ast.List) else [operand]
            )
            found |= {
                i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)
            }
    return found


# Where typed text is read as a step of a dialogue (both interviews, the assistant, the terminal).
DIALOGUE_CODE = (
    "agent/flows",
    "agent/assistant.py",
    "eligibility/interview.py",
    "eligibility/questions.py",
    "drafting/walk.py",
    "bot/cli/chat.py",
    "bot/cli/eligibility.py",
)


def test_no_interview_compares_typed_text_with_a_keyword_of_its_own() -> None:
    words = set().union(*(keyword_words(keyword) for keyword in DialogueKeyword))
    paths = [
        path
        for place in DIALOGUE_CODE
        for path in (
            [ROOT / place] if place.endswith(".py") else sorted((ROOT / place).rglob("*.py"))
        )
    ]
    assert len(paths) > 10
    found = {
        f"{path.relative_to(ROOT).as_posix()}:{word}"
        for path in paths
        for word in _compared_strings(ast.parse(path.read_text("utf-8"))) & words
    }
    assert found == set()
