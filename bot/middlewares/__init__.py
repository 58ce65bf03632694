"""Per-update plumbing, in the order `bot.app` registers it: session, user, i18n, throttling."""
