"""Dossier drafting: field specifications, validation and rendering of the fiche projet and the
lettre d'engagement to DOCX / ODT / Markdown (drafts: no official CaRE template exists).

Public surface: ``load_dossier_knowledge`` → ``DossierKnowledge``; ``DossierDrafter`` (validate,
render); ``load_answers`` (answers files); path helpers for the guided dialogue.
"""

from drafting.answers import (
    Answers,
    delete_path,
    get_path,
    is_missing,
    load_answers,
    public_answers,
    set_path,
)
from drafting.budget import Budget, compute_budget
from drafting.checks import ValidationReport, validate_answers
from drafting.context import DRAFT_HEADER
from drafting.errors import AnswersFileError, DraftingError, RenderError, SpecError
from drafting.fields import display_value, parse_commitments, parse_field
from drafting.filenames import safe_filename
from drafting.service import (
    MIME_TYPES,
    AnswersRejected,
    DossierDrafter,
    Format,
    RenderedDocument,
    describe_problems,
    parse_format,
)
from drafting.specs import (
    DOC_TYPES,
    Commitment,
    DocumentSpec,
    DossierKnowledge,
    FieldSpec,
    OfficialObjective,
    load_dossier_knowledge,
    source_ids,
)
from drafting.template import answers_template
from drafting.validators import InvalidValue, Problem, format_amount_fr, format_date_fr

__all__ = [
    "DOC_TYPES",
    "DRAFT_HEADER",
    "MIME_TYPES",
    "Answers",
    "AnswersFileError",
    "AnswersRejected",
    "Budget",
    "Commitment",
    "DocumentSpec",
    "DossierDrafter",
    "DossierKnowledge",
    "DraftingError",
    "FieldSpec",
    "Format",
    "InvalidValue",
    "OfficialObjective",
    "Problem",
    "RenderError",
    "RenderedDocument",
    "SpecError",
    "ValidationReport",
    "answers_template",
    "compute_budget",
    "delete_path",
    "describe_problems",
    "display_value",
    "format_amount_fr",
    "format_date_fr",
    "get_path",
    "is_missing",
    "load_answers",
    "load_dossier_knowledge",
    "parse_commitments",
    "parse_field",
    "parse_format",
    "public_answers",
    "safe_filename",
    "set_path",
    "source_ids",
    "validate_answers",
]
