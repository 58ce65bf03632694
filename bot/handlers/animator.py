"""Animator tools. For now: the places one runs, with their poster links."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.filters import Asks
from bot.keyboards.callbacks import CandidatesCD, OfferToCD
from bot.keyboards.grid import InlineGrid
from bot.services.centres.invites import runs_place
from bot.services.centres.places import place_stats, places_run_by
from bot.services.helping.matching import rank_volunteers
from bot.services.helping.requests import get_request
from bot.services.plain import Need, Person
from bot.views.formatting import decimal
from bot.views.replies import bot_of, deep_link
from bot.views.texts import place_card, staff_only


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_myplaces, Asks("myplaces"))
    router.callback_query.register(cb_candidates, CandidatesCD.filter())
    return router


async def cmd_myplaces(
    message: Message, bot: Bot, session: AsyncSession, user: Person | None, is_admin: bool
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


async def cb_candidates(
    callback: CallbackQuery,
    callback_data: CandidatesCD,
    session: AsyncSession,
    user: Person | None,
    is_admin: bool,
    clock: Clock,
) -> None:
    """ "Why this volunteer": every score component of the best candidates, for the
    animators of the request's own place (checked here, whatever the button says)."""
    request = await get_request(session, callback_data.request_id)
    if request is None or not (
        is_admin or (user is not None and await runs_place(session, user.id, request.place_id))
    ):
        await callback.answer(staff_only(), show_alert=True)
        return
    await callback.answer()
    ranked = await rank_volunteers(
        session, Need.of(request), clock(), limit=10, include_offered=True
    )
    if not ranked:
        await bot_of(callback).send_message(
            callback.from_user.id,
            _(
                "Nobody fits this request right now "
                "(district, time, language, weekly limit or verification)."
            ),
        )
        return
    lines = [_("Best candidates (score out of 100):")]
    for number, candidate in enumerate(ranked, start=1):
        parts = candidate.parts
        lines.append(
            _(
                "{number}. {name}: {total} (talent {talent}, related {related}, own words {text}, "
                "time {time}, district {district}, fairness {fairness}, reliability {reliability})"
            ).format(
                number=number,
                name=escape(candidate.first_name or "?"),
                total=decimal(parts.total),
                talent=decimal(parts.talent),
                related=decimal(parts.related),
                text=decimal(parts.free_text),
                time=decimal(parts.availability),
                district=decimal(parts.district),
                fairness=decimal(parts.fairness),
                reliability=decimal(parts.reliability),
            )
        )
    builder = InlineGrid()
    for candidate in ranked:
        builder.button(
            text=_("📨 Offer to {name}").format(name=candidate.first_name or "?"),
            callback_data=OfferToCD(request_id=request.id, user_id=candidate.user_id),
        )
    await bot_of(callback).send_message(
        callback.from_user.id, "\n".join(lines), reply_markup=builder.adjust(1).as_markup()
    )
