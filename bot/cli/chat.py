"""``care-bot chat``: a terminal conversation, the channel Telegram mirrors."""

from __future__ import annotations

import getpass
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from agent.turns import Attachment, ChoiceReply, DocumentReply, Option, Reply, TextReply, Turn
from bot.cli.common import console, err_console, index_progress, services, setup
from bot.cli.output_files import OutputError, write_new_version

PROMPT = "vous> "

Choice = tuple[Option, str | None]  # an option and the token of the question it answers


def save_document(reply: DocumentReply, out_dir: Path) -> None:
    """Save a document in ``out_dir``, never over an existing file (``…-v2.docx`` instead)."""
    try:
        target = write_new_version(out_dir, reply.filename, reply.content)
    except OutputError as exc:
        err_console.print(f"Document non enregistré : {exc.user_message}", markup=False)
        return
    console.print(f"Document enregistré : {target}", markup=False)
    if target.name != reply.filename:
        console.print(
            f"({reply.filename} existait déjà : je l'ai laissé intact et j'ai créé une nouvelle "
            "version.)",
            markup=False,
        )
    if reply.caption:
        console.print(reply.caption, markup=False)


def _print_options(options: tuple[Option, ...]) -> None:
    for number, option in enumerate(options, start=1):
        console.print(f"  {number}. {option.label}", markup=False)


def render(replies: list[Reply], out_dir: Path) -> list[Choice]:
    """Print replies; return the options of the last one so the user can answer by number."""
    options: list[Choice] = []
    for reply in replies:
        if isinstance(reply, TextReply):
            text = reply.text.replace("**", "") if reply.styled else reply.text
            console.print(text, markup=False)
            _print_options(reply.options)
            options = [(option, None) for option in reply.options]
        elif isinstance(reply, ChoiceReply):
            console.print(reply.question, markup=False)
            _print_options(reply.options)
            options = [(option, reply.token) for option in reply.options]
        elif isinstance(reply, DocumentReply):
            save_document(reply, out_dir)
        console.print()
    return options


def refine_in_background(replies: list[Reply], interactive: bool) -> list[threading.Thread]:
    """The model's version of each answer, printed when it arrives (the first answer is shown
    already): in a terminal, under what the user is typing; from a pipe, before the next line."""
    threads = []
    for reply in replies:
        if isinstance(reply, TextReply) and reply.refine is not None:
            thread = threading.Thread(
                target=_print_refined, args=(reply, interactive), name="care-refine", daemon=True
            )
            thread.start()
            threads.append(thread)
    return threads


def _print_refined(reply: TextReply, interactive: bool) -> None:
    assert reply.refine is not None
    better = reply.refine()
    if better is None:
        return
    console.print(("\n" if interactive else "") + better.text, markup=False)
    console.print()
    if interactive:
        console.print(PROMPT, end="", markup=False)


def to_turn(user_id: str, line: str, options: list[Choice]) -> Turn:
    stripped = line.strip()
    if stripped.isdigit() and options and 1 <= int(stripped) <= len(options):
        option, token = options[int(stripped) - 1]
        return Turn(user_id, text=option.label, action=option.action, token=token)
    if stripped.startswith("@") and Path(stripped[1:]).is_file():
        path = Path(stripped[1:])
        return Turn(user_id, attachment=Attachment(path.name, path.read_bytes()))
    return Turn(user_id, text=line)


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
    user_id = f"cli:{user or getpass.getuser()}"
    interactive = sys.stdin.isatty()
    if interactive:
        console.print("Assistant CaRE — tapez votre question, /aide, ou Ctrl-D pour quitter.\n")
    options = render(svc.assistant.resume(user_id), out_dir)
    while True:
        try:
            line = input(PROMPT if interactive else "")
        except EOFError:
            break
        if not line.strip():
            continue
        if line.strip() in {"/quitter", "/exit", "/quit"}:
            break
        replies = svc.assistant.handle(to_turn(user_id, line, options))
        options = render(replies, out_dir)
        pending = refine_in_background(replies, interactive)
        if not interactive:  # a script reads both versions in order
            for thread in pending:
                thread.join()
    svc.close()


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)
