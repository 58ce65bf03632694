"""Callback data. It comes back from the client and can be forged: handlers re-check everything."""

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.services.people.certificates import Period

# Every number in callback data is an id, a page or a small value that the database
# stores as a 32-bit INTEGER on PostgreSQL. A forged press with a larger number fails
# to unpack, so its filter does not match and the stale-button answer is given,
# instead of the database raising an overflow.
DbInt = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class PlacePurpose(StrEnum):
    """Why a place list is shown; one paged picker serves every purpose."""

    HOME = "h"
    INVITE = "i"
    DETAILS = "d"


class LanguageCD(CallbackData, prefix="lang"):
    code: str


class ConsentCD(CallbackData, prefix="consent"):
    agree: bool


class IntentCD(CallbackData, prefix="intent"):
    intent: str


class PlacePageCD(CallbackData, prefix="places"):
    purpose: PlacePurpose
    page: DbInt


class PlaceCD(CallbackData, prefix="place"):
    purpose: PlacePurpose
    place_id: DbInt


class DistrictCD(CallbackData, prefix="district"):
    district_id: DbInt


class ForgetCD(CallbackData, prefix="forget"):
    confirm: bool


class PrivacyAction(StrEnum):
    MORE = "more"
    EXPORT = "export"
    FORGET = "forget"


class PrivacyCD(CallbackData, prefix="privacy"):
    action: PrivacyAction


class NewPlaceAction(StrEnum):
    """The suggested answers while an admin adds a place."""

    USE_SLUG = "slug"
    NO_DISTRICTS = "nodistricts"
    DEFAULT_TZ = "tz"
    SAVE = "save"


class NewPlaceCD(CallbackData, prefix="newplace"):
    action: NewPlaceAction


class CancelCD(CallbackData, prefix="cancel"):
    pass


class BackCD(CallbackData, prefix="back"):
    """⬅️ Back one step; `depth` is how many steps the conversation had when it was shown,
    so a second tap on the same button does not go back twice."""

    depth: DbInt


class ResumeCD(CallbackData, prefix="resume"):
    """Go on with the conversation that a menu tap put aside, or drop it."""

    keep: bool


class ProfileSection(StrEnum):
    SUMMARY = "summary"
    TALENTS = "talents"
    OTHER = "other"  # talents in one's own words
    SLOTS = "slots"
    DISTRICTS = "districts"
    LANGUAGES = "languages"
    CAP = "cap"
    READY = "ready"
    PAUSE = "pause"
    RESUME = "resume"


class ProfileCD(CallbackData, prefix="prof"):
    """Open a section of the volunteer profile, or finish it (a forged section does not
    unpack)."""

    section: ProfileSection


# The profile's choices say what the press makes it (`chosen`), not "toggle": a press
# handled twice gives the same profile.
class TalentCD(CallbackData, prefix="tal"):
    code: str
    chosen: bool


class SlotCD(CallbackData, prefix="slot"):
    slot: DbInt
    chosen: bool


class ServeCD(CallbackData, prefix="serve"):
    district_id: DbInt
    chosen: bool


class SpokenCD(CallbackData, prefix="spk"):
    language: str
    chosen: bool


class CapCD(CallbackData, prefix="cap"):
    cap: DbInt


class PauseCD(CallbackData, prefix="pause"):
    """A break of this many days; 0 until the volunteer is back."""

    days: DbInt


class CategoryCD(CallbackData, prefix="cat"):
    code: str


class WhenCD(CallbackData, prefix="when"):
    """A day as days from today (0 today, 1 tomorrow...), or -1 for "flexible"."""

    offset: DbInt


class PartCD(CallbackData, prefix="part"):
    """A part of the day, or -1 for "any time"."""

    part: DbInt


class RequestAction(StrEnum):
    """The buttons of a help request being written."""

    NO_ADDRESS = "noaddress"
    EDIT = "edit"
    SUBMIT = "submit"


class RequestCD(CallbackData, prefix="req"):
    action: RequestAction


class MyRequestAction(StrEnum):
    """What a resident does with a request of theirs."""

    CANCEL = "cancel"


class MyRequestCD(CallbackData, prefix="myreq"):
    action: MyRequestAction
    request_id: DbInt


class OfferAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


class OfferCD(CallbackData, prefix="offer"):
    action: OfferAction
    offer_id: DbInt


class TaskAction(StrEnum):
    """What a volunteer or resident does with a matched task; "?" asks once more."""

    WRITE = "write"
    DONE = "done"
    HOURS = "hours"
    HAND_BACK = "handback"
    NOT_MET = "notmet"
    CONFIRM = "confirm"
    RATE = "rate"
    ASK_NO_SHOW = "noshow?"
    NO_SHOW = "noshow"
    ASK_DONE = "done?"
    COMING = "coming"


class TaskCD(CallbackData, prefix="task"):
    action: TaskAction
    request_id: DbInt
    value: DbInt = 0


class CandidatesCD(CallbackData, prefix="cands"):
    request_id: DbInt


class SettingCD(CallbackData, prefix="set"):
    name: str
    on: bool


class PanelCD(CallbackData, prefix="panel"):
    section: str


