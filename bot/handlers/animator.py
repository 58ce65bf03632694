"""Animator tools. For now: the places one runs, with their poster links."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.services.places import place_stats, places_run_by
from bot.views.replies import deep_link
from bot.views.texts import place_card


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_myplaces, Command("myplaces"))
    return router


async def cmd_myplaces(
    message: Message, bot: Bot, session: AsyncSession, user: User | None, is_admin: bool
) -> None:
    places = await places_run_by(session, user.id) if user is not None else []
    if not places:
        hint = _("You can see every place with /places.") if is_admin else ""
        await message.answer(
            _("You do not run any place. An administrator can invite you as an animator.")
            + (f"\n{hint}" if hint else "")
        )
        return
    cards = [
        place_card(
            place, await place_stats(session, place.id), await deep_link(bot, f"place-{place.slug}")
        )
        for place in places
    ]
    await message.answer("\n\n".join(cards))
