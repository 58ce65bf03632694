"""From "I need help" to a task done, through the Dispatcher, as both people meet it."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, Offer, User, VolunteerProfile
from bot.db.statuses import RequestStatus
from bot.services.across.stats import month_totals, stats_table
from bot.services.helping.offers import advance_matching
from tests.harness import Harness, Person, alerts, drain, inline_labels, joined
from tests.helpers import add_place
from tests.volunteers import volunteer

ZOFIA = Person(id=300_001, first_name="Zofia", language_code="en")
MAREK = Person(id=300_002, first_name="Marek", language_code="en")
EWA = Person(id=300_003, first_name="Ewa", language_code="en")


async def english_volunteer(
    db: AsyncSession, person: Person, place_id: int, **options: object
) -> User:
    """A ready volunteer who uses the bot in English and speaks it."""
    helper = await volunteer(
        db, person.id, place_id, name=person.first_name, languages=("en",), **options
    )
    helper.language = "en"
    await db.commit()
    return helper


async def sign_up(
    harness: Harness, person: Person, intent: str, district: str = "Marymont"
) -> None:
    await harness.send(person, "/start")
    await harness.press(person, "English")
    await harness.press(person, "I agree")
    await harness.press(person, intent)
    await harness.press(person, "MAL Żoliborz")
    await harness.press(person, district)


async def ask_for_shopping(
    harness: Harness, address: str | None = "ul. Krasińskiego 1 <m. 2>"
) -> list:
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Shopping")
    await harness.send(ZOFIA, "Bread & milk from the shop, please")
    await harness.press(ZOFIA, "Any day")
    await harness.press(ZOFIA, "Any time")
    await harness.press(ZOFIA, "Marymont")
    if address:
        calls = await harness.send(ZOFIA, address)
    else:
        calls = await harness.press(ZOFIA, "Skip")
    return calls


async def marek_takes_zofias_shopping(harness: Harness, db: AsyncSession) -> tuple[int, User]:
    """Zofia asks for shopping (with her address); Marek, a ready volunteer, takes it.
    The centre's id and Marek's row."""
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    helper = await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    await harness.press(MAREK, "I will help")
    return place_id, helper


async def test_volunteer_builds_a_profile_with_buttons(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    calls = await harness.send(MAREK, "🤝 Volunteering")
    assert "Your volunteer profile" in joined(calls)
    assert "Still missing: skills, when you can help." in joined(calls)
    await harness.press(MAREK, "Skills")
    calls = await harness.press(MAREK, "Shopping")
    assert "✅ 🛒 Shopping & errands (chosen)" in inline_labels(calls)
    await harness.press(MAREK, "Back to the profile")
    await harness.press(MAREK, "When I can help")
    calls = await harness.press(MAREK, "Mon morning")
    assert any(label.startswith("✅ Mon") for label in inline_labels(calls))
    await harness.press(MAREK, "Back to the profile")
    calls = await harness.press(MAREK, "Ready to help")
    assert "Thank you! Requests that fit you will come here." in joined(calls)


async def test_request_offer_accept_done_confirm(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)

    calls = await ask_for_shopping(harness)
    summary = joined(calls)
    assert "«Bread &amp; milk from the shop, please»" in summary
    assert "Address: ul. Krasińskiego 1 &lt;m. 2&gt;" in summary

    calls = await harness.press(ZOFIA, "Send the request")
    offer = [c for c in calls if getattr(c, "chat_id", None) == MAREK.id]
    assert offer, "the volunteer got an offer"
    assert "A neighbour needs help" in joined(offer)
    assert "Krasińskiego" not in joined(offer), "no address before acceptance"

    calls = await harness.press(MAREK, "I will help")
    to_marek = joined([c for c in calls if getattr(c, "chat_id", None) == MAREK.id])
    to_zofia = joined([c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id])
    assert "Address: ul. Krasińskiego 1 &lt;m. 2&gt;" in to_marek
    assert "Good news: Marek will help you" in to_zofia
    assert "300002" not in to_zofia, "no Telegram id or handle is shown"

    calls = await harness.press(MAREK, "I will help")
    assert alerts(calls) == ["✅ This task is already yours. Thank you!"], "a double tap"

    await harness.press(MAREK, "Done")
    calls = await harness.press(MAREK, "2 h")
    assert "Recorded: 2 h" in joined(calls)
    assert "Marek says the task is done" in joined(calls)

    calls = await harness.press(ZOFIA, "Yes, thank you")
    assert "The resident confirmed and thanks you" in joined(calls)
    await harness.press(ZOFIA, "⭐ 5")
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == RequestStatus.CLOSED
    assert request.rating == 5
    assert request.hours == 2

    calls = await harness.send(MAREK, "/tasks")
    assert "Hours given this month: 2" in joined(calls)


async def test_relay_masks_both_sides_and_escapes(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness, address=None)
    await harness.press(ZOFIA, "Send the request")
    await harness.press(MAREK, "I will help")
    await harness.press(MAREK, "Write a message")
    calls = await harness.send(MAREK, "I'll come at <b>5</b> & ring twice")
    to_zofia = [c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id]
    assert "Marek writes about your task" in joined(to_zofia)
    assert "I&#x27;ll come at &lt;b&gt;5&lt;/b&gt; &amp; ring twice" in joined(to_zofia)
    await harness.press(ZOFIA, "Write a message")
    calls = await harness.send(ZOFIA, "Thank you!")
    assert "Zofia writes about your task" in joined(
        [c for c in calls if getattr(c, "chat_id", None) == MAREK.id]
    )


async def test_nobody_available_escalates_to_animators(
    harness: Harness, db: AsyncSession, admin: Person
) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(admin, "/invite")
    link = joined(await harness.press(admin, "MAL Żoliborz")).rsplit("\n", 1)[-1]
    await sign_up(harness, EWA, "Just keep me informed")
    await harness.send(EWA, "/start " + link.split("?start=")[1])
    await ask_for_shopping(harness)
    calls = await harness.press(ZOFIA, "Send the request")
    to_ewa = joined([c for c in calls if getattr(c, "chat_id", None) == EWA.id])
    assert "Nobody has taken this request yet" in to_ewa


async def test_forged_accept_for_someone_elses_offer(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await volunteer(db, MAREK.id, place_id, languages=("en",))
    await sign_up(harness, EWA, "I want to help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    offer_id = await db.scalar(select(Offer.id))
    calls = await harness.press_data(EWA, f"offer:accept:{offer_id}")
    assert alerts(calls) == ["This button is not for you."]
    assert (await db.scalar(select(HelpRequest))).status == RequestStatus.OPEN


async def test_hand_back_returns_to_matching(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    first = await volunteer(db, MAREK.id, place_id, languages=("en",))
    first.language = "en"
    second = await volunteer(db, EWA.id, place_id, name="Ewa", languages=("en",))
    second.language = "en"
    await db.commit()
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    await harness.press(MAREK, "I will help")
    calls = await harness.press(MAREK, "I cannot do it after all")
    assert "The volunteer cannot come after all" in joined(
        [c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id]
    )
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == RequestStatus.OPEN


async def test_resident_lists_and_cancels(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    calls = await harness.send(ZOFIA, "/requests")
    assert "looking for a volunteer" in joined(calls)
    calls = await harness.press(ZOFIA, "Cancel this request")
    assert "Your request was cancelled." in joined(calls)
    assert alerts(await harness.press_data(ZOFIA, "myreq:cancel:1")) == [
        "This request can no longer be cancelled."
    ]


async def test_description_too_long_is_refused_kindly(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Shopping")
    calls = await harness.send(ZOFIA, "x" * 5000)
    assert "That is too long (5000 characters; at most 500)" in joined(calls)
    calls = await harness.send(ZOFIA, "Short and clear")
    assert "When?" in joined(calls), "nothing lost: the flow goes on"


async def test_expired_offer_pressed_late_still_helps(
    harness: Harness, db: AsyncSession, settings
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    harness.clock.advance(hours=3)
    await advance_matching(db, harness.clock(), settings.matching())
    calls = await harness.press(MAREK, "I will help")
    assert "The task is yours" in joined(calls)
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == RequestStatus.MATCHED


async def test_forgetting_a_volunteer_hands_the_task_back(
    harness: Harness, db: AsyncSession
) -> None:
    await marek_takes_zofias_shopping(harness, db)
    await harness.send(MAREK, "/forget")
    calls = await harness.press(MAREK, "Yes, delete my data")
    to_zofia = joined([c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id])
    assert "The volunteer cannot come after all" in to_zofia
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == RequestStatus.OPEN
    assert request.volunteer_id is None


async def test_forgetting_a_resident_cancels_and_tells_the_volunteer(
    harness: Harness, db: AsyncSession
) -> None:
    await marek_takes_zofias_shopping(harness, db)
    document = next(
        c for c in await harness.send(ZOFIA, "/export") if type(c).__name__ == "SendDocument"
    )
    exported = json.loads(document.document.data)
    assert exported["requests"][0]["address"] == "ul. Krasińskiego 1 <m. 2>"
    assert exported["requests"][0]["status"] == "matched"
    await harness.send(ZOFIA, "/forget")
    calls = await harness.press(ZOFIA, "Yes, delete my data")
    to_marek = joined([c for c in calls if getattr(c, "chat_id", None) == MAREK.id])
    assert "The resident cancelled this request" in to_marek
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == RequestStatus.CANCELLED
    assert request.requester_id is None


async def test_animator_sees_why_each_candidate(
    harness: Harness, db: AsyncSession, admin: Person
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await harness.send(admin, "/invite")
    link = joined(await harness.press(admin, "MAL Żoliborz")).rsplit("\n", 1)[-1]
    await sign_up(harness, EWA, "Just keep me informed")
    await harness.send(EWA, "/start " + link.split("?start=")[1])
    await ask_for_shopping(harness)
    calls = await harness.press(ZOFIA, "Send the request")
    assert "👥 Who could help, and why" in inline_labels(
        [c for c in calls if getattr(c, "chat_id", None) == EWA.id]
    )
    helper = await volunteer(db, MAREK.id, place_id, name="Marek", languages=("en",))
    calls = await harness.press(EWA, "Who could help")
    text = joined(calls)
    assert "1. Marek: " in text
    assert "talent 40" in text
    assert f"{helper.first_name}" == "Marek"

    stranger = Person(id=300_009, first_name="Obcy", language_code="en")
    await sign_up(harness, stranger, "Just keep me informed")
    request_id = await db.scalar(select(HelpRequest.id))
    calls = await harness.press_data(stranger, f"cands:{request_id}")
    assert alerts(calls) == ["Sorry, this is only for the animators of that place."]


async def test_pause_for_some_days(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    calls = await harness.send(MAREK, "/pause 14")
    assert "Paused until Monday, 7 December" in joined(calls)
    calls = await harness.send(MAREK, "/pause 24.12")
    assert "Paused until Thursday, 24 December" in joined(calls)
    calls = await harness.send(MAREK, "/resume")
    assert "Welcome back!" in joined(calls)


async def test_a_new_volunteer_is_shown_their_profile(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await harness.send(MAREK, "/start")
    await harness.press(MAREK, "English")
    await harness.press(MAREK, "I agree")
    await harness.press(MAREK, "I want to help")
    await harness.press(MAREK, "MAL Żoliborz")
    calls = await harness.press(MAREK, "Marymont")
    assert "Your volunteer profile" in joined(calls)


async def test_open_request_limit(harness: Harness, db: AsyncSession, settings) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    for _ in range(settings.max_open_requests):
        await ask_for_shopping(harness, address=None)
        await harness.press(ZOFIA, "Send the request")
    await ask_for_shopping(harness, address=None)
    calls = await harness.press(ZOFIA, "Send the request")
    assert "You already have 3 open requests" in joined(calls)


def to(person: Person, calls: list) -> list:
    return [c for c in calls if getattr(c, "chat_id", None) == person.id]


async def test_the_resident_writes_first_and_confirms_only_once_it_is_done(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    good_news = to(ZOFIA, await harness.press(MAREK, "I will help"))
    assert inline_labels(good_news) == ["✉️ Write to the volunteer"], "nothing to confirm yet"
    await harness.press(ZOFIA, "Write to the volunteer")
    calls = await harness.send(ZOFIA, "The door code is 12")
    assert "Zofia writes about your task" in joined(to(MAREK, calls))
    calls = await harness.send(ZOFIA, "/requests")
    assert "✉️ Write to the volunteer" in inline_labels(calls)
    assert "It did not happen" not in inline_labels(calls), "its time has not passed"

    await harness.press(MAREK, "Done")
    calls = await harness.press(MAREK, "1 h")
    assert {"❤️ Yes, thank you!", "It did not happen"} <= set(inline_labels(to(ZOFIA, calls)))
    calls = await harness.press(ZOFIA, "It did not happen")
    assert "Did the volunteer not come at all?" in joined(calls)
    calls = await harness.press(ZOFIA, "No, it happened")
    assert "Did it go well?" in joined(calls)
    calls = await harness.press(ZOFIA, "Yes, thank you")
    assert "The resident confirmed and thanks you" in joined(to(MAREK, calls))


async def test_it_did_not_happen_after_its_time_lowers_rank_and_rematches(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    helper = await english_volunteer(db, MAREK, place_id)
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Shopping")
    await harness.send(ZOFIA, "Bread & milk from the shop, please")
    await harness.press(ZOFIA, "Tomorrow")
    await harness.press(ZOFIA, "Morning")
    await harness.press(ZOFIA, "Marymont")
    await harness.press(ZOFIA, "Skip")
    await harness.press(ZOFIA, "Send the request")
    await harness.press(MAREK, "I will help")
    stale = await harness.press_data(ZOFIA, "task:noshow?:1:0")
    assert alerts(stale) == ["This button is no longer active."], "not before its time"

    harness.clock.advance(days=2)
    calls = await harness.send(ZOFIA, "/requests")
    assert "It did not happen" in inline_labels(calls)
    calls = await harness.press(ZOFIA, "It did not happen")
    assert "Did the volunteer not come at all?" in joined(calls)
    calls = await harness.press(ZOFIA, "Yes, nobody came")
    assert "looking for another neighbour" in joined(calls)
    assert "says this task did not happen" in joined(to(MAREK, calls))
    profile = await db.get(VolunteerProfile, helper.id)
    await db.refresh(profile)
    assert profile.no_shows == 1
    assert profile.no_show_until == harness.clock() + timedelta(days=30)
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == RequestStatus.OPEN
    totals = month_totals(await stats_table(db, [place_id]), "2026-11")
    assert (totals.confirmed, totals.released, totals.no_shows) == (0, 0, 1)


async def test_sensitive_request_with_only_unverified_volunteers(
    harness: Harness, db: AsyncSession, admin: Person
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await volunteer(db, MAREK.id, place_id, talents=("companionship",), languages=("en",))
    await harness.send(admin, "/invite")
    link = joined(await harness.press(admin, "MAL Żoliborz")).rsplit("\n", 1)[-1]
    await sign_up(harness, EWA, "Just keep me informed")
    await harness.send(EWA, "/start " + link.split("?start=")[1])
    await harness.send(ZOFIA, "🙋 I need help")
    await harness.press(ZOFIA, "Company for seniors")
    await harness.send(ZOFIA, "A walk and a chat with my mother")
    await harness.press(ZOFIA, "Any day")
    await harness.press(ZOFIA, "Any time")
    await harness.press(ZOFIA, "Marymont")
    await harness.press(ZOFIA, "Skip")
    calls = await harness.press(ZOFIA, "Send the request")
    assert not [c for c in calls if getattr(c, "chat_id", None) == MAREK.id], (
        "unverified: not asked"
    )
    assert "Nobody has taken this request yet" in joined(
        [c for c in calls if getattr(c, "chat_id", None) == EWA.id]
    )


async def test_volunteer_over_weekly_cap(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id, cap=1)
    for _ in range(2):
        await ask_for_shopping(harness, address=None)
        await harness.press(ZOFIA, "Send the request")
    offers = list(await db.scalars(select(Offer.id).order_by(Offer.id)))
    assert len(offers) == 2, "both offered while nothing was accepted yet"
    await harness.press_data(MAREK, f"offer:accept:{offers[0]}")
    calls = await harness.press_data(MAREK, f"offer:accept:{offers[1]}")
    assert alerts(calls) == [
        "You have reached your limit of tasks this week. Thank you for all you do!"
    ]


async def test_resuming_shows_requests_that_came_meanwhile(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await harness.send(MAREK, "/pause")
    await ask_for_shopping(harness, address=None)
    calls = await harness.press(ZOFIA, "Send the request")
    assert not [c for c in calls if getattr(c, "chat_id", None) == MAREK.id], "paused: not asked"
    calls = await harness.send(MAREK, "/resume")
    assert "A neighbour needs help" in joined(calls)
    assert "I will help" in " ".join(inline_labels(calls))
    calls = await harness.press(MAREK, "I will help")
    assert "The task is yours" in joined(calls)


async def test_volunteer_came_but_nobody_was_there(harness: Harness, db: AsyncSession) -> None:
    _place_id, helper = await marek_takes_zofias_shopping(harness, db)
    calls = await harness.press(MAREK, "nobody was there")
    to_zofia = joined([c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id])
    assert "The volunteer came but could not find you" in to_zofia
    profile = await db.get(VolunteerProfile, helper.id)
    await db.refresh(profile)
    assert profile.no_shows == 0, "not the volunteer's fault"
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == RequestStatus.OPEN


async def test_a_double_tap_on_send_sends_one_request_and_says_it_is_done(
    harness: Harness, db: AsyncSession
) -> None:
    """The second tap of a double tap must not read as "it did not work" (and lead to
    the request being sent again); an old button elsewhere is still called inactive."""
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    calls = await harness.press(ZOFIA, "Send the request")
    assert alerts(calls) == ["✅ That is done already. Nothing more is needed."]
    assert await db.scalar(select(func.count()).select_from(HelpRequest)) == 1
    calls = await harness.press(ZOFIA, "Marymont")
    assert alerts(calls) == ["This button is no longer active. Please use the menu or send /start."]


async def test_a_volunteers_own_reply_comes_before_the_offers_it_led_to(
    harness: Harness, db: AsyncSession
) -> None:
    """The outbox sender runs on its own and may send at any moment, even while an
    update is still answering: the offers a finished profile brings wait for the
    "Thank you!" that explains them."""
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    await sign_up(harness, MAREK, "I want to help")
    await harness.send(MAREK, "🤝 Volunteering")
    await harness.press(MAREK, "Skills")
    await harness.press(MAREK, "Shopping")
    await harness.press(MAREK, "Back to the profile")
    await harness.press(MAREK, "When I can help")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        await harness.press(MAREK, f"{day} morning")
    await harness.press(MAREK, "Back to the profile")

    async def sender_runs_now(_method: object) -> None:
        assert harness.sender is not None
        tracing, harness.trace.active = harness.trace.active, False  # its writes, not ours
        await drain(harness.sender)
        harness.trace.active = tracing

    harness.session.before_call = sender_runs_now
    harness.clock.tick = timedelta(milliseconds=1)  # no two readings of the clock agree
    calls = await harness.press(MAREK, "Ready to help")
    to_marek = [c.text for c in calls if getattr(c, "chat_id", None) == MAREK.id and c.text]
    thanks = next(i for i, text in enumerate(to_marek) if "Requests that fit you" in text)
    offer = next(i for i, text in enumerate(to_marek) if "A neighbour needs help" in text)
    assert thanks < offer


async def test_a_profile_press_handled_twice_keeps_the_choice(
    harness: Harness, db: AsyncSession
) -> None:
    """A press handled again (a crash after its commit, before its end) must not undo
    itself: "Shopping" pressed once is chosen, and the same press again leaves it so."""
    await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    await harness.send(MAREK, "🤝 Volunteering")
    calls = await harness.press(MAREK, "Skills")
    press = next(
        button.callback_data
        for call in calls
        if getattr(call, "reply_markup", None)
        for row in call.reply_markup.inline_keyboard
        for button in row
        if "Shopping" in button.text
    )
    for _twice in range(2):
        calls = await harness.press_data(MAREK, press)
        assert "✅ 🛒 Shopping & errands (chosen)" in inline_labels(calls)
    calls = await harness.press(MAREK, "Shopping")  # the button as now drawn: unchoose
    assert "🛒 Shopping & errands" in inline_labels(calls)
