"""Every message the code can show exists, translated, in pl, en and uk."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.config import LANGUAGES
from bot.i18n import (
    EXTRACTED_FROM,
    LOCALES_DIR,
    build_i18n,
    catalogue_paths,
    compile_catalogues,
)

BOT_DIR = Path(__file__).resolve().parents[1] / "bot"
KEYWORDS = {"_": None, "__": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
PLURAL_FORMS = {"pl": 3, "uk": 3, "en": 2}


def source_messages() -> set[str | tuple[str, str]]:
    """What the code asks gettext for, found the way pybabel finds it."""
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(BOT_DIR), method_map=EXTRACTED_FROM, keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def load(lang: str) -> Catalog:
    with catalogue_paths()[lang].open("rb") as handle:
        return read_po(handle)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def tags(text: str) -> list[str]:
    return re.findall(r"</?[a-z-]+>", text)


def test_the_code_uses_messages() -> None:
    assert len(source_messages()) > 50


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_in_the_catalogue_and_translated(lang: str) -> None:
    catalogue = load(lang)
    missing, untranslated = [], []
    for message in source_messages():
        key = message if isinstance(message, str) else message[0]
        entry = catalogue.get(key)
        if entry is None:
            missing.append(message)
        elif (
            entry.fuzzy
            or not entry.string
            or not all([entry.string] if isinstance(entry.string, str) else entry.string)
        ):
            untranslated.append(message)
    assert not missing, f"{lang}: not in the catalogue: {missing}"
    assert not untranslated, f"{lang}: untranslated or fuzzy: {untranslated}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_stale_messages_left_in_the_catalogue(lang: str) -> None:
    wanted = {m if isinstance(m, str) else m[0] for m in source_messages()}
    stale = [
        entry.id
        for entry in load(lang)
        if entry.id and (entry.id if isinstance(entry.id, str) else entry.id[0]) not in wanted
    ]
    assert not stale, f"{lang}: messages no code uses any more: {stale}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders_and_markup(lang: str) -> None:
    problems = []
    for entry in load(lang):
        if not entry.id:
            continue
        sources = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        translations = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        expected = set().union(*(placeholders(s) for s in sources))
        for translation in translations:
            if placeholders(translation) != expected:
                problems.append((entry.id, translation))
            if sorted(tags(translation)) != sorted(tags(sources[0])):
                problems.append((entry.id, translation))
    assert not problems, f"{lang}: placeholders or HTML tags differ: {problems}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_have_every_form(lang: str) -> None:
    catalogue = load(lang)
    assert catalogue.num_plurals == PLURAL_FORMS[lang]
    for entry in catalogue:
        if entry.pluralizable:
            assert len(entry.string) == PLURAL_FORMS[lang], entry.id
            assert all(entry.string), entry.id


POLISH = {
    1: "1 zarejestrowana osoba",
    2: "2 zarejestrowane osoby",
    4: "4 zarejestrowane osoby",
    5: "5 zarejestrowanych osób",
    12: "12 zarejestrowanych osób",
    14: "14 zarejestrowanych osób",
    21: "21 zarejestrowanych osób",
    22: "22 zarejestrowane osoby",
    24: "24 zarejestrowane osoby",
    25: "25 zarejestrowanych osób",
    112: "112 zarejestrowanych osób",
    0: "0 zarejestrowanych osób",
}
UKRAINIAN = {
    1: "1 особа в команді",
    3: "3 особи в команді",
    5: "5 осіб у команді",
    11: "11 осіб у команді",
    21: "21 особа в команді",
    22: "22 особи в команді",
    111: "111 осіб у команді",
}


@pytest.mark.parametrize(("count", "expected"), sorted(POLISH.items()))
def test_polish_plural_forms(count: int, expected: str) -> None:
    i18n = build_i18n("pl")
    text = i18n.gettext("{count} resident", "{count} residents", count, locale="pl")
    assert text.format(count=count) == expected


@pytest.mark.parametrize(("count", "expected"), sorted(UKRAINIAN.items()))
def test_ukrainian_plural_forms(count: int, expected: str) -> None:
    i18n = build_i18n("pl")
    text = i18n.gettext("{count} animator", "{count} animators", count, locale="uk")
    assert text.format(count=count) == expected


def test_catalogues_compile_from_scratch(tmp_path: Path) -> None:
    for lang in LANGUAGES:
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes(catalogue_paths()[lang].read_bytes())
    compile_catalogues(tmp_path)
    i18n = build_i18n("pl", tmp_path)
    assert set(i18n.available_locales) == set(LANGUAGES)
    assert i18n.gettext("❓ Help", locale="uk") == "❓ Допомога"


def test_catalogues_ship_inside_the_package() -> None:
    assert LOCALES_DIR == BOT_DIR / "locales"
    assert (LOCALES_DIR / "pl" / "LC_MESSAGES" / "messages.po").exists()


def test_catalogues_that_cannot_be_written_are_compiled_in_the_cache(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    for lang in LANGUAGES:
        target = shipped / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes(catalogue_paths()[lang].read_bytes())
        (target / "messages.mo.tmp").mkdir()  # writing the .mo here fails, even as root
    i18n = build_i18n("pl", shipped, cache=tmp_path / "cache")
    assert i18n.gettext("❓ Help", locale="uk") == "❓ Допомога"
    assert (tmp_path / "cache" / "uk" / "LC_MESSAGES" / "messages.mo").exists()


# Words the native-speaker review retired (../shared/LANGUAGE-REVIEW.md), so they do not
# creep back: office forms, calques, and terms the community centres do not use.
RETIRED = {
    "pl": [
        r"\btalent",  # umiejętności
        r"osob\w* wolontariack",  # wolontariusze
        r"\b(Zapisano|Dołączono|Opuszczono|Osiągnięto)\b",  # impersonal office forms
        r"\w+(eś|łeś)/\w+(aś|łaś)",  # slash forms
        r"niestawien",  # nieobecność (bez uprzedzenia)
        r"Towarzystwo dla",  # dotrzymywanie towarzystwa
        r"dla urzędu",  # zestawienie dla dzielnicy
        r"godziny pomocy",  # godziny wolontariatu
        r"osob\w* animując|animujesz",  # zespół centrum
        r"\b(Dziękujemy|Przepraszamy)\b",  # the bot speaks as "I"
        r"\bProszę \w+ć\b",  # "ty", not "Proszę + infinitive"
        r"\b(Nie wybrano|Dodano|Usunięto|Zaproponowano|Zweryfikowano|Przerwano|Wypisano)\b",
        r"\b(zdecydowano|zaplanowano|zmieniono|wyrażono)\b",
        r"\bTwo(im|jego|je) miejsc",  # the centre is centrum; miejsce is a seat
        r"(?<!Mam )(?<!Masz )\bpomysł",  # inicjatywa; "💡 Mam pomysł" is the resident's word
        # Round 2 (docs/i18n.md, the glossary):
        r"(?<!dla )dzielnic",  # osiedle; dzielnica is only the borough of the CSV
        r"\bwykonane\b",  # zrealizowane (statistics), zrobione (the volunteer's button)
        r"\b(przechowujemy|szukamy|abyśmy)\b",  # the bot speaks as "I"
        r"\bOpisz go\b",  # agreed with the old masculine "pomysł"
        r"Zatwierdzony i opublikowany|🚫 Odwołany\.",  # an inicjatywa is feminine
        r"Aż wrócę|zostaję przy swoim|Łącz przyciski|osób uczestniczących",
        r"Nie było Twojego zapisu|Proszę coś napisać",
        r"\bnic nie zostało\b|\bnie został[aoy]? (wysłan|zapisan|usunięt|zarejestrowan)",
        r"\b(została|zostały|zostało) (przerwan|usunięt|anulowan)",  # the bot did it: "Usunąłem"
    ],
    "uk": [
        r"має місце",  # "takes place", not "has a seat"
        r"околиц",  # a Polonism: околиця is the outskirts
        r"місцевої активності",  # a calque of MAL
        r"нічого переривати",
        r"тримайте мене в курсі",  # a Russian calque
        r"Моє місце",  # the centre is центр
        r"анімат",  # a party entertainer: команда центру
        r"\b(вашому|вашого|ваше|Ваше) місц",  # the centre is центр
        r"\b(Дякуємо|Перепрошуємо)\b",  # the bot speaks as "I"
        r"(?<!Маю )(?<!Маєте )\bіде[юяїй]",  # ініціатива
        # Round 2 (docs/i18n.md, the glossary):
        r"талант",  # навички
        r"працівник|Організатор",  # команда центру: many are not employees
        r"Підтверджено до|підтвердили вас|✅ Підтвердити",  # verify is перевірити
        r"без попередження|\bнеявку\b",  # неявки
        r"годин допомоги",  # години волонтерства
        r"\b(шукаємо|зберігаємо)\b|Ми нічого|у нас щось",  # the bot speaks as "I"
        r"Це задовго|повний комплект|Ще бракує|сусідського центру|Поєднуйте кнопки",
        r"✅ прийшов|не встигнути|щоб він став",
        r"Надсилання… готово",
    ],
}


@pytest.mark.parametrize("lang", sorted(RETIRED))
def test_retired_terms_stay_out_of_the_catalogue(lang: str) -> None:
    texts = []
    for message in load(lang):
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else [message.string]
            texts += [re.sub(r"\{\w+\}", "", text) for text in strings]  # not placeholders
    found = {
        pattern: [text for text in texts if re.search(pattern, text, re.IGNORECASE)]
        for pattern in RETIRED[lang]
    }
    assert not {pattern: hits for pattern, hits in found.items() if hits}
