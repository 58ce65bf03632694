"""Numbers, dates, durations and free places as people of each language write them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from aiogram.utils.i18n import I18n

from bot.views.events import places_text
from bot.views.formatting import decimal, duration, local_datetime, month, reading_at

CAPACITY = 30

# Free places out of 30 with 5 taken, then out of a capacity nobody has used yet.
FREE_LEFT = {
    "pl": {
        1: "zostało 1 wolne miejsce (z 30)",
        2: "zostały 2 wolne miejsca (z 30)",
        5: "zostało 5 wolnych miejsc (z 30)",
        12: "zostało 12 wolnych miejsc (z 30)",
        22: "zostały 22 wolne miejsca (z 30)",
        25: "zostało 25 wolnych miejsc (z 30)",
    },
    "en": {
        1: "1 free place left (of 30)",
        2: "2 free places left (of 30)",
        5: "5 free places left (of 30)",
        12: "12 free places left (of 30)",
        22: "22 free places left (of 30)",
        25: "25 free places left (of 30)",
    },
    "uk": {
        1: "залишилося 1 вільне місце (з 30)",
        2: "залишилося 2 вільні місця (з 30)",
        5: "залишилося 5 вільних місць (з 30)",
        12: "залишилося 12 вільних місць (з 30)",
        22: "залишилося 22 вільні місця (з 30)",
        25: "залишилося 25 вільних місць (з 30)",
    },
}
ALL_FREE = {
    "pl": {
        1: "1 wolne miejsce",
        2: "2 wolne miejsca",
        5: "5 wolnych miejsc",
        22: "22 wolne miejsca",
    },
    "en": {1: "1 free place", 2: "2 free places", 5: "5 free places", 22: "22 free places"},
    "uk": {1: "1 вільне місце", 2: "2 вільні місця", 5: "5 вільних місць", 22: "22 вільні місця"},
}
FULL = {
    "pl": "brak miejsc — lista rezerwowa",
    "en": "no places left — waiting list",
    "uk": "місць немає — список очікування",
}


@pytest.fixture(params=["pl", "en", "uk"])
def language(request: pytest.FixtureRequest, i18n: I18n) -> Iterator[str]:
    with i18n.context(), i18n.use_locale(request.param):
        yield request.param


@pytest.mark.parametrize("free", [1, 2, 5, 12, 22, 25])
def test_free_places_say_what_is_left_with_its_plural(language: str, free: int) -> None:
    assert places_text(CAPACITY - free, CAPACITY) == FREE_LEFT[language][free]


@pytest.mark.parametrize("free", [1, 2, 5, 22])
def test_an_untouched_event_says_only_how_many_are_free(language: str, free: int) -> None:
    assert places_text(0, free) == ALL_FREE[language][free]


@pytest.mark.parametrize("taken", [5, 7])
def test_no_free_place_points_to_the_waiting_list(language: str, taken: int) -> None:
    assert places_text(taken, 5) == FULL[language]


HOURS = {"pl": "0,5", "en": "0.5", "uk": "0,5"}
MONTHS = {"pl": "grudzień 2026", "en": "December 2026", "uk": "грудень 2026"}
WAITS = {
    "pl": ("45 min", "2 godz. 15 min", "2 godz.", "2 dni"),
    "en": ("45 min", "2 hr 15 min", "2 hr", "2 days"),
    "uk": ("45 хв", "2 год 15 хв", "2 год", "2 дні"),
}
EVENING = datetime(2026, 12, 5, 17, 0, tzinfo=UTC)  # 18:00 in Warsaw, a Saturday
DATES = {
    "pl": ("sob., 5 grudnia, 18:00", "sob., 5 grudnia 2026, 18:00"),
    "en": ("Sat, 5 December, 18:00", "Sat, 5 December 2026, 18:00"),
    "uk": ("сб, 5 грудня, 18:00", "сб, 5 грудня 2026, 18:00"),
}


def test_hours_use_the_languages_decimal_sign(language: str) -> None:
    assert decimal(0.5) == HOURS[language]
    assert decimal(2) == "2"


def test_the_month_is_named_in_the_places_time_zone(language: str) -> None:
    december_in_warsaw = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December
    assert month(december_in_warsaw, "Europe/Warsaw") == MONTHS[language]


def test_waits_are_counted_in_minutes_hours_or_days(language: str) -> None:
    assert tuple(duration(m) for m in (45, 135, 120, 2880)) == WAITS[language]


def test_dates_carry_the_weekday_and_the_year_only_when_it_is_not_this_year(
    language: str,
) -> None:
    this_year, other_year = DATES[language]
    with reading_at(datetime(2026, 11, 23, tzinfo=UTC)):
        assert local_datetime(EVENING, "Europe/Warsaw") == this_year
    with reading_at(datetime(2025, 12, 31, tzinfo=UTC)):
        assert local_datetime(EVENING, "Europe/Warsaw") == other_year
    assert local_datetime(EVENING, "Europe/Warsaw") == other_year, "no reader, the full date"
