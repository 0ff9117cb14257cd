"""Access to the test servers started by ``.ci/run`` (see ``.ci/services.sh``).

Locally a test needing a server is skipped with the reason when its variable is unset; in CI
(``CARE_REQUIRE_SERVICES=1``) a missing server is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest


def service_url(variable: str, what: str) -> str:
    url = os.environ.get(variable, "").strip()
    if url:
        return url
    reason = f"{variable} is not set: no {what} to test against (.ci/run starts one)"
    if os.environ.get("CARE_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def postgres_url() -> str:
    return service_url("CARE_TEST_DATABASE_URL", "PostgreSQL server")


def chroma_url() -> str:
    return service_url("CARE_TEST_CHROMA_URL", "Chroma server")


def with_schema(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` (libpq ``options=-csearch_path=…``) and are
    named after it (``application_name``), so a test can find its own connections."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}&application_name={schema}"


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A database URL pointing to a new, empty schema, dropped afterwards."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
    try:
        yield with_schema(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[arg-type]


def chroma_executable() -> str:
    """The ``chroma`` CLI of the installed chromadb package (next to this Python first)."""
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        pytest.fail("the chroma CLI of the chromadb package is not installed")
    return found
