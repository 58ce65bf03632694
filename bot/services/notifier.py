"""The port through which use cases tell people what happened to a task.

Services decide *that* someone must hear something, inside the use case's transaction;
the notification layer (`bot.notify.delivery.OutboxNotifier`) decides the words, in each
person's language, and queues them in the outbox. So a service never imports aiogram,
and a change and its notices always share one commit. Tests and the CLI can pass any
object with these methods.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.db.models import HelpRequest, User


class TaskNews(StrEnum):
    ACCEPTED = "accepted"  # to the resident: a volunteer will help
    DONE = "done"  # to the resident: the volunteer says it is done
    CONFIRMED = "confirmed"  # to the volunteer: the resident confirmed
    NO_SHOW = "no_show"  # to the volunteer: the resident says it did not happen
    HANDED_BACK = "handed_back"  # to the resident: the volunteer cannot come after all
    NOT_MET = "not_met"  # to the resident: the volunteer came, nobody was there
    CANCELLED = "cancelled"  # to the volunteer: the resident cancelled
    RELEASED = "released"  # to the volunteer who did not confirm: a standby stepped in


class Notifier(Protocol):
    async def task_news(
        self, news: TaskNews, request: HelpRequest, person: User | None, *, actor: str = ""
    ) -> None:
        """Tell `person` (nobody when None) about `request`; `actor` is the first name of
        whoever caused it, where the words name them."""

    async def verified(self, volunteer: User, until: datetime | None) -> None:
        """An animator verified the volunteer, until that moment (None: until revoked)."""
