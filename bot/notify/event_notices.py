"""Messages about events that the bot starts on its own, queued in the outbox in each
recipient's language: proposals to animators, decisions, promotions from the waiting
list, cancellations, announcements to interest groups, invitations to volunteers."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.keyboards import events as ekb
from bot.notify.delivery import Compose, Composed, notify, notify_animators
from bot.services.centres.places import place_info
from bot.services.happened import (
    EventPublished,
    OccurrenceCancelled,
    Promotion,
    ProposalDecided,
    ProposalSubmitted,
    SignedUpOnPage,
)
from bot.services.initiatives.agenda import Dated, dated
from bot.services.initiatives.event_invites import invites_for
from bot.services.initiatives.events import (
    EventDraft,
    RoleDraft,
    event_group_names,
    find_event,
    roles_of,
)
from bot.services.initiatives.groups import members_for_event
from bot.services.initiatives.signups import (
    SignupOutcome,
    SignupResult,
    participants,
    upcoming_occurrences,
)
from bot.services.people.users import get_person
from bot.services.plain import EventInfo, PlaceInfo
from bot.views.events import draft_summary, event_heading, signup_answer


async def stored_summary(session: AsyncSession, event: EventInfo, place: PlaceInfo) -> str:
    """A stored event shown like the proposer's own summary."""
    roles = await roles_of(session, event.id)
    draft = EventDraft(
        title=event.title,
        description=event.description,
        starts_at=event.starts_at,
        location=event.location,
        capacity=next((r.capacity for r in roles if r.name is None), None),
        repeat_weeks=event.repeat_weeks,
        roles=[RoleDraft(r.name, r.capacity or 1) for r in roles if r.name is not None],
    )
    return draft_summary(draft, place, await event_group_names(session, event.id))


def _release_at(
    settings: Settings, now: datetime, place: PlaceInfo, starts_at: datetime | None = None
) -> datetime:
    return settings.quiet().release_at(now, place.timezone, starts_at)


async def _event(session: AsyncSession, event_id: int) -> EventInfo | None:
    """The event as it stands now (its review was written by a conditional UPDATE)."""
    return await find_event(session, event_id)


async def proposal_to_animators(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings, proposed: ProposalSubmitted
) -> None:
    event = await _event(session, proposed.event_id)
    if event is None:
        return
    place = await place_info(session, event.place_id)
    proposer = await get_person(session, event.proposer_id) if event.proposer_id else None
    if place is None:
        return
    name = escape(proposer.first_name or "?") if proposer else "?"

    async def compose() -> Composed:
        text = _("💡 A new idea from {name} waits for your decision:").format(name=name)
        return text + "\n\n" + await stored_summary(session, event, place), ekb.review(event.id)

    await notify_animators(
        i18n,
        session,
        clock,
        event.place_id,
        compose,
        kind="proposal",
        dedupe_prefix=f"proposal:{event.id}",
        not_before=_release_at(settings, clock(), place),
    )


async def decision_to_proposer(
    i18n: I18n, session: AsyncSession, clock: Clock, decided: ProposalDecided
) -> None:
    event = await _event(session, decided.event_id)
    proposer = await get_person(session, event.proposer_id) if event and event.proposer_id else None
    if event is None or proposer is None:
        return

    async def compose() -> Composed:
        title = escape(event.title)
        if event.review_comment is None:
            return _("🎉 Your idea «{title}» was approved and published. See /events.").format(
                title=title
            ), None
        return _("Your idea «{title}» was not accepted. The animators wrote: {comment}").format(
            title=title, comment=escape(event.review_comment)
        ), None

    await notify(i18n, session, clock, proposer, compose, kind="decision")


async def tell_promotion(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings, promotion: Promotion
) -> None:
    """Someone moved up from the waiting list: the place is theirs (quiet hours kept)."""
    found = await dated(session, promotion.occurrence_id)
    user = await get_person(session, promotion.user_id)
    if found is None or user is None:
        return
    item, place = found
    await notify(
        i18n,
        session,
        clock,
        user,
        _promotion(item, place),
        kind="promotion",
        not_before=_release_at(settings, clock(), place, item.occurrence.starts_at),
        dedupe_key=f"promoted:{item.occurrence.id}:{user.id}:{clock().isoformat()}",
    )


