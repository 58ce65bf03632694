"""Matching in a simulated neighbourhood, against the strategies others use (#20).

    .venv/bin/python bench/simulate.py              # seed 7, 4 weeks, 2,000 volunteers
    .venv/bin/python bench/simulate.py --seed 3 --days 14 --no-grid

A seeded city (3 centres, 12 districts, 2,000 volunteers with talents, weekly slots,
districts, weekly caps; 12 % verified) receives four weeks of requests by time of day
and category (a third of them sensitive). Every strategy runs the same workload on its
own fresh SQLite database with the injected clock, driving the real services: requests
are stored by `submit_request`, acceptance is always `accept_offer` (the conditional
UPDATE that lets one volunteer win), hand-backs are `hand_back`, escalation is
`escalate`. Ours (d, e) is the real matcher end to end: `send_next_wave`,
`advance_matching` every tick, `decline_offer`, `hand_back` re-matching. The baselines
choose whom to ask themselves (a small policy each) and reuse the rest:

    a broadcast   every volunteer of the district at once (a group chat)
    b one-by-one  one volunteer at a time, in random order, each for the offer lifetime
    c waves       fixed waves of the same size and lifetime as ours, random order
    d ours        today's settings (5 per wave, 1 h, 3 waves; 3 × 2 h until the
                  simulation showed 5 × 1 h better, see docs/matching.md)
    e ours tuned  the best wave size and lifetime of a small grid, run on the same city

Each simulated volunteer answers an offer after a delay (overnight offers wait for the
morning) and with a probability from their own reliability, the fit of the request to
their talents and free time, and fatigue (offers they had in the last seven days); a
share of accepted tasks fall through later (a late "can't"), and are matched again.

The last line: `SUMMARY matched=… t50_min=… offers_per_match=… gini=… broadcast_matched=…
broadcast_t50_min=… broadcast_offers_per_match=… broadcast_gini=…` (shares as fractions).
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import itertools
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.engine import make_engine, make_session_factory
from bot.db.migrations import upgrade
from bot.db.models import (
    District,
    HelpRequest,
    Offer,
    Place,
    User,
    VolunteerDistrict,
    VolunteerLanguage,
    VolunteerProfile,
    VolunteerSlot,
    VolunteerTalent,
)
from bot.db.statuses import OfferStatus, RequestStatus
from bot.db.unit_of_work import unit_of_work
from bot.services.helping.offers import (
    AcceptOutcome,
    MatchingConfig,
    MatchingOutcome,
    OfferSent,
    Recipient,
    accept_offer,
    advance_matching,
    decline_offer,
    escalate,
    send_next_wave,
    start_in,
    starts_at,
)
from bot.services.helping.requests import RequestNotFound, submit_request
from bot.services.helping.tasks import hand_back
from bot.services.helping.turning_up import (
    ConfirmConfig,
    ask_standbys,
    confirm_coming,
    due_questions,
)
from bot.services.messaging.quiet import NIGHTS
from bot.services.people.talents import PART_STARTS, PARTS, RELATED, SENSITIVE, TALENTS, slot
from bot.services.plain import Need, RequestDraft

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # a Monday
ZONE = ZoneInfo("Europe/Warsaw")
PLACES, DISTRICTS_PER_PLACE, RESIDENTS = 3, 4, 600
TICK = timedelta(minutes=10)
REQUESTS_PER_DAY = 24
FALL_THROUGH = 0.08
# Of those who cannot come after all, how many say so unasked; the others would just
# not turn up, unless asked "are you still coming?" (and then most say no).
TELLS_UNASKED, SAYS_NO_WHEN_ASKED, SAYS_YES_WHEN_ASKED = 0.5, 0.7, 0.85
CONFIRM = ConfirmConfig()
DEFAULT = MatchingConfig()
# How often each kind of help is asked for, and how many volunteers offer it.
ASKED = dict(zip(TALENTS, (30, 8, 10, 6, 8, 7, 3, 4, 3, 6, 8, 4, 3, 8), strict=True))
OFFERED = dict(zip(TALENTS, (30, 8, 14, 10, 12, 8, 6, 6, 6, 6, 12, 10, 8, 10), strict=True))
# Requests by local hour of the day: mornings are busiest.
HOURS = dict(zip(range(7, 22), (2, 6, 9, 9, 8, 6, 5, 5, 6, 6, 5, 4, 3, 2, 1), strict=True))


@dataclass
class Volunteer:
    user_id: int
    talents: frozenset[str]
    slots: frozenset[int]
    districts: frozenset[int]
    verified: bool
    reliability: float
    speed_minutes: float
    offers: deque[datetime] = field(default_factory=deque)

    def offers_this_week(self, now: datetime) -> int:
        while self.offers and self.offers[0] <= now - timedelta(days=7):
            self.offers.popleft()
        return len(self.offers)


@dataclass(frozen=True)
class Arrival:
    at: datetime
    resident: int
    district_id: int
    draft: RequestDraft


@dataclass(frozen=True)
class City:
    volunteers: dict[int, Volunteer]
    residents: list[int]
    arrivals: list[Arrival]
    rows: dict[type, list[dict[str, object]]]


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    chosen: set[str] = set()
    while len(chosen) < k:
        chosen.add(rng.choices(list(weights), list(weights.values()))[0])
    return sorted(chosen)


def build_city(seed: int, volunteers: int, days: int) -> City:
    """The same city and the same four weeks of requests for every strategy."""
    rng = random.Random(seed)
    rows: dict[type, list[dict[str, object]]] = defaultdict(list)
    for p in range(PLACES):
        rows[Place].append(
            {"id": p + 1, "slug": f"p{p}", "name": f"Centre {p}", "timezone": ZONE.key}
            | {"created_at": START}
        )
        for d in range(DISTRICTS_PER_PLACE):
            rows[District].append(
                {"id": p * DISTRICTS_PER_PLACE + d + 1, "place_id": p + 1, "name": f"D{p}{d}"}
            )
    people: dict[int, Volunteer] = {}
    for n in range(volunteers + RESIDENTS):
        uid, place = n + 1, rng.randrange(PLACES)
        home = place * DISTRICTS_PER_PLACE + rng.randrange(DISTRICTS_PER_PLACE) + 1
        rows[User].append(
            {"id": uid, "telegram_id": 10**9 + uid, "first_name": "N", "language": "pl"}
            | {"consent_at": START, "place_id": place + 1, "district_id": home}
            | {"created_at": START}
        )
        if n >= volunteers:
            continue
        talents = _weighted(rng, OFFERED, rng.choice((1, 1, 2, 2, 3)))
        slots = rng.sample(range(21), rng.randint(3, 12))
        served = {home}
        if rng.random() < 0.5:
            served.add(place * DISTRICTS_PER_PLACE + rng.randrange(DISTRICTS_PER_PLACE) + 1)
        verified = rng.random() < 0.12
        rows[VolunteerProfile].append(
            {"user_id": uid, "max_tasks_per_week": rng.choice((1, 2, 2, 3, 5))}
            | {"completed_at": START, "paused": False, "no_shows": 0, "created_at": START}
            | {"verified_at": START if verified else None}
        )
        rows[VolunteerTalent] += [{"user_id": uid, "code": c} for c in talents]
        rows[VolunteerSlot] += [{"user_id": uid, "slot": s} for s in slots]
        rows[VolunteerDistrict] += [{"user_id": uid, "district_id": d} for d in served]
        rows[VolunteerLanguage].append({"user_id": uid, "language": "pl"})
        people[uid] = Volunteer(
            uid,
            frozenset(talents),
            frozenset(slots),
            frozenset(served),
            verified,
            reliability=rng.betavariate(3, 2.5),
            speed_minutes=rng.lognormvariate(math.log(25), 0.8),
        )
    residents = list(range(volunteers + 1, volunteers + RESIDENTS + 1))
    return City(people, residents, _arrivals(rng, residents, rows[User], days), rows)


def _arrivals(
    rng: random.Random, residents: list[int], users: list[dict[str, object]], days: int
) -> list[Arrival]:
    home = {int(u["id"]): int(u["district_id"]) for u in users}  # type: ignore[call-overload]
    arrivals = []
    for day in range(days):
        local_day = (START + timedelta(days=day)).astimezone(ZONE).date()
        rate = REQUESTS_PER_DAY * (0.6 if local_day.weekday() >= 5 else 1.0)
        for _ in range(_poisson(rng, rate)):
            hour = rng.choices(list(HOURS), list(HOURS.values()))[0]
            at = datetime.combine(local_day, datetime.min.time(), tzinfo=ZONE) + timedelta(
                hours=hour, minutes=rng.randrange(60)
            )
            category = rng.choices(list(ASKED), list(ASKED.values()))[0]
            dated = rng.random() < 0.65
            when = local_day + timedelta(days=rng.randint(1, 4)) if dated else None
            part = rng.choice(PARTS) if dated or rng.random() < 0.3 else None
            resident = rng.choice(residents)
            district = home[resident]
            draft = RequestDraft(category, "Pomoc sąsiedzka", when, part, district, None)
            arrivals.append(Arrival(at.astimezone(UTC), resident, district, draft))
    return sorted(arrivals, key=lambda a: a.at)


def _poisson(rng: random.Random, rate: float) -> int:
    count, threshold, product = 0, math.exp(-rate), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


async def nobody_listens(_session: AsyncSession, _happened: Sequence[object]) -> None:
    """The units of work's teller: the simulation counts offers, not words."""


