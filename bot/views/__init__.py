"""Turning service results into messages."""
