"""/mes_dossiers: the user's drafts, to resume, export (Word, ODT, Markdown) or delete.

Resuming hands the dialogue to the drafting flow of the draft's document type: this flow keeps
running and forwards each turn to it (its state nested under ``inner``), so the assistant needs
no special support for switching flows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from agent.flows.base import BUTTON_LIMIT, Flow, FlowContext, FlowStep
from agent.flows.drafting.flow import DraftingFlow, FicheProjetFlow, LettreEngagementFlow
from agent.flows.drafting.suggestions import DraftingHelp
from agent.store import Draft
from agent.turns import ChoiceReply, DocumentReply, Option, Reply, TextReply, Turn
from care_common.dialogue_keywords import DialogueKeyword, dialogue_keyword
from care_common.french_dates import iso_in_words, short_date
from care_common.french_text import fold_phrase
from drafting import AnswersRejected, DossierDrafter, DraftingError, Format, parse_format
from drafting import public_answers as public
from drafting.walk import filled_count, looks_like_question

MAX_LISTED = 10
MAX_LABEL = BUTTON_LIMIT  # characters of a draft's button (document type + title + date)
_KINDS = {"fiche_projet": "Fiche", "lettre_engagement": "Lettre"}


def button_label(draft: Draft, today: date) -> str:
    """« Fiche · Sécurisation des sau… · 3 déc. »: document type, title, French date (the year
    only when it is not the current one), within ``MAX_LABEL`` characters."""
    kind = _KINDS.get(draft.doc_type, draft.doc_type)
    try:
        when = date.fromisoformat(draft.updated[:10])
    except ValueError:
        when = today
    day = short_date(when)
    if when.year == today.year:
        day = day.rsplit(" ", 1)[0]
    room = MAX_LABEL - len(kind) - len(day) - 6
    title = draft.title if len(draft.title) <= room else draft.title[: room - 1].rstrip() + "…"
    return f"{kind} · {title} · {day}"


NO_DRAFTS = (
    "Vous n'avez aucun brouillon de dossier. Tapez /fiche_projet ou /lettre_engagement pour en "
    "commencer un."
)
CHOOSE = "Choisissez une des options proposées (ou /annuler)."


class DraftsMenuFlow(Flow):
    name: ClassVar[str] = "mes_dossiers"
    command: ClassVar[str] = "/mes_dossiers"
    description: ClassVar[str] = "vos brouillons de dossier : reprendre, exporter, supprimer"

    def __init__(self, drafter: DossierDrafter, flows: Sequence[DraftingFlow]) -> None:
        self.drafter = drafter
        self.flows = {flow.doc_type: flow for flow in flows}

    # -- Flow API --------------------------------------------------------------------------
    def start(self, ctx: FlowContext, state: dict[str, Any], argument: str) -> FlowStep:
        state.clear()
        return self._list(ctx, state)

    def handle(self, ctx: FlowContext, state: dict[str, Any], turn: Turn) -> FlowStep:
        if "inner" in state:
            inner = state["inner"]
            return self.flows[inner["doc"]].handle(ctx, inner["state"], turn)
        action, word = turn.pick or "", fold_phrase(turn.text)
        view = state.get("view")
        if view == "list":
            return self._pick(ctx, state, action, word)
        draft = ctx.store.get_draft(ctx.session.user_id, state.get("draft_id", ""))
        if draft is None:
            return self._list(ctx, state)
        if view == "confirm":
            if action == "md:delete:yes" or word.startswith("oui"):
                ctx.store.delete_draft(ctx.session.user_id, draft.draft_id)
                return FlowStep([TextReply(f"Brouillon « {draft.title} » supprimé.")], done=True)
            if action == "md:delete:no" or word.startswith("non"):
                state["view"] = "draft"
                return FlowStep(self._draft_menu(draft))
        else:
            step = self._on_draft(ctx, state, draft, action, word)
            if step is not None:
                return step
        if looks_like_question(turn.text, free_text=False):
            return FlowStep(not_an_answer=True)
        return FlowStep([TextReply(CHOOSE, kind="error"), *self.reprompt(ctx, state)])

    def reprompt(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        if "inner" in state:
            inner = state["inner"]
            return self.flows[inner["doc"]].reprompt(ctx, inner["state"])
        draft = ctx.store.get_draft(ctx.session.user_id, state.get("draft_id", ""))
        if state.get("view") == "confirm" and draft:
            return self._confirm(draft)
        if state.get("view") == "draft" and draft:
            return self._draft_menu(draft)
        return self._list(ctx, state).replies

    def cancel(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        if "inner" in state:
            inner = state["inner"]
            return self.flows[inner["doc"]].cancel(ctx, inner["state"])
        return []

    def question_token(self, ctx: FlowContext, state: dict[str, Any]) -> str:
        if "inner" in state:
            inner = state["inner"]
            return self.flows[inner["doc"]].question_token(ctx, inner["state"])
        return super().question_token(ctx, state)

    def recap(self, ctx: FlowContext, state: dict[str, Any]) -> str | None:
        if "inner" in state:
            inner = state["inner"]
            return self.flows[inner["doc"]].recap(ctx, inner["state"])
        return None

    # -- views ---------------------------------------------------------------------------------
    def _describe(self, draft: Draft) -> str:
        spec = self.drafter.spec(draft.doc_type)
        done, total = filled_count(spec, draft.answers)
        return (
            f"{spec.title} — « {draft.title} » (modifié le {iso_in_words(draft.updated)}, "
            f"{done}/{total} champs obligatoires)"
        )

    def _list(self, ctx: FlowContext, state: dict[str, Any]) -> FlowStep:
        drafts = [
            d for d in ctx.store.list_drafts(ctx.session.user_id) if d.doc_type in self.flows
        ]
        if not drafts:
            return FlowStep([TextReply(NO_DRAFTS)], done=True)
        shown = drafts[:MAX_LISTED]
        state.update(view="list", ids=[d.draft_id for d in shown])
        lines = ["Vos brouillons, du plus récent au plus ancien :"]
        lines += [f"{n}. {self._describe(d)}" for n, d in enumerate(shown, start=1)]
        if len(drafts) > MAX_LISTED:
            lines.append(f"({len(drafts) - MAX_LISTED} brouillon(s) plus ancien(s) non affichés.)")
        options = tuple(Option(button_label(d, ctx.today), f"md:pick:{d.draft_id}") for d in shown)
        return FlowStep([ChoiceReply("\n".join(lines), options)])

    def _draft_menu(self, draft: Draft) -> list[Reply]:
        options = (
            Option("Reprendre la saisie", "md:resume"),
            Option("Exporter en Word", "md:export:docx"),
            Option("Exporter en ODT", "md:export:odt"),
            Option("Exporter en Markdown", "md:export:md"),
            Option("Supprimer", "md:delete"),
            Option("Retour à la liste", "md:list"),
        )
        return [ChoiceReply(f"{self._describe(draft)} : que voulez-vous faire ?", options)]

    def _confirm(self, draft: Draft) -> list[Reply]:
        question = f"Supprimer définitivement le brouillon « {draft.title} » ?"
        options = (
            Option("Oui, supprimer", "md:delete:yes"),
            Option("Non, le garder", "md:delete:no"),
        )
        return [ChoiceReply(question, options)]

    # -- choices -------------------------------------------------------------------------------
    def _pick(self, ctx: FlowContext, state: dict[str, Any], action: str, word: str) -> FlowStep:
        ids: list[str] = state.get("ids", [])
        draft_id = action.removeprefix("md:pick:") if action.startswith("md:pick:") else ""
        number = word.split(".")[0].strip()
        if not draft_id and number.isdigit() and 1 <= int(number) <= len(ids):
            draft_id = ids[int(number) - 1]
        draft = ctx.store.get_draft(ctx.session.user_id, draft_id) if draft_id else None
        if draft is None:
            if looks_like_question(word, free_text=False):
                return FlowStep(not_an_answer=True)
            return FlowStep([TextReply(CHOOSE, kind="error"), *self._list(ctx, state).replies])
        state.update(view="draft", draft_id=draft.draft_id)
        return FlowStep(self._draft_menu(draft))

    def _on_draft(
        self, ctx: FlowContext, state: dict[str, Any], draft: Draft, action: str, word: str
    ) -> FlowStep | None:
        if action == "md:resume" or word.startswith("reprendre"):
            inner: dict[str, Any] = {}
            state["inner"] = {"doc": draft.doc_type, "state": inner}
            return self.flows[draft.doc_type].resume(ctx, inner, draft)
        fmt = parse_format(action.removeprefix("md:export:")) if action else None
        fmt = fmt or parse_format(word.removeprefix("exporter").removeprefix(" en").strip())
        if fmt is not None:
            return self._export(draft, fmt)
        if action == "md:delete" or word == "supprimer":
            state["view"] = "confirm"
            return FlowStep(self._confirm(draft))
        back = dialogue_keyword(word) is DialogueKeyword.BACK
        if action == "md:list" or word == "liste" or back:
            return self._list(ctx, state)
        return None

    def _export(self, draft: Draft, fmt: Format) -> FlowStep:
        try:
            document = self.drafter.render(
                draft.doc_type, public(draft.answers), fmt, allow_incomplete=True
            )
        except AnswersRejected as exc:
            lines = [f"• {p.message}" for p in exc.report.invalid[:15]]
            text = (
                "Ce brouillon contient des valeurs invalides ; reprenez-le pour les corriger :\n"
                + "\n".join(lines)
            )
            return FlowStep([TextReply(text, kind="error")], done=True)
        except DraftingError as exc:
            return FlowStep([TextReply(exc.user_message, kind="error")], done=True)
        caption = "Brouillon — modèle non officiel."
        if document.report.missing:
            caption += f" {len(document.report.missing)} champ(s) à compléter (liste en 1re page)."
        reply = DocumentReply(document.filename, document.content, document.mime, caption)
        return FlowStep([reply], done=True)


def build_drafting_flows(
    drafter: DossierDrafter, suggestions: DraftingHelp | None = None
) -> list[Flow]:
    """The three drafting flows, for the composition root: /fiche_projet, /lettre_engagement,
    /mes_dossiers (``suggestions``: « proposer une rédaction », when a model is configured)."""
    fiche = FicheProjetFlow(drafter, suggestions)
    lettre = LettreEngagementFlow(drafter, suggestions)
    return [fiche, lettre, DraftsMenuFlow(drafter, [fiche, lettre])]
