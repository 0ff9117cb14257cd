"""PostgresStore: the store contract, migrations, and several processes on one database.

Needs CARE_TEST_DATABASE_URL (``.ci/run`` starts a server); each test gets its own schema.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator

import pytest

from agent.store import Draft, now_iso
from agent.turns import Session
from tests.agent.store_contract import StoreContract
from tests.ops.services import fresh_schema, postgres_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_schema(postgres_url()) as url:
        yield url


class TestPostgresStore(StoreContract):
    @pytest.fixture
    def store(self, database_url: str) -> Iterator[object]:
        from agent.store.postgres import PostgresStore

        store = PostgresStore(database_url)
        yield store
        store.close()


def test_migrations_are_recorded_and_applied_once(database_url: str) -> None:
    from agent.store.migrations import POSTGRES_MIGRATIONS
    from agent.store.postgres import PostgresStore

    first = PostgresStore(database_url)
    first.save_session(Session("u:1", flow="x"))
    second = PostgresStore(database_url)  # a second replica starting on a migrated database
    assert second.schema_version == len(POSTGRES_MIGRATIONS)
    assert second.load_session("u:1").flow == "x"
    first.close()
    second.close()


def test_unreachable_server_is_a_store_error() -> None:
    from agent.errors import StoreError
    from agent.store.postgres import PostgresStore

    with pytest.raises(StoreError) as caught:
        PostgresStore("postgresql://care:secret@127.0.0.1:9/none", connect_timeout=2)
    assert "secret" not in str(caught.value)


def test_lost_connection_is_reopened(database_url: str) -> None:
    """A connection killed under the store (server restart, failover) costs one retry."""
    import psycopg

    from agent.store.postgres import PostgresStore

    store = PostgresStore(database_url, pool_size=1)
    store.save_session(Session("u:1", flow="x"))
    name = psycopg.conninfo.conninfo_to_dict(database_url)["application_name"]
    with psycopg.connect(postgres_url(), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (name,),
        ).fetchall()
    assert killed == [(True,)]
    assert store.load_session("u:1").flow == "x"
    store.close()


# -- the per-user turn lock -----------------------------------------------------------------
_ADVISORY_LOCKS = (
    "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = %s"
)


def _application_name(url: str) -> str:
    import psycopg

    return str(psycopg.conninfo.conninfo_to_dict(url)["application_name"])


def test_turn_lock_does_not_stay_on_the_pooled_connection(database_url: str) -> None:
    import psycopg

    from agent.store.postgres import PostgresStore

    store = PostgresStore(database_url, turn_pool_size=1)
    name = _application_name(database_url)
    with psycopg.connect(postgres_url(), autocommit=True) as admin:
        with store.user_turn("tg:1"):
            assert len(admin.execute(_ADVISORY_LOCKS, (name,)).fetchall()) == 1
        assert admin.execute(_ADVISORY_LOCKS, (name,)).fetchall() == []
        with store.user_turn("tg:2"):  # the same pooled connection, only tg:2's lock on it
            assert len(admin.execute(_ADVISORY_LOCKS, (name,)).fetchall()) == 1
    store.close()


def test_turn_lock_is_released_when_its_connection_dies(database_url: str) -> None:
    """A replica whose connection (or process) dies mid-turn does not block the user: the
    server drops the lock with the session, and the dead connection is not reused."""
    import psycopg

    from agent.store.postgres import PostgresStore

    first = PostgresStore(database_url, turn_pool_size=1)
    other = PostgresStore(database_url, turn_timeout=10)
    name = _application_name(database_url)
    with psycopg.connect(postgres_url(), autocommit=True) as admin, first.user_turn("tg:1"):
        (pid,) = admin.execute(_ADVISORY_LOCKS, (name,)).fetchone() or (None,)
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with other.user_turn("tg:1"):  # taken although ``first`` never unlocked
            other.save_session(Session("tg:1", flow="x"))
    with first.user_turn("tg:1"):  # a fresh connection replaces the dead one
        assert first.load_session("tg:1").flow == "x"
    first.close()
    other.close()


def test_turn_lock_survives_a_server_side_disconnection_of_idle_connections(
    database_url: str,
) -> None:
    import psycopg

    from agent.store.postgres import PostgresStore

    store = PostgresStore(database_url, turn_pool_size=1)
    with store.user_turn("tg:1"):
        pass
    with psycopg.connect(postgres_url(), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (_application_name(database_url),),
        ).fetchall()
    assert killed and all(row == (True,) for row in killed)
    with store.user_turn("tg:1"):  # the dead pooled connection costs one retry
        store.save_session(Session("tg:1", flow="x"))
    assert store.load_session("tg:1").flow == "x"
    store.close()


def test_turns_waiting_for_locks_never_starve_the_running_turns(database_url: str) -> None:
    """Turn locks have their own pool: eight users at once on a two-connection data pool and
    many turns of one user queued behind each other all finish."""
    from agent.store.postgres import PostgresStore

    store = PostgresStore(database_url, pool_size=2)

    def turns(user: str) -> None:
        for _ in range(5):
            with store.user_turn(user):
                session = store.load_session(user)
                session.history.append({"q": "q", "a": "a"})
                store.save_session(session)

    users = [f"tg:{n % 4}" for n in range(8)]  # two threads per user
    threads = [threading.Thread(target=turns, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [len(store.load_session(f"tg:{n}").history) for n in range(4)] == [10] * 4
    store.close()


# -- several processes on one database (two bot replicas) -----------------------------------
def _answer_many(url: str, worker: int, count: int) -> None:
    from agent.store.postgres import PostgresStore

    store = PostgresStore(url, pool_size=2)
    for n in range(count):
        store.update_draft_answers("u:1", "d1", {f"p{worker}-{n}": n})
    store.close()


def test_two_processes_answering_one_draft_lose_no_answer(database_url: str) -> None:
    from agent.store.postgres import PostgresStore

    store = PostgresStore(database_url)
    store.save_draft(Draft("d1", "u:1", "fiche_projet", "A", {"titre": "A"}, now_iso(), now_iso()))
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_answer_many, args=(database_url, w, 40)) for w in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    answers = store.get_draft("u:1", "d1").answers  # type: ignore[union-attr]
    assert len(answers) == 81 and answers["titre"] == "A"
    store.close()


def _save_sessions(url: str, worker: int, count: int) -> None:
    from agent.store.postgres import PostgresStore

    store = PostgresStore(url, pool_size=2)
    for n in range(count):
        store.save_session(Session(f"u:{worker}-{n}", flow="f"))
        store.add_feedback(f"u:{worker}-{n}", "q", "a", [])
        store.save_session(store.load_session("shared"))
    store.close()


def test_two_processes_write_sessions_and_feedback_concurrently(database_url: str) -> None:
    from agent.store.postgres import PostgresStore

    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_save_sessions, args=(database_url, w, 30)) for w in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    store = PostgresStore(database_url)
    assert len(store.list_feedback()) == 60
    assert store.load_session("shared").version == 60  # every save counted, none lost
    assert store.load_session("u:2-29").flow == "f"
    store.close()
