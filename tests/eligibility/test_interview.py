"""The interview shared by the terminal and the agent: only the questions the rules need."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from eligibility import AnswerError, RuleBook, evaluate
from eligibility.interview import (
    build_profile,
    current_question,
    go_back,
    new_state,
    profile_data,
    record_answer,
    record_unknown,
)
from eligibility.questions import QUESTIONS, match_choice
from tests.eligibility.conftest import CORSE_2A, CORSE_2B, EG1, EG2, TODAY


def answer_all(state: dict[str, Any], answers: dict[str, str]) -> list[str]:
    """Answer the questions from ``answers`` (by question id) until one has no answer there;
    return the ids asked."""
    asked = []
    while (question := current_question(state, TODAY)) is not None:
        if question.id not in answers:
            break
        asked.append(question.id)
        record_answer(state, question, answers[question.id], TODAY)
    return asked


D2_YES = {
    "pssi_validee_representant_legal": "oui",
    "pssi_revue_le": "15/03/2024",
    "organisation_pcra": "oui",
}


@pytest.mark.parametrize("category", ["esms", "autre"])
def test_non_sanitary_structures_get_a_single_question(category: str) -> None:
    assert answer_all(new_state(), {"categorie": category}) == ["categorie"]


def test_single_site_outside_ght_is_not_asked_activity_shares() -> None:
    asked = answer_all(
        new_state(), {"categorie": "2", "finess_ej": EG1, "finess_eg": EG1, **D2_YES}
    )
    assert asked == ["categorie", "finess_ej", "finess_eg", *D2_YES]


def test_ght_is_asked_support_and_one_share_per_site() -> None:
    state = new_state()
    asked = answer_all(
        state,
        {
            "categorie": "GHT",
            "etablissement_support": "non",
            "finess_ej": EG1,
            "finess_eg": f"{EG1} {EG2}",
            **D2_YES,
            f"activite:{EG1}": "40",
            f"activite:{EG2}": "26,5 %",
        },
    )
    assert asked[:2] == ["categorie", "etablissement_support"]
    assert asked[-2:] == [f"activite:{EG1}", f"activite:{EG2}"]
    profile = build_profile(state, TODAY)
    assert profile.to_dict()["activite"] == [
        {"finess_eg": EG1, "part": 40},
        {"finess_eg": EG2, "part": 26.5},
    ]


def test_a_zero_share_is_outside_the_perimeter() -> None:
    state = new_state()
    answer_all(
        state,
        {
            "categorie": "public",
            "finess_ej": CORSE_2A,
            "finess_eg": f"{CORSE_2A}, {CORSE_2B}",
            **D2_YES,
            f"activite:{CORSE_2A}": "80",
            f"activite:{CORSE_2B}": "0",
        },
    )
    assert profile_data(state, TODAY)["activite"] == [{"finess_eg": CORSE_2A, "part": "80"}]


def test_scope_without_d2_skips_the_pssi_questions() -> None:
    asked = answer_all(
        new_state(["D1", "HospiConnect"]),
        {"categorie": "clinique", "finess_ej": EG1, "finess_eg": EG1},
    )
    assert asked == ["categorie", "finess_ej", "finess_eg"]


def test_back_unknown_and_changed_answers() -> None:
    state = new_state()
    assert go_back(state) is False
    first = current_question(state, TODAY)
    assert first is not None
    record_answer(state, first, "ght", TODAY)
    support = current_question(state, TODAY)
    assert support is not None and support.id == "etablissement_support"
    record_unknown(state, support)
    assert current_question(state, TODAY).id == "finess_ej"  # type: ignore[union-attr]
    assert go_back(state) and go_back(state)
    record_answer(state, first, "EHPAD", TODAY)
    assert current_question(state, TODAY) is None
    assert profile_data(state, TODAY) == {"categorie": "esms"}


def test_invalid_answers_leave_the_state_untouched() -> None:
    state = new_state()
    answer_all(state, {"categorie": "public", "finess_ej": EG1})
    before = repr(state)
    question = current_question(state, TODAY)
    for text in ("750712185", "", "12345678"):
        with pytest.raises(AnswerError) as caught:
            record_answer(state, question, text, TODAY)  # type: ignore[arg-type]
        assert caught.value.field == "FINESS géographiques (EG)"
    assert repr(state) == before


def test_shares_cannot_exceed_100() -> None:
    state = new_state()
    answer_all(
        state,
        {
            "categorie": "ght",
            "etablissement_support": "oui",
            "finess_ej": EG1,
            "finess_eg": f"{EG1},{EG2}",
            **D2_YES,
            f"activite:{EG1}": "70",
        },
    )
    question = current_question(state, TODAY)
    with pytest.raises(AnswerError, match="la somme atteint 110 %"):
        record_answer(state, question, "40", TODAY)  # type: ignore[arg-type]
    record_answer(state, question, "30", TODAY)  # type: ignore[arg-type]


def test_review_date_in_the_future_is_refused() -> None:
    state = new_state()
    answer_all(
        state,
        {
            "categorie": "public",
            "finess_ej": EG1,
            "finess_eg": EG1,
            "pssi_validee_representant_legal": "oui",
        },
    )
    question = current_question(state, TODAY)
    with pytest.raises(AnswerError, match="dans le futur"):
        record_answer(state, question, "29/11/2026", TODAY)  # type: ignore[arg-type]


CATEGORIES = [c.value for c in QUESTIONS[0].choices]


@pytest.mark.parametrize(
    ("category", "support", "sites"),
    list(itertools.product(CATEGORIES, ["oui", "non"], [1, 2])),
)
def test_answering_every_question_leaves_no_fact_unknown(
    book: RuleBook, category: str, support: str, sites: int
) -> None:
    """The questions cover everything the rules need: with definite answers, no verdict
    stays open for lack of information."""
    state = new_state()
    egs = [EG1, EG2][:sites]
    answer_all(
        state,
        {
            "categorie": category,
            "etablissement_support": support,
            "finess_ej": EG1,
            "finess_eg": ",".join(egs),
            **D2_YES,
            **{f"activite:{eg}": "40" for eg in egs},
        },
    )
    report = evaluate(build_profile(state, TODAY, book.dispositif_ids), book.select(TODAY), TODAY)
    assert all(v.unknown == () for v in report.results)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Clinique privée", "es_prive_lucratif"),
        ("privé non lucratif", "es_prive_non_lucratif"),
        ("ESPIC", "es_prive_non_lucratif"),
        ("public hors GHT", "es_public_hors_ght"),
        ("un EHPAD", "esms"),
        ("médico-social", "esms"),
        ("cabinet libéral", "autre"),
        ("4", "es_prive_lucratif"),
        ("es_public_hors_ght", "es_public_hors_ght"),
        ("Établissement de santé public hors GHT", "es_public_hors_ght"),
    ],
)
def test_category_typed_in_words(text: str, value: str) -> None:
    assert match_choice(QUESTIONS[0].choices, text) == value


@pytest.mark.parametrize("text", ["privé", "hôpital", "9"])
def test_unrecognised_category(text: str) -> None:
    with pytest.raises(ValueError, match="ne correspond à aucune réponse proposée"):
        match_choice(QUESTIONS[0].choices, text)
