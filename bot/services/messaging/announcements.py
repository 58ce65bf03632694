"""Announcements from animators to a chosen audience at their place.

The audience combines filters (districts, volunteers or residents, interest groups, a
language); an empty filter means "everyone". Recipients are counted and chosen by the
same query, so the number shown in the preview is the number sent to. People who turned
announcements off, never consented or blocked the bot are neither counted nor sent to.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import Announcement, GroupMember, User, VolunteerProfile
from bot.db.statuses import AnnouncementStatus
from bot.db.statuses import OutboxStatus as Sent
from bot.services.defaults import language_of
from bot.services.errors import TooLong
from bot.services.messaging.outbox import Notice, batch_counts, queue
from bot.services.plain import AnnouncementInfo, Person, plain, stored

TEXT_LIMIT = 3800
CAPTION_LIMIT = 900


class Who(StrEnum):
    """Who of the centre's people an announcement is for."""

    ALL = "all"
    VOLUNTEERS = "volunteers"
    RESIDENTS = "residents"


WHO = tuple(Who)


@dataclass(frozen=True)
class Audience:
    districts: frozenset[int] = field(default_factory=frozenset)
    groups: frozenset[int] = field(default_factory=frozenset)
    who: Who = Who.ALL
    language: str | None = None

    def stored(self) -> dict[str, Any]:
        """As the `announcements.audience` JSON column keeps it."""
        return {
            "districts": sorted(self.districts),
            "groups": sorted(self.groups),
            "who": self.who.value,
            "language": self.language,
        }

    @classmethod
    def of(cls, data: dict[str, Any]) -> Audience:
        return cls(
            frozenset(data["districts"]),
            frozenset(data["groups"]),
            Who(data["who"]),
            data["language"],
        )

    def with_district(self, district_id: int, chosen: bool) -> Audience:
        districts = self.districts | {district_id} if chosen else self.districts - {district_id}
        return replace(self, districts=districts)

    def with_group(self, group_id: int, chosen: bool) -> Audience:
        return replace(
            self, groups=self.groups | {group_id} if chosen else self.groups - {group_id}
        )


def _audience(place_id: int, audience: Audience) -> Select[User]:
    query = select(User).where(
        User.place_id == place_id,
        User.consent_at.is_not(None),
        User.blocked_at.is_(None),
        User.announcements.is_(True),
    )
    if audience.districts:
        query = query.where(User.district_id.in_(audience.districts))
    volunteering = exists().where(
        VolunteerProfile.user_id == User.id, VolunteerProfile.completed_at.is_not(None)
    )
    if audience.who == Who.VOLUNTEERS:
        query = query.where(volunteering)
    elif audience.who == Who.RESIDENTS:
        query = query.where(~volunteering)
    if audience.groups:
        query = query.where(
            exists().where(
                GroupMember.user_id == User.id, GroupMember.group_id.in_(audience.groups)
            )
        )
    if audience.language is not None:
        query = query.where(User.language == audience.language)
    return query


async def count_audience(session: AsyncSession, place_id: int, audience: Audience) -> int:
    subquery = _audience(place_id, audience).subquery()
    return await session.scalar(select(func.count()).select_from(subquery)) or 0


def check_length(text: str, *, with_photo: bool) -> str:
    limit = CAPTION_LIMIT if with_photo else TEXT_LIMIT
    if len(text) > limit:
        raise TooLong(limit=limit, length=len(text))
    return text


async def create_draft(
    session: AsyncSession,
    author: Person,
    place_id: int,
    text: str,
    photo: str | None,
    now: datetime,
) -> AnnouncementInfo:
    announcement = Announcement(
        place_id=place_id,
        author_id=author.id,
        author_chat_id=author.telegram_id,
        text=check_length(text, with_photo=photo is not None),
        language=language_of(author),
        translations={},
        photo=photo,
        audience=Audience().stored(),
        status=AnnouncementStatus.DRAFT,
        created_at=now,
    )
    session.add(announcement)
    await session.flush()
    return plain(AnnouncementInfo, announcement)


async def editable(
    session: AsyncSession, announcement_id: int, place_ids: list[int]
) -> AnnouncementInfo | None:
    """A draft at one of `place_ids`, or None (someone else's place, or already sent)."""
    announcement = await session.get(Announcement, announcement_id, populate_existing=True)
    if (
        announcement is None
        or announcement.place_id not in place_ids
        or announcement.status != AnnouncementStatus.DRAFT
    ):
        return None
    return plain(AnnouncementInfo, announcement)


async def get_announcement(session: AsyncSession, announcement_id: int) -> AnnouncementInfo | None:
    announcement = await session.get(Announcement, announcement_id)
    return plain(AnnouncementInfo, announcement) if announcement is not None else None


async def set_progress_message(
    session: AsyncSession, announcement: AnnouncementInfo, message_id: int
) -> None:
    """The author's message that shows how far the sending has come, edited as it goes."""
    (await stored(session, Announcement, announcement.id)).progress_message_id = message_id
    await session.flush()


async def set_audience(
    session: AsyncSession, draft: AnnouncementInfo, audience: Audience
) -> AnnouncementInfo:
    announcement = await stored(session, Announcement, draft.id)
    announcement.audience = audience.stored()
    await session.flush()
    return plain(AnnouncementInfo, announcement)


