"""Personnel oversight rules: retirement, leaders' terms, rotation of sensitive posts, staffing gaps.

Pure functions over :class:`~domain.types.Officer` and
:class:`~domain.types.StaffingUnit` records. Every figure, list and legal basis
comes from a :class:`PersonnelRules` table, read from
``data/personnel_rules.toml`` (DOMAIN.md §6). One module per concern:

- :mod:`~domain.personnel.rules`: the rule types and the whole table;
  :mod:`~domain.personnel.checks`: their shared checks and the error;
  :mod:`~domain.personnel.loading`: the table parsed from TOML text;
- :mod:`~domain.personnel.schedule`: the retirement-age roadmap;
  :mod:`~domain.personnel.retirement`: retirement age and date;
  :mod:`~domain.personnel.months`: the month arithmetic they share;
- :mod:`~domain.personnel.terms`: term ends and rotation due dates;
- :mod:`~domain.personnel.staffing`: quota, titles and vacant leadership seats;
- :mod:`~domain.personnel.alerts`: one agency's alerts, assembled and sorted.

Import what you need from the module that holds it (nothing is re-exported here).
"""
