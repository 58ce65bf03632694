"""What we hold about a person, and forgetting it (RODO/GDPR articles 15, 17 and 20)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    District,
    Event,
    EventFeedback,
    GroupMember,
    HelpRequest,
    InterestGroup,
    Membership,
    Occurrence,
    Offer,
    Place,
    Signup,
    User,
)
from bot.db.statuses import (
    ACTIVE_REQUEST,
    ACTIVE_SIGNUP,
    EventStatus,
    OfferStatus,
    RequestStatus,
)
from bot.db.unit_of_work import record
from bot.services.happened import TaskNews, TaskNewsFor
from bot.services.helping.offers import MatchingConfig, restart_matching
from bot.services.initiatives.signups import cancel_signup
from bot.services.people.profiles import ProfileView, get_profile
from bot.services.plain import Person


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_user_data(session: AsyncSession, user: Person, now: datetime) -> dict[str, Any]:
    """Everything stored about the user, as plain JSON-ready data."""
    place = await session.get(Place, user.place_id) if user.place_id else None
    district = await session.get(District, user.district_id) if user.district_id else None
    memberships = await session.execute(
        select(Membership.role, Place.name, Membership.created_at)
        .join(Place, Place.id == Membership.place_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.created_at)
    )
    profile = await get_profile(session, user.id)
    asked = await session.scalars(select(HelpRequest).where(HelpRequest.requester_id == user.id))
    helped = await session.scalars(select(HelpRequest).where(HelpRequest.volunteer_id == user.id))
    proposals = await session.scalars(select(Event).where(Event.proposer_id == user.id))
    signups = await session.execute(
        select(Signup, Occurrence, Event)
        .join(Occurrence, Occurrence.id == Signup.occurrence_id)
        .join(Event, Event.id == Occurrence.event_id)
        .where(Signup.user_id == user.id)
        .order_by(Signup.queued_at)
    )
    feedback = await session.execute(
        select(EventFeedback, Event.title)
        .join(Occurrence, Occurrence.id == EventFeedback.occurrence_id)
        .join(Event, Event.id == Occurrence.event_id)
        .where(EventFeedback.user_id == user.id)
    )
    groups = await session.scalars(
        select(InterestGroup.name)
        .join(GroupMember, GroupMember.group_id == InterestGroup.id)
        .where(GroupMember.user_id == user.id)
    )
    return {
        "exported_at": _iso(now),
        "telegram_id": user.telegram_id,
        "first_name": user.first_name,
        "language": user.language,
        "consent_given_at": _iso(user.consent_at),
        "registered_at": _iso(user.created_at),
        "intent": user.intent,
        "place": place.name if place else None,
        "district": district.name if district else None,
        "bot_blocked_at": _iso(user.blocked_at),
        "roles": [
            {"role": role, "place": place_name, "since": _iso(since)}
            for role, place_name, since in memberships
        ],
        "volunteer_profile": _profile(profile),
        "requests": [_request(r, with_address=True) for r in asked],
        "tasks": [_request(r, with_address=False) for r in helped],
        "proposals": [
            {
                "title": e.title,
                "description": e.description,
                "starts_at": _iso(e.starts_at),
                "location": e.location,
                "status": e.status,
                "review_comment": e.review_comment,
                "proposed_at": _iso(e.created_at),
            }
            for e in proposals
        ],
        "event_signups": [
            {
                "event": event.title,
                "starts_at": _iso(occurrence.starts_at),
                "status": signup.status,
                "signed_up_at": _iso(signup.queued_at),
                "attended": signup.attended,
            }
            for signup, occurrence, event in signups
        ],
        "event_feedback": [
            {"event": title, "rating": f.rating, "comment": f.comment, "at": _iso(f.created_at)}
            for f, title in feedback
        ],
        "interest_groups": sorted(groups),
    }


def _profile(profile: ProfileView | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "talents": sorted(profile.talents),
        "other_talents": profile.other_talents,
        "weekly_slots": sorted(profile.slots),
        "district_ids": sorted(profile.district_ids),
        "languages": sorted(profile.languages),
        "max_tasks_per_week": profile.max_tasks_per_week,
        "paused": profile.paused,
        "paused_until": _iso(profile.paused_until),
        "verified": profile.verified,
        "no_show_until": _iso(profile.no_show_until),
    }


def _request(request: HelpRequest, *, with_address: bool) -> dict[str, Any]:
    """A request as its author sees it; a volunteer's copy leaves out the address."""
    return {
        "category": request.category,
        "description": request.description,
        "day": request.day.isoformat() if request.day else None,
        "part_of_day": request.part,
        "address": request.address if with_address else None,
        "status": request.status,
        "created_at": _iso(request.created_at),
        "accepted_at": _iso(request.accepted_at),
        "done_at": _iso(request.done_at),
        "hours": request.hours,
        "rating": request.rating,
    }


async def forget_user(
    session: AsyncSession, user: Person, now: datetime, config: MatchingConfig
) -> None:
    """Delete the person. Their open requests are cancelled and their accepted tasks go
    back to matching first, and the people on the other side are told (as are those who
    move up to their places at events); finished tasks stay for the statistics, without
    them."""
    own = await session.scalars(
        select(HelpRequest).where(
            HelpRequest.requester_id == user.id, HelpRequest.status.in_(ACTIVE_REQUEST)
        )
    )
    for request in list(own):
        request.status = RequestStatus.CANCELLED
        request.closed_at = now
        record(session, TaskNewsFor(TaskNews.CANCELLED, request.id, request.volunteer_id))
    await session.flush()
    taken = await session.scalars(
        select(HelpRequest).where(
            HelpRequest.volunteer_id == user.id, HelpRequest.status == RequestStatus.MATCHED
        )
    )
    given_back = list(taken)
    for request in given_back:
        await session.execute(
            update(Offer)
            .where(Offer.request_id == request.id, Offer.volunteer_id == user.id)
            .values(status=OfferStatus.HANDED_BACK)
        )
        request.status = RequestStatus.OPEN
        request.volunteer_id = None
        await session.flush()
        record(session, TaskNewsFor(TaskNews.HANDED_BACK, request.id, request.requester_id))
    await _leave_events(session, user, now)
    await session.execute(delete(User).where(User.id == user.id))
    await session.flush()
    for request in given_back:
        await restart_matching(session, request, now, config)


async def _leave_events(session: AsyncSession, user: Person, now: datetime) -> None:
    """Free their places (the next person waiting moves up), drop undecided proposals
    and keep ratings only as anonymous numbers."""
    occurrence_ids = list(
        await session.scalars(
            select(Signup.occurrence_id).where(
                Signup.user_id == user.id, Signup.status.in_(ACTIVE_SIGNUP)
            )
        )
    )
    for occurrence_id in occurrence_ids:
        await cancel_signup(session, occurrence_id, user.id, now)
    await session.execute(
        delete(Event).where(Event.proposer_id == user.id, Event.status == EventStatus.PENDING)
    )
    await session.execute(
        update(EventFeedback).where(EventFeedback.user_id == user.id).values(comment=None)
    )
    await session.flush()
