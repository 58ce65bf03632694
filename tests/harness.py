"""Drive the real Dispatcher with real `Update` objects and read back what the bot sent."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText, SendDocument, SendMessage, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    Sticker,
    Update,
    User,
)

from bot.notify.sender import OutboxSender, Pacer
from tests.fakes.session import RecordingSession


class FakeClock:
    """Time that moves only when a test says so: by `advance`, or by `tick` on every
    reading, as a real clock does between two statements."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.tick = timedelta(0)

    def __call__(self) -> datetime:
        self.now += self.tick
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeMonotonic:
    """The throttling clock: a person's updates arrive `step` seconds apart (0 = a flood)."""

    def __init__(self, step: float = 1.0) -> None:
        self.value = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.value += self.step
        return self.value


class FakeTimer:
    """Waits between retries of a refused call: recorded, and time moves by them."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Person:
    """A Telegram user as the bot sees them."""

    id: int
    first_name: str = "Anna"
    language_code: str | None = "pl"

    @property
    def tg(self) -> User:
        return User(
            id=self.id, is_bot=False, first_name=self.first_name, language_code=self.language_code
        )


def instant_pacer(timer: FakeTimer | None = None) -> Pacer:
    """No pacing in handler tests (pacing has tests of its own), and a pause Telegram
    asks for passes on a fake timer instead of really waiting."""
    timer = timer or FakeTimer()
    return Pacer(rate=1e9, per_chat=0, monotonic=timer.monotonic, sleep=timer.sleep)


async def drain(sender: OutboxSender) -> None:
    """Send everything the bot queued, the way the real sender would."""
    while await sender.drain_once():
        pass


@dataclass
class Trace:
    """What one update did, in order: writes to the database and calls to Telegram that
    say something (a wordless answer to a press only stops its spinner). A write after
    such a call means the person may read of a change that then fails to commit, or a
    crash in between commits half a use case."""

    active: bool = False
    steps: list[tuple[str, str]] = field(default_factory=list)

    def start(self) -> None:
        self.active, self.steps = True, []

    def stop(self) -> list[tuple[str, str]]:
        self.active = False
        return self.steps

    def wrote(self, table: str) -> None:
        if self.active:
            self.steps.append(("write", table))

    def called(self, method: str) -> None:
        if self.active:
            self.steps.append(("call", method))


# Written after a reply on purpose. Where the person is in a flow, and the update log
# row that is the unit's last write: a crash after the reply handles the update again,
# repeating at most that one message (decision 0007).
# Notices held for the person an update answers are let go in its last commit, after
# the reply (bot/notify/teller.py: the reply comes first).
AFTER_REPLIES = {"conversations", "handled_updates", "outbox.due_at"}
# What a call's own result writes, right after it.
RESULTS = {
    ("SendMessage", "users.blocked_at"): "Telegram answered 403: the person blocked the bot",
    ("SendMessage", "announcements.progress_message_id"): "the id Telegram gave the message",
}


def writes_after_calls(steps: list[tuple[str, str]]) -> list[str]:
    """Writes after the update's first call to Telegram, but those above."""
    late, called = [], None
    for kind, name in steps:
        if kind == "call":
            called = name
        elif called is not None and not {name, name.split(".")[0]} & AFTER_REPLIES:
            if (called, name) not in RESULTS:
                late.append(f"{name} after {called}")
            called = called if (called, name) not in RESULTS else "(its result)"
    return late


