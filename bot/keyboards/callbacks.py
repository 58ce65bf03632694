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
