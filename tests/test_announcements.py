"""Announcements: the audience count for every combination of filters, and the whole
composer through the Dispatcher (preview, send, report, schedule, cancel, refusals)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from aiogram.methods import EditMessageText, SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import Announcement, District, GroupMember, InterestGroup, OutboxMessage
from bot.db.unit_of_work import unit_of_work
from bot.runtime.scheduler import announcement_tick
from bot.services.messaging import outbox
from bot.services.messaging.announcements import Audience, count_audience
from tests.harness import (
    START,
    FakeClock,
    Harness,
    Person,
    alerts,
    drain,
    inline_labels,
    joined,
)
from tests.helpers import add_place, stored
from tests.test_help_flow import MAREK, ZOFIA, english_volunteer, sign_up
from tests.test_panel import EWA, OLGA, make_animator
from tests.volunteers import resident, volunteer


@dataclass(frozen=True)
class Someone:
    language: str
    district: str
    volunteer: bool
    senior: bool
    reachable: bool = True


PEOPLE = (
    Someone("pl", "Marymont", volunteer=True, senior=True),
    Someone("en", "Sady Żoliborskie", volunteer=False, senior=True),
    Someone("uk", "Marymont", volunteer=False, senior=False),
    Someone("pl", "Sady Żoliborskie", volunteer=True, senior=False),
    Someone("pl", "Marymont", volunteer=False, senior=False, reachable=False),
)


@pytest.fixture
async def population(db: AsyncSession) -> tuple[int, dict[str, int], int]:
    place_id = await add_place(db)
    other_place = await add_place(db, name="CAL Bródno", slug="cal-brodno", districts=("Bródno",))
    districts = {d.name: d.id for d in await db.scalars(select(District))}
    seniors = InterestGroup(place_id=place_id, name="Seniors", created_at=START)
    db.add(seniors)
    await db.commit()
    for number, who in enumerate(PEOPLE):
        district = districts[who.district]
        if who.volunteer:
            user = await volunteer(db, 10 + number, place_id, home_district=district)
        else:
            user = await resident(db, 10 + number, place_id, district=district)
        user.language = who.language
        if who.senior:
            db.add(GroupMember(group_id=seniors.id, user_id=user.id, joined_at=START))
        if not who.reachable:
            user.announcements = False
        await db.commit()
    await resident(db, 99, other_place, district=districts["Bródno"])
    return place_id, districts, seniors.id


async def test_audience_count_for_every_combination(
    db: AsyncSession, population: tuple[int, dict[str, int], int]
) -> None:
    place_id, districts, seniors = population
    district_sets = [(), ("Marymont",), ("Sady Żoliborskie",), ("Marymont", "Sady Żoliborskie")]
    checked = 0
    for names, who, groups, language in itertools.product(
        district_sets,
        ("all", "volunteers", "residents"),
        ((), (seniors,)),
        (None, "pl", "en", "uk"),
    ):
        audience = Audience(
            frozenset(districts[n] for n in names), frozenset(groups), who, language
        )
        expected = sum(
            1
            for p in PEOPLE
            if p.reachable
            and (not names or p.district in names)
            and (who == "all" or p.volunteer == (who == "volunteers"))
            and (not groups or p.senior)
            and (language is None or p.language == language)
        )
        assert await count_audience(db, place_id, audience) == expected, audience
        checked += 1
    assert checked == 96


async def animator_and_neighbours(harness: Harness, db: AsyncSession) -> int:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "Just keep me informed")
    await sign_up(harness, MAREK, "Just keep me informed", district="Sady Żoliborskie")
    return place_id


async def test_broadcast_with_html_looking_text_preview_send_and_report(
    harness: Harness,
    db: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    i18n: I18n,
) -> None:
    place_id = await animator_and_neighbours(harness, db)
    await english_volunteer(db, OLGA, place_id)
    harness.session.blocked_chats.add(MAREK.id)
    await harness.send(EWA, "/announce")
    calls = await harness.send(EWA, "<b>Meeting</b> & coffee <script>")
    assert "Recipients now: 4" in joined(calls)
    calls = await harness.press(EWA, "Volunteers and residents")
    assert "Recipients now: 1" in joined(calls), "only volunteers: Olga"
    calls = await harness.press(EWA, "Only volunteers")
    assert "Recipients now: 3" in joined(calls), "only residents"
    calls = await harness.press(EWA, "Only residents")
    assert "Recipients now: 4" in joined(calls)
    calls = await harness.press(EWA, "Preview")
    escaped = "&lt;b&gt;Meeting&lt;/b&gt; &amp; coffee &lt;script&gt;"
    assert escaped in joined(calls)
    assert "It goes to 4 people." in joined(calls)

    calls = await harness.press(EWA, "Send now")
    for person in (ZOFIA, OLGA):
        assert escaped in joined([c for c in calls if getattr(c, "chat_id", None) == person.id])
    assert "Sending to 4 people" in joined(calls)
    before = len(harness.session.requests)
    await announcement_tick(harness.bot)(i18n, session_factory, harness.clock, settings)
    edits = [c for c in harness.session.requests[before:] if isinstance(c, EditMessageText)]
    assert edits[-1].text == ("📣 Delivery report: delivered 3, failed 0, blocked the bot 1.")
    db.expire_all()
    assert (await db.scalar(select(Announcement))).status == "sent"
    calls = await harness.press(EWA, "Send now")
    assert alerts(calls) == ["This announcement can no longer be changed."]


async def test_translation_goes_to_those_who_read_that_language(
    harness: Harness, db: AsyncSession
) -> None:
    await animator_and_neighbours(harness, db)
    marek = await stored(db, MAREK)
    marek.language = "pl"
    await db.commit()
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "Meeting on Thursday")
    await harness.press(EWA, "Add a translation")
    await harness.press(EWA, "Polski")
    calls = await harness.send(EWA, "Zebranie w czwartek")
    assert "Translation saved." in joined(calls)
    await harness.press(EWA, "Preview")
    calls = await harness.press(EWA, "Send now")

    def got(person: Person) -> list[str]:
        return [c.text for c in calls if isinstance(c, SendMessage) and c.chat_id == person.id]

    assert got(MAREK) == ["Zebranie w czwartek"]
    assert got(ZOFIA) == ["Meeting on Thursday"]


async def test_scheduled_announcement_can_be_cancelled(
    harness: Harness,
    db: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    i18n: I18n,
) -> None:
    await animator_and_neighbours(harness, db)
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "Tomorrow the centre is closed")
    await harness.press(EWA, "Preview")
    await harness.press(EWA, "Schedule")
    await harness.press(EWA, "Tomorrow")
    calls = await harness.press(EWA, "10:00")
    assert "Scheduled for Tue, 24 November, 10:00" in joined(calls)
    calls = await harness.send(EWA, "/announcements")
    assert "Tomorrow the centre is closed" in joined(calls)
    calls = await harness.press(EWA, "Cancel it")
    assert alerts(calls) == ["The announcement is cancelled; nobody will get it."]
    assert "No announcements are scheduled." in joined(await harness.send(EWA, "/announcements"))
    later = FakeClock(START + timedelta(days=2))
    await announcement_tick(harness.bot)(i18n, session_factory, later, settings)
    await drain(harness.sender)
    assert (
        await db.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "announcement"))
        is None
    )


async def test_scheduled_announcement_goes_out_when_due(
    harness: Harness,
    db: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    i18n: I18n,
) -> None:
    await animator_and_neighbours(harness, db)
    await harness.send(ZOFIA, "/settings")
    calls = await harness.press(ZOFIA, "Turn announcements off")
    assert "Announcements from your place: off" in joined(calls)
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "Choir tonight")
    calls = await harness.press(EWA, "Preview")
    assert "It goes to 2 people." in joined(calls), "Zofia opted out; Ewa and Marek remain"
    await harness.press(EWA, "Schedule")
    await harness.press(EWA, "Tomorrow")
    await harness.press(EWA, "18:00")
    due = FakeClock(START + timedelta(days=1, hours=8))
    await announcement_tick(harness.bot)(i18n, session_factory, due, settings)
    await announcement_tick(harness.bot)(i18n, session_factory, due, settings, holder="again")
    rows = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "announcement")))
    assert sorted(r.chat_id for r in rows) == sorted([EWA.id, MAREK.id])


async def test_other_people_and_other_places_are_refused(
    harness: Harness, db: AsyncSession
) -> None:
    await animator_and_neighbours(harness, db)
    other = await add_place(db, name="CAL Bródno", slug="cal-brodno", districts=("Bródno",))
    await make_animator(db, harness, OLGA, other)
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "Only for Żoliborz")
    draft_id = await db.scalar(select(Announcement.id))
    assert joined(await harness.send(MAREK, "/announce")) == (
        "Sorry, this is only for the animators of that place."
    )
    for person in (MAREK, OLGA):
        for action in ("preview", "now", "all", "unschedule"):
            calls = await harness.press_data(person, f"ann:{action}:{draft_id}:0:0")
            assert alerts(calls) == ["Sorry, this is only for the animators of that place."]
    assert "Sorry" in joined(await harness.send(MAREK, "/announcements"))
    calls = await harness.press_data(EWA, f"ann:lang:{draft_id}:99:0")
    assert [type(c).__name__ for c in calls] == ["AnswerCallbackQuery"], "no such language"
    assert alerts(await harness.press_data(EWA, f"ann:bogus:{draft_id}:0:0")) == [
        "This button is no longer active. Please use the menu or send /start."
    ]
    db.expire_all()
    assert (await db.get(Announcement, draft_id)).status == "draft"
    assert (
        await db.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "announcement"))
        is None
    )


async def test_a_sender_dying_mid_announcement_leaves_an_exact_report(
    harness: Harness,
    db: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    i18n: I18n,
) -> None:
    """A sender claims the letters and dies: after its lease the next sender delivers
    them, each person once, and the report counts the rows: never more than the audience."""
    place_id = await animator_and_neighbours(harness, db)
    await english_volunteer(db, OLGA, place_id)
    sender, harness.sender = harness.sender, None
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "Coffee on Friday")
    await harness.press(EWA, "Preview")
    await harness.press(EWA, "Send now")
    sent_before = len(harness.session.requests)
    async with unit_of_work(session_factory) as dead:
        taken = await outbox.claim(dead, harness.clock(), limit=2, lease=timedelta(seconds=30))
    assert len(taken) == 2, "claimed, then the process died"
    assert sender is not None
    await drain(sender)
    harness.clock.advance(seconds=31)
    await drain(sender)
    letters = [
        c
        for c in harness.session.requests[sent_before:]
        if isinstance(c, SendMessage) and "Coffee" in c.text
    ]
    assert sorted(c.chat_id for c in letters) == sorted({c.chat_id for c in letters})
    assert len(letters) == 4
    before = len(harness.session.requests)
    await announcement_tick(harness.bot)(i18n, session_factory, harness.clock, settings)
    edits = [c for c in harness.session.requests[before:] if isinstance(c, EditMessageText)]
    assert edits[-1].text == "📣 Delivery report: delivered 4, failed 0, blocked the bot 0."


async def test_cancel_drops_an_announcement_waiting_on_its_preview(
    harness: Harness, db: AsyncSession
) -> None:
    """The text is written and "Send now" is on the screen when the animator types
    /cancel: it is gone, and a stray tap on the old button sends nothing."""
    await animator_and_neighbours(harness, db)
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "Spotkanie w czwartek")
    await harness.press(EWA, "Preview")
    calls = await harness.send(EWA, "/cancel")
    assert joined(calls) == "The announcement you were preparing is discarded. Nothing was sent."
    calls = await harness.press(EWA, "Send now")
    assert alerts(calls) == ["This announcement can no longer be changed."]
    assert [c for c in calls if getattr(c, "text", None) == "Spotkanie w czwartek"] == []
    db.expire_all()
    assert (await db.scalar(select(Announcement))).status == "cancelled"
    assert joined(await harness.send(EWA, "/cancel")) == "There is nothing to cancel right now."


async def test_tomorrow_pressed_before_midnight_is_that_tomorrow(
    harness: Harness, db: AsyncSession
) -> None:
    """Ewa presses "Tomorrow" at 23:55 on Monday and the hour at 00:05: the
    announcement goes on Tuesday, the day the button meant, not on Wednesday."""
    await animator_and_neighbours(harness, db)
    harness.clock.advance(hours=12, minutes=55)  # START is Monday 11:00 in Warsaw
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "The centre is closed")
    await harness.press(EWA, "Preview")
    await harness.press(EWA, "Schedule")
    await harness.press(EWA, "Tomorrow")
    harness.clock.advance(minutes=10)
    calls = await harness.press(EWA, "10:00")
    assert "Scheduled for Tue, 24 November, 10:00" in joined(calls)


def _button_data(calls: list, label: str) -> str:
    for call in reversed(calls):
        for row in getattr(getattr(call, "reply_markup", None), "inline_keyboard", []):
            for button in row:
                if label in button.text:
                    return button.callback_data
    raise AssertionError(f"no button {label!r}")


async def test_an_audience_press_handled_twice_gives_the_same_audience(
    harness: Harness, db: AsyncSession
) -> None:
    """A press handled again (a crash after its commit, before its end) must not undo
    itself: the button says what it makes the audience, not "toggle"."""
    await animator_and_neighbours(harness, db)
    await harness.send(EWA, "/announce")
    calls = await harness.send(EWA, "Coffee on Friday")
    assert "Recipients now: 3" in joined(calls)
    for label, chosen, recipients in (
        ("Marymont", "✅ Marymont (chosen)", "Recipients now: 2"),
        ("Volunteers and residents", "🤝 Only volunteers", "Recipients now: 0"),
    ):
        press = _button_data(calls, label)
        for _twice in range(2):
            calls = await harness.press_data(EWA, press)
            assert recipients in joined(calls)
            assert chosen in inline_labels(calls)


def _to(person: Person, calls: list) -> list:
    return [c for c in calls if getattr(c, "chat_id", None) == person.id]


async def test_send_now_at_night_asks_first(harness: Harness, db: AsyncSession) -> None:
    """At 23:00 in Warsaw "Send now" asks: at 08:00, or now anyway (quiet hours are one
    rule for every message the bot starts, announcements included)."""
    await animator_and_neighbours(harness, db)
    harness.clock.advance(hours=12)  # START is Monday 11:00 in Warsaw
    await harness.send(EWA, "/announce")
    await harness.send(EWA, "The choir sings on Friday")
    await harness.press(EWA, "Preview")
    calls = await harness.press(EWA, "Send now")
    assert "It is the quiet hours now (21:00–08:00)" in joined(calls)
    assert not _to(ZOFIA, calls), "nobody is woken before the author decides"
    calls = await harness.press(EWA, "Send at 08:00")
    assert "Scheduled for Tue, 24 November, 08:00" in joined(calls)
    assert not _to(ZOFIA, calls)

    await harness.send(EWA, "/announce")
    await harness.send(EWA, "The heating is off tonight")
    await harness.press(EWA, "Preview")
    await harness.press(EWA, "Send now")
    calls = await harness.press(EWA, "Send now anyway")
    assert "Sending to 3 people" in joined(calls)
    assert "The heating is off tonight" in joined(_to(ZOFIA, calls))


async def test_an_hour_inside_quiet_hours_is_kept_only_when_said_twice(
    harness: Harness, db: AsyncSession, settings: Settings
) -> None:
    await animator_and_neighbours(harness, db)
    harness.dp["settings"] = settings.model_copy(update={"quiet_start": time(17)})
    for keep, expected in (
        ("Keep 18:00", "Scheduled for Tue, 24 November, 18:00"),
        ("Send at 08:00", "Scheduled for Wed, 25 November, 08:00"),
    ):
        await harness.send(EWA, "/announce")
        await harness.send(EWA, "Film night")
        await harness.press(EWA, "Preview")
        await harness.press(EWA, "Schedule")
        await harness.press(EWA, "Tomorrow")
        calls = await harness.press(EWA, "18:00")
        assert "is in the quiet hours (17:00–08:00)" in joined(calls)
        calls = await harness.press(EWA, keep)
        assert expected in joined(calls)
