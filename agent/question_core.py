"""The core of a question: what is asked, without the context around it.

« Bonjour, je viens d'arriver comme référent dans un CH de 400 lits et tout le monde me parle de
CaRE. Vous pouvez m'expliquer ce que c'est et qui le pilote ? » asks about CaRE and who steers
it; the beds, the arrival and the greeting are context. When the whole question is below the
relevance gate, the assistant searches again with its core: the interrogative sentences, plus
the dispositifs the other sentences name. A topic may add the words the knowledge base uses for
it (an attack in progress: the reporting of incidents).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from care_common.question_words import starts_like_question

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def question_core(question: str, named: Sequence[str] = (), topic_query: str = "") -> str | None:
    """The core to search with, or None when the question has no context to leave out."""
    sentences = [s.strip() for s in _SENTENCE.findall(question) if s.strip()]
    asked = [s for s in sentences if "?" in s or starts_like_question(s)]
    if not topic_query and (len(sentences) < 2 or not asked or len(asked) == len(sentences)):
        return None
    core = " ".join(asked or sentences)
    missing = [term for term in named if term.lower() not in core.lower()]
    return " ".join(part for part in (core, *missing, topic_query) if part)
