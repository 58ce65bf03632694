"""The matcher's hard filters and score components, one rule at a time."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import District, HelpRequest, Offer
from bot.db.statuses import OfferStatus, RequestStatus
from bot.db.unit_of_work import unit_of_work
from bot.services.helping.matching import (
    NO_SHOW_PENALTY,
    W_DISTRICT,
    W_FREE_TEXT,
    W_RELATED,
    W_TALENT,
    open_requests_for,
    rank_volunteers,
)
from bot.services.helping.offers import (
    AcceptOutcome,
    EscalationReason,
    MatchingConfig,
    accept_offer,
    advance_matching,
    decline_offer,
    send_next_wave,
)
from bot.services.people import profiles
from bot.services.people.talents import AFTERNOON, MORNING, slot
from tests.harness import START
from tests.helpers import add_place, real_teller
from tests.volunteers import request, resident, volunteer

MONDAY = date(2026, 11, 30)  # START is Monday 23 November 2026, 11:00 in Warsaw
CONFIG = MatchingConfig(
    wave_size=2, offer_lifetime=timedelta(hours=1), max_waves=2, escalate_before=timedelta(hours=3)
)


@pytest.fixture
async def place(db: AsyncSession) -> tuple[int, int, int]:
    place_id = await add_place(db)
    districts = list(
        await db.scalars(
            select(District.id).where(District.place_id == place_id).order_by(District.name)
        )
    )
    return place_id, districts[0], districts[1]


async def ids(db: AsyncSession, req: HelpRequest) -> list[int]:
    return [c.user_id for c in await rank_volunteers(db, req, START, limit=10)]


async def test_hard_filters(db: AsyncSession, place: tuple[int, int, int]) -> None:
    place_id, marymont, sady = place
    zofia = await resident(db, 1, place_id, district=marymont)
    fits = await volunteer(db, 10, place_id)
    paused = await volunteer(db, 11, place_id)
    await profiles.pause(db, paused.id, None)
    await volunteer(db, 12, place_id, districts=(sady,))
    await volunteer(db, 13, place_id, slots=(slot(0, AFTERNOON),))
    english_only = await volunteer(db, 14, place_id)
    await profiles.choose_language(db, english_only.id, "pl", False)
    await profiles.choose_language(db, english_only.id, "en", True)
    req = await request(db, zofia, day=MONDAY, part=MORNING, district=marymont)
    assert await ids(db, req) == [fits.id]


async def test_the_requester_is_never_their_own_helper(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    place_id, marymont, _ = place
    helper = await volunteer(db, 10, place_id)
    req = await request(db, helper, district=marymont)
    assert await ids(db, req) == []


async def test_sensitive_requests_need_verified_volunteers(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    await volunteer(db, 10, place_id, talents=("companionship",))
    req = await request(db, zofia, category="companionship", district=marymont)
    assert req.sensitive
    assert await ids(db, req) == []
    trusted = await volunteer(db, 11, place_id, talents=("companionship",), verified=True)
    assert await ids(db, req) == [trusted.id]


async def test_weekly_cap(db: AsyncSession, place: tuple[int, int, int]) -> None:
    place_id, marymont, _ = place
    helper = await volunteer(db, 10, place_id, cap=1)
    zofia = await resident(db, 1, place_id)
    first = await request(db, zofia, district=marymont)
    outcome = await send_next_wave(db, first, START, CONFIG)
    assert (await accept_offer(db, outcome.offers[0].offer_id, helper.id, START))[
        0
    ] == AcceptOutcome.WON
    second = await request(db, zofia, district=marymont)
    assert await ids(db, second) == [], "one task this week is their limit"


async def test_declined_volunteers_are_not_asked_again(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    helper = await volunteer(db, 10, place_id)
    req = await request(db, zofia, district=marymont)
    outcome = await send_next_wave(db, req, START, CONFIG)
    await decline_offer(db, outcome.offers[0].offer_id, helper.id, START, CONFIG)
    assert await ids(db, req) == []


async def test_score_components(db: AsyncSession, place: tuple[int, int, int]) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    exact = await volunteer(db, 10, place_id, talents=("shopping",), home_district=marymont)
    related = await volunteer(db, 11, place_id, talents=("transport",))
    text = await volunteer(db, 12, place_id, talents=("arts",), other="apteka, leki, recepty")
    req = await request(
        db, zofia, description="Odebrać leki z apteki", district=marymont, day=MONDAY, part=MORNING
    )
    ranked = {c.user_id: c.parts for c in await rank_volunteers(db, req, START, limit=10)}
    assert ranked[exact.id].talent == W_TALENT
    assert ranked[exact.id].district == W_DISTRICT
    assert ranked[related.id].related == W_RELATED
    assert ranked[related.id].talent == 0
    assert ranked[text.id].free_text == W_FREE_TEXT
    assert ranked[exact.id].availability == 15.0
    assert list(ranked) == [exact.id, related.id, text.id], "best first"


async def test_availability_overlap_for_a_flexible_request(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    wide = await volunteer(db, 10, place_id)
    narrow = await volunteer(db, 11, place_id, slots=(0, 1, 2))
    req = await request(db, zofia, district=marymont)
    ranked = {c.user_id: c.parts for c in await rank_volunteers(db, req, START, limit=10)}
    assert ranked[wide.id].availability == 15.0
    assert ranked[narrow.id].availability == pytest.approx(15.0 * 3 / 21, abs=0.01)


async def test_fairness_prefers_those_asked_less(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    busy = await volunteer(db, 10, place_id, cap=5)
    fresh = await volunteer(db, 11, place_id, cap=5)
    for _ in range(2):
        req = await request(db, zofia, district=marymont)
        outcome = await send_next_wave(db, req, START, CONFIG)
        mine = next(o for o in outcome.offers if o.volunteer.telegram_id == 10)
        await accept_offer(db, mine.offer_id, busy.id, START)
        req.status = RequestStatus.CLOSED
        await db.commit()
    new = await request(db, zofia, district=marymont)
    ranked = await rank_volunteers(db, new, START, limit=10)
    assert [c.user_id for c in ranked] == [fresh.id, busy.id]
    assert ranked[1].parts.fairness == pytest.approx(10 / 3, abs=0.01)


async def test_no_show_lowers_rank_for_a_while_and_can_be_cleared(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    late = await volunteer(db, 10, place_id)
    profile = await db.get(profiles.VolunteerProfile, late.id)
    profile.no_show_until = START + timedelta(days=30)
    await db.commit()
    req = await request(db, zofia, district=marymont)
    [candidate] = await rank_volunteers(db, req, START, limit=10)
    assert candidate.parts.reliability == -NO_SHOW_PENALTY
    later = await rank_volunteers(db, req, START + timedelta(days=31), limit=10)
    assert later[0].parts.reliability == 0, "forgiven after a while"
    await profiles.clear_no_show(db, late.id)
    assert (await rank_volunteers(db, req, START, limit=10))[0].parts.reliability == 0


async def test_waves_then_escalation_once(db: AsyncSession, place: tuple[int, int, int]) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    for n in range(5):
        await volunteer(db, 10 + n, place_id)
    req = await request(db, zofia, district=marymont)
    first = await send_next_wave(db, req, START, CONFIG)
    assert len(first.offers) == 2
    nothing = await advance_matching(db, START + timedelta(minutes=30), CONFIG)
    assert nothing.offers == [], "the wave still has time"
    second = await advance_matching(db, START + timedelta(hours=1), CONFIG)
    assert len(second.offers) == 2
    assert {o.volunteer.telegram_id for o in second.offers}.isdisjoint(
        {o.volunteer.telegram_id for o in first.offers}
    )
    third = await advance_matching(db, START + timedelta(hours=2), CONFIG)
    assert third.offers == []
    assert len(third.escalations) == 1, "waves used up: the animators hear once"
    again = await advance_matching(db, START + timedelta(hours=3), CONFIG)
    assert again.escalations == []
    assert again.offers == []


async def test_nobody_fits_escalates_at_once(db: AsyncSession, place: tuple[int, int, int]) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    req = await request(db, zofia, district=marymont)
    outcome = await send_next_wave(db, req, START, CONFIG)
    assert outcome.offers == []
    assert [e.request_id for e in outcome.escalations] == [req.id]
    assert outcome.escalations[0].reason == EscalationReason.NOBODY


async def test_offers_go_only_to_fitting_talents_or_related_ones(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    """A volunteer who listed only pets is never asked to shop; a driver is (related)."""
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    await volunteer(db, 10, place_id, talents=("pets",))
    driver = await volunteer(db, 11, place_id, talents=("transport",))
    req = await request(db, zofia, district=marymont)
    outcome = await send_next_wave(db, req, START, CONFIG)
    assert [o.volunteer.telegram_id for o in outcome.offers] == [driver.telegram_id]


async def test_nobody_with_a_fitting_talent_escalates_early_and_says_so(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    await volunteer(db, 10, place_id, talents=("pets",))
    await volunteer(db, 11, place_id, talents=("gardening",))
    req = await request(db, zofia, district=marymont)
    outcome = await send_next_wave(db, req, START, CONFIG)
    assert outcome.offers == []
    assert [e.reason for e in outcome.escalations] == [EscalationReason.NO_TALENT]
    assert len(await rank_volunteers(db, req, START, limit=10)) == 2, "the animator sees both"


async def test_close_to_its_time_escalates(db: AsyncSession, place: tuple[int, int, int]) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    await volunteer(db, 10, place_id)
    req = await request(db, zofia, district=marymont, day=date(2026, 11, 23), part=AFTERNOON)
    outcome = await send_next_wave(db, req, START, CONFIG)
    assert outcome.escalations, "12:00 today is one hour away: too close for waves"


async def test_forged_and_late_accepts(db: AsyncSession, place: tuple[int, int, int]) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    a = await volunteer(db, 10, place_id)
    b = await volunteer(db, 11, place_id)
    req = await request(db, zofia, district=marymont)
    offers = {
        o.volunteer.telegram_id: o.offer_id
        for o in (await send_next_wave(db, req, START, CONFIG)).offers
    }
    assert (await accept_offer(db, offers[10], b.id, START))[0] == AcceptOutcome.NOT_YOURS
    await advance_matching(db, START + timedelta(hours=1, minutes=1), CONFIG)
    outcome, won = await accept_offer(db, offers[10], a.id, START + timedelta(hours=2))
    assert outcome == AcceptOutcome.WON, "expired, but the request was still open"
    assert won.volunteer_id == a.id
    assert (await accept_offer(db, offers[11], b.id, START))[0] == AcceptOutcome.TOO_LATE
    taken = await db.scalar(select(Offer.status).where(Offer.id == offers[11]))
    assert taken == OfferStatus.EXPIRED, "it ran out before the request was taken, and says so"


async def test_hundred_concurrent_accepts_one_winner(
    session_factory: async_sessionmaker[AsyncSession], place: tuple[int, int, int], db: AsyncSession
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    helpers = [await volunteer(db, 100 + n, place_id, slots=(0,)) for n in range(100)]
    req = await request(db, zofia, district=marymont)
    for helper in helpers:
        db.add(
            Offer(
                request_id=req.id,
                volunteer_id=helper.id,
                wave=1,
                status=OfferStatus.PENDING,
                sent_at=START,
                expires_at=START + timedelta(hours=1),
            )
        )
    await db.commit()
    offer_ids = {v: o for v, o in (await db.execute(select(Offer.volunteer_id, Offer.id))).all()}

    async def press(volunteer_id: int) -> AcceptOutcome:
        async with unit_of_work(session_factory, real_teller()) as session:
            outcome, _ = await accept_offer(session, offer_ids[volunteer_id], volunteer_id, START)
            return outcome

    results = await asyncio.gather(*(press(h.id) for h in helpers))
    assert results.count(AcceptOutcome.WON) == 1
    assert results.count(AcceptOutcome.TOO_LATE) == 99
    request_id = req.id
    db.expire_all()
    accepted = await db.scalar(
        select(func.count(Offer.id)).where(Offer.status == OfferStatus.ACCEPTED)
    )
    assert accepted == 1
    final = await db.get(HelpRequest, request_id)
    assert final.status == RequestStatus.MATCHED


async def test_reverse_matching_shows_up_to_three_fitting_requests(
    db: AsyncSession, place: tuple[int, int, int]
) -> None:
    place_id, marymont, _ = place
    zofia = await resident(db, 1, place_id)
    for n in range(4):
        await request(db, await resident(db, 50 + n, place_id), district=marymont)
    await request(db, zofia, category="childcare", district=marymont)
    helper = await volunteer(db, 10, place_id, talents=("shopping",))
    found = await open_requests_for(db, helper, START)
    assert len(found) == 3
    assert all(r.category == "shopping" for r in found)
