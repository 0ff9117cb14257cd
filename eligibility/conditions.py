"""A small declarative condition language over a profile, with three-valued logic.

Conditions are plain YAML mappings, compiled once when the rule tables are loaded (typos are
load errors) and never ``eval``-ed::

    {field: categorie, in: [ght, es_public_hors_ght]}     {field: organisation_pcra, equals: false}
    {field: pssi_revue_le, between: [2022-07-16, $candidature_closes]}   (inclusive bounds)
    {field: finess_eg, count: ">= 2"}                      {field: finess_ej, known: true}
    {share_of_activity_covered: "< 66"}                     {dispositif_in_scope: D2}
    {all: [...]}   {any: [...]}   {not: {...}}   {ref: name}   {always: true}

A field that is not known (absent or null in the profile) makes its comparison *unknown*;
``all``/``any``/``not`` follow Kleene's logic (``all`` is false as soon as one part is false,
whatever the unknowns). An unknown result carries the fields that would decide it, so the
engine can say what to find out. Variables: ``$as_of``, ``$candidature_opens``,
``$candidature_closes`` (dates of the table's candidature window).
"""

from __future__ import annotations

import operator
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from eligibility.profile import Profile
from eligibility.vocabulary import CATEGORIES

FIELD_TYPES: Final[dict[str, str]] = {
    "categorie": "category",
    "etablissement_support": "bool",
    "finess_ej": "text",
    "finess_eg": "list",
    "pssi_validee_representant_legal": "bool",
    "pssi_revue_le": "date",
    "organisation_pcra": "bool",
    "activite": "list",
    "dispositifs": "list",
}
VARIABLES: Final[tuple[str, ...]] = ("$as_of", "$candidature_opens", "$candidature_closes")

_COMPARATORS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_COMPARISON = re.compile(r"^(>=|<=|==|!=|>|<)\s*(\d+(?:[.,]\d+)?)$")


@dataclass(frozen=True)
class Truth:
    """``value`` is None when unknown; ``unknown`` names the fields (or variables) missing."""

    value: bool | None
    unknown: frozenset[str] = frozenset()


TRUE, FALSE = Truth(True), Truth(False)


@dataclass(frozen=True)
class Context:
    profile: Profile
    variables: Mapping[str, date | None]


class Condition(ABC):
    @abstractmethod
    def evaluate(self, ctx: Context) -> Truth: ...


@dataclass(frozen=True)
class All(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, ctx: Context) -> Truth:
        results = [part.evaluate(ctx) for part in self.parts]
        if any(r.value is False for r in results):
            return FALSE
        if any(r.value is None for r in results):
            return Truth(None, frozenset().union(*(r.unknown for r in results)))
        return TRUE


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, ctx: Context) -> Truth:
        results = [part.evaluate(ctx) for part in self.parts]
        if any(r.value is True for r in results):
            return TRUE
        if any(r.value is None for r in results):
            return Truth(None, frozenset().union(*(r.unknown for r in results)))
        return FALSE


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def evaluate(self, ctx: Context) -> Truth:
        result = self.part.evaluate(ctx)
        return result if result.value is None else Truth(not result.value)


@dataclass(frozen=True)
class Always(Condition):
    value: bool

    def evaluate(self, ctx: Context) -> Truth:
        return Truth(self.value)


@dataclass(frozen=True)
class FieldTest(Condition):
    """Applies ``test`` to a known field value; unknown when the field is not known."""

    field: str
    test: Callable[[Any, Context], Truth]

    def evaluate(self, ctx: Context) -> Truth:
        value = ctx.profile.value(self.field)
        if value is None:
            return Truth(None, frozenset({self.field}))
        return self.test(value, ctx)


@dataclass(frozen=True)
class Known(Condition):
    field: str
    expected: bool

    def evaluate(self, ctx: Context) -> Truth:
        return Truth((ctx.profile.value(self.field) is not None) == self.expected)


@dataclass(frozen=True)
class ShareCovered(Condition):
    compare: Callable[[Any, Any], bool]
    threshold: Decimal

    def evaluate(self, ctx: Context) -> Truth:
        share = ctx.profile.covered_share()
        if share is None:
            return Truth(None, frozenset({"activite"}))
        return Truth(self.compare(share, self.threshold))


@dataclass(frozen=True)
class InScope(Condition):
    dispositif: str

    def evaluate(self, ctx: Context) -> Truth:
        chosen = ctx.profile.dispositifs
        return Truth(chosen is None or self.dispositif in chosen)


# -- compilation ---------------------------------------------------------------------------
def compile_condition(
    raw: object, definitions: Mapping[str, object] | None = None, where: str = "condition"
) -> Condition:
    """Compile a YAML condition; raise ``ValueError`` naming ``where`` on any mistake."""
    return _Compiler(definitions or {}).compile(raw, where, ())


