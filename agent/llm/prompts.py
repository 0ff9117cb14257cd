"""The prompt templates (``prompts/*.j2``), rendered with ``StrictUndefined``.

Everything that comes from users or from knowledge files is inserted through the ``data``
filter, which neutralises the angle brackets so a passage or a question cannot close its
``<extrait>`` / ``<question>`` block and pose as instructions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from agent.llm.config import LLMConfigError
from retrieval import Passage

TEMPLATES = ("system.j2", "answer.j2", "followup.j2", "suggestion.j2")
MAX_PASSAGE_CHARS = 1500
MAX_HISTORY_ANSWER_CHARS = 400


@dataclass(frozen=True)
class PromptPassage:
    """A passage as the model sees it: its number in the answer and its dated citation."""

    number: int
    source_id: str
    title: str
    section: str
    published: str
    checked: str
    status: str
    text: str

    @classmethod
    def of(cls, number: int, passage: Passage) -> PromptPassage:
        citation = passage.citation
        text = passage.text
        if len(text) > MAX_PASSAGE_CHARS:
            text = text[:MAX_PASSAGE_CHARS].rsplit(" ", 1)[0] + " […]"
        return cls(
            number=number,
            source_id=citation.source_id,
            title=citation.title,
            section=citation.section,
            published=citation.published.isoformat() if citation.published else "non datée",
            checked=citation.checked.isoformat(),
            status=citation.status,
            text=text,
        )


def as_data(value: Any) -> str:
    """Text shown to the model as data: no angle brackets, no double quotes breaking attributes."""
    text = str(value)
    return text.replace("<", "‹").replace(">", "›").replace('"', "″")


class PromptLibrary:
    """Loads ``prompts/*.j2`` once and renders them; a missing variable raises."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # noqa: S701 - plain-text prompts, not HTML
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._env.filters["data"] = as_data
        try:
            self._templates = {name: self._env.get_template(name) for name in TEMPLATES}
        except jinja2.TemplateError as exc:
            raise LLMConfigError(
                f"prompt templates unusable in {directory}: {exc}",
                user_message=(
                    f"Les gabarits de prompts sont introuvables ou invalides dans {directory} "
                    f"({exc}). Vérifiez CARE_PROMPTS_DIR."
                ),
            ) from exc

    def render(self, name: str, **values: Any) -> str:
        return self._templates[name].render(**values).strip()

    def system(self, today: date) -> str:
        return self.render("system.j2", today=today.isoformat())

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[Mapping[str, str]],
        max_chars: int,
    ) -> str:
        return self.render(
            "answer.j2",
            question=question,
            passages=numbered(passages),
            history=history_turns(history),
            max_chars=max_chars,
        )

    def followup(self, question: str, history: Sequence[Mapping[str, str]]) -> str:
        return self.render("followup.j2", question=question, history=history_turns(history))

    def suggestion(
        self,
        field: str,
        field_label: str,
        guidance: str,
        context: Sequence[tuple[str, str]],
        passages: Sequence[Passage],
        max_chars: int,
    ) -> str:
        return self.render(
            "suggestion.j2",
            field=field,
            field_label=field_label,
            guidance=guidance,
            context=list(context),
            passages=numbered(passages),
            max_chars=max_chars,
        )

    def check(self) -> None:
        """Render every template once with sample values: a broken template fails at start-up."""
        try:
            self.system(date(2026, 1, 1))
            self.answer("question", [], [{"q": "q", "a": "a"}], 100)
            self.followup("question", [{"q": "q", "a": "a"}])
            self.suggestion("contexte", "Contexte", "guide", [("a", "b")], [], 100)
        except jinja2.TemplateError as exc:
            raise LLMConfigError(
                f"prompt template error: {exc}",
                user_message=f"Un gabarit de prompt de {self.directory} est invalide : {exc}",
            ) from exc


def numbered(passages: Sequence[Passage]) -> list[PromptPassage]:
    return [PromptPassage.of(number, p) for number, p in enumerate(passages, start=1)]


def history_turns(history: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    return [
        {"q": turn.get("q", ""), "a": turn.get("a", "")[:MAX_HISTORY_ANSWER_CHARS]}
        for turn in history
        if turn.get("q")
    ]
