"""Answers: the nested dict a referent fills (file or dialogue), addressed by field paths.

A path names a value: ``titre``, ``etablissement.finess_ej``, ``budget[2].montant_ht``. Keys that
start with ``_`` (e.g. ``_meta``, the dialogue's bookkeeping) are never validated or rendered.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import yaml

from drafting.errors import AnswersFileError
from drafting.nesting import check_nesting

MAX_ANSWERS_BYTES = 1_000_000
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

Answers = dict[str, Any]


def split_path(path: str) -> list[str | int]:
    """``"budget[2].montant_ht"`` → ``["budget", 2, "montant_ht"]``."""
    parts: list[str | int] = []
    for name, index in _PART.findall(path):
        parts.append(int(index) if index else name)
    return parts


def join_path(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def get_path(answers: Any, path: str) -> Any:
    """The value at ``path``, or ``None`` when any step is absent or of the wrong shape."""
    node = answers
    for part in split_path(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
            node = node[part]
        else:
            if not isinstance(node, dict):
                return None
            node = node.get(part)
    return node


def set_path(answers: Answers, path: str, value: Any) -> None:
    """Set ``path`` to ``value``, creating sections and list items as needed."""
    parts = split_path(path)
    node: Any = answers
    for position, part in enumerate(parts):
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
        if position == len(parts) - 1:
            node[part] = value
            return
        wanted: type = list if isinstance(parts[position + 1], int) else dict
        child = node[part] if isinstance(part, int) else node.get(part)
        if not isinstance(child, wanted):
            child = wanted()
            node[part] = child
        node = child


def delete_path(answers: Answers, path: str) -> None:
    """Remove the value at ``path`` (a list item is removed, shifting the following ones)."""
    parts = split_path(path)
    parent = get_path(answers, join_path(parts[:-1])) if len(parts) > 1 else answers
    last = parts[-1]
    if isinstance(last, int) and isinstance(parent, list) and last < len(parent):
        del parent[last]
    elif isinstance(last, str) and isinstance(parent, dict):
        parent.pop(last, None)


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def public_answers(answers: Answers) -> Answers:
    """The answers without bookkeeping keys (``_meta``…), e.g. for an export."""
    return {k: v for k, v in answers.items() if not str(k).startswith("_")}


_ALIAS_REFUSED = "aliases are refused"


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases: blocks "billion laughs" files."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.constructor.ConstructorError(None, None, _ALIAS_REFUSED, event.start_mark)
        return super().compose_node(parent, index)


def _plain(value: Any) -> Any:
    """Dates → ISO strings, keys → strings, recursively (what YAML may produce)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_answers(content: bytes, filename: str = "") -> Answers:
    """Parse an answers file (YAML or JSON, UTF-8) into a dict; French errors otherwise."""
    name = filename or "le fichier"
    if len(content) > MAX_ANSWERS_BYTES:
        raise AnswersFileError(
            f"answers file too large: {len(content)} bytes",
            user_message=f"{name} est trop volumineux (1 Mo au maximum pour des réponses).",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswersFileError(
            f"answers file is not UTF-8: {exc}",
            user_message=(
                f"{name} n'est pas encodé en UTF-8 (octet invalide à la position {exc.start}). "
                "Enregistrez-le en UTF-8 depuis votre éditeur, puis réessayez."
            ),
        ) from exc
    check_nesting(text, name)  # before any recursive parser sees it
    try:
        if filename.lower().endswith(".json"):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})"
        elif isinstance(exc, json.JSONDecodeError):
            where = f" (ligne {exc.lineno}, colonne {exc.colno})"
        hint = (
            f"les alias YAML (*nom) ne sont pas acceptés : recopiez les valeurs{where}."
            if _ALIAS_REFUSED in str(getattr(exc, "problem", ""))
            else f"Vérifiez l'indentation et les guillemets{where}, ou repartez du modèle de "
            "fichier de réponses."
        )
        raise AnswersFileError(
            f"answers file is not YAML/JSON: {exc}",
            user_message=f"{name} n'est pas un fichier YAML ou JSON valide : {hint}",
        ) from exc
    if not isinstance(data, dict):
        kind = "vide" if data is None else f"de type {type(data).__name__}"
        raise AnswersFileError(
            f"answers file top level is {type(data).__name__}",
            user_message=(
                f"{name} doit contenir des rubriques « clé: valeur » (titre, dispositif, "
                f"etablissement…) ; son contenu est {kind}."
            ),
        )
    result: Answers = _plain(data)
    return result
