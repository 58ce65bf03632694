"""/metrics from the real process (long polling, `SASIAD_METRICS_PORT`), after a scripted
exchange against the fake Bot API: the updates, the Bot API calls with a forced 429 and
a 403 (someone blocked the bot), and nobody's name or Telegram id in any label. Webhook
replicas are scraped in tests/test_replicas.py."""

from __future__ import annotations

import asyncio
import signal
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.bot_api import FakeBotApi
from tests.fakes.process import start_bot, start_process

# The real process on SQLite files of its own: the PostgreSQL run of .ci/run leaves it out.
pytestmark = [pytest.mark.process, pytest.mark.own_sqlite]

JADWIGA = {"id": 31337, "is_bot": False, "first_name": "Jadwiga", "language_code": "pl"}
BOGNA = {"id": 31338, "is_bot": False, "first_name": "Bogna", "language_code": "pl"}


def _start(person: dict[str, Any], message_id: int) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "chat": {"id": person["id"], "type": "private"},
        "from": person,
    }


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_updates_calls_refusals_and_blocked_people(
    api: FakeBotApi, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await start_bot(api, tmp_path / "metrics.db", metrics_port=str(port))
    try:
        await api.wait_for(lambda calls: any(c.method == "setMyCommands" for c in calls), 60)
        await api.push("message", _start(JADWIGA, 1))
        await api.wait_for(lambda calls: len(_answered(calls, JADWIGA)) == 1)
        api.refuse_next["sendMessage"] = 429
        await api.push("message", _start(JADWIGA, 2))
        await api.wait_for(lambda calls: len(_answered(calls, JADWIGA)) == 3, 30)
        api.refuse_next["sendMessage"] = 403
        await api.push("message", _start(BOGNA, 3))
        # Polling confirms an update only once it is handled (the 403 noted too).
        await api.wait_for(lambda _calls: api.confirmed >= 3, 30)
        async with (
            ClientSession() as client,
            client.get(f"http://127.0.0.1:{port}/metrics") as response,
        ):
            assert response.status == 200
            text = await response.text()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, output.decode()
    found = samples(text)
    updates = "sasiad_updates_total"
    assert found[(updates, (("kind", "message"), ("outcome", "handled")))] == 2
    assert found[(updates, (("kind", "message"), ("outcome", "blocked")))] == 1
    calls = "sasiad_bot_api_calls_total"
    assert found[(calls, (("method", "SendMessage"), ("result", "429")))] == 1
    assert found[(calls, (("method", "SendMessage"), ("result", "403")))] == 1
    assert found[(calls, (("method", "SendMessage"), ("result", "ok")))] == 2
    assert found[("sasiad_users_blocked", ())] == 1
    assert found[("sasiad_outbox_oldest_due_seconds", ())] == 0
    labels = {value for _name, pairs in found for _key, value in pairs}
    for person in (JADWIGA, BOGNA):
        assert not any(str(person["id"]) in v or person["first_name"] in v for v in labels)


def _answered(calls: list[Any], person: dict[str, Any]) -> list[Any]:
    return [
        c for c in calls if c.method == "sendMessage" and c.params.get("chat_id") == person["id"]
    ]


async def test_a_worker_answers_metrics_on_its_own_port(api: FakeBotApi, tmp_path: Path) -> None:
    """`sasiad worker` has no Mini App: SASIAD_METRICS_PORT alone serves /metrics."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}"
    process = await start_process(api, url, tmp_path, "worker", metrics_port=str(port))
    try:
        ready = await _first_line_with(process, "metrics on 127.0.0.1")
        assert str(port) in ready
        async with (
            ClientSession() as client,
            client.get(f"http://127.0.0.1:{port}/metrics") as response,
        ):
            found = samples(await response.text())
        assert found[("sasiad_outbox_messages", (("state", "pending"),))] == 0
        assert found[("sasiad_announcements_sending", ())] == 0
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0


async def _first_line_with(process: asyncio.subprocess.Process, text: str) -> str:
    assert process.stdout is not None
    while line := (await asyncio.wait_for(process.stdout.readline(), 60)).decode():
        if text in line:
            return line
    raise AssertionError(f"the process ended before saying {text!r}")
