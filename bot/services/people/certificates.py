"""Certificates of volunteering (zaświadczenie, art. 44 of the Polish act on public
benefit and volunteering): what a volunteer did at one centre over a period, issued on
request, checkable by anyone through its code, revocable by the centre's animators.

Only the volunteer's own work is counted — finished tasks with their hours and kinds of
help — never the residents helped. Codes carry 128 random bits, so cannot be guessed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.changed import changed_rows
from bot.db.models import Certificate, HelpRequest, Place, User
from bot.db.statuses import RequestStatus
from bot.services.plain import CertificateInfo, Person, PlaceInfo, plain

CERT_PREFIX = "cert-"
CODE_BYTES = 16
FINISHED = (RequestStatus.DONE, RequestStatus.CLOSED)


class Period(StrEnum):
    THIS_YEAR = "this"
    LAST_YEAR = "last"
    ALL = "all"


@dataclass(frozen=True)
class Work:
    """What the certificate states: hours per month (first day of the month → hours),
    the kinds of help (talent codes, most hours first) and the period covered."""

    start: date
    end: date
    months: list[tuple[date, float]]
    kinds: list[str]
    hours: float


def _bounds(period: Period, today: date) -> tuple[date | None, date]:
    if period == Period.THIS_YEAR:
        return date(today.year, 1, 1), today
    if period == Period.LAST_YEAR:
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None, today


async def _finished(session: AsyncSession, user_id: int) -> list[tuple[HelpRequest, PlaceInfo]]:
    rows = await session.execute(
        select(HelpRequest, Place)
        .join(Place, Place.id == HelpRequest.place_id)
        .where(
            HelpRequest.volunteer_id == user_id,
            HelpRequest.status.in_(FINISHED),
            HelpRequest.done_at.is_not(None),
        )
        .order_by(HelpRequest.done_at)
    )
    return [(request, plain(PlaceInfo, place)) for request, place in rows]


def _local_day(moment: datetime | None, place: PlaceInfo) -> date:
    assert moment is not None
    return moment.astimezone(ZoneInfo(place.timezone)).date()


def _in_period(
    done: list[tuple[HelpRequest, PlaceInfo]], period: Period, now: datetime
) -> list[tuple[HelpRequest, PlaceInfo]]:
    kept = []
    for request, place in done:
        start, end = _bounds(period, now.astimezone(ZoneInfo(place.timezone)).date())
        day = _local_day(request.done_at, place)
        if (start is None or day >= start) and day <= end:
            kept.append((request, place))
    return kept


async def work_by_place(
    session: AsyncSession, user_id: int, period: Period, now: datetime
) -> list[tuple[PlaceInfo, Work]]:
    """The volunteer's work in the period at each centre where they finished a task,
    centres by name."""
    done_at: dict[int, list[HelpRequest]] = {}
    places: dict[int, PlaceInfo] = {}
    for request, place in _in_period(await _finished(session, user_id), period, now):
        done_at.setdefault(place.id, []).append(request)
        places[place.id] = place
    return sorted(
        ((place, _work(place, done_at[place.id], period, now)) for place in places.values()),
        key=lambda found: found[0].name,
    )


def _work(place: PlaceInfo, done: list[HelpRequest], period: Period, now: datetime) -> Work:
    start, end = _bounds(period, now.astimezone(ZoneInfo(place.timezone)).date())
    return _work_between(place, done, start or _local_day(done[0].done_at, place), end)


def _work_between(place: PlaceInfo, done: list[HelpRequest], start: date, end: date) -> Work:
    months: dict[date, float] = {}
    kinds: dict[str, float] = {}
    for request in done:
        month = _local_day(request.done_at, place).replace(day=1)
        months[month] = months.get(month, 0.0) + (request.hours or 0.0)
        kinds[request.category] = kinds.get(request.category, 0.0) + (request.hours or 0.0)
    return Work(
        start=start,
        end=end,
        months=sorted(months.items()),
        kinds=sorted(kinds, key=lambda kind: (-kinds[kind], kind)),
        hours=round(sum(months.values()), 2),
    )


async def issue(
    session: AsyncSession, volunteer: Person, place: PlaceInfo, work: Work, now: datetime
) -> CertificateInfo:
    """Record the certificate as it will be printed; the caller renders it. Asking again
    for the same figures (a double tap, or a lost file) gives the same paper and code
    back: the volunteer's row is written first, so two presses at once run one after
    the other and the second finds the first."""
    await session.execute(
        update(User).where(User.id == volunteer.id).values(first_name=User.first_name)
    )
    name = volunteer.first_name or "?"
    same = await session.scalar(
        select(Certificate).where(
            Certificate.user_id == volunteer.id,
            Certificate.place_id == place.id,
            Certificate.volunteer_name == name,
            Certificate.period_start == work.start,
            Certificate.period_end == work.end,
            Certificate.hours == work.hours,
            Certificate.revoked_at.is_(None),
        )
    )
    if same is not None:
        return plain(CertificateInfo, same)
    certificate = Certificate(
        code=secrets.token_urlsafe(CODE_BYTES),
        user_id=volunteer.id,
        place_id=place.id,
        volunteer_name=name,
        period_start=work.start,
        period_end=work.end,
        hours=work.hours,
        issued_at=now,
    )
    session.add(certificate)
    await session.flush()
    return plain(CertificateInfo, certificate)


async def by_code(session: AsyncSession, code: str) -> tuple[CertificateInfo, PlaceInfo] | None:
    row = (
        await session.execute(
            select(Certificate, Place)
            .join(Place, Place.id == Certificate.place_id)
            .where(Certificate.code == code)
        )
    ).first()
    return None if row is None else (plain(CertificateInfo, row[0]), plain(PlaceInfo, row[1]))


async def as_printed(
    session: AsyncSession, code: str
) -> tuple[CertificateInfo, PlaceInfo, Work] | None:
    """A certificate with the work it states, to print it again (a download from the Mini
    App). None when unknown, revoked, its volunteer is gone, or the figures no longer add
    up to what was issued: the paper must say what the record says, so then the
    volunteer asks for a new one."""
    found = await by_code(session, code)
    if found is None or found[0].revoked_at is not None:
        return None
    certificate, place = found
    if certificate.user_id is None:
        return None
    done = [
        request
        for request, at in await _finished(session, certificate.user_id)
        if at.id == place.id
        and certificate.period_start <= _local_day(request.done_at, at) <= certificate.period_end
    ]
    if not done:
        return None
    work = _work_between(place, done, certificate.period_start, certificate.period_end)
    if work.hours != certificate.hours:
        return None
    return certificate, place, work


async def of_places(
    session: AsyncSession, place_ids: list[int], limit: int
) -> list[CertificateInfo]:
    """The newest certificates issued at these centres."""
    result = await session.scalars(
        select(Certificate)
        .where(Certificate.place_id.in_(place_ids))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(limit)
    )
    return [plain(CertificateInfo, certificate) for certificate in result]


async def revoke(
    session: AsyncSession, certificate_id: int, place_ids: list[int], now: datetime
) -> bool:
    """Revoke a certificate of one of these centres; False if not theirs or already."""
    revoked = await changed_rows(
        session,
        update(Certificate)
        .where(
            Certificate.id == certificate_id,
            Certificate.place_id.in_(place_ids),
            Certificate.revoked_at.is_(None),
        )
        .values(revoked_at=now),
    )
    await session.flush()
    return bool(revoked)
