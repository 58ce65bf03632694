"""Shared choices for animator tools (not a router). Who may use them at all is checked
by `bot.middlewares.staff` for every handler registered with `flags=STAFF`."""

from __future__ import annotations

from bot.services.plain import Person


def main_place(user: Person | None, places: list[int]) -> int:
    """Where new things an animator makes belong: their own place if they run it, else
    the first one they run (`places`, never empty for a STAFF handler)."""
    return user.place_id if user is not None and user.place_id in places else places[0]
