"""The store in PostgreSQL, for several bot replicas sharing one database.

Same interface and semantics as ``SqliteStore`` (see ``agent.store``), psycopg 3 underneath:

- a small thread-safe pool of connections (``pool_size``), each in autocommit mode so a read is
  one statement and a write is one explicit transaction;
- versioned migrations (``agent.migrations.POSTGRES_MIGRATIONS``) applied under an advisory
  lock, so replicas starting together migrate once;
- ``update_draft_answers`` locks the draft row (``SELECT … FOR UPDATE``) for its
  read-merge-write: two replicas answering the same draft at once both keep their answer;
- a connection broken under us (server restart, failover) is dropped and the operation retried
  once on a fresh one; if the server stays down the caller gets a ``StoreError``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from agent.errors import StoreError
from agent.migrations import JSON_COLUMNS, POSTGRES_MIGRATIONS, TABLES, statements
from agent.store import (
    Draft,
    Feedback,
    UserRecord,
    merged_draft,
    new_id,
    now_iso,
    session_to_json,
)
from agent.turns import Session

if TYPE_CHECKING:
    import psycopg

logger = logging.getLogger(__name__)

T = TypeVar("T")
_MIGRATION_LOCK = 0x0CA4E  # pg_advisory_xact_lock key: one migrating replica at a time
_DRAFT_COLUMNS = "draft_id, user_id, doc_type, title, answers, created, updated"


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:  # the optional "postgres" extra is missing
        raise StoreError(
            "psycopg is not installed: pip install 'assistant-care[postgres]'",
            user_message=(
                "CARE_DATABASE_URL désigne PostgreSQL mais le pilote psycopg n'est pas installé "
                "(pip install 'assistant-care[postgres]')."
            ),
        ) from exc
    return psycopg


def _json(value: Any) -> Any:
    """A json column as Python data (psycopg already decodes json; text is decoded here)."""
    return json.loads(value) if isinstance(value, str) else value


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"


class _Pool:
    """At most ``size`` connections; idle ones are reused, broken ones are dropped."""

    def __init__(self, url: str, size: int, connect_timeout: float) -> None:
        self._psycopg = _psycopg()
        self._url = url
        self._connect_timeout = connect_timeout
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn: psycopg.Connection[Any] = self._psycopg.connect(
                self._url, autocommit=True, connect_timeout=max(1, int(self._connect_timeout))
            )
        except self._psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL {redact(self._url)}: {exc}") from exc
        return conn

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        if self._closed:
            raise StoreError("store is closed")
        if not self._slots.acquire(timeout=30):
            raise StoreError("no PostgreSQL connection free after 30 s")
        conn: psycopg.Connection[Any] | None = None
        try:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                conn = self._connect()
            yield conn
        finally:
            if conn is not None:
                self._release(conn)
            self._slots.release()

    def _release(self, conn: psycopg.Connection[Any]) -> None:
        idle = self._psycopg.pq.TransactionStatus.IDLE
        reusable = not conn.closed and not conn.broken and conn.info.transaction_status == idle
        with self._lock:
            if reusable and not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class PostgresStore:
    """Sessions, drafts, users and feedback in PostgreSQL (``postgresql://user:pw@host/db``)."""

    def __init__(self, url: str, pool_size: int = 8, connect_timeout: float = 10.0) -> None:
        self.url = url
        self._psycopg = _psycopg()
        self._pool = _Pool(url, pool_size, connect_timeout)
        self._migrate()

    # -- plumbing -------------------------------------------------------------------------
    def _run(self, work: Callable[[psycopg.Connection[Any]], T], write: bool = True) -> T:
        """Run ``work`` in one transaction (or one autocommit read), retrying once when the
        connection turns out to be broken (e.g. the server restarted since it was opened)."""
        for attempt in (1, 2):
            try:
                with self._pool.connection() as conn:
                    if not write:
                        return work(conn)
                    with conn.transaction():
                        return work(conn)
            except self._psycopg.OperationalError as exc:
                if attempt == 1 and _connection_lost(exc):
                    logger.warning("PostgreSQL connection lost (%s): retrying once", exc)
                    continue
                raise StoreError(f"PostgreSQL store failed: {exc}") from exc
            except self._psycopg.Error as exc:
                raise StoreError(f"PostgreSQL store failed: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._run(lambda conn: list(conn.execute(sql, params).fetchall()), write=False)

    def _migrate(self) -> None:
        def migrate(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = (row[0] if row else None) or 0
            for number, script in enumerate(POSTGRES_MIGRATIONS, start=1):
                if number > current:
                    logger.info("PostgreSQL store: applying migration %d", number)
                    for statement in statements(script):
                        conn.execute(statement)  # type: ignore[call-overload]
                    conn.execute("INSERT INTO schema_version(version) VALUES (%s)", (number,))

        self._run(migrate)

    @property
    def schema_version(self) -> int:
        return int(self._rows("SELECT MAX(version) FROM schema_version")[0][0] or 0)

    def close(self) -> None:
        self._pool.close()

    # -- sessions -------------------------------------------------------------------------
    def load_session(self, user_id: str) -> Session:
        rows = self._rows("SELECT data, version FROM sessions WHERE user_id = %s", (user_id,))
        if not rows:
            return Session(user_id=user_id)
        data = dict(_json(rows[0][0]))
        data.update(user_id=user_id, version=rows[0][1])
        return Session(**data)

    def save_session(self, session: Session) -> None:
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO sessions(user_id, data, version, updated) "
                "VALUES (%s, %s::json, 1, %s) "
                "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, "
                "version = sessions.version + 1, updated = excluded.updated",
                (session.user_id, session_to_json(session), now_iso()),
            )
        )
        session.version += 1

    def delete_user_data(self, user_id: str) -> None:
        def delete(conn: psycopg.Connection[Any]) -> None:
            conn.execute("DELETE FROM sessions WHERE user_id = %s", (user_id,))
            conn.execute("DELETE FROM drafts WHERE user_id = %s", (user_id,))
            conn.execute("DELETE FROM feedback WHERE user_id = %s", (user_id,))

        self._run(delete)

    # -- drafts ---------------------------------------------------------------------------
    def save_draft(self, draft: Draft) -> None:
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO drafts(draft_id, user_id, doc_type, title, answers, created, updated)"
                " VALUES (%s, %s, %s, %s, %s::json, %s, %s) ON CONFLICT(draft_id) DO UPDATE SET "
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
        )

    def update_draft_answers(
        self, user_id: str, draft_id: str, answers: dict[str, Any], title: str | None = None
    ) -> Draft | None:
        def update(conn: psycopg.Connection[Any]) -> Draft | None:
            row = conn.execute(
                f"SELECT {_DRAFT_COLUMNS} FROM drafts "  # noqa: S608
                "WHERE user_id = %s AND draft_id = %s FOR UPDATE",
                (user_id, draft_id),
            ).fetchone()
            if row is None:
                return None
            draft = merged_draft(_draft(row), answers, title)
            conn.execute(
                "UPDATE drafts SET title = %s, answers = %s::json, updated = %s "
                "WHERE draft_id = %s",
                (
                    draft.title,
                    json.dumps(draft.answers, ensure_ascii=False),
                    draft.updated,
                    draft_id,
                ),
            )
            return draft

        return self._run(update)

    def get_draft(self, user_id: str, draft_id: str) -> Draft | None:
        rows = self._rows(
            f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE user_id = %s AND draft_id = %s",  # noqa: S608
            (user_id, draft_id),
        )
        return _draft(rows[0]) if rows else None

    def list_drafts(self, user_id: str) -> list[Draft]:
        rows = self._rows(
            f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE user_id = %s "  # noqa: S608
            "ORDER BY updated DESC",
            (user_id,),
        )
        return [_draft(row) for row in rows]

    def delete_draft(self, user_id: str, draft_id: str) -> bool:
        return self._run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM drafts WHERE user_id = %s AND draft_id = %s", (user_id, draft_id)
                ).rowcount
                > 0
            )
        )

    # -- users ----------------------------------------------------------------------------
    def set_user(self, user_id: str, status: str, display_name: str = "") -> None:
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO users(user_id, status, display_name, updated) "
                "VALUES (%s, %s, %s, %s) "
                "ON CONFLICT(user_id) DO UPDATE SET status = excluded.status, "
                "display_name = CASE WHEN excluded.display_name = '' THEN users.display_name "
                "ELSE excluded.display_name END, updated = excluded.updated",
                (user_id, status, display_name, now_iso()),
            )
        )

    def get_user(self, user_id: str) -> UserRecord | None:
        rows = self._rows(
            "SELECT user_id, status, display_name, updated FROM users WHERE user_id = %s",
            (user_id,),
        )
        return UserRecord(*rows[0]) if rows else None

    def list_users(self) -> list[UserRecord]:
        rows = self._rows("SELECT user_id, status, display_name, updated FROM users ORDER BY 1")
        return [UserRecord(*row) for row in rows]

    # -- feedback -------------------------------------------------------------------------
    def add_feedback(self, user_id: str, question: str, answer: str, sources: list[str]) -> str:
        feedback_id = new_id()
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO feedback(feedback_id, user_id, question, answer, sources, rating, "
                "created) VALUES (%s, %s, %s, %s, %s::json, NULL, %s) "
                "ON CONFLICT(feedback_id) DO NOTHING",  # a retried insert is not an error
                (feedback_id, user_id, question, answer, json.dumps(sources), now_iso()),
            )
        )
        return feedback_id

    def rate_feedback(self, feedback_id: str, user_id: str, rating: int) -> bool:
        return self._run(
            lambda conn: (
                conn.execute(
                    "UPDATE feedback SET rating = %s WHERE feedback_id = %s AND user_id = %s",
                    (rating, feedback_id, user_id),
                ).rowcount
                > 0
            )
        )

    def list_feedback(self) -> list[Feedback]:
        rows = self._rows(
            "SELECT feedback_id, user_id, question, answer, sources, rating, created "
            "FROM feedback ORDER BY created, feedback_id"
        )
        return [Feedback(r[0], r[1], r[2], r[3], list(_json(r[4])), r[5], r[6]) for r in rows]

    # -- backup ---------------------------------------------------------------------------
    def export_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, JSON columns decoded (see ``agent.store_dump``)."""

        def export(conn: psycopg.Connection[Any]) -> dict[str, list[dict[str, Any]]]:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot
            tables: dict[str, list[dict[str, Any]]] = {}
            for table, columns in TABLES.items():
                sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1"  # noqa: S608
                rows = conn.execute(sql).fetchall()  # type: ignore[call-overload]
                tables[table] = [
                    {
                        column: _json(value) if (table, column) in JSON_COLUMNS else value
                        for column, value in zip(columns, row, strict=True)
                    }
                    for row in rows
                ]
            return tables

        return self._run(export)

    def import_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Replace the whole content of the store with ``tables``, in one transaction."""

        def load(conn: psycopg.Connection[Any]) -> None:
            conn.execute(f"TRUNCATE {', '.join(TABLES)}")  # type: ignore[call-overload]
            for table, columns in TABLES.items():
                casts = [
                    "%s::json" if (table, column) in JSON_COLUMNS else "%s" for column in columns
                ]
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                    f"VALUES ({', '.join(casts)})"
                )
                with conn.cursor() as cursor:
                    cursor.executemany(
                        sql,  # type: ignore[arg-type]
                        [_row_params(table, columns, row) for row in tables.get(table, [])],
                    )

        self._run(load)


def _row_params(table: str, columns: tuple[str, ...], row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        json.dumps(row[column], ensure_ascii=False)
        if (table, column) in JSON_COLUMNS
        else row[column]
        for column in columns
    )


def _draft(row: tuple[Any, ...]) -> Draft:
    return Draft(row[0], row[1], row[2], row[3], dict(_json(row[4])), row[5], row[6])


def _connection_lost(exc: Exception) -> bool:
    """True for errors that mean "this connection is dead", worth one retry on a new one."""
    sqlstate = getattr(exc, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))
