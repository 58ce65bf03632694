"""What we hold about a person, and forgetting it (RODO/GDPR articles 15, 17 and 20)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import District, Membership, Place, User


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_user_data(session: AsyncSession, user: User, now: datetime) -> dict[str, Any]:
    """Everything stored about the user, as plain JSON-ready data."""
    place = await session.get(Place, user.place_id) if user.place_id else None
    district = await session.get(District, user.district_id) if user.district_id else None
    memberships = await session.execute(
        select(Membership.role, Place.name, Membership.created_at)
        .join(Place, Place.id == Membership.place_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.created_at)
    )
    return {
        "exported_at": _iso(now),
        "telegram_id": user.telegram_id,
        "first_name": user.first_name,
        "language": user.language,
        "consent_given_at": _iso(user.consent_at),
        "registered_at": _iso(user.created_at),
        "intent": user.intent,
        "place": place.name if place else None,
        "district": district.name if district else None,
        "bot_blocked_at": _iso(user.blocked_at),
        "roles": [
            {"role": role, "place": place_name, "since": _iso(since)}
            for role, place_name, since in memberships
        ],
    }


async def forget_user(session: AsyncSession, user: User) -> None:
    """Delete the person. Their roles go with them; invites they made stay, unattributed."""
    await session.execute(delete(User).where(User.id == user.id))
    await session.commit()
