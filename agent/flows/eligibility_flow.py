"""``/eligibilite``: the guided eligibility interview, then one verdict per dispositif.

The questions, their order and the answer parsing come from ``eligibility.interview`` (the
terminal asks exactly the same). Everything the flow remembers lives in ``state``, so a
restart resumes at the same question. Typed answers are accepted as well as buttons; « retour »
goes back one question, « je ne sais pas » leaves the fact unknown (the verdict then says what
to find out); a free question is handed back to the assistant (``not_an_answer``), which
answers it and re-asks the pending question.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from agent.evidence_dates import sources_state_line
from agent.flows.base import Flow, FlowContext, FlowStep
from agent.turns import ChoiceReply, Option, Reply, SourceRef, TextReply, Turn
from eligibility import (
    AnswerError,
    EligibilityReport,
    ProfileError,
    RuleBook,
    Verdict,
    evaluate,
    looks_like_question,
    special_input,
)
from eligibility.interview import (
    build_profile,
    current_question,
    go_back,
    new_state,
    question_number,
    record_answer,
    record_unknown,
)
from eligibility.questions import Question
from eligibility.summary import obligations_text, report_heading, verdict_text
from eligibility.values import fold
from retrieval import SourceNote

logger = logging.getLogger(__name__)

SourceInfo = Callable[[str], SourceRef | None]

ACTION_PREFIX = "elig:"
UNKNOWN_VALUE, BACK_VALUE = "?", "<"

INTRO = (
    "Vérifions l'éligibilité de votre structure aux financements CaRE (domaines D1 et D2, "
    "guichet D1 bis, HospiConnect / HOP'EN 2, subventions pour les exercices de crise). Je ne "
    "pose que les questions utiles à votre situation.\n"
    "À tout moment : « retour » revient à la question précédente, « je ne sais pas » si vous "
    "n'avez pas l'information, /annuler arrête le dialogue. Vous pouvez aussi poser une "
    "question en cours de route."
)
FIRST_QUESTION = "C'est la première question : il n'y a pas de réponse précédente."
STALE = "Ce bouton correspond à une question déjà passée. Voici la question en cours :"
CANCELLED = "Vérification d'éligibilité arrêtée."
SAVED = (
    "Votre profil est enregistré : il servira à préremplir vos dossiers (/fiche_projet, "
    "/lettre_engagement). Relancez /eligibilite pour le modifier."
)


def source_info_from_notes(notes: Iterable[SourceNote]) -> SourceInfo:
    """Map source ids to citations, from the knowledge base's source notes."""
    by_id = {note.id: note for note in notes}

    def info(source_id: str) -> SourceRef | None:
        note = by_id.get(source_id)
        if note is None:
            return None
        return SourceRef(
            number=0,
            source_id=note.id,
            title=note.title,
            section="",
            url=note.url,
            checked=note.checked.isoformat(),
            published=note.published.isoformat() if note.published else None,
            uncertain=note.status == "a_confirmer",
            evidence=note.evidence.isoformat() if note.evidence else None,
        )

    return info


