"""Small helpers for answering in a chat, shared by every handler."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.types import User as TelegramUser


async def edit_or_send(
    callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the pressed message; if it is too old to edit, send a new one instead."""
    message = callback.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest:
            pass
    await bot_of(callback).send_message(callback.from_user.id, text, reply_markup=markup)


def bot_of(event: Message | CallbackQuery) -> Bot:
    """The bot an update came through: aiogram binds it to every event it feeds, so
    None here is a programming error, not a user's."""
    if event.bot is None:
        raise RuntimeError("this event was not fed through a Dispatcher")
    return event.bot


async def drop_buttons(callback: CallbackQuery) -> None:
    """Remove the buttons of a message whose question is settled (best effort). A
    message that has none is left alone: the call would only be refused."""
    if isinstance(callback.message, Message) and callback.message.reply_markup is not None:
        with contextlib.suppress(TelegramBadRequest):
            await callback.message.edit_reply_markup(reply_markup=None)


async def deep_link(bot: Bot, payload: str) -> str:
    me = await bot.me()
    return f"https://t.me/{me.username}?start={payload}"


Reply = Callable[[str, InlineKeyboardMarkup | None], Awaitable[object]]


def reply_to_callback(callback: CallbackQuery) -> Reply:
    return lambda text, markup: edit_or_send(callback, text, markup)


def reply_to_message(message: Message) -> Reply:
    return lambda text, markup: message.answer(text, reply_markup=markup)


def reply_to_message_in(bot: Bot, chat_id: int) -> Reply:
    """A new message in a chat, when there is no message to answer."""
    return lambda text, markup: bot.send_message(chat_id, text, reply_markup=markup)


def sender_of(message: Message) -> TelegramUser:
    """Who sent a message in a private chat (only channel posts have none, and the bot
    reads no channels)."""
    if message.from_user is None:
        raise RuntimeError("a message without a sender")
    return message.from_user


def reply_below(callback: CallbackQuery) -> Reply:
    """A new message under the pressed one (the pressed one stays as it is, and may be
    too old to answer under)."""
    return reply_to_message_in(bot_of(callback), callback.from_user.id)
