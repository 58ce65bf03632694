"""Routers, one per feature; `get_routers` fixes their order."""

from aiogram import Router

from bot.handlers import (
    admin,
    animator,
    announcements,
    certificates,
    common,
    errors,
    escalations,
    events,
    fallback,
    groups,
    help_requests,
    menu,
    onboarding,
    panel,
    posters,
    preferences,
    privacy,
    profile,
    propose,
    review,
    tasks,
)
from bot.handlers.gates import gate_messages


def get_routers() -> list[Router]:
    """/cancel and /help first (they work in every state); the catch-all fallback last.
    Each router's messages pass one door first (`gates.gate_messages`)."""
    routers = [
        errors.build_router(),
        common.build_router(),
        menu.build_router(),
        certificates.build_router(),
        onboarding.build_router(),
        privacy.build_router(),
        preferences.build_router(),
        profile.build_router(),
        help_requests.build_router(),
        tasks.build_router(),
        propose.build_router(),
        events.build_router(),
        review.build_router(),
        groups.build_router(),
        admin.build_router(),
        animator.build_router(),
        panel.build_router(),
        escalations.build_router(),
        announcements.build_router(),
        posters.build_router(),
        fallback.build_router(),
    ]
    return [gate_messages(router) for router in routers]
