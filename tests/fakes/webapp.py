"""What Telegram's client hands a Mini App: `initData` signed with the bot's token, as
`telegram-web-app.js` would give it to the page."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode

from bot.web.signin import signature


def init_data(
    token: str,
    *,
    user_id: int,
    first_name: str,
    signed_at: datetime,
    language_code: str = "pl",
    **extra: str,
) -> str:
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(
            {"id": user_id, "first_name": first_name, "language_code": language_code},
            separators=(",", ":"),
            ensure_ascii=False,
        ),
        "auth_date": str(int(signed_at.timestamp())),
        **extra,
    }
    return urlencode({**fields, "hash": signature(fields, token)})
