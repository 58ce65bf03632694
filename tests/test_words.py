"""Words round 2 (docs/i18n.md): buttons a phone can show, and a centre's name that
reads right after any preposition."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import LANGUAGES
from tests.harness import Harness, Person, joined
from tests.helpers import add_place
from tests.test_catalogues import BOT_DIR, load

# A button wider than this is cut with "…" on a 360 px phone (LANGUAGE-REVIEW.md, round 2).
LABEL_LIMIT = 30

# What fills a label's placeholders: names, roles and districts people type are as long
# as they are; the check uses ones of a usual length.
SAMPLES = {
    "count": "12",
    "name": "Małgorzata",
    "role": "Sprzątanie",
    "place": "MAL Żoliborz",
    "district": "Marymont",
    "hours": "1,5",
    "time": "08:00",
}

# Labels allowed past the limit, and why.
LONGER = {
    "✅ {label} (chosen)": (
        "the word a screen reader says for a chosen toggle; it follows a label that fits on "
        "its own, so a phone cuts only the word with '…' and the ✅ in front stays visible"
    ),
}

# Tables of labels a keyboard reads from (talents, roles, parts of the day).
LABEL_TABLES = {"TALENT_LABELS", "COMMON_ROLES", "PART_LABELS"}


def _translated(node: ast.AST) -> Iterator[str]:
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in {"_", "__"}
            and call.args
            and isinstance(call.args[0], ast.Constant)
        ):
            yield call.args[0].value


def _names(node: ast.AST) -> set[str]:
    return {name.id for name in ast.walk(node) if isinstance(name, ast.Name)}


def _labels_in_function(function: ast.AST) -> Iterator[str]:
    """What reaches a `text=`: directly, or through a name assigned or looped over."""
    shown: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.keyword) and node.arg == "text":
            yield from _translated(node.value)
            shown |= _names(node.value)
    loops = [node for node in ast.walk(function) if isinstance(node, ast.For)]
    for _round in range(3):
        for loop in loops:
            if _names(loop.target) & shown:
                shown |= _names(loop.iter)
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(_names(t) & shown for t in node.targets):
            yield from _translated(node.value)


def _assigns_a_label_table(node: ast.AST) -> bool:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return False
    return any(isinstance(t, ast.Name) and t.id in LABEL_TABLES for t in targets)


def button_labels() -> set[str]:
    """Every message the code puts on a button, found by reading the source."""
    labels: set[str] = set()
    for path in BOT_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.parent.name == "keyboards":
            labels |= set(_translated(tree))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                labels |= set(_labels_in_function(node))
            if _assigns_a_label_table(node):
                labels |= set(_translated(node))
    return labels


def test_the_label_finder_sees_the_buttons_that_matter() -> None:
    labels = button_labels()
    assert {
        "⏳ Join the waiting list",  # an event card
        "💡 Ideas waiting for you: {count}",  # the panel's counters, built in a loop
        "🙋 Only residents",  # an announcement's audience, from a dict
        "🏥 Going to a doctor or office",  # a talent, from a table
        "Setting up the room",  # a helper role, from a table
    } <= labels
    assert "Please check your request:" not in labels


@pytest.mark.parametrize("lang", LANGUAGES)
def test_button_labels_fit_a_phone(lang: str) -> None:
    catalogue = load(lang)
    too_long = {}
    for msgid in button_labels() - set(LONGER):
        entry = catalogue.get(msgid)
        assert entry is not None, msgid
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for form in forms:
            label = form.format(**SAMPLES)
            if len(label) > LABEL_LIMIT:
                too_long[label] = len(label)
    assert not too_long, f"{lang}: wider than {LABEL_LIMIT} characters: {too_long}"


# Prepositions that give the next word a case ending ("w Domu Sąsiedzkim"), which a
# pasted name cannot take: the name follows "centrum"/"центр" or stands on its own.
PREPOSITIONS = {
    "pl": r"\b(w|we|z|ze|do|dla|od|u|przy|o|na|po|za|nad|pod|przed)",
    "uk": r"(?<!\w)(у|в|до|для|з|із|зі|від|при|на|по|за|над|під|перед)",
}
CENTRES = ("Dom Sąsiedzki Motorownia", "MAL Żoliborz")


def _place_messages(lang: str) -> Iterator[str]:
    """The translation of every message that names a centre."""
    for entry in load(lang):
        if not entry.id:
            continue
        msgid = entry.id if isinstance(entry.id, str) else entry.id[0]
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for form in forms:
            if "{place}" in form or msgid.startswith("✅ {name} was added"):
                yield form


@pytest.mark.parametrize("lang", ["pl", "uk"])
@pytest.mark.parametrize("centre", CENTRES)
def test_a_centre_name_never_follows_a_preposition(lang: str, centre: str) -> None:
    checked, wrong = 0, []
    for form in _place_messages(lang):
        values = {name: "…" for name in re.findall(r"\{(\w+)\}", form)}
        values["place" if "{place}" in form else "name"] = centre
        text = form.format(**values)
        checked += 1
        if re.search(PREPOSITIONS[lang] + r"\s+" + re.escape(centre), text, re.IGNORECASE):
            wrong.append(text)
    assert checked >= 15
    assert not wrong, wrong


SARA = Person(id=700_001, first_name="Sara", language_code="pl")


async def test_the_events_of_a_centre_with_a_long_name_read_right(
    harness: Harness, db: AsyncSession
) -> None:
    """Through the Dispatcher, in Polish: "W centrum Dom Sąsiedzki Motorownia …", never
    "W Dom Sąsiedzki Motorownia …"."""
    await add_place(db, name="Dom Sąsiedzki Motorownia", slug="motorownia", districts=())
    await harness.send(SARA, "/start")
    await harness.press(SARA, "Polski")
    await harness.press(SARA, "Zgadzam się")
    await harness.press(SARA, "Chcę być na bieżąco")
    await harness.press(SARA, "Motorownia")
    calls = await harness.send(SARA, "📅 Wydarzenia")
    assert "W centrum Dom Sąsiedzki Motorownia nic jeszcze nie jest zaplanowane" in joined(calls)


def test_the_glossary_in_the_docs_names_every_language() -> None:
    glossary = Path(__file__).resolve().parents[1] / "docs" / "i18n.md"
    rows = [
        line
        for line in glossary.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| ---")
    ]
    header = next(row for row in rows if row.startswith("| concept"))
    assert [cell.strip() for cell in header.strip("|").split("|")][:4] == [
        "concept",
        "pl",
        "uk",
        "en",
    ]
