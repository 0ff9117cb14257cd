#!/usr/bin/env python
"""Benchmark of the LLM mode's overhead: extractive vs LLM through the loopback stub server.

No local model can be downloaded on the build machine, so the "model" is the test stub
(tests/agent/llm/stub_server.py) answering at once (or after --model-delay seconds) with a
grounded sentence of the first passage: the figures are the cost of the LLM pipeline itself
(prompt rendering, LangChain's OpenAI client, HTTP on 127.0.0.1, grounding checks), not of a
model's generation. Both modes run in the same process on the same index, question by question,
and the script prints medians and ratios; then the cold `care-bot ask` process time of each mode.

With ``--base-url URL --model NAME`` (and ``CARE_LLM_API_KEY`` if needed) the same measures are
taken against a real OpenAI-compatible endpoint instead of the stub (e.g. a local Ollama).

Usage: scripts/benchmark_llm.py [--runs 3] [--embedder SPEC] [--model-delay 0.0]
                                [--base-url URL --model NAME] [--timeout 30]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.agent.llm.stub_server import StubLLMServer, user_prompt  # noqa: E402

_FIRST_PASSAGE = re.compile(r'<extrait numero="1"[^>]*>\n(.*?)\n</extrait>', re.DOTALL)


def grounded_reply(delay: float) -> Any:
    """A stub "model" that answers with the first sentence of passage 1, cited."""

    def reply(body: dict[str, Any]) -> str:
        if delay:
            time.sleep(delay)
        match = _FIRST_PASSAGE.search(user_prompt(body))
        if match is None:  # follow-up rewrite or probe: not used by this benchmark
            return "ok"
        first = re.split(r"(?<=[.!?])\s", match.group(1).strip(), maxsplit=1)[0]
        return f"D'après les sources, {first.rstrip('.')} [1]."

    return reply


def cold_ask(env: dict[str, str], question: str) -> tuple[float, str]:
    care_bot = str(Path(sys.executable).with_name("care-bot"))
    started = time.perf_counter()
    result = subprocess.run(
        [care_bot, "ask", "--json", question], env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, json.loads(result.stdout)["mode"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--embedder", default=os.environ.get("CARE_EMBEDDINGS", ""))
    parser.add_argument("--model-delay", type=float, default=0.0)
    parser.add_argument("--base-url", help="a real endpoint instead of the stub")
    parser.add_argument("--model", default="stub-model")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    api_key = os.environ.get("CARE_LLM_API_KEY", "")

    data_dir = Path(tempfile.mkdtemp(prefix="care-bench-llm-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARE_LLM_")}
    env.update(CARE_DATA_DIR=str(data_dir), CARE_EMBEDDINGS=args.embedder)
    os.environ.clear()
    os.environ.update(env)
    from bot.container import build_services
    from bot.settings import load_settings
    from retrieval.evaluation import load_eval_set

    questions = [q.question for q in load_eval_set(ROOT / "tests/data/eval_questions.yaml")]
    try:
        with StubLLMServer() as stub:
            stub.reply = grounded_reply(args.model_delay)
            llm_settings = {
                "CARE_LLM_BASE_URL": args.base_url or stub.base_url,
                "CARE_LLM_MODEL": args.model,
                "CARE_LLM_TIMEOUT": str(args.timeout),
                **({"CARE_LLM_API_KEY": api_key} if api_key else {}),
            }
            llm_env = {**env, **llm_settings}
            extractive = build_services(load_settings())
            llm = build_services(load_settings(**{k.lower(): v for k, v in llm_settings.items()}))
            times: dict[str, list[float]] = {"extractive": [], "llm": []}
            modes: list[str] = []
            for _ in range(args.runs):
                for text in questions:
                    for name, services in (("extractive", extractive), ("llm", llm)):
                        started = time.perf_counter()
                        answer = services.assistant.ask(text)
                        times[name].append(1000 * (time.perf_counter() - started))
                        if name == "llm" and answer.found:
                            modes.append(answer.mode)
            question = "Quels sont les prérequis du domaine 2 de CaRE ?"
            colds: dict[str, list[float]] = {"extractive": [], "llm": []}
            cold_modes = set()
            for _ in range(args.runs):
                colds["extractive"].append(cold_ask(env, question)[0])
                seconds, mode = cold_ask(llm_env, question)
                colds["llm"].append(seconds)
                cold_modes.add(mode)
            extractive.close()
            llm.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    med = statistics.median
    ext, gen = med(times["extractive"]), med(times["llm"])
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"questions: {len(questions)} x {args.runs} runs; endpoint: "
        f"{args.base_url or f'stub (delay {args.model_delay} s)'}, model {args.model};"
        f" embedder: {args.embedder or 'default'}; load average at the end: {load}"
    )
    print(f"warm answer, extractive      median {ext:7.1f} ms")
    print(
        f"warm answer, LLM             median {gen:7.1f} ms   ratio {gen / max(ext, 1e-6):.2f}x"
        f"   overhead {gen - ext:+.1f} ms"
    )
    kept = modes.count("llm")
    print(f"LLM answers kept by the grounding checks: {kept}/{len(modes)} found answers")
    cold_ext, cold_llm = med(colds["extractive"]), med(colds["llm"])
    print(f"cold `care-bot ask`, extractive   median {cold_ext:5.2f} s")
    print(
        f"cold `care-bot ask`, LLM        median {cold_llm:5.2f} s   ratio "
        f"{cold_llm / cold_ext:.2f}x (modes: {', '.join(sorted(cold_modes))})"
    )


if __name__ == "__main__":
    main()
