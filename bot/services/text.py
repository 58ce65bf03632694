"""Checks for text that users type."""

from bot.services.errors import EmptyValue, TooLong


def clean_text(value: str, *, limit: int) -> str:
    """Trim, refuse empty, refuse longer than `limit` (counted after trimming)."""
    cleaned = value.strip()
    if not cleaned:
        raise EmptyValue
    if len(cleaned) > limit:
        raise TooLong(limit=limit, length=len(cleaned))
    return cleaned
