"""/panel: the animator's tools for the places they run. Every button is checked again
on the server against those places: callback data can be forged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.lazy_proxy import LazyProxy
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.filters import Asks
from bot.keyboards import events as ekb
from bot.keyboards import volunteering as vkb
from bot.keyboards.callbacks import OfferToCD, PanelCD, VetAction, VetCD, VetHoldCD
from bot.keyboards.grid import InlineGrid
from bot.middlewares.staff import STAFF
from bot.notify.event_notices import stored_summary
from bot.services.across import stats
from bot.services.centres.places import district_name, get_place, managed_places, user_timezone
from bot.services.helping import panel, turning_up
from bot.services.helping.requests import get_request
from bot.services.initiatives.events import pending_proposals
from bot.services.people import profiles, verification
from bot.services.plain import Person
from bot.services.printed.charts import ChartLabels, monthly_chart
from bot.views.formatting import decimal, duration, long_date, month
from bot.views.replies import bot_of, drop_buttons, edit_or_send, reply_below
from bot.views.requests import summary
from bot.views.texts import staff_only, stale_button

WAITING, VERIFY, NO_SHOWS, IDEAS, CSV = "waiting", "verify", "noshows", "ideas", "csv"
UNCONFIRMED = "unconfirmed"


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_panel, Asks("panel"), flags=STAFF)
    router.message.register(cmd_stats, Asks("stats"), flags=STAFF)
    router.callback_query.register(cb_csv, PanelCD.filter(F.section == CSV), flags=STAFF)
    router.callback_query.register(
        cb_section, PanelCD.filter(F.section.in_(set(SECTIONS))), flags=STAFF
    )
    router.callback_query.register(cb_offer_to, OfferToCD.filter(), flags=STAFF)
    mine = VolunteerOfMine()
    router.callback_query.register(cb_verify, VetCD.filter(F.action == VetAction.VERIFY), mine)
    router.callback_query.register(cb_hold, VetHoldCD.filter(), mine)
    router.callback_query.register(cb_clear, VetCD.filter(F.action == VetAction.CLEAR), mine)
    router.callback_query.register(cb_not_mine, VetCD.filter())
    router.callback_query.register(cb_not_mine, VetHoldCD.filter())
    return router


async def cmd_panel(
    message: Message, session: AsyncSession, places: list[int], clock: Clock
) -> None:
    waiting = len(await panel.escalated_requests(session, places))
    to_verify = len(await verification.to_verify(session, places, clock(), panel.LIST_LIMIT))
    no_shows = len(await panel.volunteers_with_no_show(session, places, clock()))
    ideas = len(await pending_proposals(session, places))
    unsure = len(await turning_up.unconfirmed(session, places, panel.LIST_LIMIT))
    counts = (
        (_("⚠️ Requests waiting: {count}"), waiting, WAITING),
        (_("❔ Not confirmed yet: {count}"), unsure, UNCONFIRMED),
        (_("✅ Volunteers to verify: {count}"), to_verify, VERIFY),
        (_("🔁 No-show records: {count}"), no_shows, NO_SHOWS),
        (_("💡 Ideas waiting for you: {count}"), ideas, IDEAS),
    )
    builder = InlineGrid()
    for label, count, section in counts:
        builder.button(text=label.format(count=count), callback_data=PanelCD(section=section))
    text = (
        _("🧭 <b>Animator panel</b>")
        + "\n"
        + _(
            "/newevent creates an event, /managegroups edits interest groups, /stats shows numbers."
        )
    )
    text += "\n" + _("/announce sends an announcement; /announcements lists scheduled ones.")
    text += "\n" + _("/poster makes a printable poster with a QR code for your place.")
    await message.answer(text, reply_markup=builder.adjust(1).as_markup())


def _one_button(text: str, data: VetCD) -> InlineKeyboardMarkup:
    builder = InlineGrid()
    builder.button(text=text, callback_data=data)
    return builder.as_markup()


Line = tuple[str, InlineKeyboardMarkup | None]


async def _waiting_lines(session: AsyncSession, places: list[int], now: datetime) -> list[Line]:
    return [
        (
            summary(request, await district_name(session, request.district_id), address=False),
            vkb.candidates(request.id),
        )
        for request in await panel.escalated_requests(session, places)
    ]


async def _idea_lines(session: AsyncSession, places: list[int], now: datetime) -> list[Line]:
    lines: list[Line] = []
    for idea in await pending_proposals(session, places):
        place = await get_place(session, idea.place_id)
        if place is not None:
            lines.append((await stored_summary(session, idea, place), ekb.review(idea.id)))
    return lines


async def _unconfirmed_lines(session: AsyncSession, places: list[int], now: datetime) -> list[Line]:
    """Tasks whose volunteer has not said "yes, I'll be there" yet (confirm or release)."""
    return [
        (
            _("❔ {name} has not confirmed yet:").format(name=escape(volunteer.first_name or "?"))
            + "\n"
            + summary(request, await district_name(session, request.district_id), address=False),
            None,
        )
        for request, volunteer in await turning_up.unconfirmed(session, places, panel.LIST_LIMIT)
    ]


def _standing_text(standing: verification.Standing, timezone: str) -> str:
    name = escape(standing.volunteer.first_name or "?")
    if standing.until is None:
        return _("{name} · not verified yet").format(name=name)
    day = long_date(standing.until, timezone)
    if standing.lapsed:
        return _("{name} · the verification lapsed on {day}").format(name=name, day=day)
    return _("{name} · the verification lapses on {day}").format(name=name, day=day)


async def _verify_lines(session: AsyncSession, places: list[int], now: datetime) -> list[Line]:
    lines: list[Line] = []
    for standing in await verification.to_verify(session, places, now, panel.LIST_LIMIT):
        timezone = await user_timezone(session, standing.volunteer)
        label = _("✅ Verify") if standing.until is None else _("🔁 Renew")
        verify = VetCD(action=VetAction.VERIFY, user_id=standing.volunteer.id)
        lines.append((_standing_text(standing, timezone), _one_button(label, verify)))
    return lines


async def _no_show_lines(session: AsyncSession, places: list[int], now: datetime) -> list[Line]:
    return [
        (
            escape(volunteer.first_name or "?"),
            _one_button(
                _("🔁 Clear the record"), VetCD(action=VetAction.CLEAR, user_id=volunteer.id)
            ),
        )
        for volunteer in await panel.volunteers_with_no_show(session, places, now)
    ]


# Each list of the panel: what it shows, one message a line, and what it says when empty.
SECTIONS: dict[
    str, tuple[Callable[[AsyncSession, list[int], datetime], Awaitable[list[Line]]], LazyProxy]
] = {
    WAITING: (_waiting_lines, __("Nothing is waiting for you. 🌿")),
    IDEAS: (_idea_lines, __("No ideas are waiting for you.")),
    UNCONFIRMED: (_unconfirmed_lines, __("Every volunteer asked has confirmed.")),
    VERIFY: (_verify_lines, __("Nobody is waiting for verification.")),
    NO_SHOWS: (_no_show_lines, __("No volunteer has a no-show record.")),
}


async def cb_section(
    callback: CallbackQuery,
    callback_data: PanelCD,
    session: AsyncSession,
    places: list[int],
    clock: Clock,
) -> None:
    """One list of the panel, for the places the presser runs (checked again here)."""
    await callback.answer()
    lines_of, empty = SECTIONS[callback_data.section]
    lines = await lines_of(session, places, clock())
    for text, markup in lines:
        await reply_below(callback)(text, markup)
    if not lines:
        await reply_below(callback)(str(empty), None)


async def cb_offer_to(
    callback: CallbackQuery,
    callback_data: OfferToCD,
    session: AsyncSession,
    places: list[int],
    clock: Clock,
    settings: Settings,
) -> None:
    request = await get_request(session, callback_data.request_id)
    volunteer = (
        await panel.volunteer_at(session, callback_data.user_id, [request.place_id])
        if request is not None and request.place_id in places
        else None
    )
    if request is None or volunteer is None:
        await callback.answer(staff_only(), show_alert=True)
        return
    sent = await panel.offer_to(session, request, volunteer, clock(), settings.matching())
    if sent is None:
        await callback.answer(_("This request is no longer open."), show_alert=True)
        return
    await callback.answer(
        _("Offered to {name}.").format(name=volunteer.first_name or "?"), show_alert=True
    )


class VolunteerOfMine(Filter):
    """Passes a press about a volunteer of a place the presser runs (or any, for an
    admin) and hands the handler that `volunteer`; anyone else falls through to the
    refusal. Callback data can be forged, so the place is checked here, on the server."""

    async def __call__(
        self,
        callback: CallbackQuery,
        callback_data: VetCD | VetHoldCD,
        session: AsyncSession,
        user: Person | None,
        is_admin: bool = False,
    ) -> bool | dict[str, Any]:
        places = await managed_places(session, user, is_admin)
        volunteer = await panel.volunteer_at(session, callback_data.user_id, places)
        return False if volunteer is None else {"volunteer": volunteer}


async def cb_not_mine(callback: CallbackQuery) -> None:
    await callback.answer(staff_only(), show_alert=True)


async def cb_verify(callback: CallbackQuery, volunteer: Person) -> None:
    """How long the verification holds is the animator's choice, asked on the same message."""
    await callback.answer()
    await edit_or_send(
        callback,
        _("How long does the verification of {name} hold?").format(
            name=escape(volunteer.first_name or "?")
        ),
        vkb.verification_lengths(volunteer.id),
    )


