"""The webhook endpoint answers junk with 4xx and handles nothing; a real update gets 200."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiogram.utils.i18n import I18n
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.runtime.app import Runtime, build_bot, build_dispatcher
from bot.runtime.metrics import Metrics
from bot.runtime.webhook import SECRET_HEADER, build_web_app
from tests.fakes.session import RecordingSession

SECRET = "webhook-test-secret-0123456789"
PATH = "/telegram/webhook"
HELP = {
    "update_id": 7,
    "message": {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": 5150, "type": "private"},
        "from": {"id": 5150, "is_bot": False, "first_name": "Ola", "language_code": "en"},
        "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    },
}


@pytest.fixture
async def client(
    settings: Settings,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> AsyncIterator[tuple[TestClient, RecordingSession]]:
    recording = RecordingSession()
    metrics = Metrics()
    bot = build_bot(settings, recording, metrics=metrics)
    dispatcher = build_dispatcher(
        settings=settings, session_factory=session_factory, i18n=i18n, metrics=metrics
    )
    with_mini_app = settings.model_copy(update={"web_port": 8099})
    runtime = Runtime(bot, engine, session_factory, i18n, metrics)
    app = build_web_app(runtime, dispatcher, SECRET, PATH, None, with_mini_app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client, recording


@pytest.mark.parametrize(
    "body",
    [b"not json at all", b"[1, 2, 3]", b'{"no": "update id"}', b'{"update_id": "x"}'],
    ids=["text", "a list", "no update_id", "bad update_id"],
)
async def test_a_body_that_is_not_an_update_gets_400(
    client: tuple[TestClient, RecordingSession], body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    test_client, recording = client
    caplog.set_level(logging.WARNING, logger="bot.runtime.webhook")
    response = await test_client.post(PATH, data=body, headers={SECRET_HEADER: SECRET})
    assert response.status == 400
    assert recording.requests == [], "nothing was handled"
    assert len([r for r in caplog.records if r.name == "bot.runtime.webhook"]) == 1


async def test_a_real_update_is_handled(client: tuple[TestClient, RecordingSession]) -> None:
    test_client, recording = client
    response = await test_client.post(PATH, json=HELP, headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    assert any("Sąsiad helps" in getattr(r, "text", "") for r in recording.requests)


async def test_a_wrong_secret_gets_403(client: tuple[TestClient, RecordingSession]) -> None:
    test_client, recording = client
    response = await test_client.post(PATH, json=HELP, headers={SECRET_HEADER: "wrong" * 4})
    assert response.status == 403
    assert recording.requests == []


async def test_the_mini_app_is_served_by_the_webhooks_own_application(
    client: tuple[TestClient, RecordingSession],
) -> None:
    """One aiohttp application in webhook mode: the webhook, /healthz and the Mini App."""
    test_client, _ = client
    response = await test_client.get("/api/me")
    assert response.status == 401
    assert (await response.json()) == {"error": "no Telegram sign-in"}
