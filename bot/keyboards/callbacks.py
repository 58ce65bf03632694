"""Callback data. It comes back from the client and can be forged: handlers re-check everything."""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


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
    page: int


class PlaceCD(CallbackData, prefix="place"):
    purpose: PlacePurpose
    place_id: int


class DistrictCD(CallbackData, prefix="district"):
    district_id: int


class ForgetCD(CallbackData, prefix="forget"):
    confirm: bool


class NewPlaceCD(CallbackData, prefix="newplace"):
    action: str


class CancelCD(CallbackData, prefix="cancel"):
    pass


class ProfileCD(CallbackData, prefix="prof"):
    """Open a section of the volunteer profile, or finish it."""

    section: str


class TalentCD(CallbackData, prefix="tal"):
    code: str


class SlotCD(CallbackData, prefix="slot"):
    slot: int


class ServeCD(CallbackData, prefix="serve"):
    district_id: int


class SpokenCD(CallbackData, prefix="spk"):
    language: str


class CapCD(CallbackData, prefix="cap"):
    cap: int


class CategoryCD(CallbackData, prefix="cat"):
    code: str


class WhenCD(CallbackData, prefix="when"):
    """A day as days from today (0 today, 1 tomorrow...), or -1 for "flexible"."""

    offset: int


class PartCD(CallbackData, prefix="part"):
    """A part of the day, or -1 for "any time"."""

    part: int


class RequestCD(CallbackData, prefix="req"):
    action: str


class MyRequestCD(CallbackData, prefix="myreq"):
    action: str
    request_id: int


class OfferCD(CallbackData, prefix="offer"):
    action: str
    offer_id: int


class TaskCD(CallbackData, prefix="task"):
    action: str
    request_id: int
    value: int = 0


class CandidatesCD(CallbackData, prefix="cands"):
    request_id: int


class SettingCD(CallbackData, prefix="set"):
    name: str
    on: bool


class PanelCD(CallbackData, prefix="panel"):
    section: str


class OfferToCD(CallbackData, prefix="offerto"):
    request_id: int
    user_id: int


class VetCD(CallbackData, prefix="vet"):
    action: str
    user_id: int


class DraftCD(CallbackData, prefix="draft"):
    """A button while proposing an event: "to be agreed", "at the place", a capacity,
    a repeat, "no helpers", "groups done", submit, edit."""

    action: str
    value: int = 0


class DraftGroupCD(CallbackData, prefix="dgrp"):
    group_id: int


class EventCD(CallbackData, prefix="ev"):
    """Everything about one date of an event; `role_id` 0 when no role is meant."""

    action: str
    occurrence_id: int
    role_id: int = 0


class EventsPageCD(CallbackData, prefix="evpage"):
    page: int


class ReviewCD(CallbackData, prefix="review"):
    action: str
    event_id: int


class EditFieldCD(CallbackData, prefix="evedit"):
    event_id: int
    field: str


class AttendCD(CallbackData, prefix="attend"):
    occurrence_id: int
    signup_id: int
    attended: bool


class RateCD(CallbackData, prefix="rate"):
    occurrence_id: int
    rating: int


class GroupCD(CallbackData, prefix="grp"):
    action: str
    group_id: int


class AnnCD(CallbackData, prefix="ann"):
    """A step of composing an announcement; `value` is a district, group, language index,
    day offset or hour, depending on `action`."""

    action: str
    ann_id: int
    value: int = 0


class PosterCD(CallbackData, prefix="poster"):
    """A place's poster; an empty language asks for one first."""

    place_id: int
    language: str = ""


class EscalationCD(CallbackData, prefix="esc"):
    """An animator's action on a request nobody took: "date" or "close"."""

    action: str
    request_id: int