async def add_translation(
    session: AsyncSession, draft: AnnouncementInfo, language: str, text: str
) -> AnnouncementInfo:
    announcement = await stored(session, Announcement, draft.id)
    checked = check_length(text, with_photo=announcement.photo is not None)
    announcement.translations = {**announcement.translations, language: checked}
    await session.flush()
    return plain(AnnouncementInfo, announcement)


def text_for(announcement: AnnouncementInfo, language: str | None) -> str:
    """The recipient's translation if there is one, else the original."""
    return announcement.translations.get(language or "", announcement.text)


async def schedule(
    session: AsyncSession, announcement_id: int, place_ids: list[int], send_at: datetime
) -> bool:
    scheduled = await changed_rows(
        session,
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.place_id.in_(place_ids),
            Announcement.status == AnnouncementStatus.DRAFT,
        )
        .values(status=AnnouncementStatus.SCHEDULED, send_at=send_at),
    )
    await session.flush()
    return scheduled == 1


async def cancel(session: AsyncSession, announcement_id: int, place_ids: list[int]) -> bool:
    cancelled = await changed_rows(
        session,
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.place_id.in_(place_ids),
            Announcement.status.in_((AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED)),
        )
        .values(status=AnnouncementStatus.CANCELLED),
    )
    await session.flush()
    return cancelled == 1


async def discard_drafts(session: AsyncSession, author_id: int) -> int:
    """The author's announcements still being prepared are dropped (their buttons then
    answer that it can no longer be changed); scheduled ones stay, as /announcements
    lists them. How many were dropped."""
    discarded = await changed_rows(
        session,
        update(Announcement)
        .where(Announcement.author_id == author_id, Announcement.status == AnnouncementStatus.DRAFT)
        .values(status=AnnouncementStatus.CANCELLED),
    )
    await session.flush()
    return discarded


async def scheduled_at(session: AsyncSession, place_ids: list[int]) -> list[AnnouncementInfo]:
    result = await session.scalars(
        select(Announcement)
        .where(
            Announcement.place_id.in_(place_ids),
            Announcement.status == AnnouncementStatus.SCHEDULED,
        )
        .order_by(Announcement.send_at)
    )
    return [plain(AnnouncementInfo, announcement) for announcement in result]


def batch_of(announcement: AnnouncementInfo) -> str:
    return f"announcement:{announcement.id}"


async def launch_due(session: AsyncSession, now: datetime) -> list[AnnouncementInfo]:
    """Start every scheduled announcement whose time has come. Each is claimed by one
    conditional UPDATE (one process wins) and its letters are queued in the same
    transaction, with a dedupe key per person: a crash before the caller commits leaves
    it scheduled with no letters, and a second start adds nothing twice."""
    due = list(
        await session.scalars(
            select(Announcement.id).where(
                Announcement.status == AnnouncementStatus.SCHEDULED, Announcement.send_at <= now
            )
        )
    )
    started = []
    for announcement_id in due:
        claimed = await changed_rows(
            session,
            update(Announcement)
            .where(
                Announcement.id == announcement_id,
                Announcement.status == AnnouncementStatus.SCHEDULED,
            )
            .values(status=AnnouncementStatus.SENDING, started_at=now),
        )
        if claimed == 1:
            announcement = await session.get(Announcement, announcement_id, populate_existing=True)
            if announcement is not None:
                await _queue_letters(session, announcement, now)
                started.append(plain(AnnouncementInfo, announcement))
    return started


async def _queue_letters(session: AsyncSession, announcement: Announcement, now: datetime) -> None:
    seen = plain(AnnouncementInfo, announcement)
    audience = Audience.of(announcement.audience)
    people = await session.execute(
        _audience(announcement.place_id, audience).with_only_columns(
            User.id, User.telegram_id, User.language
        )
    )
    letters = [
        Notice(
            chat_id=telegram_id,
            text=text_for(seen, language),
            kind="announcement",
            dedupe_key=f"{batch_of(seen)}:{user_id}",
            batch=batch_of(seen),
            photo=announcement.photo,
        )
        for user_id, telegram_id, language in people
    ]
    await queue(session, letters, now=now)
    announcement.recipients = len(letters)


@dataclass(frozen=True)
class Progress:
    recipients: int
    delivered: int
    failed: int
    blocked: int

    @property
    def done(self) -> int:
        return self.delivered + self.failed + self.blocked

    @property
    def finished(self) -> bool:
        return self.done >= self.recipients


async def progress_of(session: AsyncSession, announcement: AnnouncementInfo) -> Progress:
    counts = await batch_counts(session, batch_of(announcement))
    return Progress(
        recipients=announcement.recipients,
        delivered=counts.get(Sent.SENT, 0),
        failed=counts.get(Sent.FAILED, 0),
        blocked=counts.get(Sent.BLOCKED, 0),
    )


async def sending(session: AsyncSession) -> list[AnnouncementInfo]:
    result = await session.scalars(
        select(Announcement)
        .where(Announcement.status == AnnouncementStatus.SENDING)
        .execution_options(populate_existing=True)
    )
    return [plain(AnnouncementInfo, announcement) for announcement in result]


async def finish(session: AsyncSession, sent: AnnouncementInfo, now: datetime) -> None:
    announcement = await stored(session, Announcement, sent.id)
    announcement.status = AnnouncementStatus.SENT
    announcement.finished_at = now
    await session.flush()
