"""Cổng Liên thông, the web console for people (issue 15), served by the hub itself.

Server-rendered pages (Starlette + Jinja2; every page and form works without JavaScript) for the
people who use the hub: office clerks, court clerks, prosecutors, committees, the ministry,
personnel departments and operators. The console reads and writes **only** by executing GraphQL
documents against the hub's own schema, as the signed-in person's principal (:mod:`console.ports`):
the same policy, masking and audit as any partner system. It imports ``schema``/``domain`` and its
own modules, never ``ledger``, ``resolvers``, ``adapters`` or ``agencies`` (import contracts in
pyproject.toml); the gateway wires what it needs (``gateway/console_port.py``).

Rooms: ``ports`` (what the console asks of the hub), ``routes`` (URLs), ``views`` (pages),
``format`` (Vietnamese dates, money, deadlines), ``templates/``.
"""
