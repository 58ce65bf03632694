"""Bad input gets a clear answer and loses nothing."""

from __future__ import annotations

import logging

import pytest
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.runtime.app import build_bot, build_dispatcher
from tests.fakes.session import RecordingSession
from tests.harness import (
    START,
    FakeClock,
    FakeMonotonic,
    Harness,
    Person,
    alerts,
    inline_labels,
    joined,
)
from tests.helpers import add_place, onboard, stored

LONG = "ż" * 5000


async def test_text_where_a_button_is_expected_asks_again(harness: Harness, anna: Person) -> None:
    await harness.send(anna, "/start")
    await harness.press(anna, "Polski")
    calls = await harness.send(anna, "tak")
    text = joined(calls)
    assert "Odpowiedz jednym z przycisków" in text
    assert "Czy zgadzasz się" in text
    assert "✅ Zgadzam się" in inline_labels(calls)
    assert "Co Cię sprowadza" in joined(await harness.press(anna, "Zgadzam się")), "nothing lost"


async def test_sticker_during_sign_up(harness: Harness, anna: Person) -> None:
    await harness.send(anna, "/start")
    calls = await harness.send_sticker(anna)
    assert "Odpowiedz jednym z przycisków" in joined(calls)
    assert "🇵🇱 Polski" in inline_labels(calls)


async def test_sticker_outside_any_flow(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    calls = await harness.send_sticker(anna)
    assert joined(calls) == "Rozumiem tylko wiadomości tekstowe i przyciski."


async def test_very_long_message_outside_any_flow(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    assert "Nie zrozumiałem" in joined(await harness.send(anna, LONG))


async def test_very_long_message_during_sign_up(harness: Harness, anna: Person) -> None:
    await harness.send(anna, "/start")
    assert "Odpowiedz jednym z przycisków" in joined(await harness.send(anna, LONG))


async def test_stranger_typing_is_pointed_to_start(harness: Harness, anna: Person) -> None:
    assert (
        joined(await harness.send(anna, "dzień dobry")) == "Dzień dobry! Wyślij /start, aby zacząć."
    )


async def test_unknown_command(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    assert "Nie znam tego polecenia" in joined(await harness.send(anna, "/launch"))


async def test_stale_button_from_an_old_message(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    old = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="intent:need_help")]]
    )
    calls = await harness.press_data(anna, "intent:need_help", message_id=3, markup=old)
    assert alerts(calls) == [
        "Ten przycisk jest już nieaktywny. Skorzystaj z menu albo wyślij /start."
    ]
    assert any(type(c).__name__ == "EditMessageReplyMarkup" for c in calls), "dead buttons removed"


async def test_forged_presses_cost_no_refused_calls(harness: Harness, anna: Person) -> None:
    """96 forged presses on messages without buttons: each is answered, and nothing is
    asked of Telegram that it would refuse (no edits of messages without buttons)."""
    await onboard(harness, anna)
    harness.monotonic.step = 1
    for n in range(96):
        calls = await harness.press_data(anna, f"offer:accept:{n + 10_000}", message_id=n + 7)
        assert [type(c).__name__ for c in calls] == ["AnswerCallbackQuery"]


