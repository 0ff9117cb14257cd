"""/fiche_projet and /lettre_engagement: a guided interview that fills a dossier draft.

One field at a time, with help and an example; buttons for choices; « passer » (optional
fields), « retour », « modifier <champ> », « aperçu », « générer [odt|markdown] », « annuler »;
lists (objectifs, calendrier, budget…) item by item until « terminé »; an answers file
(YAML/JSON) may be sent at any time. Every accepted answer is saved at once as a ``Draft``
(``state`` only keeps the draft id and the navigation), so a restart mid-dialogue loses nothing.
A new draft starts clean: only the user's eligibility profile prefills it, and the first message
says what was taken from it.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from agent.flows.base import Flow, FlowContext, FlowStep, question_token
from agent.flows.drafting import texts
from agent.flows.drafting.steps import GENERATE, Interview, Work
from agent.flows.drafting.suggestions import DraftingHelp
from agent.store import Draft, new_id, now_iso
from agent.turns import ChoiceReply, Option, Reply, TextReply, Turn
from care_common.dialogue_keywords import DialogueKeyword, dialogue_keyword
from care_common.french_text import fold_phrase
from drafting import (
    Answers,
    DossierDrafter,
    InvalidValue,
    get_path,
    is_missing,
    parse_field,
    parse_format,
    set_path,
)
from drafting.walk import META, looks_like_question, meta, question_at


class DraftingFlow(Flow):
    accepts_attachments: ClassVar[bool] = True
    """The interview for one document type; subclasses set ``doc_type`` and the Flow names."""

    doc_type: ClassVar[str]

    def __init__(self, drafter: DossierDrafter, suggestions: DraftingHelp | None = None) -> None:
        self.drafter = drafter
        self.interview = Interview(drafter, self.doc_type, suggestions)
        self.spec = self.interview.spec

    # -- Flow API --------------------------------------------------------------------------
    def start(self, ctx: FlowContext, state: dict[str, Any], argument: str) -> FlowStep:
        state.clear()
        drafts = [
            d for d in ctx.store.list_drafts(ctx.session.user_id) if d.doc_type == self.doc_type
        ]
        chosen = next((d for d in drafts if d.draft_id == argument.strip()), None)
        if chosen is not None:
            return self.resume(ctx, state, chosen)
        if drafts:
            state["choosing"] = drafts[0].draft_id
            return FlowStep(self._choice(drafts[0]))
        return self._new(ctx, state)

    def resume(self, ctx: FlowContext, state: dict[str, Any], draft: Draft) -> FlowStep:
        """Continue ``draft`` where it stands (also used by /mes_dossiers)."""
        state.clear()
        state.update(draft_id=draft.draft_id, back=[])
        replies = self.interview.ask(state, copy.deepcopy(draft.answers))
        return FlowStep([TextReply(texts.resumed(draft.title)), *replies])

    def handle(self, ctx: FlowContext, state: dict[str, Any], turn: Turn) -> FlowStep:
        if "choosing" in state:
            return self._handle_choice(ctx, state, turn)
        draft = self._load(ctx, state)
        if draft is None:
            return FlowStep([TextReply(texts.DRAFT_GONE, kind="error")], done=True)
        work = Work(ctx, state, draft, copy.deepcopy(draft.answers))
        if turn.attachment is not None:
            return self.interview.import_file(work, turn.attachment)
        action, text = turn.pick or "", turn.text.strip()
        word = fold_phrase(text)
        if "suggestion" in state:  # a proposal waits for « accepter / modifier / refuser »
            step = self.interview.on_suggestion(work, action, text)
            if step is not None:
                return step
        generate = GENERATE.match(word)
        if action.startswith("dr:gen:") or generate:
            requested = action.removeprefix("dr:gen:") if action else generate and generate[2]
            return self.interview.generate(work, parse_format(requested or "docx") or "docx")
        if action == "dr:preview" or word == "apercu":
            summary = texts.summary(self.spec, work.answers, meta(work.answers)["skipped"])
            return FlowStep([TextReply(summary), *self.interview.ask(state, work.answers)])
        if dialogue_keyword(text) is DialogueKeyword.BACK:  # « retour », « précédent »…
            return self.interview.back(work)
        if word.startswith("modifier") and len(word.split()) <= 5:
            return self.interview.modify(work, text[len("modifier") :].strip())
        if word == "aide":
            return FlowStep([TextReply(texts.COMMANDS), *self.interview.ask(state, work.answers)])
        if word in ("modele", "modele de fichier", "fichier modele"):
            return self.interview.template(work)
        return self.interview.reply(work, action, text)

    def reprompt(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        if "choosing" in state:
            choice = ctx.store.get_draft(ctx.session.user_id, state["choosing"])
            return self._choice(choice) if choice else []
        draft = self._load(ctx, state)
        if draft is None:
            return [TextReply(texts.DRAFT_GONE)]
        return self.interview.ask(state, copy.deepcopy(draft.answers))

    def cancel(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        draft = self._load(ctx, state)
        return [TextReply(texts.kept(draft.title))] if draft else []

    def question_token(self, ctx: FlowContext, state: dict[str, Any]) -> str:
        """Names the draft and the pending field (or the pending choice): a button of the
        previous field, or of another draft, is stale."""
        if "choosing" in state:
            return question_token(self.name, "choose", str(state["choosing"]))
        draft = self._load(ctx, state)
        if draft is None:
            return question_token(self.name, "gone")
        pending = self.interview.pending(copy.deepcopy(state), copy.deepcopy(draft.answers))
        if pending is None:
            return question_token(self.name, draft.draft_id, "all-done")
        proposal = "proposal" if "suggestion" in state else ""
        return question_token(
            self.name, draft.draft_id, pending.kind, pending.path, str(pending.new_item), proposal
        )

    def recap(self, ctx: FlowContext, state: dict[str, Any]) -> str | None:
        """The last answer recorded, as its receipt (« ✓ Titre du projet : … »)."""
        history = state.get("back") or []
        draft = self._load(ctx, state)
        if not history or draft is None or not isinstance(history[-1], dict):
            return None
        question = question_at(self.spec, history[-1]["path"])
        if question is None:
            return None
        value = get_path(draft.answers, question.path)
        if is_missing(value):
            return texts.skipped_receipt(question.label)
        return texts.receipt(question.label, question.field, value)

    # -- starting ----------------------------------------------------------------------------
    def _load(self, ctx: FlowContext, state: dict[str, Any]) -> Draft | None:
        draft_id = state.get("draft_id")
        return ctx.store.get_draft(ctx.session.user_id, draft_id) if draft_id else None

    def _choice(self, draft: Draft) -> list[Reply]:
        options = (
            Option("Reprendre ce brouillon", f"dr:resume:{draft.draft_id}"),
            Option("Nouveau dossier", "dr:new"),
        )
        return [ChoiceReply(texts.resume_offer(draft.title, draft.updated), options)]

    def _handle_choice(self, ctx: FlowContext, state: dict[str, Any], turn: Turn) -> FlowStep:
        word = fold_phrase(turn.text)
        if turn.pick == "dr:new" or word.startswith("nouveau"):
            return self._new(ctx, state)
        if (turn.pick or "").startswith("dr:resume:") or word.startswith("reprendre"):
            draft = ctx.store.get_draft(ctx.session.user_id, state["choosing"])
            return self.resume(ctx, state, draft) if draft else self._new(ctx, state)
        if looks_like_question(turn.text, free_text=False):
            return FlowStep(not_an_answer=True)
        return FlowStep([TextReply(texts.CHOOSE_OPTION, kind="error"), *self.reprompt(ctx, state)])

    def _prefill(self, profile: dict[str, Any], answers: Answers) -> list[str]:
        """Values from the eligibility profile of the same user (only valid ones)."""
        shown = []
        for spec_field in self.spec.fields:
            if spec_field.prefill is None or spec_field.prefill.profile_key not in profile:
                continue
            raw = profile[spec_field.prefill.profile_key]
            if spec_field.prefill.map:
                raw = spec_field.prefill.map.get(str(raw))
            if isinstance(raw, list) and spec_field.type != "finess_list":
                raw = raw[0] if len(raw) == 1 else None
            if is_missing(raw):
                continue
            try:
                value = parse_field(spec_field, raw)
            except InvalidValue:
                continue
            set_path(answers, spec_field.key, value)
            shown.append(f"{spec_field.label} : {texts.shown_value(spec_field, value)}")
        return shown

    def _new(self, ctx: FlowContext, state: dict[str, Any]) -> FlowStep:
        answers: Answers = {META: {}}
        prefilled = self._prefill(ctx.session.profile, answers)  # nothing from other drafts
        now = now_iso()
        draft = Draft(
            new_id(),
            ctx.session.user_id,
            self.doc_type,
            self.interview.title(answers),
            answers,
            now,
            now,
        )
        ctx.store.save_draft(draft)
        state.clear()
        state.update(draft_id=draft.draft_id, back=[])
        intro = TextReply(texts.intro(self.spec, prefilled))
        return FlowStep([intro, *self.interview.ask(state, answers)])


class FicheProjetFlow(DraftingFlow):
    doc_type: ClassVar[str] = "fiche_projet"
    name: ClassVar[str] = "fiche_projet"
    command: ClassVar[str] = "/fiche_projet"
    description: ClassVar[str] = "préparer un brouillon de fiche projet (DOCX, ODT, Markdown)"


class LettreEngagementFlow(DraftingFlow):
    doc_type: ClassVar[str] = "lettre_engagement"
    name: ClassVar[str] = "lettre_engagement"
    command: ClassVar[str] = "/lettre_engagement"
    description: ClassVar[str] = "préparer un brouillon de lettre d'engagement"
