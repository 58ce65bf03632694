"""/poster: a printable PNG for a place, with a QR code that opens the bot with the
place chosen. The place is checked on the server; the language only picks the texts."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import Asks
from bot.keyboards.builders import LANGUAGE_NAMES
from bot.keyboards.callbacks import PosterCD
from bot.keyboards.grid import InlineGrid
from bot.middlewares.staff import STAFF
from bot.services.centres.places import get_place
from bot.services.printed.posters import poster_png
from bot.views.replies import bot_of, deep_link
from bot.views.texts import staff_only

MAX_PLACE_BUTTONS = 30


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_poster, Asks("poster"), flags=STAFF)
    router.callback_query.register(cb_language, PosterCD.filter(F.language == ""), flags=STAFF)
    router.callback_query.register(
        cb_poster, PosterCD.filter(F.language.in_(LANGUAGE_NAMES)), flags=STAFF
    )
    return router


def _languages(place_id: int) -> InlineGrid:
    builder = InlineGrid()
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=PosterCD(place_id=place_id, language=code))
    return builder


async def cmd_poster(message: Message, session: AsyncSession, places: list[int]) -> None:
    if len(places) == 1:
        await message.answer(
            _("In which language should the poster be?"),
            reply_markup=_languages(places[0]).adjust(1).as_markup(),
        )
        return
    builder = InlineGrid()
    for place_id in places[:MAX_PLACE_BUTTONS]:
        place = await get_place(session, place_id)
        if place is not None:
            builder.button(text=place.name, callback_data=PosterCD(place_id=place_id))
    await message.answer(
        _("Which place is the poster for?"), reply_markup=builder.adjust(1).as_markup()
    )


async def _allowed(callback: CallbackQuery, data: PosterCD, places: list[int]) -> bool:
    """A place the presser runs (a forged press names another)."""
    if data.place_id in places:
        return True
    await callback.answer(staff_only(), show_alert=True)
    return False


async def cb_language(callback: CallbackQuery, callback_data: PosterCD, places: list[int]) -> None:
    if not await _allowed(callback, callback_data, places):
        return
    await callback.answer()
    await bot_of(callback).send_message(
        callback.from_user.id,
        _("In which language should the poster be?"),
        reply_markup=_languages(callback_data.place_id).adjust(1).as_markup(),
    )


async def cb_poster(
    callback: CallbackQuery,
    callback_data: PosterCD,
    bot: Bot,
    session: AsyncSession,
    places: list[int],
    i18n: I18n,
) -> None:
    if not await _allowed(callback, callback_data, places):
        return
    place = await get_place(session, callback_data.place_id)
    if place is None:
        await callback.answer(staff_only(), show_alert=True)
        return
    await callback.answer(_("Preparing the poster…"))
    link = await deep_link(bot, f"place-{place.slug}")
    with i18n.use_locale(callback_data.language):
        invitation = _(
            "Neighbours help neighbours. Ask for help, offer an hour of your time, "
            "join our meetings."
        )
        hint = _("Point your phone's camera at the code to talk to our Telegram bot.")
    image = poster_png(place.name, invitation, link, hint)
    await bot.send_document(
        callback.from_user.id,
        BufferedInputFile(image, filename=f"poster-{place.slug}-{callback_data.language}.png"),
        caption=_("A poster for {place}, ready to print on A4.").format(place=escape(place.name)),
    )
