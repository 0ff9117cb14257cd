"""The store in PostgreSQL, for several bot replicas sharing one database.

Same interface, semantics and SQL as ``SqliteStore``: both are an ``agent.store.sql.SqlStore``.
What this module brings is psycopg 3 underneath and what PostgreSQL does differently:

- a pool of connections (``psycopg_pool.ConnectionPool``, ``pool_size``), each in autocommit
  mode so a read is one statement and a write is one explicit transaction; a connection found
  broken when it comes back is replaced, idle ones are closed after ten minutes;
- versioned migrations (``agent.store.migrations.POSTGRES_MIGRATIONS``) applied under an advisory
  lock, so replicas starting together migrate once;
- ``update_draft_answers`` locks the draft row (``SELECT … FOR UPDATE``) for its
  read-merge-write: two replicas answering the same draft at once both keep their answer;
- a connection broken under us (server restart, failover) is dropped and the operation retried
  once on a fresh one; if the server stays down the caller gets a ``StoreError``;
- ``user_turn`` holds a session-level advisory lock keyed by the user for a whole turn, on a
  connection of a second pool (``turn_pool_size``): a turn waiting for its lock never holds a
  connection the running turns need, so the two pools cannot deadlock each other.

psycopg and psycopg-pool come with the optional ``postgres`` extra and are imported when a
``PostgresStore`` opens.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from agent.errors import StoreError
from agent.store.migrations import POSTGRES_MIGRATIONS, TABLES
from agent.store.sql import (
    TURN_TIMEOUT,
    Dialect,
    SqlConnection,
    SqlCursor,
    SqlStore,
    TurnBusyError,
)

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)

T = TypeVar("T")
_MIGRATION_LOCK = 0x0CA4E  # pg_advisory_xact_lock key: one migrating replica at a time
_WAIT_FOR_CONNECTION = 30.0  # seconds an operation waits for a free (or new) connection

POSTGRES = Dialect(
    param="%s",
    json_param="%s::json",
    lock_rows=" FOR UPDATE",  # update_draft_answers: concurrent merges of one draft queue up
    feedback_order="created, feedback_id",  # no insertion order in PostgreSQL
    migrations=POSTGRES_MIGRATIONS,
)


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:  # the optional "postgres" extra is missing
        raise StoreError(
            "psycopg or psycopg-pool is not installed: pip install 'assistant-care[postgres]'",
            user_message=(
                "CARE_DATABASE_URL désigne PostgreSQL mais le pilote psycopg n'est pas installé "
                "(pip install 'assistant-care[postgres]')."
            ),
        ) from exc
    return psycopg, psycopg_pool


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"


def _open_pool(
    url: str, size: int, connect_timeout: float, *, name: str, min_size: int
) -> ConnectionPool[Any]:
    """A pool of at most ``size`` autocommit connections; with ``min_size``, wait for that many
    (a server that cannot be reached is a ``StoreError`` naming libpq's reason)."""
    psycopg, psycopg_pool = _psycopg()
    connect = {"autocommit": True, "connect_timeout": max(1, int(connect_timeout))}
    pool: ConnectionPool[Any] = psycopg_pool.ConnectionPool(
        url, kwargs=connect, min_size=min_size, max_size=size, name=name, open=False
    )
    try:
        pool.open(wait=min_size > 0, timeout=connect_timeout)
    except psycopg_pool.PoolTimeout:
        pool.close()
        try:  # the pool only logs why it could not connect: ask once more for the reason
            psycopg.connect(url, **connect).close()
            reason = f"no connection after {connect_timeout:g} s"
        except psycopg.Error as exc:
            reason = str(exc)
        raise StoreError(f"cannot connect to PostgreSQL {redact(url)}: {reason}") from None
    return pool


@contextmanager
def _connection(pool: ConnectionPool[Any], timeout: float) -> Iterator[psycopg.Connection[Any]]:
    """A connection of ``pool`` (given back at the end, replaced if it broke meanwhile)."""
    _, psycopg_pool = _psycopg()
    try:
        with pool.connection(timeout) as conn:
            yield conn
    except psycopg_pool.PoolClosed as exc:
        raise StoreError("store is closed") from exc
    except psycopg_pool.PoolTimeout as exc:
        raise StoreError(f"no PostgreSQL connection free after {timeout:g} s") from exc


class _Connection:
    """A psycopg connection seen as an ``SqlConnection`` (SQL built at run time, executemany)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> SqlCursor:
        # No parameters: None, so that psycopg leaves a literal "%" in the SQL alone.
        return self._conn.execute(sql, params or None)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> object:
        with self._conn.cursor() as cursor:
            cursor.executemany(sql, rows)
        return None


class PostgresStore(SqlStore):
    """Sessions, drafts, users and feedback in PostgreSQL (``postgresql://user:pw@host/db``)."""

    dialect = POSTGRES

    def __init__(
        self,
        url: str,
        pool_size: int = 8,
        connect_timeout: float = 10.0,
        turn_timeout: float = TURN_TIMEOUT,
        turn_pool_size: int = 32,
    ) -> None:
        self.url = url
        self.turn_timeout = turn_timeout
        self._psycopg, _ = _psycopg()
        self._pool = _open_pool(url, pool_size, connect_timeout, name="care-store", min_size=1)
        self._turn_pool = _open_pool(
            url, turn_pool_size, connect_timeout, name="care-turns", min_size=0
        )
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    # -- plumbing -------------------------------------------------------------------------
    def _run(self, work: Callable[[SqlConnection], T], write: bool = True) -> T:
        """Run ``work`` in one transaction (or one autocommit read), retrying once when the
        connection turns out to be broken (e.g. the server restarted since it was opened)."""
        for attempt in (1, 2):
            try:
                with _connection(self._pool, _WAIT_FOR_CONNECTION) as conn:
                    if not write:
                        return work(_Connection(conn))
                    with conn.transaction():
                        return work(_Connection(conn))
            except self._psycopg.OperationalError as exc:
                if attempt == 1 and _connection_lost(exc):
                    logger.warning("PostgreSQL connection lost (%s): retrying once", exc)
                    continue
                raise StoreError(f"PostgreSQL store failed: {exc}") from exc
            except self._psycopg.Error as exc:
                raise StoreError(f"PostgreSQL store failed: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _write(self, work: Callable[[SqlConnection], T]) -> T:
        return self._run(work)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._run(lambda conn: conn.execute(sql, params).fetchall(), write=False)

    def _lock_for_migration(self, conn: SqlConnection) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))

    def _snapshot(self, conn: SqlConnection) -> None:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def _clear_tables(self, conn: SqlConnection) -> None:
        conn.execute(f"TRUNCATE {', '.join(TABLES)}")

    def close(self) -> None:
        self._pool.close()
        self._turn_pool.close()

    def scrub(self) -> None:
        """``VACUUM FULL`` the tables holding users' words: each is rewritten into new files
        holding only the live rows (TOAST included), and the old files are removed.

        What this cannot reach from a client: the server's write-ahead log segments (recycled
        by the server after its next checkpoints) and base backups; see the erasure notes in
        docs/exploitation/donnees-personnelles.md.
        """

        def vacuum(conn: SqlConnection) -> None:
            for table in ("sessions", "drafts", "feedback", "users"):
                conn.execute(f"VACUUM FULL {table}")

        self._run(vacuum, write=False)  # VACUUM cannot run inside a transaction block

    # -- turns ----------------------------------------------------------------------------
    @contextmanager
    def user_turn(self, user_id: str) -> Iterator[None]:
        """``pg_advisory_lock`` on a connection of the turn pool, held until the turn ends.

        The lock belongs to the server session: if the connection or the replica dies the
        server releases it. It never reaches the next user of the pooled connection: a
        connection whose unlock did not succeed is closed instead of going back to the pool.
        The key is computed here (the same on every replica) and the SQL holds only integers,
        so taking the lock (with its ``lock_timeout``) is one round trip, releasing it another.
        """
        key, wait_ms = _turn_key(user_id), max(1, int(self.turn_timeout * 1000))
        lock = f"SET lock_timeout = {wait_ms}; SELECT pg_advisory_lock({key})"
        unlock = f"SELECT pg_advisory_unlock({key})"
        for attempt in (1, 2):
            with _connection(self._turn_pool, self.turn_timeout) as conn:
                try:
                    conn.execute(lock)
                except self._psycopg.Error as exc:
                    conn.close()  # whether the lock was taken is unknown: end the session
                    if getattr(exc, "sqlstate", None) == "55P03":  # lock_not_available
                        raise TurnBusyError(
                            f"turn of {user_id} still busy after {self.turn_timeout} s"
                        ) from exc
                    lost = isinstance(exc, self._psycopg.OperationalError) and _connection_lost(
                        exc
                    )
                    if attempt == 1 and lost:  # a pooled connection the server dropped
                        continue
                    raise StoreError(f"PostgreSQL turn lock failed: {exc}") from exc
                try:
                    yield
                finally:
                    try:
                        row = conn.execute(unlock).fetchone()
                        released = row is not None and row[0] is True
                    except self._psycopg.Error:
                        released = False
                    if not released:
                        logger.warning("turn lock of %s not released cleanly: closing", user_id)
                        conn.close()  # the server drops the session's advisory locks
                return


def _turn_key(user_id: str) -> int:
    """A signed 64-bit advisory lock key for ``user_id`` (stable across processes)."""
    digest = hashlib.blake2b(b"care-turn:" + user_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _connection_lost(exc: Exception) -> bool:
    """True for errors that mean "this connection is dead", worth one retry on a new one."""
    sqlstate = getattr(exc, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))
