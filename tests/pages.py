"""Calling the Mini App's pages as its script does, and what they show."""

from __future__ import annotations

from datetime import datetime

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Occurrence
from bot.services.initiatives.events import EventDraft, submit_event
from tests.conftest import TOKEN
from tests.fakes.webapp import init_data
from tests.harness import START, Harness, Person
from tests.helpers import stored


class Browser:
    """Calls the pages as the Mini App's script does, signed in as one person."""

    def __init__(self, server: TestServer, harness: Harness, person: Person) -> None:
        self.server, self.harness, self.person = server, harness, person

    def _headers(self) -> dict[str, str]:
        signed = init_data(
            TOKEN,
            user_id=self.person.id,
            first_name=self.person.first_name,
            signed_at=self.harness.clock(),
        )
        return {"Authorization": f"tma {signed}"}

    async def get(self, path: str) -> tuple[int, str]:
        async with (
            ClientSession() as client,
            client.get(self.server.make_url(path), headers=self._headers()) as response,
        ):
            return response.status, await response.text()

    async def post(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        async with (
            ClientSession() as client,
            client.post(
                self.server.make_url(path), headers=self._headers(), data=form or {}
            ) as response,
        ):
            return response.status, await response.text()


async def published_event(
    db: AsyncSession, place_id: int, author: Person, starts_at: datetime
) -> int:
    """A one-off event for 10 at the place, published; its date's id."""
    row = await stored(db, author)
    assert row is not None
    draft = EventDraft("Board games", "Bring a friend <3", starts_at, None, capacity=10)
    event = await submit_event(db, row, place_id, draft, START, publish=True)
    await db.commit()
    occurrence = await db.scalar(select(Occurrence.id).where(Occurrence.event_id == event.id))
    assert occurrence is not None
    return occurrence
