"""Starting the real `sasiad` process against a fake Bot API."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.fakes.bot_api import BOT_ID, FakeBotApi

TOKEN = f"{BOT_ID}:AAEndToEndTokenForTheFakeServer_xyz"


async def start_process(
    api: FakeBotApi, database_url: str, cwd: Path, *arguments: str, **settings: str
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SASIAD_")} | {
        "SASIAD_BOT_TOKEN": TOKEN,
        "SASIAD_API_BASE_URL": api.base_url,
        "SASIAD_DATABASE_URL": database_url,
        **{f"SASIAD_{key.upper()}": value for key, value in settings.items()},
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *(arguments or ("run",)),
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def start_bot(api: FakeBotApi, database: Path, **settings: str) -> asyncio.subprocess.Process:
    """`sasiad run` (long polling) on a SQLite file."""
    return await start_process(
        api, f"sqlite+aiosqlite:///{database}", database.parent, "run", **settings
    )
