"""Certificates of volunteering: the volunteer gets a PDF with real text (read back here)
and a QR code (decoded here) that opens the check; the check shows only what the paper
states; animators revoke their centre's certificates and a check then says so."""

from __future__ import annotations

import io
from datetime import timedelta

import zxingcpp
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Certificate, Place, User
from bot.db.statuses import RequestStatus
from tests.fakes.session import BOT_USERNAME
from tests.harness import START, Harness, Person, alerts, inline_labels, joined
from tests.helpers import add_place, stored
from tests.test_help_flow import MAREK, english_volunteer, sign_up
from tests.test_panel import EWA, OLGA, make_animator
from tests.volunteers import request, resident

IRYNA = Person(id=500_001, first_name="Ірина", language_code="uk")
STRANGER = Person(id=500_002, first_name="Jan", language_code="pl")


async def finished_task(
    db: AsyncSession, volunteer: User, place_id: int, *, category: str, hours: float, days_ago: int
) -> None:
    """A task the volunteer finished (arranged directly: the flow has its own tests)."""
    zofia = await db.scalar(select(User).where(User.telegram_id == 9_999))
    if zofia is None:
        zofia = await resident(db, 9_999, place_id)
    task = await request(db, zofia, category=category)
    task.place_id = place_id
    task.volunteer_id = volunteer.id
    task.status = RequestStatus.CLOSED
    task.hours = hours
    task.done_at = START - timedelta(days=days_ago)
    await db.commit()


def pdf_of(calls: list) -> tuple[str, list[str]]:
    """The text of the sent PDF and the links in its QR codes."""
    document = next(c for c in calls if type(c).__name__ == "SendDocument")
    assert document.document.filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(document.document.data))
    [page] = reader.pages
    links = [code.text for picture in page.images for code in zxingcpp.read_barcodes(picture.image)]
    return " ".join(page.extract_text().split()), links


