"""The eligibility package stays pure: no agent, retrieval, drafting or bot import, and no
third-party library but PyYAML (to load the rule tables) and the shared bottom layer
``care_common`` (itself limited to the standard library, python-stdnum and PyYAML)."""

from __future__ import annotations

import ast
import sys

from tests.eligibility.conftest import ROOT

ALLOWED = {"eligibility", "care_errors", "care_common", "yaml", "__future__"}


def test_eligibility_imports_only_the_standard_library_and_yaml() -> None:
    found: dict[str, set[str]] = {}
    for path in (ROOT / "eligibility").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in ALLOWED and top not in sys.stdlib_module_names:
                    found.setdefault(path.name, set()).add(name)
    assert found == {}


def test_care_common_imports_only_the_standard_library_stdnum_and_yaml() -> None:
    found = {
        name
        for path in (ROOT / "care_common").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
        if name.split(".")[0] not in {"care_common", "stdnum", "yaml", "__future__"}
        and name.split(".")[0] not in sys.stdlib_module_names
    }
    assert found == set()
