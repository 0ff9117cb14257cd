#!/usr/bin/env python
"""Benchmark: index build time, cold `care-bot ask` process time, warm latency, peak RSS.

Prints medians, and ratios against baselines measured in the same run (the machine is shared and
noisy): a bare `python -c pass` process for the cold start, the plain BM25 baseline for the
warm latency. Usage: scripts/benchmark.py [--runs 3] [--embedder SPEC]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed_process(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        detail = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"command failed ({status}): {' '.join(cmd)}\n{detail}")
    return elapsed, usage.ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--embedder", default=os.environ.get("CARE_EMBEDDINGS", ""))
    args = parser.parse_args()

    care_bot = str(Path(sys.executable).with_name("care-bot"))
    data_dir = Path(tempfile.mkdtemp(prefix="care-bench-"))
    env = {**os.environ, "CARE_DATA_DIR": str(data_dir), "CARE_EMBEDDINGS": args.embedder}
    question = "Quels sont les prérequis du domaine 2 de CaRE ?"
    try:
        builds, build_rss = [], []
        for _ in range(args.runs):
            shutil.rmtree(data_dir, ignore_errors=True)
            seconds, rss = timed_process([care_bot, "index"], env)
            builds.append(seconds)
            build_rss.append(rss)
        colds, cold_rss, bases = [], [], []
        for _ in range(args.runs):
            seconds, rss = timed_process([care_bot, "ask", "--json", question], env)
            colds.append(seconds)
            cold_rss.append(rss)
            bases.append(timed_process([sys.executable, "-c", "pass"], env)[0])

        os.environ.update(env)
        from bot.container import build_services
        from bot.settings import load_settings
        from retrieval.evaluation import PlainBM25Searcher, load_eval_set

        settings = load_settings()
        services = build_services(settings)
        index = services.index
        baseline = PlainBM25Searcher.from_knowledge_dir(settings.care_knowledge_dir)
        questions = [q.question for q in load_eval_set(ROOT / "tests/data/eval_questions.yaml")]
        warm, base_warm = [], []
        for text in questions:
            started = time.perf_counter()
            services.assistant.ask(text)
            warm.append(1000 * (time.perf_counter() - started))
            started = time.perf_counter()
            baseline.search(text)
            base_warm.append(1000 * (time.perf_counter() - started))
        self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    med = statistics.median
    print(
        f"embedder: {index.last_report.embedder}; runs: {args.runs}; questions: {len(questions)}"
    )
    print(
        f"index build (full)      median {med(builds):6.2f} s   peak RSS {max(build_rss):6.0f} MB"
    )
    print(
        f"cold `care-bot ask`     median {med(colds):6.2f} s   peak RSS {max(cold_rss):6.0f} MB"
        f"   (python -c pass: {med(bases):.2f} s, ratio {med(colds) / med(bases):.1f}x)"
    )
    ratio = med(warm) / max(med(base_warm), 1e-6)
    print(
        f"warm answer (ask)       p50 {med(warm):6.1f} ms   p95 {percentile(warm, 0.95):6.1f} ms"
        f"   (plain BM25 p50 {med(base_warm):.2f} ms, ratio {ratio:.0f}x)"
    )
    print(f"in-process peak RSS     {self_rss:6.0f} MB")


if __name__ == "__main__":
    main()
