"""Serving the Mini App and /metrics from the bot's own process (`bot.web`,
`runtime/metrics.py`): in polling mode on an aiohttp application of their own (or, with
only `SASIAD_METRICS_PORT`, one for the metrics alone); in webhook mode on the
webhook's (`runtime/webhook.py`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from aiogram import Bot
from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import system_clock
from bot.config import Settings
from bot.runtime.metrics import Metrics, metrics_route
from bot.web.api import MiniApp
from bot.web.routes import add_mini_app

log = logging.getLogger(__name__)


def mini_app_of(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], i18n: I18n, bot: Bot
) -> MiniApp:
    return MiniApp(settings, session_factory, i18n, system_clock, bot)


@asynccontextmanager
async def web_server(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    metrics: Metrics,
) -> AsyncIterator[None]:
    """Polling mode and the worker: with `SASIAD_WEB_PORT` the Mini App and /metrics
    listen on `SASIAD_WEB_HOST` (127.0.0.1 unless told); with `SASIAD_METRICS_PORT`
    /metrics also listens there, alone. Without either, nothing listens."""
    async with AsyncExitStack() as stack:
        if settings.web_port is not None:
            app = web.Application()
            add_mini_app(app, mini_app_of(settings, session_factory, i18n, bot))
            metrics_route(app, metrics, session_factory, system_clock)
            await stack.enter_async_context(_serving(app, settings.web_host, settings.web_port))
            log.info("Mini App on %s:%s", settings.web_host, settings.web_port)
        await stack.enter_async_context(metrics_server(settings, session_factory, metrics))
        yield


@asynccontextmanager
async def metrics_server(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], metrics: Metrics
) -> AsyncIterator[None]:
    """/metrics alone on `SASIAD_METRICS_PORT` (for Prometheus on the host, or a worker)."""
    if settings.metrics_port is None:
        yield
        return
    app = web.Application()
    metrics_route(app, metrics, session_factory, system_clock)
    async with _serving(app, settings.web_host, settings.metrics_port):
        log.info("metrics on %s:%s", settings.web_host, settings.metrics_port)
        yield


@asynccontextmanager
async def _serving(app: web.Application, host: str, port: int) -> AsyncIterator[None]:
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    try:
        yield
    finally:
        await runner.cleanup()
