"""Business rules. Services take a session and plain values, commit, and never import aiogram."""
