"""Portable backups of the store: one JSON document holding every table, for SQLite and PostgreSQL.

A dump taken from one kind of store restores into the other (e.g. moving a single-VM install
from SQLite to a shared PostgreSQL). SQLite stores can also be copied as a database file with
SQLite's online backup API (``SqliteStore.backup_to`` / ``restore_from``).

Format::

    {"format": "assistant-care-store", "schema_version": 1, "created": "2026-…",
     "tables": {"users": [{…}], "sessions": [{…}], "drafts": [{…}], "feedback": [{…}]}}
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from agent.errors import StoreError
from agent.store.migrations import OPTIONAL_COLUMNS, TABLES
from agent.store.protocol import Store
from agent.store.records import now_iso

FORMAT = "assistant-care-store"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupFileError(StoreError):
    """The file given to restore is not a backup we can read (exit code 2 in the CLI)."""

    exit_code = 2
    user_message = "Ce fichier n'est pas une sauvegarde de l'Assistant CaRE lisible."


class DumpableStore(Store, Protocol):
    @property
    def schema_version(self) -> int: ...
    def export_tables(self) -> dict[str, list[dict[str, Any]]]: ...
    def import_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None: ...


def dump_store(store: DumpableStore) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schema_version": store.schema_version,
        "created": now_iso(),
        "tables": store.export_tables(),
    }


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file: never a half-written backup."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_dump(store: DumpableStore, path: Path) -> dict[str, int]:
    """Write the JSON dump of ``store`` to ``path``; returns the row count of each table."""
    dump = dump_store(store)
    text = json.dumps(dump, ensure_ascii=False, indent=1, sort_keys=False)
    try:
        write_atomically(path, text.encode("utf-8"))
    except OSError as exc:
        raise StoreError(f"cannot write backup {path}: {exc}") from exc
    return {table: len(rows) for table, rows in dump["tables"].items()}


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as source:
            return source.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError as exc:
        raise BackupFileError(f"cannot read {path}: {exc}") from exc


def read_dump(path: Path, max_schema: int) -> dict[str, list[dict[str, Any]]]:
    """The tables of the JSON dump at ``path``, checked against what this version can load."""
    try:
        dump = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupFileError(f"{path} is not a JSON dump: {exc}") from exc
    if not isinstance(dump, dict) or dump.get("format") != FORMAT:
        raise BackupFileError(f"{path}: not an {FORMAT} dump")
    version = dump.get("schema_version")
    if not isinstance(version, int) or version > max_schema:
        raise BackupFileError(
            f"{path}: schema version {version} is newer than this program's ({max_schema})",
            user_message=(
                "Cette sauvegarde vient d'une version plus récente de l'Assistant CaRE : "
                "mettez à jour le programme avant de la restaurer."
            ),
        )
    tables = dump.get("tables")
    if not isinstance(tables, dict):
        raise BackupFileError(f"{path}: no tables")
    for table, columns in TABLES.items():
        required = {c for c in columns if (table, c) not in OPTIONAL_COLUMNS}
        rows = tables.get(table, [])
        if not isinstance(rows, list) or not all(
            isinstance(row, dict) and required <= set(row) for row in rows
        ):
            raise BackupFileError(f"{path}: table {table} is malformed")
    # A dump of an older schema lacks the columns added since: they restore as NULL.
    return {
        table: [{column: row.get(column) for column in columns} for row in tables.get(table, [])]
        for table, columns in TABLES.items()
    }
