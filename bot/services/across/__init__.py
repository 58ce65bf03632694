"""Use cases that read or change several areas at once: forgetting a person, the
volunteers' digests and the team's summaries, statistics for the municipality."""
