"""A resident (or an animator for someone without Telegram) asks for help: the request
is stored and its first wave of offers goes out, in one use case, so the handler only
parses, calls this and renders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.centres.places import managed_places
from bot.services.errors import ServiceError
from bot.services.helping.offers import MatchingConfig, send_next_wave
from bot.services.helping.requests import OnBehalf, submit_request
from bot.services.plain import Person, RequestDraft, RequestInfo, plain


class NotStaffThere(ServiceError):
    """Registering for someone else at a place the person does not run."""


async def ask_for_help(
    session: AsyncSession,
    user: Person,
    draft: RequestDraft,
    *,
    now: datetime,
    config: MatchingConfig,
    max_open: int,
    is_admin: bool,
    on_behalf: OnBehalf | None = None,
) -> RequestInfo:
    """Store the request (checked again) and offer it to the first volunteers who fit
    (the offers are recorded, so the unit of work tells them)."""
    if on_behalf is not None and on_behalf.place_id not in await managed_places(
        session, user, is_admin
    ):
        raise NotStaffThere
    request = await submit_request(
        session, user, draft, now=now, max_open=max_open, on_behalf=on_behalf
    )
    await send_next_wave(session, request, now, config)
    return plain(RequestInfo, request)
