"""Reference implementations of the agency systems the hub links.

Each service (``court``, ``enforcement``, ``procuracy``) is a small Starlette
app that speaks its agency's own dialect (docs/agency-interface.md) over data
generated deterministically from a seed; ``personnel`` is a SQL database.
They exist so the demo, the tests and the benchmarks can run the hub without
the real systems. Nothing in the hub imports this package: the hub only knows
agencies through ``adapters/``.
"""
