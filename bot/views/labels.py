"""Translated names for stored codes: talents, parts of the day, weekdays, languages."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.lazy_proxy import LazyProxy
from babel import Locale
from babel.dates import format_date, get_day_names

from bot.services.people.talents import AFTERNOON, EVENING, MORNING

TALENT_LABELS: dict[str, LazyProxy] = {
    "shopping": __("🛒 Shopping & errands"),
    "accompaniment": __("🏥 Going to a doctor or office"),
    "companionship": __("☕ Company for seniors"),
    "tutoring": __("📚 Tutoring"),
    "it_help": __("📱 Computer & phone help"),
    "repairs": __("🔧 Small repairs"),
    "gardening": __("🌱 Gardening"),
    "childcare": __("🧸 Childcare"),
    "pets": __("🐕 Pets"),
    "translation": __("🗣 Translation"),
    "cooking": __("🍲 Cooking"),
    "arts": __("🎨 Arts & music"),
    "paperwork": __("📄 Paperwork"),
    "transport": __("🚗 Transport"),
}

PART_LABELS: dict[int, LazyProxy] = {
    MORNING: __("🌅 Morning"),
    AFTERNOON: __("☀️ Afternoon"),
    EVENING: __("🌙 Evening"),
}


# Words, not only an icon, for the weekly grid, so a screen reader says "Mon morning".
PART_WORDS: dict[int, LazyProxy] = {
    MORNING: __("morning"),
    AFTERNOON: __("afternoon"),
    EVENING: __("evening"),
}


_ATTENDANCE_MARKS = {True: "✅", False: "❌", None: "▫️"}
_ATTENDANCE_WORDS: dict[bool | None, LazyProxy] = {
    True: __("present"),
    False: __("absent"),
    None: __("not marked yet"),
}


def chosen(label: str, selected: bool, *, unmarked: str = "") -> str:
    """ "✅ Marymont (chosen)": a screen reader says the mark as a word too; a label
    not chosen keeps its own look (plain, or "▫️ " where a list marks both)."""
    return _("✅ {label} (chosen)").format(label=label) if selected else unmarked + label


def rating_label(stars: int) -> str:
    """ "⭐ 4": read out as "star 4", where "⭐⭐⭐⭐" is "star star star star"."""
    return f"⭐ {stars}"


def attendance_label(name: str, attended: bool | None) -> str:
    """ "✅ Anna: present" — the mark in words too, for a screen reader."""
    return f"{_ATTENDANCE_MARKS[attended]} {name}: {_ATTENDANCE_WORDS[attended]}"


def talent(code: str) -> str:
    return str(TALENT_LABELS.get(code, code))


def talent_words(code: str) -> str:
    """The talent without its emoji, for print (document fonts have no emoji)."""
    label = talent(code)
    first, _space, rest = label.partition(" ")
    return rest if rest and not any(ch.isalnum() for ch in first) else label


def weekday_short(weekday: int, language: str) -> str:
    return get_day_names("abbreviated", locale=language)[weekday]


def long_date(day: date, language: str) -> str:
    return format_date(day, format="EEEE, d MMMM", locale=language)


def language_name(code: str, in_language: str, *, mid_sentence: bool = False) -> str:
    """ "Polski" on a button, "polski" inside a sentence (Babel knows English keeps "English")."""
    name = Locale.parse(code).get_display_name(in_language) or code
    return name if mid_sentence else name.capitalize()