@dataclass
class Ticked:
    """What a tick sent: offers, and (ours) "are you still coming?" questions."""

    outcome: MatchingOutcome
    # (request, volunteer, when the question goes out)
    questions: list[tuple[int, int, datetime]] = field(default_factory=list)


class Strategy(Protocol):
    name: str

    async def first(
        self, session: AsyncSession, request: HelpRequest, now: datetime
    ) -> MatchingOutcome: ...
    async def tick(self, session: AsyncSession, now: datetime) -> Ticked: ...
    async def coming(
        self, session: AsyncSession, request_id: int, volunteer_id: int, now: datetime
    ) -> bool: ...
    async def declined(
        self, session: AsyncSession, offer_id: int, volunteer_id: int, now: datetime
    ) -> MatchingOutcome: ...
    async def fell_through(
        self, session: AsyncSession, request_id: int, volunteer_id: int, now: datetime
    ) -> MatchingOutcome: ...


@dataclass
class Ours:
    """The real matcher end to end."""

    name: str
    config: MatchingConfig = DEFAULT

    async def first(
        self, session: AsyncSession, request: HelpRequest, now: datetime
    ) -> MatchingOutcome:
        return await send_next_wave(session, request, now, self.config)

    async def tick(self, session: AsyncSession, now: datetime) -> Ticked:
        """The matching job and the confirm-or-release part of the reminder job."""
        outcome = await advance_matching(session, now, self.config)
        questions = await due_questions(session, now, CONFIRM)
        outcome.extend(await ask_standbys(session, now, CONFIRM, self.config))
        asked = [(q.request.id, q.volunteer.id, q.asked_at) for q in questions]
        return Ticked(outcome, asked)

    async def coming(
        self, session: AsyncSession, request_id: int, volunteer_id: int, now: datetime
    ) -> bool:
        return await confirm_coming(session, request_id, volunteer_id, now)

    async def declined(
        self, session: AsyncSession, offer_id: int, volunteer_id: int, now: datetime
    ) -> MatchingOutcome:
        return await decline_offer(session, offer_id, volunteer_id, now, self.config)

    async def fell_through(
        self, session: AsyncSession, request_id: int, volunteer_id: int, now: datetime
    ) -> MatchingOutcome:
        return await hand_back(session, request_id, volunteer_id, now, self.config)


