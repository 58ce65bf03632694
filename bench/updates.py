"""How many updates per second one process handles: the real Dispatcher with the real
database against a bare aiogram echo bot fed the very same updates.

    .venv/bin/python bench/updates.py                    # SQLite in a temporary file
    .venv/bin/python bench/updates.py --postgres URL     # also PostgreSQL (WIPES that database)
    .venv/bin/python bench/updates.py --quick            # without the burst and memory runs

Last, one line (#18): `SUMMARY cost_ratio=<mix median / echo median> p99_ms=<one in
flight> burst_p99_ms=… burst_max_ms=… rss_start_mb=… rss_per_10k_mb=…`; the burst and
memory figures come from `bench/burst.py` and `bench/memory.py`, run here as their own
processes (the memory one must measure a fresh process anyway).

The mix, per round: a resident taps ❓ Help in the menu, looks at /requests and goes
through the whole help-request flow (8 updates); a volunteer accepts the offer and opens
/tasks. The Bot API is a fake session in the same process (no network), so the figures
are the bot's own cost per update. Offers wait in the outbox; sending them is the outbox
bench's business, not this one's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from contextvars import ContextVar
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery, Message, Update
from aiogram.types import User as TelegramUser
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.matching import reset_postgres
from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrations import upgrade
from bot.db.models import HelpRequest, Offer, User
from bot.db.statuses import OfferStatus
from bot.db.unit_of_work import unit_of_work
from bot.i18n import build_i18n
from bot.keyboards.callbacks import OfferCD
from bot.middlewares.database import MAY_BE_AGAIN, DbSessionMiddleware
from bot.runtime.app import build_bot, build_dispatcher
from bot.runtime.memory import settle_after_start
from bot.services.people.profiles import WEEKLY_CAPS
from bot.services.people.users import get_user
from tests.fakes.session import RecordingSession
from tests.harness import START, FakeClock, FakeMonotonic, Harness, Person
from tests.helpers import add_place
from tests.volunteers import resident, volunteer

TOKEN = "123456789:AABenchTokenForTheFakeSession_abcdef"
ROUNDS = 150
RESIDENTS, VOLUNTEERS = 50, 30
CONCURRENCY = (1, 10)  # people whose updates are in flight at the same time


class TimedHarness(Harness):
    """Records every update with the time the Dispatcher took for it."""

    spans: list[tuple[float, float]]
    updates: list[list[Raw]]  # one list per concurrent lane, in order

    async def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        before = len(self.session.requests)
        raw = as_received(update)
        started = time.perf_counter()
        # As the polling loop feeds updates newer than any handled before.
        await self.dp.feed_raw_update(self.bot, raw, **{MAY_BE_AGAIN: False})
        self.spans.append((started, time.perf_counter()))
        self.updates[_lane.get()].append(raw)
        return self.session.requests[before:]


Raw = dict[str, Any]


def as_received(update: Update) -> Raw:
    """The update as Telegram sends it (decoded JSON): both bots parse it once, with their
    own Bot attached, as polling and the webhook do. Feeding a parsed Update to another
    Bot would make aiogram parse it a second time."""
    return update.model_dump(mode="json", exclude_none=True)


class ApiStub(RecordingSession):
    """Answers like Telegram without checking HTML and keyboards: those checks belong to
    the tests and would make the fake API, not the bot, the thing measured."""

    @staticmethod
    def _check(method: TelegramMethod[Any]) -> None:
        return None


def _bot() -> tuple[Bot, RecordingSession]:
    session = ApiStub()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return bot, session


async def _round(harness: TimedHarness, db: Any, asker: Person, helper: Person) -> None:
    """One resident's request from the menu to a volunteer's acceptance."""
    await harness.send(asker, "❓ Help")
    await harness.send(asker, "/requests")
    await harness.send(asker, "🙋 I need help")
    await harness.press(asker, "Shopping")
    await harness.send(asker, "Bread and milk from the shop, please")
    await harness.press(asker, "Any day")
    await harness.press(asker, "Any time")
    await harness.press(asker, "Marymont")
    await harness.press(asker, "Skip")
    await harness.press(asker, "Send the request")
    offer = await db.scalar(
        select(Offer)
        .join(HelpRequest, HelpRequest.id == Offer.request_id)
        .join(User, User.id == HelpRequest.requester_id)
        .where(Offer.status == OfferStatus.PENDING, User.telegram_id == asker.id)
        .order_by(Offer.id.desc())
        .limit(1)
    )
    if offer is not None:
        taker = Person(id=_telegram_of[offer.volunteer_id], first_name="V", language_code="en")
        await harness.press_data(taker, OfferCD(action="accept", offer_id=offer.id).pack())
        await harness.send(taker, "/tasks")
    else:
        await harness.send(helper, "/tasks")


_telegram_of: dict[int, int] = {}
_lane: ContextVar[int] = ContextVar("lane", default=0)


def busy_seconds(spans: list[tuple[float, float]]) -> float:
    """Time during which at least one update was in the Dispatcher. Building the next
    update and finding the offer to accept is the bench's work, not the bot's, so the
    gaps between updates do not count (the echo bot has none: its updates are ready)."""
    busy, reached = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reached:
            busy += end - max(start, reached)
            reached = end
    return busy


async def bench_database(url: str) -> tuple[AsyncEngine, Any, Settings]:
    """A migrated database and settings without flood limits (one bench person stands for
    many people), shared by the benches that drive the real Dispatcher."""
    engine = make_engine(url)
    await upgrade(engine)
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=url,
        flood_max_updates=100_000,
        flood_max_presses=100_000,
        max_open_requests=100,
    )
    return engine, make_session_factory(engine), settings


async def measure_bot(url: str, lanes: int) -> tuple[list[tuple[float, float]], list[list[Raw]]]:
    """When each update entered and left the Dispatcher, and the updates by lane."""
    engine, factory, settings = await bench_database(url)
    clock = FakeClock(START)
    session = ApiStub()
    bot = build_bot(settings, session)  # with the call middlewares, as `sasiad run` has them
    dp = build_dispatcher(
        settings=settings,
        session_factory=factory,
        i18n=build_i18n("pl"),
        clock=clock,
        monotonic=FakeMonotonic(),
    )
    harness = TimedHarness(
        dp=dp, bot=bot, session=session, clock=clock, monotonic=FakeMonotonic(), sender=None
    )
    harness.spans, harness.updates = [], [[] for _ in range(lanes)]
    async with unit_of_work(factory) as db:
        place_id = await add_place(db)
        districts = await db.scalars(text("SELECT id FROM districts ORDER BY id"))
        marymont = districts.first()
        askers = []
        for index in range(RESIDENTS):
            person = Person(id=1_000 + index, first_name="R", language_code="en")
            await resident(db, person.id, place_id, district=marymont, language="en")
            askers.append(person)
        helpers = []
        for index in range(VOLUNTEERS):
            person = Person(id=5_000 + index, first_name="V", language_code="en")
            user = await volunteer(
                db,
                person.id,
                place_id,
                districts=(marymont,),
                cap=max(WEEKLY_CAPS),
                languages=("en",),
            )
            _telegram_of[user.id] = person.id
            helpers.append(person)

    async def lane(number: int) -> None:
        _lane.set(number)
        async with factory() as db:
            for turn in range(number, ROUNDS, lanes):
                await _round(harness, db, askers[turn % RESIDENTS], helpers[turn % VOLUNTEERS])

    settle_after_start()  # as `sasiad run` does once it has started
    await asyncio.gather(*(lane(number) for number in range(lanes)))
    await engine.dispose()
    return harness.spans, harness.updates


async def measure_echo(lanes: list[list[Raw]], url: str | None = None) -> list[tuple[float, float]]:
    """The bare echo bot; given a database `url`, it also opens a session and reads who
    wrote, as every Sąsiad update must: the least any update costs on this stack."""
    router = Router()

    @router.message(F.text)
    async def echo(message: Message, session: AsyncSession | None = None) -> None:
        await _look_up(session, message.from_user)
        await message.answer(message.text or "")

    @router.callback_query()
    async def ack(callback: CallbackQuery, session: AsyncSession | None = None) -> None:
        await _look_up(session, callback.from_user)
        await callback.answer()

    dp = Dispatcher(
        i18n=build_i18n("pl"), clock=FakeClock(START), settings=Settings(_env_file=None)
    )
    engine = make_engine(url) if url else None
    if engine is not None:
        dp.update.outer_middleware(DbSessionMiddleware(make_session_factory(engine)))
    dp.include_router(router)
    bot, _ = _bot()
    spans: list[tuple[float, float]] = []

    async def lane(updates: list[Raw]) -> None:
        for update in updates:
            started = time.perf_counter()
            await dp.feed_raw_update(bot, update)
            spans.append((started, time.perf_counter()))

    await asyncio.gather(*(lane(updates) for updates in lanes))
    if engine is not None:
        await engine.dispose()
    return spans


async def _look_up(session: AsyncSession | None, sender: TelegramUser | None) -> None:
    if session is not None and sender is not None:
        await get_user(session, sender.id)


def _row(name: str, spans: list[tuple[float, float]]) -> tuple[str, float, float, float]:
    ordered = sorted(end - start for start, end in spans)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return name, len(spans) / busy_seconds(spans), statistics.median(ordered) * 1000, p99 * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="also measure on this database (it is wiped)")
    parser.add_argument("--quick", action="store_true", help="skip the burst and memory runs")
    args = parser.parse_args()
    one_in_flight: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        targets = [("SQLite", "sqlite+aiosqlite:///" + str(Path(folder) / "bench{}.db"))]
        if args.postgres:
            targets.append(("PostgreSQL", args.postgres))
        print("| database | in flight | handler | updates | updates/s | p50 ms | p99 ms |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
        for name, template in targets:
            for lanes in CONCURRENCY:
                url = template.format(lanes)  # a fresh SQLite file per run
                if name == "PostgreSQL":
                    await reset_postgres(url)
                _telegram_of.clear()
                spans, updates = await measure_bot(url, lanes)
                rows = [
                    _row("Sąsiad", spans),
                    _row("bare echo", await measure_echo(updates)),
                    _row("echo + user lookup", await measure_echo(updates, url)),
                ]
                for handler, rate, p50, p99 in rows:
                    print(
                        f"| {name} | {lanes} | {handler} | {len(spans)} | {rate:,.0f} | "
                        f"{p50:.2f} | {p99:.2f} |"
                    )
                ratio = rows[0][1] / rows[1][1]
                print(f"| {name} | {lanes} | ratio Sąsiad / echo | | {ratio:.2f} | | |")
                if name == "SQLite" and lanes == 1:
                    one_in_flight = rows
    mix, echo = one_in_flight[0], one_in_flight[1]
    figures = {"cost_ratio": f"{mix[2] / echo[2]:.1f}", "p99_ms": f"{mix[3]:.1f}"}
    if not args.quick:
        burst = _summary_of("burst.py", *(["--postgres", args.postgres] if args.postgres else []))
        memory = _summary_of("memory.py")
        figures |= {
            "burst_p99_ms": burst["burst_p99_ms"],
            "burst_max_ms": burst["burst_max_ms"],
            "rss_start_mb": memory["rss_start_mb"],
            "rss_per_10k_mb": memory["rss_per_10k_users_mb"],
        }
    print("SUMMARY " + " ".join(f"{key}={value}" for key, value in figures.items()))


def _summary_of(bench: str, *options: str) -> dict[str, str]:
    """The figures of another bench's SUMMARY line, run as its own process."""
    run = subprocess.run(
        [sys.executable, str(Path(__file__).with_name(bench)), *options],
        capture_output=True,
        text=True,
        check=True,
    )
    print(run.stdout, end="")
    last = next(line for line in reversed(run.stdout.splitlines()) if line.startswith("SUMMARY"))
    return dict(pair.split("=", 1) for pair in last.split()[1:])


if __name__ == "__main__":
    asyncio.run(main())