async def test_double_tap_on_consent(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await harness.send(anna, "/start")
    await harness.press(anna, "Polski")
    await harness.press(anna, "Zgadzam się")
    calls = await harness.press(anna, "Zgadzam się")
    assert alerts(calls), "the second tap is answered, not processed again"
    assert "Co Cię sprowadza" not in joined(calls)
    assert (await stored(db, anna)).consent_at == START


async def test_garbage_callback_data(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    assert alerts(await harness.press_data(anna, "place:x:notanumber"))
    assert alerts(await harness.press_data(anna, "ż" * 60))


async def test_forged_language_code(harness: Harness, anna: Person) -> None:
    await harness.send(anna, "/start")
    calls = await harness.press_data(anna, "lang:xx")
    assert alerts(calls) == ["Ten przycisk jest już nieaktywny."]


async def test_user_text_is_escaped(harness: Harness, db: AsyncSession) -> None:
    """A first name with markup is shown literally (the fake API rejects broken HTML)."""
    mallory = Person(id=100_666, first_name="<b>Mal</b> & <script>", language_code="pl")
    await add_place(db, name="Dom <Sąsiedzki> & Co", slug="dom", districts=())
    await harness.send(mallory, "/start")
    await harness.press(mallory, "Polski")
    await harness.press(mallory, "Zgadzam się")
    calls = await harness.press(mallory, "Chcę pomagać")
    calls += await harness.press(mallory, "Dom <Sąsiedzki>")
    text = joined(calls)
    assert "Dom &lt;Sąsiedzki&gt; &amp; Co" in text
    assert "&lt;b&gt;Mal&lt;/b&gt; &amp; &lt;script&gt;" in text


async def test_blocked_and_unblocked(harness: Harness, db: AsyncSession, anna: Person) -> None:
    await onboard(harness, anna)
    assert await harness.bot_status(anna, blocked=True) == []
    assert (await stored(db, anna)).blocked_at == START
    await harness.bot_status(anna, blocked=False)
    assert (await stored(db, anna)).blocked_at is None


async def test_answering_a_user_who_blocked_the_bot(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    """The reply fails with 403: the user is marked unreachable and nothing crashes."""
    await onboard(harness, anna)
    harness.session.blocked_chats.add(anna.id)
    await harness.send(anna, "/help")
    assert (await stored(db, anna)).blocked_at == START


async def test_a_message_flood_is_warned_once_per_wait(harness: Harness, anna: Person) -> None:
    """100 messages in 2 s from one person: 20 are handled, the rest throttled, with one
    warning per wait rather than one ever."""
    await onboard(harness, anna)

    async def burst(count: int) -> tuple[int, int]:
        answered = warned = 0
        for _ in range(count):
            text = joined(await harness.send(anna, "/help"))
            answered += "Sąsiad pomaga" in text
            warned += "Za dużo wiadomości naraz" in text
        return answered, warned

    harness.monotonic.step = 0.02
    harness.monotonic.value += 100
    assert await burst(100) == (20, 1)
    harness.monotonic.value += 10
    assert await burst(30) == (20, 1), "the next window's flood is told again"


async def test_every_refused_press_is_answered(harness: Harness, anna: Person) -> None:
    await onboard(harness, anna)
    harness.monotonic.step = 0
    harness.monotonic.value += 100
    for _ in range(60):
        await harness.press_data(anna, "nothing")
    harness.monotonic.value += 8
    for _ in range(3):
        calls = await harness.press_data(anna, "nothing")
        assert alerts(calls) == ["Za dużo wiadomości naraz. Poczekaj 2 sekundy i spróbuj ponownie."]


async def test_a_crash_is_logged_and_the_user_told(
    tmp_path, settings: Settings, i18n: I18n, caplog: pytest.LogCaptureFixture, anna: Person
) -> None:
    """A database that cannot be opened: the person gets an apology, the log the details."""
    broken = make_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db")
    recording = RecordingSession()
    bot = build_bot(settings, recording)
    dp = build_dispatcher(
        settings=settings,
        session_factory=make_session_factory(broken),
        i18n=i18n,
        clock=FakeClock(START),
        monotonic=FakeMonotonic(),
    )
    harness = Harness(
        dp=dp,
        bot=bot,
        session=recording,
        clock=FakeClock(START),
        monotonic=FakeMonotonic(),
        sender=None,
    )
    calls = await harness.send(anna, "/start")
    assert (
        "coś poszło nie tak po mojej stronie. Wcześniej zapisane informacje są bezpieczne"
        in joined(calls)
    )
    assert any(
        r.levelno == logging.ERROR and r.name == "bot.handlers.errors" for r in caplog.records
    )
    await broken.dispose()


async def test_in_a_group_chat_nothing_personal_is_shown(
    harness: Harness, db: AsyncSession, anna: Person
) -> None:
    """Someone adds the bot to the neighbourhood's group: her commands there run nothing
    (no menu with her name, no /export of her data), they get one line pointing to the
    private chat; the group's own talk is left alone; an old button there does nothing."""
    await add_place(db)
    await onboard(harness, anna)
    group = Chat(id=-100_123, type="supergroup", title="Sąsiedzi z Marymontu")
    private_only = "Rozmawiam z każdym sąsiadem osobno. Napisz do mnie, proszę, w prywatnym czacie."
    for command in ("/start", "/export", "/requests"):
        calls = await harness.send(anna, command, chat=group)
        assert [(type(c).__name__, c.chat_id, c.text) for c in calls] == [
            ("SendMessage", group.id, private_only)
        ]
    assert await harness.send(anna, "Dzień dobry wszystkim!", chat=group) == []
    assert await harness.send(anna, "📅 Wydarzenia", chat=group) == []
    calls = await harness.press_data(anna, "lang:en", chat=group)
    assert alerts(calls) == [private_only]
    calls = await harness.send(anna, "/requests")
    assert calls
    assert joined(calls) != private_only, "her own chat works as ever"
