"""The drafting service the front ends use: validate answers, render a document in a format.

Missing ≠ invalid: a draft with missing required fields can be rendered on request
(``allow_incomplete``) with a checklist of what is missing on its first page; an invalid value
(a FINESS with a wrong key, a negative amount…) is never rendered, whatever the options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import yaml

from drafting.answers import Answers
from drafting.checks import ValidationReport, known_paths, validate_answers
from drafting.context import SourceInfo, TemplateInfo, build_context
from drafting.errors import DraftingError, RenderError, SpecError
from drafting.filenames import safe_filename
from drafting.outline import TEMPLATES_DIR, Outline, build_outline, make_environment
from drafting.render_docx import render_docx
from drafting.render_md import render_markdown
from drafting.render_odt import render_odt
from drafting.specs import DocumentSpec, DossierKnowledge
from drafting.validators import Problem

Format = Literal["docx", "odt", "md"]
MIME_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "md": "text/markdown",
}
_WRITERS: dict[str, Callable[[Outline], bytes]] = {
    "docx": render_docx,
    "odt": render_odt,
    "md": render_markdown,
}
_FORMAT_NAMES = {
    "docx": "docx",
    "word": "docx",
    "odt": "odt",
    "libreoffice": "odt",
    "opendocument": "odt",
    "md": "md",
    "markdown": "md",
}


def parse_format(text: str) -> Format | None:
    """The format named by ``text`` (Word, docx, ODT, markdown…), or None."""
    value = _FORMAT_NAMES.get(text.strip().lower().lstrip("."))
    return value if value in ("docx", "odt", "md") else None  # type: ignore[return-value]


def describe_problems(problems: list[Problem]) -> str:
    """French bullet list: one line per problem, naming the field."""
    return "\n".join(f"• {p.field} — {p.message}" for p in problems)


def describe_report(report: ValidationReport, *, allow_incomplete: bool) -> list[str]:
    """Every problem of a file, by kind (invalid values, missing fields, warnings)."""
    parts = []
    if report.invalid:
        parts.append(
            f"Valeurs invalides ({len(report.invalid)}) :\n" + describe_problems(report.invalid)
        )
    if report.missing:
        accepted = " — acceptés pour un brouillon incomplet" if allow_incomplete else ""
        parts.append(
            f"Champs obligatoires manquants ({len(report.missing)}){accepted} :\n"
            + describe_problems(report.missing)
        )
    if report.warnings:
        parts.append(
            f"Avertissements ({len(report.warnings)}) :\n" + describe_problems(report.warnings)
        )
    return parts


class AnswersRejected(DraftingError):
    """The answers cannot be rendered: invalid values, or missing ones without allow_incomplete.
    The message lists every problem of the file at once, warnings included."""

    exit_code = 2

    def __init__(self, report: ValidationReport, *, allow_incomplete: bool) -> None:
        self.report = report
        parts = describe_report(report, allow_incomplete=allow_incomplete)
        super().__init__(
            f"answers rejected: {len(report.invalid)} invalid, {len(report.missing)} missing, "
            f"{len(report.warnings)} warnings",
            user_message="Le document n'a pas été produit.\n\n" + "\n\n".join(parts),
        )


@dataclass(frozen=True)
class RenderedDocument:
    filename: str
    content: bytes
    mime: str
    format: Format
    report: ValidationReport


def _template_versions(directory: Path) -> dict[str, str]:
    try:
        data = yaml.safe_load((directory / "templates.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{directory}/templates.yaml: {exc}") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{directory}/templates.yaml: a mapping template → version is expected")
    return {str(k): str(v) for k, v in data.items()}


class DossierDrafter:
    """Validation and rendering of the dossier documents, built once by the composition root."""

    def __init__(
        self,
        knowledge: DossierKnowledge,
        *,
        templates_dir: Path = TEMPLATES_DIR,
        source_titles: Mapping[str, str] | None = None,
        source_urls: Mapping[str, str] | None = None,
        clock: Callable[[], date] = date.today,
    ) -> None:
        """``source_titles`` / ``source_urls``: the readable title and address of each source
        note id the documents cite (shown in their annex instead of the id)."""
        self.knowledge = knowledge
        self.source_titles = dict(source_titles or {})
        urls = dict(source_urls or {})
        self.sources = {
            source: SourceInfo(title, urls.get(source, ""))
            for source, title in self.source_titles.items()
        }
        self._clock = clock
        self._env = make_environment(templates_dir)
        self._versions = _template_versions(templates_dir)
        self._known = known_paths(*knowledge.specs.values())
        for spec in knowledge.specs.values():
            if spec.template not in self._versions:
                raise SpecError(f"{spec.document}: template {spec.template} not in templates.yaml")

    def spec(self, doc_type: str) -> DocumentSpec:
        return self.knowledge.spec(doc_type)

    def validate(self, doc_type: str, answers: Answers) -> ValidationReport:
        return validate_answers(
            self.spec(doc_type),
            answers,
            windows=self.knowledge.windows,
            commitments=self.knowledge.commitments,
            known_paths=self._known,
        )

    def outline(self, doc_type: str, report: ValidationReport) -> Outline:
        spec = self.spec(doc_type)
        context = build_context(
            spec,
            self.knowledge,
            report,
            template=TemplateInfo(spec.template, self._versions[spec.template]),
            generated=self._clock(),
            sources=self.sources,
        )
        return build_outline(self._env, spec.template, context)

    def render(
        self,
        doc_type: str,
        answers: Answers,
        fmt: Format = "docx",
        *,
        allow_incomplete: bool = False,
    ) -> RenderedDocument:
        """Validate then render; raises ``AnswersRejected`` when the answers cannot be used."""
        report = self.validate(doc_type, answers)
        if report.invalid or (report.missing and not allow_incomplete):
            raise AnswersRejected(report, allow_incomplete=allow_incomplete)
        outline = self.outline(doc_type, report)
        try:
            content = _WRITERS[fmt](outline)
        except (ValueError, KeyError, TypeError) as exc:
            raise RenderError(f"{fmt} writer failed: {exc}") from exc
        title = report.normalized.get("titre")
        return RenderedDocument(
            filename=safe_filename(title if isinstance(title, str) else None, doc_type, fmt),
            content=content,
            mime=MIME_TYPES[fmt],
            format=fmt,
            report=report,
        )