async def confirm_page_signup(
    i18n: I18n, session: AsyncSession, clock: Clock, signed: SignedUpOnPage
) -> None:
    """The answer a sign-up on a page got, kept in the chat with the date: the page
    closes, the chat stays. Once per sign-up (a second tap is "already signed up")."""
    found = await dated(session, signed.occurrence_id)
    user = await get_person(session, signed.user_id)
    if found is None or user is None:
        return
    item, place = found
    result = SignupResult(SignupOutcome(signed.outcome), signed.occurrence_id, signed.position)

    async def compose() -> Composed:
        heading = event_heading(item.event, item.occurrence, place)
        return signup_answer(result) + "\n\n" + heading, ekb.calendar_only(item.occurrence.id)

    await notify(i18n, session, clock, user, compose, kind="page_signup")


def _promotion(item: Dated, place: PlaceInfo) -> Compose:
    async def compose() -> Composed:
        text = _("🎉 A place came free and it is yours: you are signed up.")
        heading = event_heading(item.event, item.occurrence, place)
        return text + "\n\n" + heading, ekb.calendar_only(item.occurrence.id)

    return compose


async def cancellation(
    i18n: I18n,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    cancelled: OccurrenceCancelled,
) -> None:
    """Everyone who had a place or waited on the date hears about it."""
    found = await dated(session, cancelled.occurrence_id)
    if found is None:
        return
    item, place = found
    event, occurrence = item.event, item.occurrence
    people = [person for _signup, person in await participants(session, occurrence.id)]

    async def compose() -> Composed:
        text = _("🚫 Cancelled by the animators. Sorry!")
        heading = event_heading(event, occurrence, place)
        return text + "\n\n" + heading, ekb.calendar_only(occurrence.id)

    for person in people:
        await notify(
            i18n,
            session,
            clock,
            person,
            compose,
            kind="event_cancelled",
            not_before=_release_at(settings, clock(), place, occurrence.starts_at),
            dedupe_key=f"cancelled:{occurrence.id}:{person.id}",
        )


async def announce_published(
    i18n: I18n, session: AsyncSession, clock: Clock, settings: Settings, published: EventPublished
) -> None:
    """Tell the event's interest groups, and invite volunteers whose talents fit a role."""
    event = await _event(session, published.event_id)
    if event is None:
        return
    place = await place_info(session, event.place_id)
    dates = await upcoming_occurrences(session, event.id, clock())
    if place is None or not dates:
        return
    first = dates[0]

    async def announcement() -> Composed:
        text = _("📣 New at {place}:").format(place=escape(place.name))
        body = text + "\n\n" + event_heading(event, first, place)
        return body + "\n\n" + escape(event.description), ekb.calendar_only(first.id)

    for member in await members_for_event(session, event.id):
        await notify(
            i18n,
            session,
            clock,
            member,
            announcement,
            kind="event_news",
            not_before=_release_at(settings, clock(), place),
            dedupe_key=f"event_news:{event.id}:{member.id}",
        )
    roles = await roles_of(session, event.id)
    for invite in await invites_for(session, event, first, roles, place, clock()):
        person = await get_person(session, invite.candidate.user_id)
        if person is None:
            continue
        await notify(
            i18n,
            session,
            clock,
            person,
            _invitation(Dated(first, event), place, invite.role.name or "", invite.role.id),
            kind="event_invite",
            not_before=_release_at(settings, clock(), place),
            dedupe_key=f"event_invite:{event.id}:{person.id}",
        )


def _invitation(item: Dated, place: PlaceInfo, role: str, role_id: int) -> Compose:
    async def compose() -> Composed:
        text = _("🙋 Your talents fit this event. Could you help as: {role}?").format(
            role=escape(role)
        )
        body = text + "\n\n" + event_heading(item.event, item.occurrence, place)
        return body, ekb.invitation(item.occurrence.id, role_id)

    return compose
