"""``care-bot backup``, ``restore``, ``export-feedback`` and ``erase-user``.

The store (sessions, drafts, users, feedback) is the only state of the assistant: the index is
rebuilt from ``knowledge/``. A SQLite store is backed up as a database file (SQLite's online
backup API, safe while the bot runs) or as a portable JSON dump; a PostgreSQL store as the
JSON dump. A restore replaces everything in one transaction; SIGTERM or Ctrl-C during an
operation rolls it back and leaves no half-written file.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer
import yaml

from agent.store import Feedback, SqliteStore
from agent.store.dump import (
    BackupFileError,
    DumpableStore,
    is_sqlite_file,
    read_dump,
    write_atomically,
    write_dump,
)
from bot.cli.common import console, err_console, setup
from bot.errors import ConfigurationError
from care_errors import CareError


class OperationUsageError(CareError):
    """Invalid use of an operations command (exit code 2)."""

    exit_code = 2


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (docker stop, systemd) interrupts like Ctrl-C, so ``finally`` blocks run."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _opened_store() -> Iterator[DumpableStore]:
    from bot.container import open_store

    store = open_store(setup())
    if not hasattr(store, "export_tables"):
        store.close()
        raise ConfigurationError(f"{type(store).__name__} cannot be backed up")
    try:
        yield store  # type: ignore[misc]
    finally:
        store.close()


def _counts(tables: dict[str, list[dict[str, Any]]]) -> str:
    return ", ".join(f"{table} : {len(rows)}" for table, rows in tables.items())


def backup(
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier de sauvegarde.")],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Export JSON portable (automatique si le nom finit en .json)."
        ),
    ] = False,
) -> None:
    """Sauvegarde les conversations, brouillons, utilisateurs et avis (base en service ou non)."""
    with _sigterm_interrupts(), _opened_store() as store:
        if isinstance(store, SqliteStore) and not as_json and output.suffix != ".json":
            _sqlite_backup(store, output)
            console.print(f"Sauvegarde SQLite écrite : {output}", markup=False)
            return
        counts = write_dump(store, output)
    summary = ", ".join(f"{table} : {count}" for table, count in counts.items())
    console.print(f"Sauvegarde JSON écrite : {output} ({summary})", markup=False)


def _sqlite_backup(store: SqliteStore, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        copy = Path(work) / "care.sqlite3"
        store.backup_to(copy)
        write_atomically(output, copy.read_bytes())


def restore(
    backup_file: Annotated[Path, typer.Argument(help="Sauvegarde (.sqlite3 ou .json).")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Ne pas demander confirmation.")
    ] = False,
) -> None:
    """Remplace TOUT le contenu du stockage par une sauvegarde (SQLite ou JSON)."""
    if not backup_file.is_file():
        raise BackupFileError(
            f"{backup_file} not found", user_message=f"Fichier introuvable : {backup_file}"
        )
    if not yes:
        if not sys.stdin.isatty():
            raise OperationUsageError(
                "restore needs --yes when not interactive",
                user_message="Restauration non interactive : ajoutez --yes pour confirmer.",
            )
        if not typer.confirm("Remplacer tout le contenu actuel du stockage ?"):
            console.print("Restauration annulée : rien n'a été modifié.", markup=False)
            return
    with _sigterm_interrupts(), _opened_store() as store:
        if is_sqlite_file(backup_file):
            tables = _tables_of_sqlite_file(backup_file)
        else:
            tables = read_dump(backup_file, store.schema_version)
        store.import_tables(tables)  # one transaction: all or nothing, even while the bot runs
    console.print(f"Restauration terminée ({_counts(tables)}).", markup=False)


def _tables_of_sqlite_file(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Rows of a SQLite backup, read from a scratch copy (the backup itself stays untouched)."""
    with tempfile.TemporaryDirectory(prefix="care-restore-") as work:
        copy = Path(work) / "care.sqlite3"
        shutil.copyfile(path, copy)
        try:
            with closing(sqlite3.connect(copy)) as check:
                check.execute("SELECT MAX(version) FROM schema_version").fetchone()
        except sqlite3.Error as exc:
            raise BackupFileError(f"{path} is not a store backup: {exc}") from exc
        source = SqliteStore(copy)  # brings an older backup up to the current schema
        try:
            return source.export_tables()
        finally:
            source.close()


def _feedback_record(entry: Feedback) -> dict[str, Any]:
    return {
        "id": f"fb-{entry.feedback_id}",
        "question": entry.question,
        "answer": entry.answer,
        "sources": entry.sources,
        "rating": entry.rating,
        "created": entry.created,
    }


