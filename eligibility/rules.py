"""Versioned rule tables: ``knowledge/eligibility/<table id>/<version>.yaml``.

Each file is one published version of one table and is never edited afterwards: a rule change
is a new file with a higher ``version`` ("YYYY.N") and a later ``valid_from``. ``RuleBook``
holds every version; ``RuleBook.select`` picks, per table, the version in force on a date
(the latest ``valid_from`` not after it) or the latest version not above a given rule-set
version, so a past answer can be reproduced and explained.

A correction (the published version misstated a fact of its own period) is a new version with
``corrects: <version>`` and the SAME ``valid_from``: dated selection then always prefers the
correction, while ``--rules-version <old>`` still reproduces what was answered before.

Each rule may say what it rests on (``basis``, see ``vocabulary.BASES``) and which note facts it
repeats (``facts: [note-id#fact-id]``, see knowledge/README.md): a verdict resting only on an
inference, one non-official source or one third-party transcription cannot be confirmed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from eligibility.conditions import Condition, compile_condition
from eligibility.errors import RuleTableError, UnknownRulesVersionError
from eligibility.vocabulary import (
    BASES,
    CERTAINTIES,
    DECISIVE_OUTCOMES,
    OUTCOMES,
    WEAK_BASES,
    WINDOW_KINDS,
)

_VERSION = re.compile(r"^(\d{4})\.(\d+)$")
_FACT_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*#[a-z0-9]+(?:-[a-z0-9]+)*$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_RULE_ID = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$")


def version_key(version: str) -> tuple[int, int]:
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"version {version!r} is not of the form YYYY.N")
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True)
class Window:
    kind: str  # candidature | declaration | paiement
    label: str
    opens: date | None
    closes: date | None
    certainty: str
    sources: tuple[str, ...]
    when_open: str = ""
    when_closed: str = ""
    when_upcoming: str = ""
    when_unknown: str = ""
    facts: tuple[str, ...] = ()  # note facts its dates repeat ("note-id#fact-id")


@dataclass(frozen=True)
class Rule:
    id: str
    condition: Condition
    outcome: str
    reason: str
    certainty: str
    sources: tuple[str, ...]
    missing: str = ""  # item of the to-do list (or the objective) when the rule fires
    action: str = ""  # what to do about it
    basis: str | None = None  # what the rule rests on (vocabulary.BASES); None: not stated
    facts: tuple[str, ...] = ()  # note facts it repeats ("note-id#fact-id")


@dataclass(frozen=True)
class ObligationItem:
    id: str
    title: str
    asks: str
    applies_if: Condition
    status: str  # status when ``applies_if`` holds: applicable | non_applicable
    deadline: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RuleTable:
    id: str
    title: str
    kind: str  # dispositif | obligations
    version: str
    valid_from: date
    order: int
    sources: tuple[str, ...]
    path: Path
    notes: tuple[str, ...] = ()
    windows: tuple[Window, ...] = ()
    rules: tuple[Rule, ...] = ()
    intro: str = ""
    items: tuple[ObligationItem, ...] = ()
    corrects: str = ""  # the version this one corrects (same valid_from), "" for a new period

    def window(self, kind: str) -> Window | None:
        return next((w for w in self.windows if w.kind == kind), None)


@dataclass(frozen=True)
class RuleSet:
    """One version of each table: what an evaluation uses."""

    tables: tuple[RuleTable, ...]

    @property
    def version(self) -> str:
        return max((t.version for t in self.tables), key=version_key, default="0000.0")

    @property
    def dispositifs(self) -> tuple[RuleTable, ...]:
        return tuple(t for t in self.tables if t.kind == "dispositif")

    @property
    def obligations(self) -> tuple[RuleTable, ...]:
        return tuple(t for t in self.tables if t.kind == "obligations")


@dataclass(frozen=True)
class RuleBook:
    """Every published version of every table."""

    versions_by_table: Mapping[str, tuple[RuleTable, ...]] = field(default_factory=dict)

    @property
    def dispositif_ids(self) -> tuple[str, ...]:
        latest = [versions[-1] for versions in self.versions_by_table.values()]
        return tuple(t.id for t in sorted(latest, key=lambda t: t.order) if t.kind == "dispositif")

    def versions(self) -> list[str]:
        found = {t.version for ts in self.versions_by_table.values() for t in ts}
        return sorted(found, key=version_key)

    def select(self, as_of: date, version: str | None = None) -> RuleSet:
        """Per table, the version valid on ``as_of`` — or the latest not above ``version``.

        A table with no version valid on that date did not exist yet and is left out.
        """
        if version is not None and version not in self.versions():
            raise UnknownRulesVersionError(version, self.versions())
        chosen: list[RuleTable] = []
        for versions in self.versions_by_table.values():
            if version is not None:
                candidates = [
                    t for t in versions if version_key(t.version) <= version_key(version)
                ]
            else:
                candidates = [t for t in versions if t.valid_from <= as_of]
            if candidates:
                chosen.append(candidates[-1])
        return RuleSet(tuple(sorted(chosen, key=lambda t: (t.order, t.id))))


# -- loading -------------------------------------------------------------------------------
def load_rule_book(directory: Path) -> RuleBook:
    """Load ``directory/<table>/<version>.yaml``; raise ``RuleTableError`` naming the file."""
    if not directory.is_dir():
        raise RuleTableError(f"rules directory not found: {directory}")
    by_table: dict[str, list[RuleTable]] = {}
    for path in sorted(directory.glob("*/*.yaml")):
        table = load_rule_table(path)
        by_table.setdefault(table.id, []).append(table)
    if not by_table:
        raise RuleTableError(f"no rule table under {directory}")
    result: dict[str, tuple[RuleTable, ...]] = {}
    for table_id, tables in by_table.items():
        tables.sort(key=lambda t: version_key(t.version))
        for older, newer in itertools.pairwise(tables):
            _check_succession(older, newer)
        result[table_id] = tuple(tables)
    return RuleBook(result)


def _check_succession(older: RuleTable, newer: RuleTable) -> None:
    """A new period starts later; a correction keeps the period of the version it corrects."""
    if newer.corrects:
        if newer.corrects != older.version or newer.valid_from != older.valid_from:
            raise RuleTableError(
                f"{newer.path}: corrects {newer.corrects!r} must name the previous version "
                f"({older.version}) and keep its valid_from ({older.valid_from})"
            )
    elif newer.valid_from <= older.valid_from:
        raise RuleTableError(
            f"{newer.path}: valid_from {newer.valid_from} must be later than "
            f"{older.valid_from} of version {older.version}"
        )


def load_rule_table(path: Path) -> RuleTable:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleTableError(f"{path}: cannot read rule table: {exc}") from exc
    try:
        table = _table(_Fields(raw, "table"), path)
    except ValueError as exc:
        raise RuleTableError(f"{path}: {exc}") from exc
    if table.id != path.parent.name or table.version != path.stem:
        raise RuleTableError(
            f"{path}: file must be named <id>/<version>.yaml "
            f"(here id={table.id!r}, version={table.version!r})"
        )
    return table


class _Fields:
    """Reads a YAML mapping key by key and rejects keys nobody read (typos)."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: a mapping is expected")
        self.raw: Mapping[str, Any] = raw
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.raw or self.raw[key] is None:
            if default is ...:
                raise ValueError(f"{self.where}: '{key}' is required")
            return default
        value = self.raw[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise ValueError(f"{self.where}.{key}: unexpected value {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = self.get(key, str, default)
        if value not in allowed:
            raise ValueError(f"{self.where}.{key}: {value!r} not among {allowed}")
        return str(value)

    def sources(self, required: bool = True) -> tuple[str, ...]:
        values = self.get("sources", list, ... if required else [])
        if required and not values:
            raise ValueError(f"{self.where}.sources: at least one source id is required")
        for value in values:
            if not isinstance(value, str) or not _SOURCE_ID.match(value):
                raise ValueError(f"{self.where}.sources: invalid source id {value!r}")
        return tuple(values)

    def optional_choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        value = self.get(key, str, None)
        if value is not None and value not in allowed:
            raise ValueError(f"{self.where}.{key}: {value!r} not among {allowed}")
        return None if value is None else str(value)

    def fact_refs(self) -> tuple[str, ...]:
        values = self.get("facts", list, [])
        for value in values:
            if not isinstance(value, str) or not _FACT_REF.match(value):
                raise ValueError(f"{self.where}.facts: {value!r} is not a note-id#fact-id")
        return tuple(values)

    def done(self) -> None:
        extra = set(self.raw) - self.used
        if extra:
            raise ValueError(f"{self.where}: unknown keys {sorted(extra)}")


def _table(f: _Fields, path: Path) -> RuleTable:
    version = f.get("version", str)
    version_key(version)
    definitions = f.get("definitions", dict, {})
    kind = f.choice("kind", ("dispositif", "obligations"), "dispositif")
    table = RuleTable(
        id=f.get("id", str),
        title=f.get("title", str),
        kind=kind,
        version=version,
        valid_from=f.get("valid_from", date),
        order=f.get("order", int, 100),
        sources=f.sources(),
        path=path,
        notes=tuple(str(n) for n in f.get("notes", list, [])),
        windows=tuple(
            _window(_Fields(w, f"windows[{i}]")) for i, w in enumerate(f.get("windows", list, []))
        ),
        rules=tuple(
            _rule(_Fields(r, f"rules[{i}]"), definitions)
            for i, r in enumerate(f.get("rules", list, []))
        ),
        intro=f.get("intro", str, ""),
        items=tuple(
            _item(_Fields(o, f"items[{i}]"), definitions)
            for i, o in enumerate(f.get("items", list, []))
        ),
        corrects=f.get("corrects", str, ""),
    )
    f.done()
    _check_table(table)
    return table


def _check_table(table: RuleTable) -> None:
    ids = [r.id for r in table.rules] + [o.id for o in table.items]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate rule ids {sorted(duplicates)}")
    if table.kind == "dispositif" and (not table.rules or table.window("candidature") is None):
        raise ValueError("a dispositif table needs rules and a candidature window")
    if table.kind == "obligations" and not table.items:
        raise ValueError("an obligations table needs items")


def _window(f: _Fields) -> Window:
    window = Window(
        kind=f.choice("kind", WINDOW_KINDS),
        label=f.get("label", str),
        opens=f.get("opens", date, None),
        closes=f.get("closes", date, None),
        certainty=f.choice("certainty", CERTAINTIES),
        sources=f.sources(),
        when_open=f.get("when_open", str, ""),
        when_closed=f.get("when_closed", str, ""),
        when_upcoming=f.get("when_upcoming", str, ""),
        when_unknown=f.get("when_unknown", str, ""),
        facts=f.fact_refs(),
    )
    f.done()
    if window.opens and window.closes and window.closes < window.opens:
        raise ValueError(f"{f.where}: closes before it opens")
    return window


def _rule(f: _Fields, definitions: Mapping[str, object]) -> Rule:
    rule_id = f.get("id", str)
    if not _RULE_ID.match(rule_id):
        raise ValueError(f"{f.where}: rule id {rule_id!r} must look like D2-R03-pssi-revue")
    f.where = rule_id
    rule = Rule(
        id=rule_id,
        condition=compile_condition(f.get("condition", dict), definitions, f"{rule_id}.condition"),
        outcome=f.choice("outcome", OUTCOMES),
        reason=f.get("reason", str),
        certainty=f.choice("certainty", CERTAINTIES, "confirme"),
        sources=f.sources(),
        missing=f.get("missing", str, ""),
        action=f.get("action", str, ""),
        basis=f.optional_choice("basis", BASES),
        facts=f.fact_refs(),
    )
    f.done()
    needs_item = rule.outcome in ("missing_prerequisite", "objective")
    if needs_item and not (rule.missing and rule.action):
        raise ValueError(f"{rule_id}: a {rule.outcome} rule needs 'missing' and 'action'")
    _check_basis(rule)
    return rule


def _check_basis(rule: Rule) -> None:
    """A verdict is never stronger than its evidence."""
    weak = rule.basis in WEAK_BASES and rule.outcome in DECISIVE_OUTCOMES
    if weak and rule.certainty == "confirme":
        raise ValueError(
            f"{rule.id}: a rule resting on {rule.basis!r} cannot give a confirmed "
            f"{rule.outcome!r}: mark it 'certainty: a_confirmer'"
        )


def _item(f: _Fields, definitions: Mapping[str, object]) -> ObligationItem:
    item_id = f.get("id", str)
    f.where = item_id
    item = ObligationItem(
        id=item_id,
        title=f.get("title", str),
        asks=f.get("asks", str),
        applies_if=compile_condition(
            f.get("applies_if", dict), definitions, f"{item_id}.applies_if"
        ),
        status=f.choice("status", ("applicable", "non_applicable"), "applicable"),
        deadline=f.get("deadline", str, ""),
        sources=f.sources(),
    )
    f.done()
    return item
