"""The real `sasiad run` process against a fake Bot API over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import signal
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from bot.db.engine import make_engine, make_session_factory
from bot.db.migrations import upgrade
from bot.db.unit_of_work import unit_of_work
from bot.services.centres.places import create_place
from tests.fakes.bot_api import BOT_USER, Call, FakeBotApi
from tests.fakes.process import TOKEN, start_bot, start_process
from tests.fakes.webapp import init_data

# These start the real bot process: `pytest -m "not process"` is the fast loop.
# The real process on SQLite files of its own: the PostgreSQL run of .ci/run leaves it out.
pytestmark = [pytest.mark.process, pytest.mark.own_sqlite]

PERSON = {"id": 31337, "is_bot": False, "first_name": "Jadwiga", "language_code": "pl"}


def _chat_message(text: str, message_id: int) -> dict[str, Any]:
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if text.startswith("/")
        else []
    )
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "text": text,
        "entities": entities,
        "chat": {"id": PERSON["id"], "type": "private"},
        "from": PERSON,
    }


def _sent_to_person(calls: list[Call]) -> list[Call]:
    return [
        c
        for c in calls
        if c.method in {"sendMessage", "editMessageText"}
        and c.params.get("chat_id") == PERSON["id"]
    ]


def _button(call: Call, label: str) -> str | None:
    markup = call.params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if label in button["text"]:
                return button["callback_data"]
    return None


async def _press(api: FakeBotApi, label: str, expect: str) -> None:
    data = next(b for c in reversed(_sent_to_person(api.calls)) if (b := _button(c, label)))
    seen = len(_sent_to_person(api.calls))
    message = _chat_message("…", 1) | {"from": BOT_USER}
    await api.push(
        "callback_query",
        {
            "id": f"cb{seen}",
            "from": PERSON,
            "chat_instance": "e2e",
            "message": message,
            "data": data,
        },
    )
    await api.wait_for(
        lambda calls: any(expect in c.params["text"] for c in _sent_to_person(calls)[seen:])
    )


async def test_onboarding_over_http(api: FakeBotApi, tmp_path: Path) -> None:
    """Also: a webhook left from webhook mode (Telegram then refuses getUpdates) is
    removed, so polling works."""
    api.webhook_set = True
    process = await start_bot(api, tmp_path / "e2e.db", admin_ids="1")
    try:
        await api.wait_for(
            lambda calls: any(c.method == "setMyCommands" for c in calls), timeout=60
        )
        await api.push("message", _chat_message("/start", 1))
        await api.wait_for(
            lambda calls: any(
                "Jaki język wolisz?" in c.params["text"] for c in _sent_to_person(calls)
            )
        )
        await _press(api, "Polski", "przechowuję Twoje imię")
        await _press(api, "Zgadzam się", "Co Cię sprowadza")
        await _press(api, "Chcę pomagać", "Żadne centrum nie dołączyło")
        await api.wait_for(
            lambda calls: any(
                "Gotowe, Jadwiga!" in c.params["text"] for c in _sent_to_person(calls)
            )
        )
        menu = next(c for c in _sent_to_person(api.calls) if "Gotowe" in c.params["text"])
        assert menu.params["reply_markup"]["keyboard"][0][0]["text"] == "🙋 Potrzebuję pomocy"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, output.decode()
    assert b"Traceback" not in output, output.decode()
    assert (tmp_path / "e2e.db").exists(), "the default SQLite file was created and migrated"


async def test_unreachable_telegram_is_one_sentence(tmp_path: Path) -> None:
    api = FakeBotApi()
    api.base_url = "http://127.0.0.1:9"  # nothing listens there
    process = await start_bot(api, tmp_path / "x.db")
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    lines = output.decode().strip().splitlines()
    assert process.returncode == 2
    assert "Traceback" not in output.decode()
    assert lines[-1] == (
        "Cannot reach the Telegram Bot API at http://127.0.0.1:9: "
        "check the network (or SASIAD_API_BASE_URL)."
    )


async def test_rejected_token_is_one_sentence(api: FakeBotApi, tmp_path: Path) -> None:
    api.reject_token = True
    process = await start_bot(api, tmp_path / "x.db")
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert "Traceback" not in output.decode()
    assert output.decode().strip().splitlines()[-1] == (
        "Telegram rejected SASIAD_BOT_TOKEN: check the token with @BotFather."
    )


async def test_webhook_mode_without_a_secret_is_one_sentence(
    api: FakeBotApi, tmp_path: Path
) -> None:
    process = await start_process(
        api,
        f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        tmp_path,
        "run",
        "--webhook",
        webhook_url="https://bot.example.org",
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert (
        output.decode()
        .strip()
        .splitlines()[-1]
        .startswith("Webhook mode needs SASIAD_WEBHOOK_SECRET")
    )
    assert not api.calls, "nothing was started"


async def _say(api: FakeBotApi, text: str, expect: str) -> None:
    seen = len(_sent_to_person(api.calls))
    await api.push("message", _chat_message(text, seen + 100))
    await api.wait_for(
        lambda calls: any(expect in c.params["text"] for c in _sent_to_person(calls)[seen:])
    )


async def _with_a_place(database: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    await upgrade(engine)
    async with unit_of_work(make_session_factory(engine)) as session:
        await create_place(
            session,
            name="MAL Żoliborz",
            slug="mal-zoliborz",
            districts=["Marymont"],
            timezone="Europe/Warsaw",
            now=datetime.now(tz=UTC),
        )
    await engine.dispose()


async def _asking_for_help(api: FakeBotApi, database: Path) -> Any:
    """The bot started on a fresh database with one centre; Jadwiga has signed up and
    typed what she needs, and is asked when."""
    await _with_a_place(database)
    process = await start_bot(api, database)
    await api.wait_for(lambda calls: any(c.method == "setMyCommands" for c in calls), timeout=60)
    await _say(api, "/start", "Jaki język wolisz?")
    await _press(api, "Polski", "przechowuję Twoje imię")
    await _press(api, "Zgadzam się", "Co Cię sprowadza")
    await _press(api, "Potrzebuję pomocy", "Które centrum")
    await _press(api, "MAL Żoliborz", "MAL Żoliborz")
    await _press(api, "Marymont", "Gotowe, Jadwiga!")
    await _say(api, "🙋 Potrzebuję pomocy", "W czym")
    await _press(api, "🛒", "Opisz w kilku")
    await _say(api, "Chleb i mleko ze sklepu", "Kiedy?")
    return process


async def test_kill_9_in_the_middle_of_a_request_loses_nothing(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """The resident has typed the description when the process is killed; after the
    restart the next button works and the summary has what they typed."""
    database = tmp_path / "e2e.db"
    process = await _asking_for_help(api, database)
    process.send_signal(signal.SIGKILL)
    await process.wait()

    again = await start_bot(api, database)
    try:
        await _press(api, "Dowolny dzień", "O jakiej porze dnia?")
        await _press(api, "O dowolnej porze", "Gdzie?")
        await _press(api, "Marymont", "Dokładny adres")
        await _press(api, "Pomiń", "«Chleb i mleko ze sklepu»")
    finally:
        again.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(again.communicate(), timeout=30)
    assert again.returncode == 0, output.decode()
    assert b"Traceback" not in output, output.decode()


async def test_kill_9_while_a_press_is_being_handled_handles_it_after_the_restart(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """The process dies while handling a press (its first call to Telegram hangs): the
    press was never confirmed to Telegram, so it comes again after the restart and is
    handled then. Updates that had run to their end are not handled twice."""
    database = tmp_path / "e2e.db"
    process = await _asking_for_help(api, database)

    api.stall = lambda method: method != "getUpdates"
    pressing = asyncio.create_task(_press(api, "Dowolny dzień", "O jakiej porze dnia?"))
    await asyncio.wait_for(api.stalled.wait(), 30)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    api.stall = None

    again = await start_bot(api, database)
    try:
        await asyncio.wait_for(pressing, 60)
        await _press(api, "O dowolnej porze", "Gdzie?")
        await _press(api, "Marymont", "Dokładny adres")
        await _press(api, "Pomiń", "«Chleb i mleko ze sklepu»")
    finally:
        again.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(again.communicate(), timeout=30)
    assert again.returncode == 0, output.decode()
    questions = [c for c in _sent_to_person(api.calls) if "W czym" in c.params["text"]]
    assert len(questions) == 1, "the updates handled before the kill were not handled again"


async def test_the_mini_app_is_served_in_polling_mode(api: FakeBotApi, tmp_path: Path) -> None:
    """`sasiad run` with SASIAD_WEB_PORT: the same process that polls answers the Mini
    App on 127.0.0.1 (a good signature for nobody who agreed: 403; none: 401), and with
    SASIAD_WEB_URL the menu button beside the message field opens it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    public = "https://sasiad.example.org"
    process = await start_bot(api, tmp_path / "web.db", web_port=str(port), web_url=public)
    try:
        await api.wait_for(lambda calls: any(c.method == "deleteWebhook" for c in calls))
        menu = await api.wait_for(
            lambda calls: [c for c in calls if c.method == "setChatMenuButton"]
        )
        assert menu[0].params["menu_button"] == {
            "type": "web_app",
            "text": "🗓 Otwórz",
            "web_app": {"url": f"{public}/app/"},
        }
        async with ClientSession() as client:
            shell = f"http://127.0.0.1:{port}/app/"
            async with client.get(shell) as response:
                assert response.status == 200
                assert "telegram-web-app.js" in await response.text()
                assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        signed = init_data(TOKEN, user_id=42, first_name="Ola", signed_at=datetime.now(UTC))
        async with ClientSession() as client:
            url = f"http://127.0.0.1:{port}/api/me"
            async with client.get(url) as response:
                assert response.status == 401
            async with client.get(url, headers={"Authorization": f"tma {signed}"}) as response:
                assert response.status == 403
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, output.decode()
    assert f"Mini App on 127.0.0.1:{port}" in output.decode()