def _feedback_yaml(entries: list[Feedback]) -> str:
    """Evaluation-set entries: 👍 answers become cases (expected = their cited sources);
    👎 ones are written as comments for a human to complete (the right sources are unknown)."""
    lines = [
        "# Avis des utilisateurs exportés par care-bot export-feedback, au format du jeu",
        "# d'évaluation (tests/data/eval_questions.yaml). Relisez avant de les y ajouter.",
        "",
    ]
    for entry in entries:
        case: dict[str, Any] = {"id": f"fb-{entry.feedback_id}", "question": entry.question}
        if entry.rating is not None and entry.rating > 0 and entry.sources:
            case |= {"expected": entry.sources, "tags": ["feedback", "rated_up"]}
            lines.append(_yaml_item(case))
        elif entry.rating is not None and entry.rating < 0:
            case |= {"expected": [], "tags": ["feedback", "rated_down"]}
            lines.append(
                "# À revoir (réponse jugée mauvaise ; sources citées : "
                f"{', '.join(entry.sources) or 'aucune'})"
            )
            lines.extend(f"# {line}" for line in _yaml_item(case).splitlines())
            lines.append("")
    return "\n".join(lines)


def _yaml_item(case: dict[str, Any]) -> str:
    text = yaml.safe_dump([case], allow_unicode=True, sort_keys=False, width=1000)
    return text + "\n"


def export_feedback(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fichier (sinon la sortie standard).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="jsonl (tout) ou yaml (jeu d'évaluation).")
    ] = "jsonl",
    rated_only: Annotated[
        bool, typer.Option("--rated-only", help="Seulement les avis notés.")
    ] = False,
) -> None:
    """Exporte les questions, réponses et avis 👍/👎 pour enrichir le jeu d'évaluation."""
    if fmt not in ("jsonl", "yaml"):
        raise OperationUsageError(
            f"unknown format {fmt}", user_message="--format attendu : jsonl ou yaml."
        )
    with _opened_store() as store:
        entries = store.list_feedback()
    if rated_only:
        entries = [entry for entry in entries if entry.rating is not None]
    if fmt == "yaml":
        text = _feedback_yaml(entries)
    else:
        text = "".join(
            json.dumps(_feedback_record(entry), ensure_ascii=False) + "\n" for entry in entries
        )
    if output is None:
        sys.stdout.write(text)
        return
    write_atomically(output, text.encode("utf-8"))
    err_console.print(f"{len(entries)} avis exportés dans {output}", markup=False)


def _user_id(raw: str) -> str:
    """``123`` → ``tg:123`` (a Telegram id); ``tg:123`` or ``cli:nom`` as they are."""
    raw = raw.strip()
    if raw.isdigit():
        return f"tg:{raw}"
    channel, colon, name = raw.partition(":")
    if not colon or not channel.isalpha() or not name:
        raise OperationUsageError(
            f"not a user id: {raw}",
            user_message="Identifiant attendu : le numéro Telegram (123456789) ou la forme "
            "canal:nom (tg:123456789, cli:dupont).",
        )
    return raw


def erase_user_command(
    user: Annotated[str, typer.Argument(help="Identifiant Telegram (123456789) ou canal:nom.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Ne pas demander confirmation.")
    ] = False,
) -> None:
    """Efface les données d'un utilisateur (conversations, brouillons, avis, nom affiché), comme
    /supprimer_mes_donnees ; la décision d'accès le concernant est conservée."""
    from agent.erasure import erase_user

    user_id = _user_id(user)
    if not yes:
        if not sys.stdin.isatty():
            raise OperationUsageError(
                "erase-user needs --yes when not interactive",
                user_message="Effacement non interactif : ajoutez --yes pour confirmer.",
            )
        if not typer.confirm(f"Effacer définitivement les données de {user_id} ?"):
            console.print("Effacement annulé : rien n'a été modifié.", markup=False)
            return
    with _sigterm_interrupts(), _opened_store() as store:
        erased = erase_user(store, user_id, keep_access=True)
    if not erased.anything:
        console.print(f"Aucune donnée à effacer pour {user_id}.", markup=False)
        return
    console.print(
        f"Données de {user_id} effacées : {erased.sessions} conversation(s), {erased.drafts} "
        f"brouillon(s), {erased.feedback} avis ; nom affiché retiré. Les fichiers de la base ne "
        "gardent plus ces données (les sauvegardes déjà faites, si).",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.command("erase-user")(erase_user_command)
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("export-feedback")(export_feedback)
