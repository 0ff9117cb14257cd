"""The eligibility interview as a pure state machine over a JSON-serialisable dict.

The agent's flow keeps ``state`` in the session store and the terminal keeps it in memory;
both call the same functions, so they ask the same questions in the same order::

    state = new_state(scope)                  # {"answers": {}, "history": [], "scope": ...}
    question = current_question(state, as_of)  # None when the interview is complete
    record_answer(state, question, text, as_of)   # raises AnswerError, state untouched
    record_unknown(state, question)            # « je ne sais pas »
    go_back(state)                             # « retour »
    profile = build_profile(state, as_of, dispositif_ids)

``answers`` maps question ids to JSON values (``None`` = « je ne sais pas »); ``history`` is
the stack of answered ids, so « retour » removes the last answer and asks it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from eligibility.conditions import Context
from eligibility.errors import ProfileError
from eligibility.profile import Profile, parse_profile
from eligibility.questions import QUESTIONS, Question, QuestionSpec, parse_answer


def new_state(scope: Sequence[str] | None = None) -> dict[str, Any]:
    return {"answers": {}, "history": [], "scope": list(scope) if scope else None}


def _answers(state: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = state.setdefault("answers", {})
    return answers


def _history(state: dict[str, Any]) -> list[str]:
    history: list[str] = state.setdefault("history", [])
    return history


def _walk(state: dict[str, Any], as_of: date) -> tuple[list[Question], dict[str, Any]]:
    """The questions to ask, in order, and the profile data of the relevant answers.

    A question is asked only when its ``ask_if`` holds given the answers before it, so a
    changed answer drops those that no longer apply (e.g. PSSI answers after choosing ESMS).
    """
    data: dict[str, Any] = {}
    if state.get("scope"):
        data["dispositifs"] = list(state["scope"])
    answers = _answers(state)
    questions: list[Question] = []
    for spec in QUESTIONS:
        profile = _profile(data, as_of)
        if spec.ask_if.evaluate(Context(profile, {"$as_of": as_of})).value is not True:
            continue
        questions += _expand(spec, profile)
        _store(data, spec, profile, answers)
    return questions, data


def _expand(spec: QuestionSpec, profile: Profile) -> list[Question]:
    if spec.field != "activite":
        return [Question(spec.field, spec, spec.text)]
    return [
        Question(f"activite:{eg}", spec, spec.text.replace("{eg}", eg), eg)
        for eg in profile.finess_eg or ()
    ]


def _store(
    data: dict[str, Any], spec: QuestionSpec, profile: Profile, answers: dict[str, Any]
) -> None:
    if spec.field != "activite":
        if answers.get(spec.field) is not None:
            data[spec.field] = answers[spec.field]
        return
    ids = [f"activite:{eg}" for eg in profile.finess_eg or ()]
    if ids and all(answers.get(qid) is not None for qid in ids):
        data["activite"] = [
            {"finess_eg": qid.split(":", 1)[1], "part": answers[qid]}
            for qid in ids
            if Decimal(str(answers[qid])) > 0
        ]


def _profile(data: dict[str, Any], as_of: date) -> Profile:
    try:
        return parse_profile(data, as_of, data.get("dispositifs") or ())
    except ProfileError:  # answers were validated one by one; keep what is valid
        return Profile()


def current_question(state: dict[str, Any], as_of: date) -> Question | None:
    answers = _answers(state)
    questions, _data = _walk(state, as_of)
    return next((q for q in questions if q.id not in answers), None)


def question_number(state: dict[str, Any]) -> int:
    return len(_history(state)) + 1


def record_answer(state: dict[str, Any], question: Question, text: str, as_of: date) -> Any:
    """Validate and store one typed answer; on ``AnswerError`` the state is unchanged."""
    value = parse_answer(question, text, as_of, _other_shares(state, question))
    _answers(state)[question.id] = value
    _history(state).append(question.id)
    return value


def record_unknown(state: dict[str, Any], question: Question) -> None:
    _answers(state)[question.id] = None
    _history(state).append(question.id)


def go_back(state: dict[str, Any]) -> bool:
    """Forget the last answer so it is asked again; False when nothing was answered yet."""
    history = _history(state)
    if not history:
        return False
    _answers(state).pop(history.pop(), None)
    return True


def _other_shares(state: dict[str, Any], question: Question) -> Decimal:
    if question.eg is None:
        return Decimal(0)
    answers = _answers(state)
    return sum(
        (
            Decimal(str(value))
            for qid, value in answers.items()
            if qid.startswith("activite:") and qid != question.id and value is not None
        ),
        Decimal(0),
    )


def profile_data(state: dict[str, Any], as_of: date) -> dict[str, Any]:
    """The profile keys answered so far that are still relevant."""
    return _walk(state, as_of)[1]


def build_profile(
    state: dict[str, Any], as_of: date, dispositif_ids: Sequence[str] = ()
) -> Profile:
    """The final profile; raises ``ProfileError`` if an answer became invalid meanwhile."""
    return parse_profile(profile_data(state, as_of), as_of, dispositif_ids)
