"""Mini App sign-in, exactly as Telegram specifies: each way a sign-in can be wrong is
refused with a short reason, and the right one names the person."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.web.signin import SignInRefused, check_init_data, init_data_of
from tests.conftest import TOKEN
from tests.fakes.webapp import init_data
from tests.harness import START

DAY = timedelta(days=1)


def signed() -> str:
    return init_data(TOKEN, user_id=100_001, first_name="Anna", signed_at=START)


def test_a_signed_sign_in_names_the_person() -> None:
    person = check_init_data(signed(), TOKEN, now=START + timedelta(hours=1), max_age=DAY)
    assert (person.telegram_id, person.first_name, person.signed_at) == (100_001, "Anna", START)


def _with(data: str, **changes: str) -> str:
    fields = dict(parse_qsl(data)) | changes
    return urlencode(fields)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_with(signed(), hash="0" * 64), "the signature does not match"),
        (_with(signed(), user='{"id":100002,"first_name":"Eve"}'), "the signature does not match"),
        (_with(signed(), auth_date="1"), "the signature does not match"),
        (signed()[: signed().index("&hash=")], "no signature"),
        ("just text", "not Telegram's sign-in data"),
        (
            init_data("999:other-bot-token", user_id=1, first_name="A", signed_at=START),
            "the signature does not match",
        ),
    ],
    ids=["forged hash", "another user", "changed date", "no hash", "not a query", "other bot"],
)
def test_a_wrong_sign_in_is_refused_with_a_reason(data: str, reason: str) -> None:
    with pytest.raises(SignInRefused) as refused:
        check_init_data(data, TOKEN, now=START, max_age=DAY)
    assert refused.value.reason == reason


def test_a_sign_in_older_than_allowed_is_refused_and_one_a_moment_younger_is_not() -> None:
    check_init_data(signed(), TOKEN, now=START + DAY, max_age=DAY)
    with pytest.raises(SignInRefused, match="too old"):
        check_init_data(signed(), TOKEN, now=START + DAY + timedelta(seconds=1), max_age=DAY)
    with pytest.raises(SignInRefused, match="future"):
        check_init_data(signed(), TOKEN, now=START - timedelta(minutes=6), max_age=DAY)


@pytest.mark.parametrize("header", [None, "", "Bearer abc", "tma ", "tma"])
def test_only_the_tma_scheme_carries_a_sign_in(header: str | None) -> None:
    with pytest.raises(SignInRefused, match="no Telegram sign-in"):
        init_data_of(header)
    assert init_data_of("tma a=1&hash=2") == "a=1&hash=2"
