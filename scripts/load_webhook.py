#!/usr/bin/env python
"""Scale figures: 1 and 2 ``care-bot telegram --webhook`` replicas on one database.

The fake Bot API of the tests plays Telegram and a round-robin dispatcher: it POSTs each update
(with the secret token) to the replicas in turn, so a user's consecutive messages land on
different replicas and their conversation state must come from the shared store. Simulated
users send their messages one after the other (waiting for each reply), all at once. For each
configuration: throughput, p50/p95 reply latency, errors, peak RSS per replica; then the ratio
2-vs-1.

The database is a shared SQLite file (WAL) by default, or PostgreSQL with ``--database-url``
(a fresh schema per configuration, dropped afterwards; ``.ci/services.sh`` starts a server on
127.0.0.1:55432). Telegram's flood limit is per bot, not per replica, so it is off by default
here (``--max-rate 0``) to measure what the replicas themselves can do.

Usage: scripts/load_webhook.py [--users 200] [--messages 5] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load_telegram import (  # noqa: E402
    FIRST_USER,
    Results,
    faq_questions,
    is_message,
    peak_rss_mb,
    percentile,
    run_users,
    user_script,
)

from tests.bot.e2e_support import TOKEN, BotProcess, bot_env, free_port  # noqa: E402
from tests.bot.fake_bot_api import Call, FakeBotApi  # noqa: E402

SECRET = "load-Secret_0123456789"
Figures = dict[str, float]


def build_index(data_dir: Path) -> None:
    """``care-bot index`` once; every replica gets a copy of the built index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARE_", "TELEGRAM_"))}
    env |= {"CARE_DATA_DIR": str(data_dir), "CHROMA_URL": ""}
    subprocess.run(
        [sys.executable, "-m", "bot", "index"], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


@contextlib.contextmanager
def database(url: str | None, tmp: Path, name: str) -> Iterator[str]:
    """A fresh shared database for one configuration."""
    if url is None:
        yield f"sqlite:///{tmp / f'{name}.sqlite3'}"
        return
    from tests.ops.services import fresh_schema

    with fresh_schema(url) as schema_url:
        yield schema_url


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def registered(url: str) -> Callable[[Call], bool]:
    """Whether a setWebhook call came from the replica serving ``url``."""
    return lambda call: call.params.get("url") == url


def start_replicas(
    fake: FakeBotApi, count: int, index: Path, db_url: str, tmp: Path, args: argparse.Namespace
) -> list[tuple[BotProcess, str]]:
    users = [FIRST_USER + n for n in range(args.users + 1)]
    replicas: list[tuple[BotProcess, str]] = []
    for number in range(count):
        data_dir = tmp / f"replica-{count}-{number}"
        shutil.copytree(index / "chroma", data_dir / "chroma")
        port = free_port()
        url = f"http://127.0.0.1:{port}/telegram"
        env = bot_env(
            fake, data_dir, users, CARE_DATABASE_URL=db_url, CARE_WEBHOOK_SECRET=SECRET,
            CARE_TELEGRAM_MAX_RATE=args.max_rate,
        )  # fmt: skip
        webhook = ("--webhook", "--listen", "127.0.0.1", "--port", str(port), "--url", url)
        replicas.append((BotProcess(fake, env, data_dir / "bot.log", webhook), url))
    try:
        for replica, url in replicas:
            replica.wait_ready("setWebhook", 300, registered(url))
            check_health(replica, url)
    except BaseException:
        for replica, _ in replicas:
            replica.close()
        raise
    return replicas


def check_health(replica: BotProcess, url: str) -> None:
    try:
        with urllib.request.urlopen(url.replace("/telegram", "/health"), timeout=10) as up:
            assert up.status == 200
    except OSError as exc:
        raise SystemExit(f"replica {url} not healthy ({exc}):\n{replica.tail()}") from exc


def run_configuration(count: int, index: Path, tmp: Path, args: argparse.Namespace) -> Figures:
    questions = faq_questions()
    users = [FIRST_USER + 1 + n for n in range(args.users)]
    scripts = {user: user_script(n, args.messages, questions) for n, user in enumerate(users)}
    results = Results()
    with (
        database(args.database_url, tmp, f"shared-{count}") as db_url,
        FakeBotApi(TOKEN, delivery_threads=16) as fake,
    ):
        replicas = start_replicas(fake, count, index, db_url, tmp, args)
        try:
            fake.deliver_to([url for _, url in replicas], SECRET)
            for _ in replicas:  # round robin: one warm-up question per replica
                posted = fake.send_text(FIRST_USER, questions[0])
                fake.wait_for(FIRST_USER, is_message, timeout=120, since=posted)
            cpu_before = [cpu_seconds(replica.pid) for replica, _ in replicas]
            own_before, (busy_before, total_before) = time.process_time(), machine_busy()
            elapsed = run_users(fake, scripts, results)
            busy_after, total_after = machine_busy()
            replica_cpu = [
                cpu_seconds(replica.pid) - before
                for (replica, _), before in zip(replicas, cpu_before, strict=True)
            ]
            own_cpu = time.process_time() - own_before
            busy = (busy_after - busy_before) / (total_after - total_before)
            peaks = [peak_rss_mb(replica.pid)[1] for replica, _ in replicas]
            exits = [replica.terminate() for replica, _ in replicas]
            delivery_errors = fake.delivery_errors
        finally:
            for replica, _ in replicas:
                replica.close()
    log_errors = [
        line
        for replica, _ in replicas
        for line in replica.log.read_text().splitlines()
        if " ERROR " in line
    ]
    errors = results.errors + delivery_errors + log_errors
    errors += [f"replica exit code {code}" for code in exits if code]
    answered = results.all_latencies or [float("nan")]
    figures = {
        "throughput": len(results.all_latencies) / elapsed,
        "p50": percentile(answered, 0.5) * 1000,
        "p95": percentile(answered, 0.95) * 1000,
        "errors": float(len(errors)),
    }
    sent = sum(len(steps) for steps in scripts.values())
    print(f"\n== {count} replica(s), {args.users} users × {args.messages} messages")
    print(f"messages sent {sent}, answered {len(results.all_latencies)}, errors {len(errors)}")
    for error in errors[:10]:
        print(f"  error: {error}")
    print(f"throughput {figures['throughput']:.1f} messages/s ({elapsed:.1f} s)")
    print(f"reply latency p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms")
    print("peak RSS per replica (VmHWM): " + ", ".join(f"{peak:.0f} MB" for peak in peaks))
    print(
        "CPU during the run: replicas "
        + " + ".join(f"{cpu:.1f} s" for cpu in replica_cpu)
        + f" ({1000 * sum(replica_cpu) / sent:.1f} ms per message)"
        + f"; load generator + fake Bot API {own_cpu:.1f} s; "
        f"machine busy {100 * busy:.0f} % of {os.cpu_count()} cores"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--database-url", help="postgresql://… (default: a shared SQLite file)")
    parser.add_argument("--max-rate", default="0", help="CARE_TELEGRAM_MAX_RATE of each replica")
    args = parser.parse_args()
    store = "PostgreSQL" if args.database_url else "SQLite (WAL, one shared file)"
    print(f"store: {store}; flood limiter per replica: {args.max_rate or 0} requests/s (0 = off)")
    with tempfile.TemporaryDirectory(prefix="care-scale-") as name:
        tmp = Path(name)
        build_index(tmp / "index")
        one = run_configuration(1, tmp / "index", tmp, args)
        two = run_configuration(2, tmp / "index", tmp, args)
    print("\n== 2 replicas vs 1")
    print(f"throughput {two['throughput'] / one['throughput']:.2f}×, "
          f"p50 {two['p50'] / one['p50']:.2f}×, p95 {two['p95'] / one['p95']:.2f}×, "
          f"errors {int(one['errors'])} → {int(two['errors'])}")  # fmt: skip


if __name__ == "__main__":
    main()
