"""Sąsiad: a Telegram bot that coordinates neighbourhood volunteering."""
