"""ASCII slugs (care_common.slugs): file names of drafts and ids of knowledge chunks."""

from __future__ import annotations

import pytest

from care_common.slugs import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Sauvegardes — CH Saint-Œuf", "sauvegardes-ch-saint-oeuf"),
        ("Mise en œuvre progressive", "mise-en-oeuvre-progressive"),
        ("Hôpital numérique 2012–2017 et HOP’EN", "hopital-numerique-2012-2017-et-hop-en"),
        ("l’hôpital", "l-hopital"),
        ("fiche_projet", "fiche-projet"),
        ("😀 émoji !", "emoji"),
        ("???", ""),
        ("", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_a_long_title_is_cut_after_a_whole_word() -> None:
    title = "Mise en conformité du plan de continuité et de reprise d'activité du GHT Nord"
    slug = slugify(title)
    assert len(slug) <= 60
    assert slug == "mise-en-conformite-du-plan-de-continuite-et-de-reprise-d"
    assert slugify(title, 200).startswith(f"{slug}-")


def test_ids_are_cut_exactly() -> None:
    title = "Mise en conformité du plan de continuité et de reprise d'activité du GHT Nord"
    slug = slugify(title, whole_words=False)
    assert slug == "mise-en-conformite-du-plan-de-continuite-et-de-reprise-d-act"
    assert len(slug) == 60


def test_short_limit_without_a_word_boundary() -> None:
    assert slugify("x" * 80, 8) == "xxxxxxxx"
    assert slugify("odt", 8) == "odt"
