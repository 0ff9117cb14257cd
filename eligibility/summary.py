"""Plain French text of a report, shared by the terminal and the agent (no markup)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from care_common.french_dates import date_in_words as fr_date
from care_common.french_text import fold_phrase
from eligibility.report import Deadline, EligibilityReport, Obligation, Verdict
from eligibility.vocabulary import (
    OBLIGATION_STATUS_LABELS,
    VERDICT_LABELS,
    WINDOW_KIND_LABELS,
    WINDOW_LABELS,
)

_MARKS = {"applicable": "☐", "non_applicable": "–", "a_confirmer": "?"}


def report_heading(report: EligibilityReport) -> str:
    return (
        f"Éligibilité aux financements CaRE au {fr_date(report.as_of)} "
        f"(règles version {report.rules_version})."
    )


def verdict_line(verdict: Verdict) -> str:
    window = WINDOW_LABELS[verdict.window]
    kind = WINDOW_KIND_LABELS["candidature"]
    return f"Verdict : {VERDICT_LABELS[verdict.verdict]} · {kind} : {window}"


def deadline_line(deadline: Deadline) -> str:
    opens = fr_date(deadline.opens) if deadline.opens else ""
    closes = fr_date(deadline.closes) if deadline.closes else ""
    if opens and closes:
        span = f"du {opens} au {closes}"
    elif opens:
        span = f"à partir du {opens}, clôture non connue"
    elif closes:
        span = f"jusqu'au {closes}"
    else:
        span = "dates non connues"
    flag = " (à confirmer)" if deadline.certainty == "a_confirmer" else ""
    label = deadline.label[:1].upper() + deadline.label[1:]
    return f"{label} : {span}{flag} — {WINDOW_LABELS[deadline.status]}"


def verdict_text(verdict: Verdict, cite: Callable[[int, str], str] | None = None) -> str:
    """The block for one dispositif; ``cite(number, source_id)`` renders a source line."""
    cite = cite or (lambda number, source_id: f"[{number}] {source_id}")
    lines = [verdict.title, verdict_line(verdict), "", "Pourquoi :"]
    lines += [f"• {reason}" for reason in verdict.reasons]
    if verdict.missing:
        lines += ["", "À faire :"]
        lines += [f"• {m.item} — {m.action}" for m in verdict.missing]
    if verdict.objectives:
        lines += ["", "À atteindre d'ici la déclaration d'atteinte des objectifs :"]
        lines += [f"• {o.item} — {o.action}" for o in verdict.objectives]
    if verdict.deadlines:
        lines += ["", "Calendrier :"]
        lines += [f"• {deadline_line(d)}" for d in verdict.deadlines]
    if verdict.sources:
        lines += ["", "Sources :"]
        lines += [cite(n, s) for n, s in enumerate(verdict.sources, start=1)]
    return "\n".join(lines)


def short_title(verdict: Verdict) -> str:
    """The dispositif's name without its subtitle (« Domaine 2 », « Guichet D1 bis (2026) »)."""
    head, dash, _ = verdict.title.partition(" — ")
    return head if dash else verdict.title


def candidature_phrase(verdict: Verdict) -> str:
    """The candidature window in a few words: « candidature close depuis le 31 octobre 2025 »,
    « candidature ouverte jusqu'au 13 février 2026 », « candidature : dates inconnues »."""
    window = next((d for d in verdict.deadlines if d.kind == "candidature"), None)
    if window is None:
        return f"candidature : {WINDOW_LABELS[verdict.window]}"
    opens = fr_date(window.opens) if window.opens else ""
    closes = fr_date(window.closes) if window.closes else ""
    phrases = {
        "ouvert": f"candidature ouverte jusqu'au {closes}" if closes else "candidature ouverte",
        "ferme": f"candidature close depuis le {closes}" if closes else "candidature close",
        "a_venir": f"candidature à partir du {opens}" if opens else "candidature à venir",
        "inconnu": "candidature : dates inconnues",
    }
    flag = (
        " (à confirmer)"
        if window.certainty == "a_confirmer" and window.status != "inconnu"
        else ""
    )
    return phrases[window.status] + flag


def open_windows(verdict: Verdict) -> list[str]:
    """The other windows open today (e.g. the declaration of objectives)."""
    return [
        f"{WINDOW_KIND_LABELS[d.kind]} ouverte"
        for d in verdict.deadlines
        if d.kind != "candidature" and d.status == "ouvert"
    ]


def _deadline_text(deadline: str) -> str:
    """The deadline without a leading « Échéance » (the line already says it)."""
    text = deadline.strip()
    return text.split(" ", 1)[1] if fold_phrase(text).startswith("echeance ") else text


def obligation_line(obligation: Obligation, show_deadline: bool = True) -> str:
    mark = _MARKS[obligation.status]
    status = ""
    if obligation.status != "applicable":
        status = f" ({OBLIGATION_STATUS_LABELS[obligation.status]})"
    deadline = ""
    if show_deadline and obligation.deadline:
        deadline = f" Échéance : {_deadline_text(obligation.deadline)}"
    return f"{mark} {obligation.title}{status} — {obligation.what}{deadline}"


def obligations_text(report: EligibilityReport) -> str:
    """The checklist; a deadline shared by several actions is said once, above them."""
    if not report.obligations:
        return ""
    lines = ["Obligations, indépendantes de tout financement :"]
    if report.obligations_intro:
        lines.append(report.obligations_intro)
    shared = Counter(o.deadline for o in report.obligations if o.deadline).most_common(1)
    common = shared[0][0] if shared and shared[0][1] >= 2 else ""
    if common:
        lines.append(f"Échéance des actions, sauf mention contraire : {_deadline_text(common)}")
    lines += [obligation_line(o, o.deadline != common) for o in report.obligations]
    return "\n".join(lines)


def report_text(report: EligibilityReport) -> str:
    """The whole report as one text (terminal without colours, logs, tests)."""
    blocks = [report_heading(report)]
    blocks += [verdict_text(v) for v in report.results]
    if report.obligations:
        blocks.append(obligations_text(report))
    return "\n\n".join(blocks)
