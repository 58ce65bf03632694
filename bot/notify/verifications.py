"""A month before a verification lapses the animators of the volunteer's centre are
reminded (with the button that renews it); when it has lapsed the volunteer is told.
Each once per verification: the service marks it, the dedupe key guards a second tick."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.keyboards.callbacks import VetAction, VetCD
from bot.keyboards.grid import InlineGrid
from bot.notify.delivery import Composed, notify, notify_animators
from bot.services.centres.places import user_timezone
from bot.services.people.verification import Lapse, due_lapse_notices
from bot.views.formatting import long_date, reading_at


async def queue_lapse_notices(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    """Reminders to animators of verifications lapsing within a month; notices to the
    volunteers whose verification has lapsed."""
    with reading_at(clock()):
        for lapse in await due_lapse_notices(session, clock()):
            if lapse.lapsed:
                await _tell_volunteer(i18n, session, clock, lapse)
            else:
                await _remind_animators(i18n, session, clock, lapse)


async def _tell_volunteer(i18n: I18n, session: AsyncSession, clock: Clock, lapse: Lapse) -> None:
    timezone = await user_timezone(session, lapse.volunteer)

    async def compose() -> Composed:
        text = _(
            "Your verification for help at home lapsed on {day}. You still get all other "
            "requests; the animators of your centre can renew it."
        ).format(day=long_date(lapse.until, timezone))
        return text, None

    await notify(
        i18n,
        session,
        clock,
        lapse.volunteer,
        compose,
        kind="verification",
        dedupe_key=f"verify-lapsed:{lapse.volunteer.id}:{lapse.until:%Y%m%d}",
    )


async def _remind_animators(i18n: I18n, session: AsyncSession, clock: Clock, lapse: Lapse) -> None:
    volunteer = lapse.volunteer
    if volunteer.place_id is None:
        return
    timezone = await user_timezone(session, volunteer)

    async def compose() -> Composed:
        text = _("⏳ The verification of {name} lapses on {day}.").format(
            name=escape(volunteer.first_name or "?"), day=long_date(lapse.until, timezone)
        )
        builder = InlineGrid()
        builder.button(
            text=_("🔁 Renew"), callback_data=VetCD(action=VetAction.VERIFY, user_id=volunteer.id)
        )
        return text, builder.as_markup()

    await notify_animators(
        i18n,
        session,
        clock,
        volunteer.place_id,
        compose,
        kind="verification",
        dedupe_prefix=f"verify-soon:{volunteer.id}:{lapse.until:%Y%m%d}",
    )
