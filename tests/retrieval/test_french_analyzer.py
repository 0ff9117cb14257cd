"""The French analyzer: folding, elision, stop words, stems, identifiers, glossary expansion."""

from __future__ import annotations

import pytest

from care_common.french_text import fold
from retrieval import analyze_text
from retrieval.lexical.french_analyzer import MAX_QUERY_CHARS, FrenchAnalyzer, clean_text
from retrieval.models import GlossaryEntry

GLOSSARY = (
    GlossaryEntry(
        "PCRA", "plan de continuité et de reprise d'activité", ("plan de continuite",), "", ()
    ),
    GlossaryEntry(
        "règle 3-2-1", "trois copies sur deux supports", ("sauvegarde hors ligne",), "", ()
    ),
    GlossaryEntry("ARS", "agence régionale de santé", (), "", ()),
    GlossaryEntry("ES", "établissement de santé", (), "", ()),
    GlossaryEntry("DNS", "Délégation au numérique en santé", (), "", ()),
)


@pytest.fixture(scope="module")
def analyzer() -> FrenchAnalyzer:
    return FrenchAnalyzer(GLOSSARY)


def test_lower_case_and_accent_folding_give_the_same_tokens(analyzer: FrenchAnalyzer) -> None:
    assert analyzer.tokens("SÉCURITÉ des Établissements") == analyzer.tokens(
        "securite des etablissements"
    )
    assert fold("Œuvre à côté") == "oeuvre a cote"


@pytest.mark.parametrize(
    ("accented", "plain"),
    [("sécurité", "securite"), ("continuité", "continuite"), ("données", "donnees")],
)
def test_stems_do_not_depend_on_accents(
    analyzer: FrenchAnalyzer, accented: str, plain: str
) -> None:
    assert analyzer.tokens(accented) == analyzer.tokens(plain)


def test_plural_and_singular_share_a_stem(analyzer: FrenchAnalyzer) -> None:
    assert analyzer.tokens("sauvegardes") == analyzer.tokens("sauvegarde")
    assert analyzer.tokens("établissements") == analyzer.tokens("établissement")


@pytest.mark.parametrize(
    "text",
    [
        "l'établissement",
        "d'établissement",
        "qu'établissement",
        "L’établissement",
        "jusqu'établissement",
    ],
)
def test_elision_is_removed(analyzer: FrenchAnalyzer, text: str) -> None:
    assert analyzer.tokens(text) == analyzer.tokens("établissement")


@pytest.mark.parametrize("prefix", ["j'", "n'", "s'", "c'"])
def test_elided_pronouns_disappear(analyzer: FrenchAnalyzer, prefix: str) -> None:
    assert analyzer.tokens(f"{prefix}exercice") == analyzer.tokens("exercice")


def test_stop_words_are_dropped(analyzer: FrenchAnalyzer) -> None:
    assert analyzer.tokens("Quels sont les objectifs et comment les atteindre ?") == (
        analyzer.tokens("objectifs atteindre")
    )
    assert analyzer.tokens("le la les de du des et ou") == []


def test_glossary_acronyms_are_not_stemmed(analyzer: FrenchAnalyzer) -> None:
    assert analyzer.tokens("ARS") == ["ars"]
    assert analyzer.tokens("les ars") == ["ars"]
    assert analyzer.tokens("DNS") == ["dns"]


def test_an_upper_case_acronym_that_is_a_stop_word_is_kept(analyzer: FrenchAnalyzer) -> None:
    assert analyzer.tokens("les ES") == ["es"]
    assert analyzer.tokens("tu es") == []


@pytest.mark.parametrize("text", ["D2.O1.C", "D2 O1 C", "D2-O1-c", "d2o1c", "D2.O1-C", "d2 o1 c"])
def test_objective_identifiers_are_normalised(analyzer: FrenchAnalyzer, text: str) -> None:
    assert analyzer.tokens(text) == ["d2", "o1", "o1c", "d2o1c"]


@pytest.mark.parametrize("text", ["O1.C", "O1 C", "o1-c", "objectif O1.C"])
def test_an_objective_without_its_domain_shares_tokens(
    analyzer: FrenchAnalyzer, text: str
) -> None:
    assert {"o1", "o1c"} <= set(analyzer.tokens(text))


