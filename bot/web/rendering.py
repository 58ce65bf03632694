"""The Mini App's pages as HTML from Jinja2 templates, in the reader's language.

Texts come from the chat's catalogues through aiogram's `I18n` (`_` and `ngettext` in
the templates, with `.format()` as in Python), and dates and numbers from
`bot.views` (Babel), so a page and a message say the same thing the same way.
Autoescaping is on for every template: user text never reaches the page as markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import I18n, gettext, ngettext
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.views import formatting, labels
from bot.views.formatting import reading_at

TEMPLATES = Path(__file__).resolve().parent / "templates"
# What templates may call: the catalogues, and the chat's labels and formats.
IN_TEMPLATES: dict[str, Any] = {
    "_": gettext,
    "ngettext": ngettext,
    "talent": labels.talent,
    "decimal": formatting.decimal,
    "local_datetime": formatting.local_datetime,
    "calendar_day": formatting.calendar_day,
    "calendar_month": formatting.calendar_month,
    "weekday_short": labels.weekday_short,
    "long_date": labels.long_date,
}


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(IN_TEMPLATES)
    return env


class Pages:
    """Renders a template in one language, read at one moment (dates of this year are
    written without the year, as in chat)."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n
        self.env = environment()

    @contextmanager
    def speaking(self, language: str, now: datetime) -> Iterator[None]:
        with self.i18n.context(), self.i18n.use_locale(language), reading_at(now):
            yield

    def render(self, name: str, language: str, now: datetime, **context: Any) -> str:
        with self.speaking(language, now):
            return self.env.get_template(name).render(language=language, **context)
