"""How events and proposals read in the chat. User text is always escaped here."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.db.statuses import EventStatus, OccurrenceStatus, SignupStatus
from bot.services.initiatives.agenda import Dated
from bot.services.initiatives.cards import Card
from bot.services.initiatives.events import EventDraft
from bot.services.initiatives.signups import SeatView, SignupOutcome, SignupResult
from bot.services.plain import EventInfo, OccurrenceInfo, PlaceInfo
from bot.views.formatting import local_datetime


def _language() -> str:
    return get_i18n().current_locale


def repeat_text(weeks: int) -> str:
    if weeks == 0:
        return _("once")
    if weeks == 1:
        return _("every week")
    return ngettext("every {count} week", "every {count} weeks", weeks).format(count=weeks)


def when_text(starts_at: datetime | None, timezone: str) -> str:
    if starts_at is None:
        return _("date to be agreed")
    return local_datetime(starts_at, timezone, _language())


def places_text(taken: int, capacity: int | None) -> str:
    """What is left, with the plural of what is free: "zostały 3 wolne miejsca (z 5)",
    "5 wolnych miejsc" while nobody has signed up, "brak miejsc — lista rezerwowa"."""
    if capacity is None:
        return ngettext("{count} signed up", "{count} signed up", taken).format(count=taken)
    free = capacity - taken
    if free <= 0:
        return _("no places left — waiting list")
    if taken == 0:
        return ngettext("{count} free place", "{count} free places", free).format(count=free)
    return ngettext(
        "{count} free place left (of {capacity})", "{count} free places left (of {capacity})", free
    ).format(count=free, capacity=capacity)


def _seat_line(seat: SeatView) -> str:
    name = escape(seat.role.name) if seat.role.name else _("Participants")
    line = f"{name}: {places_text(seat.taken, seat.capacity)}"
    if seat.waiting:
        line += " " + ngettext("({count} waiting)", "({count} waiting)", seat.waiting).format(
            count=seat.waiting
        )
    return line


def _where(event: EventInfo, place: PlaceInfo) -> str:
    return escape(event.location) if event.location else escape(place.name)


def event_card(item: Dated, place: PlaceInfo, card: Card) -> str:
    event, occurrence, seats, mine = item.event, item.occurrence, card.seats, card.mine
    lines = [f"📅 <b>{escape(event.title)}</b>"]
    when = when_text(occurrence.starts_at, place.timezone)
    if event.repeat_weeks:
        when += f" ({repeat_text(event.repeat_weeks)})"
    lines.append(f"🕒 {when}")
    lines.append(f"📍 {_where(event, place)}")
    lines.append("")
    lines.append(escape(event.description))
    lines.append("")
    participants = [s for s in seats if s.role.name is None]
    helpers = [s for s in seats if s.role.name is not None]
    lines += [f"👥 {_seat_line(seat)}" for seat in participants]
    if helpers:
        lines.append(_("🙋 Helpers needed:"))
        lines += [f"• {_seat_line(seat)}" for seat in helpers]
    if occurrence.status == OccurrenceStatus.CANCELLED or event.status == EventStatus.CANCELLED:
        lines.append("")
        lines.append(_("🚫 This date is cancelled."))
    elif mine is not None:
        lines.append("")
        role = next((s.role for s in seats if s.role.id == mine.role_id), None)
        as_role = escape(role.name) if role is not None and role.name else None
        if mine.status == SignupStatus.CONFIRMED:
            lines.append(
                _("✅ You are signed up as: {role}.").format(role=as_role)
                if as_role
                else _("✅ You are signed up.")
            )
        else:
            lines.append(
                _("⏳ You are on the waiting list (number {position}).").format(
                    position=card.position
                )
            )
    return "\n".join(lines)


def draft_summary(draft: EventDraft, place: PlaceInfo, group_names: list[str]) -> str:
    lines = [f"<b>{escape(draft.title)}</b>", escape(draft.description), ""]
    when = when_text(draft.starts_at, place.timezone)
    if draft.repeat_weeks:
        when += f" ({repeat_text(draft.repeat_weeks)})"
    lines.append(_("🕒 When: {when}").format(when=when))
    where = escape(draft.location) if draft.location else escape(place.name)
    lines.append(_("📍 Where: {where}").format(where=where))
    capacity = (
        ngettext("{count} place", "{count} places", draft.capacity).format(count=draft.capacity)
        if draft.capacity
        else _("no limit")
    )
    lines.append(_("👥 Participants: {capacity}").format(capacity=capacity))
    if draft.roles:
        roles = ", ".join(f"{escape(r.name)} ×{r.capacity}" for r in draft.roles)
        lines.append(_("🙋 Helpers needed: {roles}").format(roles=roles))
    if group_names:
        groups = ", ".join(escape(name) for name in group_names)
        lines.append(_("🎯 For: {groups}").format(groups=groups))
    return "\n".join(lines)


def proposal_status(event: EventInfo) -> str:
    if event.status == EventStatus.PENDING:
        return _("⏳ Waiting for the animators.")
    if event.status == EventStatus.PUBLISHED:
        return _("✅ Approved and published. See /events.")
    if event.status == EventStatus.REJECTED:
        comment = escape(event.review_comment or "")
        return _("❌ Not accepted. The animators wrote: {comment}").format(comment=comment)
    return _("🚫 Cancelled.")


def event_heading(event: EventInfo, occurrence: OccurrenceInfo | None, place: PlaceInfo) -> str:
    """Title and date, the first lines of every notice about an event."""
    starts_at = occurrence.starts_at if occurrence is not None else event.starts_at
    return f"📅 <b>{escape(event.title)}</b>\n🕒 {when_text(starts_at, place.timezone)}"


def agenda_line(item: Dated, place: PlaceInfo) -> str:
    when = when_text(item.occurrence.starts_at, place.timezone)
    return f"<b>{escape(item.event.title)}</b> · {when}"


def signup_answer(result: SignupResult) -> str:
    if result.outcome == SignupOutcome.CONFIRMED:
        return _("✅ You are signed up. See you there!")
    if result.outcome == SignupOutcome.WAITING:
        return _(
            "⏳ It is full, so you are number {position} on the waiting list. "
            "I will tell you as soon as a place comes free."
        ).format(position=result.position)
    if result.outcome == SignupOutcome.ALREADY:
        return _("You are already signed up for this date.")
    return _("Sorry, signing up for this date has closed.")


def series_answer(results: list[SignupResult]) -> str:
    confirmed = sum(r.outcome == SignupOutcome.CONFIRMED for r in results)
    waiting = sum(r.outcome == SignupOutcome.WAITING for r in results)
    text = ngettext(
        "🔁 You will come to every date: signed up for {count} date now, new ones follow.",
        "🔁 You will come to every date: signed up for {count} dates now, new ones follow.",
        confirmed,
    ).format(count=confirmed)
    if waiting:
        text += " " + ngettext(
            "On the waiting list for {count} date.",
            "On the waiting list for {count} dates.",
            waiting,
        ).format(count=waiting)
    return text


def leave_answer(cancelled: bool) -> str:
    return _("Your sign-up is cancelled.") if cancelled else _("You were not signed up.")


def series_left_answer() -> str:
    return _("You are no longer signed up for the coming dates.")
