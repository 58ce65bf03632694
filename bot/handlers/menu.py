"""☰ More, ⬅️ Main menu and 🧭 Team tools: the menus themselves (`bot.keyboards.menus`)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import HasConsented, Tapped
from bot.keyboards import menus
from bot.services.centres.invites import is_animator
from bot.services.plain import Person
from bot.views.texts import staff_only


def build_router() -> Router:
    router = Router(name=__name__)
    consented = HasConsented()
    router.message.register(cmd_more, consented, Tapped(menus.MENU_MORE))
    router.message.register(cmd_main_menu, consented, Tapped(menus.MENU_MAIN))
    router.message.register(cmd_team_tools, consented, Tapped(menus.MENU_STAFF))
    return router


async def _is_staff(session: AsyncSession, user: Person, is_admin: bool) -> bool:
    return is_admin or await is_animator(session, user.id)


async def cmd_more(message: Message, session: AsyncSession, user: Person, is_admin: bool) -> None:
    await message.answer(
        _("☰ Everything else is on the buttons below."),
        reply_markup=menus.more_menu(staff=await _is_staff(session, user, is_admin)),
    )


async def cmd_main_menu(message: Message) -> None:
    await message.answer(_("The main menu is below."), reply_markup=menus.main_menu())


async def cmd_team_tools(
    message: Message, session: AsyncSession, user: Person, is_admin: bool
) -> None:
    if not await _is_staff(session, user, is_admin):
        await message.answer(staff_only())
        return
    await message.answer(
        _("🧭 The team's tools are on the buttons below."),
        reply_markup=menus.staff_menu(admin=is_admin),
    )
