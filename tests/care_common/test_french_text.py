"""French text folding (care_common.french_text): the one fold of the code base."""

from __future__ import annotations

import pytest

from care_common.french_text import fold, fold_phrase


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Aperçu", "apercu"),
        ("ÉTABLISSEMENT", "etablissement"),
        ("Mise en Œuvre, cæcum", "mise en oeuvre, caecum"),
        ("L’Agence du Numérique", "l'agence du numerique"),
        ("‘quoted’ ʼand´", "'quoted' 'and'"),
        ("Straße", "strasse"),
        ("ﬁchier", "fichier"),  # compatibility ligature (NFKD)
        ("45\u00a0M€", "45 m€"),  # a non-breaking space is a space
        ("D2.O1.C – HOP’EN", "d2.o1.c – hop'en"),  # punctuation and dashes stay
        ("  deux  espaces ", "  deux  espaces "),  # fold keeps blanks as they are
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("L’Agence du Numérique en Santé", "l'agence du numerique en sante"),
        ("45\u00a0M€ et 1\u202f207 dossiers", "45 m€ et 1 207 dossiers"),
        ("  Mise en œuvre\n\n\tdès  le 1er   janvier ", "mise en oeuvre des le 1er janvier"),
        ("ÉTABLISSEMENT « ESMS »", "etablissement « esms »"),
        (" Je ne  sais PAS ", "je ne sais pas"),
        ("", ""),
    ],
)
def test_fold_phrase(text: str, folded: str) -> None:
    assert fold_phrase(text) == folded


def test_folding_twice_changes_nothing() -> None:
    text = "Œuvre d’Établissement « Hôpital » ﬁn\u202f2026"
    assert fold(fold(text)) == fold(text)
    assert fold_phrase(fold_phrase(text)) == fold_phrase(text)
