"""Status of a dated window relative to the as-of date, and its French description.

``ferme`` once the closing date is past; ``a_venir`` before the opening date; ``ouvert``
between them (bounds included). An opening date that is past with no closing date gives
``ouvert`` only when the opening is confirmed (e.g. the D2 declaration window), otherwise
``inconnu`` (e.g. the D1 bis window, only announced). No opening date: ``inconnu``.
"""

from __future__ import annotations

from datetime import date

from care_common.french_dates import date_in_words as fr_date
from eligibility.rules import Window

UNCERTAIN = " (à confirmer)"


def window_status(window: Window | None, as_of: date) -> str:
    if window is None:
        return "inconnu"
    if window.closes is not None and as_of > window.closes:
        return "ferme"
    if window.opens is None:
        return "inconnu"
    if as_of < window.opens:
        return "a_venir"
    if window.closes is not None or window.certainty == "confirme":
        return "ouvert"
    return "inconnu"


def describe_window(window: Window, as_of: date) -> str:
    """One French sentence: the window's state on ``as_of`` and what comes next."""
    status = window_status(window, as_of)
    flag = UNCERTAIN if window.certainty == "a_confirmer" else ""
    name = f"La fenêtre « {window.label} »"
    opens = fr_date(window.opens) if window.opens else ""
    closes = fr_date(window.closes) if window.closes else ""
    if status == "ferme":
        text = f"{name} est fermée : elle a pris fin le {closes}{flag}."
        after = window.when_closed
    elif status == "a_venir":
        until = f" jusqu'au {closes} inclus" if closes else ""
        text, after = f"{name} ouvrira le {opens}{until}{flag}.", window.when_upcoming
    elif status == "ouvert" and closes:
        text, after = f"{name} est ouverte jusqu'au {closes} inclus{flag}.", window.when_open
    elif status == "ouvert":
        text = f"{name} est ouverte depuis le {opens} ; sa date de clôture n'est pas connue."
        after = window.when_open
    elif opens:
        text = (
            f"{name} était annoncée pour le {opens}, mais son ouverture effective et sa "
            "clôture ne sont pas connues."
        )
        after = window.when_unknown
    else:
        text = f"Les dates de la fenêtre « {window.label} » ne sont pas connues."
        after = window.when_unknown
    return f"{text} {after}".strip()
