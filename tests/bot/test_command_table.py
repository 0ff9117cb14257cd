"""Help, menu and routing are derived from the command tables, so they agree (real PTB app)."""

from __future__ import annotations

import pytest

from agent import messages
from agent.commands import help_text
from bot.telegram import texts
from bot.telegram.admin import ADMIN_COMMANDS
from tests.bot.conftest import ADMIN, GROUP, BotHarness, texts_of, toasts


def unknown(name: str) -> str:
    return messages.unknown_command(name)


async def test_the_menus_are_the_tables(bot: BotHarness) -> None:
    table = bot.runtime.assistant.commands
    menus = bot.api.sent("setMyCommands")
    (french,) = [c for c in menus if c.params.get("language_code") == "fr"]
    entries = [(c["command"], c["description"]) for c in french.params["commands"]]
    assert entries == [(c.menu_name, c.menu_description) for c in table]
    (admin,) = [c for c in menus if c.params["scope"].get("chat_id") == ADMIN]
    admin_names = [c["command"] for c in admin.params["commands"]]
    assert admin_names == [c.menu_name for c in (*table, *ADMIN_COMMANDS)]
    flows = {flow.command for flow in bot.runtime.assistant.flows}
    assert flows <= table.names and flows <= table.private_only


async def test_the_help_lists_every_listed_command_with_its_description(bot: BotHarness) -> None:
    (shown,) = texts_of(await bot.send("/aide"))
    table = bot.runtime.assistant.commands
    assert shown == help_text(table)
    listed = [c for c in table if c.listed]
    lines = [line for line in shown.splitlines() if line.startswith("• /")]
    assert len(lines) == len(listed)
    for line, command in zip(lines, listed, strict=True):
        assert line.startswith(f"• {command.name}")
        assert command.description in line
    assert "• /glossaire [terme] — " in shown
    assert "/start" not in shown and "/help" not in shown  # routed, not listed


async def test_every_declared_command_is_routed_and_nothing_else(bot: BotHarness) -> None:
    table = bot.runtime.assistant.commands
    for name in sorted(table.names):
        said = texts_of(await bot.send(name))
        assert said and unknown(name) not in said, name
    for command in ADMIN_COMMANDS:
        said = texts_of(await bot.send(f"{command.name} 4004", user=ADMIN))
        assert said and unknown(command.name) not in said, command.name
        assert texts.ADMIN_ONLY not in said
    assert texts_of(await bot.send("/inexistante")) == [unknown("/inexistante")]
    assert texts_of(await bot.send("/AIDE@CareTestBot")) == [help_text(table)]


@pytest.mark.parametrize("private_only", [True, False])
async def test_a_group_refuses_exactly_the_private_only_commands(
    bot: BotHarness, private_only: bool
) -> None:
    table = bot.runtime.assistant.commands
    names = sorted(table.private_only if private_only else table.names - table.private_only)
    assert names
    for name in names:
        said = texts_of(await bot.send(f"{name}@CareTestBot", chat=GROUP))
        if private_only:
            assert said == [texts.PRIVATE_ONLY], name
        else:
            assert said and texts.PRIVATE_ONLY not in said, name
    assert bot.store.load_session("tg:2002").flow is None  # no dialogue started from a group


async def test_administrators_commands_need_an_administrator_in_private(bot: BotHarness) -> None:
    for command in ADMIN_COMMANDS:
        assert texts_of(await bot.send(command.name)) == [texts.ADMIN_ONLY]
        calls = await bot.send(f"{command.name}@CareTestBot", user=ADMIN, chat=GROUP)
        assert texts_of(calls) + toasts(calls) == [texts.PRIVATE_ONLY]
