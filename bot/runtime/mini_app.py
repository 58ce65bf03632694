"""Serving the Mini App from the bot's own process (`bot.web`): in polling mode on its
own aiohttp application; in webhook mode on the webhook's (`runtime/webhook.py`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot
from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import system_clock
from bot.config import Settings
from bot.web.api import MiniApp
from bot.web.routes import add_mini_app

log = logging.getLogger(__name__)


def mini_app_of(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], i18n: I18n, bot: Bot
) -> MiniApp:
    return MiniApp(settings, session_factory, i18n, system_clock, bot)


@asynccontextmanager
async def mini_app_server(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], i18n: I18n, bot: Bot
) -> AsyncIterator[None]:
    """Polling mode: with `SASIAD_WEB_PORT` set, the Mini App listens on
    `SASIAD_WEB_HOST` (127.0.0.1 unless told) while the bot runs; without it, nothing."""
    if settings.web_port is None:
        yield
        return
    app = web.Application()
    add_mini_app(app, mini_app_of(settings, session_factory, i18n, bot))
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, settings.web_host, settings.web_port).start()
    log.info("Mini App on %s:%s", settings.web_host, settings.web_port)
    try:
        yield
    finally:
        await runner.cleanup()
