"""The Monday digest for volunteers and the morning summary for animators: worded in
each reader's language and queued once per week / day (the dedupe key is the period)."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.services.across.digests import DailySummary, Digest, daily_summaries, weekly_digests
from bot.services.centres.places import district_name, place_info
from bot.services.defaults import language_of
from bot.services.messaging.outbox import Notice, queue
from bot.views.events import agenda_line
from bot.views.formatting import decimal
from bot.views.requests import summary


async def queue_weekly_digests(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    now = clock()
    week = now.astimezone(ZoneInfo(settings.timezone)).strftime("%G-W%V")
    for digest in await weekly_digests(session, now):
        volunteer = digest.volunteer
        with i18n.context(), i18n.use_locale(language_of(volunteer)):
            text = await _digest_text(session, digest)
        key = f"digest:{volunteer.id}:{week}"
        notice = Notice(volunteer.telegram_id, text, "digest", dedupe_key=key)
        await queue(session, [notice], now=now)


async def _digest_text(session: AsyncSession, digest: Digest) -> str:
    parts = []
    if digest.requests:
        parts.append(_("🗓 This week neighbours near you are asking for help:"))
        parts += [
            summary(r, await district_name(session, r.district_id), address=False)
            for r in digest.requests
        ]
        parts.append(_("Offers for them come as usual."))
    place = await place_info(session, digest.volunteer.place_id)
    if digest.events and place is not None:
        parts.append(_("📅 Coming up at your place this week (see /events):"))
        parts += [agenda_line(item, place) for item in digest.events]
    parts.append(_("/settings turns this digest off."))
    return "\n\n".join(parts)


async def queue_daily_summaries(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    now = clock()
    day = now.astimezone(ZoneInfo(settings.timezone)).date().isoformat()
    for daily in await daily_summaries(session, now):
        animator = daily.animator
        with i18n.context(), i18n.use_locale(language_of(animator)):
            text = _summary_text(daily)
        key = f"summary:{animator.id}:{day}"
        notice = Notice(animator.telegram_id, text, "summary", dedupe_key=key)
        await queue(session, [notice], now=now)


def _summary_text(daily: DailySummary) -> str:
    lines = [_("☀️ Good morning! The last 24 hours:")]
    for place in daily.places:
        lines.append(
            _(
                "<b>{place}</b>: new requests {new}, waiting {waiting} "
                "(with you: {escalated}), done {done}, hours given {hours}"
            ).format(
                place=escape(place.place.name),
                new=place.new_requests,
                waiting=place.waiting,
                escalated=place.escalated,
                done=place.done,
                hours=decimal(place.hours),
            )
        )
    return "\n".join(lines)
