"""Scale-out: two `sasiad run --webhook` replicas as real processes on PostgreSQL and
Redis, fed one user's onboarding alternately, as a load balancer would."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import PG_URL, REDIS_URL
from tests.fakes.bot_api import BOT_USER, FakeBotApi
from tests.fakes.process import start_process
from tests.test_end_to_end import PERSON, _button, _chat_message, _sent_to_person
from tests.test_metrics import samples

# These start the real bot process: `pytest -m "not process"` is the fast loop.
pytestmark = pytest.mark.process

SECRET = "replica-test-secret-0123456789"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
PATH = "/telegram/webhook"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Replica:
    process: asyncio.subprocess.Process
    port: int
    lines: list[str] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self) -> None:
        """Drain the log (so the process never blocks on it) and notice when it listens."""
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            line = raw.decode().rstrip()
            self.lines.append(line)
            if "is running (webhook" in line:
                self.ready.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


async def _start(api: FakeBotApi, tmp_path: Path) -> Replica:
    port = _free_port()
    process = await start_process(
        api,
        str(PG_URL),
        tmp_path,
        "run",
        "--webhook",
        redis_url=str(REDIS_URL),
        webhook_url="https://bot.example.org",
        webhook_secret=SECRET,
        webhook_port=str(port),
        admin_ids="1",
    )
    return Replica(process, port)


def _update(update_id: int, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"update_id": update_id, kind: payload}


def _press(api: FakeBotApi, update_id: int, label: str) -> dict[str, Any]:
    data = next(b for c in reversed(_sent_to_person(api.calls)) if (b := _button(c, label)))
    message = _chat_message("…", 1) | {"from": BOT_USER}
    return _update(
        update_id,
        "callback_query",
        {
            "id": f"cb{update_id}",
            "from": PERSON,
            "chat_instance": "r",
            "message": message,
            "data": data,
        },
    )


@pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs PostgreSQL and Redis (CI)")
async def test_two_replicas_share_conversation_and_act_once(
    api: FakeBotApi, engine: AsyncEngine, tmp_path: Path
) -> None:
    redis = Redis.from_url(str(REDIS_URL))
    await redis.flushdb()
    await redis.aclose()
    replicas = [await _start(api, tmp_path), await _start(api, tmp_path)]
    readers = [asyncio.create_task(r.read()) for r in replicas]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.ready.wait() for r in replicas)), 90)
        async with aiohttp.ClientSession() as http:

            async def post(replica: Replica, update: dict[str, Any], **headers: str) -> int:
                async with http.post(
                    replica.url + PATH, json=update, headers=headers or HEADERS
                ) as response:
                    return response.status

            def texts() -> list[str]:
                return [c.params["text"] for c in _sent_to_person(api.calls)]

            a, b = replicas
            assert await post(a, _update(1, "message", _chat_message("/start", 1))) == 200
            assert "Jaki język wolisz?" in texts()[-1]
            assert await post(b, _press(api, 2, "Polski")) == 200
            assert "przechowuję Twoje imię" in texts()[-1]
            assert await post(a, _press(api, 3, "Zgadzam się")) == 200
            assert "Co Cię sprowadza" in texts()[-1]
            intent = _press(api, 4, "Chcę pomagać")
            assert await post(b, intent) == 200
            assert any("Gotowe, Jadwiga!" in text for text in texts())

            sent = len(api.calls)
            assert await post(a, intent) == 200, "a redelivery is answered, not acted on"
            assert len(api.calls) == sent

            help_update = _update(5, "message", _chat_message("/help", 5))
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret-000000"}
            assert await post(a, help_update, **wrong) == 403
            async with http.post(a.url + PATH, json=help_update) as response:
                assert response.status == 403
            assert len(api.calls) == sent, "a refused request does nothing"
            assert await post(b, help_update) == 200, "and did not use up the update id"
            assert "Sąsiad pomaga sąsiadom" in texts()[-1]

            counts = Counter((c.method, c.params["text"]) for c in _sent_to_person(api.calls))
            assert max(counts.values()) == 1, "every message was sent exactly once"

            async with http.get(b.url + "/healthz") as response:
                assert response.status == 200
                assert await response.json() == {"database": "ok", "redis": "ok"}

            # Each replica answers /metrics for itself; Prometheus sums them.
            handled = 0.0
            for replica in replicas:
                async with http.get(replica.url + "/metrics") as response:
                    assert response.status == 200
                    found = samples(await response.text())
                mine = [
                    value
                    for (name, labels), value in found.items()
                    if name == "sasiad_updates_total" and ("outcome", "handled") in labels
                ]
                assert sum(mine) > 0, "both replicas handled updates"
                handled += sum(mine)
                labels = {value for _name, pairs in found for _key, value in pairs}
                assert not any("Jadwiga" in v or str(PERSON["id"]) in v for v in labels)
            assert handled >= 5
        hooks = [c for c in api.calls if c.method == "setWebhook"]
        assert len(hooks) == 2
        assert hooks[0].params["url"] == "https://bot.example.org/telegram/webhook"
        assert hooks[0].params["secret_token"] == SECRET
    finally:
        for replica in replicas:
            if replica.process.returncode is None:
                replica.process.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(r.process.wait(), 30) for r in replicas]
        await asyncio.gather(*readers)
    assert codes == [0, 0], "\n".join(replicas[0].lines + replicas[1].lines)
    logged = [json.loads(line) for r in replicas for line in r.lines]
    handled = [line for line in logged if "update_id" in line]
    assert {line["user_id"] for line in handled} == {PERSON["id"]}
    assert not [line for r in replicas for line in r.lines if "Jadwiga" in line], (
        "no names or message text in the logs"
    )
