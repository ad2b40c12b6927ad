"""Pure rules of the hub: no I/O, no imports of other project packages.

Everything here is deterministic and typed (mypy --strict), so it can be
tested without a database, a network or a clock.
"""
