"""The layer order of docs/architecture.md, enforced: a module may import only the
rooms below its own. Read from the source (ast), so no module is executed."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import typing
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"

_BASE = {"clock"}
_DATA = _BASE | {"db"}
_RULES = _DATA | {"services"}
_TEXTS = _RULES | {"config", "views"}
_BUTTONS = _TEXTS | {"keyboards"}
_TELLING = _BUTTONS | {"i18n", "notify"}
_UPDATES = _TELLING | {"middlewares", "states"}
_FEATURES = _UPDATES | {"commands", "filters", "handlers"}

# Each room of bot/ and the rooms it may import from.
MAY_IMPORT: dict[str, set[str]] = {
    "clock": set(),
    "states": set(),
    "db": _BASE,
    "migrations": _DATA | {"config"},
    "services": _DATA,
    "config": _RULES,
    "i18n": {"config"},
    "commands": {"config"},
    "views": _RULES,
    "keyboards": _RULES | {"views"},
    "notify": _BUTTONS,
    "middlewares": _TELLING | {"states"},
    "filters": _BUTTONS,
    "web": _TELLING,
    "handlers": _FEATURES,
    "runtime": _FEATURES | {"runtime", "web"},
    "__main__": _FEATURES | {"runtime", "web"},
    "__init__": set(),
}

# Libraries a room must not use: business rules know nothing of Telegram, texts and
# buttons nothing of SQL. The one exception: the FSM storage in db speaks aiogram's
# storage interface (it keeps conversations in our database).
FORBIDDEN = {
    "services": {"aiogram", "aiohttp"},
    "views": {"sqlalchemy"},
    "keyboards": {"sqlalchemy"},
    "db": {"aiogram"},
}
EXCEPTIONS = {("db/conversation_storage.py", "aiogram")}


def _room(path: Path) -> str:
    relative = path.relative_to(BOT)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def _modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def test_every_room_has_a_rule() -> None:
    assert {_room(path) for path in _modules()} <= set(MAY_IMPORT)


def _violations(path: Path, room: str, relative: str) -> set[str]:
    wrong = set()
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "bot" and len(parts) > 1:
            if parts[1] != room and parts[1] not in MAY_IMPORT[room]:
                wrong.add(name)
        elif parts[0] in FORBIDDEN.get(room, set()) and (relative, parts[0]) not in EXCEPTIONS:
            wrong.add(name)
    return wrong


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(BOT)))
def test_a_module_imports_only_the_rooms_below_its_own(path: Path) -> None:
    room = _room(path)
    wrong = _violations(path, room, str(path.relative_to(BOT)))
    assert not wrong, f"{room} may not import {sorted(wrong)}"


def test_the_rule_catches_an_upward_import_and_sql_in_a_view(tmp_path: Path) -> None:
    view = tmp_path / "view.py"
    view.write_text(
        "import sqlalchemy\nfrom bot.keyboards.menus import main_menu\n"
        "from bot.services.people.talents import TALENTS\n"
    )
    assert _violations(view, "views", "views/view.py") == {"sqlalchemy", "bot.keyboards.menus"}


# Handlers never tell anyone but the person in front of them: services record what
# happened and the unit of work's teller tells the others (bot/notify/teller.py). What
# a handler may take from notify, and why it is a reply.
NOTIFY_FOR_REPLIES = {
    "bot.notify.event_notices": {"stored_summary"},  # words a stored event on one's screen
    "bot.notify.announcements": {"start_due"},  # the author's own "Sending to 12 people…"
}


def test_handlers_take_from_notify_only_what_replies_need() -> None:
    wrong = []
    for path in sorted((BOT / "handlers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.notify"):
                allowed = NOTIFY_FOR_REPLIES.get(node.module or "", set())
                wrong += [
                    f"{path.name}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name not in allowed
                ]
            elif isinstance(node, ast.Import) and any(
                alias.name.startswith("bot.notify") for alias in node.names
            ):
                wrong.append(f"{path.name}: import bot.notify…")
    assert not wrong, wrong


# Areas of bot/services, each importing only the shared modules at the top of services
# (errors, text, happened, when, leases) and the areas before it: no cycle
# between areas (docs/architecture.md, "Areas of the services").
AREAS = ["centres", "people", "messaging", "helping", "initiatives", "across", "printed"]


def _area(path: Path) -> str:
    parts = path.relative_to(BOT / "services").parts
    return parts[0] if len(parts) > 1 else ""


@pytest.mark.parametrize(
    "path", sorted((BOT / "services").rglob("*.py")), ids=lambda p: str(p.relative_to(BOT))
)
def test_an_area_imports_only_the_areas_before_it(path: Path) -> None:
    area = _area(path)
    allowed = {"", area, *AREAS[: AREAS.index(area)]} if area else {""}
    wrong = set()
    for name in _imports(path):
        if not name.startswith("bot.services."):
            continue
        target = name.split(".")[2]
        if target not in AREAS:
            target = ""  # a shared module at the top of services
        if target not in allowed:
            wrong.add(name)
    assert not wrong, f"{path.relative_to(BOT)} ({area or 'shared'}) imports {sorted(wrong)}"


def test_every_module_of_services_is_in_an_area_or_shared() -> None:
    shared = {p.stem for p in (BOT / "services").glob("*.py")} - {"__init__"}
    assert shared == {"errors", "text", "happened", "when", "leases", "defaults", "plain"}
    assert {p.name for p in (BOT / "services").iterdir() if p.is_dir()} - {"__pycache__"} == set(
        AREAS
    )


# The rooms that read what services return: rows of bot/db/models.py never reach them,
# only the plain copies of bot/services/plain.py (docs/architecture.md, "Plain data").
READERS = ["handlers", "views", "keyboards", "notify", "middlewares", "web", "filters.py"]


def _reader_files() -> list[Path]:
    files: list[Path] = []
    for room in READERS:
        path = BOT / room
        files += [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    return files


def test_no_reader_imports_the_models() -> None:
    wrong = [
        str(path.relative_to(BOT))
        for path in _reader_files()
        if {"bot.db.models", "bot.db"} & _imports(path)
    ]
    assert not wrong, wrong


def _service_names_used(path: Path) -> set[tuple[str, str]]:
    """(module, name) of every service function or class `path` calls or reads, whether
    imported by name or reached through an imported module."""
    used: set[tuple[str, str]] = set()
    modules: dict[str, str] = {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.services"):
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"
                if _is_module(whole):
                    modules[alias.asname or alias.name] = whole
                else:
                    used.add((node.module or "", alias.name))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            used.add((modules[node.value.id], node.attr))
    return used


def _is_module(name: str) -> bool:
    path = BOT.parent / name.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").exists()


def _rows_in(kind: object, seen: set[object]) -> set[str]:
    """Names of the model classes a type mentions, through generics and dataclass fields."""
    from bot.db.models import Base

    if isinstance(kind, type) and issubclass(kind, Base):
        return {kind.__name__}
    found: set[str] = set()
    for argument in typing.get_args(kind):
        found |= _rows_in(argument, seen)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind not in seen:
        seen.add(kind)
        for field_kind in typing.get_type_hints(kind).values():
            found |= _rows_in(field_kind, seen)
    return found


def test_no_row_crosses_into_the_readers() -> None:
    """Every service function a reader calls takes and returns plain data only."""
    wrong = []
    for path in _reader_files():
        for module, name in sorted(_service_names_used(path)):
            thing = getattr(importlib.import_module(module), name)
            if not callable(thing):
                continue
            rows = set()
            for kind in typing.get_type_hints(thing).values():
                rows |= _rows_in(kind, set())
            if rows:
                wrong.append(f"{path.relative_to(BOT)}: {module}.{name} {sorted(rows)}")
    assert not wrong, "\n".join(wrong)
