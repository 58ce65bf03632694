"""Sign-in exactly as Telegram specifies for Mini Apps: the page sends its `initData`
(`Authorization: tma <initData>`), and the server checks its HMAC-SHA256 signature
(the key is HMAC-SHA256 of the bot token under "WebAppData") with a constant-time
compare, and refuses one older than the allowed age. Nothing else the page says is
trusted. aiogram's `safe_parse_webapp_init_data` compares with `==` and checks no age,
so it is not used.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

SCHEME = "tma"
# A clock a little ahead on the phone is no reason to refuse.
CLOCK_SKEW = timedelta(minutes=5)


class SignInRefused(Exception):
    """The page's sign-in does not hold; `reason` is a short English phrase for the
    response and the log (never the data itself)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SignedIn:
    telegram_id: int
    first_name: str
    language_code: str | None
    signed_at: datetime


def init_data_of(authorization: str | None) -> str:
    """The `initData` of an `Authorization: tma <initData>` header."""
    scheme, _, init_data = (authorization or "").partition(" ")
    if scheme.lower() != SCHEME or not init_data.strip():
        raise SignInRefused("no Telegram sign-in")
    return init_data.strip()


def signature(fields: dict[str, str], bot_token: str) -> str:
    """The hex HMAC-SHA256 Telegram puts in `hash`: over every other field, sorted by
    name, as `name=value` lines; the key is HMAC-SHA256 of the token under "WebAppData"."""
    check = "\n".join(f"{name}={value}" for name, value in sorted(fields.items()))
    key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return hmac.new(key, check.encode(), hashlib.sha256).hexdigest()


def check_init_data(
    init_data: str, bot_token: str, *, now: datetime, max_age: timedelta
) -> SignedIn:
    """Who signed in, or `SignInRefused`: no or a wrong signature, a field changed, too
    old, or no user in it."""
    try:
        fields = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError as error:
        raise SignInRefused("not Telegram's sign-in data") from error
    received = fields.pop("hash", "")
    if not received:
        raise SignInRefused("no signature")
    if not hmac.compare_digest(signature(fields, bot_token), received):
        raise SignInRefused("the signature does not match")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
        user = json.loads(fields["user"])
        telegram_id = int(user["id"])
    except (KeyError, ValueError, TypeError) as error:
        raise SignInRefused("no user or date in the sign-in") from error
    if signed_at < now - max_age:
        raise SignInRefused("the sign-in is too old; open the app again")
    if signed_at > now + CLOCK_SKEW:
        raise SignInRefused("the sign-in is from the future")
    return SignedIn(
        telegram_id=telegram_id,
        first_name=str(user.get("first_name") or ""),
        language_code=user.get("language_code"),
        signed_at=signed_at,
    )
