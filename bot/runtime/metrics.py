"""Metrics in Prometheus' text format at `/metrics`: what this process did (updates by
kind and outcome, how long they took, Bot API calls by method and result) and what the
database holds now (the outbox by state and its oldest due message, announcements being
sent, conversations kept, people who blocked the bot, each timed job's last run).

Labels never hold a person: kinds, methods, results, states and job names only.
Several replicas each answer for themselves: Prometheus sums what processes did; the
database figures are the same from every replica (take their max, docs/grafana.json).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.job_runs import last_runs
from bot.db.models import Announcement, Conversation, OutboxMessage, User
from bot.db.statuses import AnnouncementStatus, OutboxStatus
from bot.middlewares import Handler

# Seconds an update may take, as buckets: most take milliseconds, a slow one a second.
UPDATE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


class Metrics:
    """One process's metrics, in a registry of their own (tests build several)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter(
            "sasiad_updates",
            "Updates handled, by kind and outcome",
            ["kind", "outcome"],
            registry=r,
        )
        self.update_seconds = Histogram(
            "sasiad_update_seconds",
            "Time to handle an update",
            ["kind"],
            registry=r,
            buckets=UPDATE_BUCKETS,
        )
        self.api_calls = Counter(
            "sasiad_bot_api_calls",
            "Bot API calls by method and result",
            ["method", "result"],
            registry=r,
        )
        self.outbox = self._gauge("sasiad_outbox_messages", "Outbox messages by state", "state")
        self.outbox_oldest = self._gauge(
            "sasiad_outbox_oldest_due_seconds", "Age of the oldest message due and not sent"
        )
        self.announcements = self._gauge(
            "sasiad_announcements_sending", "Announcements being sent now"
        )
        self.conversations = self._gauge(
            "sasiad_conversations_kept", "Conversations kept in the database"
        )
        self.blocked = self._gauge("sasiad_users_blocked", "People who blocked the bot")
        self.job_last_run = self._gauge(
            "sasiad_job_last_run_timestamp_seconds", "When each timed job last ran", "job"
        )
        self.job_seconds = self._gauge(
            "sasiad_job_last_run_seconds", "How long each timed job's last run took", "job"
        )
        self.job_ok = self._gauge(
            "sasiad_job_last_run_ok", "1 when each timed job's last run succeeded", "job"
        )

    def _gauge(self, name: str, documentation: str, *labels: str) -> Gauge:
        return Gauge(name, documentation, list(labels), registry=self.registry)

    async def read_database(
        self, session_factory: async_sessionmaker[AsyncSession], now: datetime
    ) -> None:
        """The database's figures, read when Prometheus asks."""
        async with session_factory() as session:
            states = await session.execute(
                select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                    OutboxMessage.status
                )
            )
            counted = dict(states.tuples().all())
            for state in OutboxStatus:
                self.outbox.labels(state=state.value).set(counted.get(state, 0))
            oldest = await session.scalar(
                select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status.in_(WAITING), OutboxMessage.due_at <= now
                )
            )
            self.outbox_oldest.set((now - oldest).total_seconds() if oldest else 0)
            self.announcements.set(
                await _count(
                    session, Announcement, Announcement.status == AnnouncementStatus.SENDING
                )
            )
            self.conversations.set(await _count(session, Conversation))
            self.blocked.set(await _count(session, User, User.blocked_at.is_not(None)))
            for run in await last_runs(session):
                self.job_last_run.labels(job=run.name).set(run.started_at.timestamp())
                self.job_seconds.labels(job=run.name).set(run.seconds)
                self.job_ok.labels(job=run.name).set(1 if run.ok else 0)

    def text(self) -> bytes:
        return generate_latest(self.registry)


async def _count(session: AsyncSession, model: type[Any], *where: ColumnElement[bool]) -> int:
    return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


class UpdateMetrics(BaseMiddleware):
    """Counts each update by kind and outcome (handled; unhandled: nothing matched it;
    blocked: the person blocked the bot; error: the error handler takes over, after
    this middleware), and times it."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        except TelegramForbiddenError:
            outcome = "blocked"
            raise
        finally:
            self.metrics.update_seconds.labels(kind=kind).observe(time.perf_counter() - started)
            self.metrics.updates.labels(kind=kind, outcome=outcome).inc()


class CallMetrics(BaseRequestMiddleware):
    """Counts each Bot API call by method and result: ok, 429, 403, 5xx or other."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Any,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        result = "other"
        try:
            response = await make_request(bot, method)
            result = "ok"
            return response
        except TelegramRetryAfter:
            result = "429"
            raise
        except TelegramForbiddenError:
            result = "403"
            raise
        except TelegramServerError:
            result = "5xx"
            raise
        except TelegramAPIError:
            result = "error"
            raise
        finally:
            self.metrics.api_calls.labels(method=type(method).__name__, result=result).inc()


def metrics_route(
    app: web.Application,
    metrics: Metrics,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    async def scrape(request: web.Request) -> web.Response:
        await metrics.read_database(session_factory, clock())
        return web.Response(body=metrics.text(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/metrics", scrape)
