"""Asking for and giving help: requests, ranking, offers in waves, tasks, turning up,
escalations to the team, reminders, the team's inbox."""
