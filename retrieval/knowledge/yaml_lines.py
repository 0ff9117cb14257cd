"""YAML loading that remembers line numbers, so knowledge errors can name the line."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from retrieval.errors import KnowledgeFileError


class LinedDict(dict[str, Any]):
    """A YAML mapping with the 1-based line of the mapping and of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml if any


class _LineLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader whose mappings are LinedDict and which rejects duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LinedDict:
    loader.flatten_mapping(node)
    mapping = LinedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | date):
            raise yaml.constructor.ConstructorError(
                None, None, "clé non textuelle", key_node.start_mark
            )
        key = str(key)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"clé en double : {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> date | datetime:
    try:
        value: date | datetime = yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"date invalide {node.value!r} ({exc})", node.start_mark
        ) from exc
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text; errors become KnowledgeFileError with the line in the file.

    ``first_line`` is the file line where ``text`` starts (front matter starts at line 2).
    """
    padded = "\n" * (first_line - 1) + text  # so that YAML marks are lines of the file
    try:
        return yaml.load(padded, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise KnowledgeFileError(path, line, f"YAML invalide : {reason}") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeFileError(path, None, f"YAML invalide : {exc}") from exc


def line_of(data: object, key: str, default: int | None = None) -> int | None:
    """Line of ``key`` in a LinedDict (or of the mapping itself), else ``default``."""
    if isinstance(data, LinedDict):
        return data.line_of(key)
    return default
