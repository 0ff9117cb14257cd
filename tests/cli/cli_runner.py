"""``care-bot`` run in this process, through its real entry point ``bot.cli.main``.

Starting an interpreter costs seconds (the CLI tests used to start one per call). ``run_cli``
runs the same ``main`` with the given arguments, with exactly the given environment, standard
input and working directory, and returns its exit code and what it printed, like a subprocess
would. tests/cli/test_cli_startup.py keeps the real subprocess smoke test of the entry points.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str


def run_cli(
    args: Sequence[str],
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    cwd: Path = ROOT,
) -> CliRun:
    """``care-bot ARGS``; ``env`` replaces the whole environment (None: keep this process's)."""
    changes: dict[str, str | None] = {}
    if env is not None:
        changes = {key: None for key in os.environ if key not in env}
        changes.update(env)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # main() configures logging: put it back
    previous = Path.cwd()
    with CliRunner().isolation(input=stdin, env=changes) as (out, err, _):
        os.chdir(cwd)
        try:
            code = main(list(args))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.chdir(previous)
            root.handlers[:] = handlers
            root.setLevel(level)
        stdout, stderr = out.getvalue(), err.getvalue()
    return CliRun(code, stdout.decode(), stderr.decode())
