"""Catalogues: locating, compiling and choosing the user's language.

aiogram's `I18n` refuses a `.po` without its `.mo`, so the app compiles the
catalogues itself on start; nobody has to remember a build step. They ship inside the
package; where it is installed read-only, they are compiled into the user's cache.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import LANGUAGES, Language

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
# Where the messages are, below bot/: the code, and the Mini App's templates.
EXTRACTED_FROM = [("**.py", "python"), ("web/templates/**.html", "jinja2")]


def catalogue_paths(locales_dir: Path = LOCALES_DIR) -> dict[str, Path]:
    return {lang: locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po" for lang in LANGUAGES}


def compile_catalogues(locales_dir: Path = LOCALES_DIR) -> None:
    """Write each `.mo` that is missing or older than its `.po`."""
    for po_path in catalogue_paths(locales_dir).values():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        tmp_path = mo_path.with_suffix(".mo.tmp")
        with tmp_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp_path.replace(mo_path)


def user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sasiad" / "locales"


def compiled_locales(locales_dir: Path = LOCALES_DIR, cache: Path | None = None) -> Path:
    """The folder whose catalogues are compiled: the shipped one when it can be written
    (a checkout, a virtualenv), else a copy in the user's cache (a system-wide install)."""
    try:
        compile_catalogues(locales_dir)
        return locales_dir
    except OSError:
        cache = cache or user_cache()
        for lang, po_path in catalogue_paths(locales_dir).items():
            target = catalogue_paths(cache)[lang]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(po_path, target)
        compile_catalogues(cache)
        return cache


def build_i18n(
    default_language: Language, locales_dir: Path = LOCALES_DIR, cache: Path | None = None
) -> I18n:
    path = compiled_locales(locales_dir, cache)
    return I18n(path=path, default_locale=default_language, domain=DOMAIN)


def guess_language(language_code: str | None, default: Language) -> Language:
    """Telegram's `language_code` ("pl", "en-GB", "uk") mapped onto our languages."""
    if language_code:
        base = language_code.split("-")[0].lower()
        for lang in LANGUAGES:
            if lang == base:
                return lang
    return default