@dataclass
class Baseline:
    """Whom to ask is the policy's (`batch` per round, `rounds` at most, in random order or
    all at once); storing offers, acceptance and escalation are the real ones."""

    name: str
    city: City
    batch: int | None  # None: everybody in the district at once
    rounds: int
    lifetime: timedelta
    rng: random.Random

    async def first(
        self, session: AsyncSession, request: HelpRequest, now: datetime
    ) -> MatchingOutcome:
        return await self._round(session, request, now)

    async def tick(self, session: AsyncSession, now: datetime) -> Ticked:
        await session.execute(
            update(Offer)
            .where(Offer.status == OfferStatus.PENDING, Offer.expires_at <= now)
            .values(status=OfferStatus.EXPIRED)
        )
        waiting = list(
            await session.scalars(
                select(HelpRequest).where(
                    HelpRequest.status == RequestStatus.OPEN, HelpRequest.escalated_at.is_(None)
                )
            )
        )
        pending = set(
            await session.scalars(
                select(Offer.request_id).where(Offer.status == OfferStatus.PENDING)
            )
        )
        outcome = MatchingOutcome()
        for request in waiting:
            if request.id not in pending:
                outcome.extend(await self._round(session, request, now))
        return Ticked(outcome)

    async def coming(
        self, session: AsyncSession, request_id: int, volunteer_id: int, now: datetime
    ) -> bool:
        return False  # nobody asks

    async def declined(
        self, session: AsyncSession, offer_id: int, volunteer_id: int, now: datetime
    ) -> MatchingOutcome:
        await session.execute(
            update(Offer)
            .where(
                Offer.id == offer_id, Offer.status.in_((OfferStatus.PENDING, OfferStatus.EXPIRED))
            )
            .values(status=OfferStatus.DECLINED, answered_at=now)
        )
        return MatchingOutcome()  # the next round waits for the tick

    async def fell_through(
        self, session: AsyncSession, request_id: int, volunteer_id: int, now: datetime
    ) -> MatchingOutcome:
        await session.execute(
            update(Offer)
            .where(Offer.request_id == request_id, Offer.volunteer_id == volunteer_id)
            .values(status=OfferStatus.HANDED_BACK)
        )
        request = await session.get(HelpRequest, request_id, populate_existing=True)
        if request is None or request.status != RequestStatus.MATCHED:
            return MatchingOutcome()
        if request.volunteer_id != volunteer_id:
            return MatchingOutcome()
        request.status, request.volunteer_id, request.accepted_at = RequestStatus.OPEN, None, None
        request.wave, request.escalated_at = 0, None
        await session.flush()
        return await self._round(session, request, now)

    async def _round(
        self, session: AsyncSession, request: HelpRequest, now: datetime
    ) -> MatchingOutcome:
        due = await starts_at(session, Need.of(request))
        if request.wave >= self.rounds or (
            due is not None and due - now <= DEFAULT.escalate_before
        ):
            return await escalate(session, request, now, NIGHTS)
        if self.batch is not None and NIGHTS.release_at(now, ZONE.key, due) > now:
            return MatchingOutcome()  # fixed waves keep the night quiet like ours
        asked = set(
            await session.scalars(select(Offer.volunteer_id).where(Offer.request_id == request.id))
        )
        pool = [
            v.user_id
            for v in self.city.volunteers.values()
            if request.district_id in v.districts
            and v.user_id not in asked
            and (v.verified or not request.sensitive)
        ]
        if not pool:
            return await escalate(session, request, now, NIGHTS)
        chosen = pool if self.batch is None else self.rng.sample(pool, min(self.batch, len(pool)))
        request.wave += 1
        inserted = await session.execute(
            insert(Offer).returning(Offer.volunteer_id, Offer.id),
            [
                {"request_id": request.id, "volunteer_id": v, "wave": request.wave}
                | {"status": OfferStatus.PENDING, "sent_at": now}
                | {"expires_at": now + self.lifetime}
                for v in chosen
            ],
        )
        await session.flush()
        return MatchingOutcome(
            offers=[
                OfferSent(offer, request.id, Recipient(10**9 + v, "pl")) for v, offer in inserted
            ]
        )


