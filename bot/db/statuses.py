"""Life cycles of what is stored (requests, offers, events, sign-ups, messages), as the
strings in the status columns; the models type those columns with these enums
(`bot.db.types.Status`)."""

from enum import StrEnum


class RequestStatus(StrEnum):
    OPEN = "open"  # looking for a volunteer (after escalation too, until an animator acts)
    MATCHED = "matched"  # a volunteer accepted
    DONE = "done"  # the volunteer says it is done; the resident may confirm
    CLOSED = "closed"  # confirmed by the resident
    CANCELLED = "cancelled"


ACTIVE_REQUEST = (RequestStatus.OPEN, RequestStatus.MATCHED, RequestStatus.DONE)


class OfferStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    TAKEN = "taken"  # someone else accepted first
    HANDED_BACK = "handed_back"
    NO_SHOW = "no_show"  # the volunteer did not come
    NOT_MET = "not_met"  # the volunteer came, nobody was there


class EventStatus(StrEnum):
    PENDING = "pending"  # a resident's proposal, waiting for an animator
    PUBLISHED = "published"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # the whole event or series


class OccurrenceStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class SignupStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


ACTIVE_SIGNUP = (SignupStatus.CONFIRMED, SignupStatus.WAITING)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it for good, or retries ran out
    BLOCKED = "blocked"  # the person blocked the bot


class AnnouncementStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"
