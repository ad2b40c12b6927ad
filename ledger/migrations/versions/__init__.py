"""Revisions, oldest first; Alembic ignores this file."""
