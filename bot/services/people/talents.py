"""Stable codes for talents (and request categories), parts of the day and languages.

Codes are stored; labels are translated in `bot/views/labels.py`.
"""

from __future__ import annotations

from datetime import date, time

TALENTS: tuple[str, ...] = (
    "shopping",
    "accompaniment",
    "companionship",
    "tutoring",
    "it_help",
    "repairs",
    "gardening",
    "childcare",
    "pets",
    "translation",
    "cooking",
    "arts",
    "paperwork",
    "transport",
)

# Entering someone's home, or caring for a vulnerable person: only verified volunteers.
SENSITIVE: frozenset[str] = frozenset({"accompaniment", "companionship", "childcare", "repairs"})

# Talents that make someone a plausible helper for a category they did not list.
RELATED: dict[str, frozenset[str]] = {
    "shopping": frozenset({"transport", "cooking"}),
    "accompaniment": frozenset({"transport", "companionship"}),
    "companionship": frozenset({"accompaniment", "arts"}),
    "tutoring": frozenset({"translation", "it_help", "arts"}),
    "it_help": frozenset({"paperwork", "tutoring"}),
    "repairs": frozenset({"gardening"}),
    "gardening": frozenset({"repairs"}),
    "childcare": frozenset({"tutoring", "arts"}),
    "pets": frozenset({"gardening"}),
    "translation": frozenset({"paperwork", "tutoring"}),
    "cooking": frozenset({"shopping"}),
    "arts": frozenset({"tutoring", "companionship"}),
    "paperwork": frozenset({"translation", "it_help"}),
    "transport": frozenset({"shopping", "accompaniment"}),
}

MORNING, AFTERNOON, EVENING = 0, 1, 2
PARTS: tuple[int, ...] = (MORNING, AFTERNOON, EVENING)
PART_STARTS: dict[int, time] = {MORNING: time(8), AFTERNOON: time(12), EVENING: time(17)}
DAYS = 7
SLOTS: tuple[int, ...] = tuple(range(DAYS * len(PARTS)))

SPOKEN_LANGUAGES: tuple[str, ...] = ("pl", "en", "uk", "ru", "de", "be")


def slot(weekday: int, part: int) -> int:
    return weekday * len(PARTS) + part


def request_slots(day: date | None, part: int | None) -> list[int]:
    """The weekly slots a request can be done in: a flexible request fits every slot."""
    if day is None:
        return list(SLOTS) if part is None else [slot(d, part) for d in range(DAYS)]
    if part is None:
        return [slot(day.weekday(), p) for p in PARTS]
    return [slot(day.weekday(), part)]


# Word beginnings (pl, en, uk) that tie an event role such as "gotowanie ×2" to a talent,
# so that the matcher can invite volunteers who have it.
TALENT_WORDS: dict[str, tuple[str, ...]] = {
    "shopping": ("zakup", "shop", "закуп"),
    "accompaniment": ("towarzysz", "accompan", "супров"),
    "companionship": ("rozmow", "compan", "talk", "розмов"),
    "tutoring": ("korepet", "nauk", "lesson", "tutor", "teach", "навча"),
    "it_help": ("komput", "telefon", "smartf", "internet", "comput", "phone", "комп"),
    "repairs": ("napraw", "majsterk", "repair", "fix", "ремонт"),
    "gardening": ("ogr", "sadz", "ziele", "garden", "plant", "сад", "город"),
    "childcare": ("dzie", "opiek", "child", "kids", "діт"),
    "pets": ("pies", "psy", "zwierz", "kot", "dog", "pet", "твар"),
    "translation": ("tłumacz", "translat", "interpret", "переклад"),
    "cooking": ("gotow", "kuch", "piecz", "cook", "bak", "kitchen", "готув", "кух"),
    "arts": ("plast", "muzy", "śpiew", "taniec", "art", "music", "paint", "мист", "музик"),
    "paperwork": ("urzęd", "dokument", "pism", "paper", "form", "докум"),
    "transport": ("transport", "samoch", "przewo", "drive", "car", "lift", "перев", "авто"),
}


def talent_for(role: str) -> str | None:
    """The talent a role's words point at, or None when nothing fits."""
    words = role.casefold().split()
    for code, beginnings in TALENT_WORDS.items():
        if any(word.startswith(beginnings) for word in words):
            return code
    return None
