from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from agent.store import Delivery, SqliteStore, private_directory
from agent.store.migrations import SQLITE_MIGRATIONS, statements
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
    assert second.schema_version == len(SQLITE_MIGRATIONS)
    second.close()


def test_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    from agent.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        SqliteStore(blocker / "sub" / "care.sqlite3")


def test_a_schema_1_database_is_upgraded_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "care.sqlite3"
    with closing(sqlite3.connect(path)) as old, old:
        old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for statement in statements(SQLITE_MIGRATIONS[0]):
            old.execute(statement)
        old.execute("INSERT INTO schema_version VALUES (1)")
        old.execute("INSERT INTO sessions VALUES ('u:1', '{\"flow\": \"eligibilite\"}', 3, 'x')")
    store = SqliteStore(path)
    assert store.schema_version == 2
    assert store.load_session("u:1").flow == "eligibilite"  # no recent_updates key: default
    assert store.get_delivery("u:1") == Delivery("u:1", None, None)
    store.close()


def test_files_are_private_to_the_bot_user(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = SqliteStore(folder / "care.sqlite3")
    store.save_session(Session("u:1", flow="x"))
    with store.user_turn("u:1"):
        pass
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"care.sqlite3", "care.sqlite3-wal", "care.sqlite3-shm"}
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    for directory in (folder, folder / "care.sqlite3.turns"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    store.close()
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    private_directory(loose, tighten=True)  # the data directory given by the configuration
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700


def test_scrub_leaves_no_erased_word_in_any_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = SqliteStore(folder / "care.sqlite3")
    store.set_user("u:1", "allowed", "Zébulon Quartz")
    for number in range(40):  # a dialogue rewrites the session many times: many WAL frames
        session = Session("u:1", history=[{"q": f"Hirondelle {number}", "a": "Zanzibar"}])
        store.save_session(session)
    store.save_session(Session("u:2", history=[{"q": "Gardé", "a": "Conservé"}]))
    assert files_containing(folder, b"Hirondelle")  # the words are on disk
    store.erase_user("u:1", keep_access=True)
    store.scrub()
    for word in (b"Hirondelle", b"Zanzibar", "Zébulon".encode()):
        assert files_containing(folder, word) == [], word
    assert store.load_session("u:2").history[0]["q"] == "Gardé"  # the others' data stays
    store.close()


def files_containing(folder: Path, word: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and word in p.read_bytes()]
