"""What the per-user turn lock costs: medians of ``Assistant.handle`` with and without it.

    .venv/bin/python scripts/bench_turn_lock.py [--postgres postgresql://…] [--turns 300]

For each store (SQLite in a temporary directory, PostgreSQL if a URL is given) it prints the
median time of an empty ``user_turn`` (take + release), then the median latency of two kinds of
turns, interleaved in the same run with and without the lock: a command (``/aide``, one load and
one save) and a drafting answer (the fiche projet interview, which also reads and saves the
draft). The lock is disabled by a store subclass whose ``user_turn`` does nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.store import SqliteStore  # noqa: E402
from agent.store.sql import SqlStore  # noqa: E402
from agent.turns import Turn  # noqa: E402
from tests.agent.test_store_turns import SETUP, answer_text, drafting_assistant  # noqa: E402


def _unlocked(base: type[SqlStore]) -> type[Any]:
    class Unlocked(base):  # type: ignore[valid-type, misc]
        @contextmanager
        def user_turn(self, user_id: str) -> Iterator[None]:
            yield

    return Unlocked


def _median_ms(samples: list[float]) -> float:
    return 1000 * statistics.median(samples)


def bench(label: str, locked: Any, unlocked: Any, turns: int) -> None:
    empty: list[float] = []
    for _ in range(turns):
        started = time.perf_counter()
        with locked.user_turn("bench"):
            pass
        empty.append(time.perf_counter() - started)
    print(f"{label}: empty user_turn median {_median_ms(empty):.3f} ms")
    for kind in ("/aide", "drafting answer"):
        times: dict[bool, list[float]] = {True: [], False: []}
        assistants = {
            flag: drafting_assistant(store) for flag, store in ((True, locked), (False, unlocked))
        }
        for flag, assistant in assistants.items():
            user = f"bench-{kind}-{flag}"
            if kind != "/aide":
                for value in SETUP:
                    action = value if value.startswith("dr:") else None
                    assistant.handle(Turn(user, "" if action else value, action))
        for n in range(turns):
            for flag, assistant in assistants.items():  # interleaved: same conditions for both
                user = f"bench-{kind}-{flag}"
                text = "/aide" if kind == "/aide" else answer_text(n)
                turn = Turn(user, text)
                started = time.perf_counter()
                assistant.handle(turn)
                times[flag].append(time.perf_counter() - started)
        with_lock, without = _median_ms(times[True]), _median_ms(times[False])
        print(
            f"{label}: {kind:16} median {with_lock:.3f} ms with the lock, {without:.3f} ms "
            f"without (ratio {with_lock / without:.2f}, +{with_lock - without:.3f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a schema is made and dropped)")
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        locked = SqliteStore(Path(folder) / "locked.sqlite3")
        unlocked = _unlocked(SqliteStore)(Path(folder) / "unlocked.sqlite3")
        bench("SQLite", locked, unlocked, args.turns)
        locked.close()
        unlocked.close()
    if args.postgres:
        from agent.store.postgres import PostgresStore
        from tests.ops.services import fresh_schema

        with fresh_schema(args.postgres) as url:  # a throw-away schema, dropped after
            locked_pg = PostgresStore(url)
            unlocked_pg = _unlocked(PostgresStore)(url)
            bench("PostgreSQL", locked_pg, unlocked_pg, args.turns)
            locked_pg.close()
            unlocked_pg.close()


if __name__ == "__main__":
    main()
