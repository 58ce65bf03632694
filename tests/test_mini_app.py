"""The Mini App's server: every API call is signed in from Telegram's `initData`, and
nothing is read or changed for a sign-in that does not hold (docs/miniapp.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from tests.conftest import TOKEN
from tests.fakes.webapp import init_data
from tests.harness import START, Harness, Person
from tests.helpers import add_place
from tests.test_help_flow import MAREK, sign_up


async def call(server: TestServer, authorization: str | None) -> tuple[int, dict[str, object]]:
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with (
        ClientSession() as client,
        client.get(server.make_url("/api/me"), headers=headers) as response,
    ):
        return response.status, await response.json()


def signed_as(person: Person, at: timedelta = timedelta(0)) -> str:
    data = init_data(TOKEN, user_id=person.id, first_name=person.first_name, signed_at=START + at)
    return f"tma {data}"


async def test_a_volunteer_signed_in_from_telegram_is_known(
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    await harness.send(MAREK, "🤝 Volunteering")  # the profile is made on the first look
    status, body = await call(web_server, signed_as(MAREK))
    assert status == 200
    assert body == {
        "first_name": "Marek",
        "language": "en",
        "centre": "MAL Żoliborz",
        "volunteer": True,
        "runs_centres": [],
    }


@pytest.mark.parametrize(
    ("authorization", "status", "error"),
    [
        (None, 401, "no Telegram sign-in"),
        ("Bearer x", 401, "no Telegram sign-in"),
        (signed_as(MAREK).replace("Marek", "Ewa"), 401, "the signature does not match"),
        (signed_as(MAREK, at=-timedelta(days=1, seconds=1)), 401, "too old"),
    ],
    ids=["no header", "other scheme", "changed field", "too old"],
)
async def test_a_sign_in_that_does_not_hold_gets_a_short_reason_and_changes_nothing(
    web_server: TestServer,
    harness: Harness,
    db: AsyncSession,
    authorization: str | None,
    status: int,
    error: str,
) -> None:
    await add_place(db)
    await sign_up(harness, MAREK, "I want to help")
    before = await db.scalar(select(func.count(User.id)))
    answer, body = await call(web_server, authorization)
    assert answer == status
    assert error in str(body["error"])
    assert await db.scalar(select(func.count(User.id))) == before


async def test_nobody_who_has_not_agreed_in_the_chat_is_let_in(
    web_server: TestServer, harness: Harness, db: AsyncSession
) -> None:
    """A stranger with a good signature, and someone who stopped before consent."""
    await add_place(db)
    await harness.send(MAREK, "/start")  # only the Telegram id is kept before consent
    for person in (MAREK, Person(id=123, first_name="Stranger", language_code="pl")):
        status, body = await call(web_server, signed_as(person))
        assert (status, body["error"]) == (403, "send /start to the bot and agree first")
