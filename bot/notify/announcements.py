"""Starting announcements and keeping their authors informed: a progress message that is
updated while the outbox sends, ending as the delivery report."""

from __future__ import annotations

import contextlib

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.defaults import language_of
from bot.services.messaging import announcements as ann
from bot.services.people.users import get_person
from bot.services.plain import AnnouncementInfo, Person


def _author_language(author: Person | None) -> str:
    return language_of(author)


async def start_due(bot: Bot, i18n: I18n, session: AsyncSession, clock: Clock) -> None:
    """Queue what is due and give each author a progress message to update."""
    for started in await ann.launch_due(session, clock()):
        author = await get_person(session, started.author_id) if started.author_id else None
        with i18n.context(), i18n.use_locale(_author_language(author)):
            text = ngettext(
                "📣 Sending to {count} person…", "📣 Sending to {count} people…", started.recipients
            ).format(count=started.recipients)
        with contextlib.suppress(TelegramAPIError):
            sent = await bot.send_message(started.author_chat_id, text)
            await ann.set_progress_message(session, started, sent.message_id)


async def report_progress(bot: Bot, i18n: I18n, session: AsyncSession, clock: Clock) -> None:
    """Update every running announcement's progress message; finished ones get the report."""
    for running in await ann.sending(session):
        progress = await ann.progress_of(session, running)
        author = await get_person(session, running.author_id) if running.author_id else None
        with i18n.context(), i18n.use_locale(_author_language(author)):
            text = _report(running, progress)
        if running.progress_message_id is not None:
            with contextlib.suppress(TelegramAPIError):
                await bot.edit_message_text(
                    text, chat_id=running.author_chat_id, message_id=running.progress_message_id
                )
        if progress.finished:
            await ann.finish(session, running, clock())


def _report(running: AnnouncementInfo, progress: ann.Progress) -> str:
    if not progress.finished:
        return _("📣 Sending… {done} of {count} done.").format(
            done=progress.done, count=running.recipients
        )
    return _(
        "📣 Delivery report: delivered {delivered}, failed {failed}, blocked the bot {blocked}."
    ).format(delivered=progress.delivered, failed=progress.failed, blocked=progress.blocked)
