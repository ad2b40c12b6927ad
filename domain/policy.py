"""The hub's one access policy: who may call which operation, on which records, seeing which fields.

Deny by default. :data:`POLICY` names every root operation of the schema and,
per role, how far the role reaches; a role not named is refused, and an
operation not named refuses everyone (``schema/build.py`` also refuses to build a
schema with an operation missing here). ``docs/security.md`` prints this table
(``lienthong policy-table``) and ``tests/api/test_access_matrix.py`` calls every
operation with every role and checks the answer against it: table, docs and test
come from this one source.

Reach (:class:`Reach`):

- ``ALL`` — every record (the ministry; the auditor on the audit trail);
- ``JURISDICTION`` — records of the principal's agency, of the agencies it
  succeeded (dissolved in the 2025 reorganisation) and, for a procuracy, of the
  procuracies it supervises (its area): :meth:`AccessPolicy.jurisdiction`;
- ``BELOW`` — the principal's agency, the agencies it succeeded and every
  agency below it in the organisation (``parent_code``) with their
  predecessors: a personnel department's agencies (:meth:`AccessPolicy.below`);
- ``PROVINCE`` — the agencies of the principal's province: a steering
  committee's (:meth:`AccessPolicy.province`);
- ``OWN`` — what the principal's own agency (or one it succeeded) owns or is
  addressed to;
- ``SELF`` — the principal itself (``me``) or public reference data (the organisation).

Records out of reach are answered as if they did not exist (``null``, an empty
page, ``NOT_FOUND``): a denial leaks nothing through errors, counts, filters or
cursors. A whole operation out of reach is ``FORBIDDEN``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Final

from domain.access import Principal, Role
from domain.errors import Forbidden
from domain.messages import msg
from domain.provinces import province_names
from domain.types import Agency, AgencyKind, AgencyLevel


class Reach(IntEnum):
    """How far a role reaches in one operation; higher reaches further."""

    NONE = 0
    SELF = 1
    OWN = 2
    PROVINCE = 3
    JURISDICTION = 4
    BELOW = 5
    ALL = 6


R = Role
_EVERYONE: Final = dict.fromkeys(Role, Reach.SELF)
_RECORD_READERS: Final = {
    R.COURT_CLERK: Reach.JURISDICTION,
    R.ENFORCEMENT_CLERK: Reach.JURISDICTION,
    R.PROCURACY: Reach.JURISDICTION,
    R.MINISTRY: Reach.ALL,
}
_ENFORCEMENT_WRITE: Final = {R.ENFORCEMENT_CLERK: Reach.OWN}
_WEBHOOK_OWNERS: Final = {R.COURT_CLERK: Reach.OWN, R.ENFORCEMENT_CLERK: Reach.OWN, R.PROCURACY: Reach.OWN}
_COORDINATION_PARTIES: Final = {
    R.COURT_CLERK: Reach.OWN,
    R.ENFORCEMENT_CLERK: Reach.OWN,
    R.PROCURACY: Reach.OWN,
    R.POLICE: Reach.OWN,
    R.COMMITTEE: Reach.OWN,
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the policy table."""

    operation: str  # the root field, as the schema names it
    kind: str  # query, mutation or subscription
    reach: Mapping[Role, Reach]
    note: str  # what the reach means for this operation (printed in docs/security.md)

    def reach_of(self, roles: Iterable[Role]) -> Reach:
        return max((self.reach.get(role, Reach.NONE) for role in roles), default=Reach.NONE)


