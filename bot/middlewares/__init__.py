"""Per-update plumbing, in the order `bot.runtime.app` registers it: session, user, i18n,
throttling."""