@dataclass
class Tally:
    offers: int = 0
    offers_by: Counter[int] = field(default_factory=Counter)
    fell_through: int = 0
    # Requests whose volunteer could not come after all, and (request, volunteer) pairs
    # where the volunteer said nothing and would not turn up.
    fell: set[int] = field(default_factory=set)
    ghosts: set[tuple[int, int]] = field(default_factory=set)


class Run:
    """One strategy over the whole workload: an event queue on the simulated clock."""

    def __init__(
        self,
        city: City,
        strategy: Strategy,
        factory: async_sessionmaker[AsyncSession],
        seed: int,
        days: int,
        shapes: dict[int, RequestShape],
    ) -> None:
        self.city, self.strategy, self.factory = city, strategy, factory
        self.requests = shapes
        self.rng = random.Random(seed * 7919 + 1)
        self.end = START + timedelta(days=days)
        self.queue: list[tuple[datetime, int, Callable[[datetime], Awaitable[None]]]] = []
        self.order = itertools.count()
        self.open: set[int] = set()
        self.tally = Tally()
        self.request_of_offer: dict[int, int] = {}

    def at(self, moment: datetime, step: Callable[[datetime], Awaitable[None]]) -> None:
        heapq.heappush(self.queue, (moment, next(self.order), step))

    async def run(self) -> None:
        for arrival in self.city.arrivals:
            self.at(arrival.at, self._arrive(arrival))
        moment = START
        while moment < self.end + timedelta(days=2):
            self.at(moment, self._tick)
            moment += TICK
        while self.queue:
            moment, _, step = heapq.heappop(self.queue)
            await step(moment)

    def _arrive(self, arrival: Arrival) -> Callable[[datetime], Awaitable[None]]:
        async def step(now: datetime) -> None:
            async with unit_of_work(self.factory, nobody_listens) as session:
                resident = await session.get(User, arrival.resident)
                assert resident is not None
                request = await submit_request(
                    session, resident, arrival.draft, now=now, max_open=99
                )
                self.open.add(request.id)
                outcome = await self.strategy.first(session, request, now)
            self._offers(outcome, now)

        return step

    async def _tick(self, now: datetime) -> None:
        async with unit_of_work(self.factory, nobody_listens) as session:
            ticked = await self.strategy.tick(session, now)
        self._offers(ticked.outcome, now)
        for request_id, volunteer_id, asked_at in ticked.questions:
            self._asked(request_id, volunteer_id, asked_at)

    def _asked(self, request_id: int, volunteer_id: int, asked_at: datetime) -> None:
        """ "Are you still coming?": most who cannot come say so now, most who can say
        yes; the rest say nothing, and standbys are asked."""
        ghost = (request_id, volunteer_id) in self.tally.ghosts
        roll = self.rng.random()
        if ghost and roll < SAYS_NO_WHEN_ASKED:
            yes = False
        elif not ghost and roll < SAYS_YES_WHEN_ASKED:
            yes = True
        else:
            return
        volunteer = self.city.volunteers[volunteer_id]
        when = NIGHTS.next_allowed(asked_at, ZONE.key) + self._delay(volunteer)

        async def step(now: datetime) -> None:
            if not yes:
                self.tally.ghosts.discard((request_id, volunteer_id))
                await self._hand_back(request_id, volunteer_id, now)
                return
            async with unit_of_work(self.factory, nobody_listens) as session:
                coming = await self.strategy.coming(session, request_id, volunteer_id, now)
            if coming:
                self.open.discard(request_id)

        self.at(when, step)

    def _delay(self, volunteer: Volunteer) -> timedelta:
        return timedelta(minutes=volunteer.speed_minutes * self.rng.lognormvariate(0, 0.6))

    def _offers(self, outcome: MatchingOutcome, now: datetime) -> None:
        """Each offer reaches a simulated volunteer, who may answer later."""
        for sent in outcome.offers:
            volunteer = self.city.volunteers[sent.volunteer.telegram_id - 10**9]
            self.tally.offers += 1
            self.tally.offers_by[volunteer.user_id] += 1
            self.request_of_offer[sent.offer_id] = sent.request_id
            self.open.add(sent.request_id)  # offered: someone may take it (or step in)
            answer = self._answer(volunteer, sent, now)
            if answer is not None:
                when, accepts = answer
                self.at(when, self._respond(sent.offer_id, volunteer.user_id, accepts))
            volunteer.offers.append(now)

    def _answer(
        self, volunteer: Volunteer, sent: OfferSent, now: datetime
    ) -> tuple[datetime, bool] | None:
        request = self.requests[sent.request_id]
        fit = (
            1.0
            if request.category in volunteer.talents
            else (0.6 if volunteer.talents & RELATED.get(request.category, frozenset()) else 0.2)
        )
        fits_time = request.slots is None or bool(volunteer.slots & request.slots)
        fatigue = 1 / (1 + 0.15 * max(0, volunteer.offers_this_week(now) - 3))
        accept = volunteer.reliability * fit * (1.0 if fits_time else 0.3) * fatigue * 0.8
        roll = self.rng.random()
        if roll >= accept + 0.3 * (1 - accept):
            return None  # never answers
        return NIGHTS.next_allowed(now, ZONE.key) + self._delay(volunteer), roll < accept

    def _respond(
        self, offer_id: int, volunteer_id: int, accepts: bool
    ) -> Callable[[datetime], Awaitable[None]]:
        async def step(now: datetime) -> None:
            request_id = self.request_of_offer[offer_id]
            if request_id not in self.open:
                return  # taken or escalated meanwhile: the answer changes nothing
            async with unit_of_work(self.factory, nobody_listens) as session:
                if accepts:
                    won, _ = await accept_offer(session, offer_id, volunteer_id, now)
                    outcome = MatchingOutcome()
                else:
                    won = None
                    outcome = await self.strategy.declined(session, offer_id, volunteer_id, now)
            self._offers(outcome, now)
            if won == AcceptOutcome.WON:
                self.open.discard(request_id)
                self._maybe_fall_through(request_id, volunteer_id, now)

        return step

    def _maybe_fall_through(self, request_id: int, volunteer_id: int, now: datetime) -> None:
        """A share of volunteers cannot come after all: half of them say so unasked at
        some moment before the task, the others would simply not turn up."""
        if self.rng.random() >= FALL_THROUGH:
            return
        self.tally.fell_through += 1
        self.tally.fell.add(request_id)
        due = self.requests[request_id].due
        latest = due - timedelta(hours=3) if due is not None else now + timedelta(days=2)
        if latest <= now or self.rng.random() >= TELLS_UNASKED:
            self.tally.ghosts.add((request_id, volunteer_id))
            return
        when = now + (latest - now) * self.rng.random()

        async def step(moment: datetime) -> None:
            await self._hand_back(request_id, volunteer_id, moment)

        self.at(when, step)

    async def _hand_back(self, request_id: int, volunteer_id: int, now: datetime) -> None:
        try:
            async with unit_of_work(self.factory, nobody_listens) as session:
                outcome = await self.strategy.fell_through(session, request_id, volunteer_id, now)
        except RequestNotFound:
            return  # a standby has stepped in meanwhile
        self.open.add(request_id)
        self._offers(outcome, now)


