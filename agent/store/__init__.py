"""The session, draft, user and feedback store: one small interface, SQLite by default.

Handlers keep no state in memory: every turn loads the user's session and saves it atomically,
so a restart (even ``kill -9``) resumes at the same question.

Modules::

    protocol.py    Store: the interface the agent and the front ends use
    records.py     Draft, UserRecord, Delivery, Erased, Feedback and a turn's writes (Write)
    sql.py         SqlStore: the SQL and logic shared by both databases (Dialect, TurnBusyError)
    sqlite.py      SqliteStore (default; WAL, file backup), private_directory
    postgres.py    PostgresStore (several replicas; needs the ``postgres`` extra)
    migrations.py  the versioned schema of both dialects
    turn_store.py  TurnStore: one turn's writes held and committed with the session at once
    dump.py        backend-neutral backup files (``care-bot backup`` / ``restore``)

``PostgresStore`` is imported from ``agent.store.postgres`` by whoever chooses it (psycopg is
an optional dependency, imported only when a PostgreSQL store opens).
"""

from agent.store.protocol import Store
from agent.store.records import (
    Delivery,
    Draft,
    Erased,
    Feedback,
    UserRecord,
    Write,
    new_id,
    now_iso,
)
from agent.store.sql import TURN_TIMEOUT, TurnBusyError
from agent.store.sqlite import SqliteStore, private_directory
from agent.store.turn_store import TurnStore

__all__ = [
    "TURN_TIMEOUT",
    "Delivery",
    "Draft",
    "Erased",
    "Feedback",
    "SqliteStore",
    "Store",
    "TurnBusyError",
    "TurnStore",
    "UserRecord",
    "Write",
    "new_id",
    "now_iso",
    "private_directory",
]
