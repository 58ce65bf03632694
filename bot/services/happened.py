"""What happened, as services record it: plain, frozen facts with ids, no words.

A service records them in the unit of work (`bot.db.unit_of_work.record`); before the
unit commits, the teller (`bot.notify.teller`) words each for the people it concerns,
in their language, and queues the messages in the same transaction. So no caller has
to remember to tell anyone, and a change never commits without its messages.

Offers and escalations are recorded as the `OfferSent` and `Escalation` values that
matching already returns (`bot.services.helping.offers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class TaskNews(StrEnum):
    ACCEPTED = "accepted"  # to the resident: a volunteer will help
    DONE = "done"  # to the resident: the volunteer says it is done
    CONFIRMED = "confirmed"  # to the volunteer: the resident confirmed
    NO_SHOW = "no_show"  # to the volunteer: the resident says it did not happen
    HANDED_BACK = "handed_back"  # to the resident: the volunteer cannot come after all
    NOT_MET = "not_met"  # to the resident: the volunteer came, nobody was there
    CANCELLED = "cancelled"  # to the volunteer: the resident cancelled
    RELEASED = "released"  # to the volunteer who did not confirm: a standby stepped in
    REDATED = "redated"  # to the resident: the team gave the request a new date
    CLOSED = "closed"  # to the resident: the team closed the request, with their words


@dataclass(frozen=True)
class TaskNewsFor:
    """One side of a task hears what happened to it; `actor` is the first name of whoever
    caused it, where the words name them, and `note` what the team wrote, if anything."""

    news: TaskNews
    request_id: int
    person_id: int | None
    actor: str = ""
    note: str = ""


@dataclass(frozen=True)
class VolunteerVerified:
    """The centre's team verified a volunteer, until then (None: until revoked)."""

    volunteer_id: int
    until: datetime | None


@dataclass(frozen=True)
class Promotion:
    """Someone moved up from an event's waiting list to a place."""

    user_id: int
    occurrence_id: int


@dataclass(frozen=True)
class SignedUpOnPage:
    """A sign-up made in the Mini App: the page closes, so the chat keeps the answer
    (with the date, and the calendar button) where the person looks for it later."""

    user_id: int
    occurrence_id: int
    outcome: str  # a `SignupOutcome` of bot.services.initiatives.signups
    position: int


@dataclass(frozen=True)
class EventPublished:
    """An event is public: its interest groups hear of it, fitting volunteers are invited."""

    event_id: int


@dataclass(frozen=True)
class ProposalSubmitted:
    """A resident's initiative waits for the centre's team."""

    event_id: int


@dataclass(frozen=True)
class ProposalDecided:
    """The team approved or rejected an initiative: its proposer hears which."""

    event_id: int


@dataclass(frozen=True)
class OccurrenceCancelled:
    """A date was cancelled: everyone who had a place or waited hears of it."""

    occurrence_id: int


@dataclass(frozen=True)
class MessageRelayed:
    """One side of a task wrote to the other through the bot (neither sees the other's
    handle)."""

    request_id: int
    to_user_id: int
    from_name: str
    text: str
