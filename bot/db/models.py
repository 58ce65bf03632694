"""ORM models. Every change here needs an Alembic revision in `alembic/versions`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.db.statuses import (
    AnnouncementStatus,
    EventStatus,
    OccurrenceStatus,
    OfferStatus,
    OutboxStatus,
    RequestStatus,
    SignupStatus,
)
from bot.db.types import Status, UTCDateTime

# Named constraints let Alembic's batch mode alter SQLite tables reliably.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Relationships are `lazy="raise"`: async code must say what it loads."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


class Place(Base):
    """A community centre (MAL, CAL, CIL, neighbour house)."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    # The NGO or city unit that runs the centre, as printed on certificates.
    organisation: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]

    districts: Mapped[list[District]] = relationship(
        back_populates="place",
        order_by="District.name",
        cascade="all, delete-orphan",
        lazy="raise",
    )


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (UniqueConstraint("place_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))

    place: Mapped[Place] = relationship(back_populates="districts", lazy="raise")


class User(Base):
    """A Telegram user. Until `consent_at` is set only `telegram_id` is kept.

    Roles are not a column: everyone who consented is a resident, `intent`
    says whether they came to help, animator rights are `Membership` rows and
    admins come from configuration.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    consent_at: Mapped[datetime | None]
    intent: Mapped[str | None] = mapped_column(String(16))
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    blocked_at: Mapped[datetime | None]
    task_reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    weekly_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    announcements: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime]

    @property
    def has_consented(self) -> bool:
        return self.consent_at is not None


class Membership(Base):
    """A role a user holds at a place (for now: animator)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "place_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class AnimatorInvite(Base):
    """A one-time deep link that makes whoever opens it an animator of a place."""

    __tablename__ = "animator_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(48), unique=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"))
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]


class VolunteerProfile(Base):
    """A resident who offers help. Talents, slots, districts and languages are rows of
    their own so the matcher narrows candidates with indexed lookups."""

    __tablename__ = "volunteer_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    other_talents: Mapped[str | None] = mapped_column(String(200))
    max_tasks_per_week: Mapped[int] = mapped_column(default=2)
    completed_at: Mapped[datetime | None]
    paused: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    # When the verification lapses; None while verified means "until revoked".
    verified_until: Mapped[datetime | None]
    # Which lapse notice went out for the current verification ("soon", "lapsed").
    verification_notice: Mapped[str | None] = mapped_column(String(8))
    no_show_until: Mapped[datetime | None]
    no_shows: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]


