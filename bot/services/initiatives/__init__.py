"""Initiatives and events: proposals and their review, dates, sign-ups and waiting lists,
interest groups, places given up late, calendars."""
