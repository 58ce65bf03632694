"""Initiatives and events through the Dispatcher, as residents and animators meet them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.methods import SendDocument
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import (
    Event,
    EventFeedback,
    EventRole,
    GroupMember,
    InterestGroup,
    Membership,
    Occurrence,
    Signup,
    User,
)
from bot.db.statuses import EventStatus
from bot.runtime.scheduler import event_tick
from bot.services.initiatives import signups
from bot.services.initiatives.events import EventDraft, submit_event
from tests.harness import START, FakeClock, Harness, Person, alerts, drain, inline_labels, joined
from tests.helpers import add_place, stored
from tests.test_help_flow import MAREK, ZOFIA, english_volunteer, sign_up
from tests.test_panel import EWA, OLGA, make_animator
from tests.volunteers import resident

WARSAW = ZoneInfo("Europe/Warsaw")
IGOR = Person(id=400_010, first_name="Igor", language_code="en")


def to(person: Person, calls: list) -> list:
    return [c for c in calls if getattr(c, "chat_id", None) == person.id]


async def propose_picnic(harness: Harness, who: Person = ZOFIA) -> list:
    await harness.send(who, "💡 I have an idea")
    await harness.send(who, "Picnic <for> neighbours")
    await harness.send(who, "Games & food in the yard")
    await harness.send(who, "5.12 16:00")
    await harness.press(who, "once")
    await harness.press(who, "At the centre")
    await harness.send(who, "1")
    await harness.send(who, "set-up ×2")
    return await harness.press(who, "Submit")


async def open_first_event(harness: Harness, person: Person) -> list:
    calls = await harness.send(person, "📅 Events")
    assert "Coming up at MAL Żoliborz" in joined(calls)
    return await harness.press(person, "1. ")


async def test_propose_approve_sign_up_wait_promote_rate(
    harness: Harness,
    db: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    i18n,
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    for person in (ZOFIA, MAREK, OLGA):
        await sign_up(harness, person, "Just keep me informed")

    calls = await propose_picnic(harness)
    assert "Your idea went to the animators" in joined(to(ZOFIA, calls))
    to_ewa = joined(to(EWA, calls))
    assert "A new idea from Zofia" in to_ewa
    assert "Picnic &lt;for&gt; neighbours" in to_ewa
    assert "Helpers needed: set-up ×2" in to_ewa
    assert {"✅ Approve", "✏️ Edit", "❌ Reject"} <= set(inline_labels(to(EWA, calls)))
    assert "Waiting for the animators" in joined(await harness.send(ZOFIA, "/myideas"))
    assert "Nothing is planned" in joined(await harness.send(MAREK, "/events"))

    calls = await harness.press(EWA, "Approve")
    assert "Approved and published" in joined(to(EWA, calls))
    assert "was approved and published" in joined(to(ZOFIA, calls))

    card = await open_first_event(harness, MAREK)
    assert "Participants: 1 free place" in joined(card)
    assert "set-up: 2 free places" in joined(card)
    calls = await harness.press(MAREK, "✅ Sign up")
    assert alerts(calls) == ["✅ You are signed up. See you there!"]
    assert "Participants: no places left — waiting list" in joined(calls)
    assert "❌ Cancel my sign-up" in inline_labels(calls)

    card = await open_first_event(harness, OLGA)
    assert "⏳ Join the waiting list" in inline_labels(card)
    calls = await harness.press(OLGA, "Join the waiting list")
    assert "number 1 on the waiting list" in alerts(calls)[0]
    assert "(1 waiting)" in joined(calls)

    calls = await harness.press(MAREK, "Cancel my sign-up")
    assert alerts(calls) == ["Your sign-up is cancelled."]
    assert "A place came free and it is yours" in joined(to(OLGA, calls))
    assert "Picnic" in joined(await harness.send(OLGA, "/myevents"))

    calls = await harness.press(OLGA, "Add to my calendar")
    [document] = [c for c in calls if isinstance(c, SendDocument)]
    [entry] = Calendar.from_ical(document.document.data).walk("VEVENT")
    assert entry.decoded("dtstart") == datetime(2026, 12, 5, 16, 0, tzinfo=WARSAW)

    card = await open_first_event(harness, EWA)
    calls = await harness.press(EWA, "Participants")
    assert "1. Olga · has a place" in joined(calls)
    assert "▫️ Olga: not marked yet" in inline_labels(calls)
    calls = await harness.press(EWA, "Olga")
    assert alerts(calls) == ["Saved."]
    assert "✅ Olga: present" in inline_labels(calls)

    after = datetime(2026, 12, 5, 19, 0, tzinfo=WARSAW)
    clock = FakeClock(after)
    harness.clock.advance(seconds=(after - harness.clock()).total_seconds())
    await event_tick(i18n, session_factory, clock, settings)
    before = len(harness.session.requests)
    await drain(harness.sender)
    asked = harness.session.requests[before:]
    assert "How was it?" in joined(to(OLGA, asked))
    assert to(MAREK, asked) == []
    await harness.press(OLGA, "⭐ 5")
    calls = await harness.send(OLGA, "Lovely <b>afternoon</b>")
    assert "the animators will read it" in joined(calls)
    db.expire_all()
    feedback = await db.scalar(select(EventFeedback))
    assert (feedback.rating, feedback.comment) == (5, "Lovely <b>afternoon</b>")


async def test_reject_with_a_comment_that_reaches_the_proposer(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await harness.send(ZOFIA, "/propose")
    await harness.send(ZOFIA, "Pocket park")
    await harness.send(ZOFIA, "Benches and flowers")
    await harness.press(ZOFIA, "Date to be agreed")
    await harness.send(ZOFIA, "The corner of <Słowackiego>")
    await harness.press(ZOFIA, "No limit")
    calls = await harness.press(ZOFIA, "No helpers needed")
    assert "When: date to be agreed" in joined(calls)
    assert "Where: The corner of &lt;Słowackiego&gt;" in joined(calls)
    await harness.press(ZOFIA, "Submit")

    await harness.press(EWA, "Reject")
    calls = await harness.send(EWA, "Not before <spring>, sorry")
    assert "Rejected" in joined(to(EWA, calls))
    assert "The animators wrote: Not before &lt;spring&gt;, sorry" in joined(to(ZOFIA, calls))
    assert "Not accepted" in joined(await harness.send(ZOFIA, "/myideas"))
    calls = await harness.press(EWA, "Approve")
    assert alerts(calls) == ["This idea was already decided."]


async def test_animator_edits_a_proposal_before_approving(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await propose_picnic(harness)
    await harness.press(EWA, "Edit")
    await harness.press(EWA, "Number of places")
    assert "Please type a number" in joined(await harness.send(EWA, "lots"))
    calls = await harness.send(EWA, "30")
    assert "Participants: 30 places" in joined(calls)
    await harness.press(EWA, "Edit")
    await harness.press(EWA, "When")
    assert "still ahead" in joined(await harness.send(EWA, "1.01.2020 10:00"))
    calls = await harness.send(EWA, "6.12 15:00")
    assert "Sun, 6 December, 15:00" in joined(calls)


async def test_forged_review_buttons_are_refused(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    other_place = await add_place(db, name="CAL Bródno", slug="cal-brodno", districts=("Bródno",))
    await make_animator(db, harness, EWA, place_id)
    await make_animator(db, harness, OLGA, other_place)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await sign_up(harness, MAREK, "Just keep me informed")
    await propose_picnic(harness)
    event_id = await db.scalar(select(Event.id))
    for person in (MAREK, OLGA):
        for action in ("approve", "reject", "edit"):
            calls = await harness.press_data(person, f"review:{action}:{event_id}")
            assert alerts(calls) == ["Sorry, this is only for the animators of that place."]
        calls = await harness.press_data(person, f"evedit:{event_id}:title")
        assert alerts(calls) == ["Sorry, this is only for the animators of that place."]
    db.expire_all()
    assert (await db.get(Event, event_id)).status == EventStatus.PENDING
    calls = await harness.send(MAREK, "/newevent")
    assert joined(calls) == "Sorry, this is only for the animators of that place."


async def test_weekly_series_group_news_and_cancelling_one_date(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await sign_up(harness, MAREK, "Just keep me informed")
    seniors = InterestGroup(place_id=place_id, name="Seniors", created_at=START)
    db.add(seniors)
    await db.commit()
    calls = await harness.send(ZOFIA, "👥 Groups")
    assert "▫️ Seniors" in inline_labels(calls)
    calls = await harness.press(ZOFIA, "Seniors")
    assert alerts(calls) == ["You joined the group."]
    assert "✅ Seniors (chosen)" in inline_labels(calls)

    await harness.send(EWA, "/newevent")
    await harness.send(EWA, "Club for seniors")
    await harness.send(EWA, "Tea, cards and talks")
    await harness.send(EWA, "2.12 10:00")
    await harness.press(EWA, "every week")
    await harness.press(EWA, "At the centre")
    await harness.press(EWA, "No limit")
    await harness.press(EWA, "No helpers needed")
    calls = await harness.press(EWA, "Seniors")
    assert "✅ Seniors (chosen)" in inline_labels(calls)
    await harness.press(EWA, "Next")
    calls = await harness.press(EWA, "Submit")
    assert "Published" in joined(to(EWA, calls))
    news = joined(to(ZOFIA, calls))
    assert "New at MAL Żoliborz" in news
    assert "Club for seniors" in news
    assert to(MAREK, calls) == []

    card = await open_first_event(harness, MAREK)
    assert "(every week)" in joined(card)
    assert "Wed, 2 December, 10:00" in joined(card)
    calls = await harness.press(MAREK, "Sign up for every date")
    assert alerts(calls) == [
        "🔁 You will come to every date: signed up for 8 dates now, new ones follow."
    ]
    assert "❌ Stop coming to every date" in inline_labels(calls)
    calls = await harness.press(MAREK, "Later date")
    assert "Wed, 9 December, 10:00" in joined(calls)

    await open_first_event(harness, EWA)
    calls = await harness.press(EWA, "Cancel this date")
    assert alerts(calls) == ["Cancelled. Everyone who signed up is told."]
    told = joined(to(MAREK, calls))
    assert "Cancelled by the animators" in told
    assert "Wed, 2 December, 10:00" in told
    calls = await harness.send(MAREK, "/events")
    assert "Wed, 9 December, 10:00" in joined(calls)
    calls = await harness.press(MAREK, "1. ")
    calls = await harness.press(MAREK, "Stop coming to every date")
    assert alerts(calls) == ["You are no longer signed up for the coming dates."]
    assert "🔁 Sign up for every date" in inline_labels(calls)
    await harness.press(MAREK, "Sign up for every date")

    await harness.send(EWA, "/events")
    await harness.press(EWA, "1. ")
    calls = await harness.press(EWA, "Cancel the whole series")
    assert alerts(calls) == ["Cancelled. Everyone who signed up is told."]
    assert joined(to(MAREK, calls)).count("Cancelled by the animators") == 7
    calls = await harness.press(MAREK, "Add to my calendar")
    [document] = [c for c in calls if isinstance(c, SendDocument)]
    assert b"STATUS:CANCELLED" in document.document.data
    assert "Nothing is planned" in joined(await harness.send(MAREK, "/events"))


async def test_volunteers_with_fitting_talents_are_invited(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await english_volunteer(db, IGOR, place_id, talents=("cooking",))
    await harness.send(EWA, "/newevent")
    await harness.send(EWA, "Soup day")
    await harness.send(EWA, "We cook for neighbours")
    await harness.send(EWA, "3.12 12:00")
    await harness.press(EWA, "once")
    await harness.press(EWA, "At the centre")
    await harness.press(EWA, "20")
    await harness.send(EWA, "cooking ×2, dishes")
    calls = await harness.press(EWA, "Submit")
    invite = joined(to(IGOR, calls))
    assert "Could you help as: cooking?" in invite
    calls = await harness.press(IGOR, "I will help")
    assert alerts(calls) == ["✅ You are signed up. See you there!"]
    assert "You are signed up as: cooking." in joined(calls)


async def test_typing_mistakes_get_friendly_answers(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await harness.send(ZOFIA, "💡 I have an idea")
    assert "too long" in joined(await harness.send(ZOFIA, "x" * 101))
    await harness.send(ZOFIA, "Repair café")
    await harness.send(ZOFIA, "Bring what is broken")
    assert "could not read that" in joined(await harness.send(ZOFIA, "next Friday"))
    await harness.send(ZOFIA, "4.12 17:00")
    await harness.press(ZOFIA, "every 2 weeks")
    await harness.send(ZOFIA, "Library")
    assert "from 1 to 500" in joined(await harness.send(ZOFIA, "0"))
    await harness.send(ZOFIA, "12")
    assert "could not read that" in joined(await harness.send(ZOFIA, "×3"))
    calls = await harness.send_sticker(ZOFIA)
    assert calls
    calls = await harness.send(ZOFIA, "repairs ×2")
    assert "every 2 weeks" in joined(calls)
    calls = await harness.send(ZOFIA, "/cancel")
    assert "Your idea was not sent" in joined(calls)
    assert await db.scalar(select(Event.id)) is None


async def test_forgetting_a_participant_moves_the_next_one_up(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    for person in (ZOFIA, MAREK, OLGA):
        await sign_up(harness, person, "Just keep me informed")
    await propose_picnic(harness)
    await harness.press(EWA, "Approve")
    await open_first_event(harness, MAREK)
    await harness.press(MAREK, "✅ Sign up")
    await open_first_event(harness, OLGA)
    await harness.press(OLGA, "Join the waiting list")
    exported = await harness.send(MAREK, "/export")
    [document] = [c for c in exported if isinstance(c, SendDocument)]
    assert b'"event_signups"' in document.document.data
    await harness.send(MAREK, "/forget")
    calls = await harness.press(MAREK, "Yes, delete")
    assert "A place came free and it is yours" in joined(to(OLGA, calls))
    await harness.send(ZOFIA, "/forget")
    await harness.press(ZOFIA, "Yes, delete")
    db.expire_all()
    assert (await db.scalar(select(Event))).proposer_id is None
    assert await stored(db, ZOFIA) is None
    assert await db.scalar(select(GroupMember.user_id)) is None
    assert await db.scalar(select(Membership.id)) is not None
    assert await db.scalar(select(User.id).where(User.telegram_id == OLGA.id)) is not None


async def test_pending_ideas_are_in_the_panel(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await propose_picnic(harness)
    calls = await harness.send(EWA, "/panel")
    assert "💡 Ideas waiting for you: 1" in inline_labels(calls)
    calls = await harness.press(EWA, "Ideas waiting for you")
    assert "Picnic &lt;for&gt; neighbours" in joined(calls)
    calls = await harness.press(EWA, "Approve")
    assert "Approved and published" in joined(calls)
    calls = await harness.press(EWA, "Ideas waiting for you")
    assert "No ideas are waiting for you." in joined(calls)


async def test_places_read_in_polish_as_what_is_left(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await harness.send(EWA, "/newevent")
    await harness.send(EWA, "Sprzątanie podwórka")
    await harness.send(EWA, "Grabimy liście")
    await harness.send(EWA, "5.12 10:00")
    await harness.press(EWA, "once")
    await harness.press(EWA, "At the centre")
    await harness.send(EWA, "5")
    await harness.send(EWA, "grabie ×2, herbata ×1, worki ×22")
    await harness.press(EWA, "Submit")
    await sign_up_in_polish(harness, anna)
    calls = await harness.send(anna, "📅 Wydarzenia")
    assert "· sob., 5 grudnia, 10:00 · 5 wolnych miejsc" in joined(calls)
    card = joined(await harness.press(anna, "1. "))
    assert "🕒 sob., 5 grudnia, 10:00" in card, "weekday, and no year in this year"
    assert "Uczestnicy: 5 wolnych miejsc" in card
    assert "grabie: 2 wolne miejsca" in card
    assert "herbata: 1 wolne miejsce" in card
    assert "worki: 22 wolne miejsca" in card
    calls = await harness.press(anna, "Zapisz mnie")
    assert "Uczestnicy: zostały 4 wolne miejsca (z 5)" in joined(calls)


async def sign_up_in_polish(harness: Harness, person: Person) -> None:
    await harness.send(person, "/start")
    await harness.press(person, "Polski")
    await harness.press(person, "Zgadzam się")
    await harness.press(person, "Chcę być na bieżąco")
    await harness.press(person, "MAL Żoliborz")
    await harness.press(person, "Marymont")


async def test_event_tick_reminds_once_and_keeps_regulars_on_new_dates(
    harness: Harness,
    db: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    i18n,
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, MAREK, "Just keep me informed")
    await harness.send(EWA, "/newevent")
    await harness.send(EWA, "Choir")
    await harness.send(EWA, "We sing")
    await harness.send(EWA, "25.11 18:00")
    await harness.press(EWA, "every week")
    await harness.press(EWA, "At the centre")
    await harness.press(EWA, "No limit")
    await harness.press(EWA, "No helpers needed")
    await harness.press(EWA, "Submit")
    await open_first_event(harness, MAREK)
    await harness.press(MAREK, "Sign up for every date")

    day_before = datetime(2026, 11, 24, 18, 30, tzinfo=WARSAW)
    for minutes in (0, 5):
        tick = FakeClock(day_before + timedelta(minutes=minutes))
        await event_tick(i18n, session_factory, tick, settings, holder=f"run-{minutes}")
    harness.clock.advance(seconds=(day_before - harness.clock()).total_seconds() + 600)
    before = len(harness.session.requests)
    await drain(harness.sender)
    reminders = joined(to(MAREK, harness.session.requests[before:]))
    assert reminders.count("starts in about 24 hours") == 1
    assert "Choir" in reminders

    later = FakeClock(datetime(2026, 12, 20, 12, 0, tzinfo=WARSAW))
    await event_tick(i18n, session_factory, later, settings, holder="later")
    db.expire_all()
    mine = await db.scalar(
        select(func.count(Signup.id)).where(Signup.user_id == (await stored(db, MAREK)).id)
    )
    assert mine == 8 + 4, "the four new dates got the regular too"


async def _idea_up_to_the_day(harness: Harness) -> list:
    await harness.send(ZOFIA, "💡 I have an idea")
    await harness.send(ZOFIA, "Picnic")
    return await harness.send(ZOFIA, "Games in the yard")


async def _idea_after_the_hour(harness: Harness) -> str:
    await harness.press(ZOFIA, "once")
    await harness.press(ZOFIA, "At the centre")
    await harness.send(ZOFIA, "1")
    return joined(await harness.press(ZOFIA, "No helpers needed"))


async def test_an_idea_is_dated_by_buttons_and_the_hour_may_be_typed(
    harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    days = inline_labels(await _idea_up_to_the_day(harness))
    assert days[:3] == ["Today", "Tomorrow", "Wed, 25 Nov"]
    assert "Sat, 5 Dec" in days, "two weeks ahead"
    await harness.press(ZOFIA, "Today")
    calls = await harness.press(ZOFIA, "09:00")  # 11:00 in Warsaw already
    assert "That time has already passed" in joined(calls)
    await harness.press(ZOFIA, "Wed, 25 Nov")
    assert "How often?" in joined(await harness.press(ZOFIA, "18:00"))
    assert "When: Wed, 25 November, 18:00" in await _idea_after_the_hour(harness)

    await harness.send(ZOFIA, "/cancel")
    await _idea_up_to_the_day(harness)
    await harness.press(ZOFIA, "Tomorrow")
    assert "How often?" in joined(await harness.send(ZOFIA, "18:30"))
    assert "When: Tue, 24 November, 18:30" in await _idea_after_the_hour(harness)


async def test_helpers_are_chosen_by_buttons_and_typing_adds_to_them(
    harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await _idea_up_to_the_day(harness)
    await harness.press(ZOFIA, "🤝 Date to be agreed")
    await harness.press(ZOFIA, "At the centre")
    calls = await harness.send(ZOFIA, "10")
    assert "Choose a role" in joined(calls)
    assert {"Setting up the room", "Photos", "No helpers needed"} <= set(inline_labels(calls))

    calls = await harness.press(ZOFIA, "Setting up the room")
    assert "How many people for «Setting up the room»?" in joined(calls)
    calls = await harness.press(ZOFIA, "3")
    assert "Helpers needed: Setting up the room ×3" in joined(calls)
    assert "✅ Setting up the room ×3 (chosen)" in inline_labels(calls)
    assert "No helpers needed" not in inline_labels(calls), "something is chosen"
    await harness.press(ZOFIA, "Photos")
    calls = await harness.send(ZOFIA, "lots")
    assert "Please type a number from 1 to" in joined(calls)
    assert "✖️ Not needed" in inline_labels(calls), "the choices come again"
    await harness.send(ZOFIA, "2")  # the count may be typed too
    await harness.press(ZOFIA, "✅ Setting up the room")
    await harness.press(ZOFIA, "✖️ Not needed")
    await harness.press(ZOFIA, "Refreshments")
    calls = await harness.press(ZOFIA, "⬅️ Back")
    assert "Helpers needed: Photos ×2" in joined(calls), "Back keeps what was chosen"

    summary = joined(await harness.send(ZOFIA, "music ×1"))
    assert "Helpers needed: Photos ×2, music ×1" in summary
    await harness.press(ZOFIA, "Submit")
    roles = (await db.scalars(select(EventRole.name).where(EventRole.name.is_not(None)))).all()
    assert sorted(roles) == ["Photos", "music"]


async def test_a_long_participant_list_comes_in_pages_that_keep_their_place(
    harness: Harness, db: AsyncSession
) -> None:
    """A yard picnic for 45: twenty to a page, so the list and its buttons stay within
    what Telegram takes; marking someone on page two keeps page two."""
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    author = await stored(db, EWA)
    draft = EventDraft("Picnic", "In the yard", START + timedelta(days=3), None, capacity=40)
    event = await submit_event(db, author, place_id, draft, START, publish=True)
    occurrence_id = await db.scalar(select(Occurrence.id).where(Occurrence.event_id == event.id))
    role_id = await db.scalar(
        select(EventRole.id).where(EventRole.event_id == event.id, EventRole.name.is_(None))
    )
    for n in range(1, 46):
        neighbour = await resident(db, 700_000 + n, place_id, name=f"Sąsiadka{n:02}")
        await signups.sign_up(db, occurrence_id, role_id, neighbour.id, START)
    await db.commit()

    await open_first_event(harness, EWA)
    calls = await harness.press(EWA, "Participants")
    text = joined(calls)
    assert "1. Sąsiadka01 · has a place" in text
    assert "20. Sąsiadka20 · has a place" in text
    assert "21." not in text
    assert inline_labels(calls) == [
        *(f"▫️ Sąsiadka{n:02}: not marked yet" for n in range(1, 21)),
        "More ▶️",
    ]
    calls = await harness.press(EWA, "More ▶️")
    assert "21. Sąsiadka21 · has a place" in joined(calls)
    assert "40. Sąsiadka40 · has a place" in joined(calls)
    assert inline_labels(calls)[-2:] == ["◀️ Back", "More ▶️"]
    calls = await harness.press(EWA, "More ▶️")
    assert "45. Sąsiadka45 · waiting" in joined(calls)
    assert inline_labels(calls) == ["◀️ Back"], "nobody waiting is marked"
    await harness.press(EWA, "◀️ Back")
    calls = await harness.press(EWA, "Sąsiadka25")
    assert alerts(calls) == ["Saved."]
    labels = inline_labels(calls)
    assert "✅ Sąsiadka25: present" in labels
    assert labels[0] == "▫️ Sąsiadka21: not marked yet", "still page two"


async def test_an_ideas_day_pressed_after_a_night_is_the_day_on_the_button(
    harness: Harness, db: AsyncSession
) -> None:
    """The days were shown on Monday; Zofia presses "Wed, 25 Nov" on Tuesday and the
    hour on Wednesday morning: the idea is for Wednesday, as the button said."""
    await add_place(db)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await _idea_up_to_the_day(harness)
    harness.clock.advance(days=1)
    await harness.press(ZOFIA, "Wed, 25 Nov")
    harness.clock.advance(hours=20)
    assert "How often?" in joined(await harness.press(ZOFIA, "18:00"))
    assert "When: Wed, 25 November, 18:00" in await _idea_after_the_hour(harness)
