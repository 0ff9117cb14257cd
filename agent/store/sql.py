"""The store's SQL and logic, written once for SQLite and PostgreSQL.

``SqlStore`` implements the whole ``Store`` protocol (plus ``schema_version`` and the table
export/import of ``agent.store.dump``) on top of two primitives a backend provides:

- ``_write(work)``: run ``work(connection)`` in one transaction that holds the write locks needed
  for a read-modify-write (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction in which
  ``Dialect.lock_rows`` locks the rows read), committed when ``work`` returns;
- ``_read(sql, params)``: the rows of one query;
- ``user_turn(user_id)``: a per-user lock held for one whole conversational turn (load, route,
  save), shared by every thread and process using the same database, so that two turns of one
  user never interleave (see ``Store.user_turn``).

What differs in the SQL text is a ``Dialect``: the statements are templates in which ``{p}``
is a bound parameter, ``{j}`` a bound JSON document and ``{lock}`` the row-lock suffix.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from agent.errors import StoreError
from agent.store.migrations import JSON_COLUMNS, TABLES, statements
from agent.store.records import (
    AddFeedback,
    DeleteDraft,
    DeleteUserData,
    Delivery,
    Draft,
    Erased,
    Feedback,
    MergeDraftAnswers,
    SaveDraft,
    UserRecord,
    Write,
    merged_draft,
    new_id,
    now_iso,
    session_from_data,
    session_to_json,
)
from agent.turns import Session

logger = logging.getLogger(__name__)

T = TypeVar("T")

TURN_TIMEOUT = 30.0  # seconds a turn waits for the previous turn of the same user


class TurnBusyError(StoreError):
    """The previous turn of the same user did not finish within the turn timeout."""

    user_message = (
        "Votre message précédent est encore en cours de traitement. "
        "Veuillez patienter quelques secondes puis renvoyer votre message."
    )


class SqlCursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class SqlConnection(Protocol):
    """What the shared code uses of a DB-API connection (``sqlite3`` fits as it is)."""

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> SqlCursor: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> object: ...


@dataclass(frozen=True)
class Dialect:
    param: str  # a bound parameter: "?" or "%s"
    json_param: str  # a bound JSON document, cast if the column type needs it
    lock_rows: str  # appended to a SELECT whose rows the transaction then updates
    feedback_order: str  # ORDER BY of list_feedback: oldest first, ties in a stable order
    migrations: Sequence[str]

    def sql(self, template: str) -> str:
        return template.format(p=self.param, j=self.json_param, lock=self.lock_rows)


def decode_json(value: Any) -> Any:
    """A JSON column as Python data (psycopg decodes ``json`` itself; text is decoded here)."""
    return json.loads(value) if isinstance(value, str) else value


_SELECT_DRAFTS = (
    "SELECT draft_id, user_id, doc_type, title, answers, created, updated FROM drafts "
    "WHERE user_id = {p}"
)
_SELECT_DRAFT = _SELECT_DRAFTS + " AND draft_id = {p}"
_SELECT_USERS = "SELECT user_id, status, display_name, updated FROM users"
_UPSERT_SESSION = (
    "INSERT INTO sessions(user_id, data, version, updated, undelivered) "
    "VALUES ({p}, {j}, 1, {p}, {p}) ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, "
    "version = sessions.version + 1, updated = excluded.updated"
)
_UPSERT_TURN = _UPSERT_SESSION + ", undelivered = excluded.undelivered"


def _draft(row: Sequence[Any]) -> Draft:
    return Draft(row[0], row[1], row[2], row[3], dict(decode_json(row[4])), row[5], row[6])


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class SqlStore(ABC):
    """Sessions, drafts, users and feedback in SQL; subclasses bring connections and locks."""

    dialect: Dialect

    # -- what a backend provides ----------------------------------------------------------
    @abstractmethod
    def _write(self, work: Callable[[SqlConnection], T]) -> T:
        """``work(connection)`` in one transaction, committed when it returns."""

    @abstractmethod
    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of one query."""

    @abstractmethod
    def user_turn(self, user_id: str) -> AbstractContextManager[None]:
        """Hold ``user_id``'s turn lock (not reentrant); ``TurnBusyError`` after the timeout."""

    # Hooks, no-ops by default: SQLite's BEGIN IMMEDIATE already serialises and snapshots.
    def _lock_for_migration(self, conn: SqlConnection) -> None:  # noqa: B027
        """Serialise migrations of several processes starting together (``_write`` may do)."""

    def _snapshot(self, conn: SqlConnection) -> None:  # noqa: B027
        """Make the rest of this transaction read one consistent snapshot of all tables."""

    def _clear_tables(self, conn: SqlConnection) -> None:
        for table in TABLES:
            conn.execute(f"DELETE FROM {table}")  # noqa: S608

    @abstractmethod
    def close(self) -> None: ...

    # -- schema ---------------------------------------------------------------------------
    def _migrate(self) -> None:
        def migrate(conn: SqlConnection) -> None:
            self._lock_for_migration(conn)
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = (row[0] if row else None) or 0
            for number, script in enumerate(self.dialect.migrations, start=1):
                if number > current:
                    logger.info("%s: applying migration %d", type(self).__name__, number)
                    for statement in statements(script):
                        conn.execute(statement)
                    conn.execute(
                        self.dialect.sql("INSERT INTO schema_version(version) VALUES ({p})"),
                        (number,),
                    )

        self._write(migrate)

    @property
    def schema_version(self) -> int:
        return int(self._read("SELECT MAX(version) FROM schema_version")[0][0] or 0)

    # -- sessions -------------------------------------------------------------------------
    def load_session(self, user_id: str) -> Session:
        rows = self._read(
            self.dialect.sql("SELECT data, version FROM sessions WHERE user_id = {p}"), (user_id,)
        )
        if not rows:
            return Session(user_id=user_id)
        return session_from_data(user_id, dict(decode_json(rows[0][0])), rows[0][1])

    def save_session(self, session: Session) -> None:
        self.commit_turn(session, (), keep_delivery=True)

    def commit_turn(
        self,
        session: Session,
        writes: Sequence[Write],
        undelivered: int | None = None,
        *,
        keep_delivery: bool = False,
    ) -> None:
        """The writes of one turn, then the session, in ONE transaction: a crash keeps all of
        them or none. ``undelivered`` records the update whose replies are now to be sent
        (``mark_delivered`` clears it); ``keep_delivery`` leaves that bookkeeping as it is."""
        sql = self.dialect.sql(_UPSERT_SESSION if keep_delivery else _UPSERT_TURN)
        params = (
            session.user_id,
            session_to_json(session),
            now_iso(),
            None if keep_delivery else undelivered,
        )

        def commit(conn: SqlConnection) -> None:
            for write in writes:
                self._apply(conn, write)
            conn.execute(sql, params)

        self._write(commit)
        session.version += 1

    def _apply(self, conn: SqlConnection, write: Write) -> None:
        if isinstance(write, SaveDraft):
            self._save_draft(conn, write.draft)
        elif isinstance(write, MergeDraftAnswers):
            self._merge_draft(conn, write.user_id, write.draft_id, write.answers, write.title)
        elif isinstance(write, DeleteDraft):
            sql = self.dialect.sql("DELETE FROM drafts WHERE user_id = {p} AND draft_id = {p}")
            conn.execute(sql, (write.user_id, write.draft_id))
        elif isinstance(write, AddFeedback):
            self._add_feedback(conn, write.feedback)
        elif isinstance(write, DeleteUserData):
            self._delete_user_data(conn, write.user_id)
            blank = self.dialect.sql("UPDATE users SET display_name = '' WHERE user_id = {p}")
            conn.execute(blank, (write.user_id,))

    def delete_user_data(self, user_id: str) -> None:
        self._write(lambda conn: self._delete_user_data(conn, user_id))

    def _delete_user_data(self, conn: SqlConnection, user_id: str) -> dict[str, int]:
        counts = {}
        for table in ("sessions", "drafts", "feedback"):
            sql = f"DELETE FROM {table} WHERE user_id = {self.dialect.param}"  # noqa: S608
            counts[table] = max(conn.execute(sql, (user_id,)).rowcount, 0)
        return counts

    # -- delivery bookkeeping (front ends) --------------------------------------------------
    def mark_delivered(
        self, user_id: str, update_id: int | None, question_message: int | None
    ) -> None:
        """The replies of ``update_id`` were sent (a later turn's mark is left alone);
        ``question_message`` is now the message showing the pending question's buttons."""
        sql = self.dialect.sql(
            "UPDATE sessions SET question_message = {p}, undelivered = CASE "
            "WHEN undelivered = {p} THEN NULL ELSE undelivered END WHERE user_id = {p}"
        )
        self._write(lambda conn: conn.execute(sql, (question_message, update_id, user_id)))

    def get_delivery(self, user_id: str) -> Delivery | None:
        rows = self._read(
            self.dialect.sql(
                "SELECT user_id, undelivered, question_message FROM sessions WHERE user_id = {p}"
            ),
            (user_id,),
        )
        return Delivery(*rows[0]) if rows else None

    def list_undelivered(self) -> list[Delivery]:
        """Users whose last replies may not have been sent (e.g. the process was killed)."""
        rows = self._read(
            "SELECT user_id, undelivered, question_message FROM sessions "
            "WHERE undelivered IS NOT NULL ORDER BY user_id"
        )
        return [Delivery(*row) for row in rows]

    # -- drafts ---------------------------------------------------------------------------
    def save_draft(self, draft: Draft) -> None:
        self._write(lambda conn: self._save_draft(conn, draft))

    def _save_draft(self, conn: SqlConnection, draft: Draft) -> None:
        sql = self.dialect.sql(
            "INSERT INTO drafts(draft_id, user_id, doc_type, title, answers, created, updated)"
            " VALUES ({p}, {p}, {p}, {p}, {j}, {p}, {p}) ON CONFLICT(draft_id) DO UPDATE SET "
            "title = excluded.title, answers = excluded.answers, updated = excluded.updated"
        )
        params = (
            draft.draft_id,
            draft.user_id,
            draft.doc_type,
            draft.title,
            _json_text(draft.answers),
            draft.created,
            draft.updated,
        )
        conn.execute(sql, params)

    def update_draft_answers(
        self, user_id: str, draft_id: str, answers: dict[str, Any], title: str | None = None
    ) -> Draft | None:
        """Read, merge and write back in one locked transaction: no concurrent answer is lost."""
        return self._write(lambda conn: self._merge_draft(conn, user_id, draft_id, answers, title))

    def _merge_draft(
        self,
        conn: SqlConnection,
        user_id: str,
        draft_id: str,
        answers: dict[str, Any],
        title: str | None,
    ) -> Draft | None:
        row = conn.execute(
            self.dialect.sql(_SELECT_DRAFT + "{lock}"), (user_id, draft_id)
        ).fetchone()
        if row is None:
            return None
        draft = merged_draft(_draft(row), answers, title)
        conn.execute(
            self.dialect.sql(
                "UPDATE drafts SET title = {p}, answers = {j}, updated = {p} WHERE draft_id = {p}"
            ),
            (draft.title, _json_text(draft.answers), draft.updated, draft_id),
        )
        return draft

    def get_draft(self, user_id: str, draft_id: str) -> Draft | None:
        rows = self._read(self.dialect.sql(_SELECT_DRAFT), (user_id, draft_id))
        return _draft(rows[0]) if rows else None

    def list_drafts(self, user_id: str) -> list[Draft]:
        rows = self._read(self.dialect.sql(_SELECT_DRAFTS + " ORDER BY updated DESC"), (user_id,))
        return [_draft(row) for row in rows]

    def delete_draft(self, user_id: str, draft_id: str) -> bool:
        sql = self.dialect.sql("DELETE FROM drafts WHERE user_id = {p} AND draft_id = {p}")
        return self._write(lambda conn: conn.execute(sql, (user_id, draft_id)).rowcount > 0)

    # -- users ----------------------------------------------------------------------------
    def set_user(self, user_id: str, status: str, display_name: str = "") -> None:
        sql = self.dialect.sql(
            "INSERT INTO users(user_id, status, display_name, updated) "
            "VALUES ({p}, {p}, {p}, {p}) "
            "ON CONFLICT(user_id) DO UPDATE SET status = excluded.status, "
            "display_name = CASE WHEN excluded.display_name = '' THEN users.display_name "
            "ELSE excluded.display_name END, updated = excluded.updated"
        )
        self._write(lambda conn: conn.execute(sql, (user_id, status, display_name, now_iso())))

    def get_user(self, user_id: str) -> UserRecord | None:
        rows = self._read(self.dialect.sql(_SELECT_USERS + " WHERE user_id = {p}"), (user_id,))
        return UserRecord(*rows[0]) if rows else None

    def list_users(self) -> list[UserRecord]:
        rows = self._read(_SELECT_USERS + " ORDER BY 1")
        return [UserRecord(*row) for row in rows]

    def erase_user(self, user_id: str, *, keep_access: bool) -> Erased:
        """Delete everything the user said or wrote (sessions, drafts, feedback) and their
        display name; ``keep_access`` keeps their access decision (status, without the name),
        otherwise the user record goes too. Call ``scrub`` afterwards."""

        def erase(conn: SqlConnection) -> Erased:
            counts = self._delete_user_data(conn, user_id)
            if keep_access:
                sql = self.dialect.sql(
                    "UPDATE users SET display_name = '' WHERE user_id = {p} AND display_name <> ''"
                )
            else:
                sql = self.dialect.sql("DELETE FROM users WHERE user_id = {p}")
            user = conn.execute(sql, (user_id,)).rowcount > 0
            return Erased(counts["sessions"], counts["drafts"], counts["feedback"], user)

        return self._write(erase)

    def forget_users(self, status: str, updated_before: str) -> list[str]:
        """Delete the user records of ``status`` last changed before ``updated_before`` (ISO
        timestamp) or at it, with their data; the ids deleted (e.g. requests denied long ago)."""

        def forget(conn: SqlConnection) -> list[str]:
            rows = conn.execute(
                self.dialect.sql(
                    "SELECT user_id FROM users WHERE status = {p} AND updated <= {p}{lock}"
                ),
                (status, updated_before),
            ).fetchall()
            ids = [row[0] for row in rows]
            for user_id in ids:
                self._delete_user_data(conn, user_id)
                conn.execute(self.dialect.sql("DELETE FROM users WHERE user_id = {p}"), (user_id,))
            return ids

        return self._write(forget)

    def scrub(self) -> None:  # noqa: B027 - a backend with copies of deleted rows overrides it
        """Make deleted rows unrecoverable from the database's files (after an erasure)."""

    # -- feedback -------------------------------------------------------------------------
    def add_feedback(self, user_id: str, question: str, answer: str, sources: list[str]) -> str:
        entry = Feedback(new_id(), user_id, question, answer, list(sources), None, now_iso())
        self._write(lambda conn: self._add_feedback(conn, entry))
        return entry.feedback_id

    def _add_feedback(self, conn: SqlConnection, entry: Feedback) -> None:
        sql = self.dialect.sql(
            "INSERT INTO feedback(feedback_id, user_id, question, answer, sources, rating, "
            "created) VALUES ({p}, {p}, {p}, {p}, {j}, {p}, {p}) "
            "ON CONFLICT(feedback_id) DO NOTHING"  # a retried insert is not an error
        )
        params = (
            entry.feedback_id,
            entry.user_id,
            entry.question,
            entry.answer,
            json.dumps(entry.sources),
            entry.rating,
            entry.created,
        )
        conn.execute(sql, params)

    def rate_feedback(self, feedback_id: str, user_id: str, rating: int) -> bool:
        sql = self.dialect.sql(
            "UPDATE feedback SET rating = {p} WHERE feedback_id = {p} AND user_id = {p}"
        )
        return self._write(
            lambda conn: conn.execute(sql, (rating, feedback_id, user_id)).rowcount > 0
        )

    def list_feedback(self) -> list[Feedback]:
        rows = self._read(
            "SELECT feedback_id, user_id, question, answer, sources, rating, created "  # noqa: S608
            f"FROM feedback ORDER BY {self.dialect.feedback_order}"
        )
        return [
            Feedback(r[0], r[1], r[2], r[3], list(decode_json(r[4])), r[5], r[6]) for r in rows
        ]

    # -- backup ---------------------------------------------------------------------------
    def export_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, JSON columns decoded (see ``agent.store.dump``)."""

        def export(conn: SqlConnection) -> dict[str, list[dict[str, Any]]]:
            self._snapshot(conn)
            tables: dict[str, list[dict[str, Any]]] = {}
            for table, columns in TABLES.items():
                sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1"  # noqa: S608
                tables[table] = [
                    {
                        column: decode_json(value) if (table, column) in JSON_COLUMNS else value
                        for column, value in zip(columns, row, strict=True)
                    }
                    for row in conn.execute(sql).fetchall()
                ]
            return tables

        return self._write(export)

    def import_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Replace the whole content of the store with ``tables``, in one transaction."""

        def load(conn: SqlConnection) -> None:
            self._clear_tables(conn)
            for table, columns in TABLES.items():
                values = [
                    self.dialect.json_param if (table, c) in JSON_COLUMNS else self.dialect.param
                    for c in columns
                ]
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})",  # noqa: S608
                    [_row_params(table, columns, row) for row in tables.get(table, [])],
                )

        self._write(load)


def _row_params(table: str, columns: tuple[str, ...], row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        _json_text(row[column]) if (table, column) in JSON_COLUMNS else row[column]
        for column in columns
    )
