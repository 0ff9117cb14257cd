"""``care-bot backup`` / ``restore`` / ``export-feedback`` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from agent.store import Draft, SqliteStore, Store
from agent.turns import Session
from bot.cli import main
from tests.ops.services import fresh_schema, postgres_url


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("CARE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CARE_DATABASE_URL", raising=False)
    return tmp_path


def _fill(store: Store) -> None:
    store.save_session(Session("tg:1", flow="fiche_projet", flow_state={"champ": "budget"}))
    store.save_draft(
        Draft(
            "d1",
            "tg:1",
            "fiche_projet",
            "PCA",
            {"titre": "PCA", "budget": 12},
            "2026-01-01T00:00:00",
            "2026-01-02T00:00:00",
        )
    )
    store.set_user("tg:1", "allowed", "Alice")
    good = store.add_feedback("tg:1", "Qu'est-ce que CaRE ?", "Un programme…", ["programme-care"])
    bad = store.add_feedback("tg:1", "le D2 ?", "…", ["care-d2-continuite-reprise"])
    store.add_feedback("tg:1", "non noté", "…", [])
    store.rate_feedback(good, "tg:1", 1)
    store.rate_feedback(bad, "tg:1", -1)


def _state(store: Store) -> dict[str, object]:
    return store.export_tables()  # type: ignore[attr-defined, no-any-return]


def _sqlite(env: Path) -> SqliteStore:
    return SqliteStore(env / "data" / "care.sqlite3")


def test_sqlite_backup_is_a_database_file_and_restores(env: Path) -> None:
    store = _sqlite(env)
    _fill(store)
    before = _state(store)
    assert main(["backup", "--output", str(env / "b" / "care.sqlite3")]) == 0
    assert (env / "b" / "care.sqlite3").read_bytes().startswith(b"SQLite format 3\x00")
    store.delete_user_data("tg:1")
    store.save_session(Session("tg:2", flow="x"))
    assert main(["restore", str(env / "b" / "care.sqlite3"), "--yes"]) == 0
    assert _state(store) == before  # the open store (a running bot) sees the restored data
    store.close()


def test_json_backup_round_trip(env: Path) -> None:
    store = _sqlite(env)
    _fill(store)
    before = _state(store)
    assert main(["backup", "-o", str(env / "dump.json")]) == 0
    dump = json.loads((env / "dump.json").read_text(encoding="utf-8"))
    assert dump["format"] == "assistant-care-store" and dump["schema_version"] == 2
    assert dump["tables"]["drafts"][0]["answers"] == {"titre": "PCA", "budget": 12}
    store.delete_user_data("tg:1")
    assert main(["restore", str(env / "dump.json"), "--yes"]) == 0
    assert _state(store) == before
    store.close()


@pytest.mark.parametrize(
    "content", [b"not a backup", b'{"format": "other"}', b"SQLite format 3\x00garbage"]
)
def test_unreadable_backup_is_refused_and_changes_nothing(
    env: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _sqlite(env)
    _fill(store)
    before = _state(store)
    (env / "bad").write_bytes(content)
    code = main(["restore", str(env / "bad"), "--yes"])
    assert code in (1, 2)
    assert "Erreur" in capsys.readouterr().err
    assert _state(store) == before
    store.close()


def test_newer_dump_is_refused(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = _sqlite(env)
    payload = {"format": "assistant-care-store", "schema_version": 99, "tables": {}}
    (env / "new.json").write_text(json.dumps(payload))
    assert main(["restore", str(env / "new.json"), "--yes"]) == 2
    assert "version plus récente" in capsys.readouterr().err
    store.close()


def test_restore_asks_for_confirmation_when_not_interactive(env: Path) -> None:
    store = _sqlite(env)
    _fill(store)
    assert main(["backup", "-o", str(env / "dump.json")]) == 0
    assert main(["restore", str(env / "dump.json")]) == 2
    store.close()


def test_export_feedback_jsonl_and_yaml_eval_set(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from retrieval.evaluation import load_eval_set

    store = _sqlite(env)
    _fill(store)
    store.close()
    assert main(["export-feedback"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [entry["rating"] for entry in lines] == [1, -1, None]
    assert main(["export-feedback", "--rated-only", "-o", str(env / "fb.jsonl")]) == 0
    assert len((env / "fb.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert main(["export-feedback", "--format", "yaml", "-o", str(env / "fb.yaml")]) == 0
    text = (env / "fb.yaml").read_text(encoding="utf-8")
    cases = yaml.safe_load(text)
    assert cases[0]["question"] == "Qu'est-ce que CaRE ?"
    assert cases[0]["expected"] == ["programme-care"] and len(cases) == 1
    assert "# À revoir" in text and "le D2 ?" in text  # 👎: for a human to complete
    (question,) = load_eval_set(env / "fb.yaml")  # usable as an evaluation set as is
    assert question.expected == ("programme-care",)
    assert main(["export-feedback", "--format", "csv"]) == 2


# -- PostgreSQL ---------------------------------------------------------------------------------
@pytest.fixture
def pg_env(env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with fresh_schema(postgres_url()) as url:
        monkeypatch.setenv("CARE_DATABASE_URL", url)
        yield url


@pytest.mark.postgres
def test_postgres_backup_restore_and_move_to_sqlite(env: Path, pg_env: str) -> None:
    from agent.store.postgres import PostgresStore

    store = PostgresStore(pg_env)
    _fill(store)
    before = _state(store)
    assert main(["backup", "-o", str(env / "pg.dump")]) == 0  # always JSON for PostgreSQL
    store.delete_user_data("tg:1")
    assert main(["restore", str(env / "pg.dump"), "--yes"]) == 0
    assert _state(store) == before
    store.close()
    sqlite = _sqlite(env)  # the same dump moves the data to SQLite (and back)
    sqlite.import_tables(json.loads((env / "pg.dump").read_text(encoding="utf-8"))["tables"])
    assert _state(sqlite) == before
    sqlite.close()


@pytest.mark.postgres
def test_sqlite_file_backup_restores_into_postgres(
    env: Path, pg_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.store.postgres import PostgresStore

    sqlite = _sqlite(env)
    _fill(sqlite)
    before = _state(sqlite)
    sqlite.backup_to(env / "care-backup.sqlite3")
    sqlite.close()
    assert main(["restore", str(env / "care-backup.sqlite3"), "--yes"]) == 0
    store = PostgresStore(pg_env)
    assert _state(store) == before
    store.close()