def test_a_verb_after_an_objective_is_not_taken_for_its_letter(analyzer: FrenchAnalyzer) -> None:
    assert "o1a" not in analyzer.tokens("l'objectif O1 a pour but")


@pytest.mark.parametrize("text", ["DNS/2025/12", "dns 2025 12", "2025-12", "n° DNS/2025/12"])
def test_instruction_references_become_one_token(analyzer: FrenchAnalyzer, text: str) -> None:
    assert "2025_12" in analyzer.tokens(text)


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("décret 2016-1214", "2016_1214"),
        ("décret n° 2022-715", "2022_715"),
        ("decret 2022 715", "2022_715"),
        ("SHFDS/FSSI/2023/15", "2023_15"),
        ("instruction 2016/309", "2016_309"),
    ],
)
def test_text_numbers_are_kept(analyzer: FrenchAnalyzer, text: str, token: str) -> None:
    assert token in analyzer.tokens(text)


def test_a_range_of_years_stays_two_years(analyzer: FrenchAnalyzer) -> None:
    assert analyzer.tokens("2023-2027") == ["2023", "2027"]


def test_finess_numbers_are_kept(analyzer: FrenchAnalyzer) -> None:
    assert analyzer.tokens("FINESS 750712184 et 2A0012345") == ["finess", "750712184", "2a0012345"]


def test_numbers_written_the_french_way(analyzer: FrenchAnalyzer) -> None:
    assert analyzer.tokens("1 207 candidatures") == analyzer.tokens("1207 candidatures")
    assert analyzer.tokens("1,4 M€") == analyzer.tokens("1.4 M€") == ["1_4"]
    assert analyzer.tokens("règle 3-2-1") == analyzer.tokens("règle 3 - 2 - 1")


def test_one_letter_prefix_compounds_are_also_joined(analyzer: FrenchAnalyzer) -> None:
    assert "ecps" in analyzer.tokens("e-CPS")
    assert analyzer.tokens("médico-social") == analyzer.tokens("médico social")


def _alternatives(analyzer: FrenchAnalyzer, query: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for group in analyzer.query(query):
        for token, weight in group.alternatives:
            found[token] = max(found.get(token, 0.0), weight)
    return found


def test_an_acronym_query_is_expanded_with_its_long_form(analyzer: FrenchAnalyzer) -> None:
    alternatives = _alternatives(analyzer, "c'est quoi un PCRA ?")
    assert alternatives["pcra"] == 1.0
    for token in analyzer.tokens("plan de continuité et de reprise d'activité"):
        assert 0 < alternatives[token] < 1.0


def test_a_long_form_query_is_expanded_with_its_acronym(analyzer: FrenchAnalyzer) -> None:
    alternatives = _alternatives(analyzer, "plan de continuité et de reprise d'activité")
    assert 0 < alternatives["pcra"] < 1.0


def test_a_synonym_brings_the_term(analyzer: FrenchAnalyzer) -> None:
    alternatives = _alternatives(analyzer, "faut-il une sauvegarde hors ligne ?")
    assert "3_2_1" in alternatives


def test_a_query_without_glossary_terms_is_not_expanded(analyzer: FrenchAnalyzer) -> None:
    groups = analyzer.query("exercice de crise annuel")
    assert all(len(group.alternatives) == 1 for group in groups)


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "🙂🔥👍", "?!…", "le la les"])
def test_queries_without_indexable_terms_give_no_groups(
    analyzer: FrenchAnalyzer, query: str
) -> None:
    assert analyzer.query(query) == []


def test_control_characters_are_removed() -> None:
    assert clean_text("PCRA\x00\x07 et\u200b PRA\x1b[31m") == "PCRA et PRA [31m"


def test_long_queries_are_truncated_on_a_word() -> None:
    text = clean_text("sauvegarde " * 5000, MAX_QUERY_CHARS)
    assert len(text) <= MAX_QUERY_CHARS
    assert text.endswith("sauvegarde")


def test_analyze_text_is_the_default_analysis() -> None:
    assert analyze_text("Les sauvegardes hors ligne de l'établissement") == [
        "sauvegard",
        "hor",
        "lign",
        "etabl",
    ]
    assert analyze_text("") == []
