"""`sasiad backup` and `sasiad restore` on the embedded SQLite database (#36)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.__main__ import main
from bot.config import Settings
from bot.db.job_runs import last_runs
from bot.runtime.scheduler import backup_job, build_scheduler
from tests.conftest import PG_URL
from tests.harness import START, FakeClock


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "sasiad.db"
    monkeypatch.setenv("SASIAD_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.delenv("SASIAD_BOT_TOKEN", raising=False)
    assert main(["places", "add", "--name", "MAL Żoliborz", "--slug", "mal-zoliborz"]) == 0
    return path


def _places(capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["places", "list"]) == 0
    return [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]


def test_a_backup_brings_the_database_back_and_keeps_the_one_it_replaces(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "backups" / "monday.db"
    copy.parent.mkdir()
    assert main(["backup", str(copy)]) == 0
    assert f"Backed up to {copy} (migration 0018, 0 people, 0 requests)." in (
        capsys.readouterr().out
    )
    assert main(["places", "add", "--name", "CAL Bródno", "--slug", "cal-brodno"]) == 0
    assert _places(capsys) == ["cal-brodno", "mal-zoliborz"]

    assert main(["restore", str(copy)]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Restored {copy} (migration 0018, 0 people); the database it")
    assert _places(capsys) == ["mal-zoliborz"]
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("sasiad.db.before-")]
    assert len(kept) == 1, "the database the backup replaced is kept"


def test_a_backup_never_overwrites_a_file(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"precious")
    assert main(["backup", str(taken)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert taken.read_bytes() == b"precious"


def test_restore_refuses_what_is_not_a_sasiad_backup(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for wrong, reason in (
        (other, "is not a Sąsiad database"),
        (text, "is not a Sąsiad database"),
        (tmp_path / "none.db", "There is no file"),
    ):
        assert main(["restore", str(wrong)]) == 2
        assert reason in capsys.readouterr().err
    assert _places(capsys) == ["mal-zoliborz"], "nothing changed"


def test_restore_refuses_while_the_bot_runs(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.db"
    assert main(["backup", str(copy)]) == 0
    soon = (datetime.now(UTC) + timedelta(seconds=30)).replace(tzinfo=None)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO job_leases (name, holder, until) VALUES ('matching', 'host:1', ?)",
            (soon.isoformat(sep=" "),),
        )
    assert main(["restore", str(copy)]) == 2
    assert "The bot seems to be running" in capsys.readouterr().err


def test_postgresql_is_pointed_to_its_own_tools(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SASIAD_DATABASE_URL", "postgresql+asyncpg://sasiad:secret@db/sasiad")
    assert main(["backup", "x.dump"]) == 2
    err = capsys.readouterr().err
    assert "pg_dump --format=custom" in err
    assert "secret" not in err


@pytest.mark.skipif(bool(PG_URL), reason="the nightly copy is of the embedded SQLite file")
async def test_the_nightly_copy_keeps_the_newest_few_and_notes_its_run(
    settings: Settings,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "nightly"
    nightly = settings.model_copy(
        update={"database_url": database_url, "backup_dir": folder, "backup_keep": 2}
    )
    clock = FakeClock(START)
    for _night in range(3):
        await backup_job(i18n, session_factory, clock, nightly)
        clock.advance(days=1)
    kept = sorted(path.name for path in folder.iterdir())
    assert kept == ["sasiad-20261124-100000.db", "sasiad-20261125-100000.db"]
    async with session_factory() as session:
        (run,) = await last_runs(session)
    assert (run.name, run.ok) == ("backup", True)
    jobs = build_scheduler(i18n, session_factory, clock, nightly).get_jobs()
    assert "backup" in {job.id for job in jobs}
