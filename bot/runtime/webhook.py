"""`sasiad run --webhook`: an aiohttp server for Telegram's webhook, one of several
replicas behind a load balancer. Conversations live in Redis (any replica can take the
next step), updates are claimed in Redis (a redelivered one acts once), and everything
else is in PostgreSQL. See docs/deploy.md."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import system_clock
from bot.config import Settings
from bot.middlewares.dedupe import MemoryClaims, RedisClaims, UpdateClaims
from bot.runtime.app import (
    Runtime,
    background_work,
    build_dispatcher,
    connected,
    publish_all_commands,
    until_stopped,
)
from bot.runtime.metrics import metrics_route
from bot.runtime.mini_app import metrics_server, mini_app_of
from bot.web.routes import add_mini_app

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT = 2.0


class GuardedRequestHandler(SimpleRequestHandler):
    """A request without the right secret is refused with 403 before anything is read;
    a body that is not a Telegram update gets 400 and one log line, and nothing runs."""

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), self.bot):
            return web.Response(status=403, text="Forbidden")
        try:
            update = Update.model_validate(
                await request.json(loads=self.bot.session.json_loads), context={"bot": self.bot}
            )
        except (ValueError, ValidationError) as refused:
            log.warning("webhook body is not an update (%s); answered 400", type(refused).__name__)
            return web.Response(status=400, text="Bad Request")
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            self.bot, update, **self.data
        )
        return web.Response(body=self._build_response_writer(bot=self.bot, result=result))

    __call__ = handle


async def _probe(check: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(check, HEALTH_TIMEOUT)
    except Exception:  # whatever went wrong, for a health check it is "not reachable"
        return "unreachable"
    return "ok"


async def _select_one(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def health_handler(
    engine: AsyncEngine, redis: Redis | None
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def health(_: web.Request) -> web.Response:
        report = {
            "database": await _probe(_select_one(engine)),
            "redis": await _probe(redis.ping()) if redis is not None else "not configured",
        }
        healthy = all(value != "unreachable" for value in report.values())
        return web.json_response(report, status=200 if healthy else 503)

    return health


def build_web_app(
    runtime: Runtime,
    dispatcher: Dispatcher,
    secret: str,
    path: str,
    redis: Redis | None,
    runtime_settings: Settings,
) -> web.Application:
    """The webhook, the health check and (with `SASIAD_WEB_PORT`) the Mini App: one
    application, listening on the webhook's address and on the Mini App's."""
    app = web.Application()
    GuardedRequestHandler(
        dispatcher=dispatcher, bot=runtime.bot, handle_in_background=False, secret_token=secret
    ).register(app, path=path)
    app.router.add_get("/healthz", health_handler(runtime.engine, redis))
    if runtime_settings.web_port is not None:
        add_mini_app(
            app,
            mini_app_of(runtime_settings, runtime.session_factory, runtime.i18n, runtime.bot),
        )
    metrics_route(app, runtime.metrics, runtime.session_factory, system_clock)
    return app


def shared_state(redis: Redis | None, bot: Bot) -> tuple[BaseStorage | None, UpdateClaims]:
    """Without Redis, conversations stay in the database (the Dispatcher's default) and
    update claims in this process."""
    if redis is None:
        log.warning("no SASIAD_REDIS_URL: update claims stay in this process")
        return None, MemoryClaims()
    return redis_storage(redis), RedisClaims(redis, bot.id)


def redis_storage(redis: Redis) -> RedisStorage:
    """Conversations in Redis, with the storage key's destiny in the key: a conversation
    put aside by a menu tap lives under its own key (bot.middlewares.navigation)."""
    return RedisStorage(redis, key_builder=DefaultKeyBuilder(with_destiny=True))


async def run_webhook(settings: Settings) -> None:
    url, secret = settings.require_webhook()
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    try:
        async with connected(settings) as runtime:
            storage, claims = shared_state(redis, runtime.bot)
            dispatcher = build_dispatcher(
                settings=settings,
                session_factory=runtime.session_factory,
                i18n=runtime.i18n,
                storage=storage,
                claims=claims,
                metrics=runtime.metrics,
            )
            if settings.webhook_register:
                await runtime.bot.set_webhook(
                    url,
                    secret_token=secret,
                    allowed_updates=dispatcher.resolve_used_update_types(),
                )
            await publish_all_commands(runtime.bot, runtime.i18n, settings, runtime.session_factory)
            app = build_web_app(runtime, dispatcher, secret, settings.webhook_path, redis, settings)
            runner = web.AppRunner(app, handle_signals=False)
            await runner.setup()
            await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
            web_address = (settings.web_host, settings.web_port)
            if settings.web_port is not None and web_address != (
                settings.webhook_host,
                settings.webhook_port,
            ):
                await web.TCPSite(runner, *web_address).start()
            log.info(
                "Sąsiad is running (webhook on %s:%s%s)",
                settings.webhook_host,
                settings.webhook_port,
                settings.webhook_path,
            )
            try:
                async with metrics_server(settings, runtime.session_factory, runtime.metrics):
                    if settings.background:
                        async with background_work(runtime, settings):
                            await until_stopped()
                    else:
                        await until_stopped()
            finally:
                # Stops accepting, then lets requests in progress finish.
                await runner.cleanup()
                await dispatcher.storage.close()
    finally:
        if redis is not None:
            await redis.aclose()
