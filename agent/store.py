"""The session, draft, user and feedback store: one small interface, SQLite by default.

Handlers keep no state in memory: every turn loads the user's session and saves it atomically,
so a restart (even ``kill -9``) resumes at the same question.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from agent.errors import StoreError
from agent.migrations import JSON_COLUMNS, SQLITE_MIGRATIONS, TABLES, statements
from agent.turns import Session


@dataclass(frozen=True)
class Draft:
    draft_id: str
    user_id: str
    doc_type: str  # "fiche_projet" | "lettre_engagement"
    title: str
    answers: dict[str, Any]
    created: str
    updated: str


@dataclass(frozen=True)
class UserRecord:
    user_id: str
    status: str  # "allowed" | "pending" | "revoked"
    display_name: str
    updated: str


@dataclass(frozen=True)
class Feedback:
    feedback_id: str
    user_id: str
    question: str
    answer: str
    sources: list[str]
    rating: int | None  # +1 / -1, None until rated
    created: str


class Store(Protocol):
    """What the agent and the front ends need to persist. Implementations: SQLite, PostgreSQL.

    ``save_draft`` replaces a draft whole (last writer wins). ``update_draft_answers`` merges
    some answers into the stored ones in one atomic read-modify-write, so two replicas answering
    questions of the same draft at the same time never lose an answer.
    """

    def load_session(self, user_id: str) -> Session: ...
    def save_session(self, session: Session) -> None: ...
    def delete_user_data(self, user_id: str) -> None: ...

    def save_draft(self, draft: Draft) -> None: ...
    def update_draft_answers(
        self, user_id: str, draft_id: str, answers: dict[str, Any], title: str | None = None
    ) -> Draft | None: ...
    def get_draft(self, user_id: str, draft_id: str) -> Draft | None: ...
    def list_drafts(self, user_id: str) -> list[Draft]: ...
    def delete_draft(self, user_id: str, draft_id: str) -> bool: ...

    def set_user(self, user_id: str, status: str, display_name: str = "") -> None: ...
    def get_user(self, user_id: str) -> UserRecord | None: ...
    def list_users(self) -> list[UserRecord]: ...

    def add_feedback(
        self, user_id: str, question: str, answer: str, sources: list[str]
    ) -> str: ...
    def rate_feedback(self, feedback_id: str, user_id: str, rating: int) -> bool: ...
    def list_feedback(self) -> list[Feedback]: ...

    def close(self) -> None: ...


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return uuid.uuid4().hex[:12]


# Kept for callers of the first version; the lists live in agent/migrations.py.
MIGRATIONS = SQLITE_MIGRATIONS


def merged_draft(draft: Draft, answers: dict[str, Any], title: str | None) -> Draft:
    """``draft`` with ``answers`` merged in (new keys appended, existing keys replaced)."""
    return replace(
        draft,
        answers={**draft.answers, **answers},
        title=draft.title if title is None else title,
        updated=now_iso(),
    )


def session_to_json(session: Session) -> str:
    data = asdict(session)
    data.pop("version", None)
    return json.dumps(data, ensure_ascii=False)


def session_from_json(user_id: str, raw: str, version: int) -> Session:
    data = json.loads(raw)
    data["user_id"] = user_id
    data["version"] = version
    return Session(**data)


class SqliteStore:
    """SQLite in WAL mode; each write is one transaction, so a crash loses nothing committed."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                str(self.path), check_same_thread=False, isolation_level=None, timeout=30
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA busy_timeout=30000")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        self._migrate()

    # -- plumbing -------------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                yield self._conn
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._conn.execute("ROLLBACK")
                raise StoreError(f"store write failed: {exc}") from exc
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return list(self._conn.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise StoreError(f"store read failed: {exc}") from exc

    def _migrate(self) -> None:
        with self._tx() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = row[0] or 0
            for number, script in enumerate(SQLITE_MIGRATIONS, start=1):
                if number > current:
                    for statement in statements(script):
                        conn.execute(statement)
                    conn.execute("INSERT INTO schema_version(version) VALUES (?)", (number,))

    @property
    def schema_version(self) -> int:
        return int(self._query("SELECT MAX(version) FROM schema_version")[0][0] or 0)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- sessions -------------------------------------------------------------------------
    def load_session(self, user_id: str) -> Session:
        rows = self._query("SELECT data, version FROM sessions WHERE user_id = ?", (user_id,))
        if not rows:
            return Session(user_id=user_id)
        return session_from_json(user_id, rows[0][0], rows[0][1])

    def save_session(self, session: Session) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO sessions(user_id, data, version, updated) VALUES (?, ?, 1, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, "
                "version = sessions.version + 1, updated = excluded.updated",
                (session.user_id, session_to_json(session), now_iso()),
            )
        session.version += 1

    def delete_user_data(self, user_id: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            conn.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))
            conn.execute("DELETE FROM feedback WHERE user_id = ?", (user_id,))

    # -- drafts ---------------------------------------------------------------------------
    def save_draft(self, draft: Draft) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO drafts(draft_id, user_id, doc_type, title, answers, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(draft_id) DO UPDATE SET "
                "title = excluded.title, answers = excluded.answers, updated = excluded.updated",
                (
                    draft.draft_id,
                    draft.user_id,
                    draft.doc_type,
                    draft.title,
                    json.dumps(draft.answers, ensure_ascii=False),
                    draft.created,
                    draft.updated,
                ),
            )

    def update_draft_answers(
        self, user_id: str, draft_id: str, answers: dict[str, Any], title: str | None = None
    ) -> Draft | None:
        with self._tx() as conn:  # BEGIN IMMEDIATE: other writers (threads, processes) wait
            row = conn.execute(
                f"SELECT {self._DRAFT_COLUMNS} FROM drafts "  # noqa: S608
                "WHERE user_id = ? AND draft_id = ?",
                (user_id, draft_id),
            ).fetchone()
            if row is None:
                return None
            draft = merged_draft(self._draft(row), answers, title)
            conn.execute(
                "UPDATE drafts SET title = ?, answers = ?, updated = ? WHERE draft_id = ?",
                (
                    draft.title,
                    json.dumps(draft.answers, ensure_ascii=False),
                    draft.updated,
                    draft_id,
                ),
            )
            return draft

    def _draft(self, row: tuple[Any, ...]) -> Draft:
        return Draft(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6])

    _DRAFT_COLUMNS = "draft_id, user_id, doc_type, title, answers, created, updated"

    def get_draft(self, user_id: str, draft_id: str) -> Draft | None:
        rows = self._query(
            f"SELECT {self._DRAFT_COLUMNS} FROM drafts WHERE user_id = ? AND draft_id = ?",  # noqa: S608
            (user_id, draft_id),
        )
        return self._draft(rows[0]) if rows else None

    def list_drafts(self, user_id: str) -> list[Draft]:
        rows = self._query(
            f"SELECT {self._DRAFT_COLUMNS} FROM drafts WHERE user_id = ? "  # noqa: S608
            "ORDER BY updated DESC",
            (user_id,),
        )
        return [self._draft(row) for row in rows]

    def delete_draft(self, user_id: str, draft_id: str) -> bool:
        with self._tx() as conn:
            cursor = conn.execute(
                "DELETE FROM drafts WHERE user_id = ? AND draft_id = ?", (user_id, draft_id)
            )
            return cursor.rowcount > 0

    # -- users ----------------------------------------------------------------------------
    def set_user(self, user_id: str, status: str, display_name: str = "") -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO users(user_id, status, display_name, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET status = excluded.status, "
                "display_name = CASE WHEN excluded.display_name = '' THEN users.display_name "
                "ELSE excluded.display_name END, updated = excluded.updated",
                (user_id, status, display_name, now_iso()),
            )

    def get_user(self, user_id: str) -> UserRecord | None:
        rows = self._query(
            "SELECT user_id, status, display_name, updated FROM users WHERE user_id = ?",
            (user_id,),
        )
        return UserRecord(*rows[0]) if rows else None

    def list_users(self) -> list[UserRecord]:
        rows = self._query("SELECT user_id, status, display_name, updated FROM users ORDER BY 1")
        return [UserRecord(*row) for row in rows]

    # -- feedback -------------------------------------------------------------------------
    def add_feedback(self, user_id: str, question: str, answer: str, sources: list[str]) -> str:
        feedback_id = new_id()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO feedback(feedback_id, user_id, question, answer, sources, rating, "
                "created) VALUES (?, ?, ?, ?, ?, NULL, ?)",
                (feedback_id, user_id, question, answer, json.dumps(sources), now_iso()),
            )
        return feedback_id

    def rate_feedback(self, feedback_id: str, user_id: str, rating: int) -> bool:
        with self._tx() as conn:
            cursor = conn.execute(
                "UPDATE feedback SET rating = ? WHERE feedback_id = ? AND user_id = ?",
                (rating, feedback_id, user_id),
            )
            return cursor.rowcount > 0

    def list_feedback(self) -> list[Feedback]:
        rows = self._query(
            "SELECT feedback_id, user_id, question, answer, sources, rating, created "
            "FROM feedback ORDER BY created"
        )
        return [Feedback(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]

    # -- backup ---------------------------------------------------------------------------
    def backup_to(self, target: Path | str) -> None:
        """Copy the live database to ``target`` with SQLite's online backup API."""
        target = Path(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, closing(sqlite3.connect(str(target))) as copy:
                self._conn.backup(copy)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"backup to {target} failed: {exc}") from exc

    def export_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, JSON columns decoded (see ``agent.store_dump``)."""
        tables: dict[str, list[dict[str, Any]]] = {}
        with self._tx() as conn:  # one snapshot of all tables
            for table, columns in TABLES.items():
                sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1"  # noqa: S608
                tables[table] = [
                    {
                        column: json.loads(value) if (table, column) in JSON_COLUMNS else value
                        for column, value in zip(columns, row, strict=True)
                    }
                    for row in conn.execute(sql)
                ]
        return tables

    def import_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Replace the whole content of the store with ``tables``, in one transaction."""
        with self._tx() as conn:
            for table, columns in TABLES.items():
                conn.execute(f"DELETE FROM {table}")  # noqa: S608
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    [
                        tuple(
                            json.dumps(row[c], ensure_ascii=False)
                            if (table, c) in JSON_COLUMNS
                            else row[c]
                            for c in columns
                        )
                        for row in tables.get(table, [])
                    ],
                )
