"""The store in SQLite (the default): one file in WAL mode, each write one transaction.

Handlers keep no state in memory: every turn loads the user's session and saves it atomically,
so a restart (even ``kill -9``) resumes at the same question.

The SQL and logic shared with PostgreSQL live in ``agent.store.sql``; ``SqliteStore`` brings
only its connection, its transactions and its file backup.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from agent.errors import StoreError
from agent.store.migrations import SQLITE_MIGRATIONS
from agent.store.sql import TURN_TIMEOUT, Dialect, SqlConnection, SqlStore, TurnBusyError

__all__ = ["SqliteStore", "private_directory"]

T = TypeVar("T")
logger = logging.getLogger(__name__)


def private_directory(path: Path, *, tighten: bool = False) -> None:
    """Create ``path`` (and missing parents) readable by this user only (0700); ``tighten``
    also takes group and other permissions away from an existing directory."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if tighten and path.stat().st_mode & 0o077:
        path.chmod(path.stat().st_mode & 0o700)
        logger.info("permissions of %s restricted to its owner", path)


SQLITE = Dialect(
    param="?",
    json_param="?",
    lock_rows="",  # BEGIN IMMEDIATE already holds the database's write lock
    feedback_order="created, rowid",  # ties in insertion order
    migrations=SQLITE_MIGRATIONS,
)


class _UserLocks:
    """One ``threading.Lock`` per user with a turn running or waiting (dropped after)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}  # lock, holders + waiters

    @contextmanager
    def hold(self, key: str, timeout: float) -> Iterator[bool]:
        with self._guard:
            lock, users = self._locks.get(key) or (threading.Lock(), 0)
            self._locks[key] = (lock, users + 1)
        held = lock.acquire(timeout=timeout)
        try:
            yield held
        finally:
            if held:
                lock.release()
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)


class SqliteStore(SqlStore):
    """SQLite in WAL mode; each write is one transaction, so a crash loses nothing committed."""

    dialect = SQLITE

    def __init__(self, path: Path | str, turn_timeout: float = TURN_TIMEOUT) -> None:
        self.path = Path(path)
        self.turn_timeout = turn_timeout
        self._turn_locks = _UserLocks()
        self._turns_folder_made = False
        try:
            private_directory(self.path.parent)
            # Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the
            # database file's permissions.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
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
    def _write(self, work: Callable[[SqlConnection], T]) -> T:
        """``work`` in one ``BEGIN IMMEDIATE`` transaction: other writers (threads, processes)
        wait until it commits, so a read-modify-write in it is atomic."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                result = work(self._conn)
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._conn.execute("ROLLBACK")
                raise StoreError(f"store write failed: {exc}") from exc
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            return result

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            try:
                return list(self._conn.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise StoreError(f"store read failed: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def scrub(self) -> None:
        """Rewrite the database without the deleted rows, then empty the write-ahead log.

        SQLite leaves deleted text in free pages and in the -wal file (every version of a
        rewritten session); ``VACUUM`` rebuilds the file from the live rows only and
        ``wal_checkpoint(TRUNCATE)`` copies the log into it and truncates the log to zero bytes.
        Readers in other processes can delay the truncation: it is retried, then reported.
        """
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._conn.execute("VACUUM")
                for attempt in range(20):
                    busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    if not busy:
                        return
                    time.sleep(0.05 * (attempt + 1))
            except sqlite3.Error as exc:
                raise StoreError(f"scrubbing {self.path} failed: {exc}") from exc
        logger.warning("store scrubbed, but its write-ahead log is still in use by a reader")

    # -- turns ----------------------------------------------------------------------------
    @contextmanager
    def user_turn(self, user_id: str) -> Iterator[None]:
        """A per-user ``threading.Lock`` for the threads of this process, then an exclusive
        ``flock`` on a per-user file in ``<database>.turns/`` for other processes on the same
        file. The kernel drops a flock when its descriptor closes, so a crashed process never
        leaves a user locked. Lock files are kept (deleting one races with its next locker)."""
        deadline = time.monotonic() + self.turn_timeout
        with self._turn_locks.hold(user_id, self.turn_timeout) as held:
            if not held:
                raise TurnBusyError(f"turn of {user_id} still busy after {self.turn_timeout} s")
            fd = self._open_lock_file(user_id)
            try:
                delay = 0.001
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise TurnBusyError(
                                f"turn of {user_id} still busy in another process "
                                f"after {self.turn_timeout} s"
                            ) from None
                        time.sleep(delay)
                        delay = min(delay * 2, 0.05)
                yield
            finally:
                os.close(fd)  # releases the flock

    def _open_lock_file(self, user_id: str) -> int:
        name = hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:32]
        folder = self.path.with_name(self.path.name + ".turns")
        try:
            if not self._turns_folder_made:
                private_directory(folder, tighten=True)
                self._turns_folder_made = True
            return os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot open the turn lock of {user_id}: {exc}") from exc

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