class EligibilityFlow(Flow):
    name: ClassVar[str] = "eligibilite"
    command: ClassVar[str] = "/eligibilite"
    description: ClassVar[str] = (
        "vérifier l'éligibilité de votre structure aux financements CaRE (questions guidées, "
        "verdict sourcé par dispositif)"
    )

    def __init__(self, rules: RuleBook, source_info: SourceInfo | None = None) -> None:
        self._rules = rules
        self._source_info = source_info

    # -- Flow interface ----------------------------------------------------------------------
    def start(self, ctx: FlowContext, state: dict[str, Any], argument: str) -> FlowStep:
        scope, unknown = self._scope(argument)
        state.clear()
        state.update(new_state(scope))
        intro = INTRO
        if unknown:
            intro += (
                f"\n(Je ne connais pas « {', '.join(unknown)} » ; dispositifs possibles : "
                f"{', '.join(self._rules.dispositif_ids)}. Je les vérifie tous.)"
            )
        return FlowStep([TextReply(intro, kind="info"), *self._ask(ctx, state)])

    def handle(self, ctx: FlowContext, state: dict[str, Any], turn: Turn) -> FlowStep:
        question = current_question(state, ctx.today)
        if question is None:
            return self._finish(ctx, state)
        if turn.action is not None:
            return self._button(ctx, state, question, turn.action)
        text = turn.text.strip()
        keyword = special_input(text)
        if keyword == "cancel":
            return FlowStep([TextReply(CANCELLED, kind="info")], done=True)
        if keyword == "back":
            return self._back(ctx, state)
        if keyword == "unknown":
            record_unknown(state, question)
            return self._next(ctx, state)
        try:
            record_answer(state, question, text, ctx.today)
        except AnswerError as exc:
            if looks_like_question(text):
                return FlowStep(not_an_answer=True)
            return self._invalid(ctx, state, exc)
        return self._next(ctx, state)

    def reprompt(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        return self._ask(ctx, state)

    def cancel(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        return []

    # -- steps -------------------------------------------------------------------------------
    def _button(
        self, ctx: FlowContext, state: dict[str, Any], question: Question, action: str
    ) -> FlowStep:
        qid, _, value = action.removeprefix(ACTION_PREFIX).rpartition("=")
        if not action.startswith(ACTION_PREFIX) or qid != question.id:
            return FlowStep([TextReply(STALE, kind="info"), *self._ask(ctx, state)])
        if value == BACK_VALUE:
            return self._back(ctx, state)
        if value == UNKNOWN_VALUE:
            record_unknown(state, question)
            return self._next(ctx, state)
        try:
            record_answer(state, question, value, ctx.today)
        except AnswerError as exc:
            return self._invalid(ctx, state, exc)
        return self._next(ctx, state)

    def _back(self, ctx: FlowContext, state: dict[str, Any]) -> FlowStep:
        if not go_back(state):
            return FlowStep([TextReply(FIRST_QUESTION, kind="info"), *self._ask(ctx, state)])
        return FlowStep(self._ask(ctx, state))

    def _invalid(self, ctx: FlowContext, state: dict[str, Any], exc: AnswerError) -> FlowStep:
        message = f"Réponse non valide pour « {exc.field} » : {exc.reason}."
        return FlowStep([TextReply(message, kind="error"), *self._ask(ctx, state)])

    def _next(self, ctx: FlowContext, state: dict[str, Any]) -> FlowStep:
        if current_question(state, ctx.today) is None:
            return self._finish(ctx, state)
        return FlowStep(self._ask(ctx, state))

    def _ask(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        question = current_question(state, ctx.today)
        if question is None:
            return []
        options = [
            Option(choice.label, f"{ACTION_PREFIX}{question.id}={choice.value}")
            for choice in question.choices
        ]
        options.append(Option("Je ne sais pas", f"{ACTION_PREFIX}{question.id}={UNKNOWN_VALUE}"))
        if state.get("history"):
            options.append(Option("↩ Retour", f"{ACTION_PREFIX}{question.id}={BACK_VALUE}"))
        text = f"Question {question_number(state)} — {question.text}\n{question.spec.hint}"
        return [ChoiceReply(text, tuple(options))]

    def _finish(self, ctx: FlowContext, state: dict[str, Any]) -> FlowStep:
        try:
            profile = build_profile(state, ctx.today, self._rules.dispositif_ids)
        except ProfileError as exc:  # an answer no longer holds (e.g. the date moved on)
            logger.info("eligibility profile invalid at the end: %s", exc)
            _forget(state, {problem.field.split("[")[0] for problem in exc.problems})
            return FlowStep([TextReply(exc.user_message, kind="error"), *self._ask(ctx, state)])
        report = evaluate(profile, self._rules.select(ctx.today), ctx.today)
        ctx.session.profile = profile.to_dict()
        return FlowStep(self._report_replies(report), done=True)

    # -- output ------------------------------------------------------------------------------
    def _report_replies(self, report: EligibilityReport) -> list[Reply]:
        replies: list[Reply] = [TextReply(report_heading(report), kind="info")]
        replies += [self._verdict_reply(verdict) for verdict in report.results]
        if report.obligations:
            replies.append(TextReply(obligations_text(report), kind="info"))
        replies.append(TextReply(SAVED, kind="info"))
        return replies

    def _verdict_reply(self, verdict: Verdict) -> TextReply:
        refs: list[SourceRef] = []
        for number, source_id in enumerate(verdict.sources, start=1):
            info = self._source_info(source_id) if self._source_info else None
            if info is not None:
                refs.append(dataclasses.replace(info, number=number))

        def cite(number: int, source_id: str) -> str:
            ref = next((r for r in refs if r.source_id == source_id), None)
            return f"[{number}] {ref.title if ref else source_id}"

        text = verdict_text(verdict, cite)
        if refs:
            text += f"\n{sources_state_line(refs)}"
        return TextReply(text, sources=tuple(refs), kind="answer")

    def _scope(self, argument: str) -> tuple[list[str] | None, list[str]]:
        words = fold(argument).replace("d1 bis", "d1bis").replace(",", " ").split()
        known = {fold(name): name for name in self._rules.dispositif_ids}
        scope = [known[word] for word in words if word in known]
        unknown = [word for word in words if word not in known]
        return (scope or None), unknown


def _forget(state: dict[str, Any], fields: set[str]) -> None:
    """Drop the answers of the given fields so their questions are asked again."""
    answers: dict[str, Any] = state.get("answers", {})
    history: list[str] = state.get("history", [])
    for qid in list(answers):
        if qid.split(":", 1)[0] in fields:
            answers.pop(qid)
            if qid in history:
                history.remove(qid)
