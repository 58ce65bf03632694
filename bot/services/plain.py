"""What the rooms above the services read: plain, frozen copies of the stored rows.

A row of `bot/db/models.py` belongs to the session that loaded it: after a commit or a
rollback it expires, and reading it again is a lazy load (an error under asyncio) or a
query nobody sees. Handlers, views, keyboards, notices and the Mini App therefore get
these copies, made by the service that read the rows, and never the rows themselves
(`tests/test_import_rules.py` checks every service call they make). Each copy has the
columns of its row under the same names, so that a view reads `request.day` either way.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.statuses import (
    AnnouncementStatus,
    EventStatus,
    OccurrenceStatus,
    RequestStatus,
    SignupStatus,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from bot.db.models import Place

Plain = TypeVar("Plain", bound="DataclassInstance")
Row = TypeVar("Row")


def plain(kind: type[Plain], row: object) -> Plain:
    """A copy of `row` holding the columns that `kind` names."""
    return kind(**{field.name: getattr(row, field.name) for field in fields(kind)})


async def stored(session: AsyncSession, kind: type[Row], key: int) -> Row:
    """The row behind a copy the caller holds, to change it. The session has usually read
    it this update already, so this is no query; a row deleted meanwhile is an error."""
    row = await session.get(kind, key)
    if row is None:
        raise LookupError(f"{getattr(kind, '__name__', kind)} {key}")
    return row


@dataclass(frozen=True)
class Person:
    """A user: until `consent_at` only `telegram_id` is kept."""

    id: int
    telegram_id: int
    first_name: str | None
    language: str | None
    consent_at: datetime | None
    intent: str | None
    place_id: int | None
    district_id: int | None
    blocked_at: datetime | None
    task_reminders: bool
    weekly_digest: bool
    announcements: bool
    created_at: datetime

    @property
    def has_consented(self) -> bool:
        return self.consent_at is not None


@dataclass(frozen=True)
class DistrictInfo:
    id: int
    place_id: int
    name: str


@dataclass(frozen=True)
class PlaceInfo:
    id: int
    slug: str
    name: str
    timezone: str
    organisation: str | None


@dataclass(frozen=True)
class PlaceWithDistricts(PlaceInfo):
    """A place with its districts by name, for the questions that list them."""

    districts: tuple[DistrictInfo, ...]

    @classmethod
    def of(cls, place: Place) -> PlaceWithDistricts:
        """`place` must have been loaded with its districts (they are never lazy)."""
        districts = tuple(plain(DistrictInfo, district) for district in place.districts)
        return cls(**vars(plain(PlaceInfo, place)), districts=districts)


@dataclass(frozen=True)
class InviteInfo:
    token: str
    place_id: int
    expires_at: datetime


@dataclass(frozen=True)
class RequestDraft:
    """What a resident asks for, as the request flow collected it."""

    category: str
    description: str
    day: date | None
    part: int | None
    district_id: int | None
    address: str | None


@dataclass(frozen=True)
class RequestText(RequestDraft):
    """What a request says, stored or still being checked by the one who asks: the
    draft, and who it is for when an animator registers someone without Telegram."""

    on_behalf_name: str | None
    on_behalf_phone: str | None


@dataclass(frozen=True)
class RequestInfo(RequestText):
    id: int
    requester_id: int | None
    place_id: int
    language: str
    sensitive: bool
    status: RequestStatus
    wave: int
    created_at: datetime
    volunteer_id: int | None
    accepted_at: datetime | None
    done_at: datetime | None
    confirmed_at: datetime | None
    coming_asked_at: datetime | None
    coming_at: datetime | None
    standby_at: datetime | None
    hours: float | None
    rating: int | None
    escalated_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class Need:
    """A request as matching reads it: a stored one, or an event's helper role shaped
    like a request (never stored, so without an id). `Need.of` copies it from a row or
    a `RequestInfo`, which name these the same."""

    id: int | None
    requester_id: int | None
    place_id: int
    district_id: int | None
    category: str
    description: str
    day: date | None
    part: int | None
    language: str
    sensitive: bool

    @classmethod
    def of(cls, request: object) -> Need:
        return plain(cls, request)


@dataclass(frozen=True)
class EventInfo:
    id: int
    place_id: int
    proposer_id: int | None
    title: str
    description: str
    location: str | None
    starts_at: datetime | None
    duration_minutes: int
    repeat_weeks: int
    language: str
    status: EventStatus
    review_comment: str | None
    reviewed_at: datetime | None


@dataclass(frozen=True)
class OccurrenceInfo:
    id: int
    event_id: int
    number: int
    starts_at: datetime | None
    status: OccurrenceStatus
    cancelled_at: datetime | None


@dataclass(frozen=True)
class RoleInfo:
    """Participants (`name` None) or a helper role; `capacity` None means no limit."""

    id: int
    event_id: int
    name: str | None
    capacity: int | None
    talent: str | None
    position: int


@dataclass(frozen=True)
class SignupInfo:
    id: int
    occurrence_id: int
    user_id: int
    role_id: int
    status: SignupStatus
    queued_at: datetime
    promoted_at: datetime | None
    attended: bool | None


@dataclass(frozen=True)
class GroupInfo:
    id: int
    place_id: int
    name: str


@dataclass(frozen=True)
class AnnouncementInfo:
    id: int
    place_id: int
    author_id: int | None
    author_chat_id: int
    text: str
    language: str
    translations: dict[str, str]
    photo: str | None
    audience: dict[str, Any]
    status: AnnouncementStatus
    send_at: datetime | None
    recipients: int
    progress_message_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class CertificateInfo:
    id: int
    code: str
    user_id: int | None
    place_id: int
    volunteer_name: str
    period_start: date
    period_end: date
    hours: float
    issued_at: datetime
    revoked_at: datetime | None
