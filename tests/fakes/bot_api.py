"""A small Bot API server on 127.0.0.1 for end-to-end tests: it queues updates for
`getUpdates`, answers the sending methods like Telegram, and records every call."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.telegram_rules import MESSAGE_LIMIT, TelegramRuleBroken, check_html

BOT_ID = 123456789
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Sąsiad", "username": "sasiad_e2e_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    wall: float = field(default_factory=time.time)


@dataclass
class FakeBotApi:
    calls: list[Call] = field(default_factory=list)
    delivered: list[Call] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(700))
    _runner: web.AppRunner | None = None
    base_url: str = ""
    # Like Telegram: more than `ceiling` sends in one second are answered with 429.
    ceiling: int | None = None
    too_many: int = 0
    _second: int = 0
    _in_second: int = 0
    reject_token: bool = False
    # Like Telegram: getUpdates is refused (409) while a webhook is set.
    webhook_set: bool = False
    # A call for which this says yes is recorded and never answered, as if the network
    # hung: the bot is then mid-update, for a test to kill it there.
    stall: Callable[[str], bool] | None = None
    stalled: asyncio.Event = field(default_factory=asyncio.Event)
    # The next call of a method ("sendMessage") is refused with this error (429 or 403).
    refuse_next: dict[str, int] = field(default_factory=dict)
    # The last update id the bot confirmed by asking getUpdates for the ones after it.
    confirmed: int = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # A stalled call never answers; on stop it is dropped after a second, where
        # aiohttp would wait its default 60 s for it (a teardown of a minute).
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def push(self, kind: str, payload: dict[str, Any]) -> None:
        async with self._changed:
            self._updates.append({"update_id": next(self._update_ids), kind: payload})
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[list[Call]], Any], timeout: float = 30) -> Any:
        """Wait until the recorded calls satisfy `predicate` (event-driven, no polling sleep)."""

        async def until() -> Any:
            async with self._changed:
                while not (result := predicate(self.calls)):
                    await self._changed.wait()
                return result

        return await asyncio.wait_for(until(), timeout)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params = {key: _decode(str(value)) for key, value in form.items()}
        if self.reject_token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if method.lower() == "getupdates":
            if self.webhook_set:
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 409,
                        "description": "Conflict: can't use getUpdates method while webhook "
                        "is active; use deleteWebhook to delete the webhook first",
                    },
                    status=409,
                )
            return _ok(await self._get_updates(params))
        if self.stall is not None and self.stall(method):
            async with self._changed:
                self.calls.append(Call(method, params))
                self._changed.notify_all()
            self.stalled.set()
            await asyncio.Event().wait()
        async with self._changed:
            self.calls.append(Call(method, params))
            refusal = self.refuse_next.pop(method, None)
            if refusal is not None:
                self._changed.notify_all()
                return _refused(refusal)
            try:
                result = self._answer(method, params)
            except TooManyRequests:
                self.too_many += 1
                return _refused(429)
            except TelegramRuleBroken as broken:
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": f"Bad Request: {broken}"},
                    status=400,
                )
            finally:
                self._changed.notify_all()
            if method.lower() == "sendmessage":
                self.delivered.append(Call(method, params))
            return _ok(result)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        async with self._changed:
            if offset > self.confirmed:
                # The bot confirms an update (asks from the next one) once it is handled.
                self.confirmed = offset - 1
                self._changed.notify_all()
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates:
                try:
                    # Telegram may answer a long poll early; a short wait keeps shutdown quick.
                    wait = min(float(params.get("timeout") or 0), 1.0)
                    await asyncio.wait_for(self._changed.wait(), wait)
                except TimeoutError:
                    pass
            return list(self._updates)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        name = method.lower()
        if name == "getme":
            return BOT_USER
        if name in {"setwebhook", "deletewebhook"}:
            self.webhook_set = name == "setwebhook"
        if name == "getwebhookinfo":
            return {
                "url": "https://sasiad.example.org/telegram/webhook" if self.webhook_set else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
        if name == "sendmessage" and self._over_ceiling():
            raise TooManyRequests
        if name in {"sendmessage", "editmessagetext"}:
            check_html(params["text"], MESSAGE_LIMIT)
            return {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "from": BOT_USER,
                "text": params["text"],
            }
        return True

    def _over_ceiling(self) -> bool:
        if self.ceiling is None:
            return False
        second = int(time.monotonic())
        if second != self._second:
            self._second, self._in_second = second, 0
        self._in_second += 1
        return self._in_second > self.ceiling


def _refused(status: int) -> web.Response:
    """Telegram's answers to a flood (429, try again in a second) and to someone who
    blocked the bot (403)."""
    if status == 429:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
    else:
        body = {
            "ok": False,
            "error_code": 403,
            "description": "Forbidden: bot was blocked by the user",
        }
    return web.json_response(body, status=status)


class TooManyRequests(Exception):
    pass


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})
