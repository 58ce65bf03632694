"""The matching simulation (bench/simulate.py) on a small city: it drives the real
services, its figures hold together, and a seed gives the same figures every time."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bench.simulate import (
    LATER,
    URGENCY,
    URGENT,
    Baseline,
    Figures,
    Ours,
    build_city,
    simulate,
)

DAYS, VOLUNTEERS, SEED = 3, 300, 5


async def _ours(folder: Path, name: str) -> Figures:
    city = build_city(SEED, VOLUNTEERS, DAYS)
    figures = await simulate(city, lambda: Ours(name), SEED, DAYS, folder)
    return replace(figures, name="ours", seconds=0)


async def test_a_seed_gives_the_same_figures(tmp_path: Path) -> None:
    assert await _ours(tmp_path, "first") == await _ours(tmp_path, "again")


async def test_ours_sends_far_fewer_offers_than_broadcast(tmp_path: Path) -> None:
    city = build_city(SEED, VOLUNTEERS, DAYS)
    ours = await simulate(city, lambda: Ours("ours"), SEED, DAYS, tmp_path)
    broadcast = await simulate(
        city,
        lambda: Baseline("broadcast", city, None, 2, timedelta(hours=6), random.Random(1)),
        SEED,
        DAYS,
        tmp_path,
    )
    assert ours.requests == broadcast.requests == len(city.arrivals) > 20
    assert 0.5 < ours.matched <= 1
    assert ours.offers_per_match * 4 < broadcast.offers_per_match
    assert ours.t50_min <= ours.t90_min


async def test_figures_by_urgency_add_up(tmp_path: Path) -> None:
    """Each request is in one class by the time left until it is due; "urgent" is the two
    classes within a day together; the busiest tenth's share is a share."""
    figures = await _ours(tmp_path, "ours")
    classes = [figures.by_urgency[name] for name, _within in URGENCY]
    everyone = [*classes, figures.by_urgency[LATER]]
    assert sum(u.requests for u in everyone) == figures.requests
    assert figures.by_urgency[URGENT].requests == sum(u.requests for u in classes)
    assert all(0 <= u.matched <= 1 for u in everyone)
    assert 0 < figures.busiest_share <= 1
    assert 0 <= figures.offered_gini < 1