class _Compiler:
    def __init__(self, definitions: Mapping[str, object]) -> None:
        self.definitions = definitions

    def compile(self, raw: object, where: str, seen: tuple[str, ...]) -> Condition:
        if not isinstance(raw, Mapping) or not raw:
            raise ValueError(f"{where}: a condition is a non-empty mapping, got {raw!r}")
        keys = set(raw)
        if keys & {"all", "any"}:
            (key,) = _only(raw, keys, where)
            parts = raw[key]
            if not isinstance(parts, list) or not parts:
                raise ValueError(f"{where}.{key}: a non-empty list is expected")
            compiled = tuple(
                self.compile(part, f"{where}.{key}[{i}]", seen) for i, part in enumerate(parts)
            )
            return All(compiled) if key == "all" else AnyOf(compiled)
        if "not" in keys:
            _only(raw, keys, where)
            return Not(self.compile(raw["not"], f"{where}.not", seen))
        if "ref" in keys:
            _only(raw, keys, where)
            return self._ref(str(raw["ref"]), where, seen)
        if "always" in keys:
            _only(raw, keys, where)
            return Always(_bool(raw["always"], f"{where}.always"))
        if "share_of_activity_covered" in keys:
            _only(raw, keys, where)
            compare, threshold = _comparison(raw["share_of_activity_covered"], where)
            return ShareCovered(compare, threshold)
        if "dispositif_in_scope" in keys:
            _only(raw, keys, where)
            return InScope(str(raw["dispositif_in_scope"]))
        if "field" in keys:
            return _field(raw, where)
        raise ValueError(f"{where}: unknown condition keys {sorted(keys)}")

    def _ref(self, name: str, where: str, seen: tuple[str, ...]) -> Condition:
        if name not in self.definitions:
            raise ValueError(f"{where}: unknown definition {name!r}")
        if name in seen:
            raise ValueError(f"{where}: definition {name!r} refers to itself")
        return self.compile(self.definitions[name], f"definitions.{name}", (*seen, name))


def _only(raw: Mapping[str, object], keys: set[str], where: str) -> tuple[str]:
    if len(keys) != 1:
        raise ValueError(f"{where}: one operator per mapping, got {sorted(keys)}")
    return (next(iter(raw)),)


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}: true or false expected, got {value!r}")
    return value


def _comparison(raw: object, where: str) -> tuple[Callable[[Any, Any], bool], Decimal]:
    match = _COMPARISON.match(str(raw).strip())
    if match is None:
        raise ValueError(f'{where}: comparison like ">= 66" expected, got {raw!r}')
    return _COMPARATORS[match.group(1)], Decimal(match.group(2).replace(",", "."))


def _field(raw: Mapping[str, object], where: str) -> Condition:
    field = str(raw["field"])
    kind = FIELD_TYPES.get(field)
    if kind is None:
        raise ValueError(f"{where}: unknown profile field {field!r}")
    ops = set(raw) - {"field"}
    if len(ops) != 1:
        raise ValueError(f"{where}: exactly one operator expected beside 'field', got {ops}")
    op = ops.pop()
    arg = raw[op]
    where = f"{where}({field} {op})"
    if op == "known":
        return Known(field, _bool(arg, where))
    if op == "equals" and kind == "bool":
        expected = _bool(arg, where)
        return FieldTest(field, lambda value, _ctx: Truth(value == expected))
    if op in ("equals", "in") and kind == "category":
        values = arg if op == "in" else [arg]
        if not isinstance(values, list) or not values or any(v not in CATEGORIES for v in values):
            raise ValueError(f"{where}: categories among {CATEGORIES} expected, got {arg!r}")
        allowed = frozenset(str(v) for v in values)
        return FieldTest(field, lambda value, _ctx: Truth(value in allowed))
    if op == "between" and kind == "date":
        low, high = _bounds(arg, where)
        return FieldTest(field, lambda value, ctx: _between(value, low, high, ctx))
    if op == "count" and kind == "list":
        compare, threshold = _comparison(arg, where)
        return FieldTest(field, lambda value, _ctx: Truth(compare(len(value), threshold)))
    raise ValueError(f"{where}: operator {op!r} does not apply to a {kind} field")


Bound = date | str


def _bounds(arg: object, where: str) -> tuple[Bound, Bound]:
    if not isinstance(arg, list) or len(arg) != 2:
        raise ValueError(f"{where}: [start, end] expected")
    for bound in arg:
        if not isinstance(bound, date) and bound not in VARIABLES:
            raise ValueError(f"{where}: a date or one of {VARIABLES} expected, got {bound!r}")
    return arg[0], arg[1]


def _between(value: date, low: Bound, high: Bound, ctx: Context) -> Truth:
    start = ctx.variables.get(low) if isinstance(low, str) else low
    end = ctx.variables.get(high) if isinstance(high, str) else high
    missing = frozenset(str(b) for b, v in ((low, start), (high, end)) if v is None)
    if (start is not None and value < start) or (end is not None and value > end):
        return FALSE
    return Truth(None, missing) if missing else TRUE