@dataclass(frozen=True)
class RequestShape:
    """What a simulated volunteer knows of a request when deciding."""

    category: str
    slots: frozenset[int] | None
    due: datetime | None


def _shapes(city: City) -> dict[int, RequestShape]:
    """Requests get ids in arrival order on every fresh database."""
    shapes = {}
    for number, arrival in enumerate(city.arrivals, start=1):
        draft = arrival.draft
        if draft.day is None:
            slots = None if draft.part is None else frozenset(slot(d, draft.part) for d in range(7))
            due = None
        else:
            parts = PARTS if draft.part is None else (draft.part,)
            slots = frozenset(slot(draft.day.weekday(), p) for p in parts)
            start = PART_STARTS[draft.part if draft.part is not None else 0]
            due = datetime.combine(draft.day, start, tzinfo=ZONE).astimezone(UTC)
        shapes[number] = RequestShape(draft.category, slots, due)
    return shapes


def gini(values: list[int]) -> float:
    ordered = sorted(values)
    total = sum(ordered)
    if not ordered or total == 0:
        return 0.0
    weighted = sum((i + 1) * v for i, v in enumerate(ordered))
    n = len(ordered)
    return (2 * weighted) / (n * total) - (n + 1) / n


# How soon a request is due when it is asked (#35); URGENT is both classes within 24 h.
URGENCY = (("within 6 h", timedelta(hours=6)), ("within 24 h", timedelta(hours=24)))
LATER = "later"
URGENT = "urgent"


