"""How deeply an answers file nests, measured before anything parses it.

The YAML composer and ``json.loads`` are recursive: a small file of ``[[[[…]]]]`` (a few hundred
kilobytes) exhausts Python's stack (``RecursionError``). An answers file needs a few levels
(section, list, item), so ``check_nesting`` refuses anything deeper than ``MAX_DEPTH`` first,
with a French message and one log line. Both measures are iterative: a JSON file's brackets are
counted outside its strings; a YAML file's block and flow collections are counted from the
tokens of PyYAML's scanner (lexing only, no recursion).
"""

from __future__ import annotations

import logging

import yaml
from yaml.tokens import (
    BlockEndToken,
    BlockMappingStartToken,
    BlockSequenceStartToken,
    FlowMappingEndToken,
    FlowMappingStartToken,
    FlowSequenceEndToken,
    FlowSequenceStartToken,
)

from drafting.errors import AnswersFileError

logger = logging.getLogger(__name__)

MAX_DEPTH = 20
_OPEN = (BlockMappingStartToken, BlockSequenceStartToken, FlowMappingStartToken,
         FlowSequenceStartToken)  # fmt: skip
_CLOSE = (BlockEndToken, FlowMappingEndToken, FlowSequenceEndToken)


def json_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (stops counting past ``limit``)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif char in "]}":
            depth -= 1
    return deepest


def yaml_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of YAML collections (0 when the text does not even scan: the parser
    then reports the syntax error itself)."""
    depth = deepest = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, _OPEN):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > limit:
                    break
            elif isinstance(token, _CLOSE):
                depth -= 1
    except yaml.YAMLError:
        return deepest if deepest > limit else 0
    return deepest


def check_nesting(text: str, filename: str, limit: int = MAX_DEPTH) -> None:
    """Raise ``AnswersFileError`` when the file nests deeper than ``limit`` levels."""
    is_json = filename.lower().endswith(".json")
    depth = json_depth(text, limit) if is_json else yaml_depth(text, limit)
    if depth <= limit:
        return
    logger.warning("answers file refused: nested more than %d levels deep", limit)
    raise AnswersFileError(
        f"answers file nested more than {limit} levels deep",
        user_message=(
            f"{filename or 'Le fichier'} est imbriqué sur plus de {limit} niveaux : un fichier de "
            "réponses n'en a que quelques-uns (rubrique, liste, élément). Repartez du modèle "
            "(tapez « modèle » pendant le dialogue)."
        ),
    )
