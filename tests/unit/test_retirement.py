"""Retirement age and date (Labour Code 2019 Art. 169(2); Decree 135/2020/NĐ-CP Appendix I).

The expected values below were worked out by hand from the roadmap, not by the
code under test. The age is the one for the calendar year in which it is
reached, which gives these bands of birth months (the rows of the decree's
Appendix I):

    men                                    women
    born up to 12/1960      60y0m          born up to 12/1965      55y0m
    01/1961 – 09/1961       60y3m          01/1966 – 08/1966       55y4m
    10/1961 – 06/1962       60y6m          09/1966 – 04/1967       55y8m
    07/1962 – 03/1963       60y9m          05/1967 – 12/1967       56y0m
    04/1963 – 12/1963       61y0m          01/1968 – 08/1968       56y4m
    01/1964 – 09/1964       61y3m          09/1968 – 04/1969       56y8m
    10/1964 – 06/1965       61y6m          05/1969 – 12/1969       57y0m
    07/1965 – 03/1966       61y9m          … four months a year …
    from 04/1966            62y0m          09/1974 – 04/1975       59y8m
                                           from 05/1975            60y0m

(e.g. a man born 01/1961 is 60 in 01/2021, but 2021's age is 60y3m, reached in
04/2021; one born 10/1961 would reach 60y3m in 01/2022, when the age is already
60y6m, reached in 04/2022). The date is the last day of the month in which the
age is reached: birth month + age, whatever the day of birth.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.personnel.retirement import retirement_age, retirement_date
from domain.personnel.rules import PersonnelRules
from domain.personnel.schedule import Age, RetirementEffective
from domain.types import Sex
from gateway.policies import shipped_personnel_rules

M, F = Sex.MALE, Sex.FEMALE
RULES = shipped_personnel_rules()


def _effective(effective: RetirementEffective) -> PersonnelRules:
    return replace(RULES, retirement=replace(RULES.retirement, effective=effective))


# (sex, born, (years, months), retirement effective) — five birthdays a year, 1960–1980, for each sex.
BY_YEAR = [
    (M, date(1960, 1, 1), (60, 0), date(2020, 1, 31)),
    (M, date(1960, 2, 29), (60, 0), date(2020, 2, 29)),
    (M, date(1960, 10, 31), (60, 0), date(2020, 10, 31)),
    (M, date(1960, 9, 15), (60, 0), date(2020, 9, 30)),
    (M, date(1960, 12, 31), (60, 0), date(2020, 12, 31)),
    (F, date(1960, 1, 1), (55, 0), date(2015, 1, 31)),
    (F, date(1960, 2, 29), (55, 0), date(2015, 2, 28)),
    (F, date(1960, 10, 31), (55, 0), date(2015, 10, 31)),
    (F, date(1960, 9, 15), (55, 0), date(2015, 9, 30)),
    (F, date(1960, 12, 31), (55, 0), date(2015, 12, 31)),
    (M, date(1961, 1, 1), (60, 3), date(2021, 4, 30)),
    (M, date(1961, 2, 28), (60, 3), date(2021, 5, 31)),
    (M, date(1961, 11, 30), (60, 6), date(2022, 5, 31)),
    (M, date(1961, 2, 15), (60, 3), date(2021, 5, 31)),
    (M, date(1961, 12, 31), (60, 6), date(2022, 6, 30)),
    (F, date(1961, 1, 1), (55, 0), date(2016, 1, 31)),
    (F, date(1961, 2, 28), (55, 0), date(2016, 2, 29)),
    (F, date(1961, 11, 30), (55, 0), date(2016, 11, 30)),
    (F, date(1961, 2, 15), (55, 0), date(2016, 2, 29)),
    (F, date(1961, 12, 31), (55, 0), date(2016, 12, 31)),
    (M, date(1962, 1, 1), (60, 6), date(2022, 7, 31)),
    (M, date(1962, 2, 28), (60, 6), date(2022, 8, 31)),
    (M, date(1962, 3, 31), (60, 6), date(2022, 9, 30)),
    (M, date(1962, 7, 15), (60, 9), date(2023, 4, 30)),
    (M, date(1962, 12, 31), (60, 9), date(2023, 9, 30)),
    (F, date(1962, 1, 1), (55, 0), date(2017, 1, 31)),
    (F, date(1962, 2, 28), (55, 0), date(2017, 2, 28)),
    (F, date(1962, 3, 31), (55, 0), date(2017, 3, 31)),
    (F, date(1962, 7, 15), (55, 0), date(2017, 7, 31)),
    (F, date(1962, 12, 31), (55, 0), date(2017, 12, 31)),
    (M, date(1963, 1, 1), (60, 9), date(2023, 10, 31)),
    (M, date(1963, 2, 28), (60, 9), date(2023, 11, 30)),
    (M, date(1963, 4, 30), (61, 0), date(2024, 4, 30)),
    (M, date(1963, 12, 15), (61, 0), date(2024, 12, 31)),
    (M, date(1963, 12, 31), (61, 0), date(2024, 12, 31)),
    (F, date(1963, 1, 1), (55, 0), date(2018, 1, 31)),
    (F, date(1963, 2, 28), (55, 0), date(2018, 2, 28)),
    (F, date(1963, 4, 30), (55, 0), date(2018, 4, 30)),
    (F, date(1963, 12, 15), (55, 0), date(2018, 12, 31)),
    (F, date(1963, 12, 31), (55, 0), date(2018, 12, 31)),
    (M, date(1964, 1, 1), (61, 3), date(2025, 4, 30)),
    (M, date(1964, 2, 29), (61, 3), date(2025, 5, 31)),
    (M, date(1964, 5, 31), (61, 3), date(2025, 8, 31)),
    (M, date(1964, 5, 15), (61, 3), date(2025, 8, 31)),
    (M, date(1964, 12, 31), (61, 6), date(2026, 6, 30)),
    (F, date(1964, 1, 1), (55, 0), date(2019, 1, 31)),
    (F, date(1964, 2, 29), (55, 0), date(2019, 2, 28)),
    (F, date(1964, 5, 31), (55, 0), date(2019, 5, 31)),
    (F, date(1964, 5, 15), (55, 0), date(2019, 5, 31)),
    (F, date(1964, 12, 31), (55, 0), date(2019, 12, 31)),
    (M, date(1965, 1, 1), (61, 6), date(2026, 7, 31)),
    (M, date(1965, 2, 28), (61, 6), date(2026, 8, 31)),
    (M, date(1965, 6, 30), (61, 6), date(2026, 12, 31)),
    (M, date(1965, 10, 15), (61, 9), date(2027, 7, 31)),
    (M, date(1965, 12, 31), (61, 9), date(2027, 9, 30)),
    (F, date(1965, 1, 1), (55, 0), date(2020, 1, 31)),
    (F, date(1965, 2, 28), (55, 0), date(2020, 2, 29)),
    (F, date(1965, 6, 30), (55, 0), date(2020, 6, 30)),
    (F, date(1965, 10, 15), (55, 0), date(2020, 10, 31)),
    (F, date(1965, 12, 31), (55, 0), date(2020, 12, 31)),
    (M, date(1966, 1, 1), (61, 9), date(2027, 10, 31)),
    (M, date(1966, 2, 28), (61, 9), date(2027, 11, 30)),
    (M, date(1966, 7, 31), (62, 0), date(2028, 7, 31)),
    (M, date(1966, 3, 15), (61, 9), date(2027, 12, 31)),
    (M, date(1966, 12, 31), (62, 0), date(2028, 12, 31)),
    (F, date(1966, 1, 1), (55, 4), date(2021, 5, 31)),
    (F, date(1966, 2, 28), (55, 4), date(2021, 6, 30)),
    (F, date(1966, 7, 31), (55, 4), date(2021, 11, 30)),
    (F, date(1966, 3, 15), (55, 4), date(2021, 7, 31)),
    (F, date(1966, 12, 31), (55, 8), date(2022, 8, 31)),
    (M, date(1967, 1, 1), (62, 0), date(2029, 1, 31)),
    (M, date(1967, 2, 28), (62, 0), date(2029, 2, 28)),
    (M, date(1967, 8, 31), (62, 0), date(2029, 8, 31)),
    (M, date(1967, 8, 15), (62, 0), date(2029, 8, 31)),
    (M, date(1967, 12, 31), (62, 0), date(2029, 12, 31)),
    (F, date(1967, 1, 1), (55, 8), date(2022, 9, 30)),
    (F, date(1967, 2, 28), (55, 8), date(2022, 10, 31)),
    (F, date(1967, 8, 31), (56, 0), date(2023, 8, 31)),
    (F, date(1967, 8, 15), (56, 0), date(2023, 8, 31)),
    (F, date(1967, 12, 31), (56, 0), date(2023, 12, 31)),
    (M, date(1968, 1, 1), (62, 0), date(2030, 1, 31)),
    (M, date(1968, 2, 29), (62, 0), date(2030, 2, 28)),
    (M, date(1968, 9, 30), (62, 0), date(2030, 9, 30)),
    (M, date(1968, 1, 15), (62, 0), date(2030, 1, 31)),
    (M, date(1968, 12, 31), (62, 0), date(2030, 12, 31)),
    (F, date(1968, 1, 1), (56, 4), date(2024, 5, 31)),
    (F, date(1968, 2, 29), (56, 4), date(2024, 6, 30)),
    (F, date(1968, 9, 30), (56, 8), date(2025, 5, 31)),
    (F, date(1968, 1, 15), (56, 4), date(2024, 5, 31)),
    (F, date(1968, 12, 31), (56, 8), date(2025, 8, 31)),
    (M, date(1969, 1, 1), (62, 0), date(2031, 1, 31)),
    (M, date(1969, 2, 28), (62, 0), date(2031, 2, 28)),
    (M, date(1969, 10, 31), (62, 0), date(2031, 10, 31)),
    (M, date(1969, 6, 15), (62, 0), date(2031, 6, 30)),
    (M, date(1969, 12, 31), (62, 0), date(2031, 12, 31)),
    (F, date(1969, 1, 1), (56, 8), date(2025, 9, 30)),
    (F, date(1969, 2, 28), (56, 8), date(2025, 10, 31)),
    (F, date(1969, 10, 31), (57, 0), date(2026, 10, 31)),
    (F, date(1969, 6, 15), (57, 0), date(2026, 6, 30)),
    (F, date(1969, 12, 31), (57, 0), date(2026, 12, 31)),
    (M, date(1970, 1, 1), (62, 0), date(2032, 1, 31)),
    (M, date(1970, 2, 28), (62, 0), date(2032, 2, 29)),
    (M, date(1970, 11, 30), (62, 0), date(2032, 11, 30)),
    (M, date(1970, 11, 15), (62, 0), date(2032, 11, 30)),
    (M, date(1970, 12, 31), (62, 0), date(2032, 12, 31)),
    (F, date(1970, 1, 1), (57, 4), date(2027, 5, 31)),
    (F, date(1970, 2, 28), (57, 4), date(2027, 6, 30)),
    (F, date(1970, 11, 30), (57, 8), date(2028, 7, 31)),
    (F, date(1970, 11, 15), (57, 8), date(2028, 7, 31)),
    (F, date(1970, 12, 31), (57, 8), date(2028, 8, 31)),
    (M, date(1971, 1, 1), (62, 0), date(2033, 1, 31)),
    (M, date(1971, 2, 28), (62, 0), date(2033, 2, 28)),
    (M, date(1971, 3, 31), (62, 0), date(2033, 3, 31)),
    (M, date(1971, 4, 15), (62, 0), date(2033, 4, 30)),
    (M, date(1971, 12, 31), (62, 0), date(2033, 12, 31)),
    (F, date(1971, 1, 1), (57, 8), date(2028, 9, 30)),
    (F, date(1971, 2, 28), (57, 8), date(2028, 10, 31)),
    (F, date(1971, 3, 31), (57, 8), date(2028, 11, 30)),
    (F, date(1971, 4, 15), (57, 8), date(2028, 12, 31)),
    (F, date(1971, 12, 31), (58, 0), date(2029, 12, 31)),
    (M, date(1972, 1, 1), (62, 0), date(2034, 1, 31)),
    (M, date(1972, 2, 29), (62, 0), date(2034, 2, 28)),
    (M, date(1972, 4, 30), (62, 0), date(2034, 4, 30)),
    (M, date(1972, 9, 15), (62, 0), date(2034, 9, 30)),
    (M, date(1972, 12, 31), (62, 0), date(2034, 12, 31)),
    (F, date(1972, 1, 1), (58, 4), date(2030, 5, 31)),
    (F, date(1972, 2, 29), (58, 4), date(2030, 6, 30)),
    (F, date(1972, 4, 30), (58, 4), date(2030, 8, 31)),
    (F, date(1972, 9, 15), (58, 8), date(2031, 5, 31)),
    (F, date(1972, 12, 31), (58, 8), date(2031, 8, 31)),
    (M, date(1973, 1, 1), (62, 0), date(2035, 1, 31)),
    (M, date(1973, 2, 28), (62, 0), date(2035, 2, 28)),
    (M, date(1973, 5, 31), (62, 0), date(2035, 5, 31)),
    (M, date(1973, 2, 15), (62, 0), date(2035, 2, 28)),
    (M, date(1973, 12, 31), (62, 0), date(2035, 12, 31)),
    (F, date(1973, 1, 1), (58, 8), date(2031, 9, 30)),
    (F, date(1973, 2, 28), (58, 8), date(2031, 10, 31)),
    (F, date(1973, 5, 31), (59, 0), date(2032, 5, 31)),
    (F, date(1973, 2, 15), (58, 8), date(2031, 10, 31)),
    (F, date(1973, 12, 31), (59, 0), date(2032, 12, 31)),
    (M, date(1974, 1, 1), (62, 0), date(2036, 1, 31)),
    (M, date(1974, 2, 28), (62, 0), date(2036, 2, 29)),
    (M, date(1974, 6, 30), (62, 0), date(2036, 6, 30)),
    (M, date(1974, 7, 15), (62, 0), date(2036, 7, 31)),
    (M, date(1974, 12, 31), (62, 0), date(2036, 12, 31)),
    (F, date(1974, 1, 1), (59, 4), date(2033, 5, 31)),
    (F, date(1974, 2, 28), (59, 4), date(2033, 6, 30)),
    (F, date(1974, 6, 30), (59, 4), date(2033, 10, 31)),
    (F, date(1974, 7, 15), (59, 4), date(2033, 11, 30)),
    (F, date(1974, 12, 31), (59, 8), date(2034, 8, 31)),
    (M, date(1975, 1, 1), (62, 0), date(2037, 1, 31)),
    (M, date(1975, 2, 28), (62, 0), date(2037, 2, 28)),
    (M, date(1975, 7, 31), (62, 0), date(2037, 7, 31)),
    (M, date(1975, 12, 15), (62, 0), date(2037, 12, 31)),
    (M, date(1975, 12, 31), (62, 0), date(2037, 12, 31)),
    (F, date(1975, 1, 1), (59, 8), date(2034, 9, 30)),
    (F, date(1975, 2, 28), (59, 8), date(2034, 10, 31)),
    (F, date(1975, 7, 31), (60, 0), date(2035, 7, 31)),
    (F, date(1975, 12, 15), (60, 0), date(2035, 12, 31)),
    (F, date(1975, 12, 31), (60, 0), date(2035, 12, 31)),
    (M, date(1976, 1, 1), (62, 0), date(2038, 1, 31)),
    (M, date(1976, 2, 29), (62, 0), date(2038, 2, 28)),
    (M, date(1976, 8, 31), (62, 0), date(2038, 8, 31)),
    (M, date(1976, 5, 15), (62, 0), date(2038, 5, 31)),
    (M, date(1976, 12, 31), (62, 0), date(2038, 12, 31)),
    (F, date(1976, 1, 1), (60, 0), date(2036, 1, 31)),
    (F, date(1976, 2, 29), (60, 0), date(2036, 2, 29)),
    (F, date(1976, 8, 31), (60, 0), date(2036, 8, 31)),
    (F, date(1976, 5, 15), (60, 0), date(2036, 5, 31)),
    (F, date(1976, 12, 31), (60, 0), date(2036, 12, 31)),
    (M, date(1977, 1, 1), (62, 0), date(2039, 1, 31)),
    (M, date(1977, 2, 28), (62, 0), date(2039, 2, 28)),
    (M, date(1977, 9, 30), (62, 0), date(2039, 9, 30)),
    (M, date(1977, 10, 15), (62, 0), date(2039, 10, 31)),
    (M, date(1977, 12, 31), (62, 0), date(2039, 12, 31)),
    (F, date(1977, 1, 1), (60, 0), date(2037, 1, 31)),
    (F, date(1977, 2, 28), (60, 0), date(2037, 2, 28)),
    (F, date(1977, 9, 30), (60, 0), date(2037, 9, 30)),
    (F, date(1977, 10, 15), (60, 0), date(2037, 10, 31)),
    (F, date(1977, 12, 31), (60, 0), date(2037, 12, 31)),
    (M, date(1978, 1, 1), (62, 0), date(2040, 1, 31)),
    (M, date(1978, 2, 28), (62, 0), date(2040, 2, 29)),
    (M, date(1978, 10, 31), (62, 0), date(2040, 10, 31)),
    (M, date(1978, 3, 15), (62, 0), date(2040, 3, 31)),
    (M, date(1978, 12, 31), (62, 0), date(2040, 12, 31)),
    (F, date(1978, 1, 1), (60, 0), date(2038, 1, 31)),
    (F, date(1978, 2, 28), (60, 0), date(2038, 2, 28)),
    (F, date(1978, 10, 31), (60, 0), date(2038, 10, 31)),
    (F, date(1978, 3, 15), (60, 0), date(2038, 3, 31)),
    (F, date(1978, 12, 31), (60, 0), date(2038, 12, 31)),
    (M, date(1979, 1, 1), (62, 0), date(2041, 1, 31)),
    (M, date(1979, 2, 28), (62, 0), date(2041, 2, 28)),
    (M, date(1979, 11, 30), (62, 0), date(2041, 11, 30)),
    (M, date(1979, 8, 15), (62, 0), date(2041, 8, 31)),
    (M, date(1979, 12, 31), (62, 0), date(2041, 12, 31)),
    (F, date(1979, 1, 1), (60, 0), date(2039, 1, 31)),
    (F, date(1979, 2, 28), (60, 0), date(2039, 2, 28)),
    (F, date(1979, 11, 30), (60, 0), date(2039, 11, 30)),
    (F, date(1979, 8, 15), (60, 0), date(2039, 8, 31)),
    (F, date(1979, 12, 31), (60, 0), date(2039, 12, 31)),
    (M, date(1980, 1, 1), (62, 0), date(2042, 1, 31)),
    (M, date(1980, 2, 29), (62, 0), date(2042, 2, 28)),
    (M, date(1980, 3, 31), (62, 0), date(2042, 3, 31)),
    (M, date(1980, 1, 15), (62, 0), date(2042, 1, 31)),
    (M, date(1980, 12, 31), (62, 0), date(2042, 12, 31)),
    (F, date(1980, 1, 1), (60, 0), date(2040, 1, 31)),
    (F, date(1980, 2, 29), (60, 0), date(2040, 2, 29)),
    (F, date(1980, 3, 31), (60, 0), date(2040, 3, 31)),
    (F, date(1980, 1, 15), (60, 0), date(2040, 1, 31)),
    (F, date(1980, 12, 31), (60, 0), date(2040, 12, 31)),
]

# Either side of each band boundary, and days that the retirement month does not have.
BOUNDARIES = [
    (M, date(1960, 12, 31), (60, 0), date(2020, 12, 31)),
    (M, date(1961, 1, 1), (60, 3), date(2021, 4, 30)),
    (M, date(1961, 1, 31), (60, 3), date(2021, 4, 30)),  # 30 April: no 31st
    (M, date(1961, 9, 30), (60, 3), date(2021, 12, 31)),
    (M, date(1961, 10, 1), (60, 6), date(2022, 4, 30)),
    (M, date(1962, 5, 31), (60, 6), date(2022, 11, 30)),
    (M, date(1962, 6, 30), (60, 6), date(2022, 12, 31)),
    (M, date(1962, 7, 1), (60, 9), date(2023, 4, 30)),
    (M, date(1963, 3, 31), (60, 9), date(2023, 12, 31)),
    (M, date(1963, 4, 1), (61, 0), date(2024, 4, 30)),
    (M, date(1963, 12, 31), (61, 0), date(2024, 12, 31)),
    (M, date(1964, 1, 1), (61, 3), date(2025, 4, 30)),
    (M, date(1964, 2, 29), (61, 3), date(2025, 5, 31)),
    (M, date(1964, 9, 30), (61, 3), date(2025, 12, 31)),
    (M, date(1964, 10, 1), (61, 6), date(2026, 4, 30)),
    (M, date(1965, 6, 30), (61, 6), date(2026, 12, 31)),
    (M, date(1965, 7, 1), (61, 9), date(2027, 4, 30)),
    (M, date(1966, 3, 14), (61, 9), date(2027, 12, 31)),
    (M, date(1966, 4, 1), (62, 0), date(2028, 4, 30)),
    (M, date(1968, 2, 29), (62, 0), date(2030, 2, 28)),
    (F, date(1965, 12, 31), (55, 0), date(2020, 12, 31)),
    (F, date(1966, 1, 1), (55, 4), date(2021, 5, 31)),
    (F, date(1966, 8, 31), (55, 4), date(2021, 12, 31)),
    (F, date(1966, 9, 1), (55, 8), date(2022, 5, 31)),
    (F, date(1967, 4, 30), (55, 8), date(2022, 12, 31)),
    (F, date(1967, 5, 1), (56, 0), date(2023, 5, 31)),
    (F, date(1968, 2, 29), (56, 4), date(2024, 6, 30)),
    (F, date(1968, 8, 31), (56, 4), date(2024, 12, 31)),
    (F, date(1968, 9, 1), (56, 8), date(2025, 5, 31)),
    (F, date(1969, 4, 30), (56, 8), date(2025, 12, 31)),
    (F, date(1969, 5, 1), (57, 0), date(2026, 5, 31)),
    (F, date(1970, 6, 30), (57, 4), date(2027, 10, 31)),
    (F, date(1974, 8, 31), (59, 4), date(2033, 12, 31)),
    (F, date(1974, 9, 1), (59, 8), date(2034, 5, 31)),
    (F, date(1975, 4, 30), (59, 8), date(2034, 12, 31)),
    (F, date(1975, 5, 1), (60, 0), date(2035, 5, 31)),
    (F, date(1976, 2, 29), (60, 0), date(2036, 2, 29)),
]


@pytest.mark.parametrize(("sex", "born", "age", "effective"), BY_YEAR + BOUNDARIES)
def test_retirement_follows_the_roadmap_for_the_year_the_age_is_reached(sex, born, age, effective):
    assert retirement_age(sex, born, RULES) == age
    assert retirement_date(sex, born, RULES) == effective


def test_the_age_reads_as_years_and_months():
    age = retirement_age(M, date(1964, 10, 1), RULES)
    assert age == (61, 6)
    assert (age.years, age.months) == (61, 6)
    assert str(age) == "61 tuổi 6 tháng"
    assert str(retirement_age(M, date(1970, 1, 1), RULES)) == "62 tuổi"


@pytest.mark.parametrize(
    ("sex", "born", "reached"),
    [
        (M, date(1961, 1, 31), date(2021, 4, 30)),  # 60y3m: April has no 31st
        (M, date(1962, 5, 31), date(2022, 11, 30)),  # 60y6m
        (M, date(1964, 2, 29), date(2025, 5, 29)),  # 61y3m
        (M, date(1972, 2, 29), date(2034, 2, 28)),  # 62y: 2034 is not a leap year
        (M, date(1968, 2, 29), date(2030, 2, 28)),
        (F, date(1968, 2, 29), date(2024, 6, 29)),  # 56y4m
        (F, date(1976, 2, 29), date(2036, 2, 29)),  # 60y: 2036 is a leap year
        (F, date(1966, 8, 31), date(2021, 12, 31)),  # 55y4m
        (F, date(1967, 4, 30), date(2022, 12, 30)),  # 55y8m
    ],
)
def test_the_day_the_age_is_reached_is_the_birthday_or_the_last_day_of_a_shorter_month(sex, born, reached):
    assert retirement_date(sex, born, _effective(RetirementEffective.ON_REACHING_AGE)) == reached


@pytest.mark.parametrize(
    ("sex", "born", "first_day"),
    [
        (M, date(1961, 1, 31), date(2021, 5, 1)),
        (M, date(1963, 12, 31), date(2025, 1, 1)),  # 61y0m in December 2024
        (F, date(1966, 8, 31), date(2022, 1, 1)),
    ],
)
def test_retirement_can_be_read_as_taking_effect_on_the_first_of_the_next_month(sex, born, first_day):
    assert retirement_date(sex, born, _effective(RetirementEffective.FIRST_OF_NEXT_MONTH)) == first_day


# ---- properties -------------------------------------------------------------------

births = st.dates(min_value=date(1940, 1, 1), max_value=date(2005, 12, 31))
sexes = st.sampled_from(Sex)
FLOOR = {M: Age(60, 0), F: Age(55, 0)}
START = {M: Age(60, 3), F: Age(55, 4)}
CEILING = {M: Age(62, 0), F: Age(60, 0)}


@given(sexes, births, births)
def test_a_later_birth_never_retires_earlier(sex, one, other):
    earlier, later = sorted((one, other))
    assert retirement_date(sex, earlier, RULES) <= retirement_date(sex, later, RULES)


@given(sexes, births)
def test_the_age_stays_within_the_roadmap(sex, born):
    age = retirement_age(sex, born, RULES)
    assert FLOOR[sex].in_months <= age.in_months <= CEILING[sex].in_months
    effective = retirement_date(sex, born, RULES)
    if effective.year >= 2021:
        assert age.in_months >= START[sex].in_months
    else:
        assert age == FLOOR[sex]
    if effective.year >= {M: 2028, F: 2035}[sex]:
        assert age == CEILING[sex]


@given(sexes, births)
def test_the_date_is_the_last_day_of_the_month_the_age_is_reached_in(sex, born):
    effective = retirement_date(sex, born, RULES)
    assert (effective + timedelta(days=1)).day == 1
    age = retirement_age(sex, born, RULES)
    months = born.year * 12 + born.month - 1 + age.in_months
    assert (effective.year, effective.month) == (months // 12, months % 12 + 1)
    assert effective.day == calendar.monthrange(effective.year, effective.month)[1]


@given(sexes, births)
def test_the_age_is_the_one_for_the_year_it_is_reached_in(sex, born):
    schedule = RULES.retirement.schedule(sex)
    effective = retirement_date(sex, born, RULES)
    assert retirement_age(sex, born, RULES) == schedule.age_in(effective.year)
