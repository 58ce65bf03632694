"""The checks Telegram applies to what a bot sends, so tests fail where Telegram would."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}


# Telegram reads a lone "&" as text, but the Bot API asks for every "&" that is not an
# entity to be written "&amp;"; a stricter reader would refuse it, so the tests do.
LONE_AMPERSAND = re.compile(r"&(?!#\d+;|#x[0-9a-fA-F]+;|[a-zA-Z]+;)")


class TelegramRuleBroken(Exception):
    """What Telegram would answer with 400 Bad Request."""


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text_length = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise TelegramRuleBroken(f"can't parse entities: unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise TelegramRuleBroken(f"can't parse entities: unexpected end tag {tag!r}")

    def handle_data(self, data: str) -> None:
        self.text_length += len(data)


def check_html(text: str, limit: int) -> None:
    """Parse like Telegram's HTML mode: known tags only, balanced, visible text within limit."""
    if LONE_AMPERSAND.search(text):
        raise TelegramRuleBroken('can\'t parse entities: an "&" that is not an entity')
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        raise TelegramRuleBroken(f"can't parse entities: unclosed tag {checker.stack[-1]!r}")
    if checker.text_length == 0:
        raise TelegramRuleBroken("message text is empty")
    if checker.text_length > limit:
        raise TelegramRuleBroken("message is too long")


def check_markup(markup: Any) -> None:
    rows = getattr(markup, "inline_keyboard", None) or []
    for row in rows:
        for button in row:
            if not button.text:
                raise TelegramRuleBroken("button text is empty")
            data = button.callback_data
            if data is not None and len(data.encode()) > CALLBACK_DATA_LIMIT:
                raise TelegramRuleBroken("BUTTON_DATA_INVALID")