class OfVolunteer:
    """A row of one volunteer's profile (a talent, a slot, a district, a language), gone
    with the profile. The volunteer comes first in the key, as in the migrations."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.user_id", ondelete="CASCADE"),
        primary_key=True,
        sort_order=-1,
    )


class VolunteerTalent(OfVolunteer, Base):
    __tablename__ = "volunteer_talents"

    code: Mapped[str] = mapped_column(String(24), primary_key=True, index=True)


class VolunteerSlot(OfVolunteer, Base):
    """One weekly slot: `slot = weekday * 3 + part` (Monday morning is 0, Sunday evening 20)."""

    __tablename__ = "volunteer_slots"

    slot: Mapped[int] = mapped_column(primary_key=True, index=True)


class VolunteerDistrict(OfVolunteer, Base):
    __tablename__ = "volunteer_districts"

    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class VolunteerLanguage(OfVolunteer, Base):
    __tablename__ = "volunteer_languages"

    language: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class HelpRequest(Base):
    """A resident's request, and once accepted, the task a volunteer carries out."""

    __tablename__ = "help_requests"
    __table_args__ = (Index("ix_help_requests_volunteer_accepted", "volunteer_id", "accepted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(String(500))
    day: Mapped[date | None] = mapped_column(Date)
    part: Mapped[int | None]
    address: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    sensitive: Mapped[bool] = mapped_column(default=False)
    status: Mapped[RequestStatus] = mapped_column(Status(RequestStatus, 16), index=True)
    wave: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    # Confirm or release: when the volunteer was asked whether they still come, when
    # they said yes, and when standbys were asked because no answer came.
    coming_asked_at: Mapped[datetime | None]
    coming_at: Mapped[datetime | None]
    standby_at: Mapped[datetime | None]
    hours: Mapped[float | None]
    rating: Mapped[int | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Registered by an animator for someone without Telegram: the requester is the
    # animator, who gets every update; name and phone are for the animator only.
    on_behalf_name: Mapped[str | None] = mapped_column(String(64))
    on_behalf_phone: Mapped[str | None] = mapped_column(String(32))


class Offer(Base):
    """One volunteer asked about one request. Never deleted: it is also the record of who
    declined or handed back, which keeps them out of later waves."""

    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("request_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    wave: Mapped[int]
    status: Mapped[OfferStatus] = mapped_column(Status(OfferStatus, 16))
    sent_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A message the bot sends on its own initiative, kept until its fate is known.

    A sender claims rows for a short lease; a crashed sender's lease runs out and the
    row is sent again, so nothing is lost and only in-flight rows can go out twice.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)
    markup: Mapped[str | None] = mapped_column(Text)
    # A Telegram file id: the text then goes out as the photo's caption.
    photo: Mapped[str | None] = mapped_column(String(200))
    # Which broadcast a row belongs to ("announcement:12"), for progress and reports.
    batch: Mapped[str | None] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(Status(OutboxStatus, 12))
    due_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))


class JobLease(Base):
    """Which process runs a periodic job right now, so that replicas do not run it twice."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(40))
    until: Mapped[datetime]


class InterestGroup(Base):
    """A group of residents at a place (young parents, seniors, gardening…) that events
    and announcements can be aimed at."""

    __tablename__ = "interest_groups"
    __table_args__ = (UniqueConstraint("place_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("interest_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime]


class Event(Base):
    """An initiative: proposed by a resident (pending until an animator decides) or created
    by an animator. Once published it has occurrences; a series has one per N weeks."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(1000))
    # None: at the place itself.
    location: Mapped[str | None] = mapped_column(String(200))
    # None: "to be agreed".
    starts_at: Mapped[datetime | None]
    duration_minutes: Mapped[int] = mapped_column(default=120)
    # 0: once; N: every N weeks.
    repeat_weeks: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[EventStatus] = mapped_column(Status(EventStatus, 16), index=True)
    review_comment: Mapped[str | None] = mapped_column(String(500))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class EventGroup(Base):
    __tablename__ = "event_groups"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("interest_groups.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EventRole(Base):
    """Who an event needs: participants (`name` is None) and helper roles such as
    "set-up ×3". `capacity` None means no limit."""

    __tablename__ = "event_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(64))
    capacity: Mapped[int | None]
    talent: Mapped[str | None] = mapped_column(String(24))
    position: Mapped[int] = mapped_column(default=0)


class Occurrence(Base):
    """One date of an event; a one-off event has exactly one."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    starts_at: Mapped[datetime | None] = mapped_column(index=True)
    status: Mapped[OccurrenceStatus] = mapped_column(Status(OccurrenceStatus, 16))
    cancelled_at: Mapped[datetime | None]


class Seat(Base):
    """How many places of one role at one occurrence are taken. Sign-ups change `taken`
    with conditional UPDATEs, which is what keeps concurrent sign-ups from overbooking."""

    __tablename__ = "seats"

    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[int] = mapped_column(
        ForeignKey("event_roles.id", ondelete="CASCADE"), primary_key=True
    )
    capacity: Mapped[int | None]
    taken: Mapped[int] = mapped_column(default=0)


class Signup(Base):
    """A person at an occurrence: confirmed, waiting (in `queued_at` order) or cancelled."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "user_id"),
        Index("ix_signups_queue", "occurrence_id", "role_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("event_roles.id", ondelete="CASCADE"))
    status: Mapped[SignupStatus] = mapped_column(Status(SignupStatus, 12))
    queued_at: Mapped[datetime]
    promoted_at: Mapped[datetime | None]
    attended: Mapped[bool | None]


class SeriesMember(Base):
    """Someone who joined a series "every week": signed up to each new occurrence."""

    __tablename__ = "series_members"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role_id: Mapped[int] = mapped_column(ForeignKey("event_roles.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime]


class EventFeedback(Base):
    """How an occurrence was. Kept without the person when they ask to be forgotten."""

    __tablename__ = "event_feedback"
    __table_args__ = (UniqueConstraint("occurrence_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    rating: Mapped[int]
    comment: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]


class Announcement(Base):
    """A message from animators to a chosen audience at their place. `audience` and
    `translations` are JSON; recipients are worked out when it goes out, so people who
    opted out or left by then are not sent to."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    translations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    photo: Mapped[str | None] = mapped_column(String(200))
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[AnnouncementStatus] = mapped_column(Status(AnnouncementStatus, 12), index=True)
    send_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Conversation(Base):
    """Where someone is in a conversation with the bot (aiogram's FSM state and data), so
    that a restart, an upgrade or a kill -9 resumes it exactly. Rows not touched for a
    week are drafts nobody came back to, and a timed job removes them."""

    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(index=True)


class Certificate(Base):
    """A certificate of volunteering (art. 44 of the Polish volunteering act) as issued:
    the figures are kept as printed, so a check shows what the paper says. `code` is
    the unguessable part of the QR link."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    volunteer_name: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    hours: Mapped[float]
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class FreedPlace(Base):
    """A place at a dated occurrence that someone gave up shortly before it, with nobody
    waiting to take it: volunteers are invited once (`invited_at`), and the animators are
    told if it is still free a few hours later (`settled_at` ends the story either way).
    `places` counts how many of this role came free while it was open."""

    __tablename__ = "freed_places"
    __table_args__ = (UniqueConstraint("occurrence_id", "role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("event_roles.id", ondelete="CASCADE"))
    places: Mapped[int] = mapped_column(default=1)
    freed_at: Mapped[datetime]
    invited_at: Mapped[datetime | None]
    settled_at: Mapped[datetime | None] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(String(12))


class HandledUpdate(Base):
    """An update from Telegram whose effects are saved (`bot/db/update_log.py`), so that
    the same update given again after a crash is not handled twice. Kept two days:
    Telegram gives an update again for at most one."""

    __tablename__ = "handled_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(index=True)


class CalendarFeed(Base):
    """A person's private calendar address (`/feed/<token>.ics`): 128 random bits, so it
    cannot be guessed; a new one replaces it, and the old address stops working."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime]


class JobRun(Base):
    """Each timed job's last run, wherever it ran: for `sasiad status` and /metrics."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime]
    seconds: Mapped[float]
    ok: Mapped[bool]
