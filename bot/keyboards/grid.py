"""Inline keyboards laid out in rows.

The three calls we used of aiogram's `InlineKeyboardBuilder` (`button`, `adjust`,
`as_markup`), without its deep copy of every button on each addition: a keyboard of
eight buttons cost 0.8 ms that way against 0.1 ms built directly, and nearly every
reply carries a keyboard.
"""

from __future__ import annotations

from itertools import chain, repeat

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

# Telegram shows at most eight buttons in a row.
MAX_WIDTH = 8


class InlineGrid:
    def __init__(self) -> None:
        self._buttons: list[InlineKeyboardButton] = []
        self._widths: tuple[int, ...] = (MAX_WIDTH,)

    def button(self, *, text: str, callback_data: CallbackData | str) -> InlineGrid:
        data = callback_data.pack() if isinstance(callback_data, CallbackData) else callback_data
        self._buttons.append(InlineKeyboardButton(text=text, callback_data=data))
        return self

    def page(self, *, text: str, web_url: str | None, page: str) -> InlineGrid:
        """A button that opens one of the Mini App's pages, where the deployment serves
        them (`SASIAD_WEB_URL`); without one, nothing is added: no button points to a
        page that cannot open."""
        if web_url:
            address = f"{web_url.rstrip('/')}/app/#{page}"
            self._buttons.append(InlineKeyboardButton(text=text, web_app=WebAppInfo(url=address)))
        return self

    def adjust(self, *widths: int) -> InlineGrid:
        """Row widths from the top; the last one repeats for the buttons left over."""
        if any(not 1 <= width <= MAX_WIDTH for width in widths):
            raise ValueError(f"a row holds 1 to {MAX_WIDTH} buttons, not {widths}")
        self._widths = widths or (MAX_WIDTH,)
        return self

    def as_markup(self) -> InlineKeyboardMarkup:
        rows: list[list[InlineKeyboardButton]] = []
        widths = chain(self._widths, repeat(self._widths[-1]))
        start = 0
        while start < len(self._buttons):
            width = next(widths)
            rows.append(self._buttons[start : start + width])
            start += width
        return InlineKeyboardMarkup(inline_keyboard=rows)


def column(*buttons: tuple[str, CallbackData]) -> InlineKeyboardMarkup:
    """One button a row, top to bottom: the usual keyboard of a question."""
    grid = InlineGrid()
    for text, data in buttons:
        grid.button(text=text, callback_data=data)
    return grid.adjust(1).as_markup()
