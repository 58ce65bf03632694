"""Shared checks for animator tools (not a router): which places the sender runs, with
the polite refusal for everybody else."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.services.panel import managed_places
from bot.views.texts import staff_only


async def staff_places(
    event: Message | CallbackQuery, session: AsyncSession, user: User | None, is_admin: bool
) -> list[int]:
    """The places the sender runs; an empty list after refusing anyone who runs none."""
    places = await managed_places(session, user, is_admin)
    if not places:
        if isinstance(event, CallbackQuery):
            await event.answer(staff_only(), show_alert=True)
        else:
            await event.answer(staff_only())
    return places


async def main_place(session: AsyncSession, user: User | None, is_admin: bool) -> int | None:
    """Where new things an animator makes belong: their own place if they run it, else
    the first one they run; None if they run none."""
    places = await managed_places(session, user, is_admin)
    if not places:
        return None
    return user.place_id if user is not None and user.place_id in places else places[0]
