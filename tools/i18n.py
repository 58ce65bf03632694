"""Catalogue maintenance for developers: `python tools/i18n.py` re-extracts and merges.

New messages appear in each `bot/locales/<lang>/LC_MESSAGES/messages.po` with an
empty translation; `tests/test_catalogues.py` fails until every one is filled.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.i18n import EXTRACTED_FROM  # noqa: E402

KEYWORDS = ["-k", "_", "-k", "__", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2"]


def main() -> int:
    pot = ROOT / "bot" / "locales" / "messages.pot"
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as mapping:
        mapping.write("".join(f"[{method}: {pattern}]\n" for pattern, method in EXTRACTED_FROM))
    extract = [*pybabel, "extract", *KEYWORDS, "--no-location", "-w", "100", "-F", mapping.name]
    subprocess.run([*extract, "-o", str(pot), str(ROOT / "bot")], check=True)
    Path(mapping.name).unlink()
    update = [*pybabel, "update", "--no-fuzzy-matching", "--ignore-obsolete", "-w", "100"]
    subprocess.run(
        [*update, "-i", str(pot), "-d", str(ROOT / "bot" / "locales"), "-D", "messages"], check=True
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
