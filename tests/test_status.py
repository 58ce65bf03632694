"""`sasiad status`: the real command against the fake Bot API and a real database file;
exit 0 only when all is well (#36)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.bot_api import FakeBotApi
from tests.fakes.process import start_process

# The real process on SQLite files of its own: the PostgreSQL run of .ci/run leaves it out.
pytestmark = [pytest.mark.process, pytest.mark.own_sqlite]


async def status(api: FakeBotApi, database: Path) -> tuple[int, str]:
    url = f"sqlite+aiosqlite:///{database}"
    process = await start_process(api, url, database.parent, "status")
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, output.decode()


def _stored(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


async def test_status_says_what_needs_care_and_exits_0_only_when_all_is_well(
    api: FakeBotApi, tmp_path: Path
) -> None:
    database = tmp_path / "sasiad.db"
    upgrade = await start_process(api, f"sqlite+aiosqlite:///{database}", tmp_path, "db", "upgrade")
    await upgrade.communicate()

    code, said = await status(api, database)
    assert code == 1
    assert "ok  database  reachable, migration 0018" in said
    assert "ok  telegram  @" in said
    assert "long polling, 0 updates waiting" in said
    assert "NO  timers    never ran" in said
    assert said.rstrip().endswith("Something needs care.")

    now = datetime.now(UTC)
    with sqlite3.connect(database) as connection:
        for job in ("matching", "reminders"):
            connection.execute(
                "INSERT INTO job_leases (name, holder, until) VALUES (?, 'host:1', ?)",
                (job, _stored(now + timedelta(seconds=40))),
            )
    code, said = await status(api, database)
    assert (code, said.rstrip().splitlines()[-1]) == (0, "All is well."), said
    assert "ok  jobs      none has run yet" in said

    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO job_runs (name, started_at, seconds, ok) VALUES ('digest', ?, 0.25, 0)",
            (_stored(now - timedelta(hours=2)),),
        )
    code, said = await status(api, database)
    assert code == 1
    assert "NO  jobs      digest 1" in said
    assert "ago in 0.2 s and FAILED (see the log)" in said
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE job_runs SET ok = 1")

    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO outbox (chat_id, text, kind, status, due_at, created_at, attempts) "
            "VALUES (1, 'x', 'notice', 'pending', ?, ?, 0)",
            (_stored(now - timedelta(minutes=30)), _stored(now - timedelta(minutes=30))),
        )
    code, said = await status(api, database)
    assert code == 1
    assert "NO  outbox    1 due to send, the oldest due 30 min" in said

    code, said = await status(api, tmp_path)  # a folder: no database can be read there
    assert code == 1
    assert "NO  database  cannot be read" in said
