"""Command menus on start: per language, extended for staff, and never fatal."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.unit_of_work import unit_of_work
from bot.runtime.app import publish_all_commands
from bot.services.centres.invites import create_invite, redeem_invite
from bot.services.people.users import give_consent, register_contact
from tests.conftest import ADMIN_ID, TOKEN
from tests.fakes.session import RecordingSession
from tests.harness import START
from tests.helpers import add_place


def menus(session: RecordingSession) -> list[SetMyCommands]:
    return [r for r in session.requests if isinstance(r, SetMyCommands)]


async def test_menus_per_language_and_for_staff(
    settings: Settings, i18n: I18n, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with unit_of_work(session_factory) as db:
        place_id = await add_place(db)
        animator = await register_contact(db, 4242, START)
        await give_consent(db, animator, first_name="Olga", language="uk", now=START)
        invite = await create_invite(
            db, place_id=place_id, created_by_user_id=None, now=START, ttl=timedelta(days=1)
        )
        await redeem_invite(db, token=invite.token, user=animator, now=START)
    recording = RecordingSession()
    await publish_all_commands(Bot(TOKEN, session=recording), i18n, settings, session_factory)

    defaults = {
        m.language_code: m for m in menus(recording) if isinstance(m.scope, BotCommandScopeDefault)
    }
    assert set(defaults) == {None, "pl", "en", "uk"}
    assert defaults["pl"].commands[0].description == "Start lub menu"
    assert defaults["uk"].commands[0].description == "Почати або показати меню"
    assert "addplace" not in [c.command for c in defaults[None].commands]

    staff = {
        m.scope.chat_id: m for m in menus(recording) if isinstance(m.scope, BotCommandScopeChat)
    }
    assert "addplace" in [c.command for c in staff[ADMIN_ID].commands]
    assert [c.command for c in staff[4242].commands][-1] == "certificates"
    assert staff[4242].commands[-1].description == "Довідки, видані у ваших центрах", (
        "in the animator's language"
    )


async def test_a_bot_api_without_set_my_commands_is_not_fatal(
    settings: Settings,
    i18n: I18n,
    session_factory: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    recording = RecordingSession()
    recording.unsupported.add(SetMyCommands)
    await publish_all_commands(Bot(TOKEN, session=recording), i18n, settings, session_factory)
    assert any(
        "could not set the command menus" in r.message
        for r in caplog.records
        if r.levelno == logging.WARNING
    )
