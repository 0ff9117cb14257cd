"""One bot replica for the multi-process tests: the production store and index, one process.

Reads JSON lines ``{"user": "tg:1", "text": "…", "action": null, "token": null}`` on stdin (an
action encoded by ``agent.actions.encode``, like Telegram's callback data) and
writes, per line, the JSON list of the replies as ``{"text": …, "feedback_id": …, "token": …}``
(``token``: a question's, to send back with a press on one of its buttons). Settings come from
the environment like the bot's (CARE_DATABASE_URL, CARE_DATA_DIR, CARE_KNOWLEDGE_DIR,
CARE_EMBEDDINGS). Besides the production flows it registers ``/sondage``, a two-question flow
whose state lives only in the session, so a test can start it on one replica and finish it on
another.
"""

from __future__ import annotations

import json
import sys
from typing import Any, ClassVar

from agent.actions import decode
from agent.answering import ExtractiveComposer
from agent.assistant import Assistant
from agent.flows.base import Flow, FlowContext, FlowStep
from agent.turns import ChoiceReply, DocumentReply, Reply, TextReply, Turn
from bot.container import build_flows, open_index, open_store
from bot.settings import load_settings
from retrieval import analyze_text


class SurveyFlow(Flow):
    name: ClassVar[str] = "sondage"
    command: ClassVar[str] = "/sondage"
    description: ClassVar[str] = "Deux questions (test multi-réplicas)"

    def start(self, ctx: FlowContext, state: dict[str, Any], argument: str) -> FlowStep:
        state["asked"] = "etablissement"
        return FlowStep([TextReply("Q1 : votre établissement ?", kind="question")])

    def handle(self, ctx: FlowContext, state: dict[str, Any], turn: Turn) -> FlowStep:
        if state.get("asked") == "etablissement":
            state["etablissement"] = turn.text
            state["asked"] = "lits"
            return FlowStep([TextReply("Q2 : nombre de lits ?", kind="question")])
        summary = f"Fin : {state['etablissement']}, {turn.text} lits"
        return FlowStep([TextReply(summary)], done=True)

    def reprompt(self, ctx: FlowContext, state: dict[str, Any]) -> list[Reply]:
        return [TextReply(f"Question en cours : {state.get('asked')}")]


def _as_json(reply: Reply) -> dict[str, Any]:
    if isinstance(reply, TextReply):
        return {"text": reply.text, "feedback_id": reply.feedback_id}
    if isinstance(reply, ChoiceReply):
        return {"text": reply.question, "feedback_id": None, "token": reply.token}
    assert isinstance(reply, DocumentReply)
    return {"text": f"[document {reply.filename}]", "feedback_id": None}


def main() -> None:
    settings = load_settings()
    index = open_index(settings)
    store = open_store(settings)
    assistant = Assistant(
        searcher=index,
        store=store,
        composer=ExtractiveComposer(analyze_text),
        flows=[*build_flows(settings, index), SurveyFlow()],
    )
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        action = request.get("action")  # encoded like Telegram's callback data
        turn = Turn(
            request["user"],
            request.get("text", ""),
            decode(action) if action else None,
            token=request.get("token"),
        )
        replies = assistant.handle(turn)
        print(json.dumps([_as_json(reply) for reply in replies], ensure_ascii=False), flush=True)
    store.close()


if __name__ == "__main__":
    main()
