"""How a help request reads in a message, in the current language."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.db.statuses import RequestStatus
from bot.services.plain import RequestInfo, RequestText
from bot.views.labels import PART_LABELS, long_date, talent


def when(request: RequestText) -> str:
    language = get_i18n().current_locale
    day = long_date(request.day, language) if request.day else _("any day")
    part = str(PART_LABELS[request.part]) if request.part is not None else _("any time")
    return f"{day}, {part}"


def status(request: RequestInfo) -> str:
    labels = {
        RequestStatus.OPEN: _("🔎 looking for a volunteer"),
        RequestStatus.MATCHED: _("🤝 a volunteer is coming"),
        RequestStatus.DONE: _("✅ done, waiting for your confirmation"),
        RequestStatus.CLOSED: _("✅ done"),
        RequestStatus.CANCELLED: _("✖️ cancelled"),
    }
    return labels.get(RequestStatus(request.status), request.status)


def summary(
    request: RequestText, district: str | None, *, address: bool, requester: bool = False
) -> str:
    """Category, time, district (its name, read by the caller: views never query) and
    description; the address only where allowed, and the name and phone of someone
    registered by an animator only for that animator."""
    lines = [
        f"<b>{escape(talent(request.category))}</b>",
        _("When: {when}").format(when=when(request)),
    ]
    if district is not None:
        lines.append(_("Where: {district}").format(district=escape(district)))
    lines.append(f"«{escape(request.description)}»")
    if address and request.address:
        lines.append(_("Address: {address}").format(address=escape(request.address)))
    if requester and request.on_behalf_name:
        lines.append(
            _("👤 For: {name}, {phone}").format(
                name=escape(request.on_behalf_name), phone=escape(request.on_behalf_phone or "")
            )
        )
    return "\n".join(lines)


def resident_cancelled() -> str:
    return _("The resident cancelled this request; you do not need to go. Thank you!")


def volunteer_gave_back() -> str:
    return _("The volunteer cannot come after all. I am looking for someone else.")
