"""Docker HEALTHCHECK: webhook mode asks the bot's ``/health``; polling mode checks the store.

Exit 0 healthy, 1 unhealthy (Docker's convention). No third-party import in webhook mode.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path


def _webhook_mode() -> bool:
    try:
        command = Path("/proc/1/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"--webhook" in command


def _check_webhook() -> bool:
    port = os.environ.get("CARE_WEBHOOK_PORT", "8443")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=8) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _check_store() -> bool:
    from bot.container import open_store
    from bot.settings import load_settings

    try:
        store = open_store(load_settings())
        try:
            store.get_user("health-check")
        finally:
            store.close()
    except Exception as exc:
        print(f"store unavailable: {exc}", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if (_check_webhook() if _webhook_mode() else _check_store()) else 1)
