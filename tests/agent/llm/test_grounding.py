"""The grounding rules on model output, one rule per test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.llm import Grounded, PromptLibrary, Rejected, check_grounded
from agent.llm.grounding import normalise_citations, renumber, strip_markers
from agent.llm.output_checks import leaks, looks_french, sanitise_markup
from retrieval import Passage
from tests.agent.llm.conftest import TODAY, citation


def check(
    raw: str, passages: tuple[Passage, ...], max_chars: int = 1500, system: str = ""
) -> Grounded | Rejected:
    return check_grounded(raw, passages, system_prompt=system, max_chars=max_chars)


def grounded(raw: str, passages: tuple[Passage, ...], **kw: object) -> Grounded:
    result = check(raw, passages, **kw)  # type: ignore[arg-type]
    assert isinstance(result, Grounded), result
    return result


def test_valid_answer_keeps_its_citations(passages: tuple[Passage, ...]) -> None:
    result = grounded(
        "Le programme CaRE finance la cybersécurité des établissements [1]. Le domaine 1 "
        "demande un exercice de crise [2][1].",
        passages,
    )
    assert result.cited == (1, 2)
    assert result.text.startswith("Le programme CaRE")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("Le programme CaRE finance la cybersécurité des établissements de santé.", "no citation"),
        ("Le programme CaRE finance la cybersécurité des établissements [4].", "outside"),
        ("Le programme CaRE finance la cybersécurité [1] des établissements [0].", "outside"),
        ("Le programme CaRE finance la cybersécurité [1] et le reste [12].", "outside"),
        (
            "The CaRE programme funds the cybersecurity of hospitals and it is managed [1].",
            "French",
        ),
    ],
)
def test_rejections(passages: tuple[Passage, ...], raw: str, reason: str) -> None:
    result = check(raw, passages)
    assert isinstance(result, Rejected) and reason in result.reason


def test_citation_variants_are_normalised(passages: tuple[Passage, ...]) -> None:
    assert normalise_citations("a [1, 2] b [Source 3] c [^1] d [1-3] e [à compléter]") == (
        "a [1][2] b [3] c [1] d [1][2][3] e [à compléter]"
    )
    result = check("Le programme CaRE finance la cybersécurité des hôpitaux [Source 9].", passages)
    assert isinstance(result, Rejected)  # a disguised invented citation is still invented


def test_over_long_output_is_rejected(passages: tuple[Passage, ...]) -> None:
    raw = "Le programme CaRE finance la cybersécurité des établissements de santé [1]. " * 30
    assert isinstance(check(raw, passages, max_chars=1500), Rejected)
    assert isinstance(check(raw[:1400], passages, max_chars=1500), Grounded)


def test_verified_quote_is_kept(passages: tuple[Passage, ...]) -> None:
    raw = (
        "Selon l'instruction, le programme « finance la cybersécurité des   Établissements de "
        "santé » [1]."
    )
    assert "« finance la cybersécurité" in grounded(raw, passages).text


def test_quote_with_ellipsis_is_checked_piece_by_piece(passages: tuple[Passage, ...]) -> None:
    raw = "Le texte précise : « plan de continuité informatique […] tests de restauration » [3]."
    assert "«" in grounded(raw, passages).text


def test_short_unverified_quote_loses_its_marks(passages: tuple[Passage, ...]) -> None:
    raw = "Le domaine 2 vise la « résilience totale » des systèmes [3]."
    text = grounded(raw, passages).text
    assert "«" not in text and "résilience totale" in text


def test_long_invented_quote_loses_its_sentence(passages: tuple[Passage, ...]) -> None:
    raw = (
        'Le programme CaRE finance la cybersécurité [1]. Il impose "un audit annuel obligatoire '
        'par un prestataire qualifié PASSI" [1]. Le domaine 2 porte sur la reprise [3].'
    )
    text = grounded(raw, passages).text
    assert "PASSI" not in text and "reprise [3]" in text


def test_quote_checked_against_the_cited_passage_only(passages: tuple[Passage, ...]) -> None:
    # the words exist in passage 3, but the sentence cites passage 1
    raw = (
        "Le programme prévoit « des sauvegardes hors ligne et des tests de restauration "
        "réguliers » [1]."
    )
    result = check(raw, passages)
    assert isinstance(result, Rejected) and "no citation left" in result.reason


def test_markup_is_sanitised(passages: tuple[Passage, ...]) -> None:
    raw = (
        "## Réponse\n**Le programme CaRE** finance la <b>cybersécurité</b> des établissements "
        "[1]. Voir [ce lien](https://evil.example/x) ou https://evil.example/y et "
        "https://esante.gouv.fr/programme-care. <script>alert(1)</script>`code` [1]"
    )
    text = grounded(raw, passages).text
    assert "<" not in text and "*" not in text and "#" not in text and "`" not in text
    assert "evil.example" not in text and "ce lien" in text
    assert "https://esante.gouv.fr/programme-care" in text


def test_sanitise_keeps_plain_text_and_bullets() -> None:
    assert sanitise_markup("* un\n* deux &amp; trois") == "• un\n• deux & trois"
    assert sanitise_markup("[1](https://x.example)") == "[1]"


def test_uncertain_sources_are_flagged(passages: tuple[Passage, ...]) -> None:
    shaky = replace(passages[1], citation=citation("blog", "x", confidence="secondaire"))
    given = (passages[0], shaky)
    text = grounded(
        "Le programme CaRE finance la cybersécurité [1]. Un exercice est "
        "demandé avant la date limite [2].",
        given,
    ).text
    assert text.endswith("avant la date limite (à confirmer) [2].")
    assert "cybersécurité [1]" in text


def test_system_prompt_echo_is_rejected(
    prompts: PromptLibrary, passages: tuple[Passage, ...]
) -> None:
    system = prompts.system(TODAY)
    excerpt = " ".join(system.split("\n")[3].split()[2:16])
    raw = f"Voici mes consignes : {excerpt} [1]."
    result = check(raw, passages, system=system)
    assert isinstance(result, Rejected) and "system prompt" in result.reason
    ok = check(
        "Le programme CaRE finance la cybersécurité des établissements [1].",
        passages,
        system=system,
    )
    assert isinstance(ok, Grounded)


def test_leak_ignores_runs_that_the_passages_contain() -> None:
    secret = "un deux trois quatre cinq six sept huit neuf dix"
    assert leaks("bla un deux trois quatre cinq six sept huit", secret)
    assert not leaks(
        "bla un deux trois quatre cinq six sept huit",
        secret,
        allowed=["un deux trois quatre cinq six sept huit"],
    )
    assert not leaks("un deux trois", secret)


@pytest.mark.parametrize(
    ("text", "french"),
    [
        ("Le programme CaRE finance la cybersécurité des établissements de santé.", True),
        ("Oui [1].", True),
        ("The programme funds the cybersecurity of the hospitals in France.", False),
        ("El programa financia la ciberseguridad de los hospitales y es nacional.", False),
        ("Das Programm ist für die Krankenhäuser und nicht für die Praxen.", False),
    ],
)
def test_looks_french(text: str, french: bool) -> None:
    assert looks_french(text) is french


def test_strip_markers() -> None:
    assert strip_markers("Un exercice [1]. Deux [2][3], trois [à compléter].") == (
        "Un exercice. Deux, trois [à compléter]."
    )


def test_renumber_in_order_of_appearance() -> None:
    assert renumber("Un [3]. Deux [1][3]. Trois [5] [à compléter].") == (
        "Un [1]. Deux [2][1]. Trois [3] [à compléter].",
        (3, 1, 5),
    )
