"""One commit per use case: a crash before the commit that holds a change leaves neither
the change nor the messages it causes; after the commit both are there.

The fault is injected at the first commit of an update that has written something, the
moment the unit of work makes the change durable. Just before raising, the probe reads
what the transaction holds, so each test also proves that the change and its notices
were really in that one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.db.conversation_storage import DatabaseStorage
from bot.db.models import HelpRequest, OutboxMessage, User, VolunteerProfile
from bot.db.statuses import RequestStatus
from tests.harness import Harness, Person, joined, writes_after_calls
from tests.helpers import add_place, stored
from tests.test_help_flow import MAREK, ZOFIA, ask_for_shopping, english_volunteer, sign_up
from tests.test_panel import EWA, make_animator


class InjectedCrash(Exception):
    """Stands for the process dying between the change and its commit."""


class FaultySession(Session):
    """Sessions of this test's factory only, so the listener touches nothing else."""


Probe = Callable[[Session], Any]


@dataclass
class Fault:
    """Raises at the next commit that would make a write durable, once."""

    probe: Probe | None = None
    seen: Any = None
    fired: bool = False
    writing: set[int] = field(default_factory=set)

    def arm(self, probe: Probe) -> None:
        self.probe, self.fired = probe, False

    def before_commit(self, session: Session) -> None:
        connection = session.connection()
        if self.probe is None or id(connection.connection.dbapi_connection) not in self.writing:
            return
        self.seen = self.probe(session)
        self.probe, self.fired = None, True
        raise InjectedCrash

    def after_execute(self, connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            self.writing.add(id(connection.connection.dbapi_connection))

    def transaction_ended(self, connection: Connection) -> None:
        self.writing.discard(id(connection.connection.dbapi_connection))


@pytest.fixture
def fault(engine: AsyncEngine) -> Iterator[Fault]:
    fault = Fault()
    sync = engine.sync_engine
    event.listen(FaultySession, "before_commit", fault.before_commit)
    event.listen(sync, "after_cursor_execute", fault.after_execute)
    event.listen(sync, "commit", fault.transaction_ended)
    event.listen(sync, "rollback", fault.transaction_ended)
    yield fault
    event.remove(FaultySession, "before_commit", fault.before_commit)
    event.remove(sync, "after_cursor_execute", fault.after_execute)
    event.remove(sync, "commit", fault.transaction_ended)
    event.remove(sync, "rollback", fault.transaction_ended)


@pytest.fixture
def session_factory(engine: AsyncEngine, fault: Fault) -> async_sessionmaker[AsyncSession]:
    """Overrides conftest's: the Dispatcher and the sender use the faulty sessions."""
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=FaultySession)


