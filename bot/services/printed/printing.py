"""What printed things share: the Unicode font (DejaVu Sans, which matplotlib ships, so
Polish and Ukrainian letters print) and a QR code image of a link.

Imaging is imported only when something is printed (see runtime/memory.py's budget)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image


def font_path(*, bold: bool = False) -> Path:
    """DejaVu Sans from matplotlib's package data, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None
    assert spec.submodule_search_locations
    fonts = Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"
    return fonts / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


def qr_image(link: str, box_size: int = 20) -> Image.Image:
    import qrcode

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=2
    )
    code.add_data(link)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
