"""The Mini App's server side: pages and their API, served by aiohttp from the bot's own
process (`docs/miniapp.md`). Every call is signed in from Telegram's `initData`."""
