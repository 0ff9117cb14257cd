"""Each helper of the bottom layer has one implementation: no copy left in the other packages,
the scripts or the tests (the copies had drifted: four accent folds, two slugs, three
front-matter readers, three lists of question words)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("agent", "bot", "retrieval", "eligibility", "drafting", "facts", "scripts", "tests")
COPY_NAMES = {"fold", "_fold", "fold_answer", "_bare", "slugify", "front_matter_text"}
LIST_NAMES = {"_INTERROGATIVE", "_QUESTION_WORDS", "QUESTION_WORDS", "_MONTHS_RE"}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "care_common" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text("utf-8"))


def test_no_accent_fold_outside_care_common() -> None:
    found = {
        name
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "combining"
    }
    assert found == set()


def test_no_copy_of_a_care_common_function() -> None:
    found = {
        f"{name}:{node.name}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name in COPY_NAMES
    }
    assert found == set()


def test_no_list_of_question_words_outside_care_common() -> None:
    found = {
        f"{name}:{target.id}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in LIST_NAMES
    }
    assert found == set()


def test_no_front_matter_split_by_hand() -> None:
    found = {
        name
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "split"
        and any(isinstance(a, ast.Constant) and a.value == "---" for a in node.args)
    }
    assert found == set()
