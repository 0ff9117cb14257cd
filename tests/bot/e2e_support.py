"""Running ``care-bot telegram`` as a real process against the fake Bot API (tests and scripts).

``BotProcess`` starts the CLI entry point (``python -m bot telegram``) with the environment
pointing at a ``FakeBotApi``, waits until the bot polls (or has set its webhook), and stops it
with SIGTERM (graceful) or SIGKILL (crash). Its log goes to a file the caller can read.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.bot.fake_bot_api import Call, FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAE2e-T3sts_abcdefghijklmnopqrstuvwxyz0"
KNOWLEDGE_PARTS = ("sources", "eligibility", "dossier")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(
    fake: FakeBotApi,
    data_dir: Path,
    allowed: Sequence[int],
    admins: Sequence[int] = (),
    **extra: str,
) -> dict[str, str]:
    """The process environment of a bot talking to ``fake``; ``extra`` adds CARE_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARE_", "TELEGRAM_"))}
    env |= {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": fake.base_url,
        "TELEGRAM_BASE_FILE_URL": fake.base_file_url,
        "CARE_DATA_DIR": str(data_dir),
        "CARE_ALLOWED_USERS": ",".join(map(str, allowed)),
        "CARE_ADMINS": ",".join(map(str, admins)),
        "CARE_LOG_LEVEL": "INFO",
        # deterministic fake vectors: the bot's whole hybrid path, without loading an encoder
        "CARE_EMBEDDINGS": "fake",
        "CHROMA_URL": "",
        "PYTHONUNBUFFERED": "1",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    env |= extra
    return env


def copy_data_dir(source: Path, target: Path) -> Path:
    """A replica's own copy of a built index (the store is configured separately)."""
    shutil.copytree(source / "chroma", target / "chroma")
    return target


class BotProcess:
    """One ``care-bot telegram`` process."""

    def __init__(
        self, fake: FakeBotApi, env: dict[str, str], log: Path, args: tuple[str, ...] = ()
    ) -> None:
        self.fake = fake
        self.log = log
        self.started = time.monotonic()
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "telegram", *args],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(
        self,
        ready_call: str = "getUpdates",
        timeout: float = 90.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> None:
        """Wait until the bot made ``ready_call`` (it polls, or it has set its webhook)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the bot exited with {self.process.returncode}:\n{self.tail()}"
                )
            try:
                self.fake.wait_for_call(ready_call, 0.5, self.started, predicate)
            except TimeoutError:
                continue
            return
        raise TimeoutError(f"the bot was not ready in {timeout} s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: a crash, nothing flushed, no clean-up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, then the exit status once the bot has shut down."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
