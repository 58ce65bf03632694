"""The two fallbacks every layer shares, written once: the language of someone who has
not chosen one yet (only before consent: it is stored with it) and the zone of a place
that cannot be found. The settings (`SASIAD_DEFAULT_LANGUAGE`, `SASIAD_TIMEZONE`) start
from the same values."""

from __future__ import annotations

from bot.db.models import User

LANGUAGE = "pl"
TIMEZONE = "Europe/Warsaw"


def language_of(person: User | None) -> str:
    """The language a person reads, for words the bot writes to them."""
    return person.language if person is not None and person.language else LANGUAGE