POLICY: Final[tuple[Rule, ...]] = (
    Rule("me", "query", _EVERYONE, "the token's own principal"),
    Rule("agency", "query", _EVERYONE, "public reference data: the organisation"),
    Rule("agencies", "query", _EVERYONE, "public reference data: the organisation"),
    Rule(
        "judgment",
        "query",
        _RECORD_READERS,
        "court: its own and its predecessors' judgments; enforcement: addressed to it or its predecessors; "
        "procuracy: its area; others null",
    ),
    Rule("judgments", "query", _RECORD_READERS, "as `judgment`; counts and pages cover only what is in reach"),
    Rule("transfer", "query", _RECORD_READERS, "as `judgment`"),
    Rule(
        "inbox",
        "query",
        {R.ENFORCEMENT_CLERK: Reach.OWN, R.MINISTRY: Reach.ALL},
        "an office's own inbox (or a predecessor's)",
    ),
    Rule(
        "webhooks",
        "query",
        {**_WEBHOOK_OWNERS, R.MINISTRY: Reach.ALL, R.OPERATOR: Reach.ALL},
        "the agency's own webhooks",
    ),
    Rule(
        "webhookDeliveries",
        "query",
        {**_WEBHOOK_OWNERS, R.MINISTRY: Reach.ALL, R.OPERATOR: Reach.ALL},
        "the agency's own deliveries",
    ),
    Rule("auditTrail", "query", {R.AUDITOR: Reach.ALL}, "the whole audit trail (itself audited)"),
    Rule(
        "coordinationAgreements",
        "query",
        {**_COORDINATION_PARTIES, R.MINISTRY: Reach.ALL},
        "agreements the agency (or a predecessor) is a party to",
    ),
    Rule(
        "coordinationRequests",
        "query",
        {**_COORDINATION_PARTIES, R.MINISTRY: Reach.ALL},
        "requests the agency (or a predecessor) sent, received or observes; counts cover only those",
    ),
    Rule(
        "coordinationRequest",
        "query",
        {**_COORDINATION_PARTIES, R.MINISTRY: Reach.ALL},
        "as `coordinationRequests`; others null (the addressee's first read records the receipt)",
    ),
    Rule(
        "officers",
        "query",
        {R.PERSONNEL: Reach.BELOW, R.MINISTRY: Reach.ALL, R.ENFORCEMENT_CLERK: Reach.OWN},
        "officers of the agencies in reach; citizen ID, birth date and discipline in clear only for a personnel "
        "department over its agency and those below it, masked for everyone else",
    ),
    Rule(
        "staffing",
        "query",
        {R.PERSONNEL: Reach.BELOW, R.COMMITTEE: Reach.PROVINCE, R.MINISTRY: Reach.ALL},
        "quota, people in post and vacant leader posts of the units in reach; others null",
    ),
    Rule(
        "personnelAlerts",
        "query",
        {R.PERSONNEL: Reach.BELOW, R.COMMITTEE: Reach.PROVINCE, R.MINISTRY: Reach.ALL},
        "alerts of the units in reach (audited when they name officers); others an empty list",
    ),
    Rule(
        "committeeReport",
        "query",
        {R.COMMITTEE: Reach.PROVINCE, R.MINISTRY: Reach.ALL},
        "aggregates only: a committee its own province (another province or the national roll-up FORBIDDEN); "
        "the ministry any province and the national roll-up",
    ),
    Rule(
        "interagencyStatistics",
        "query",
        {
            R.ENFORCEMENT_CLERK: Reach.PROVINCE,
            R.PROCURACY: Reach.PROVINCE,
            R.COMMITTEE: Reach.PROVINCE,
            R.MINISTRY: Reach.ALL,
        },
        "interagency statistics (TTLT 12/2021) of the agency's own province (another FORBIDDEN); the ministry any",
    ),
    Rule("submitJudgment", "mutation", {R.COURT_CLERK: Reach.OWN}, "for the court of the token only"),
    Rule("acknowledgeTransfer", "mutation", _ENFORCEMENT_WRITE, "transfers addressed to the agency"),
    Rule("returnTransfer", "mutation", _ENFORCEMENT_WRITE, "transfers addressed to the agency"),
    Rule("recordEnforcementDecision", "mutation", _ENFORCEMENT_WRITE, "transfers addressed to the agency"),
    Rule("registerWebhook", "mutation", _WEBHOOK_OWNERS, "for the agency of the token"),
    Rule("deactivateWebhook", "mutation", {**_WEBHOOK_OWNERS, R.OPERATOR: Reach.ALL}, "the agency's own webhooks"),
    Rule("redriveDeliveries", "mutation", {**_WEBHOOK_OWNERS, R.OPERATOR: Reach.ALL}, "the agency's own deliveries"),
    Rule("registerAgreement", "mutation", _COORDINATION_PARTIES, "agreements the agency of the token is a party to"),
    Rule("openCoordinationRequest", "mutation", _COORDINATION_PARTIES, "sent by the agency of the token"),
    Rule(
        "respondToCoordinationRequest",
        "mutation",
        _COORDINATION_PARTIES,
        "the addressee answers, the sender closes or withdraws; others NOT_FOUND",
    ),
    Rule(
        "closeInteragencyStatistics",
        "mutation",
        {R.ENFORCEMENT_CLERK: Reach.OWN},
        "interagency statistics: the provincial enforcement agency of its own province (others NOT_SIGNATORY)",
    ),
    Rule(
        "countersignInteragencyStatistics",
        "mutation",
        {R.PROCURACY: Reach.OWN},
        "interagency statistics: the provincial procuracy of its own province (others NOT_SIGNATORY)",
    ),
    Rule(
        "disputeInteragencyStatistics",
        "mutation",
        {R.PROCURACY: Reach.OWN},
        "interagency statistics: the provincial procuracy of its own province, a note per row (others NOT_SIGNATORY)",
    ),
    Rule(
        "transferEvents",
        "subscription",
        {**_WEBHOOK_OWNERS, R.PROCURACY: Reach.JURISDICTION, R.MINISTRY: Reach.ALL},
        "events of an agency in the principal's jurisdiction",
    ),
    Rule(
        "coordinationEvents",
        "subscription",
        {
            R.COURT_CLERK: Reach.OWN,
            R.ENFORCEMENT_CLERK: Reach.OWN,
            R.PROCURACY: Reach.OWN,
            R.POLICE: Reach.OWN,
            R.COMMITTEE: Reach.OWN,
            R.MINISTRY: Reach.ALL,
        },
        "events of the requests the agency (or a predecessor) sends, receives or observes",
    ),
)

