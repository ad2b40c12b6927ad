"""Alembic migrations of the ledger; run them with :mod:`ledger.migrate`, not the alembic command."""
