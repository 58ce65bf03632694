"""The `sasiad` command line and its configuration errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from bot.__main__ import main
from bot.config import ConfigError, Settings
from bot.runtime.database import engine_for

CLEAN_ENV = {key: value for key, value in os.environ.items() if not key.startswith("SASIAD_")}


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**CLEAN_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.process
@pytest.mark.parametrize(
    ("token", "variable"),
    [(None, "SASIAD_BOT_TOKEN"), ("not-a-token", "SASIAD_BOT_TOKEN")],
)
def test_run_without_a_usable_token_says_what_to_set(
    tmp_path, token: str | None, variable: str
) -> None:
    env = {"SASIAD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    if token is not None:
        env["SASIAD_BOT_TOKEN"] = token
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env={**CLEAN_ENV, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.process
def test_malformed_admin_ids(tmp_path) -> None:
    result = run_cli("db", "upgrade", SASIAD_ADMIN_IDS="12,abc")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "SASIAD_ADMIN_IDS is not valid: "
        "Value error, use numeric Telegram user ids separated by commas."
    )


@pytest.mark.process
def test_a_pool_size_of_zero_is_refused_in_one_sentence() -> None:
    result = run_cli("db", "upgrade", SASIAD_DATABASE_POOL_SIZE="0")
    assert result.returncode == 2
    assert result.stderr.startswith("SASIAD_DATABASE_POOL_SIZE is not valid")


def test_the_pool_size_setting_reaches_the_engine() -> None:
    # Built without connecting: the pool only opens connections when asked for one.
    settings = Settings(
        _env_file=None,
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        database_pool_size=3,
    )
    assert engine_for(settings).pool.size() == 3, "the setting reaches the bot's engine"


def test_settings_parse_admin_ids() -> None:
    assert Settings(_env_file=None, admin_ids="1, 2 3").admin_ids == frozenset({1, 2, 3})
    with pytest.raises(ConfigError):
        Settings(_env_file=None).require_token()


@pytest.mark.usefixtures("engine")  # on PostgreSQL: the tables emptied of earlier tests
def test_places_and_invite_from_the_command_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SASIAD_DATABASE_URL", database_url)
    monkeypatch.delenv("SASIAD_BOT_TOKEN", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert (
        main(
            [
                "places",
                "add",
                "--name",
                "MAL Żoliborz",
                "--slug",
                "mal-zoliborz",
                "--districts",
                "Marymont, Sady",
                "--organisation",
                "Stowarzyszenie Sąsiedzkie",
            ]
        )
        == 0
    )
    assert "Added MAL Żoliborz (mal-zoliborz), 2 district(s)." in capsys.readouterr().out
    assert main(["places", "list"]) == 0
    assert (
        "mal-zoliborz\tMAL Żoliborz\tEurope/Warsaw\tStowarzyszenie Sąsiedzkie\n"
        in capsys.readouterr().out
    ), "the organisation, as printed on certificates"
    assert main(["places", "add", "--name", "Again", "--slug", "mal-zoliborz"]) == 2
    assert capsys.readouterr().err.endswith(
        "Not done: Another place already uses that link name. Please choose a different one.\n"
    )
    assert main(["places", "add", "--name", "Bad", "--slug", "bad slug!"]) == 2
    err = capsys.readouterr().err
    assert "Not done: Please use only small letters a–z, digits and hyphens" in err
    assert "InvalidSlug" not in err
    assert "Context impl" not in err, "Alembic's INFO lines are for the running bot's log"
    assert main(["invite", "--place", "mal-zoliborz", "--bot-username", "@sasiad_bot"]) == 0
    assert capsys.readouterr().out.startswith("https://t.me/sasiad_bot?start=invite-")
    assert main(["invite", "--place", "nope"]) == 2


def test_printing_and_charting_load_only_when_used() -> None:
    """The bot's start imports every handler; PDF, imaging and charting (tens of MB) load
    only when a certificate, poster or chart is made (#18's memory budget)."""
    script = (
        "import sys; import bot.__main__, bot.runtime.app, bot.handlers; "
        "heavy = {'fpdf', 'PIL', 'qrcode', 'matplotlib', 'icalendar'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.process
def test_one_off_commands_do_not_load_the_bot(tmp_path) -> None:
    """`sasiad places list`, `db upgrade`, `invite` and a refused `places add` answer
    without importing aiogram, which took 3 of their 4 seconds (#36)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    script = (
        "import sys; from bot.__main__ import main; "
        "codes = [main(['db', 'upgrade']), main(['places', 'list']), "
        "main(['places', 'add', '--name', 'X', '--slug', 'x-y']), "
        "main(['invite', '--place', 'x-y'])]; "
        "print(codes, 'aiogram' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**CLEAN_ENV, "SASIAD_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip().splitlines()[-1] == "[0, 0, 0, 0] False"


@pytest.mark.usefixtures("engine")  # on PostgreSQL: the tables emptied of earlier tests
@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (["--slug", "bad slug!"], "Please use only small letters a–z, digits and hyphens"),
        (["--slug", "taken"], "Another place already uses that link name."),
        (["--timezone", "Mars/Olympus"], "I do not know that time zone."),
        (["--districts", ", ".join(f"D{n}" for n in range(61))], "too many districts (at most"),
        (["--name", "   "], "Please write some text."),
        (["--name", "M" * 101], "That is too long (101 characters; at most 100)."),
    ],
    ids=["slug", "taken", "timezone", "districts", "empty name", "long name"],
)
def test_every_bad_value_at_the_command_line_is_a_sentence(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    sentence: str,
) -> None:
    """Each refusal of `services/errors.py` reads as a sentence with what to do, never a
    class name; nothing is added."""
    monkeypatch.setenv("SASIAD_DATABASE_URL", database_url)
    assert main(["places", "add", "--name", "Taken", "--slug", "taken"]) == 0
    given = {"--name": "MAL Nowy", "--slug": "mal-nowy"}
    for flag, value in zip(arguments[::2], arguments[1::2], strict=True):
        given[flag] = value
    capsys.readouterr()
    assert main(["places", "add", *[part for pair in given.items() for part in pair]]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Not done: ")
    assert sentence in err
    assert not re.search(r"\b(Invalid|Unknown|TooMany|TooLong|Empty|Taken)[A-Z]\w*", err)
    assert main(["places", "list"]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["taken"]
