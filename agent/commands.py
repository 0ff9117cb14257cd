"""Commands declared once: name, French description, where they may run, and their handler.

A ``CommandTable`` is the single declaration of a set of commands. Everything else is derived
from it: the help text (``help_text``), a front end's command menu (Telegram's
``setMyCommands``), which commands never run in a group chat, the names a log may show, and the
routing itself (``CommandTable.find``). The assistant's table (``Assistant.commands``) holds the
built-ins and one command per dialogue flow; the Telegram front end declares its administrators'
commands in a table of its own (``bot.telegram.admin``).

The handler's type is the table's business: the assistant's handlers take a ``CommandCall``
and return replies, the bot's administrator handlers are PTB callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from agent.turns import Reply, Session

if TYPE_CHECKING:
    from agent.store import TurnStore

H = TypeVar("H")

MENU_DESCRIPTION_LIMIT = 256  # characters (Telegram's limit for a menu entry)


@dataclass(frozen=True)
class Command(Generic[H]):
    """One command. ``name`` starts with « / »; ``description`` is French, starts lower-case
    (« les sources de ma base de connaissances ») and is shown in the help and in menus."""

    name: str
    description: str
    handler: H
    private_only: bool = False  # its replies may show a user's drafts or data: never in a group
    usage: str = ""  # what follows the name in the help, e.g. "[terme]"
    aliases: tuple[str, ...] = ()  # also routed, never listed (e.g. "/help")
    listed: bool = True  # False: in menus but not in the help text (/start, /aide)

    @property
    def menu_name(self) -> str:
        """The name as Telegram's menu and ``CommandHandler`` want it (no slash)."""
        return self.name.removeprefix("/")

    @property
    def menu_description(self) -> str:
        """The description as a menu entry: capitalised, within Telegram's limit."""
        text = self.description.strip()
        return (text[:1].upper() + text[1:])[:MENU_DESCRIPTION_LIMIT]


class CommandTable(Generic[H]):
    """An ordered set of commands (order = menu and help order), found by name or alias."""

    def __init__(self, commands: Iterable[Command[H]]) -> None:
        self._commands = tuple(commands)
        self._by_name: dict[str, Command[H]] = {}
        for command in self._commands:
            for name in (command.name, *command.aliases):
                if not name.startswith("/") or name != name.lower():
                    raise ValueError(f"command names are lower case and start with /: {name!r}")
                if name in self._by_name:
                    raise ValueError(f"command {name} declared twice")
                self._by_name[name] = command

    def __iter__(self) -> Iterator[Command[H]]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)

    def find(self, name: str) -> Command[H] | None:
        """The command typed as ``name`` (« /Aide », « /aide@CareBot »), or None."""
        return self._by_name.get(name.split("@", 1)[0].lower())

    @property
    def names(self) -> frozenset[str]:
        """Every name the table answers, aliases included (« /aide », « /help »…)."""
        return frozenset(self._by_name)

    @property
    def private_only(self) -> frozenset[str]:
        """The names (aliases included) of the commands that never run in a group chat."""
        return frozenset(name for name, command in self._by_name.items() if command.private_only)


@dataclass(frozen=True)
class CommandCall:
    """What an assistant command handler receives: the session (changes are saved with the
    turn), the text after the command, and the turn's store."""

    session: Session
    argument: str
    store: TurnStore


AssistantCommand = Command[Callable[[CommandCall], list[Reply]]]


def help_text(commands: Iterable[Command[H]]) -> str:
    """/aide: what the assistant does, then one line per listed command."""
    listed = [command for command in commands if command.listed]
    lines = [
        "Ce que je sais faire :",
        "• répondre à vos questions sur le programme CaRE, la PGSSI-S et les instructions "
        "ministérielles, avec les sources datées (posez simplement votre question) ;",
    ]
    for number, command in enumerate(listed, start=1):
        usage = f" {command.usage}" if command.usage else ""
        end = "." if number == len(listed) else " ;"
        lines.append(f"• {command.name}{usage} — {command.description}{end}")
    lines += [
        "",
        "Je réponds uniquement à partir de sources vérifiées et je le dis quand je ne sais pas.",
    ]
    return "\n".join(lines)
