"""docs/exploitation/configuration.md documents every field of ``bot.settings.Settings``.

A setting's environment variable is its field name in capitals (pydantic-settings, no prefix).
The page's tables, up to the section on variables read elsewhere, must name each one exactly
once, name nothing else, and give the code's default when the default cell starts with a literal.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "exploitation" / "configuration.md"
ELSEWHERE = "## Variables lues ailleurs"  # variables that are not Settings fields start here

_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|([^|]*)\|", re.MULTILINE)


def setting_rows() -> list[tuple[str, str]]:
    """(variable, default cell) of every table row naming a variable before ELSEWHERE."""
    text = PAGE.read_text(encoding="utf-8")
    assert ELSEWHERE in text, f"{PAGE.name} lost its heading {ELSEWHERE!r}"
    return [(m.group(1), m.group(2).strip()) for m in _ROW.finditer(text.split(ELSEWHERE)[0])]


def variables() -> dict[str, Any]:
    """Environment variable → default of the Settings field."""
    return {
        name.upper(): (None if field.default_factory is not None else field.default)
        for name, field in Settings.model_fields.items()
    }


def test_every_setting_is_documented() -> None:
    documented = {name for name, _ in setting_rows()}
    missing = sorted(set(variables()) - documented)
    assert not missing, f"add these settings to {PAGE.relative_to(ROOT)}: {missing}"


def test_the_tables_name_only_existing_settings_once() -> None:
    names = [name for name, _ in setting_rows()]
    unknown = sorted(set(names) - set(variables()))
    assert not unknown, f"not Settings fields (removed? move them below {ELSEWHERE!r}): {unknown}"
    duplicated = sorted({name for name in names if names.count(name) > 1})
    assert not duplicated, f"documented twice: {duplicated}"


def _same(literal: str, default: Any) -> bool:
    if isinstance(default, bool):
        return literal == str(default).lower()
    if isinstance(default, int | float):
        return float(literal) == float(default)
    if isinstance(default, Path):
        return Path(literal) == default
    return bool(literal == default)


@pytest.mark.parametrize("name,cell", setting_rows())
def test_a_literal_default_is_the_code_default(name: str, cell: str) -> None:
    literal = re.match(r"`([^`]+)`", cell)
    default = variables().get(name)
    if literal is None or default is None or isinstance(default, SecretStr):
        return  # a default described in words ("vide : …", "—")
    assert _same(literal.group(1), default), f"{name}: page says {cell!r}, code has {default!r}"