async def test_a_backup_taken_while_the_bot_works_starts_again_elsewhere(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """`sasiad backup` while the bot writes; `sasiad restore` into a fresh folder; the bot
    started there knows the person who agreed before the copy."""
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    here, there, copy = tmp_path / "here/sasiad.db", tmp_path / "there/sasiad.db", tmp_path / "b.db"
    process = await start_bot(api, here)
    try:
        await api.wait_for(lambda calls: any(c.method == "setMyCommands" for c in calls), 60)
        await api.push("message", _chat_message("/start", 1))
        await api.wait_for(lambda calls: bool(_sent_to_person(calls)))
        await _press(api, "Polski", "przechowuję Twoje imię")
        await _press(api, "Zgadzam się", "Co Cię sprowadza")
        backup = await start_process(
            api, f"sqlite+aiosqlite:///{here}", tmp_path, "backup", str(copy)
        )
        await _press(api, "Chcę pomagać", "Żadne centrum nie dołączyło")  # written meanwhile
        said, _ = await asyncio.wait_for(backup.communicate(), 60)
        assert backup.returncode == 0, said.decode()
        assert "1 people" in said.decode()
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=30)
    restore = await start_process(
        api, f"sqlite+aiosqlite:///{there}", tmp_path, "restore", str(copy)
    )
    said, _ = await asyncio.wait_for(restore.communicate(), 60)
    assert restore.returncode == 0, said.decode()
    process = await start_bot(api, there)
    try:
        before = len(_sent_to_person(api.calls))
        await api.push("message", _chat_message("/start", 2))
        await api.wait_for(lambda calls: len(_sent_to_person(calls)) > before)
        assert "Witaj ponownie, Jadwiga!" in _sent_to_person(api.calls)[-1].params["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=30)
