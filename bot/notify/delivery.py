"""Queues what the services decided (offers, escalations, notices to the other side of a
task) in each recipient's language. Everything goes through the durable outbox; the
sender in `bot.notify.sender` delivers it within Telegram's limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.keyboards import volunteering as vkb
from bot.services.centres.places import district_name, place_animators, user_timezone
from bot.services.defaults import LANGUAGE, language_of
from bot.services.happened import MessageRelayed, TaskNews, TaskNewsFor, VolunteerVerified
from bot.services.helping.offers import EscalationReason, MatchingOutcome, Recipient
from bot.services.helping.requests import get_request
from bot.services.messaging.outbox import Notice, queue
from bot.services.people.users import get_person
from bot.services.plain import Person, RequestInfo
from bot.views.formatting import long_date
from bot.views.requests import resident_cancelled, summary, volunteer_gave_back, when


async def send_notice(
    session: AsyncSession,
    clock: Clock,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    kind: str = "notice",
    not_before: datetime | None = None,
    dedupe_key: str | None = None,
) -> None:
    """Queue one message the bot starts on its own initiative, in the caller's
    transaction: it leaves only if the change that caused it commits."""
    notice = Notice(chat_id, text, kind, _json(markup), not_before, dedupe_key)
    await queue(session, [notice], now=clock())


Composed = tuple[str, InlineKeyboardMarkup | None]
Compose = Callable[[], Awaitable[Composed]]


async def notify(
    i18n: I18n,
    session: AsyncSession,
    clock: Clock,
    person: Person,
    compose: Compose,
    *,
    kind: str,
    not_before: datetime | None = None,
    dedupe_key: str | None = None,
) -> None:
    """Queue a message composed in the person's own language."""
    with i18n.context(), i18n.use_locale(language_of(person)):
        text, markup = await compose()
    await send_notice(
        session,
        clock,
        person.telegram_id,
        text,
        markup,
        kind=kind,
        not_before=not_before,
        dedupe_key=dedupe_key,
    )


async def notify_animators(
    i18n: I18n,
    session: AsyncSession,
    clock: Clock,
    place_id: int,
    compose: Compose,
    *,
    kind: str,
    dedupe_prefix: str,
    not_before: datetime | None = None,
) -> None:
    """The same news to every animator of the place, each in their language and once
    (the dedupe key is `dedupe_prefix` and the animator)."""
    for animator in await place_animators(session, place_id):
        await notify(
            i18n,
            session,
            clock,
            animator,
            compose,
            kind=kind,
            not_before=not_before,
            dedupe_key=f"{dedupe_prefix}:{animator.id}",
        )


ESCALATION_HEADINGS: dict[EscalationReason, Callable[[], str]] = {
    EscalationReason.NOBODY: lambda: _("⚠️ Nobody has taken this request yet. Please find someone:"),
    EscalationReason.NO_TALENT: lambda: _(
        "⚠️ Nobody with the skills this needs is free. Please find someone:"
    ),
}


async def deliver(
    i18n: I18n,
    session: AsyncSession,
    clock: Clock,
    outcome: MatchingOutcome,
    default_language: str = LANGUAGE,
) -> None:
    """Queue a matching outcome (offers, escalations) in the caller's transaction."""
    notices: list[Notice] = []
    for sent in outcome.offers:
        request = await get_request(session, sent.request_id)
        if request is None:
            continue
        with i18n.context(), i18n.use_locale(_language(sent.volunteer, default_language)):
            heading = (
                _("🙋 A neighbour may not make it. Could you step in?")
                if request.standby_at is not None
                else _("🙋 A neighbour needs help. Can you do it?")
            )
            text = heading + "\n\n"
            text += summary(
                request, await district_name(session, request.district_id), address=False
            )
            markup = vkb.offer(sent.offer_id)
        notices.append(Notice(sent.volunteer.telegram_id, text, "offer", _json(markup)))
    for escalation in outcome.escalations:
        request = await get_request(session, escalation.request_id)
        if request is None:
            continue
        for animator in escalation.animators:
            with i18n.context(), i18n.use_locale(_language(animator, default_language)):
                text = ESCALATION_HEADINGS[escalation.reason]() + "\n\n"
                text += summary(
                    request, await district_name(session, request.district_id), address=False
                )
                markup = vkb.candidates(request.id)
            notices.append(
                Notice(
                    animator.telegram_id,
                    text,
                    "escalation",
                    _json(markup),
                    escalation.not_before,
                )
            )
    await queue(session, notices, now=clock())


def _json(markup: InlineKeyboardMarkup | None) -> str | None:
    return markup.model_dump_json(exclude_none=True) if markup else None


def _language(recipient: Recipient, default: str) -> str:
    return recipient.language or default


