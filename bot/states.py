"""Conversation states, each group with the words /cancel uses to say what it cancelled."""

from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.lazy_proxy import LazyProxy


class Onboarding(StatesGroup):
    language = State()
    consent = State()
    intent = State()
    place = State()
    district = State()


class ChangePlace(StatesGroup):
    place = State()
    district = State()


class AddPlace(StatesGroup):
    name = State()
    slug = State()
    districts = State()
    timezone = State()
    confirm = State()


class Forget(StatesGroup):
    confirm = State()


CANCELLED_WHAT: dict[str, LazyProxy] = {
    Onboarding.__full_group_name__: __("Signing up was cancelled."),
    ChangePlace.__full_group_name__: __("Changing your place was cancelled; it stays as it was."),
    AddPlace.__full_group_name__: __("Adding a place was cancelled; nothing was saved."),
    Forget.__full_group_name__: __("Deleting your data was cancelled; nothing was deleted."),
}


def group_of(state: str) -> str:
    return state.split(":", 1)[0]


class ProfileEdit(StatesGroup):
    other_talents = State()


class NewRequest(StatesGroup):
    category = State()
    description = State()
    day = State()
    part = State()
    district = State()
    address = State()
    confirm = State()


class Intake(StatesGroup):
    name = State()
    phone = State()


class Relay(StatesGroup):
    text = State()


CANCELLED_WHAT.update(
    {
        ProfileEdit.__full_group_name__: __("Editing your profile was cancelled."),
        NewRequest.__full_group_name__: __("Your request was not sent; nothing was saved."),
        Relay.__full_group_name__: __("Your message was not sent."),
        Intake.__full_group_name__: __("The request was not registered; nothing was saved."),
    }
)


class Propose(StatesGroup):
    title = State()
    description = State()
    when = State()
    repeat = State()
    where = State()
    capacity = State()
    roles = State()
    role_count = State()
    groups = State()
    confirm = State()


class Review(StatesGroup):
    value = State()
    comment = State()


class Feedback(StatesGroup):
    comment = State()


class NewGroup(StatesGroup):
    name = State()


CANCELLED_WHAT.update(
    {
        Propose.__full_group_name__: __("Your idea was not sent; nothing was saved."),
        Review.__full_group_name__: __("Nothing was changed; the proposal is still waiting."),
        Feedback.__full_group_name__: __("Your rating is saved; no comment was added."),
        NewGroup.__full_group_name__: __("No group was added."),
    }
)


class Announce(StatesGroup):
    text = State()
    translation = State()


CANCELLED_WHAT[Announce.__full_group_name__] = __("Nothing was sent.")


class Rework(StatesGroup):
    """An animator changing or closing a request nobody took."""

    day = State()
    part = State()
    closing = State()


CANCELLED_WHAT[Rework.__full_group_name__] = __("Nothing was changed; the request is still open.")


# Steps that wait for typed text. Their questions always carry ✖️ Cancel, as do those of
# steps with a step before (bot.middlewares.api_calls.WayOutButton); in every step a menu
# label or a command is never taken as the answer (bot.middlewares.navigation).
TEXT_STEPS: frozenset[str] = frozenset(
    state.state
    for state in (
        ProfileEdit.other_talents,
        NewRequest.description,
        NewRequest.address,
        Intake.name,
        Intake.phone,
        Relay.text,
        Propose.title,
        Propose.description,
        Propose.when,
        Propose.where,
        Propose.capacity,
        Propose.roles,
        Propose.role_count,
        Review.value,
        Review.comment,
        Feedback.comment,
        NewGroup.name,
        Announce.text,
        Announce.translation,
        Rework.closing,
        AddPlace.name,
        AddPlace.slug,
        AddPlace.districts,
        AddPlace.timezone,
    )
    if state.state is not None
)


# Steps after which there is no way back: once consent is given, signing up goes on from
# "what brings you here" (`bot.middlewares.step_questions`).
FRESH_STARTS: frozenset[str] = frozenset({Onboarding.intent.state or ""})