async def test_a_volunteer_gets_a_certificate_anyone_can_check(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    place = await db.get(Place, place_id)
    place.organisation = "Stowarzyszenie Sąsiedzkie Żoliborz"
    await db.commit()
    volunteer = await english_volunteer(db, MAREK, place_id)
    await finished_task(db, volunteer, place_id, category="shopping", hours=2, days_ago=40)
    await finished_task(db, volunteer, place_id, category="shopping", hours=1.5, days_ago=38)
    await finished_task(db, volunteer, place_id, category="companionship", hours=3, days_ago=5)
    await finished_task(db, volunteer, place_id, category="transport", hours=4, days_ago=400)

    calls = await harness.send(MAREK, "/tasks")
    assert "📄 Certificate" in inline_labels(calls)
    calls = await harness.press(MAREK, "📄 Certificate")
    assert inline_labels(calls) == ["This year", "Last year", "All my volunteering"]
    calls = await harness.press(MAREK, "This year")
    text, links = pdf_of(calls)
    assert "Certificate of volunteering" in text
    assert "Stowarzyszenie Sąsiedzkie Żoliborz" in text
    assert "Marek volunteered with MAL Żoliborz from 1 January 2026 to 23 November 2026" in text
    assert "October 2026 3.5" in text
    assert "November 2026 3" in text
    assert "Hours in total: 6.5" in text, "last year's task is not counted"
    assert "Kinds of help: Shopping & errands, Company for seniors" in text
    assert "art. 44" in text
    [link] = links
    assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=cert-")
    code = link.removeprefix(f"https://t.me/{BOT_USERNAME}?start=cert-")
    assert len(code) >= 22, "at least 128 bits, url-safe"
    assert "Your certificate for MAL Żoliborz: 6.5 h." in joined(calls)
    assert "Krasińskiego" not in text, "no resident's address"

    calls = await harness.send(STRANGER, f"/start cert-{code}")
    answer = joined(calls)
    assert answer.startswith("✅ To zaświadczenie jest prawdziwe.")
    assert "Marek" in answer
    assert "6,5" in answer
    assert "MAL Żoliborz" in answer
    assert "Krasińskiego" not in answer

    calls = await harness.send(STRANGER, "/start cert-not-a-real-code")
    assert "Nie znam tego zaświadczenia" in joined(calls)


async def test_polish_and_ukrainian_letters_are_real_text(
    harness: Harness, db: AsyncSession
) -> None:
    place_id = await add_place(db)
    await sign_up(harness, IRYNA, "I want to help")
    iryna = await stored(db, IRYNA)
    iryna.language = "uk"
    await db.commit()
    await finished_task(db, iryna, place_id, category="shopping", hours=2, days_ago=3)
    calls = await harness.send(IRYNA, "/certificate")
    calls = await harness.press(IRYNA, inline_labels(calls)[0])
    text, links = pdf_of(calls)
    assert "Довідка" in text
    assert "Ірина" in text
    assert "MAL Żoliborz" in text
    assert len(links) == 1


async def test_nothing_to_certify_is_said_plainly(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await english_volunteer(db, MAREK, place_id)
    await harness.send(MAREK, "/certificate")
    calls = await harness.press(MAREK, "Last year")
    assert alerts(calls) == [
        "You have no finished tasks in this period yet, so there is nothing to certify."
    ]
    assert await db.scalar(select(Certificate)) is None


async def test_the_centre_revokes_and_the_check_says_so(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    other = await add_place(db, name="CAL Nadodrze", slug="cal", districts=())
    await make_animator(db, harness, EWA, place_id)
    await make_animator(db, harness, OLGA, other)
    volunteer = await english_volunteer(db, MAREK, place_id)
    await finished_task(db, volunteer, place_id, category="shopping", hours=2, days_ago=3)
    await harness.send(MAREK, "/certificate")
    first = pdf_of(await harness.press(MAREK, "This year"))[1]
    again = pdf_of(await harness.press(MAREK, "This year"))[1]
    assert again == first, "a double tap gives the same paper and code"
    assert await db.scalar(select(func.count(Certificate.id))) == 1
    certificate = await db.scalar(select(Certificate))

    calls = await harness.press_data(OLGA, f"certrevoke:{certificate.id}")
    assert alerts(calls) == ["This button is no longer active."], "not her centre"
    calls = await harness.send(OLGA, "📄 Certificates issued")
    assert "No certificates have been issued" in joined(calls)

    calls = await harness.send(EWA, "📄 Certificates issued")
    assert "Marek · 2 h" in joined(calls)
    calls = await harness.press(EWA, "⛔ Revoke")
    assert alerts(calls) == ["Revoked: a check now says it is not valid."]
    calls = await harness.send(STRANGER, f"/start cert-{certificate.code}")
    assert joined(calls).startswith("⛔ To zaświadczenie zostało unieważnione")
    await db.refresh(certificate)
    assert certificate.revoked_at is not None
    renewed = pdf_of(await harness.press(MAREK, "This year"))[1]
    assert renewed != first, "after a revocation, a new certificate with a new code"


async def test_a_volunteer_of_two_centres_chooses_one(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    other = await add_place(db, name="CAL Nadodrze", slug="cal", districts=())
    volunteer = await english_volunteer(db, MAREK, place_id)
    await finished_task(db, volunteer, place_id, category="shopping", hours=2, days_ago=3)
    await finished_task(db, volunteer, other, category="shopping", hours=1.5, days_ago=4)
    await harness.send(MAREK, "/certificate")
    calls = await harness.press(MAREK, "This year")
    assert inline_labels(calls) == ["CAL Nadodrze", "MAL Żoliborz"]
    calls = await harness.press(MAREK, "CAL Nadodrze")
    text, _links = pdf_of(calls)
    assert "Marek volunteered with CAL Nadodrze" in text
    assert "Hours in total: 1.5" in text, "only the chosen centre's hours"
