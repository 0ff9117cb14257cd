#!/usr/bin/env python
"""The LLM mode against a real model: kept rate, what the checks dropped, latencies.

For each question of tests/data/llm_questions.yaml (or --questions FILE), the script answers
extractively (timed), sends the model the same evidence the assistant would (one call, timed)
and checks the output under both policies (``drop``: failing sentences are removed; ``fallback``:
one failing sentence rejects the answer) — the same raw output, judged twice, offline.

It writes one JSON line per question to --out (question, extractive text, raw output, what each
policy kept or why it rejected, dropped sentences with reasons, latencies) for review by hand,
and prints the kept rates and p50/p95 latencies. Run it ONCE: on 2 shared cores 40 questions
with a 0.5B model take 15-30 minutes.

Usage: scripts/evaluate_llm.py --base-url http://127.0.0.1:8080/v1 --model local
                               [--profile cpu] [--out results.jsonl] [--limit N] [--ids q001,…]
       scripts/evaluate_llm.py --rejudge results.jsonl [--out rejudged.jsonl]
           (the saved raw outputs checked again with the current code: no model needed)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def rejudge(path: Path, out: Path) -> None:
    """Check every saved raw output again, under both policies, with the current checks."""
    from agent.llm.answer_checks import check_answer
    from agent.llm.grounding import renumber
    from retrieval import Citation, Passage

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            if "raw" in row:
                given = [
                    Passage(f"given#{i}", text, _citation(Citation, i), 1.0)
                    for i, text in enumerate(row["given"])
                ]
                for policy in ("drop", "fallback"):
                    checked = check_answer(
                        row["raw"],
                        given,
                        question=row["question"],
                        extractive_text=row["extractive"],
                        max_chars=900,
                        policy=policy,  # type: ignore[arg-type]
                    )
                    text = getattr(checked, "text", None)
                    row[f"{policy}_kept"] = renumber(text)[0] if text else None
                    row[f"{policy}_reason"] = getattr(checked, "reason", None)
                    if policy == "drop":
                        row["dropped"] = [list(d) for d in checked.dropped]
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    summarise(rows, out)


def _citation(citation_type: Any, index: int) -> Any:
    from datetime import date

    return citation_type(
        f"given-{index}", "", "", "", "note", None, date(2026, 1, 1), "en_vigueur", "officiel"
    )


def summarise(rows: list[dict[str, Any]], out: Path) -> None:
    asked = [r for r in rows if r["found"]]
    answered = [r for r in asked if "raw" in r]
    times = [r["model_s"] for r in answered]
    print(f"\nquestions: {len(rows)}, found: {len(asked)}, model answered: {len(answered)}")
    for policy in ("drop", "fallback"):
        kept = sum(1 for r in answered if r.get(f"{policy}_kept"))
        print(f"kept with policy {policy}: {kept}/{len(asked)}")
    if times:
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"model latency p50 {p50:.1f} s, p95 {p95:.1f} s")
    ext = [r["extractive_ms"] for r in rows]
    print(f"extractive latency p50 {statistics.median(ext):.0f} ms")
    print(f"results: {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rejudge", type=Path)
    parser.add_argument("--base-url")
    parser.add_argument("--model", default="local")
    parser.add_argument("--profile", default="cpu")
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("--questions", type=Path, default=ROOT / "tests/data/llm_questions.yaml")
    parser.add_argument("--ids", default="")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("llm-eval.jsonl"))
    args = parser.parse_args()
    if args.rejudge:
        rejudge(args.rejudge, args.out)
        return
    if not args.base_url:
        parser.error("--base-url is required (or --rejudge FILE)")

    import yaml

    from agent.llm import LLMCallError, LLMConfig, open_llm
    from agent.llm.answer_checks import check_answer
    from bot.container import build_services
    from bot.settings import load_settings

    questions: list[dict[str, Any]] = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    if args.ids:
        wanted = set(args.ids.split(","))
        questions = [q for q in questions if q["id"] in wanted]
    if args.limit:
        questions = questions[: args.limit]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARE_LLM_")}
    os.environ.clear()
    os.environ.update(env)
    services = build_services(load_settings())
    config = LLMConfig.for_profile(args.profile, args.base_url, args.model, timeout=args.timeout)
    assistant = services.assistant
    rows: list[dict[str, Any]] = []
    with args.out.open("w", encoding="utf-8") as out:
        for item in questions:
            started = time.perf_counter()
            extractive = assistant.ask(item["question"])
            extractive_ms = 1000 * (time.perf_counter() - started)
            row: dict[str, Any] = {
                "id": item["id"],
                "question": item["question"],
                "found": extractive.found,
                "extractive": extractive.text,
                "extractive_ms": round(extractive_ms, 1),
            }
            if extractive.found:
                # a fresh stage per question: each is measured alone, whatever the last one did
                improver = open_llm(config, services.settings.care_prompts_dir).improver
                assert improver is not None
                try:
                    attempt = improver.attempt(item["question"], [], extractive)
                except LLMCallError as exc:
                    row.update(error=exc.cause)
                else:
                    given = attempt.passages
                    row.update(
                        given=[p.text for p in given],
                        raw=attempt.raw,
                        model_s=round(attempt.elapsed, 2),
                        drop_kept=attempt.answer.text if attempt.answer else None,
                        drop_reason=attempt.reason,
                        dropped=[list(d) for d in attempt.dropped],
                    )
                    fallback = check_answer(
                        attempt.raw,
                        given,
                        question=item["question"],
                        extractive_text=extractive.text,
                        max_chars=config.max_answer_chars,
                        policy="fallback",
                    )
                    row["fallback_kept"] = getattr(fallback, "text", None)
                    row["fallback_reason"] = getattr(fallback, "reason", None)
            rows.append(row)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            print(
                f"{item['id']}: model {row.get('model_s', '-')} s, "
                f"drop {'kept' if row.get('drop_kept') else row.get('drop_reason') or row.get('error')}",  # noqa: E501
                flush=True,
            )
    services.close()
    summarise(rows, args.out)


if __name__ == "__main__":
    main()