@pytest.fixture
def crashes(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The injected crash is logged by the error handler on purpose; nothing else may be."""
    yield
    unexpected = [
        r
        for r in caplog.records
        if r.name == "bot.handlers.errors"
        and r.exc_info
        and not isinstance(r.exc_info[1], InjectedCrash)
    ]
    assert not unexpected
    caplog.clear()


def outbox_for(chat_id: int) -> Probe:
    def count(session: Session) -> int:
        query = select(func.count()).select_from(OutboxMessage)
        return session.scalar(query.where(OutboxMessage.chat_id == chat_id)) or 0

    return count


def request_and_notices(chat_id: int) -> Probe:
    def read(session: Session) -> tuple[str | None, int]:
        status = session.scalar(select(HelpRequest.status).order_by(HelpRequest.id.desc()))
        return status, outbox_for(chat_id)(session)

    return read


async def db_state(db: AsyncSession, probe: Probe) -> Any:
    db.expire_all()
    return await db.run_sync(probe)


async def crash_then_retry(
    harness: Harness,
    db: AsyncSession,
    fault: Fault,
    probe: Probe,
    act: Callable[[], Any],
) -> tuple[Any, Any, Any]:
    """(before, inside the crashed transaction, after the crash) of `probe`; then `act`
    again without a fault and return what it left."""
    before = await db_state(db, probe)
    fault.arm(probe)
    await act()
    assert fault.fired, "the use case wrote something and tried to commit it"
    after_crash = await db_state(db, probe)
    assert after_crash == before, "the crash left neither the change nor its notices"
    await act()
    return before, fault.seen, await db_state(db, probe)


async def offered(harness: Harness, db: AsyncSession) -> None:
    place_id = await add_place(db)
    await sign_up(harness, ZOFIA, "I need help")
    await english_volunteer(db, MAREK, place_id)
    await ask_for_shopping(harness)


async def accepted(harness: Harness, db: AsyncSession) -> None:
    await offered(harness, db)
    await harness.press(ZOFIA, "Send the request")
    await harness.press(MAREK, "I will help")


async def test_submit(harness: Harness, db: AsyncSession, fault: Fault, crashes: None) -> None:
    await offered(harness, db)
    before, inside, after = await crash_then_retry(
        harness, db, fault, request_and_notices(MAREK.id),
        lambda: harness.press(ZOFIA, "Send the request"),
    )  # fmt: skip
    assert before == (None, 0)
    assert inside == after == (RequestStatus.OPEN, 1), "the request and its offer together"


async def test_accept(harness: Harness, db: AsyncSession, fault: Fault, crashes: None) -> None:
    await offered(harness, db)
    await harness.press(ZOFIA, "Send the request")
    before, inside, after = await crash_then_retry(
        harness, db, fault, request_and_notices(ZOFIA.id),
        lambda: harness.press(MAREK, "I will help"),
    )  # fmt: skip
    assert before == (RequestStatus.OPEN, 0)
    assert inside == after == (RequestStatus.MATCHED, 1), "taken, and the resident told"


async def test_done(harness: Harness, db: AsyncSession, fault: Fault, crashes: None) -> None:
    await accepted(harness, db)
    await harness.press(MAREK, "Done")
    sent_to_zofia = await db_state(db, outbox_for(ZOFIA.id))
    before, inside, after = await crash_then_retry(
        harness, db, fault, request_and_notices(ZOFIA.id), lambda: harness.press(MAREK, "2 h")
    )
    assert before == (RequestStatus.MATCHED, sent_to_zofia)
    assert inside == after == (RequestStatus.DONE, sent_to_zofia + 1)


async def test_hand_back(harness: Harness, db: AsyncSession, fault: Fault, crashes: None) -> None:
    await accepted(harness, db)
    sent_to_zofia = await db_state(db, outbox_for(ZOFIA.id))
    before, inside, after = await crash_then_retry(
        harness, db, fault, request_and_notices(ZOFIA.id),
        lambda: harness.press(MAREK, "I cannot do it after all"),
    )  # fmt: skip
    assert before == (RequestStatus.MATCHED, sent_to_zofia)
    assert inside == after == (RequestStatus.OPEN, sent_to_zofia + 1)


async def test_cancel(harness: Harness, db: AsyncSession, fault: Fault, crashes: None) -> None:
    await accepted(harness, db)
    sent_to_marek = await db_state(db, outbox_for(MAREK.id))
    await harness.send(ZOFIA, "/requests")
    before, inside, after = await crash_then_retry(
        harness, db, fault, request_and_notices(MAREK.id),
        lambda: harness.press(ZOFIA, "Cancel"),
    )  # fmt: skip
    assert before == (RequestStatus.MATCHED, sent_to_marek)
    assert inside == after == (RequestStatus.CANCELLED, sent_to_marek + 1)


async def test_forget(harness: Harness, db: AsyncSession, fault: Fault, crashes: None) -> None:
    await accepted(harness, db)
    sent_to_zofia = await db_state(db, outbox_for(ZOFIA.id))

    def marek_and_notices(session: Session) -> tuple[bool, int]:
        kept = session.scalar(select(User.id).where(User.telegram_id == MAREK.id)) is not None
        return kept, outbox_for(ZOFIA.id)(session)

    await harness.send(MAREK, "/forget")
    before, inside, after = await crash_then_retry(
        harness, db, fault, marek_and_notices, lambda: harness.press(MAREK, "Yes, delete")
    )
    assert before == (True, sent_to_zofia)
    assert inside == after == (False, sent_to_zofia + 1), "gone, and the resident told"


async def test_verify(harness: Harness, db: AsyncSession, fault: Fault, crashes: None) -> None:
    place_id = await add_place(db)
    await make_animator(db, harness, EWA, place_id)
    helper_id = (await english_volunteer(db, MAREK, place_id)).id

    def verified_and_told(session: Session) -> tuple[bool, int]:
        profile = session.get(VolunteerProfile, helper_id, populate_existing=True)
        return profile is not None and profile.verified_at is not None, outbox_for(MAREK.id)(
            session
        )

    await harness.send(EWA, "/panel")
    await harness.press(EWA, "Volunteers to verify")
    await harness.press(EWA, "✅ Verify")
    before, inside, after = await crash_then_retry(
        harness, db, fault, verified_and_told, lambda: harness.press(EWA, "Until revoked")
    )
    assert before == (False, 0)
    assert inside == after == (True, 1)


async def test_a_reply_leaves_only_after_its_change_is_committed(
    harness: Harness, db: AsyncSession, fault: Fault, crashes: None
) -> None:
    """The crash at the commit happens before any answer: nobody reads "the task is
    yours" about a task that is not theirs."""
    await offered(harness, db)
    await harness.press(ZOFIA, "Send the request")
    fault.arm(outbox_for(ZOFIA.id))
    calls = await harness.press(MAREK, "I will help")
    assert fault.fired
    assert "The task is yours" not in joined(calls)
    assert "something went wrong" in joined(calls)
    assert (await stored(db, MAREK)) is not None


@pytest.fixture
def storage(session_factory: async_sessionmaker[AsyncSession]) -> DatabaseStorage:
    """Always the database: the step reached belongs to the same transaction (with Redis
    a conversation step is written apart from it; docs/decisions/0004)."""
    return DatabaseStorage(session_factory)


def test_a_write_after_a_reply_is_caught_and_its_exceptions_are_named() -> None:
    """The check every harness update passes (tests/harness.py): writes first, then what
    the person reads."""
    assert writes_after_calls([("write", "help_requests"), ("call", "SendMessage")]) == []
    assert writes_after_calls([("call", "SendMessage"), ("write", "help_requests")]) == [
        "help_requests after SendMessage"
    ]
    assert writes_after_calls([("call", "EditMessageText"), ("write", "conversations")]) == []
    assert writes_after_calls([("call", "SendMessage"), ("write", "users.blocked_at")]) == []
    assert writes_after_calls(
        [("call", "SendMessage"), ("write", "users.blocked_at"), ("write", "offers")]
    ) == ["offers after (its result)"]
    assert writes_after_calls([("call", "SendMessage"), ("write", "outbox.due_at")]) == []
    assert writes_after_calls([("call", "SendMessage"), ("write", "outbox")]) == [
        "outbox after SendMessage"
    ]


async def test_every_harness_update_is_traced(harness: Harness, anna: Person) -> None:
    await harness.send(anna, "/start")
    assert ("call", "SendMessage") in harness.trace.steps
    assert any(step[0] == "write" and step[1].startswith("users") for step in harness.trace.steps)
