"""An update Telegram gives again (after a crash, before its receipt was confirmed) is
handled once: skipped when it ran to its end, handled again when it did not."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage
from aiogram.types import Chat, Message, Update
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import HandledUpdate, HelpRequest
from bot.db.unit_of_work import unit_of_work
from bot.db.update_log import forget_old_updates
from tests.harness import Harness, joined
from tests.helpers import add_place
from tests.test_help_flow import ZOFIA, sign_up

METHOD = SendMessage(chat_id=ZOFIA.id, text="…")


def typed(harness: Harness, update_id: int, text: str) -> Update:
    message = Message(
        message_id=update_id,
        date=harness.clock(),
        chat=Chat(id=ZOFIA.id, type="private"),
        from_user=ZOFIA.tg,
        text=text,
    )
    return Update(update_id=update_id, message=message)


async def start_a_request(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Shopping")


async def test_an_update_that_ran_to_its_end_is_not_handled_again(
    harness: Harness, db: AsyncSession
) -> None:
    await start_a_request(harness, db)
    update = typed(harness, 90_001, "Bread and milk")
    assert "When" in joined(await harness.feed(update))
    assert await harness.feed(update) == [], "given again after a restart: skipped"
    calls = await harness.press(ZOFIA, "Any day")
    assert "What time of day" in joined(calls), "the conversation went on from where it was"


async def test_an_update_that_died_half_way_is_handled_again(
    harness: Harness, db: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    """The step was saved before the reply; the reply failed, so the update did not run
    to its end. Given again, it is handled: the question of the step comes again."""
    await start_a_request(harness, db)
    harness.session.failures[ZOFIA.id] = [
        TelegramBadRequest(method=METHOD, message="Bad Request: something unexpected")
    ]
    update = typed(harness, 90_002, "Bread and milk")
    calls = await harness.feed(update)
    assert "something went wrong" in joined(calls)
    caplog.clear()
    calls = await harness.feed(update)
    assert "When" in joined(calls)
    assert await db.scalar(select(func.count()).select_from(HelpRequest)) == 0


async def test_the_record_is_kept_two_days(
    harness: Harness, db: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await start_a_request(harness, db)
    handled = await db.scalar(select(func.count()).select_from(HandledUpdate))
    assert handled > 0
    harness.clock.advance(days=1, hours=23)
    async with unit_of_work(session_factory) as session:
        assert await forget_old_updates(session, harness.clock()) == 0
    harness.clock.advance(hours=2)
    async with unit_of_work(session_factory) as session:
        assert await forget_old_updates(session, harness.clock()) == handled