@dataclass
class Harness:
    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    clock: FakeClock
    monotonic: FakeMonotonic
    sender: OutboxSender | None
    timer: FakeTimer = field(default_factory=FakeTimer)
    trace: Trace = field(default_factory=Trace)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        """Process one update; return the calls the bot made while handling it."""
        before = len(self.session.requests)
        self.trace.start()
        try:
            await self.dp.feed_update(self.bot, update)
        finally:
            late = writes_after_calls(self.trace.stop())
        assert not late, f"a write after a call to Telegram in one update: {late}"
        if self.sender is not None:
            await drain(self.sender)
        return self.session.requests[before:]

    def _chat(self, person: Person) -> Chat:
        return Chat(id=person.id, type="private", first_name=person.first_name)

    async def send(
        self, person: Person, text: str, chat: Chat | None = None
    ) -> list[TelegramMethod[Any]]:
        """`person` types `text` in their private chat with the bot, or in `chat`."""
        entities = None
        if text.startswith("/"):
            command = text.split()[0]
            entities = [MessageEntity(type="bot_command", offset=0, length=len(command))]
        message = Message(
            message_id=next(self._message_ids),
            date=self.clock(),
            chat=chat or self._chat(person),
            from_user=person.tg,
            text=text,
            entities=entities,
        )
        return await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def send_sticker(self, person: Person) -> list[TelegramMethod[Any]]:
        sticker = Sticker(
            file_id="sticker",
            file_unique_id="s",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
        )
        message = Message(
            message_id=next(self._message_ids),
            date=self.clock(),
            chat=self._chat(person),
            from_user=person.tg,
            sticker=sticker,
        )
        return await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def press_data(
        self,
        person: Person,
        data: str,
        message_id: int = 1,
        text: str = "…",
        markup: InlineKeyboardMarkup | None = None,
        chat: Chat | None = None,
    ) -> list[TelegramMethod[Any]]:
        """Press a button with exactly this callback data (which a client could forge);
        `markup` is the keyboard of the message it sits on, as Telegram reports it."""
        origin = Message(
            message_id=message_id,
            date=self.clock(),
            chat=chat or self._chat(person),
            from_user=User(id=self.bot.id, is_bot=True, first_name="Sąsiad"),
            text=text,
            reply_markup=markup,
        )
        callback = CallbackQuery(
            id=str(next(self._update_ids)),
            from_user=person.tg,
            chat_instance="ci",
            message=origin,
            data=data,
        )
        return await self.feed(Update(update_id=next(self._update_ids), callback_query=callback))

    async def press(self, person: Person, label: str) -> list[TelegramMethod[Any]]:
        """Press the inline button whose text contains `label` on the last message that has it."""
        for method in reversed(self.session.requests):
            if getattr(method, "chat_id", None) != person.id:
                continue
            markup = getattr(method, "reply_markup", None)
            if not isinstance(markup, InlineKeyboardMarkup):
                continue
            for row in markup.inline_keyboard:
                for button in row:
                    if label in button.text:
                        return await self.press_data(
                            person,
                            button.callback_data or "",
                            self._message_id_of(method),
                            markup=markup,
                        )
        raise AssertionError(f"no button {label!r} was shown to {person.id}")

    def _message_id_of(self, method: TelegramMethod[Any]) -> int:
        """The id of the message the button sits on, as Telegram would report it."""
        if isinstance(method, EditMessageText) and method.message_id is not None:
            return method.message_id
        return self.session.message_ids.get(id(method), 1)

    async def bot_status(self, person: Person, *, blocked: bool) -> list[TelegramMethod[Any]]:
        bot_user = User(id=self.bot.id, is_bot=True, first_name="Sąsiad")
        old = (
            ChatMemberMember(user=bot_user)
            if blocked
            else ChatMemberBanned(user=bot_user, until_date=0)
        )
        new = (
            ChatMemberBanned(user=bot_user, until_date=0)
            if blocked
            else ChatMemberMember(user=bot_user)
        )
        event = ChatMemberUpdated(
            chat=self._chat(person),
            from_user=person.tg,
            date=self.clock(),
            old_chat_member=old,
            new_chat_member=new,
        )
        return await self.feed(Update(update_id=next(self._update_ids), my_chat_member=event))


def texts(calls: list[TelegramMethod[Any]]) -> list[str]:
    """The text of every message sent or edited, in order."""
    out: list[str] = []
    for call in calls:
        if isinstance(call, SendMessage | EditMessageText):
            out.append(call.text)
        elif isinstance(call, SendDocument) and call.caption:
            out.append(call.caption)
    return out


def joined(calls: list[TelegramMethod[Any]]) -> str:
    return "\n".join(texts(calls))


def alerts(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [
        call.text for call in calls if type(call).__name__ == "AnswerCallbackQuery" and call.text
    ]


def inline_labels(calls: list[TelegramMethod[Any]]) -> list[str]:
    labels: list[str] = []
    for call in calls:
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            labels.extend(button.text for row in markup.inline_keyboard for button in row)
    return labels


def reply_labels(calls: list[TelegramMethod[Any]]) -> list[str]:
    labels: list[str] = []
    for call in calls:
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, ReplyKeyboardMarkup):
            labels.extend(button.text for row in markup.keyboard for button in row)
    return labels


START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
