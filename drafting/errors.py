"""Errors of the drafting package::

DraftingError        (care_errors.CareError)
├── SpecError        a field specification or catalogue in knowledge/dossier is invalid
├── AnswersFileError an answers file cannot be read (not YAML/JSON, not UTF-8, wrong shape)
└── RenderError      a document could not be produced (template or library failure)
"""

from __future__ import annotations

from care_errors import CareError


class DraftingError(CareError):
    """Base of the drafting errors."""

    user_message = "Le document n'a pas pu être préparé."


class SpecError(DraftingError):
    exit_code = 3  # a knowledge-base fault, like the other knowledge errors of the CLI
    user_message = (
        "Les spécifications des dossiers (knowledge/dossier) sont invalides : "
        "corrigez le fichier signalé dans le journal."
    )


class AnswersFileError(DraftingError):
    """The answers file is unreadable; ``user_message`` says why, in French. Exit code 2."""

    exit_code = 2
    user_message = "Le fichier de réponses est illisible."


class RenderError(DraftingError):
    user_message = "La génération du document a échoué. Le détail figure dans le journal."
