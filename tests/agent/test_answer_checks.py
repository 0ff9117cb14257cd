"""Answer-level evaluation: pattern groups, must_not, declines, loading, figures."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from agent.answer_checks import AnswerCase, judge, load_answer_cases
from agent.answer_evaluation import (
    AnswerReport,
    Ask,
    History,
    evaluate_answers,
    format_answer_comparison,
    format_tag_table,
)
from agent.answering import Answer
from care_common.french_text import fold_phrase
from retrieval import KnowledgeFileError

TODAY = date(2026, 12, 1)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "eval.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def case(tmp_path: Path, body: str) -> AnswerCase:
    (loaded,) = load_answer_cases(write(tmp_path, body))
    return loaded


# --- judging ---------------------------------------------------------------------------------


D2_CASE = """\
- id: f001
  question: "Jusqu'à quand candidater au domaine 2 ?"
  expected: [care-d2-continuite-reprise]
  dispositif: D2
  must:
    - ["31 octobre 2025", "31/10/2025"]
    - ecare
  must_not:
    - "30 juin 2025"
    - ["19 avril 2024"]
"""


def test_every_group_must_match_and_any_alternative_of_a_group_will_do(tmp_path: Path) -> None:
    d2 = case(tmp_path, D2_CASE)
    assert d2.dispositif == "D2"
    assert judge(d2, "Candidature sur eCaRE jusqu'au 31/10/2025.", True).accurate
    assert judge(d2, "Sur la plateforme eCaRE, jusqu’au 31 Octobre 2025 [1].", True).accurate
    verdict = judge(d2, "Jusqu'au 31 octobre 2025.", True)
    assert not verdict.accurate
    assert verdict.missing == (("ecare",),)


def test_a_must_not_hit_is_forbidden_even_when_every_must_matches(tmp_path: Path) -> None:
    d2 = case(tmp_path, D2_CASE)
    verdict = judge(d2, "eCaRE : 31 octobre 2025 ; pour le D1, le 30 juin 2025.", True)
    assert verdict.missing == ()
    assert verdict.forbidden == ("30 juin 2025",)
    assert not verdict.accurate


def test_patterns_are_regexes_on_the_folded_text(tmp_path: Path) -> None:
    amount = case(
        tmp_path,
        '- question: montant du D2 ?\n  expected: [x]\n  must: ["\\\\b45 ?(m€|millions)"]\n',
    )
    assert judge(amount, "Le D2 dispose de 45\u00a0M€.", True).accurate
    assert judge(amount, "45 millions d'euros", True).accurate
    assert not judge(amount, "145 M€", True).accurate


def test_a_decline_is_correct_only_with_every_redirect_group(tmp_path: Path) -> None:
    rgpd = case(
        tmp_path,
        """\
- id: n001
  question: "Quelle amende si on ne déclare pas une violation à la CNIL ?"
  out_of_scope: true
  expected: []
  decline: true
  redirect:
    - ["cnil", "dpo", "delegue a la protection des donnees"]
  tags: [near-domain, rgpd]
""",
    )
    assert rgpd.decline and rgpd.out_of_scope
    assert judge(rgpd, "Je ne sais pas. Voyez votre DPO.", False).declined_correctly
    wrong_contact = judge(rgpd, "Je ne sais pas. Voyez votre ARS.", False)
    assert wrong_contact.declined and not wrong_contact.declined_correctly
    assert wrong_contact.redirect_missing == (
        ("cnil", "dpo", "delegue a la protection des donnees"),
    )
    answered = judge(rgpd, "La CNIL peut infliger…", True)
    assert not answered.declined and not answered.declined_correctly


# --- loading ---------------------------------------------------------------------------------


def test_loading_keeps_retrieval_only_entries_and_follow_ups(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
- id: q1
  question: "D1 bis ?"
  expected: [care-d1-bis]
- id: q2
  question: "et pour le D2 ?"
  previous: ["Quand ouvre le D1 bis ?"]
  expected: [care-calendrier]
  must: ["16 janvier 2026"]
""",
    )
    first, second = load_answer_cases(path)
    assert not first.checked and first.must == ()
    assert second.checked and second.previous == ("Quand ouvre le D1 bis ?",)


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ('- question: a ?\n  must: ["(unclosed"]\n', 2, "invalide"),
        ("- question: a ?\n  must: 31 octobre\n", 2, "liste"),
        ("- question: a ?\n  must: [[]]\n", 2, "vide"),
        ("- question: a ?\n  must: [12]\n", 2, "texte attendu"),
        ("- question: a ?\n  decline: true\n", 1, "out_of_scope"),
        ("- question: a ?\n  out_of_scope: true\n  redirect: [ars]\n", 1, "decline"),
        ('- question: ""\n', 1, "question vide"),
    ],
)
def test_malformed_entries_name_their_line(
    tmp_path: Path, body: str, line: int, reason: str
) -> None:
    with pytest.raises(KnowledgeFileError) as caught:
        load_answer_cases(write(tmp_path, body))
    assert caught.value.line == line
    assert reason in caught.value.reason