RULES: Final[Mapping[str, Rule]] = {rule.operation: rule for rule in POLICY}

UNMASKED_CITIZEN_ID: Final = frozenset({R.COURT_CLERK, R.ENFORCEMENT_CLERK})
"""Roles that need a party's citizen ID in clear (to identify the debtor); everyone else sees ``********1234``."""

PERSONNEL_FILE_ROLES: Final = frozenset({R.PERSONNEL})
"""Roles that read an officer's restricted fields (citizen ID, birth date, discipline) in clear — for officers
of their own agency or an agency below it only (:meth:`AccessPolicy.personnel_files_in_clear`)."""


class Denied(Forbidden):
    """The principal may not call the operation at all; the message says why (FORBIDDEN for clients)."""


def reach(principal: Principal, operation: str) -> Reach:
    """How far ``principal`` reaches in ``operation``; NONE for unknown operations (deny by default)."""
    rule = RULES.get(operation)
    return Reach.NONE if rule is None else rule.reach_of(principal.roles)


def require(principal: Principal, operation: str) -> Reach:
    """The principal's reach in ``operation``, or :class:`Denied`."""
    found = reach(principal, operation)
    if found is Reach.NONE:
        roles = ", ".join(sorted(r.value for r in principal.roles)) or msg("no role")
        raise Denied(msg("{operation} is not open to {roles}", operation=operation, roles=roles))
    return found


def _last_four(value: str) -> str:
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_citizen_id(value: str | None, roles: Iterable[Role]) -> str | None:
    """The citizen ID in clear for roles that need it, else all but the last four digits hidden."""
    if value is None or UNMASKED_CITIZEN_ID.intersection(roles):
        return value
    return _last_four(value)


def mask_officer_citizen_id(value: str, in_clear: bool) -> str:
    """An officer's citizen ID: in clear for their personnel department, else ``********1234``."""
    return value if in_clear else _last_four(value)


def mask_officer_birth_date(value: date, in_clear: bool) -> date | None:
    """An officer's birth date: for their personnel department only (others see the retirement date instead)."""
    return value if in_clear else None


def mask_officer_discipline(value: str | None, in_clear: bool) -> str | None:
    """An officer's discipline record: for their personnel department only."""
    return value if in_clear else None


