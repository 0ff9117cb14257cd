"""The question/answer steps of a drafting interview, on one draft.

Each accepted answer is checked with the drafting validators (including the rules that span
fields: milestone order, dispositif window, budget), then saved at once in the store.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from agent.answering import render_sources
from agent.flows.base import BUTTON_LIMIT, FlowContext, FlowStep, button_label
from agent.flows.drafting import texts
from agent.flows.drafting.suggestions import (
    ACCEPT,
    CHOICE_OPTIONS,
    EDIT,
    REFUSE,
    SUGGEST_ACTION,
    SUGGEST_OPTION,
    TYPED_ACCEPT,
    TYPED_EDIT,
    TYPED_REFUSE,
    TYPED_SUGGEST,
    DraftingHelp,
    pending_text,
    suggestion_target,
)
from agent.store import Draft, now_iso
from agent.turns import Attachment, ChoiceReply, DocumentReply, Option, Reply, TextReply
from care_common.dialogue_keywords import DialogueKeyword, dialogue_keyword
from care_common.french_text import fold_phrase
from drafting import (
    Answers,
    AnswersFileError,
    AnswersRejected,
    DossierDrafter,
    DraftingError,
    Format,
    InvalidValue,
    Problem,
    answers_template,
    delete_path,
    get_path,
    is_missing,
    load_answers,
    parse_field,
    parse_format,
    public_answers,
    set_path,
)
from drafting.walk import (
    Question,
    condition_met,
    looks_like_question,
    meta,
    next_question,
    question_at,
    resolve_field,
)

GENERATE = re.compile(r"^(generer|terminer|exporter)(?: (?:en |au format )?(\S+))?$")
_GENERATE_OPTIONS = (
    Option("Générer (Word)", "dr:gen:docx"),
    Option("Générer (ODT)", "dr:gen:odt"),
    Option("Générer (Markdown)", "dr:gen:md"),
    Option("Aperçu", "dr:preview"),
)
_OFFER_OPTIONS = (
    Option("Oui, les reprendre", "dr:offer:yes"),
    Option("Non, saisir les miens", "dr:offer:no"),
)


@dataclass
class Work:
    """One turn on one draft: the flow context, the navigation state, the draft, its answers
    (a working copy, saved with ``Interview.save``)."""

    ctx: FlowContext
    state: dict[str, Any]
    draft: Draft
    answers: Answers


class Interview:
    def __init__(
        self, drafter: DossierDrafter, doc_type: str, suggestions: DraftingHelp | None = None
    ) -> None:
        self.drafter = drafter
        self.doc_type = doc_type
        self.spec = drafter.spec(doc_type)
        self.suggestions = suggestions  # None: no model, « proposer une rédaction » not offered

    # -- store -----------------------------------------------------------------------------
    def title(self, answers: Answers) -> str:
        title = answers.get("titre")
        return title if isinstance(title, str) and title else f"{self.spec.title} (sans titre)"

    def save(self, work: Work) -> None:
        draft = work.draft
        work.draft = Draft(
            draft.draft_id,
            draft.user_id,
            draft.doc_type,
            self.title(work.answers),
            work.answers,
            draft.created,
            now_iso(),
        )
        work.ctx.store.save_draft(work.draft)

    # -- asking ------------------------------------------------------------------------------
    @staticmethod
    def dispositif(answers: Answers) -> str | None:
        value = answers.get("dispositif")
        return value if isinstance(value, str) else None

    def pending(self, state: dict[str, Any], answers: Answers) -> Question | None:
        if state.get("current"):
            question = question_at(self.spec, state["current"])
            if question is not None:
                return question
            state.pop("current")
        objectives = self.drafter.knowledge.objectives.for_dispositif(self.dispositif(answers))
        if state.get("focus"):  # a list reopened with « modifier <liste> »
            question = next_question(self.spec, answers, bool(objectives), only=state["focus"])
            if question is not None:
                return question
            state.pop("focus")
        return next_question(self.spec, answers, bool(objectives))

    def ask(self, state: dict[str, Any], answers: Answers) -> list[Reply]:
        question = self.pending(state, answers)
        if question is None:
            return [ChoiceReply(texts.ALL_DONE, _GENERATE_OPTIONS)]
        dispositif = self.dispositif(answers)
        if question.kind == "offer":
            objectives = self.drafter.knowledge.objectives.for_dispositif(dispositif)
            titles = self.drafter.source_titles
            text = texts.offer_text(question.field, dispositif or "", objectives, titles)
            return [ChoiceReply(text, _OFFER_OPTIONS)]
        asked = [
            f for f in self.spec.fields_for(dispositif) if f.ask and condition_met(f, answers)
        ]
        anchor = question.parent or question.field
        position = f"[{asked.index(anchor) + 1}/{len(asked)}] " if anchor in asked else ""
        commitments = self.drafter.knowledge.commitments.for_dispositif(dispositif)
        current = get_path(answers, question.path)
        text = texts.question_text(
            question, current, commitments, position, self.drafter.source_titles
        )
        options = [
            Option(button_label(o.label, o.short), f"dr:opt:{o.value}")
            for o in question.field.options
        ]
        if any(len(o.label) > BUTTON_LIMIT for o in question.field.options):
            # the buttons are abridged: the question shows the choices in full
            text += "\nChoix :\n" + "\n".join(f"• {o.label}" for o in question.field.options)
        if self.suggestions is not None and suggestion_target(question) is not None:
            options.append(SUGGEST_OPTION)
        if question.field.type == "multi_choice":
            options.append(Option("Tous les engagements", "dr:opt:tous"))
        if question.new_item:
            options.append(Option("Terminé", "dr:done"))
        elif not question.field.required:
            options.append(Option("Passer", "dr:pass"))
        if options:
            return [ChoiceReply(text, tuple(options))]
        return [TextReply(text, kind="question")]

    def retry(self, work: Work, message: str) -> FlowStep:
        return FlowStep([TextReply(message, kind="error"), *self.ask(work.state, work.answers)])

    # -- answering ---------------------------------------------------------------------------
    def reply(self, work: Work, action: str, text: str) -> FlowStep:
        question = self.pending(work.state, work.answers)
        word = fold_phrase(text)
        if question is None:
            fmt = parse_format(word)
            if fmt is not None:
                return self.generate(work, fmt)
            if looks_like_question(text, free_text=False):
                return FlowStep(not_an_answer=True)
            return self.retry(work, texts.CHOOSE_OPTION)
        if question.kind == "offer":
            return self.offer(work, action, text)
        if action == SUGGEST_ACTION or word in TYPED_SUGGEST:
            return self.suggest(work, question)
        keyword = dialogue_keyword(text)
        if action == "dr:pass" or keyword in (DialogueKeyword.SKIP, DialogueKeyword.UNKNOWN):
            return self.skip(work, question)  # a required field refuses: nothing is lost
        walking = not work.state.get("current")  # not while editing one value (« modifier »)
        done = action == "dr:done" or keyword is DialogueKeyword.DONE
        if question.parent and walking and done:
            return self.close_list(work, question)
        if keyword is DialogueKeyword.DONE:  # no list to close here: never saved as a value
            return self.retry(work, texts.NO_LIST_TO_CLOSE)
        raw = action.removeprefix("dr:opt:") if action.startswith("dr:opt:") else text
        choices = question.field.options
        if choices and raw.strip().isdigit() and 1 <= int(raw) <= len(choices):
            raw = choices[int(raw) - 1].value  # "2" typed for the second button
        return self.answer(work, question, raw, pressed=bool(action))

    def answer(self, work: Work, question: Question, raw: str, *, pressed: bool) -> FlowStep:
        free_text = question.field.type in ("text", "long_text")
        if not pressed and looks_like_question(raw, free_text=free_text):
            return FlowStep(not_an_answer=True)
        offered = self.drafter.knowledge.commitments.for_dispositif(self.dispositif(work.answers))
        try:
            value = parse_field(question.field, raw, commitments=offered)
        except InvalidValue as exc:
            reason = exc.reason
            if question.field.type == "choice":  # the reason lists the file's codes
                reason = texts.not_a_choice(len(question.field.options))
            return self.retry(work, texts.invalid_answer(question.label, reason))
        if is_missing(value):
            return self.retry(work, texts.invalid_answer(question.label, "la réponse est vide."))
        candidate = copy.deepcopy(work.answers)
        set_path(candidate, question.path, value)
        report = self.drafter.validate(self.doc_type, public_answers(candidate))
        scope = {question.path, question.parent.key if question.parent else question.path}
        own = [p for p in report.invalid if p.field in scope]
        if own:
            return self.retry(work, "\n".join(p.message for p in own))
        undo = _undo_entry(work.answers, question.path)
        info = meta(candidate)
        if question.path in info["skipped"]:
            info["skipped"].remove(question.path)
        work.answers = candidate
        receipt = texts.receipt(question.label, question.field, value)
        return self.advance(work, receipt, undo)

    def advance(
        self, work: Work, receipt: str, undo: dict[str, Any] | None = None, note: str = ""
    ) -> FlowStep:
        """Save, then the next question, its message starting with the ``receipt`` of what was
        just recorded; ``undo`` (the previous value) lets « retour » take the answer back."""
        self.save(work)
        if undo is not None:
            work.state["back"] = [*work.state.get("back", []), undo][-50:]
        work.state.pop("current", None)
        head = f"{receipt}\n{note}" if note else receipt
        return FlowStep(_headed(head, self.ask(work.state, work.answers)))

    def skip(self, work: Work, question: Question) -> FlowStep:
        if question.field.required or question.new_item:
            return self.retry(work, texts.REQUIRED_NO_SKIP)
        undo = _undo_entry(work.answers, question.path)
        info = meta(work.answers)
        if question.path not in info["skipped"]:
            info["skipped"].append(question.path)
        return self.advance(work, texts.skipped_receipt(question.label), undo)

    def close_list(self, work: Work, question: Question) -> FlowStep:
        parent = question.parent
        assert parent is not None and question.index is not None
        notes = []
        if not question.new_item:  # an item left half-way is dropped
            delete_path(work.answers, f"{parent.key}[{question.index}]")
            notes.append(f"L'élément n° {question.index + 1}, incomplet, a été retiré.")
        info = meta(work.answers)
        info["closed"] = [*info["closed"], parent.key]
        items = get_path(work.answers, parent.key)
        if parent.required and not items:
            notes.append(texts.empty_list(parent.label))
        count = len(items) if isinstance(items, list) else 0
        return self.advance(work, texts.list_closed(parent.label, count), note=" ".join(notes))

    def offer(self, work: Work, action: str, text: str) -> FlowStep:
        word = fold_phrase(text)
        yes = action == "dr:offer:yes" or word.startswith("oui")
        no = action == "dr:offer:no" or word.startswith("non")
        if not (yes or no):
            if looks_like_question(text, free_text=False):
                return FlowStep(not_an_answer=True)
            return self.retry(work, texts.CHOOSE_OPTION)
        meta(work.answers)["offered"] = True
        label = next((f.label for f in self.spec.fields if f.key == "objectifs"), "Objectifs")
        if not yes:
            return self.advance(work, f"✓ {label} : vous saisissez les vôtres")
        dispositif = self.dispositif(work.answers)
        objectives = self.drafter.knowledge.objectives.for_dispositif(dispositif)
        work.answers["objectifs"] = [
            {
                "intitule": f"{o.code} — {o.intitule}",
                "indicateur": o.indicateur,
                "cible": o.cible,
                "source": o.source,
            }
            for o in objectives
        ]
        return self.advance(work, f"✓ {label} : {texts.objectives_taken(len(objectives))}")

    # -- « proposer une rédaction » ------------------------------------------------------------
    def suggest(self, work: Work, question: Question) -> FlowStep:
        target = suggestion_target(question)
        if target is None:
            return self.retry(work, texts.SUGGEST_NOT_HERE)
        if self.suggestions is None:
            return self.retry(work, texts.SUGGEST_UNAVAILABLE)
        proposal = self.suggestions.propose(target, self.spec, work.answers)
        if proposal is None:
            return self.retry(work, texts.SUGGEST_FAILED)
        work.state["suggestion"] = {"path": question.path, "text": proposal.text}
        shown = texts.suggestion(
            question.label, proposal.annotated, render_sources(proposal.sources)
        )
        return FlowStep(
            [
                TextReply(shown, sources=proposal.sources),
                ChoiceReply(texts.SUGGESTION_CHOICE, CHOICE_OPTIONS),
            ]
        )

    def on_suggestion(self, work: Work, action: str, text: str) -> FlowStep | None:
        """The user's choice about a pending proposal; None when the input is something else
        (the proposal is then dropped and the input handled as usual)."""
        question = self.pending(work.state, work.answers)
        proposal = pending_text(work.state, question.path) if question else None
        work.state.pop("suggestion", None)
        if question is None or proposal is None:
            return None
        word = fold_phrase(text)
        if action == ACCEPT or (not action and word in TYPED_ACCEPT):
            return self.answer(work, question, proposal, pressed=True)
        if action == EDIT or (not action and word in TYPED_EDIT):
            return FlowStep([TextReply(texts.SUGGESTION_EDIT), TextReply(proposal)])
        if action == REFUSE or (not action and word in TYPED_REFUSE):
            return FlowStep(
                [TextReply(texts.SUGGESTION_REFUSED), *self.ask(work.state, work.answers)]
            )
        return None

    # -- navigation --------------------------------------------------------------------------
    def back(self, work: Work) -> FlowStep:
        """« retour »: take the last answer back (its field gets its previous value again, or
        none) and ask that question again."""
        history = list(work.state.get("back", []))
        while history:
            entry = history.pop()
            path = entry["path"] if isinstance(entry, dict) else str(entry)
            question = question_at(self.spec, path)
            if question is None:
                continue
            work.state["back"], work.state["current"] = history, path
            if not isinstance(entry, dict):  # a position saved by an older version
                return FlowStep(self.ask(work.state, work.answers))
            taken = get_path(work.answers, path)
            _restore(work.answers, entry)
            self.save(work)
            note = texts.undone(question.label, taken, question.field)
            return FlowStep(_headed(note, self.ask(work.state, work.answers)))
        work.state["back"] = []
        return self.retry(work, texts.FIRST_QUESTION)

    def modify(self, work: Work, target: str) -> FlowStep:
        found = resolve_field(self.spec, target) if target else None
        if found is None:
            return self.retry(work, texts.UNKNOWN_FIELD)
        path, spec_field = found
        if spec_field.type == "list":
            info = meta(work.answers)
            info["closed"] = [key for key in info["closed"] if key != path]
            self.save(work)
            work.state["focus"] = path
            work.state.pop("current", None)
            return FlowStep(self.ask(work.state, work.answers))
        question = question_at(self.spec, path)
        items = get_path(work.answers, path.split("[")[0]) if "[" in path else None
        beyond = (
            question is not None
            and question.index is not None
            and (not isinstance(items, list) or question.index >= len(items))
        )
        if question is None or beyond:
            return self.retry(work, texts.UNKNOWN_FIELD)
        work.state["current"] = path
        return FlowStep(self.ask(work.state, work.answers))

    # -- files in and out ----------------------------------------------------------------------
    def generate(self, work: Work, fmt: Format) -> FlowStep:
        try:
            document = self.drafter.render(
                self.doc_type, public_answers(work.answers), fmt, allow_incomplete=True
            )
        except AnswersRejected as exc:
            return self.retry(work, texts.problems_text(texts.CANNOT_RENDER, exc.report.invalid))
        except DraftingError as exc:
            return self.retry(work, exc.user_message)
        return FlowStep(
            [
                TextReply(texts.generated(document.report.missing)),
                DocumentReply(
                    document.filename, document.content, document.mime, texts.DOCUMENT_CAPTION
                ),
            ],
            done=True,
        )

    def import_file(self, work: Work, attachment: Attachment) -> FlowStep:
        """An answers file sent during the dialogue: merged in; invalid values set aside."""
        try:
            loaded = public_answers(load_answers(attachment.content, attachment.filename))
        except AnswersFileError as exc:
            return self.retry(work, exc.user_message)
        merged = {**work.answers, **loaded}
        report = self.drafter.validate(self.doc_type, public_answers(merged))
        dropped = [
            p
            for p in report.invalid
            if question_at(self.spec, p.field) is not None
            and get_path(merged, p.field) is not None
        ]
        for problem in dropped:
            delete_path(merged, problem.field)
        info = meta(merged)
        for spec_field in self.spec.fields:  # lists brought by the file are taken as complete
            if spec_field.type == "list" and get_path(loaded, spec_field.key):
                info["closed"] = [*info["closed"], spec_field.key]
                info["offered"] = info["offered"] or spec_field.key == "objectifs"
        used, ignored = self._import_report(loaded, merged, dropped)
        known = {f.key for spec in self.drafter.knowledge.specs.values() for f in spec.fields}
        for path in ignored:  # not a field of any document: not kept in the draft
            if path not in known:
                delete_path(merged, path)
                section = path.split(".")[0]
                if section != path and get_path(merged, section) == {}:
                    delete_path(merged, section)
        work.answers = merged
        self.save(work)
        work.state.pop("current", None)
        note = texts.imported(attachment.filename, used, ignored, dropped)
        return FlowStep([TextReply(note), *self.ask(work.state, work.answers)])

    def _import_report(
        self, loaded: Answers, merged: Answers, dropped: list[Problem]
    ) -> tuple[list[str], list[str]]:
        """The labels of the fields an answers file filled, and the file's keys left unused
        (unknown, or without object for the dossier's dispositif)."""
        rejected = {p.field for p in dropped}
        applicable = self.spec.fields_for(self.dispositif(merged))
        used: list[str] = []
        taken: set[str] = set()
        for spec_field in applicable:
            value = get_path(loaded, spec_field.key)
            if is_missing(value) or spec_field.key in rejected:
                continue
            taken.add(spec_field.key)
            if spec_field.type == "list" and isinstance(value, list):
                used.append(f"{spec_field.label} ({len(value)})")
            else:
                used.append(spec_field.label)
        ignored = [
            path
            for path in _leaf_paths(loaded)
            if not _covered(path, taken) and path not in rejected
        ]
        return used, ignored

    def template(self, work: Work) -> FlowStep:
        """« modèle »: an answers file to fill in, sent as a document; then the question."""
        content = answers_template(self.spec).encode("utf-8")
        name = f"reponses-{self.doc_type.replace('_', '-')}.yaml"
        document = DocumentReply(name, content, "application/x-yaml", texts.TEMPLATE_CAPTION)
        return FlowStep([document, *self.ask(work.state, work.answers)])


def _headed(head: str, replies: list[Reply]) -> list[Reply]:
    """``replies`` with ``head`` as the first line of the first message (one message, not two)."""
    if not replies:
        return [TextReply(head)]
    first, rest = replies[0], replies[1:]
    if isinstance(first, ChoiceReply):
        return [ChoiceReply(f"{head}\n\n{first.question}", first.options, first.token), *rest]
    if isinstance(first, TextReply):
        return [TextReply(f"{head}\n\n{first.text}", first.sources, first.kind), *rest]
    return [TextReply(head), *replies]


def _undo_entry(answers: Answers, path: str) -> dict[str, Any]:
    """What « retour » needs to take back an answer to ``path``: the value it replaces."""
    return {
        "path": path,
        "before": copy.deepcopy(get_path(answers, path)),
        "skipped": path in meta(answers)["skipped"],
    }


def _restore(answers: Answers, entry: dict[str, Any]) -> None:
    path, before = entry["path"], entry.get("before")
    if is_missing(before):
        delete_path(answers, path)
        item = path.rsplit(".", 1)[0] if "[" in path else ""
        if item and get_path(answers, item) == {}:
            delete_path(answers, item)  # an item whose only value was taken back
    else:
        set_path(answers, path, before)
    skipped = meta(answers)["skipped"]
    if entry.get("skipped") and path not in skipped:
        skipped.append(path)
    elif not entry.get("skipped") and path in skipped:
        skipped.remove(path)


def _leaf_paths(answers: Answers, prefix: str = "") -> list[str]:
    """The keys of an answers file, as paths (``etablissement.finess_ej``, ``budget``)."""
    paths: list[str] = []
    for key, value in answers.items():
        if key.startswith("_"):
            continue
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            paths += _leaf_paths(value, path)
        else:
            paths.append(path)
    return paths


def _covered(path: str, taken: set[str]) -> bool:
    return path in taken or any(path.startswith(f"{key}.") for key in taken)
