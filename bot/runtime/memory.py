"""Garbage-collector settings for the long-running bot process.

Each update allocates thousands of short-lived objects (Telegram types, ORM rows), and
with CPython's default thresholds the cyclic collector kept walking everything the
process holds: in bench/updates.py it took about a tenth of the time per update.
What exists once the bot has started (modules, routers, the dispatcher) lives as long
as the process, so it is frozen out of collections; young objects are collected after
YOUNG_OBJECTS allocations instead of 700. Reference counting still frees almost
everything at once; only reference cycles wait for the collector.
"""

from __future__ import annotations

import gc

YOUNG_OBJECTS = 20_000


def settle_after_start() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, middle, old)