async def tell_about_task(
    i18n: I18n,
    session: AsyncSession,
    clock: Clock,
    person: Person | None,
    text: Callable[[], str],
    request: RequestInfo,
    markup: Callable[[], InlineKeyboardMarkup] | None = None,
) -> None:
    """Tell one side of a task what happened, in their language, with the request below.
    Texts come as callables so that they are translated inside that person's locale;
    the requester also sees for whom an animator registered it."""
    if person is None:
        return

    async def compose() -> Composed:
        requester = person.id == request.requester_id
        body = (
            text()
            + "\n\n"
            + summary(
                request,
                await district_name(session, request.district_id),
                address=False,
                requester=requester,
            )
        )
        return body, markup() if markup is not None else None

    await notify(i18n, session, clock, person, compose, kind="notice")


def _accepted(news: TaskNewsFor, request: RequestInfo) -> str:
    return _("🤝 Good news: {name} will help you ({when}).").format(
        name=escape(news.actor), when=when(request)
    )


def _done(news: TaskNewsFor, _request: RequestInfo) -> str:
    return _("{name} says the task is done. Did it go well?").format(name=escape(news.actor))


def _closed(news: TaskNewsFor, _request: RequestInfo) -> str:
    return _("An animator closed your request. Their message:") + "\n\n" + escape(news.note)


NEWS_TEXT: dict[TaskNews, Callable[[TaskNewsFor, RequestInfo], str]] = {
    TaskNews.ACCEPTED: _accepted,
    TaskNews.DONE: _done,
    TaskNews.CONFIRMED: lambda _news, _request: _("❤️ The resident confirmed and thanks you!"),
    TaskNews.NO_SHOW: lambda _news, _request: _(
        "The resident says this task did not happen. "
        "If that is a mistake, please tell the animator."
    ),
    TaskNews.HANDED_BACK: lambda _news, _request: volunteer_gave_back(),
    TaskNews.NOT_MET: lambda _news, _request: _(
        "The volunteer came but could not find you. I am looking for someone again; "
        "if you no longer need help, cancel the request in /requests."
    ),
    TaskNews.CANCELLED: lambda _news, _request: resident_cancelled(),
    TaskNews.RELEASED: lambda _news, _request: _(
        "Thank you! Another neighbour has stepped in for this task, so you need not come. 🌿"
    ),
    TaskNews.REDATED: lambda _news, _request: _(
        "📅 An animator changed the date of your request, to find a volunteer sooner:"
    ),
    TaskNews.CLOSED: _closed,
}
# What the resident can do under each piece of news: write first once someone accepts;
# confirm (or say it did not happen) only once the volunteer says it is done.
NEWS_BUTTONS: dict[TaskNews, Callable[[int], InlineKeyboardMarkup]] = {
    TaskNews.ACCEPTED: vkb.resident_accepted,
    TaskNews.DONE: vkb.resident_confirm,
}


async def tell_task_news(
    i18n: I18n, session: AsyncSession, clock: Clock, happened: TaskNewsFor
) -> None:
    """One side of a task hears what happened to it, with the request below."""
    request = await get_request(session, happened.request_id)
    person = await get_person(session, happened.person_id) if happened.person_id else None
    if request is None:
        return
    buttons = NEWS_BUTTONS.get(happened.news)
    markup = partial(buttons, request.id) if buttons is not None else None
    text = partial(NEWS_TEXT[happened.news], happened, request)
    await tell_about_task(i18n, session, clock, person, text, request, markup)


async def _notify_by_id(
    i18n: I18n, session: AsyncSession, clock: Clock, user_id: int, compose: Compose, kind: str
) -> None:
    """`notify` someone who may have left meanwhile (then nobody is told)."""
    person = await get_person(session, user_id)
    if person is not None:
        await notify(i18n, session, clock, person, compose, kind=kind)


async def tell_verified(
    i18n: I18n, session: AsyncSession, clock: Clock, happened: VolunteerVerified
) -> None:
    async def compose() -> Composed:
        text = _("✅ An animator has verified you: you can now be asked for help at home too.")
        volunteer = await get_person(session, happened.volunteer_id)
        if happened.until is not None and volunteer is not None:
            timezone = await user_timezone(session, volunteer)
            text += " " + _("The verification holds until {day}.").format(
                day=long_date(happened.until, timezone)
            )
        return text, None

    await _notify_by_id(i18n, session, clock, happened.volunteer_id, compose, "notice")


async def tell_relayed(
    i18n: I18n, session: AsyncSession, clock: Clock, relayed: MessageRelayed
) -> None:
    """What one side of a task wrote, passed to the other, with a button to answer."""

    async def compose() -> Composed:
        heading = _("✉️ {name} writes about your task:").format(name=escape(relayed.from_name))
        return heading + "\n\n" + escape(relayed.text), vkb.reply_to(relayed.request_id)

    await _notify_by_id(i18n, session, clock, relayed.to_user_id, compose, "relay")