@dataclass(frozen=True)
class Urgency:
    requests: int
    matched: float
    t50_min: float | None


def urgency_of(request: HelpRequest) -> str:
    """The class of a request by the time left until it is due (any day: later)."""
    if request.day is None:
        return LATER
    left = start_in(request.day, request.part, ZONE.key) - request.created_at
    return next((name for name, within in URGENCY if left <= within), LATER)


def busiest_share(tasks: list[int], share: float = 0.1) -> float:
    """The share of all tasks taken by the busiest tenth of these volunteers."""
    ordered = sorted(tasks, reverse=True)
    total = sum(ordered)
    if total == 0:
        return 0.0
    return sum(ordered[: max(1, round(len(ordered) * share))]) / total


@dataclass(frozen=True)
class Figures:
    name: str
    requests: int
    matched: float
    t50_min: float
    t90_min: float
    escalated: float
    offers_per_match: float
    offers_week_mean: float
    offers_week_p95: float
    gini: float
    fell_through: int
    refilled: int
    seconds: float
    by_urgency: dict[str, Urgency] = field(default_factory=dict)
    offered_gini: float = 0.0  # among volunteers offered anything
    busiest_share: float = 0.0  # of tasks, taken by the busiest tenth of those


async def _seed(engine: AsyncEngine, city: City) -> None:
    async with engine.begin() as connection:
        for model in (Place, District, User, VolunteerProfile, VolunteerTalent, VolunteerSlot):
            await connection.execute(insert(model), city.rows[model])
        for model in (VolunteerDistrict, VolunteerLanguage):
            await connection.execute(insert(model), city.rows[model])