async def cb_hold(
    callback: CallbackQuery,
    callback_data: VetHoldCD,
    session: AsyncSession,
    volunteer: Person,
    clock: Clock,
) -> None:
    months = callback_data.months
    if months != verification.UNTIL_REVOKED and months not in verification.HOLD_MONTHS:
        await callback.answer(stale_button(), show_alert=True)
        return
    until = await verification.verify(session, volunteer.id, clock(), months)
    if until is None:
        done = _("Verified until revoked.")
    else:
        day = long_date(until, await user_timezone(session, volunteer))
        done = _("Verified until {day}.").format(day=day)
    await callback.answer(done, show_alert=True)
    await drop_buttons(callback)


async def cb_clear(callback: CallbackQuery, session: AsyncSession, volunteer: Person) -> None:
    await profiles.clear_no_show(session, volunteer.id)
    await callback.answer(_("Record cleared."), show_alert=True)
    await drop_buttons(callback)


async def cmd_stats(
    message: Message,
    session: AsyncSession,
    places: list[int],
    clock: Clock,
    settings: Settings,
) -> None:
    """This month at the places the animator runs, with the full table as CSV on request."""
    first = await get_place(session, places[0])
    timezone = first.timezone if first else settings.timezone
    rows = await stats.stats_table(session, places)
    total = stats.month_totals(rows, stats.local_month(clock(), timezone))
    median = total.median_minutes
    builder = InlineGrid()
    builder.button(text=_("📄 Municipality table (CSV)"), callback_data=PanelCD(section=CSV))
    await message.answer(
        _(
            "📊 <b>This month ({month})</b>\nRequests: {requests}\nMatched: {matched}\n"
            "Done: {done}\nHours given: {hours}\nMedian time to a match: {median}"
        ).format(
            month=month(clock(), timezone),
            requests=total.requests,
            matched=total.matched,
            done=total.done,
            hours=decimal(total.hours),
            median=duration(median) if median is not None else "—",
        )
        + "\n"
        + _(
            "Said they are coming: {confirmed}\nHanded back: {released}\nDid not come: {no_shows}"
        ).format(confirmed=total.confirmed, released=total.released, no_shows=total.no_shows)
        + "\n"
        + _(
            "Volunteers who helped: {active}\nNew volunteers: {new}\n"
            "Events: {events}\nParticipants: {participants}"
        ).format(
            active=len(total.active),
            new=total.new_volunteers,
            events=total.events,
            participants=total.participants,
        )
        + "\n"
        + _("Attendance marked: {came} came, {absent} did not come").format(
            came=total.came, absent=total.did_not_come
        ),
        reply_markup=builder.as_markup(),
    )
    labels = ChartLabels(
        title=_("The last months"),
        requests=_("Requests"),
        done=_("Done"),
        participants=_("Event participants"),
    )
    await message.answer_photo(
        BufferedInputFile(monthly_chart(rows, labels), filename="sasiad-chart.png")
    )


async def cb_csv(callback: CallbackQuery, session: AsyncSession, places: list[int]) -> None:
    await callback.answer()
    rows = await stats.stats_table(session, places)
    await bot_of(callback).send_document(
        callback.from_user.id,
        BufferedInputFile(stats.to_csv(rows), filename="sasiad-statistics.csv"),
        caption=_(
            "Requests, volunteers, hours and events per place, district and month. "
            "No personal data."
        ),
    )
