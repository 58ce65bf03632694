"""Residents and volunteers: consent, profiles, skills, verification, certificates."""
