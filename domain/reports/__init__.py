"""Report arithmetic for the steering committees and the ministry (DOMAIN.md §5, Circular 05/2024/TT-BTP).

Circular 05/2024/TT-BTP (signed 10/6/2024, in force 26/7/2024) replaced
Circular 06/2019/TT-BTP as the enforcement statistics regime.

A report covers a :class:`Period`: a statistical year (1 October of the year
before to 30 September) reported cumulatively from 1 October over 1..12
months, or an explicit date range (an ad-hoc report). Each row of a report is
one agency (a province's report) or one province (the national roll-up); the
totals are the sum of the rows, never figures fetched separately, so they
always add up::

    period = Period.cumulative(2026, 6)          # 01/10/2025 – 31/03/2026
    cases = Indicators(carried_over=10, newly_accepted=30, entrusted_out=2, withdrawn=1,
                       with_conditions=27, without_conditions=10, completed=18)
    cases.total             # 37 = 10 + 30 − 2 − 1
    cases.completion_rate   # Decimal("66.67")  = 18 ÷ 27, in per cent, 2 decimals

Pure: no I/O. The figures are gathered by ``resolvers/reports.py``. One module per concern:

- :mod:`~domain.reports.period`: the period a report covers;
- :mod:`~domain.reports.indicators`: Circular 05/2024 indicators and completion rates;
- :mod:`~domain.reports.figures`: a unit's figures from every source, and their sums;
- :mod:`~domain.reports.targets`: completion-rate targets and their TOML file;
- :mod:`~domain.reports.committee`: the report's rows, roll-ups and totals.

Import what you need from the module that holds it (nothing is re-exported here).
"""
