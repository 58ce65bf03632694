"""`sasiad backup PATH` and `sasiad restore PATH` for the embedded SQLite database.

A backup is taken with SQLite's online backup API, page by page, so it is consistent
even while the bot writes; then it is opened and checked like a restore would check it.
A restore refuses a file that is not a Sąsiad database at a known migration, and
refuses while the bot runs (its timers hold a lease in `job_leases`); the database it
replaces is kept beside it, and the restored one is migrated to the newest revision.
PostgreSQL has `pg_dump` / `pg_restore` for this: the command says how to call them.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.db.migrations import revisions


class BackupRefused(Exception):
    """One sentence for the operator."""


@dataclass(frozen=True)
class Checked:
    revision: str
    people: int
    requests: int


def sqlite_file(database_url: str) -> Path:
    """The SQLite file of the URL; PostgreSQL gets the command to use instead."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=True)
        raise BackupRefused(
            "On PostgreSQL use its own tools: "
            f"pg_dump --format=custom --file=sasiad.dump '{dsn}' "
            "(and pg_restore --clean --dbname=... sasiad.dump to bring it back)."
        )
    if not url.database:
        raise BackupRefused("SASIAD_DATABASE_URL names no database file.")
    return Path(url.database)


def check(path: Path) -> Checked:
    """A Sąsiad database at a migration this version knows, or `BackupRefused`."""
    if not path.is_file():
        raise BackupRefused(f"There is no file at {path}.")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            people = connection.execute("SELECT count(*) FROM users").fetchone()[0]
            requests = connection.execute("SELECT count(*) FROM help_requests").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{path} is not a Sąsiad database ({error}).") from error
    if revision is None or revision[0] not in revisions():
        raise BackupRefused(f"{path} is at a migration this version does not know.")
    return Checked(revision[0], people, requests)


def back_up(database: Path, target: Path) -> Checked:
    """An online copy of `database` at `target` (which must not exist), checked."""
    if target.exists():
        raise BackupRefused(f"{target} exists already; choose a new name.")
    check(database)
    with sqlite3.connect(database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        # One file, not three: a copy is moved and kept, never written to.
        copy.execute("PRAGMA journal_mode=DELETE")
    return check(target)


# A running bot's timers renew their leases every minute or so (SASIAD_MATCHING_INTERVAL
# _SECONDS); one that ended less than this ago still means the bot runs.
STILL_RUNNING = timedelta(minutes=2)


def running_until(database: Path, now: datetime) -> datetime | None:
    """The end of the latest lease of a bot's timers, if the bot seems to run."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute("SELECT max(until) FROM job_leases").fetchone()
    if row is None or row[0] is None:
        return None
    until = datetime.fromisoformat(row[0]).replace(tzinfo=UTC)
    return until if until > now - STILL_RUNNING else None


def restore(backup: Path, database: Path, now: datetime) -> tuple[Checked, Path | None]:
    """`backup` becomes the database; the one it replaces is kept as `<name>.before-…`."""
    checked = check(backup)
    kept = None
    if database.exists():
        busy = running_until(database, now)
        if busy is not None:
            raise BackupRefused(
                f"The bot seems to be running (its timers' lease runs to {busy:%H:%M:%S} "
                "UTC): stop it, wait two minutes, then restore."
            )
        kept = database.with_name(f"{database.name}.before-{now:%Y%m%d-%H%M%S}")
        shutil.move(database, kept)
    with sqlite3.connect(backup) as source, sqlite3.connect(database) as target:
        source.backup(target)
    return checked, kept


BACKUP_NAME = "sasiad-*.db"


def nightly(database: Path, folder: Path, keep: int, now: datetime) -> Path:
    """Tonight's copy in `folder` (`SASIAD_BACKUP_DIR`), and only the newest `keep`
    (`SASIAD_BACKUP_KEEP`) of them kept: an older copy goes once a newer one is checked."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"sasiad-{now:%Y%m%d-%H%M%S}.db"
    back_up(database, target)
    for old in sorted(folder.glob(BACKUP_NAME))[:-keep]:
        old.unlink()
    return target
