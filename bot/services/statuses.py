"""Life cycles of requests and offers, as stored strings."""

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
