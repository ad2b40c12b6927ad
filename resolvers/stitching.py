"""Judgments stitched with the agencies' systems: one fetch per system for a whole list.

Every resolver that returns judgments builds them here. The selection below it
says which fields will be resolved (``resolvers/lookahead.py``, ``@skip`` and
``@include`` evaluated) and so which systems are needed: the court's for
``parties`` / ``obligations`` / ``courtDetails``, the enforcement agency's for
``enforcementCase``, the procuracy's for ``supervision``. A judgment that came by
``submitJudgment`` takes its ``parties`` and ``obligations`` from what its court
signed (``ledger/signed_judgments.py``), always: that is what the hub receipted and
the agency enforces, so the court system is not asked for them. Those are fetched
concurrently, each for every judgment at once, through the request's DataLoaders
(one ``fetch_many`` per system, shared with any other list resolved in the same
tick; one future for the whole list), and every asked-for field of every judgment is filled in before the
fields run: the answer is then read off plain objects.

A system's failure is kept per judgment: the fields that needed it hold the
exception, which graphql-core reports as that field's error (null value, path,
``extensions.code``) — the rest of the answer stands. So does a system's "nothing"
where the hub knows there is something (AGENCY_NO_RECORD): the court system about a
judgment of the registry, the enforcement system about a transferred judgment its
agency has accepted (before that, no case can exist: null is the answer). A field the selection did
not ask for holds an exception saying so; it is never read (a bug would show as
an internal error, never as wrong data). Showing ``parties`` records the read of
personal data for the audit trail (``resolvers/personal_data.py``), as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from domain import types as d
from domain.deadlines import local_day
from domain.errors import AgencyNoRecord
from domain.messages import msg
from ledger.judgments import RegistryEntry
from ledger.signed_judgments import SignedJudgment
from resolvers.lookahead import selected_below
from schema.context import PARTIES_READ
from schema.types.agency import Agency
from schema.types.judgment import (
    CourtDetails,
    EnforcementCase,
    Judgment,
    Obligation,
    Party,
    SupervisionRecord,
)

if TYPE_CHECKING:
    from resolvers.context import Context

K = TypeVar("K", bound=Hashable)

COURT_FIELDS = frozenset({"parties", "obligations", "courtDetails"})
SIGNED_FIELDS = frozenset({"parties", "obligations"})  # of a transferred judgment: what its court signed
ENFORCEMENT_FIELDS = frozenset({"enforcementCase"})
PROCURACY_FIELDS = frozenset({"supervision"})


class NotAsked(RuntimeError):
    """The value of a field the selection did not ask for (so nothing was fetched for it)."""


async def _each(loader: DataLoader[tuple[K, ...], list[Any]], keys: Sequence[K]) -> list[Any]:
    """Every key's value or its own error (one bad record does not fail the others; a failed system fails all)."""
    try:
        return list(await loader.load(tuple(keys)))
    except Exception as error:  # unavailable, timed out: every judgment's fields from this system carry it
        return [error] * len(keys)


async def _nothing(keys: Sequence[Any]) -> list[None]:
    return [None] * len(keys)


def _made(record: Any, make: Callable[[Any], Any]) -> Any:
    """``make(record)``; None for None; the record itself when it is the system's error."""
    if isinstance(record, Exception):
        return record
    if isinstance(record, BaseException):  # cancellation and the like are not a field's error
        raise record
    return None if record is None else make(record)


def _held(record: Any, system: str, judgment_id: str) -> Any:
    """The record, or AGENCY_NO_RECORD when the system answered it has none of a judgment the registry holds."""
    if record is None:
        return AgencyNoRecord(
            system, msg("its system holds no record of judgment {judgment}", judgment=judgment_id), record=judgment_id
        )
    return record


def _case(case: Any, e: RegistryEntry, signed: SignedJudgment | None) -> Any:
    """The enforcement system's case; AGENCY_NO_RECORD when it has none of a judgment its agency accepted.

    Before the agency accepts a transferred judgment (``acknowledgeTransfer``), or for a
    judgment the hub saw no agency accept, no case need exist: null is the answer.
    """
    if case is None and signed is not None and signed.accepted_at is not None:
        return AgencyNoRecord(
            "enforcement",
            msg(
                "{office} entered judgment {judgment} in its receipt register on {day}, "
                "but its system holds no enforcement case for it",
                office=signed.register_office_code,
                judgment=e.id,
                day=local_day(signed.accepted_at).isoformat(),
            ),
            record=e.id,
        )
    return case


