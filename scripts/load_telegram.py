#!/usr/bin/env python
"""Load check of the Telegram bot: simulated users talking to ``care-bot telegram`` (polling).

The real bot process runs against the fake Bot API of the tests (127.0.0.1). Each simulated user
sends its messages one after the other (waiting for the reply, like a person), all users at
once: questions from the knowledge base's FAQ paraphrases plus a few interview steps
(``/eligibilite``, a button press, ``/annuler``, ``/aide``). Prints reply latency (first message
after the update), throughput, errors and the bot's peak RSS, then the same messages through
``Assistant.handle`` in this process, one at a time (the baseline), and the ratios.

Usage: scripts/load_telegram.py [--users 50] [--messages 10] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot.e2e_support import TOKEN, BotProcess, bot_env  # noqa: E402
from tests.bot.fake_bot_api import Event, FakeBotApi, Posted  # noqa: E402

APOLOGY = "Désolé, une erreur interne"
RATE_LIMITED = "Trop de messages"
FIRST_USER = 100_000
Figures = dict[str, tuple[float, float]]  # kind → (p50 ms, p95 ms); "throughput" → (msg/s, 0)


@dataclass(frozen=True)
class Step:
    text: str = ""
    press_first: bool = False  # press the first button of the pending interview question
    expects_question: bool = False  # the reply ends with an interview question (buttons)

    @property
    def kind(self) -> str:
        if self.press_first:
            return "button"
        return "command" if self.text.startswith("/") else "question"


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # by step kind
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, latency: float | None, error: str | None = None) -> None:
        with self.lock:
            if latency is not None:
                self.latencies.setdefault(kind, []).append(latency)
            if error:
                self.errors.append(error)

    @property
    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def faq_questions() -> list[str]:
    entries = yaml.safe_load((ROOT / "knowledge" / "faq.yaml").read_text(encoding="utf-8"))
    questions: list[str] = []
    for entry in entries:
        questions += [entry["question"], *entry.get("paraphrases", [])]
    return questions


def user_script(number: int, messages: int, questions: list[str]) -> list[Step]:
    """Mostly questions; every user also starts an interview, answers once and cancels it."""
    asked = iter(questions[(number * 7 + k) % len(questions)] for k in range(messages))
    pattern = [
        Step(next(asked)),
        Step("/eligibilite", expects_question=True),
        Step(press_first=True, expects_question=True),
        Step("/annuler"),
        Step("/aide"),
    ]
    steps = pattern[: min(len(pattern), messages)]
    while len(steps) < messages:
        steps.append(Step(next(asked)))
    return steps


def is_question(event: Event) -> bool:
    return event.method == "sendMessage" and any(d.startswith("elig:") for _, d in event.buttons)


def is_message(event: Event) -> bool:
    return event.method in ("sendMessage", "sendDocument")


def run_user(fake: FakeBotApi, user: int, steps: list[Step], results: Results) -> None:
    question: Event | None = None
    for step in steps:
        try:
            posted: Posted
            if step.press_first:
                assert question is not None, "no pending question to answer"
                posted = fake.press(user, question.buttons[0][1])
            else:
                posted = fake.send_text(user, step.text)
            reply = fake.wait_for(user, is_message, timeout=120, since=posted)
            if step.expects_question:
                question = fake.wait_for(user, is_question, timeout=120, since=posted)
            last = fake.messages(user, posted.mark)
        except (TimeoutError, LookupError, AssertionError) as exc:
            results.add(step.kind, None, f"user {user}: {type(exc).__name__}: {str(exc)[:120]}")
            return
        failed = [e.text[:60] for e in last if APOLOGY in e.text or RATE_LIMITED in e.text]
        error = f"user {user}: {failed}" if failed else None
        results.add(step.kind, reply.at - posted.at, error)


def run_users(fake: FakeBotApi, scripts: dict[int, list[Step]], results: Results) -> float:
    """Every user's script at once, one thread per user; the wall-clock seconds it took."""
    threads = [
        threading.Thread(target=run_user, args=(fake, user, steps, results))
        for user, steps in scripts.items()
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc (psutil is not a dependency)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def warm_up(fake: FakeBotApi, user: int, questions: list[str]) -> None:
    """The first question loads the embedding model: not part of the figures."""
    posted = fake.send_text(user, questions[0])
    fake.wait_for(user, is_message, timeout=120, since=posted)


def load_bot(args: argparse.Namespace, data_dir: Path, log: Path, max_rate: str) -> Figures:
    questions = faq_questions()
    users = [FIRST_USER + n for n in range(args.users)]
    scripts = {user: user_script(n, args.messages, questions) for n, user in enumerate(users)}
    results = Results()
    with FakeBotApi(TOKEN, delivery_threads=1) as fake:
        env = bot_env(fake, data_dir, [*users, FIRST_USER - 1], CARE_TELEGRAM_MAX_RATE=max_rate)
        bot = BotProcess(fake, env, log)
        try:
            started = time.perf_counter()
            bot.wait_ready(timeout=300)
            print(f"bot ready in {time.perf_counter() - started:.1f} s (pid {bot.pid})")
            warm_up(fake, FIRST_USER - 1, questions)
            idle_rss, _ = peak_rss_mb(bot.pid)
            elapsed = run_users(fake, scripts, results)
            _, peak_rss = peak_rss_mb(bot.pid)
            api_calls = len(fake.calls())
            exit_code = bot.terminate()
        finally:
            bot.close()
    log_errors = [line for line in log.read_text().splitlines() if " ERROR " in line]
    errors = results.errors + log_errors + ([f"exit code {exit_code}"] if exit_code else [])
    sent = sum(len(steps) for steps in scripts.values())
    answered = results.all_latencies
    limit = f"{max_rate} requests/s" if float(max_rate) else "off"
    print(f"\n== care-bot telegram (polling), {args.users} users × {args.messages} messages, "
          f"flood limiter (CARE_TELEGRAM_MAX_RATE) {limit}")  # fmt: skip
    print(f"messages sent {sent}, answered {len(answered)}, errors {len(errors)}")
    for error in errors[:10]:
        print(f"  error: {error}")
    print(f"throughput {len(answered) / elapsed:.1f} messages/s ({elapsed:.1f} s in all), "
          f"{api_calls} Bot API calls")  # fmt: skip
    print(f"bot RSS idle {idle_rss:.0f} MB, peak (VmHWM) {peak_rss:.0f} MB")
    return summarize("reply latency (update → first message)", results.latencies, elapsed)


def summarize(title: str, latencies: dict[str, list[float]], elapsed: float) -> Figures:
    """p50 / p95 in ms for all messages and per kind; prints them."""
    every = [value for values in latencies.values() for value in values] or [float("nan")]
    figures: Figures = {"all": (percentile(every, 0.5) * 1000, percentile(every, 0.95) * 1000)}
    for kind, values in sorted(latencies.items()):
        figures[kind] = (percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000)
    figures["throughput"] = (len(every) / elapsed, 0.0)
    print(title)
    for kind, (p50, p95) in figures.items():
        if kind != "throughput":
            count = len(every) if kind == "all" else len(latencies[kind])
            print(f"  {kind:<9} n={count:<4} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    return figures


def baseline(args: argparse.Namespace, data_dir: Path, store: Path) -> Figures:
    """The same messages through ``Assistant.handle`` in this process, one at a time."""
    from agent.turns import ChoiceReply, Turn
    from bot.container import build_services
    from bot.settings import load_settings

    settings = load_settings(care_data_dir=data_dir, care_database_url=f"sqlite:///{store}")
    services = build_services(settings)
    assistant = services.assistant
    questions = faq_questions()
    assistant.handle(Turn("tg:warm-up", questions[0]))
    latencies: dict[str, list[float]] = {}
    started = time.perf_counter()
    for number in range(args.users):
        user = f"tg:{FIRST_USER + number}"
        options = None
        for step in user_script(number, args.messages, questions):
            turn = Turn(user, step.text)
            if step.press_first:
                assert options is not None
                turn = Turn(user, options[0].label, options[0].action)
            begun = time.perf_counter()
            replies = assistant.handle(turn)
            latencies.setdefault(step.kind, []).append(time.perf_counter() - begun)
            choices = [r for r in replies if isinstance(r, ChoiceReply)]
            options = choices[-1].options if choices else options
    elapsed = time.perf_counter() - started
    services.close()
    print("\n== baseline: Assistant.handle in process, same messages, one at a time")
    figures = summarize("handle latency", latencies, elapsed)
    print(f"throughput {figures['throughput'][0]:.1f} messages/s")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, help="a CARE_DATA_DIR with a built index")
    parser.add_argument(
        "--max-rate",
        action="append",
        help="CARE_TELEGRAM_MAX_RATE of a run (repeatable; default: 30, Telegram's limit, and 0)",
    )
    args = parser.parse_args()
    runs: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="care-load-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        for max_rate in args.max_rate or ["30", "0"]:
            log = Path(tmp) / f"bot-{max_rate}.log"
            runs[max_rate] = load_bot(args, data_dir, log, max_rate)
        base = baseline(args, data_dir, Path(tmp) / "baseline.sqlite3")
    for max_rate, bot in runs.items():
        limit = f"{max_rate}/s" if float(max_rate) else "off"
        print(f"\n== ratios (bot with flood limiter {limit} / baseline)")
        for kind, (p50, p95) in bot.items():
            if kind != "throughput" and kind in base:
                ratio50, ratio95 = p50 / base[kind][0], p95 / base[kind][1]
                print(f"  {kind:<9} p50 {ratio50:7.1f}×   p95 {ratio95:7.1f}×")
        print(f"  throughput {bot['throughput'][0] / base['throughput'][0]:.2f}×")


if __name__ == "__main__":
    main()
