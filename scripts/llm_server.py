#!/usr/bin/env python
"""llama.cpp's own server (``xllamacpp``, a prebuilt PyPI wheel) on 127.0.0.1, for a GGUF file.

Serves the OpenAI-compatible ``/v1`` API (``/v1/chat/completions``, ``/v1/models``) under the
model name given by ``--alias``. Deterministic for tests: a fixed seed, one request at a time
(``--parallel 1``: on 2 cores a second slot only halves each one's speed). Stops on SIGTERM or
SIGINT. Prints one line ``listening <url>`` once it answers.

Usage: scripts/llm_server.py MODEL.gguf [--port 8080] [--alias local] [--threads 2]
                             [--ctx 4096] [--seed 42] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--alias", default="local")
    parser.add_argument("--threads", type=int, default=max(1, min(4, (os.cpu_count() or 2) - 1)))
    parser.add_argument("--ctx", type=int, default=4096)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--parallel", type=int, default=1)
    args = parser.parse_args()
    if not args.model.is_file():
        print(f"no model file at {args.model}", file=sys.stderr)
        return 2
    try:
        import xllamacpp as xlc
    except ImportError:
        print(
            "xllamacpp is not installed: pip install 'assistant-care[local-llm]'", file=sys.stderr
        )
        return 2

    params = xlc.CommonParams()
    params.model.path = str(args.model)
    params.model_alias = {args.alias}
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.sampling.seed = args.seed
    params.sampling.temp = 0.1
    # small models fall into loops ("[1] [2] [3] [1][2] [1][2]…"): a mild repeat penalty
    params.sampling.penalty_repeat = 1.1
    params.sampling.penalty_last_n = 128
    params.verbosity = 0
    server = xlc.Server(params)
    print(f"listening {server.listening_address}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
