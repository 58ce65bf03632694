"""Printable posters: the place's name, an invitation and a QR code that opens the bot
with the place already chosen. Fonts are DejaVu, shipped with matplotlib, because they
cover Polish and Ukrainian letters.

Imaging is imported only when a poster is drawn: PIL, qrcode and matplotlib's data would
otherwise add tens of megabytes to every bot process for a tool animators use rarely."""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

from bot.services.printed.printing import font_path, qr_image

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
MARGIN = 100


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(bold=bold)), size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont) -> int:
    """Draw wrapped, centred lines from `y`; return the y below them."""
    for line in textwrap.wrap(text, width=max(10, int(2.0 * (WIDTH - 2 * MARGIN) / font.size))):
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((WIDTH - (box[2] - box[0])) / 2, y), line, font=font, fill="black")
        y += int(font.size * 1.3)
    return y


def poster_png(place_name: str, invitation: str, link: str, scan_hint: str) -> bytes:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(page)
    y = _centred(draw, MARGIN, place_name, _font(80, bold=True))
    y = _centred(draw, y + 40, invitation, _font(48))
    image = qr_image(link)
    size = min(800, HEIGHT - y - 300)
    image = image.resize((size, size), Image.Resampling.NEAREST)
    page.paste(image, ((WIDTH - size) // 2, y + 60))
    y = _centred(draw, y + 60 + size + 40, scan_hint, _font(40))
    _centred(draw, y + 10, link, _font(30))
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    return buffer.getvalue()
