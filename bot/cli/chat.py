"""``care-bot chat``: a terminal conversation, the channel Telegram mirrors.

``TerminalDriver`` is the terminal's front end of the assistant; the interactive
``care-bot eligibility`` runs the /eligibilite dialogue through it too.
"""

from __future__ import annotations

import getpass
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from agent.turns import Attachment, ChoiceReply, DocumentReply, Option, Reply, TextReply, Turn
from bot.cli.common import console, err_console, index_progress, services, setup
from bot.cli.output_files import OutputError, write_new_version

if TYPE_CHECKING:
    from agent.assistant import Assistant

PROMPT = "vous> "

Choice = tuple[Option, str | None]  # an option and the token of the question it answers


def save_document(reply: DocumentReply, out_dir: Path, out: Console = console) -> None:
    """Save a document in ``out_dir``, never over an existing file (``…-v2.docx`` instead)."""
    try:
        target = write_new_version(out_dir, reply.filename, reply.content)
    except OutputError as exc:
        err_console.print(f"Document non enregistré : {exc.user_message}", markup=False)
        return
    out.print(f"Document enregistré : {target}", markup=False)
    if target.name != reply.filename:
        out.print(
            f"({reply.filename} existait déjà : je l'ai laissé intact et j'ai créé une nouvelle "
            "version.)",
            markup=False,
        )
    if reply.caption:
        out.print(reply.caption, markup=False)


def _print_options(options: tuple[Option, ...], out: Console) -> None:
    for number, option in enumerate(options, start=1):
        out.print(f"  {number}. {option.label}", markup=False)


def render(replies: list[Reply], out_dir: Path, out: Console = console) -> list[Choice]:
    """Print replies; return the options of the last one so the user can answer by number."""
    options: list[Choice] = []
    for reply in replies:
        if isinstance(reply, TextReply):
            text = reply.text.replace("**", "") if reply.styled else reply.text
            out.print(text, markup=False)
            _print_options(reply.options, out)
            options = [(option, None) for option in reply.options]
        elif isinstance(reply, ChoiceReply):
            out.print(reply.question, markup=False)
            _print_options(reply.options, out)
            options = [(option, reply.token) for option in reply.options]
        elif isinstance(reply, DocumentReply):
            save_document(reply, out_dir, out)
        out.print()
    return options


def refine_in_background(
    replies: list[Reply], interactive: bool, out: Console = console
) -> list[threading.Thread]:
    """The model's version of each answer, printed when it arrives (the first answer is shown
    already): in a terminal, under what the user is typing; from a pipe, before the next line."""
    threads = []
    for reply in replies:
        if isinstance(reply, TextReply) and reply.refine is not None:
            thread = threading.Thread(
                target=_print_refined,
                args=(reply, interactive, out),
                name="care-refine",
                daemon=True,
            )
            thread.start()
            threads.append(thread)
    return threads


def _print_refined(reply: TextReply, interactive: bool, out: Console) -> None:
    assert reply.refine is not None
    better = reply.refine()
    if better is None:
        return
    out.print(("\n" if interactive else "") + better.text, markup=False)
    out.print()
    if interactive:
        out.print(PROMPT, end="", markup=False)


def to_turn(user_id: str, line: str, options: list[Choice]) -> Turn:
    stripped = line.strip()
    if stripped.isdigit() and options and 1 <= int(stripped) <= len(options):
        option, token = options[int(stripped) - 1]
        return Turn(user_id, text=option.label, action=option.action, token=token)
    if stripped.startswith("@") and Path(stripped[1:]).is_file():
        path = Path(stripped[1:])
        return Turn(user_id, attachment=Attachment(path.name, path.read_bytes()))
    return Turn(user_id, text=line)


def terminal_user(user: str) -> str:
    """The assistant's user id for the terminal (``cli:<login>`` by default)."""
    return f"cli:{user or getpass.getuser()}"


@dataclass
class TerminalDriver:
    """One terminal conversation with the assistant: a line in, its replies printed, a number
    pressing an option of the last replies (``care-bot chat`` and ``care-bot eligibility``)."""

    assistant: Assistant
    user_id: str
    out_dir: Path = field(default_factory=Path)
    out: Console = console
    interactive: bool = False
    options: list[Choice] = field(default_factory=list)

    def show(self, replies: list[Reply]) -> None:
        self.options = render(replies, self.out_dir, self.out)

    def handle(self, line: str) -> list[Reply]:
        """The assistant's replies to ``line`` (not printed yet: see ``show``)."""
        return self.assistant.handle(to_turn(self.user_id, line, self.options))

    def say(self, line: str) -> list[Reply]:
        """Send ``line``, print the replies, then the model's rewordings when they come."""
        replies = self.handle(line)
        self.show(replies)
        self.refine(replies)
        return replies

    def refine(self, replies: list[Reply]) -> None:
        pending = refine_in_background(replies, self.interactive, self.out)
        if not self.interactive:  # a script reads both versions in order
            for thread in pending:
                thread.join()


def chat(
    user: Annotated[str, typer.Option(help="Identifiant de l'utilisateur (session).")] = "",
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Dossier où enregistrer les documents produits.")
    ] = Path(),
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Conversation dans le terminal (questions, /eligibilite, /fiche_projet…)."""
    settings = setup(verbose)
    svc = services(settings, index_progress)
    interactive = sys.stdin.isatty()
    driver = TerminalDriver(svc.assistant, terminal_user(user), out_dir, interactive=interactive)
    if interactive:
        console.print("Assistant CaRE — tapez votre question, /aide, ou Ctrl-D pour quitter.\n")
    driver.show(svc.assistant.resume(driver.user_id))
    while True:
        try:
            line = input(PROMPT if interactive else "")
        except EOFError:
            break
        if not line.strip():
            continue
        if line.strip() in {"/quitter", "/exit", "/quit"}:
            break
        driver.say(line)
    svc.close()


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)
