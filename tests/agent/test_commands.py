"""The command table: one declaration per command, found by name or alias."""

from __future__ import annotations

import pytest

from agent.commands import Command, CommandTable, help_text


def table() -> CommandTable[str]:
    return CommandTable(
        [
            Command("/aide", "liste des commandes", "help", aliases=("/help",), listed=False),
            Command("/glossaire", "les sigles", "glossary", usage="[terme]"),
            Command("/annuler", "interrompre le dialogue", "cancel", private_only=True),
        ]
    )


def test_found_by_name_or_alias_whatever_the_case_or_the_addressed_bot() -> None:
    commands = table()
    assert commands.find("/aide") is commands.find("/HELP@CareBot") is not None
    assert commands.find("/glossaire@x") is not None
    assert commands.find("/inconnue") is None
    assert commands.names == {"/aide", "/help", "/glossaire", "/annuler"}
    assert commands.private_only == {"/annuler"}
    assert [c.name for c in commands] == ["/aide", "/glossaire", "/annuler"]


@pytest.mark.parametrize(
    "commands",
    [
        [Command("/a", "x", 1), Command("/a", "y", 2)],
        [Command("/a", "x", 1), Command("/b", "y", 2, aliases=("/a",))],
        [Command("a", "x", 1)],
        [Command("/A", "x", 1)],
    ],
)
def test_a_name_is_declared_once_lower_case_with_its_slash(commands: list[Command[int]]) -> None:
    with pytest.raises(ValueError, match=r"/|twice"):
        CommandTable(commands)


def test_menu_entries() -> None:
    command = Command("/sources", "les sources " + "x" * 300, None)
    assert command.menu_name == "sources"
    assert command.menu_description.startswith("Les sources ")
    assert len(command.menu_description) == 256


def test_the_help_lists_the_listed_commands_in_order() -> None:
    text = help_text(table())
    assert "• /glossaire [terme] — les sigles ;\n• /annuler — interrompre le dialogue." in text
    assert "/aide" not in text
