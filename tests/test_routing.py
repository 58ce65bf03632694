"""aiogram runs any plain (non-async) filter or handler in a worker thread, one thread
hop per check on every update that passes by. Bare `F` rules and bare `State`s are such
callables; in bench/updates.py they made up nearly half of the time per update. Every
filter here must be async (`Rule(F...)`, `StateFilter(...)`)."""

from __future__ import annotations

from collections.abc import Iterator

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import CallableObject
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.filters import Asks
from bot.handlers import get_routers
from bot.handlers.gates import Door, gate_messages
from bot.keyboards import menus
from bot.runtime.app import build_dispatcher
from bot.states import TEXT_STEPS


def _routers(router: Router) -> Iterator[Router]:
    yield router
    for child in router.sub_routers:
        yield from _routers(child)


def _threaded(dp: Dispatcher) -> list[str]:
    found = []
    for router in _routers(dp):
        for name, observer in router.observers.items():
            # The observer's own filters (router.message.filter(...)) come first.
            callables: list[tuple[str, CallableObject]] = [
                (f"{router.name}.{name} filter", each) for each in observer._handler.filters or []
            ]
            for handler in getattr(observer, "handlers", []):
                label = f"{router.name}.{name} {handler.callback.__name__}"
                callables.append((label, handler))
                callables += [(f"{label} filter", each) for each in handler.filters or []]
            found += [f"{label}: {obj.callback!r}" for label, obj in callables if not obj.awaitable]
    return found


def test_no_filter_or_handler_runs_in_a_thread(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], i18n: I18n
) -> None:
    dp = build_dispatcher(settings=settings, session_factory=session_factory, i18n=i18n)
    assert _threaded(dp) == []


def test_every_step_that_reads_typed_text_is_a_text_step(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], i18n: I18n
) -> None:
    """A step with a message handler takes typed text, so the navigation rule (a menu tap
    is never the answer) and the ✖️ Cancel button must know it: it is in TEXT_STEPS."""
    dp = build_dispatcher(settings=settings, session_factory=session_factory, i18n=i18n)
    reading = set()
    for router in _routers(dp):
        for handler in router.message.handlers:
            for each in handler.filters or []:
                if isinstance(each.callback, StateFilter):
                    # A whole group (a "use the buttons" hint) reads no answer.
                    reading |= {s.state for s in each.callback.states if isinstance(s, State)}
    assert len(reading) >= 20
    assert reading - TEXT_STEPS == set()


def _has_door(router: Router) -> bool:
    return any(isinstance(f.callback, Door) for f in router.message._handler.filters or [])


def test_every_feature_router_but_the_fallback_has_a_door_for_messages() -> None:
    """A menu tap walks past the routers that cannot want it with one check each; a
    handler that takes any text would take the door away from its router unnoticed."""
    without = [r.name for r in get_routers() if r.message.handlers and not _has_door(r)]
    assert without == ["bot.handlers.fallback"]


async def test_a_door_lets_through_exactly_its_steps_commands_and_buttons(i18n: I18n) -> None:
    class Flow(StatesGroup):
        first = State()
        second = State()

    async def answer() -> None:
        return None

    router = Router(name="example")
    router.message.register(answer, StateFilter(Flow))
    router.message.register(answer, Asks("events"))
    door = gate_messages(router).message._handler.filters[0].callback
    message = Message.model_validate(
        {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hello"}
    )
    with i18n.context(), i18n.use_locale("en"):
        assert await door(message, raw_state=Flow.second.state)
        assert not await door(message, raw_state="Other:step")
        assert await door(message, said=menus.read("/events"))
        assert await door(message, said=menus.read("📅 Events"))
        assert not await door(message, said=menus.read("/tasks"))
        assert not await door(message, said=menus.read("📋 My tasks"))
        assert not await door(message)

    anything = Router(name="takes any text")
    anything.message.register(answer, Asks("events"))
    anything.message.register(answer, StateFilter(None))
    assert not _has_door(gate_messages(anything))
