"""Certificates of volunteering: a volunteer asks for one (period, then centre if they
worked at several) and gets a PDF; anyone who scans its QR code (`/start cert-<code>`)
sees whether it is genuine; the centre's animators list and revoke theirs."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.filters import Asks, HasConsented
from bot.keyboards.callbacks import CertAskCD, CertCD, CertRevokeCD
from bot.keyboards.grid import InlineGrid
from bot.middlewares.staff import STAFF
from bot.services.defaults import language_of
from bot.services.helping.panel import LIST_LIMIT
from bot.services.people import certificates
from bot.services.people.certificates import CERT_PREFIX, Period, Work
from bot.services.plain import Person, PlaceInfo
from bot.services.printed.certificate_pdf import certificate_pdf
from bot.views.certificates import certificate_text, file_name, which_period
from bot.views.formatting import calendar_day, decimal, long_date
from bot.views.replies import bot_of, deep_link, drop_buttons, edit_or_send, reply_below
from bot.views.texts import stale_button


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(
        cmd_check, CommandStart(deep_link=True, magic=F.args.startswith(CERT_PREFIX))
    )
    router.message.register(cmd_certificate, Asks("certificate"), HasConsented())
    router.callback_query.register(cb_ask, CertAskCD.filter(), HasConsented())
    router.callback_query.register(cb_certificate, CertCD.filter(), HasConsented())
    router.message.register(cmd_certificates, Asks("certificates"), flags=STAFF)
    router.callback_query.register(cb_revoke, CertRevokeCD.filter(), flags=STAFF)
    return router


def periods() -> InlineKeyboardMarkup:
    builder = InlineGrid()
    for period, label in (
        (Period.THIS_YEAR, _("This year")),
        (Period.LAST_YEAR, _("Last year")),
        (Period.ALL, _("All my volunteering")),
    ):
        builder.button(text=label, callback_data=CertCD(period=period))
    return builder.adjust(1).as_markup()


async def cmd_certificate(message: Message) -> None:
    await message.answer(which_period(), reply_markup=periods())


async def cb_ask(callback: CallbackQuery) -> None:
    await callback.answer()
    await reply_below(callback)(which_period(), periods())


async def cb_certificate(
    callback: CallbackQuery,
    callback_data: CertCD,
    session: AsyncSession,
    user: Person,
    clock: Clock,
) -> None:
    """A period chosen: with one centre the certificate comes at once, with several the
    volunteer chooses (the same button again, with the centre)."""
    works = await certificates.work_by_place(session, user.id, callback_data.period, clock())
    if callback_data.place_id:
        chosen = next((found for found in works if found[0].id == callback_data.place_id), None)
        if chosen is None:
            await callback.answer(stale_button(), show_alert=True)
            return
        await _issue(callback, session, user, clock, *chosen)
        return
    if not works:
        await callback.answer(
            _("You have no finished tasks in this period yet, so there is nothing to certify."),
            show_alert=True,
        )
        return
    if len(works) == 1:
        await _issue(callback, session, user, clock, *works[0])
        return
    await callback.answer()
    builder = InlineGrid()
    for place, _work in works:
        builder.button(
            text=place.name, callback_data=CertCD(period=callback_data.period, place_id=place.id)
        )
    await edit_or_send(
        callback, _("You volunteered at several centres. Which one?"), builder.adjust(1).as_markup()
    )


async def _issue(
    callback: CallbackQuery,
    session: AsyncSession,
    user: Person,
    clock: Clock,
    place: PlaceInfo,
    work: Work,
) -> None:
    await callback.answer()
    certificate = await certificates.issue(session, user, place, work, clock())
    link = await deep_link(bot_of(callback), CERT_PREFIX + certificate.code)
    pdf = certificate_pdf(certificate_text(certificate, place, work, link, language_of(user)))
    await bot_of(callback).send_document(
        callback.from_user.id,
        BufferedInputFile(pdf, filename=file_name(certificate)),
        caption=_(
            "📄 Your certificate for {place}: {hours} h. Anyone can check it with the QR code."
        ).format(hours=decimal(work.hours), place=escape(place.name)),
    )
    await drop_buttons(callback)


async def cmd_check(message: Message, command: CommandObject, session: AsyncSession) -> None:
    """Anyone, joined or not, may check a certificate; they see only what it states."""
    code = (command.args or "").removeprefix(CERT_PREFIX)
    found = await certificates.by_code(session, code)
    if found is None:
        await message.answer(
            _("I do not know this certificate. Please check that the whole code was scanned.")
        )
        return
    certificate, place = found
    details = _(
        "Volunteer: {name}\nCentre: {place}\nPeriod: {start} – {end}\nHours: {hours}\n"
        "Issued on {issued}."
    ).format(
        name=escape(certificate.volunteer_name),
        place=escape(place.name),
        start=calendar_day(certificate.period_start),
        end=calendar_day(certificate.period_end),
        hours=decimal(certificate.hours),
        issued=long_date(certificate.issued_at, place.timezone),
    )
    if certificate.revoked_at is not None:
        heading = _(
            "⛔ This certificate was revoked by the centre on {day}. It is not valid."
        ).format(day=long_date(certificate.revoked_at, place.timezone))
    else:
        heading = _("✅ This certificate is genuine.")
    await message.answer(heading + "\n" + details)


async def cmd_certificates(message: Message, session: AsyncSession, places: list[int]) -> None:
    issued = await certificates.of_places(session, places, LIST_LIMIT)
    if not issued:
        await message.answer(_("No certificates have been issued at your centres yet."))
        return
    for certificate in issued:
        line = _("{name} · {hours} h · {start} – {end}").format(
            name=escape(certificate.volunteer_name),
            hours=decimal(certificate.hours),
            start=calendar_day(certificate.period_start),
            end=calendar_day(certificate.period_end),
        )
        if certificate.revoked_at is not None:
            await message.answer(line + "\n" + _("⛔ Revoked"))
            continue
        builder = InlineGrid()
        builder.button(
            text=_("⛔ Revoke"), callback_data=CertRevokeCD(certificate_id=certificate.id)
        )
        await message.answer(line, reply_markup=builder.as_markup())


async def cb_revoke(
    callback: CallbackQuery,
    callback_data: CertRevokeCD,
    session: AsyncSession,
    places: list[int],
    clock: Clock,
) -> None:
    if not await certificates.revoke(session, callback_data.certificate_id, places, clock()):
        await callback.answer(stale_button(), show_alert=True)
        return
    await callback.answer(_("Revoked: a check now says it is not valid."), show_alert=True)
    await drop_buttons(callback)
