"""Budget arithmetic: line totals (HT + TVA = TTC), column totals, financing plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from drafting.validators import InvalidValue, parse_amount, parse_amount_or_rate

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BudgetLine:
    poste: str
    ht: Decimal
    tva: Decimal
    tva_rate: str  # "20 %" when the TVA was given as a rate, else ""
    ttc: Decimal
    demande: Decimal


@dataclass(frozen=True)
class Budget:
    lines: tuple[BudgetLine, ...]
    other_funding: tuple[tuple[str, Decimal], ...]

    @property
    def total_ht(self) -> Decimal:
        return sum((line.ht for line in self.lines), ZERO)

    @property
    def total_tva(self) -> Decimal:
        return sum((line.tva for line in self.lines), ZERO)

    @property
    def total_ttc(self) -> Decimal:
        return sum((line.ttc for line in self.lines), ZERO)

    @property
    def total_demande(self) -> Decimal:
        return sum((line.demande for line in self.lines), ZERO)

    @property
    def total_autres(self) -> Decimal:
        return sum((amount for _, amount in self.other_funding), ZERO)

    @property
    def reste_a_charge(self) -> Decimal:
        """What the establishment funds itself (negative when the plan exceeds the cost)."""
        return self.total_ttc - self.total_demande - self.total_autres


def _amount(raw: Any) -> Decimal:
    """A valid amount, or 0 for a missing/invalid one (validation reports those separately)."""
    try:
        return Decimal(parse_amount(raw)) if raw is not None and raw != "" else ZERO
    except InvalidValue:
        return ZERO


def _tva(raw: Any, ht: Decimal) -> tuple[Decimal, str]:
    if raw is None or raw == "":
        return ZERO, ""
    try:
        value = parse_amount_or_rate(raw)
    except InvalidValue:
        return ZERO, ""
    if value.endswith("%"):
        rate = Decimal(value[:-1])
        amount = (ht * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        return amount, f"{value[:-1].replace('.', ',')} %"
    return Decimal(value), ""


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
                ttc=ht + tva,
                demande=_amount(data.get("financement_demande")),
            )
        )
    others = tuple(
        (str(item.get("financeur") or ""), _amount(item.get("montant")))
        for item in other_funding
        if isinstance(item, dict)
    )
    return Budget(lines=tuple(budget_lines), other_funding=others)
