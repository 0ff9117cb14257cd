"""Where a drafting dialogue stands, derived from the draft itself (not from memory).

Pure domain logic, beside the eligibility interview's state machine (``eligibility.interview``):
the chat dialogue that drives it is ``agent.flows.drafting``.

The next question is the first field, in spec order, that is neither answered nor skipped; list
fields (objectifs, calendrier, budget…) are walked item by item until the user closes them with
« terminé ». The dialogue's bookkeeping lives in the draft's answers under ``_meta`` (skipped
paths, closed lists, whether official objectives were offered), so a draft resumed from
/mes_dossiers, after a restart or on another device, continues at the same question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from care_common.french_text import fold_phrase
from care_common.question_words import reads_as_question, starts_like_question
from drafting.answers import Answers, get_path, is_missing
from drafting.specs import DocumentSpec, FieldSpec

META = "_meta"


@dataclass(frozen=True)
class Question:
    """One pending question: a value (``path``), or the offer of official objectives."""

    path: str
    field: FieldSpec  # the field asked (a list's item field for item questions)
    parent: FieldSpec | None = None  # the list field, for item questions
    index: int | None = None  # the item number (0-based), for item questions
    kind: Literal["value", "offer"] = "value"
    new_item: bool = False  # the first question of an item not yet started (« terminé » ends)

    @property
    def label(self) -> str:
        if self.parent is None or self.index is None:
            return self.field.label
        item = self.parent.item_label or "élément"
        return f"{self.parent.label} — {item} n° {self.index + 1} : {self.field.label}"


def meta(answers: Answers) -> dict[str, Any]:
    data = answers.setdefault(META, {})
    data.setdefault("skipped", [])
    data.setdefault("closed", [])
    data.setdefault("offered", False)
    return data  # type: ignore[no-any-return]


def _item_question(
    list_field: FieldSpec, index: int, item: Any, skipped: list[str]
) -> Question | None:
    for sub in list_field.fields:
        path = f"{list_field.key}[{index}].{sub.key}"
        value = item.get(sub.key) if isinstance(item, dict) else None
        if sub.ask and is_missing(value) and path not in skipped:
            return Question(path, sub, list_field, index)
    return None


def condition_met(spec_field: FieldSpec, answers: Answers) -> bool:
    """False for a field asked only when another is filled (``ask_if``) and that one is not."""
    return not spec_field.ask_if or not is_missing(get_path(answers, spec_field.ask_if))


def next_question(
    spec: DocumentSpec, answers: Answers, has_official: bool, only: str | None = None
) -> Question | None:
    """The first unanswered, unskipped question (within field ``only`` if given), or None."""
    info = meta(answers)
    dispositif = answers.get("dispositif") if isinstance(answers.get("dispositif"), str) else None
    for spec_field in spec.fields_for(dispositif):
        if not spec_field.ask or (only is not None and spec_field.key != only):
            continue
        if not condition_met(spec_field, answers):
            continue
        if spec_field.type != "list":
            if (
                is_missing(get_path(answers, spec_field.key))
                and spec_field.key not in (info["skipped"])
            ):
                return Question(spec_field.key, spec_field)
            continue
        if spec_field.key in info["closed"]:
            continue
        items = get_path(answers, spec_field.key)
        items = items if isinstance(items, list) else []
        if spec_field.key == "objectifs" and has_official and not items and not info["offered"]:
            return Question(spec_field.key, spec_field, kind="offer")
        for index, item in enumerate(items):
            question = _item_question(spec_field, index, item, info["skipped"])
            if question is not None:
                return question
        first = spec_field.fields[0]
        path = f"{spec_field.key}[{len(items)}].{first.key}"
        return Question(path, first, spec_field, len(items), new_item=True)
    return None


_ITEM_PATH = re.compile(r"^([a-z_]+)\[(\d+)\]\.([a-z_]+)$")


def question_at(spec: DocumentSpec, path: str) -> Question | None:
    """The question for an explicit path (``titre``, ``budget[1].montant_ht``), if it exists."""
    match = _ITEM_PATH.match(path)
    if match:
        list_field = spec.field(match.group(1))
        if list_field is None or list_field.type != "list":
            return None
        sub = next((f for f in list_field.fields if f.key == match.group(3)), None)
        return Question(path, sub, list_field, int(match.group(2))) if sub else None
    spec_field = spec.field(path)
    if spec_field is None or spec_field.type == "list":
        return None
    return Question(path, spec_field)


def _matches(spec_field: FieldSpec, wanted: str) -> bool:
    names = {
        fold_phrase(spec_field.key),
        fold_phrase(spec_field.key.rsplit(".", 1)[-1]),
        fold_phrase(spec_field.label),
    }
    if spec_field.item_label:
        names.add(fold_phrase(spec_field.item_label))
    return wanted in names or (
        len(wanted) >= 4 and fold_phrase(spec_field.label).startswith(wanted)
    )


def resolve_field(spec: DocumentSpec, text: str) -> tuple[str, FieldSpec] | None:
    """What « modifier <champ> » names: a path (``finess_ej``, ``etablissement.finess_ej``,
    ``budget[1].montant_ht``, ``budget 2 montant_ht``, a label) or a whole list (``objectifs``)."""
    wanted = fold_phrase(text)
    if question_at(spec, text.strip()) is not None:
        question = question_at(spec, text.strip())
        assert question is not None
        return question.path, question.field
    item = re.match(r"^(.+?)\s*(?:n°|no|#)?\s*(\d+)\s+(.+)$", wanted)
    if item:
        for spec_field in spec.fields:
            if spec_field.type == "list" and _matches(spec_field, item.group(1).strip()):
                for sub in spec_field.fields:
                    if _matches(sub, item.group(3).strip()):
                        index = int(item.group(2)) - 1
                        return f"{spec_field.key}[{max(index, 0)}].{sub.key}", sub
    for spec_field in spec.fields:
        if _matches(spec_field, wanted) or fold_phrase(spec_field.label).startswith(wanted):
            return spec_field.key, spec_field
    return None


def filled_count(spec: DocumentSpec, answers: Answers) -> tuple[int, int]:
    """(required fields answered, required fields) for the dispositif chosen."""
    dispositif = answers.get("dispositif") if isinstance(answers.get("dispositif"), str) else None
    required = [f for f in spec.fields_for(dispositif) if f.required]
    done = sum(1 for f in required if not is_missing(get_path(answers, f.key)))
    return done, len(required)


def looks_like_question(text: str, *, free_text: bool) -> bool:
    """A free question typed instead of an answer (answered, then the field is asked again).

    For free-text fields only short inputs ending with « ? » count, so that an answer which
    happens to contain a question is still accepted."""
    if free_text:
        return text.rstrip().endswith("?") and len(text) <= 200 and starts_like_question(text)
    return reads_as_question(text)
