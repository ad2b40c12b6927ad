"""Personnel reads: which units a principal reaches, their staff and quotas, officer paging.

The personnel systems hold the staff of the provincial and area units of the
enforcement agencies (the personnel database), courts and procuracies (their
personnel services). A province means its units that exist today, from the
organisation the hub loaded at start; the principal's reach
(``domain/policy.py``: a personnel department its agency and those below, a
committee its province, the ministry all) narrows that, so units out of reach
read as absent. Staff and quotas come through the request's DataLoaders over
``info.context.adapters.personnel``: one batch per level, whatever adapter is
behind the interface. A unit its personnel system knows nothing about (no unit
row, nobody on staff) is left out of staffing and alerts rather than reported
as empty with every leader missing. A unit whose personnel system fails is
named in the answer's ``unavailable`` list (officers, staffing) while the other
units still answer; alerts fail as a whole, naming the agency, because a
missing unit would read as "nothing needs attention".
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from domain.errors import AgencyError, BadInput
from domain.messages import msg
from domain.personnel.rules import PersonnelRules
from domain.provinces import province_slug
from domain.types import Agency, AgencyKind, AgencyLevel, Officer, StaffingUnit
from resolvers.context import Context

STAFFED_KINDS: Final = frozenset({AgencyKind.ENFORCEMENT, AgencyKind.COURT, AgencyKind.PROCURACY})
STAFFED_LEVELS: Final = frozenset({AgencyLevel.PROVINCIAL, AgencyLevel.AREA})
MAX_TEXT: Final = 200
MAX_HORIZON_DAYS: Final = 1825  # five years: one leader's term

T = TypeVar("T")


def one_of(agency: str | None, province: str | None) -> None:
    """``staffing`` and ``personnelAlerts`` take exactly one of the two."""
    if (agency is None) == (province is None):
        raise BadInput(msg("give exactly one of agency and province"))


def check_horizon(days: int) -> None:
    if not 1 <= days <= MAX_HORIZON_DAYS:
        raise BadInput(msg("horizonDays must be between 1 and {limit}", limit=MAX_HORIZON_DAYS))


def check_text(name: str, value: str | None) -> str | None:
    if value is not None and len(value) > MAX_TEXT:
        raise BadInput(msg("{name} is longer than {limit} characters", name=name, limit=MAX_TEXT))
    return value


def staffed_units(
    ctx: Context, operation: str, *, agency: str | None = None, province: str | None = None
) -> list[Agency]:
    """Units existing today, of ``agency`` / ``province`` if given, in the principal's reach; by code.

    An unknown province is a client mistake (BAD_USER_INPUT: the provinces are
    public); an agency that is unknown, not a unit or out of reach just matches
    nothing, so existence does not leak.
    """
    check_text("agency", agency)
    province = province_slug(province, ctx.policy.provinces)  # as people write it (domain/provinces.py)
    in_reach = ctx.policy.records_in_reach(ctx.principal, operation)
    day = ctx.clock.today()
    return sorted(
        (
            a
            for a in ctx.agencies.values()
            if a.kind in STAFFED_KINDS
            and a.level in STAFFED_LEVELS
            and a.is_active(day)
            and (agency is None or a.code == agency)
            and (province is None or a.province_code == province)
            and (in_reach is None or a.code in in_reach)
        ),
        key=lambda a: a.code,
    )


@dataclass(frozen=True, slots=True)
class Answers(Generic[T]):
    """What the personnel systems said per unit: the answers, and the units whose system failed."""

    found: dict[str, T]
    failed: dict[str, AgencyError]


async def _each(units: Sequence[Agency], loads: Iterable[Awaitable[T]]) -> Answers[T]:
    """Each unit's answer; a unit whose personnel system failed holds its error (the others still answer)."""
    outcomes = await asyncio.gather(*loads, return_exceptions=True)
    answers: Answers[T] = Answers({}, {})
    for unit, outcome in zip(units, outcomes, strict=True):
        if isinstance(outcome, AgencyError):
            answers.failed[unit.code] = outcome
        elif isinstance(outcome, BaseException):
            raise outcome  # a bug of ours, never hidden
        else:
            answers.found[unit.code] = outcome
    return answers


async def load_staff(ctx: Context, units: Sequence[Agency]) -> Answers[tuple[Officer, ...]]:
    """Each unit's officers, from one batch to the personnel systems."""
    return await _each(units, (ctx.loaders.officers.load(u.code) for u in units))


async def load_quotas(ctx: Context, units: Sequence[Agency]) -> Answers[StaffingUnit | None]:
    """Each unit's staffing row (quota), ``None`` where the personnel system has none."""
    return await _each(units, (ctx.loaders.staffing_unit.load(u.code) for u in units))


@dataclass(frozen=True, slots=True)
class UnitsData:
    """Staff and quotas of the units that answered (and are known to a personnel system), and the failures."""

    units: list[Agency]
    staff: Mapping[str, tuple[Officer, ...]]
    quotas: Mapping[str, StaffingUnit | None]
    failed: Mapping[str, AgencyError]


async def load_units(ctx: Context, units: Sequence[Agency]) -> UnitsData:
    """Staff and quota of each unit, concurrently; a unit its personnel system knows nothing about (no unit row,
    nobody on staff) is left out (see the module docstring), a unit whose system failed is in ``failed``."""
    staff, quotas = await asyncio.gather(load_staff(ctx, units), load_quotas(ctx, units))
    failed = {**quotas.failed, **staff.failed}
    answered = [u for u in units if u.code not in failed]
    return UnitsData(
        units=[u for u in answered if quotas.found[u.code] is not None or staff.found[u.code]],
        staff=staff.found,
        quotas=quotas.found,
        failed=dict(sorted(failed.items())),
    )


@dataclass(frozen=True, slots=True)
class OfficerCriteria:
    title: str | None = None
    post: str | None = None
    leaders_only: bool = False

    def matches(self, officer: Officer, rules: PersonnelRules) -> bool:
        return (
            (self.title is None or officer.title == self.title)
            and (self.post is None or officer.post == self.post)
            and (not self.leaders_only or (officer.post is not None and officer.post in rules.term.posts))
        )


def officer_key(officer: Officer) -> tuple[str, str]:
    return officer.agency_code, officer.code


def officer_cursor(officer: Officer) -> str:
    return base64.urlsafe_b64encode("\x1f".join(officer_key(officer)).encode()).decode()


def after_cursor(cursor: str) -> tuple[str, str]:
    """The (agency, officer) key a cursor points after; BAD_USER_INPUT when it is not one of ours."""
    try:
        agency, code = base64.urlsafe_b64decode(cursor.encode("ascii")).decode().split("\x1f")
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise BadInput(msg("after is not a cursor of an officers page")) from exc
    return agency, code