# --- figures ---------------------------------------------------------------------------------


SET = """\
- id: in1
  question: q-in1
  expected: [a]
  tags: [d2, date]
  must: ["31 octobre 2025"]
  must_not: ["30 juin 2025"]
- id: in2
  question: q-in2
  expected: [a]
  tags: [d2]
  must: ["45 m€"]
- id: in3
  question: q-in3
  expected: [a]
  tags: [contact]
  must: ["\\\\bars\\\\b"]
- id: fu
  question: et pour le D1 ?
  previous: [q-in1]
  expected: [a]
  tags: [date, followup]
  must: ["30 juin 2025"]
- id: out1
  question: q-out1
  out_of_scope: true
  expected: []
  decline: true
  redirect: [["cnil", "dpo"]]
  tags: [rgpd]
- id: out2
  question: q-out2
  out_of_scope: true
  expected: []
  decline: true
  redirect: [cnil]
  tags: [rgpd]
"""

SCRIPT = {
    "q-in1": ("Jusqu'au 31 octobre 2025 ; le D1 fermait le 30 juin 2025.", True),  # forbidden
    "q-in2": ("Le D2 dispose de 45 M€.", True),  # accurate
    "q-in3": ("Je ne sais pas : demandez à votre ARS.", False),  # a decline is never accurate
    "et pour le D1 ?": ("Le 30 juin 2025.", True),
    "q-out1": ("Je ne sais pas : voyez votre DPO.", False),  # declined with the right contact
    "q-out2": ("Je ne sais pas : voyez votre ARS.", False),  # declined, wrong contact
}


def scripted(seen: list[tuple[str, History]]) -> Ask:
    def ask(question: str, history: History) -> Answer:
        seen.append((question, history))
        text, found = SCRIPT[question]
        return Answer(question, text, found, "extractive", TODAY, (), ())

    return ask


@pytest.fixture
def report(tmp_path: Path) -> AnswerReport:
    seen: list[tuple[str, History]] = []
    result = evaluate_answers(scripted(seen), load_answer_cases(write(tmp_path, SET)), "test")
    follow_up = [h for q, h in seen if q == "et pour le D1 ?"]
    assert follow_up == [[{"q": "q-in1", "a": SCRIPT["q-in1"][0]}]]  # asked after its previous
    return result


def test_overall_figures(report: AnswerReport) -> None:
    figures = report.figures
    assert (figures.n, figures.in_scope, figures.out_of_scope) == (6, 4, 2)
    assert figures.accuracy == pytest.approx(2 / 4)  # in2 and the follow-up
    assert figures.forbidden == 1
    assert figures.declines_correct == pytest.approx(1 / 2)
    assert figures.wrongly_declined == pytest.approx(1 / 4)
    assert report.forbidden_hits() == [{"id": "in1", "patterns": ["30 juin 2025"]}]


def test_figures_per_tag_and_failures(report: AnswerReport) -> None:
    tags = report.by_tag()
    assert tags["d2"].accuracy == pytest.approx(1 / 2) and tags["d2"].forbidden == 1
    assert tags["date"].in_scope == 2 and tags["date"].accuracy == pytest.approx(1 / 2)
    assert tags["rgpd"].declines_correct == pytest.approx(1 / 2)
    assert tags["contact"].wrongly_declined == 1.0
    kinds = {f["id"]: f["kind"] for f in report.failures()}
    assert kinds == {"in1": "inaccurate", "in3": "wrongly_declined", "out2": "wrong_redirect"}
    payload = report.as_dict()
    assert {"accuracy", "forbidden", "declines_correct", "n", "per_tag", "failures"} <= set(
        payload
    )


def test_comparison_tables(report: AnswerReport) -> None:
    table = format_answer_comparison({"extractif": report, "BM25 simple": report}).splitlines()
    assert table[0] == "| réponses | extractif | BM25 simple |"
    assert "| exactitude (dans le périmètre) | 0.500 | 0.500 |" in table
    assert "| réponses interdites (must_not) | 1 | 1 |" in table
    tags = format_tag_table(report, report).splitlines()
    assert len(tags) == 2 + len(report.by_tag())
    assert "| rgpd | 0 / 2 | — | 0 | 50 % | — | — |" in tags


# --- the real evaluation set -----------------------------------------------------------------

EVAL_SET = Path(__file__).resolve().parents[1] / "data" / "eval_questions.yaml"
_ESCAPE = re.compile(r"\\[A-Za-z]")  # \b, \d, \s… are regex syntax, not text


def test_every_pattern_of_the_eval_set_is_written_in_folded_form() -> None:
    """Patterns match the folded answer: an accent or a capital letter would never match."""
    wrong = []
    for entry in load_answer_cases(EVAL_SET):
        patterns = [p for group in (*entry.must, *entry.redirect) for p in group]
        for pattern in (*patterns, *entry.must_not):
            text = _ESCAPE.sub("", pattern.pattern)
            if fold_phrase(text) != text.strip() or "  " in text:
                wrong.append((entry.id, pattern.pattern))
    assert wrong == []
