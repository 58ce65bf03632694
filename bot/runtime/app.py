"""Builds the Bot, the Dispatcher and their dependencies from settings, and runs polling."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, system_clock
from bot.commands import publish_chat_commands, publish_default_commands, publish_menu_button
from bot.config import ConfigError, Settings
from bot.db.conversation_storage import DatabaseStorage
from bot.db.engine import make_session_factory
from bot.db.migrations import upgrade
from bot.handlers import get_routers
from bot.i18n import build_i18n
from bot.middlewares.api_calls import CommitBeforeSending, RetryRefusals, WayOutButton
from bot.middlewares.database import DbSessionMiddleware
from bot.middlewares.dedupe import DedupeMiddleware, UpdateClaims
from bot.middlewares.inflight import InFlight
from bot.middlewares.locale import UserLocaleMiddleware
from bot.middlewares.navigation import ConversationContext, NavigationMiddleware
from bot.middlewares.private_chats import PrivateChatsOnly
from bot.middlewares.settled import SettledPresses
from bot.middlewares.staff import StaffOnly
from bot.middlewares.throttling import ThrottlingMiddleware
from bot.middlewares.user import UserMiddleware
from bot.notify.sender import OutboxSender, Pacer
from bot.runtime.database import engine_for
from bot.runtime.logs import UpdateContext
from bot.runtime.memory import settle_after_start
from bot.runtime.metrics import CallMetrics, Metrics, UpdateMetrics
from bot.runtime.mini_app import metrics_server, web_server
from bot.runtime.polling import poll
from bot.runtime.scheduler import build_scheduler
from bot.services.centres.invites import animator_chats

log = logging.getLogger(__name__)


def build_bot(
    settings: Settings,
    session: BaseSession | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    metrics: Metrics | None = None,
) -> Bot:
    """The Bot with our call middlewares: commit before sending, retry brief refusals,
    count each call. Tests pass a recording `session` and a fake `sleep`."""
    if session is None:
        session = AiohttpSession()
        if settings.api_base_url:
            session.api = TelegramAPIServer.from_base(settings.api_base_url.rstrip("/"))
    session.middleware(WayOutButton())
    session.middleware(CommitBeforeSending())
    session.middleware(RetryRefusals(sleep=sleep, monotonic=monotonic))
    if metrics is not None:
        session.middleware(CallMetrics(metrics))  # inside the retries: each try counts
    return Bot(
        settings.require_token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def build_sender(
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    pacer: Pacer | None = None,
) -> OutboxSender:
    return OutboxSender(
        bot,
        session_factory,
        clock,
        pacer or Pacer(settings.outbox_rate, settings.outbox_per_chat_seconds),
        batch=settings.outbox_batch,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
    )


def build_dispatcher(
    *,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    clock: Clock = system_clock,
    monotonic: Callable[[], float] = time.monotonic,
    storage: BaseStorage | None = None,
    claims: UpdateClaims | None = None,
    metrics: Metrics | None = None,
) -> Dispatcher:
    """The whole bot minus the network: tests feed updates into what this returns.
    Conversations live in the database unless another `storage` (Redis) is given;
    `claims` keeps two replicas from handling one webhook update at the same time
    (an update given again after a restart is caught by `bot.db.update_log`)."""
    dp = Dispatcher(
        storage=storage or DatabaseStorage(session_factory, clock),
        settings=settings,
        session_factory=session_factory,
        clock=clock,
        i18n=i18n,
        # Where the Mini App is served (None: no page buttons), for the handlers that offer it.
        web_url=settings.web_url,
        # The FSM middleware is registered below, inside the update's unit of work, so
        # the conversation is read once with everything else instead of in a session
        # and connection of its own before ours opens.
        disable_fsm=True,
    )
    in_flight = InFlight()
    dp.shutdown.register(in_flight.wait_idle)
    # Order matters: the locale comes from the stored user, who needs the session.
    dp.update.outer_middleware(in_flight)
    dp.update.outer_middleware(UpdateContext())
    if metrics is not None:
        dp.update.outer_middleware(UpdateMetrics(metrics))
    if claims is not None:
        dp.update.outer_middleware(DedupeMiddleware(claims))
    dp.update.outer_middleware(DbSessionMiddleware(session_factory))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(UserMiddleware())
    dp.update.outer_middleware(UserLocaleMiddleware(i18n))
    dp.update.outer_middleware(ConversationContext())
    throttling = ThrottlingMiddleware(
        max_updates=settings.flood_max_updates,
        max_presses=settings.flood_max_presses,
        window_seconds=settings.flood_window_seconds,
        monotonic=monotonic,
    )
    private_chats_only = PrivateChatsOnly()
    dp.message.outer_middleware(private_chats_only)
    dp.callback_query.outer_middleware(private_chats_only)
    dp.message.outer_middleware(throttling)
    dp.callback_query.outer_middleware(throttling)
    dp.message.outer_middleware(NavigationMiddleware())
    dp.callback_query.outer_middleware(SettledPresses())
    staff_only = StaffOnly()
    dp.message.middleware(staff_only)
    dp.callback_query.middleware(staff_only)
    dp.include_routers(*get_routers())
    return dp


async def publish_all_commands(
    bot: Bot, i18n: I18n, settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await publish_default_commands(bot, i18n, settings.default_language)
    if settings.web_url:
        await publish_menu_button(bot, i18n, settings.web_url, settings.default_language)
    async with session_factory() as session:
        animators = dict(await animator_chats(session))
    for chat_id in settings.admin_ids | animators.keys():
        await publish_chat_commands(
            bot,
            i18n,
            chat_id,
            admin=chat_id in settings.admin_ids,
            language=animators.get(chat_id) or settings.default_language,
        )


async def check_telegram(bot: Bot, settings: Settings) -> None:
    """Fail at once, in one sentence, when Telegram cannot be reached or rejects the token."""
    where = settings.api_base_url or "https://api.telegram.org"
    try:
        await bot.me()
    except TelegramUnauthorizedError as exc:
        raise ConfigError(
            "Telegram rejected SASIAD_BOT_TOKEN: check the token with @BotFather."
        ) from exc
    except TelegramNetworkError as exc:
        raise ConfigError(
            f"Cannot reach the Telegram Bot API at {where}: check the network "
            "(or SASIAD_API_BASE_URL)."
        ) from exc


@dataclass(frozen=True)
class Runtime:
    bot: Bot
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    i18n: I18n
    metrics: Metrics


@asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[Runtime]:
    """Telegram checked, the database migrated; both closed again on the way out."""
    metrics = Metrics()
    bot = build_bot(settings, metrics=metrics)
    engine = engine_for(settings)
    try:
        await check_telegram(bot, settings)
        await upgrade(engine)
        i18n = build_i18n(settings.default_language)
        runtime = Runtime(bot, engine, make_session_factory(engine), i18n, metrics)
        settle_after_start()
        yield runtime
    finally:
        await bot.session.close()
        await engine.dispose()


@asynccontextmanager
async def background_work(runtime: Runtime, settings: Settings) -> AsyncIterator[None]:
    """Timers and the outbox sender. Safe in several processes at once: timers take job
    leases and the sender claims rows with SKIP LOCKED. On the way out the sender
    finishes the batch in hand and gives the rest back."""
    scheduler = build_scheduler(
        runtime.i18n, runtime.session_factory, system_clock, settings, runtime.bot
    )
    scheduler.start()
    stop_sending = asyncio.Event()
    sender = asyncio.create_task(
        build_sender(runtime.bot, runtime.session_factory, system_clock, settings).run(stop_sending)
    )
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
        stop_sending.set()
        await sender


async def run_polling(settings: Settings) -> None:
    """The embedded default: one process, long polling, migrations applied first.
    Updates are confirmed to Telegram only once handled (`runtime/polling.py`)."""
    async with connected(settings) as runtime:
        dp = build_dispatcher(
            settings=settings,
            session_factory=runtime.session_factory,
            i18n=runtime.i18n,
            metrics=runtime.metrics,
        )
        await publish_all_commands(runtime.bot, runtime.i18n, settings, runtime.session_factory)
        serving = web_server(
            settings, runtime.session_factory, runtime.i18n, runtime.bot, runtime.metrics
        )
        async with background_work(runtime, settings), serving:
            with stop_on_signals() as stop:
                await dp.emit_startup(bot=runtime.bot)
                log.info("Sąsiad is running (long polling)")
                try:
                    await poll(
                        dp,
                        runtime.bot,
                        dp.resolve_used_update_types(),
                        stop,
                        runtime.session_factory,
                    )
                finally:
                    await dp.emit_shutdown(bot=runtime.bot)


@contextmanager
def stop_on_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGTERM or SIGINT (what systemd and docker send)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        yield stop
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


async def until_stopped() -> None:
    """Wait for SIGTERM or SIGINT."""
    with stop_on_signals() as stop:
        await stop.wait()


async def run_worker(settings: Settings) -> None:
    """Only the timers and the outbox, for a layout where webhook replicas do no
    background work (SASIAD_BACKGROUND=false)."""
    async with (
        connected(settings) as runtime,
        background_work(runtime, settings),
        metrics_server(settings, runtime.session_factory, runtime.metrics),
    ):
        log.info("Sąsiad worker is running (timers and outbox)")
        await until_stopped()