async def stitch(info: strawberry.Info[Context, None], entries: Sequence[RegistryEntry], *path: str) -> list[Judgment]:
    """``entries`` as judgments with every field the selection at ``path`` asks for filled in."""
    if not entries:
        return []
    wanted = selected_below(info, *path)
    keys = [d.JudgmentKey(e.court_code, e.number) for e in entries]
    loaders = info.context.loaders
    signed = asyncio.ensure_future(_signed(loaders.signed_judgment, entries, wanted))
    courts, cases, supervisions, signatures = await asyncio.gather(
        _court_records(loaders.court_judgments, keys, wanted, signed),
        _each(loaders.enforcement_cases, keys) if wanted & ENFORCEMENT_FIELDS else _nothing(keys),
        _each(loaders.supervisions, keys) if wanted & PROCURACY_FIELDS else _nothing(keys),
        signed,
    )
    build = _Builder(info.context, wanted)
    return [build(*records) for records in zip(entries, courts, cases, supervisions, signatures, strict=True)]


async def _signed(
    loader: DataLoader[str, SignedJudgment | None], entries: Sequence[RegistryEntry], wanted: frozenset[str]
) -> list[SignedJudgment | None]:
    """What each judgment's court signed (None: it came by no transfer), if a field needs it."""
    if wanted & (SIGNED_FIELDS | ENFORCEMENT_FIELDS):
        return await loader.load_many([e.id for e in entries])
    return [None] * len(entries)


async def _court_records(
    loader: DataLoader[tuple[d.JudgmentKey, ...], list[Any]],
    keys: Sequence[d.JudgmentKey],
    wanted: frozenset[str],
    signed: asyncio.Future[list[SignedJudgment | None]],
) -> list[Any]:
    """The court system's answer for each judgment it is needed for; ``NotAsked`` for the others.

    ``courtDetails`` needs it for every judgment; ``parties`` and ``obligations`` only for
    judgments that did not come by a transfer (the others are read from what their court signed).
    """
    if "courtDetails" in wanted:
        return await _each(loader, keys)
    if not wanted & SIGNED_FIELDS:
        return await _nothing(keys)
    records = await signed
    asked = [key for key, record in zip(keys, records, strict=True) if record is None]
    answers = iter(await _each(loader, asked) if asked else [])
    skipped = NotAsked("the court system was not asked: the signed submission is the record")
    return [next(answers) if record is None else skipped for record in records]


class _Builder:
    def __init__(self, context: Context, wanted: frozenset[str]) -> None:
        self.context = context
        self.wanted = wanted
        self.roles = context.principal.roles

    def __call__(
        self, e: RegistryEntry, court: Any, case: Any, supervision: Any, signed: SignedJudgment | None
    ) -> Judgment:
        ask, agencies, roles = self.ask, self.context.agencies, self.roles
        contents = signed.submission if signed is not None else _held(court, "court", e.id)
        judgment = Judgment(
            id=strawberry.ID(e.id),
            number=e.number,
            case_type=d.CaseType(e.case_type),
            instance=d.Instance(e.instance),
            effective_on=e.effective_on,
            registered_at=e.registered_at,
            status=e.status,
            court=ask("court", lambda: Agency.known(agencies, e.court_code)),
            enforcement_agency=ask("enforcementAgency", lambda: Agency.known(agencies, e.enforcement_agency_code)),
            enforcement_office=ask("enforcementOffice", lambda: Agency.known(agencies, e.enforcement_office_code)),
            procuracy=ask("procuracy", lambda: Agency.known(agencies, e.procuracy_code)),
            parties=ask("parties", lambda: _made(contents, lambda c: [Party.from_domain(p, roles) for p in c.parties])),
            obligations=ask(
                "obligations", lambda: _made(contents, lambda c: [Obligation.from_domain(o) for o in c.obligations])
            ),
            court_details=ask("courtDetails", lambda: _made(_held(court, "court", e.id), CourtDetails.from_domain)),
            enforcement_case=ask("enforcementCase", lambda: _made(_case(case, e, signed), EnforcementCase.from_domain)),
            supervision=ask(
                "supervision",
                lambda: _made(supervision, lambda found: [SupervisionRecord.from_domain(r, agencies) for r in found]),
            ),
        )
        if "parties" in self.wanted and not isinstance(contents, BaseException):
            self.context.personal_reads.add((PARTIES_READ, e.id))  # audited once per operation
        return judgment

    def ask(self, field: str, value: Callable[[], Any]) -> Any:
        """The field's value if the selection asks for it (an error value if making it failed)."""
        if field not in self.wanted:
            return NotAsked(f"Judgment.{field} was resolved but not selected: a look-ahead bug")
        try:
            return value()
        except Exception as error:
            return error
