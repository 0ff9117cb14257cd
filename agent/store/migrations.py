"""Versioned schema migrations of the store, written once for SQLite and PostgreSQL.

A store applies every migration newer than the highest number recorded in its
``schema_version`` table, each in the same transaction as the ``INSERT`` recording it. Append new
migrations to ``_MIGRATIONS``; never edit one that has shipped. A script names the few types that
differ between the databases by placeholder (``{json}``: a JSON document, ``{bigint}``: a 64-bit
integer); ``SQLITE_MIGRATIONS``
and ``POSTGRES_MIGRATIONS`` are the scripts with the placeholders filled in, so migration *n* is
the same change in both.

Column types mirror each other so that a JSON dump of one store restores into the other:
timestamps are ISO-8601 text, JSON documents are text (SQLite) or ``json`` (PostgreSQL, which
keeps the key order the drafting flows rely on).
"""

from __future__ import annotations

_MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE sessions (
        user_id TEXT PRIMARY KEY,
        data {json} NOT NULL,
        version INTEGER NOT NULL DEFAULT 0,
        updated TEXT NOT NULL
    );
    CREATE TABLE drafts (
        draft_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        doc_type TEXT NOT NULL,
        title TEXT NOT NULL,
        answers {json} NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX drafts_user ON drafts(user_id);
    CREATE TABLE users (
        user_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        display_name TEXT NOT NULL DEFAULT '',
        updated TEXT NOT NULL
    );
    CREATE TABLE feedback (
        feedback_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        sources {json} NOT NULL,
        rating INTEGER,
        created TEXT NOT NULL
    );
    """,
    # 2 (branch i13, Telegram delivery): the update whose replies are not yet confirmed sent
    # (NULL once they are), and the message showing the pending question's buttons.
    """
    ALTER TABLE sessions ADD COLUMN undelivered {bigint};
    ALTER TABLE sessions ADD COLUMN question_message {bigint}
    """,
]


def _for_dialect(json_type: str, bigint_type: str) -> list[str]:
    return [
        script.replace("{json}", json_type).replace("{bigint}", bigint_type)
        for script in _MIGRATIONS
    ]


SQLITE_MIGRATIONS: list[str] = _for_dialect(json_type="TEXT", bigint_type="INTEGER")
POSTGRES_MIGRATIONS: list[str] = _for_dialect(json_type="JSON", bigint_type="BIGINT")

# Tables in dependency order, with their columns: what a backup dumps and a restore loads.
TABLES: dict[str, tuple[str, ...]] = {
    "users": ("user_id", "status", "display_name", "updated"),
    "sessions": ("user_id", "data", "version", "updated", "undelivered", "question_message"),
    "drafts": ("draft_id", "user_id", "doc_type", "title", "answers", "created", "updated"),
    "feedback": ("feedback_id", "user_id", "question", "answer", "sources", "rating", "created"),
}
# Columns added by a later migration: a dump of an older schema may lack them (NULL on restore).
OPTIONAL_COLUMNS = frozenset({("sessions", "undelivered"), ("sessions", "question_message")})
# Columns holding a JSON document (text in SQLite, json in PostgreSQL).
JSON_COLUMNS = frozenset({("sessions", "data"), ("drafts", "answers"), ("feedback", "sources")})


def statements(script: str) -> list[str]:
    """The SQL statements of one migration script (no semicolons inside statements)."""
    return [statement.strip() for statement in script.split(";") if statement.strip()]
