"""The `sasiad` command line: run the bot, migrate, and do the first set-up."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import system_clock
from bot.config import ConfigError, Settings
from bot.db.engine import make_session_factory
from bot.db.migrations import upgrade
from bot.db.unit_of_work import unit_of_work
from bot.runtime.backups import BackupRefused, back_up, restore, sqlite_file
from bot.runtime.database import engine_for
from bot.runtime.log_lines import configure_logging
from bot.services.centres.invites import INVITE_PREFIX, create_invite
from bot.services.centres.places import (
    create_place,
    get_place_by_slug,
    list_places,
    parse_districts,
)
from bot.services.errors import ServiceError

# The commands that run the bot (the rest answer and end).
LONG_RUNNING = {"run", "worker"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sasiad", description="Sąsiad: neighbourhood volunteering bot for Telegram."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot (long polling; migrates the database first)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve Telegram's webhook instead (replicas; see docs/deploy.md)",
    )
    commands.add_parser("worker", help="run only the timers and the outbox (see docs/deploy.md)")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply all migrations")

    places = commands.add_parser("places", help="list or add places (community centres)")
    places_commands = places.add_subparsers(dest="places_command", required=True, metavar="ACTION")
    places_commands.add_parser("list", help="list all places")
    add = places_commands.add_parser("add", help="add a place")
    add.add_argument("--name", required=True, help='for example "MAL Żoliborz"')
    add.add_argument("--slug", required=True, help="link name for posters, e.g. mal-zoliborz")
    add.add_argument("--districts", default="", help='comma-separated, e.g. "Marymont, Sady"')
    add.add_argument("--timezone", default=None, help="default: SASIAD_TIMEZONE")
    add.add_argument("--organisation", default=None, help="who runs it, as printed on certificates")

    backup = commands.add_parser(
        "backup", help="copy the SQLite database, safely while the bot runs (docs/deploy.md)"
    )
    backup.add_argument("path", help="a new file, e.g. backups/sasiad-2026-12-08.db")
    restore = commands.add_parser(
        "restore", help="bring a backup back (the bot must be stopped; the old file is kept)"
    )
    restore.add_argument("path", help="a file made by sasiad backup")

    commands.add_parser(
        "status", help="is all well? database, Telegram, outbox, timers (exit 0 only then)"
    )

    invite = commands.add_parser("invite", help="create a one-time animator invite link")
    invite.add_argument("--place", required=True, help="the place's link name (slug)")
    invite.add_argument(
        "--bot-username", default=None, help="to print a full t.me link (otherwise the payload)"
    )
    return parser


@asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A migrated database for one CLI action, committed when it succeeds."""
    engine = engine_for(settings)
    try:
        await upgrade(engine)
        async with unit_of_work(make_session_factory(engine)) as session:
            yield session
    finally:
        await engine.dispose()


async def _places_list(settings: Settings) -> int:
    async with _session(settings) as session:
        page = await list_places(session, page=0, per_page=10_000)
    for place in page.places:
        print(f"{place.slug}\t{place.name}\t{place.timezone}\t{place.organisation or ''}")
    if not page.places:
        print("No places yet. Add one with: sasiad places add --name ... --slug ...")
    return 0


async def _places_add(settings: Settings, args: argparse.Namespace) -> int:
    async with _session(settings) as session:
        place = await create_place(
            session,
            name=args.name,
            slug=args.slug,
            districts=parse_districts(args.districts),
            timezone=args.timezone or settings.timezone,
            now=system_clock(),
            organisation=args.organisation,
        )
    print(f"Added {place.name} ({place.slug}), {len(place.districts)} district(s).")
    return 0


async def _invite(settings: Settings, args: argparse.Namespace) -> int:
    async with _session(settings) as session:
        place = await get_place_by_slug(session, args.place)
        if place is None:
            print(f"No place with the link name {args.place!r}.", file=sys.stderr)
            return 2
        invite = await create_invite(
            session,
            place_id=place.id,
            created_by_user_id=None,
            now=system_clock(),
            ttl=timedelta(hours=settings.invite_ttl_hours),
        )
    payload = f"{INVITE_PREFIX}{invite.token}"
    if args.bot_username:
        print(f"https://t.me/{args.bot_username.lstrip('@')}?start={payload}")
    else:
        print(f"/start {payload}")
    print(f"Valid once, until {invite.expires_at:%Y-%m-%d %H:%M} UTC.", file=sys.stderr)
    return 0


async def _db_upgrade(settings: Settings) -> int:
    async with _session(settings):
        pass
    print("Database is up to date.")
    return 0


async def _status(settings: Settings) -> int:
    from bot.runtime.status import database_lines, screen, telegram_line

    lines = [*await database_lines(settings, system_clock()), await telegram_line(settings)]
    print(screen(lines))
    return 0 if all(line.ok for line in lines) else 1


def _backup(settings: Settings, target: Path) -> int:
    done = back_up(sqlite_file(settings.database_url), target)
    print(
        f"Backed up to {target} (migration {done.revision}, "
        f"{done.people} people, {done.requests} requests)."
    )
    return 0


async def _restore(settings: Settings, backup: Path) -> int:
    database = sqlite_file(settings.database_url)
    done, kept = restore(backup, database, system_clock())
    async with _session(settings):
        pass  # brings an older backup up to this version's schema
    before = f"; the database it replaced is kept as {kept}" if kept else ""
    print(f"Restored {backup} (migration {done.revision}, {done.people} people){before}.")
    return 0


def _dispatch(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "run" and args.webhook:
        from bot.runtime.webhook import run_webhook

        settings.require_token()
        settings.require_webhook()
        asyncio.run(run_webhook(settings))
        return 0
    if args.command in LONG_RUNNING:
        from bot.runtime.app import run_polling, run_worker

        settings.require_token()
        asyncio.run(run_polling(settings) if args.command == "run" else run_worker(settings))
        return 0
    if args.command == "db":
        return asyncio.run(_db_upgrade(settings))
    if args.command == "status":
        return asyncio.run(_status(settings))
    if args.command == "backup":
        return _backup(settings, Path(args.path))
    if args.command == "restore":
        return asyncio.run(_restore(settings, Path(args.path)))
    if args.command == "places":
        if args.places_command == "list":
            return asyncio.run(_places_list(settings))
        return asyncio.run(_places_add(settings, args))
    return asyncio.run(_invite(settings, args))


def in_english(error: ServiceError) -> str:
    """What went wrong, in the catalogues' words, in English, for the operator's terminal.
    Imported here: aiogram (the catalogues' runtime) takes seconds to load, and a
    one-off command that goes well never needs it."""
    from bot.i18n import build_i18n
    from bot.views.texts import input_problem

    i18n = build_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        return input_problem(error)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = "SASIAD_" + str(first["loc"][0]).upper() if first["loc"] else "a SASIAD_ setting"
        print(f"{field} is not valid: {first['msg']}.", file=sys.stderr)
        return 2
    webhook = getattr(args, "webhook", False)
    configure_logging(
        settings.log_level,
        json_lines=settings.log_format == "json" or (settings.log_format is None and webhook),
    )
    if args.command not in LONG_RUNNING:
        # A one-off command prints its answer; Alembic's "Context impl SQLiteImpl" and
        # "Will assume non-transactional DDL" lines are for the running bot's log.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return _dispatch(settings, args)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except BackupRefused as exc:
        print(f"Not done: {exc}", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"Not done: {in_english(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
