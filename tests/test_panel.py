"""/panel: escalated requests, offering to a chosen volunteer, verification, no-shows —
and the server refusing other people and other places' animators."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import zxingcpp
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import HelpRequest, Membership, Offer, Place, VolunteerProfile
from bot.db.statuses import OfferStatus
from tests.fakes.session import BOT_USERNAME
from tests.harness import START, Harness, Person, alerts, inline_labels, joined
from tests.helpers import add_place, onboard, stored
from tests.test_help_flow import MAREK, ZOFIA, ask_for_shopping, english_volunteer, sign_up

EWA = Person(id=400_001, first_name="Ewa", language_code="en")
OLGA = Person(id=400_002, first_name="Olga", language_code="en")


async def make_animator(db: AsyncSession, harness: Harness, person: Person, place_id: int) -> None:
    await sign_up(harness, person, "Just keep me informed")
    user = await stored(db, person)
    db.add(Membership(user_id=user.id, place_id=place_id, role="animator", created_at=START))
    await db.commit()


async def test_residents_are_refused(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    calls = await harness.send(anna, "/panel")
    assert joined(calls) == "Przepraszam, to tylko dla zespołu tego centrum."
    assert alerts(await harness.press_data(anna, "panel:verify")) == [
        "Przepraszam, to tylko dla zespołu tego centrum."
    ]


async def test_escalated_request_offered_to_a_chosen_volunteer(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "I need help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")  # nobody yet: escalated
    helper = await english_volunteer(db, MAREK, place_id, talents=("companionship",))
    helper_id = helper.id

    calls = await harness.send(EWA, "/panel")
    assert "⚠️ Requests waiting: 1" in inline_labels(calls)
    calls = await harness.press(EWA, "Requests waiting")
    assert "Bread &amp; milk" in joined(calls)
    calls = await harness.press(EWA, "Who could help")
    assert "1. Marek" in joined(calls)
    calls = await harness.press(EWA, "Offer to Marek")
    assert alerts(calls) == ["Offered to Marek."]
    assert "A neighbour needs help" in joined(
        [c for c in calls if getattr(c, "chat_id", None) == MAREK.id]
    )
    offer = await db.scalar(select(Offer).where(Offer.volunteer_id == helper_id))
    assert offer.status == OfferStatus.PENDING
    calls = await harness.press(MAREK, "I will help")
    assert "The task is yours" in joined(calls)


async def test_verify_and_clear_no_show(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    helper = await english_volunteer(db, MAREK, place_id)
    helper_id = helper.id
    profile = await db.get(VolunteerProfile, helper_id)
    profile.no_show_until = START + timedelta(days=30)
    await db.commit()

    await harness.send(EWA, "/panel")
    calls = await harness.press(EWA, "Volunteers to verify")
    assert "Marek" in joined(calls)
    await harness.press(EWA, "✅ Verify")
    calls = await harness.press(EWA, "12 months")
    assert alerts(calls) == ["Verified until 23 November 2027."]
    assert "An animator has verified you" in joined(
        [c for c in calls if getattr(c, "chat_id", None) == MAREK.id]
    )

    await harness.send(EWA, "/panel")
    await harness.press(EWA, "No-show records")
    calls = await harness.press(EWA, "Clear the record")
    assert alerts(calls) == ["Record cleared."]
    await db.refresh(profile)
    assert profile.verified_at is not None
    assert profile.no_show_until is None


async def test_animator_of_another_place_is_refused(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    other = await add_place(db, name="CAL Nadodrze", slug="cal", districts=())
    await make_animator(db, harness, OLGA, other)
    await sign_up(harness, ZOFIA, "I need help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    helper = await english_volunteer(db, MAREK, place_id)
    request_id = await db.scalar(select(HelpRequest.id))
    refusal = ["Sorry, this is only for the animators of that place."]
    assert alerts(await harness.press_data(OLGA, f"offerto:{request_id}:{helper.id}")) == refusal
    assert alerts(await harness.press_data(OLGA, f"vet:verify:{helper.id}")) == refusal
    assert alerts(await harness.press_data(OLGA, f"cands:{request_id}")) == refusal
    await db.refresh(await db.get(VolunteerProfile, helper.id))
    assert (await db.get(VolunteerProfile, helper.id)).verified_at is None
    assert await db.scalar(select(Offer)) is None


async def test_intake_for_someone_without_telegram(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await english_volunteer(db, MAREK, place_id)
    assert "What is their name?" in joined(await harness.send(EWA, "/intake"))
    await harness.send(EWA, "Pani Helena")
    await harness.send(EWA, "+48 600 100 200")
    await harness.press(EWA, "Shopping")
    await harness.send(EWA, "Groceries once a week")
    await harness.press(EWA, "Any day")
    await harness.press(EWA, "Any time")
    await harness.press(EWA, "Marymont")
    calls = await harness.send(EWA, "ul. Słowackiego 5/3")
    assert "👤 For: Pani Helena, +48 600 100 200" in joined(calls)
    calls = await harness.press(EWA, "Send the request")
    offer = joined([c for c in calls if getattr(c, "chat_id", None) == MAREK.id])
    assert "Groceries once a week" in offer
    assert "Helena" not in offer
    assert "600 100 200" not in offer
    calls = await harness.press(MAREK, "I will help")
    to_marek = joined([c for c in calls if getattr(c, "chat_id", None) == MAREK.id])
    to_ewa = joined([c for c in calls if getattr(c, "chat_id", None) == EWA.id])
    assert "600 100 200" not in to_marek, "the phone stays with the animator"
    assert "Good news: Marek will help you" in to_ewa
    assert "👤 For: Pani Helena" in to_ewa, "the animator sees whom it is for"


async def test_intake_is_for_animators_only(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    calls = await harness.send(ZOFIA, "/intake")
    assert joined(calls) == "Sorry, this is only for the animators of that place."


async def test_stats_and_csv_without_personal_data(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    harness.clock.advance(minutes=30)
    await harness.press(MAREK, "I will help")
    await harness.press(MAREK, "Done")
    await harness.press(MAREK, "2 h")

    calls = await harness.send(EWA, "/stats")
    text = joined(calls)
    assert "This month (November 2026)" in text
    assert "Requests: 1\nMatched: 1\nDone: 1\nHours given: 2" in text
    assert "Median time to a match: 30 min" in text
    assert "Said they are coming: 0\nHanded back: 0\nDid not come: 0" in text
    assert "Attendance marked: 0 came, 0 did not come" in text
    assert "Volunteers who helped: 1\nNew volunteers: 1\nEvents: 0\nParticipants: 0" in text
    chart = next(c for c in calls if type(c).__name__ == "SendPhoto")
    with Image.open(io.BytesIO(chart.photo.data)) as image:
        assert image.format == "PNG"
        assert image.size == (800, 450)
    calls = await harness.press(EWA, "CSV")
    document = next(c for c in calls if type(c).__name__ == "SendDocument")
    rows = list(csv.reader(io.StringIO(document.document.data.decode("utf-8-sig"))))
    assert rows == [
        [
            "place",
            "district",
            "month",
            "requests",
            "matched",
            "done",
            "median_minutes_to_match",
            "hours",
            "confirmed_coming",
            "released",
            "no_shows",
            "active_volunteers",
            "new_volunteers",
            "events",
            "participants",
            "came",
            "did_not_come",
        ],
        # requests…hours, confirmed/released/no-shows, volunteers, events/participants/attendance
        [*("MAL Żoliborz", "", "2026-11", "0", "0", "0", "", "0"), *"000", *"01", *"0000"],
        [*("MAL Żoliborz", "Marymont", "2026-11", "1", "1", "1", "30.0"), *"2000", *"10", *"0000"],
    ]
    raw = document.document.data.decode("utf-8-sig")
    assert "Zofia" not in raw
    assert "Krasińskiego" not in raw


async def test_stats_refused_to_residents(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    assert (
        joined(await harness.send(ZOFIA, "/stats"))
        == "Sorry, this is only for the animators of that place."
    )
    assert alerts(await harness.press_data(ZOFIA, "panel:csv")) == [
        "Sorry, this is only for the animators of that place."
    ]


async def test_poster_is_a_png_whose_qr_opens_the_place(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    calls = await harness.send(EWA, "/poster")
    assert "🇺🇦 Українська" in inline_labels(calls)
    calls = await harness.press(EWA, "Polski")
    document = next(c for c in calls if type(c).__name__ == "SendDocument")
    assert document.document.filename == "poster-mal-zoliborz-pl.png"
    with Image.open(io.BytesIO(document.document.data)) as image:
        assert image.format == "PNG"
        codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [
        f"https://t.me/{BOT_USERNAME}?start=place-mal-zoliborz"
    ]


async def test_poster_for_another_place_is_refused(harness: Harness, db: AsyncSession) -> None:
    await add_place(db)
    other = await add_place(db, name="CAL Nadodrze", slug="cal", districts=())
    await make_animator(db, harness, OLGA, other)
    mine = await harness.press_data(OLGA, f"poster:{other}:en")
    assert any(type(c).__name__ == "SendDocument" for c in mine)
    foreign = await db.scalar(select(Place.id).where(Place.slug == "mal-zoliborz"))
    calls = await harness.press_data(OLGA, f"poster:{foreign}:en")
    assert alerts(calls) == ["Sorry, this is only for the animators of that place."]
    assert not any(type(c).__name__ == "SendDocument" for c in calls)


async def escalated_with_animator(harness: Harness, db: AsyncSession) -> int:
    """Zofia's request, sent while nobody could take it: it waits in Ewa's panel."""
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    await sign_up(harness, ZOFIA, "I need help")
    await ask_for_shopping(harness)
    await harness.press(ZOFIA, "Send the request")
    await harness.send(EWA, "/panel")
    await harness.press(EWA, "Requests waiting")
    return place_id


async def test_escalated_request_gets_a_new_date_and_fresh_offers(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await escalated_with_animator(harness, db)
    await english_volunteer(db, MAREK, place_id)
    calls = await harness.press(EWA, "Change the date")
    assert "Which new day" in joined(calls)
    await harness.press(EWA, "Tomorrow")
    calls = await harness.press(EWA, "Any time")
    assert "Changed. I am asking the volunteers again (1 now)." in joined(calls)
    to_zofia = joined([c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id])
    assert "An animator changed the date of your request" in to_zofia
    assert "A neighbour needs help" in joined(
        [c for c in calls if getattr(c, "chat_id", None) == MAREK.id]
    )
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.day == date(2026, 11, 24)
    assert request.escalated_at is None
    assert "The task is yours" in joined(await harness.press(MAREK, "I will help"))


async def test_escalated_request_closed_with_a_message(harness: Harness, db: AsyncSession) -> None:
    await escalated_with_animator(harness, db)
    calls = await harness.press(EWA, "Close with a message")
    assert "Write a message for the resident" in joined(calls)
    calls = await harness.send(EWA, "Please call us <b>at the centre</b> & we will arrange it.")
    assert "Closed. The resident gets your message." in joined(calls)
    to_zofia = joined([c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id])
    assert "An animator closed your request" in to_zofia
    assert "Please call us &lt;b&gt;at the centre&lt;/b&gt; &amp; we will arrange it." in to_zofia
    request = await db.scalar(select(HelpRequest))
    await db.refresh(request)
    assert request.status == "cancelled"
    assert alerts(await harness.press(EWA, "Change the date")) == [
        "This request is no longer open."
    ]


async def test_escalation_buttons_refuse_other_places(harness: Harness, db: AsyncSession) -> None:
    await escalated_with_animator(harness, db)
    other = await add_place(db, name="CAL Nadodrze", slug="cal", districts=())
    await make_animator(db, harness, OLGA, other)
    request_id = await db.scalar(select(HelpRequest.id))
    refusal = ["Sorry, this is only for the animators of that place."]
    assert alerts(await harness.press_data(OLGA, f"esc:close:{request_id}")) == refusal
    assert alerts(await harness.press_data(OLGA, f"esc:date:{request_id}")) == refusal
    calls = await harness.send(OLGA, "Closing it anyway")
    assert not [c for c in calls if getattr(c, "chat_id", None) == ZOFIA.id]
    assert (await db.scalar(select(HelpRequest.status))) == "open"
