"""A place at an event given up late: the invitations to fitting neighbours and, if it
is still free hours later, the word to the animators (the decisions are in
`bot.services.initiatives.freed_places`; each message is queued once, with its dedupe key)."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.keyboards import events as ekb
from bot.notify.delivery import Compose, Composed, notify, notify_animators
from bot.services.initiatives.freed_places import Freed, invitees, mark_invited, to_invite, to_tell
from bot.views.events import event_heading


async def queue_freed_places(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    """Invite for each newly freed place; tell the animators of those nobody took."""
    now = clock()
    for item in await to_invite(session, now):
        released_at = _release_at(settings, item, now)
        for person in await invitees(session, item, now):
            await notify(
                i18n,
                session,
                clock,
                person,
                _invitation(item),
                kind="event_invite",
                not_before=released_at,
                dedupe_key=f"freed:{item.occurrence.id}:{person.id}",
            )
        await mark_invited(session, item, released_at)
    wait = timedelta(hours=settings.freed_place_wait_hours)
    for item in await to_tell(session, now, wait):
        await notify_animators(
            i18n,
            session,
            clock,
            item.place.id,
            _still_free(item),
            kind="freed_place",
            dedupe_prefix=f"freed-told:{item.id}:{item.freed_at.isoformat()}",
            not_before=_release_at(settings, item, now),
        )


def _release_at(settings: Settings, item: Freed, now: datetime) -> datetime:
    return settings.quiet().release_at(now, item.place.timezone, item.occurrence.starts_at)


def _invitation(item: Freed) -> Compose:
    async def compose() -> Composed:
        text = _("🙋 A place came free at this event, and nobody is waiting for it.")
        if item.role.name is None:
            text += " " + _("Would you like to come?")
        else:
            text += " " + _("Could you help as: {role}?").format(role=escape(item.role.name))
        text += " " + _("The first to tap gets it.")
        heading = event_heading(item.event, item.occurrence, item.place)
        helper = item.role.name is not None
        return text + "\n\n" + heading, ekb.invitation(item.occurrence.id, item.role.id, helper)

    return compose


def _still_free(item: Freed) -> Compose:
    async def compose() -> Composed:
        role = item.role.name
        text = (
            _("😕 A place given up shortly before this event is still free.")
            if role is None
            else _(
                "😕 A helper's place ({role}) given up shortly before this event is still free."
            ).format(role=escape(role))
        )
        text += " " + _("Nobody took it after the invitations. Perhaps ask someone you know?")
        heading = event_heading(item.event, item.occurrence, item.place)
        return text + "\n\n" + heading, ekb.calendar_only(item.occurrence.id)

    return compose
