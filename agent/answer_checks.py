"""What an answer must and must not say: the answer-level keys of the evaluation set.

Each entry of ``tests/data/eval_questions.yaml`` may carry, beside its retrieval keys (id,
question, expected, tags, out_of_scope), the keys agreed in the evaluation schema::

    dispositif: D2                 # optional: the dispositif the question is about
    must:                          # ALL groups must match the answer text
      - ["31 octobre 2025", "31/10/2025"]   # a group: alternatives, any one matches
      - "eCaRE"                    # a group of one pattern may be written as a string
    must_not: ["30 juin 2025"]     # NONE may match (another dispositif's date, …)
    decline: true                  # out of scope: the assistant must decline…
    redirect: [["cnil", "dpo"]]    # … and its decline must name the contact (ALL groups)
    previous: ["question before"]  # follow-ups: the earlier questions of the conversation

Patterns are Python regexes matched with ``re.search`` on the *folded* answer text
(``care_common.french_text.fold_phrase``): lower case, accents removed, typographic apostrophes
and non-breaking spaces normalised, whitespace runs collapsed. Patterns are written in that
folded form.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from care_common.french_text import fold_phrase
from retrieval import KnowledgeFileError
from retrieval.knowledge.yaml_files import read_entries

Group = tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class AnswerCase:
    """One question of the evaluation set with what its answer must (not) say."""

    id: str
    question: str
    out_of_scope: bool
    tags: tuple[str, ...] = ()
    dispositif: str | None = None
    must: tuple[Group, ...] = ()
    must_not: tuple[re.Pattern[str], ...] = ()
    decline: bool = False
    redirect: tuple[Group, ...] = ()
    previous: tuple[str, ...] = ()

    @property
    def checked(self) -> bool:
        """True when the case says something about the answer (not only retrieval)."""
        return bool(self.must or self.must_not or self.decline)


@dataclass(frozen=True)
class Verdict:
    """How one answer measures against its case."""

    missing: tuple[tuple[str, ...], ...]  # the must groups that no alternative matched
    forbidden: tuple[str, ...]  # the must_not patterns that matched
    declined: bool
    redirect_missing: tuple[tuple[str, ...], ...]  # the redirect groups a decline lacks

    @property
    def accurate(self) -> bool:
        """Every must group matched and no must_not pattern did (the schema's definition)."""
        return not self.missing and not self.forbidden

    @property
    def declined_correctly(self) -> bool:
        return self.declined and not self.redirect_missing


def matches(group: Group, folded: str) -> bool:
    """True when one alternative of the group is found in the folded text."""
    return any(pattern.search(folded) for pattern in group)


def judge(case: AnswerCase, text: str, found: bool) -> Verdict:
    """Check one answer (its body, ``Answer.text``; ``found`` False for a decline)."""
    folded = fold_phrase(text)
    return Verdict(
        missing=tuple(_sources(g) for g in case.must if not matches(g, folded)),
        forbidden=tuple(p.pattern for p in case.must_not if p.search(folded)),
        declined=not found,
        redirect_missing=tuple(_sources(g) for g in case.redirect if not matches(g, folded)),
    )


def _sources(group: Group) -> tuple[str, ...]:
    return tuple(pattern.pattern for pattern in group)


# -- loading ----------------------------------------------------------------------------------


def load_answer_cases(path: Path) -> list[AnswerCase]:
    """Every entry of an evaluation YAML file, with its answer-level keys compiled.

    Raises ``KnowledgeFileError`` (file, line, reason) on a malformed entry or pattern.
    """
    path = Path(path)
    cases: list[AnswerCase] = []
    for position, entry in enumerate(read_entries(path), start=1):
        question = str(entry.get("question") or "").strip()
        if not question:
            raise KnowledgeFileError(path, entry.line, "question vide")
        out_of_scope = bool(entry.get("out_of_scope", False))
        decline = bool(entry.get("decline", False))
        if decline and not out_of_scope:
            raise KnowledgeFileError(path, entry.line, "decline: true sans out_of_scope: true")
        must = _groups(path, entry.line_of("must"), entry.get("must"))
        redirect = _groups(path, entry.line_of("redirect"), entry.get("redirect"))
        if redirect and not decline:
            raise KnowledgeFileError(path, entry.line, "redirect sans decline: true")
        cases.append(
            AnswerCase(
                id=str(entry.get("id") or f"q{position:03d}"),
                question=question,
                out_of_scope=out_of_scope,
                tags=tuple(str(t) for t in entry.get("tags") or ()),
                dispositif=_optional(entry.get("dispositif")),
                must=must,
                must_not=tuple(
                    p
                    for group in _groups(path, entry.line_of("must_not"), entry.get("must_not"))
                    for p in group
                ),
                decline=decline,
                redirect=redirect,
                previous=tuple(str(q) for q in entry.get("previous") or ()),
            )
        )
    return cases


def _optional(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _groups(path: Path, line: int, value: Any) -> tuple[Group, ...]:
    """A list of groups; each group a pattern or a list of alternative patterns."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise KnowledgeFileError(path, line, "liste de motifs attendue")
    return tuple(_group(path, line, item) for item in value)


def _group(path: Path, line: int, item: Any) -> Group:
    alternatives: Sequence[Any] = item if isinstance(item, list) else [item]
    if not alternatives:
        raise KnowledgeFileError(path, line, "groupe de motifs vide")
    return tuple(_compile(path, line, alternative) for alternative in alternatives)


def _compile(path: Path, line: int, pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise KnowledgeFileError(path, line, f"motif invalide {pattern!r} (texte attendu)")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise KnowledgeFileError(path, line, f"motif {pattern!r} invalide ({exc})") from exc
