"""One-time invites that make someone an animator of a place."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AnimatorInvite, Membership, User
from bot.services.centres.places import ANIMATOR, get_place, place_exists
from bot.services.errors import InviteInvalid, PlaceNotFound
from bot.services.plain import InviteInfo, Person, PlaceWithDistricts, plain

INVITE_PREFIX = "invite-"


async def create_invite(
    session: AsyncSession,
    *,
    place_id: int,
    created_by_user_id: int | None,
    now: datetime,
    ttl: timedelta,
) -> InviteInfo:
    """A fresh unguessable token (128 bits), valid once, until `now + ttl`."""
    if not await place_exists(session, place_id):
        raise PlaceNotFound
    invite = AnimatorInvite(
        token=secrets.token_urlsafe(16),
        place_id=place_id,
        created_by_user_id=created_by_user_id,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    await session.flush()
    return plain(InviteInfo, invite)


async def redeem_invite(
    session: AsyncSession, *, token: str, user: Person, now: datetime
) -> PlaceWithDistricts:
    """Make `user` an animator of the invite's place. Exactly one redemption can win.

    The conditional UPDATE is the claim: two people opening the same link at
    once both run it, and the database lets only one of them change the row.
    """
    claimed = await session.execute(
        update(AnimatorInvite)
        .where(
            AnimatorInvite.token == token,
            AnimatorInvite.used_at.is_(None),
            AnimatorInvite.expires_at > now,
        )
        .values(used_at=now, used_by_user_id=user.id)
        .returning(AnimatorInvite.place_id)
    )
    place_id = claimed.scalar_one_or_none()
    if place_id is None:
        # Nothing was changed; no rollback, which would expire the caller's loaded objects.
        raise InviteInvalid
    already = await session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.place_id == place_id,
            Membership.role == ANIMATOR,
        )
    )
    if already is None:
        session.add(Membership(user_id=user.id, place_id=place_id, role=ANIMATOR, created_at=now))
    await session.flush()
    place = await get_place(session, place_id)
    if place is None:
        raise PlaceNotFound
    return place


async def is_animator(session: AsyncSession, user_id: int) -> bool:
    found = await session.scalar(
        select(Membership.id).where(Membership.user_id == user_id, Membership.role == ANIMATOR)
    )
    return found is not None


async def runs_place(session: AsyncSession, user_id: int, place_id: int) -> bool:
    """Is the user an animator of this very place? (Rights never carry across places.)"""
    found = await session.scalar(
        select(Membership.id).where(
            Membership.user_id == user_id,
            Membership.place_id == place_id,
            Membership.role == ANIMATOR,
        )
    )
    return found is not None


async def animator_chats(session: AsyncSession) -> list[tuple[int, str | None]]:
    """(telegram id, language) of every animator, for their command menus."""
    rows = await session.execute(
        select(User.telegram_id, User.language)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == ANIMATOR)
        .distinct()
    )
    return [(row[0], row[1]) for row in rows]
