"""Fast first, better later: the extractive answer is sent at once; when the language model's
rewording arrives and passes the checks, the same message is edited to show it.

The referent never waits for the model: a CPU model takes tens of seconds, the extractive answer
a fraction of one. The edit keeps the message's place in the conversation (no second copy of
the answer to compare), and the text says it was « reformulée par le modèle ». When the model
fails, is slow, or its version does not pass, nothing changes on the phone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from agent.turns import Reply, TextReply
from bot.telegram.delivery import NO_PREVIEW
from bot.telegram.rendering import OutText, render

logger = logging.getLogger(__name__)
_RUNNING: set[asyncio.Task[None]] = set()  # a reference per task, until it ends


def schedule_refinements(
    replies: Sequence[Reply],
    sent: Sequence[Message],
    private: bool,
) -> list[asyncio.Task[None]]:
    """Start, in the background, the model's version of each answer that offers one.

    ``sent`` are the messages ``deliver`` sent for ``replies`` (one per rendered item). An answer
    that took more than one message is left as it is (an edit cannot merge messages).
    """
    tasks: list[asyncio.Task[None]] = []
    position = 0
    counts = [len(render([reply], private=private)) for reply in replies]
    if sum(counts) != len(sent):
        return tasks  # a message was split again on the way: do not guess which to edit
    for reply, count in zip(replies, counts, strict=True):
        message = sent[position + count - 1] if count else None
        position += count
        if isinstance(reply, TextReply) and reply.refine is not None and count == 1:
            assert message is not None
            task = asyncio.create_task(_refine(reply, message, private), name="care-refine")
            _RUNNING.add(task)
            task.add_done_callback(_RUNNING.discard)
            tasks.append(task)
    return tasks


async def _refine(reply: TextReply, message: Message, private: bool) -> None:
    assert reply.refine is not None
    started = time.perf_counter()
    try:
        better = await asyncio.to_thread(reply.refine)
    except Exception:  # the extractive answer stays; never an error for the user
        logger.warning("answer refinement failed", exc_info=True)
        return
    if better is None:
        return
    items = render([better], private=private)
    if len(items) != 1 or not isinstance(items[0], OutText):
        logger.info("model's answer too long for one message: the first answer stays")
        return
    item = items[0]
    try:
        await message.edit_text(
            item.html,
            parse_mode=ParseMode.HTML,
            reply_markup=item.keyboard,
            link_preview_options=NO_PREVIEW,
        )
    except TelegramError as exc:  # deleted, too old, not modified…: the first answer stays
        logger.info("could not replace the answer with the model's: %s", exc)
        return
    logger.info(
        "answer replaced by the model's version after %.1f s", time.perf_counter() - started
    )
