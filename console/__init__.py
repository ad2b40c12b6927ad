"""Cổng Liên thông, the web console for people (issue 15): this room is reserved, its rules already checked.

The console will be served by the hub and read and write only by executing its GraphQL
documents against the hub's own Schema, with a context built by the same code as /graphql:
it may import ``schema`` and its own modules, never ``ledger``, ``resolvers``, ``adapters``
or ``agencies`` (the import contracts in pyproject.toml, run by ``make lint``).
"""
