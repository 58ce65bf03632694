"""A Bot API session that answers like Telegram without a network, and records every call."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import Chat, Document, InlineKeyboardMarkup, Message, PhotoSize, User

from tests.fakes.telegram_rules import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    TelegramRuleBroken,
    check_html,
    check_markup,
)

BOT_USERNAME = "sasiad_test_bot"


def _inline(markup: Any) -> InlineKeyboardMarkup | None:
    """A sent message carries only an inline keyboard; a reply keyboard stays with the chat."""
    return markup if isinstance(markup, InlineKeyboardMarkup) else None


def _wordless(method: TelegramMethod[Any]) -> bool:
    """An answer to a press that only stops the button's spinner: it tells the person
    nothing, so handlers may send it first, before the use case's writes."""
    return isinstance(method, AnswerCallbackQuery) and not method.text and not method.url


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.blocked_chats: set[int] = set()
        # chat id -> errors to raise on the next sends to it, one per send
        self.failures: dict[int, list[Exception]] = {}
        self.unsupported: set[type] = set()
        # Like Telegram for a press nobody answered within its few seconds (the bot was
        # down): every answerCallbackQuery is refused.
        self.presses_too_old = False
        self.documents: dict[int, bytes] = {}
        # id() of each send in `requests` -> the message id Telegram gave it
        self.message_ids: dict[int, int] = {}
        self._message_ids = itertools.count(5000)
        self.on_call: Callable[[str], None] | None = None
        # Runs before each call is taken: a test lets the outbox sender run right then,
        # as the real one may, in its own task, at any moment.
        self.before_call: Callable[[TelegramMethod[Any]], Awaitable[None]] | None = None

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise AssertionError("the bot downloads no files")
        yield b""  # makes this an async generator, as the interface requires

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        if self.before_call is not None:
            hook, self.before_call = self.before_call, None  # not for the calls it makes
            try:
                await hook(method)
            finally:
                self.before_call = hook
        self.requests.append(method)
        if self.on_call is not None and not _wordless(method):
            self.on_call(type(method).__name__)
        if type(method) in self.unsupported:
            raise TelegramBadRequest(method=method, message="Not Found: method not found")
        if self.presses_too_old and isinstance(method, AnswerCallbackQuery):
            raise TelegramBadRequest(
                method=method,
                message="Bad Request: query is too old and response timeout expired or "
                "query ID is invalid",
            )
        chat_id = getattr(method, "chat_id", None)
        planned = self.failures.get(chat_id) if isinstance(chat_id, int) else None
        if planned:
            raise planned.pop(0)
        if chat_id in self.blocked_chats:
            raise TelegramForbiddenError(
                method=method, message="Forbidden: bot was blocked by the user"
            )
        try:
            self._check(method)
        except TelegramRuleBroken as broken:
            raise TelegramBadRequest(method=method, message=f"Bad Request: {broken}") from broken
        return self._answer(bot, method)

    @staticmethod
    def _check(method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendMessage | EditMessageText):
            check_html(method.text, MESSAGE_LIMIT)
        if isinstance(method, SendDocument | SendPhoto) and method.caption:
            check_html(method.caption, CAPTION_LIMIT)
        markup = getattr(method, "reply_markup", None)
        if markup is not None:
            check_markup(markup)

    def _answer(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        now = datetime.now(tz=UTC)
        if isinstance(method, GetMe):
            return User(id=bot.id, is_bot=True, first_name="Sąsiad", username=BOT_USERNAME)
        if isinstance(method, SendMessage | SendDocument | SendPhoto):
            message_id = next(self._message_ids)
            self.message_ids[id(method)] = message_id
            document = photo = None
            if isinstance(method, SendDocument):
                self.documents[message_id] = method.document.data  # type: ignore[union-attr]
                document = Document(file_id=f"doc{message_id}", file_unique_id=f"u{message_id}")
            if isinstance(method, SendPhoto):
                photo = [
                    PhotoSize(
                        file_id=f"photo{message_id}",
                        file_unique_id=f"p{message_id}",
                        width=800,
                        height=450,
                    )
                ]
            return Message(
                message_id=message_id,
                date=now,
                chat=Chat(id=method.chat_id, type="private"),
                from_user=User(id=bot.id, is_bot=True, first_name="Sąsiad"),
                text=getattr(method, "text", None),
                document=document,
                photo=photo,
                reply_markup=_inline(getattr(method, "reply_markup", None)),
            )
        if isinstance(method, EditMessageText):
            return Message(
                message_id=method.message_id,
                date=now,
                chat=Chat(id=method.chat_id, type="private"),
                text=method.text,
                reply_markup=_inline(method.reply_markup),
            )
        if isinstance(method, AnswerCallbackQuery | SetMyCommands | EditMessageReplyMarkup):
            return True
        raise AssertionError(f"the fake Bot API does not know {type(method).__name__}")
