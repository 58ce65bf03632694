"""Interest groups of a place. Animators add and remove them; residents join and leave."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import EventGroup, GroupMember, InterestGroup, User
from bot.services.errors import ServiceError
from bot.services.plain import GroupInfo, Person, plain
from bot.services.text import clean_text

GROUP_NAME_LIMIT = 64
MAX_GROUPS = 20


class GroupExists(ServiceError):
    pass


class TooManyGroups(ServiceError):
    pass


async def add_group(session: AsyncSession, place_id: int, name: str, now: datetime) -> GroupInfo:
    name = clean_text(name, limit=GROUP_NAME_LIMIT)
    count = await session.scalar(
        select(func.count(InterestGroup.id)).where(InterestGroup.place_id == place_id)
    )
    if (count or 0) >= MAX_GROUPS:
        raise TooManyGroups
    group = InterestGroup(place_id=place_id, name=name, created_at=now)
    try:
        async with session.begin_nested():
            session.add(group)
    except IntegrityError:
        raise GroupExists from None
    return plain(GroupInfo, group)


async def remove_group(session: AsyncSession, group_id: int, place_ids: list[int]) -> bool:
    removed = await changed_rows(
        session,
        delete(InterestGroup).where(
            InterestGroup.id == group_id, InterestGroup.place_id.in_(place_ids)
        ),
    )
    await session.flush()
    return removed == 1


async def my_group_ids(session: AsyncSession, user_id: int) -> set[int]:
    return set(
        await session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user_id))
    )


async def toggle_membership(
    session: AsyncSession, user: Person, group_id: int, now: datetime
) -> bool:
    """Join or leave a group of one's own place; returns whether they are a member now."""
    group = await session.get(InterestGroup, group_id)
    if group is None or group.place_id != user.place_id:
        raise LookupError(group_id)
    member = await session.get(GroupMember, (group_id, user.id))
    if member is None:
        session.add(GroupMember(group_id=group_id, user_id=user.id, joined_at=now))
    else:
        await session.delete(member)
    await session.flush()
    return member is None


async def members_for_event(session: AsyncSession, event_id: int) -> list[Person]:
    """Members of the groups an event is for, each once."""
    result = await session.scalars(
        select(User)
        .where(
            User.id.in_(
                select(GroupMember.user_id)
                .join(EventGroup, EventGroup.group_id == GroupMember.group_id)
                .where(EventGroup.event_id == event_id)
            ),
            User.consent_at.is_not(None),
            User.blocked_at.is_(None),
        )
        .order_by(User.id)
    )
    return [plain(Person, user) for user in result]
