"""Figures in French text as comparable keys: one fact, however it is written."""

from __future__ import annotations

import pytest

from agent.llm.figures import evidence_keys, figures, unsupported


def keys(text: str) -> set[str]:
    return {key for figure in figures(text) for key in figure.keys}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("45 M€", "45 millions d'euros"),
        ("45 M€", "45 000 000 €"),
        ("1,5 Md€", "1,5 milliard d'euros"),
        ("31/10/2025", "31 octobre 2025"),
        ("2025-10-31", "31 octobre 2025"),
        ("1er février 2026", "01/02/2026"),
        ("17 février 2025", "17/02/2025"),
        ("30 %", "30 pour cent"),
        ("sept actions", "7 actions"),
        ("D2.O1.C", "D2 O1 C"),
        ("domaine 2", "D2"),
        ("DNS/2025/12", "instruction 2025/12"),
    ],
)
def test_same_figure_same_keys(a: str, b: str) -> None:
    assert keys(a) == keys(b) != set()


def test_citation_markers_are_not_figures() -> None:
    assert figures("Le programme est financé [1][2].") == []


def test_a_passage_supports_what_its_figures_imply() -> None:
    evidence = evidence_keys("Déclaration au plus tard le 31 octobre 2025 ; 250 M€ et 1,7 %.")
    assert not unsupported("En octobre 2025, 250 millions d'euros, 1,7 %, en 2025.", evidence)
    assert unsupported("Le 30 octobre 2025, 25 M€ et 17 %.", evidence) == [
        "30 octobre 2025",
        "25 M€",
        "17 %",
    ]
