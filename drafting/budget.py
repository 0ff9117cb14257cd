"""Budget arithmetic: line totals (HT + TVA = TTC), column totals, financing plan.

An amount nobody gave stays unknown (``None``): a skipped TVA is not « 0,00 € » and its line's
TTC is not its HT; a total over a column with an unknown amount is unknown too, and so is what
depends on it (the rest to be funded by the establishment).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from drafting.validators import InvalidValue, parse_amount, parse_amount_or_rate

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BudgetLine:
    poste: str
    ht: Decimal | None
    tva: Decimal | None
    tva_rate: str  # "20 %" when the TVA was given as a rate, else ""
    demande: Decimal | None

    @property
    def ttc(self) -> Decimal | None:
        return None if self.ht is None or self.tva is None else self.ht + self.tva


def total(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None when one amount is unknown."""
    values = list(amounts)
    if any(value is None for value in values):
        return None
    return sum((value for value in values if value is not None), ZERO)


@dataclass(frozen=True)
class Budget:
    lines: tuple[BudgetLine, ...]
    other_funding: tuple[tuple[str, Decimal | None], ...]

    @property
    def total_ht(self) -> Decimal | None:
        return total(line.ht for line in self.lines)

    @property
    def total_tva(self) -> Decimal | None:
        return total(line.tva for line in self.lines)

    @property
    def total_ttc(self) -> Decimal | None:
        return total(line.ttc for line in self.lines)

    @property
    def total_demande(self) -> Decimal | None:
        return total(line.demande for line in self.lines)

    @property
    def total_autres(self) -> Decimal | None:
        return total(amount for _, amount in self.other_funding)

    @property
    def reste_a_charge(self) -> Decimal | None:
        """What the establishment funds itself (negative when the plan exceeds the cost)."""
        parts = (self.total_ttc, self.total_demande, self.total_autres)
        if any(part is None for part in parts):
            return None
        ttc, demande, autres = (part or ZERO for part in parts)
        return ttc - demande - autres

    @property
    def lines_without_tva(self) -> int:
        return sum(1 for line in self.lines if line.ht is not None and line.tva is None)


def _amount(raw: Any) -> Decimal | None:
    """A valid amount, or None for a missing/invalid one (validation reports those)."""
    if raw is None or raw == "":
        return None
    try:
        return Decimal(parse_amount(raw))
    except InvalidValue:
        return None


def _tva(raw: Any, ht: Decimal | None) -> tuple[Decimal | None, str]:
    if raw is None or raw == "":
        return None, ""
    try:
        value = parse_amount_or_rate(raw)
    except InvalidValue:
        return None, ""
    if not value.endswith("%"):
        return Decimal(value), ""
    label = f"{value[:-1].replace('.', ',')} %"
    if ht is None:
        return None, label
    return (ht * Decimal(value[:-1]) / 100).quantize(CENT, rounding=ROUND_HALF_UP), label


def compute_budget(lines: Sequence[Any], other_funding: Sequence[Any] = ()) -> Budget:
    """Totals from ``budget`` and ``autres_financements`` items (tolerates bad items)."""
    budget_lines = []
    for item in lines:
        data = item if isinstance(item, dict) else {}
        ht = _amount(data.get("montant_ht"))
        tva, rate = _tva(data.get("tva"), ht)
        budget_lines.append(
            BudgetLine(
                poste=str(data.get("poste") or ""),
                ht=ht,
                tva=tva,
                tva_rate=rate,
                demande=_amount(data.get("financement_demande")),
            )
        )
    others = tuple(
        (str(item.get("financeur") or ""), _amount(item.get("montant")))
        for item in other_funding
        if isinstance(item, dict)
    )
    return Budget(lines=tuple(budget_lines), other_funding=others)