async def simulate(
    city: City, make: Callable[[], Strategy], seed: int, days: int, folder: Path
) -> Figures:
    strategy = make()
    for volunteer in city.volunteers.values():
        volunteer.offers.clear()
    engine = make_engine(f"sqlite+aiosqlite:///{folder / (strategy.name + '.db')}")
    try:
        await upgrade(engine)
        await _seed(engine, city)
        run = Run(city, strategy, make_session_factory(engine), seed, days, _shapes(city))
        started = time.perf_counter()
        await run.run()
        elapsed = time.perf_counter() - started
        async with make_session_factory(engine)() as session:
            requests = list(await session.scalars(select(HelpRequest)))
            accepted = await session.execute(
                select(Offer.request_id, Offer.answered_at).where(
                    Offer.status.in_((OfferStatus.ACCEPTED, OfferStatus.HANDED_BACK)),
                    Offer.answered_at.is_not(None),
                )
            )
            first_accept: dict[int, datetime] = {}
            for request_id, answered_at in accepted:
                if request_id not in first_accept or answered_at < first_accept[request_id]:
                    first_accept[request_id] = answered_at
            tasks = Counter(r.volunteer_id for r in requests if r.volunteer_id is not None)
    finally:
        await engine.dispose()
    tally = run.tally
    matched = [
        r
        for r in requests
        if r.status == RequestStatus.MATCHED and (r.id, r.volunteer_id) not in tally.ghosts
    ]
    refilled = len({r.id for r in matched} & tally.fell)
    waits = sorted(
        (first_accept[r.id] - r.created_at).total_seconds() / 60
        for r in requests
        if r.id in first_accept
    )
    weeks = days / 7
    per_week = [run.tally.offers_by.get(v, 0) / weeks for v in city.volunteers]
    offered = [tasks.get(v, 0) for v in city.volunteers if run.tally.offers_by.get(v, 0)]
    matched_ids = {r.id for r in matched}
    by_urgency = {}
    for name in [*(n for n, _w in URGENCY), LATER, URGENT]:
        classes = {n for n, _w in URGENCY} if name == URGENT else {name}
        group = [r for r in requests if urgency_of(r) in classes]
        waited = sorted(
            (first_accept[r.id] - r.created_at).total_seconds() / 60
            for r in group
            if r.id in first_accept
        )
        by_urgency[name] = Urgency(
            len(group),
            sum(r.id in matched_ids for r in group) / len(group) if group else 0.0,
            _quantile(waited, 0.5) if waited else None,
        )
    return Figures(
        name=strategy.name,
        requests=len(requests),
        matched=len(matched) / len(requests),
        t50_min=_quantile(waits, 0.5),
        t90_min=_quantile(waits, 0.9),
        escalated=sum(r.escalated_at is not None for r in requests) / len(requests),
        offers_per_match=run.tally.offers / max(1, len(matched)),
        offers_week_mean=statistics.fmean(per_week),
        offers_week_p95=_quantile(sorted(per_week), 0.95),
        gini=gini([tasks.get(v, 0) for v in city.volunteers]),
        fell_through=run.tally.fell_through,
        refilled=refilled,
        seconds=elapsed,
        by_urgency=by_urgency,
        offered_gini=gini(offered),
        busiest_share=busiest_share(offered),
    )


def _quantile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _table(rows: list[Figures]) -> None:
    print(
        f"{'strategy':<28}{'matched':>8}{'t50 min':>9}{'t90 min':>9}{'escal.':>8}"
        f"{'offers/match':>13}{'offers/vol/wk':>14}{'p95':>6}{'gini':>6}"
        f"{'fell':>6}{'refilled':>9}{'s':>6}"
    )
    for f in rows:
        print(
            f"{f.name:<28}{f.matched:>8.3f}{f.t50_min:>9.0f}{f.t90_min:>9.0f}{f.escalated:>8.3f}"
            f"{f.offers_per_match:>13.1f}{f.offers_week_mean:>14.2f}{f.offers_week_p95:>6.1f}"
            f"{f.gini:>6.3f}{f.fell_through:>6}{f.refilled:>9}{f.seconds:>6.0f}"
        )


def _urgency_table(rows: list[Figures]) -> None:
    """Each strategy by how soon requests are due: how many, matched, median wait."""
    classes = [*(name for name, _within in URGENCY), LATER]
    print(f"{'by urgency: n / matched / t50 min':<28}" + "".join(f"{name:>30}" for name in classes))
    for f in rows:
        cells = []
        for name in classes:
            u = f.by_urgency[name]
            t50 = "—" if u.t50_min is None else f"{u.t50_min:.0f}"
            cells.append(f"{u.requests:>12} / {u.matched:.3f} / {t50:>5}")
        print(f"{f.name:<28}" + "".join(f"{cell:>30}" for cell in cells))
    print(f"{'strategy':<28}{'gini (offered)':>16}{'busiest 10 %':>14}")
    for f in rows:
        print(f"{f.name:<28}{f.offered_gini:>16.3f}{f.busiest_share:>14.3f}")


