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
import json
import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, ClassVar

from agent.actions import ShowDetails
from agent.evidence_dates import sources_state_line
from agent.flows.base import BUTTON_LIMIT, Flow, FlowContext, FlowStep, button_label
from agent.flows.base import question_token as make_token
from agent.turns import ChoiceReply, Option, Reply, SourceRef, TextReply, Turn
from care_common.dialogue_keywords import DialogueKeyword, dialogue_keyword
from care_common.french_text import fold_phrase
from care_common.question_words import reads_as_question
from eligibility import (
    AnswerError,
    EligibilityReport,
    ProfileError,
    RuleBook,
    Verdict,
    evaluate,
    parse_profile,
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
from eligibility.summary import (
    candidature_phrase,
    obligations_text,
    open_windows,
    report_heading,
    short_title,
    verdict_text,
)
from eligibility.vocabulary import VERDICT_LABELS
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
    "Votre profil est enregistré : il préremplira vos dossiers (/fiche_projet, "
    "/lettre_engagement). Relancez /eligibilite pour le modifier."
)
DETAILS_BUTTON = "Détails"
DETAILS_HINT = "Raisons, démarches, calendrier et sources : bouton « Détails »."


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
                f"{', '.join(_typed_name(name) for name in self._rules.dispositif_ids)}. "
                "Je les vérifie tous.)"
            )
        return FlowStep([TextReply(intro, kind="info"), *self._ask(ctx, state)])

    def handle(self, ctx: FlowContext, state: dict[str, Any], turn: Turn) -> FlowStep:
        question = current_question(state, ctx.today)
        if question is None:
            return self._finish(ctx, state)
        if turn.pick is not None:
            return self._button(ctx, state, question, turn.pick)
        text = turn.text.strip()
        keyword = dialogue_keyword(text)
        if keyword is DialogueKeyword.CANCEL:  # the assistant cancels first; for direct drivers
            return FlowStep([TextReply(CANCELLED, kind="info")], done=True)
        if keyword is DialogueKeyword.BACK:
            return self._back(ctx, state)
        if keyword in (DialogueKeyword.UNKNOWN, DialogueKeyword.SKIP):
            record_unknown(state, question)
            return self._next(ctx, state)
        try:
            record_answer(state, question, text, ctx.today)
        except AnswerError as exc:
            if reads_as_question(text):  # a free question: answered, then re-asked
                return FlowStep(not_an_answer=True)
            return self._invalid(ctx, state, exc)
        return self._next(ctx, state)

    def reprompt(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        return self._ask(ctx, state)

    def cancel(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        return []

    def question_token(self, ctx: FlowContext, state: dict[str, Any]) -> str:
        """The question and how many were answered before it: « retour » to a question makes
        its earlier buttons valid again, any other question does not."""
        question = current_question(state, ctx.today)
        asked = str(len(state.get("history", [])))
        return make_token(self.name, question.id if question else "end", asked)

    def details(self, ctx: FlowContext, argument: str) -> list[Reply] | None:
        """« Détails » under a verdict: the full report for the same profile and date."""
        as_of_text, _, key = argument.partition(":")
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError:
            return None
        data = ctx.session.profile
        if not data or key != _profile_key(data):
            return None
        try:
            profile = parse_profile(data, as_of, self._rules.dispositif_ids)
        except ProfileError:
            return None
        report = evaluate(profile, self._rules.select(as_of), as_of)
        replies: list[Reply] = [self._verdict_reply(verdict) for verdict in report.results]
        if report.obligations:
            replies.append(TextReply(obligations_text(report), kind="info"))
        return replies

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
            Option(
                button_label(choice.label, choice.short),
                f"{ACTION_PREFIX}{question.id}={choice.value}",
            )
            for choice in question.choices
        ]
        options.append(Option("Je ne sais pas", f"{ACTION_PREFIX}{question.id}={UNKNOWN_VALUE}"))
        if state.get("history"):
            options.append(Option("↩ Retour", f"{ACTION_PREFIX}{question.id}={BACK_VALUE}"))
        lines = [f"Question {question_number(state)} — {question.text}"]
        if any(len(choice.label) > BUTTON_LIMIT for choice in question.choices):
            lines += [f"• {choice.label}" for choice in question.choices]  # buttons abridged
        lines.append(question.spec.hint)
        return [ChoiceReply("\n".join(lines), tuple(options))]

    def _finish(self, ctx: FlowContext, state: dict[str, Any]) -> FlowStep:
        try:
            profile = build_profile(state, ctx.today, self._rules.dispositif_ids)
        except ProfileError as exc:  # an answer no longer holds (e.g. the date moved on)
            logger.info("eligibility profile invalid at the end: %s", exc)
            _forget(state, {problem.field.split("[")[0] for problem in exc.problems})
            return FlowStep([TextReply(exc.user_message, kind="error"), *self._ask(ctx, state)])
        report = evaluate(profile, self._rules.select(ctx.today), ctx.today)
        ctx.session.profile = profile.to_dict()
        return FlowStep([self._summary(report, ctx.session.profile)], done=True)

    # -- output ------------------------------------------------------------------------------
    def _summary(self, report: EligibilityReport, profile: dict[str, Any]) -> TextReply:
        """The verdict in ONE message: a line per dispositif, verdict and window in bold;
        reasons, steps, calendar and sources behind the « Détails » button."""
        lines = [report_heading(report), ""]
        for verdict in report.results:
            also = "".join(f" ; {phrase}" for phrase in open_windows(verdict))
            lines.append(
                f"• {short_title(verdict)} : **{VERDICT_LABELS[verdict.verdict]}** · "
                f"**{candidature_phrase(verdict)}**{also}"
            )
        applicable = [o for o in report.obligations if o.status != "non_applicable"]
        if applicable:
            lines += [
                "",
                f"Obligations hors financement : {len(applicable)} action(s) à mener, que vous "
                "demandiez un financement ou non.",
            ]
        lines += ["", DETAILS_HINT, SAVED]
        argument = f"{report.as_of.isoformat()}:{_profile_key(profile)}"
        details = Option(DETAILS_BUTTON, ShowDetails(self.name, argument))
        return TextReply("\n".join(lines), kind="info", styled=True, options=(details,))

    def _verdict_reply(self, verdict: Verdict) -> TextReply:
        refs: list[SourceRef] = []
        for number, source_id in enumerate(verdict.sources, start=1):
            info = self._source_info(source_id) if self._source_info else None
            if info is not None:
                refs.append(dataclasses.replace(info, number=number))

        def cite(number: int, source_id: str) -> str:
            ref = next((r for r in refs if r.source_id == source_id), None)
            return f"[{number}] {ref.title if ref else source_id}"

        title, _, rest = verdict_text(verdict, cite).partition("\n")
        text = f"**{_literal(title)}**\n{_literal(rest)}"
        if refs:
            text += f"\n{sources_state_line(refs)}"
        return TextReply(text, sources=tuple(refs), kind="info", styled=True)

    def _scope(self, argument: str) -> tuple[list[str] | None, list[str]]:
        words = fold_phrase(argument).replace("d1 bis", "d1bis").replace(",", " ").split()
        known = {fold_phrase(name): name for name in self._rules.dispositif_ids}
        known |= {fold_phrase(_typed_name(name)): name for name in self._rules.dispositif_ids}
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


def _typed_name(dispositif: str) -> str:
    """What a user types to name a dispositif (« exercice » for the rule id exercice_crise)."""
    return dispositif.split("_", 1)[0]


def _profile_key(profile: dict[str, Any]) -> str:
    """8 characters naming a saved profile: « Détails » of an older verdict are refused."""
    return make_token("profile", json.dumps(profile, sort_keys=True, default=str))


def _literal(text: str) -> str:
    """Text shown in a styled reply, with no ``**`` of its own."""
    return text.replace("**", "*\u200b*")
