from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.store import SqliteStore
from agent.turns import Session
from tests.agent.store_contract import StoreContract


class TestSqliteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SqliteStore]:
        store = SqliteStore(tmp_path / "care.sqlite3")
        yield store
        store.close()


def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "care.sqlite3"
    first = SqliteStore(path)
    first.save_session(Session("u:1", flow="fiche_projet", flow_state={"field": "titre"}))
    first.close()
    second = SqliteStore(path)
    assert second.load_session("u:1").flow_state == {"field": "titre"}
    assert second.schema_version == 1
    second.close()


def test_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    from agent.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        SqliteStore(blocker / "sub" / "care.sqlite3")
