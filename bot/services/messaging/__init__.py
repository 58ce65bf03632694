"""Messages the bot starts: the outbox, quiet hours, the team's announcements."""