class OfferToCD(CallbackData, prefix="offerto"):
    request_id: DbInt
    user_id: DbInt


class VetAction(StrEnum):
    """Verifying a volunteer, or clearing their no-show record."""

    VERIFY = "verify"
    CLEAR = "clear"


class VetCD(CallbackData, prefix="vet"):
    action: VetAction
    user_id: DbInt


class VetHoldCD(CallbackData, prefix="vethold"):
    """Verify the volunteer for `months` (0: until revoked)."""

    user_id: DbInt
    months: DbInt


class DraftAction(StrEnum):
    """The buttons of proposing an event, in the order of its steps."""

    TBA = "tba"
    DAY = "day"
    TIME = "time"
    REPEAT = "repeat"
    HERE = "here"
    CAPACITY = "capacity"
    ROLE = "role"
    COUNT = "count"
    ROLES_DONE = "rolesdone"
    NO_ROLES = "noroles"
    GROUPS = "groups"
    EDIT = "edit"
    SUBMIT = "submit"


class DraftCD(CallbackData, prefix="draft"):
    """A button while proposing an event: a day, an hour, "to be agreed", "at the place",
    a capacity, a repeat, a helper role and its count, "groups done", submit, edit."""

    action: DraftAction
    value: DbInt = 0


class DraftGroupCD(CallbackData, prefix="dgrp"):
    group_id: DbInt


class EventAction(StrEnum):
    """What a press on an event card does; people and the cancels are for staff."""

    OPEN = "open"
    JOIN = "join"
    LEAVE = "leave"
    UNSERIES = "unseries"
    ICS = "ics"
    PEOPLE = "people"
    CANCEL = "cancel"
    CANCEL_ALL = "cancelall"
    SERIES = "series"


class EventCD(CallbackData, prefix="ev"):
    """Everything about one date of an event; `role_id` 0 when no role is meant."""

    action: EventAction
    occurrence_id: DbInt
    role_id: DbInt = 0


class EventsPageCD(CallbackData, prefix="evpage"):
    page: DbInt


class ReviewAction(StrEnum):
    """An animator's decision on a proposed initiative."""

    APPROVE = "approve"
    EDIT = "edit"
    REJECT = "reject"


class ReviewCD(CallbackData, prefix="review"):
    action: ReviewAction
    event_id: DbInt


class EditFieldCD(CallbackData, prefix="evedit"):
    event_id: DbInt
    field: str


class PeoplePageCD(CallbackData, prefix="evpeople"):
    """A page of an event date's participant list (animators)."""

    occurrence_id: DbInt
    page: DbInt


class AttendCD(CallbackData, prefix="attend"):
    occurrence_id: DbInt
    signup_id: DbInt
    attended: bool


class RateCD(CallbackData, prefix="rate"):
    occurrence_id: DbInt
    rating: DbInt


class GroupAction(StrEnum):
    """Joining or leaving an interest group; adding or removing one (staff)."""

    TOGGLE = "toggle"
    ADD = "add"
    REMOVE = "remove"


class GroupCD(CallbackData, prefix="grp"):
    action: GroupAction
    group_id: DbInt


class AnnAction(StrEnum):
    """The steps of composing an announcement; a forged action fails to unpack."""

    ALL = "all"
    DISTRICT = "district"
    WHO = "who"
    GROUP = "group"
    LANGUAGE = "language"
    AUDIENCE = "audience"
    TRANSLATE = "translate"
    LANG = "lang"
    PREVIEW = "preview"
    NOW = "now"
    SCHEDULE = "schedule"
    DAY = "day"
    HOUR = "hour"
    CANCEL = "cancel"
    UNSCHEDULE = "unschedule"
    NOW_ANYWAY = "now_anyway"  # during quiet hours, said twice
    HOUR_ANYWAY = "hour_anyway"  # an hour inside quiet hours, said twice
    MORNING = "morning"  # when quiet hours end (after `value`'s hour, or now when 0)


class AnnCD(CallbackData, prefix="ann"):
    """A step of composing an announcement; `value` is a district, group, language index,
    day offset or hour, depending on `action`. An audience button says what it makes the
    audience (`chosen`, or the `value` to switch to), not "toggle": a press handled twice
    (a crash between its commit and its end) gives the same audience, not the old one."""

    action: AnnAction
    ann_id: DbInt
    value: DbInt = 0
    chosen: bool = False


class PosterCD(CallbackData, prefix="poster"):
    """A place's poster; an empty language asks for one first."""

    place_id: DbInt
    language: str = ""


class EscalationAction(StrEnum):
    """What an animator does with an escalated request."""

    DATE = "date"
    CLOSE = "close"


class EscalationCD(CallbackData, prefix="esc"):
    """An animator's action on a request nobody took: "date" or "close"."""

    action: EscalationAction
    request_id: DbInt


class CertAskCD(CallbackData, prefix="certask"):
    """Ask which period a certificate should cover."""


class CertCD(CallbackData, prefix="cert"):
    """A certificate for `period` (a `certificates.Period` value) at `place_id` (0: ask)."""

    period: Period
    place_id: DbInt = 0


class CertRevokeCD(CallbackData, prefix="certrevoke"):
    certificate_id: DbInt