# Wave size × offer lifetime in minutes; today's defaults are run once, as (d).
GRID = [(size, minutes) for size in (2, 3, 5) for minutes in (60, 120)]


async def _tuned(city: City, ours: Figures, seed: int, days: int, folder: Path) -> Figures:
    """(e): wave size × offer lifetime on the same city; the best matches the most
    requests (to two decimals), then has the shortest median wait."""
    default = (DEFAULT.wave_size, int(DEFAULT.offer_lifetime.total_seconds() // 60))
    grid = [replace(ours, name=f"  grid {default[0]}×{default[1]}min (d)")]
    for size, minutes in GRID:
        if (size, minutes) == default:
            continue
        config = MatchingConfig(wave_size=size, offer_lifetime=timedelta(minutes=minutes))
        name = f"  grid {size}×{minutes}min"
        grid.append(await simulate(city, lambda c=config, n=name: Ours(n, c), seed, days, folder))
    _table(grid)
    print()
    best = max(grid, key=lambda f: (round(f.matched, 2), -f.t50_min))
    return replace(best, name="e ours tuned: " + best.name.strip().removeprefix("grid "))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--no-grid", action="store_true", help="skip (e), the tuned settings")
    args = parser.parse_args()
    city = build_city(args.seed, args.volunteers, args.days)
    print(
        f"city: {PLACES} centres, {PLACES * DISTRICTS_PER_PLACE} districts, "
        f"{len(city.volunteers)} volunteers, {len(city.arrivals)} requests over {args.days} days "
        f"({sum(a.draft.category in SENSITIVE for a in city.arrivals)} sensitive), seed {args.seed}"
    )
    life = DEFAULT.offer_lifetime
    strategies: list[Callable[[], Strategy]] = [
        lambda: Baseline("a broadcast", city, None, 2, timedelta(hours=6), random.Random(1)),
        lambda: Baseline("b one-by-one", city, 1, 9, life, random.Random(2)),
        lambda: Baseline(
            "c waves, no ranking",
            city,
            DEFAULT.wave_size,
            DEFAULT.max_waves,
            life,
            random.Random(3),
        ),
        lambda: Ours("d ours (defaults)"),
    ]
    with tempfile.TemporaryDirectory() as folder:
        rows = [
            await simulate(city, make, args.seed, args.days, Path(folder)) for make in strategies
        ]
        if not args.no_grid:
            rows.append(await _tuned(city, rows[-1], args.seed, args.days, Path(folder)))
    _table(rows)
    print()
    _urgency_table(rows)
    ours = next(f for f in rows if f.name.startswith("d "))
    broadcast = rows[0]
    print(
        f"SUMMARY matched={ours.matched:.3f} t50_min={ours.t50_min:.0f} "
        f"offers_per_match={ours.offers_per_match:.1f} gini={ours.gini:.3f} "
        f"broadcast_matched={broadcast.matched:.3f} broadcast_t50_min={broadcast.t50_min:.0f} "
        f"broadcast_offers_per_match={broadcast.offers_per_match:.1f} "
        f"broadcast_gini={broadcast.gini:.3f}"
    )
    mine, theirs = ours.by_urgency[URGENT], broadcast.by_urgency[URGENT]
    print(
        f"SUMMARY urgent_t50_min={_minutes(mine.t50_min)} "
        f"broadcast_urgent_t50_min={_minutes(theirs.t50_min)} "
        f"urgent_matched={mine.matched:.3f} broadcast_urgent_matched={theirs.matched:.3f} "
        f"matched={ours.matched:.3f} offers_per_match={ours.offers_per_match:.1f} "
        f"broadcast_offers_per_match={broadcast.offers_per_match:.1f} "
        f"offers_p95_week={ours.offers_week_p95:.1f} offered_gini={ours.offered_gini:.3f} "
        f"busiest_10pct_share={ours.busiest_share:.3f}"
    )


def _minutes(value: float | None) -> str:
    return "none" if value is None else f"{value:.0f}"


if __name__ == "__main__":
    asyncio.run(main())
