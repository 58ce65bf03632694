"""Row layout of inline keyboards, as Telegram will show them."""

from __future__ import annotations

import pytest

from bot.keyboards.callbacks import OfferCD
from bot.keyboards.grid import InlineGrid


def _shape(grid: InlineGrid) -> list[int]:
    return [len(row) for row in grid.as_markup().inline_keyboard]


def _grid(buttons: int) -> InlineGrid:
    grid = InlineGrid()
    for number in range(buttons):
        grid.button(text=str(number), callback_data=f"b:{number}")
    return grid


@pytest.mark.parametrize(
    ("buttons", "widths", "shape"),
    [
        (5, (2, 1), [2, 1, 1, 1]),
        (5, (3, 1, 1), [3, 1, 1]),
        (7, (2,), [2, 2, 2, 1]),
        (10, (), [8, 2]),
        (0, (1,), []),
    ],
)
def test_rows_follow_the_widths_and_the_last_width_repeats(
    buttons: int, widths: tuple[int, ...], shape: list[int]
) -> None:
    assert _shape(_grid(buttons).adjust(*widths)) == shape


def test_without_adjust_a_row_holds_eight() -> None:
    assert _shape(_grid(9)) == [8, 1]


def test_callback_data_is_packed_and_order_kept() -> None:
    grid = InlineGrid().button(text="✅", callback_data=OfferCD(action="accept", offer_id=7))
    grid.button(text="plain", callback_data="x:1")
    row = grid.as_markup().inline_keyboard[0]
    assert [(b.text, b.callback_data) for b in row] == [("✅", "offer:accept:7"), ("plain", "x:1")]


@pytest.mark.parametrize("width", [0, 9])
def test_impossible_widths_are_refused(width: int) -> None:
    with pytest.raises(ValueError, match="a row holds 1 to 8 buttons"):
        _grid(3).adjust(width)


@pytest.mark.parametrize("web_url", [None, "", "https://sasiad.example.org/"])
def test_a_page_button_only_where_the_mini_app_is_served(web_url: str | None) -> None:
    """Without SASIAD_WEB_URL no button points to a page that cannot open."""
    grid = InlineGrid().button(text="A", callback_data="a")
    grid.page(text="🗓 My week", web_url=web_url, page="week")
    buttons = [button for row in grid.as_markup().inline_keyboard for button in row]
    if not web_url:
        assert [b.text for b in buttons] == ["A"]
        return
    assert buttons[1].web_app is not None
    assert buttons[1].web_app.url == "https://sasiad.example.org/app/#week"
    assert buttons[1].callback_data is None
