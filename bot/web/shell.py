"""The page Telegram opens: a shell with no personal data (the sign-in travels with
each call the page makes, never in the address), our own script and style, and the
security headers every Mini App response carries."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.web.api import Handler, MiniApp
from bot.web.rendering import Pages

STATIC = Path(__file__).resolve().parent / "static"
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"

# Only our own files and Telegram's script; no inline code or style, no other origin.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self' https://telegram.org",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors https://web.telegram.org https://*.telegram.org",
    )
)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if request.path.startswith(("/app", "/api/", "/feed/", "/certificate/")):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def add_routes(app: web.Application, mini_app: MiniApp, pages: Pages) -> None:
    async def shell(request: web.Request) -> web.Response:
        language = mini_app.settings.default_language
        body = pages.render("shell.html", language, mini_app.clock())
        return web.Response(text=body, content_type="text/html")

    app.middlewares.append(security_headers)
    app.router.add_get("/app/", shell)
    app.router.add_get("/app", shell)
    app.router.add_static("/app/static/", STATIC)
