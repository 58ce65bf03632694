"""Shared choices for animator tools (not a router). Who may use them at all is checked
by `bot.middlewares.staff` for every handler registered with `flags=STAFF`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.services.panel import managed_places


async def main_place(session: AsyncSession, user: User | None, is_admin: bool) -> int | None:
    """Where new things an animator makes belong: their own place if they run it, else
    the first one they run; None if they run none."""
    places = await managed_places(session, user, is_admin)
    if not places:
        return None
    return user.place_id if user is not None and user.place_id in places else places[0]
