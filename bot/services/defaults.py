"""The two fallbacks every layer shares, written once: the language of someone who has
not chosen one yet (only before consent: it is stored with it) and the zone of a place
that cannot be found. The settings (`SASIAD_DEFAULT_LANGUAGE`, `SASIAD_TIMEZONE`) start
from the same values."""

from __future__ import annotations

from typing import Protocol

LANGUAGE = "pl"
TIMEZONE = "Europe/Warsaw"


class Speaks(Protocol):
    """Anyone with a stored language: a user's row or a `Person`."""

    @property
    def language(self) -> str | None: ...


def language_of(person: Speaks | None) -> str:
    """The language a person reads, for words the bot writes to them."""
    return person.language if person is not None and person.language else LANGUAGE