class AccessPolicy:
    """The policy applied to one organisation: which agencies' records a principal reaches.

    Built once per process from the organisation (codes → agencies, dissolved
    ones included); immutable afterwards, shared by every request.
    """

    def __init__(self, agencies: Mapping[str, Agency]) -> None:
        self._agencies = dict(agencies)
        predecessors: dict[str, set[str]] = {}
        children: dict[str, set[str]] = {}
        for agency in agencies.values():
            if agency.successor_code:
                predecessors.setdefault(agency.successor_code, set()).add(agency.code)
            if agency.parent_code:
                children.setdefault(agency.parent_code, set()).add(agency.code)
        self._predecessors = {code: frozenset(codes) for code, codes in predecessors.items()}
        self._children = {code: frozenset(codes) for code, codes in children.items()}
        self.provinces = province_names(agencies.values())  # how a province may be written, looked up per request

    def lineage(self, code: str) -> frozenset[str]:
        """``code`` and every agency whose work passed to it, however many successions ago."""
        found = {code}
        pending = [code]
        while pending:
            for before in self._predecessors.get(pending.pop(), ()):
                if before not in found:
                    found.add(before)
                    pending.append(before)
        return frozenset(found)

    def own(self, principal: Principal) -> frozenset[str]:
        """The principal's agency and its predecessors."""
        return self.lineage(principal.agency_code) if principal.agency_code in self._agencies else frozenset()

    def jurisdiction(self, principal: Principal) -> frozenset[str]:
        """Agencies whose records the principal reaches with ``JURISDICTION``.

        Its own agency and predecessors; a procuracy also reaches the
        procuracies below it (a provincial procuracy supervises its area ones).
        """
        agency = self._agencies.get(principal.agency_code)
        if agency is not None and agency.kind is AgencyKind.PROCURACY and agency.level is not AgencyLevel.AREA:
            return self.below(principal)
        return self.own(principal)

    def below(self, principal: Principal) -> frozenset[str]:
        """The principal's agency, its predecessors, and every agency below them (``parent_code``) with theirs.

        A provincial enforcement agency's personnel department reaches its area
        offices; the ministry's reaches every enforcement agency in the country.
        """
        codes = set(self.own(principal))
        pending = list(codes)
        while pending:
            for child in self._children.get(pending.pop(), ()):
                if child not in codes:
                    codes.add(child)
                    pending.append(child)
        return frozenset(c for code in codes for c in self.lineage(code))

    def province(self, principal: Principal) -> frozenset[str]:
        """Every agency of the principal's province (a steering committee's), dissolved predecessors included."""
        agency = self._agencies.get(principal.agency_code)
        if agency is None or agency.province_code is None:
            return frozenset()
        here = [a.code for a in self._agencies.values() if a.province_code == agency.province_code]
        return frozenset(c for code in here for c in self.lineage(code))

    def personnel_files_in_clear(self, principal: Principal) -> frozenset[str]:
        """Agencies whose officers' restricted fields the principal reads in clear; empty for most.

        Only a personnel department (:data:`PERSONNEL_FILE_ROLES`), and only for
        officers of its own agency or an agency below it — never a sibling's,
        never a parent's, whatever else its roles reach.
        """
        return self.below(principal) if PERSONNEL_FILE_ROLES.intersection(principal.roles) else frozenset()

    def records_in_reach(self, principal: Principal, operation: str) -> frozenset[str] | None:
        """Agency codes whose records ``operation`` may show the principal; ``None`` means all.

        Raises :class:`Denied` when the operation is not open to the principal at all.
        """
        found = require(principal, operation)
        if found is Reach.ALL:
            return None
        if found is Reach.BELOW:
            return self.below(principal)
        if found is Reach.JURISDICTION:
            return self.jurisdiction(principal)
        if found is Reach.PROVINCE:
            return self.province(principal)
        return self.own(principal)

    def may_act_for(self, principal: Principal, operation: str, agency_code: str) -> bool:
        """Whether the principal may act on ``agency_code``'s records in ``operation`` (e.g. read its inbox)."""
        return self.reaches(principal, operation, (agency_code,))

    def reaches(self, principal: Principal, operation: str, record_codes: Iterable[str]) -> bool:
        """Whether a record involving ``record_codes`` (its court, agencies, procuracy) is in reach."""
        codes = self.records_in_reach(principal, operation)
        return codes is None or not codes.isdisjoint(record_codes)


_REACH_LABELS: Final = {
    Reach.NONE: "–",
    Reach.SELF: "yes",
    Reach.OWN: "own",
    Reach.PROVINCE: "province",
    Reach.JURISDICTION: "jurisdiction",
    Reach.BELOW: "below",
    Reach.ALL: "all",
}


def policy_table() -> str:
    """The role × operation table as Markdown, for docs/security.md (``lienthong policy-table``)."""
    roles = list(Role)
    lines = [
        "| operation | kind | " + " | ".join(r.value for r in roles) + " | what the reach means |",
        "|---|---|" + "---|" * len(roles) + "---|",
    ]
    for rule in POLICY:
        cells = " | ".join(_REACH_LABELS[rule.reach.get(role, Reach.NONE)] for role in roles)
        lines.append(f"| `{rule.operation}` | {rule.kind} | {cells} | {rule.note} |")
    return "\n".join(lines) + "\n"
