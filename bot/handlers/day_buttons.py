"""Day buttons ("Today", "Tomorrow", "Wed, 25 Nov") count from the day they were shown.

Their callback data carry a number of days, so the same keyboard can be built for any
day. Someone who presses one after midnight, or comes back to a draft the next day,
means the day written on the button, not that many days from the moment of the press:
the day the buttons were shown is kept with the conversation, and the pressed day is
turned into a date at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from aiogram.fsm.context import FSMContext

SHOWN_ON = "days_shown_on"


async def days_shown(state: FSMContext, today: date) -> None:
    """Call when the day buttons go out."""
    await state.update_data({SHOWN_ON: today.isoformat()})


async def day_pressed(state: FSMContext, offset: int, today: date) -> date:
    """The day on the button pressed; buttons shown before this was kept count from
    `today`, as they always did."""
    shown_on = (await state.get_data()).get(SHOWN_ON)
    base = date.fromisoformat(shown_on) if shown_on else today
    return base + timedelta(days=offset)


def kept_day(kept: str | int | None, today: date) -> date | None:
    """The day stored by `day_pressed`'s caller, as a date; a draft from before days
    were kept as dates holds a number of days counted from `today`."""
    if kept is None:
        return None
    if isinstance(kept, int):
        return today + timedelta(days=kept)
    return date.fromisoformat(kept)
