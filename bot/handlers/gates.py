"""One check at a feature router's door for messages, so a message skips the routers
that cannot want it.

A menu tap used to walk every handler of every router before it (about 55 filter checks
for one tap). Most routers answer a message only in their own steps or to their own
commands and buttons; `gate_messages` reads that from the handlers already registered
and puts one filter in front of them, so nothing is written twice and a new handler
cannot be forgotten: a router with any handler that could take other messages (no step
and no command, a step "any state", a filter it does not know) gets no gate at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from inspect import isclass
from typing import Any

from aiogram import Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n.lazy_proxy import LazyProxy

from bot.filters import Asks, Tapped
from bot.keyboards import menus


@dataclass(eq=False)
class Door(Filter):
    """What may pass: a message in one of these steps, or asking for one of these
    commands or buttons (a superset of what the handlers behind it take)."""

    steps: set[str] = field(default_factory=set)
    commands: set[str] = field(default_factory=set)
    buttons: list[LazyProxy] = field(default_factory=list)

    async def __call__(
        self, message: Message, raw_state: str | None = None, said: menus.Said | None = None
    ) -> bool:
        if raw_state is not None and raw_state in self.steps:
            return True
        said = said or menus.read(message.text, message.caption)
        if said.command is not None:
            return said.command in self.commands
        return said.button is not None and any(said.button is b for b in self.buttons)

    def admit(self, gate: Filter) -> bool:
        """Widen the door for one handler's filter; False when it is not one we read."""
        if isinstance(gate, Asks):
            self.commands.add(gate.command)
            if gate.button is not None:
                self.buttons.append(gate.button)
            return True
        if isinstance(gate, Tapped):
            self.buttons.append(gate.button)
            return True
        if isinstance(gate, Command):
            words = [c for c in gate.commands if isinstance(c, str)]
            self.commands.update(word.lower() for word in words)
            return len(words) == len(gate.commands) and gate.prefix == "/"
        if isinstance(gate, StateFilter):
            steps = [_step_names(s) for s in gate.states]
            if any(names is None for names in steps):
                return False
            self.steps.update(name for names in steps if names for name in names)
            return True
        return False


def _step_names(state: Any) -> set[str] | None:
    """The step names a StateFilter argument stands for; None for "no step" and "any"."""
    if isinstance(state, State):
        return None if state.state in (None, "*") else {state.state}
    if isclass(state) and issubclass(state, StatesGroup):
        return set(state.__all_states_names__)
    if isinstance(state, str) and state != "*":
        return {state}
    return None


def gate_messages(router: Router) -> Router:
    """Give the router's messages one door when every handler has a step or a command."""
    handlers = router.message.handlers
    door = Door()
    for handler in handlers:
        gates = [f.callback for f in handler.filters or () if isinstance(f.callback, Filter)]
        if not any([door.admit(gate) for gate in gates]):
            return router
    if handlers:
        router.message.filter(door)
    return router
