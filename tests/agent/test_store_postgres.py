"""PostgresStore: the store contract, migrations, and several processes on one database.

Needs CARE_TEST_DATABASE_URL (``.ci/run`` starts a server); each test gets its own schema.
"""

from __future__ import annotations

import multiprocessing
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
        from agent.store_postgres import PostgresStore

        store = PostgresStore(database_url)
        yield store
        store.close()


def test_migrations_are_recorded_and_applied_once(database_url: str) -> None:
    from agent.migrations import POSTGRES_MIGRATIONS
    from agent.store_postgres import PostgresStore

    first = PostgresStore(database_url)
    first.save_session(Session("u:1", flow="x"))
    second = PostgresStore(database_url)  # a second replica starting on a migrated database
    assert second.schema_version == len(POSTGRES_MIGRATIONS)
    assert second.load_session("u:1").flow == "x"
    first.close()
    second.close()


def test_unreachable_server_is_a_store_error() -> None:
    from agent.errors import StoreError
    from agent.store_postgres import PostgresStore

    with pytest.raises(StoreError) as caught:
        PostgresStore("postgresql://care:secret@127.0.0.1:9/none", connect_timeout=2)
    assert "secret" not in str(caught.value)


def test_lost_connection_is_reopened(database_url: str) -> None:
    """A connection killed under the store (server restart, failover) costs one retry."""
    import psycopg

    from agent.store_postgres import PostgresStore

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


# -- several processes on one database (two bot replicas) -----------------------------------
def _answer_many(url: str, worker: int, count: int) -> None:
    from agent.store_postgres import PostgresStore

    store = PostgresStore(url, pool_size=2)
    for n in range(count):
        store.update_draft_answers("u:1", "d1", {f"p{worker}-{n}": n})
    store.close()


def test_two_processes_answering_one_draft_lose_no_answer(database_url: str) -> None:
    from agent.store_postgres import PostgresStore

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
    from agent.store_postgres import PostgresStore

    store = PostgresStore(url, pool_size=2)
    for n in range(count):
        store.save_session(Session(f"u:{worker}-{n}", flow="f"))
        store.add_feedback(f"u:{worker}-{n}", "q", "a", [])
        store.save_session(store.load_session("shared"))
    store.close()


def test_two_processes_write_sessions_and_feedback_concurrently(database_url: str) -> None:
    from agent.store_postgres import PostgresStore

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
