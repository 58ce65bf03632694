"""Middlewares on the Bot's own calls to Telegram (installed by `bot.runtime.app.build_bot`).

- A question asked in a step is noted with the conversation and carries the way out,
  ⬅️ Back and ✖️ Cancel (`WayOutButton`).
- Before any call leaves, the update's unit of work is committed: a reply never
  speaks of a change that could still roll back (`bot.db.unit_of_work`).
- A reply that Telegram refuses for a moment (429 with `retry_after`, a 5xx, a network
  hiccup) is tried again within a bounded time per call, instead of turning into
  "something went wrong". The outbox sender has its own pacing and retries, so it
  sends with `bot.notify.sender.without_retries()`.
- "message is not modified" means the message already looks as asked: it is success.
- A press answered too late ("query is too old": the bot was down, or the press waited
  in a queue) is no reason to drop what the press does: the spinner on the button has
  stopped anyway, so the late answer is skipped, and an alert's words, which the person
  needs, come as a message in their chat instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup

from bot.db.unit_of_work import commit_before_sending
from bot.keyboards.builders import with_way_out
from bot.middlewares.navigation import current_conversation
from bot.middlewares.step_questions import note
from bot.notify.sender import retries_allowed
from bot.states import TEXT_STEPS

log = logging.getLogger(__name__)

EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption, EditMessageMedia)
# The longest one call may spend waiting for Telegram to take it again.
RETRY_BUDGET_SECONDS = 10.0
# Backoff after a 5xx or a network error: 0.5, 1, 2, 4, 4 ... seconds.
FIRST_BACKOFF = 0.5
LONGEST_BACKOFF = 4.0


def not_modified(error: TelegramBadRequest) -> bool:
    return "message is not modified" in error.message


def too_late_to_answer(error: TelegramBadRequest) -> bool:
    return "query is too old" in error.message or "query ID is invalid" in error.message


async def say_instead(bot: Bot, answer: AnswerCallbackQuery) -> bool:
    """The words of an alert that could not be shown, as a message in the chat."""
    conversation = current_conversation()
    if answer.show_alert and answer.text and conversation is not None:
        await bot.send_message(conversation.key.chat_id, answer.text)
    return True


class WayOutButton(BaseRequestMiddleware):
    """One rule for every step: the bot's message to the person while their conversation
    is in a step is noted as that step's question (`bot.middlewares.step_questions`), and
    it carries the way out — ✖️ Cancel on every step that waits for typed text or has a
    step before, and ⬅️ Back where there is a step before."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        if isinstance(method, SendMessage | EditMessageText | EditMessageReplyMarkup):
            await self._decorate(method)
        return await make_request(bot, method)

    @staticmethod
    async def _decorate(method: SendMessage | EditMessageText | EditMessageReplyMarkup) -> None:
        state = current_conversation()
        markup = method.reply_markup
        if (
            state is None
            or str(method.chat_id) != str(state.key.chat_id)
            or not (markup is None or isinstance(markup, InlineKeyboardMarkup))
            or (markup is None and isinstance(method, EditMessageReplyMarkup))
        ):
            return  # not this person's question, or the buttons of a settled one going
        step = await state.get_state()
        if step is None:
            return
        text = None if isinstance(method, EditMessageReplyMarkup) else method.text
        depth = await note(state, step, text, markup)
        if step in TEXT_STEPS or depth > 1:
            method.reply_markup = with_way_out(markup, depth)


class CommitBeforeSending(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        await commit_before_sending()
        return await make_request(bot, method)


class RetryRefusals(BaseRequestMiddleware):
    def __init__(
        self,
        *,
        budget_seconds: float = RETRY_BUDGET_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget_seconds
        self.sleep = sleep
        self.monotonic = monotonic

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        if not retries_allowed():
            return await make_request(bot, method)
        deadline = self.monotonic() + self.budget
        backoff = FIRST_BACKOFF
        while True:
            try:
                return await make_request(bot, method)
            except TelegramBadRequest as error:
                if isinstance(method, EDITS) and not_modified(error):
                    return True
                if isinstance(method, AnswerCallbackQuery) and too_late_to_answer(error):
                    log.info("a press was answered too late: %s", error.message)
                    return await say_instead(bot, method)
                raise
            except TelegramRetryAfter as error:
                wait = float(error.retry_after)
                if self.monotonic() + wait > deadline:
                    raise
            except (TelegramServerError, TelegramNetworkError):
                wait = backoff
                backoff = min(backoff * 2, LONGEST_BACKOFF)
                if self.monotonic() + wait > deadline:
                    raise
            log.info(
                "Telegram refused %s for now; trying again in %.1f s", type(method).__name__, wait
            )
            await self.sleep(wait)
