"""Coordination between agencies: request kinds, their lifecycle and who may move it.

A coordination request goes from a sender agency to an addressee agency, under a
signed agreement (quy chế phối hợp) or directly under the law, and is tracked to
its answer (DOMAIN.md §1, seeds 001–002). Each kind says who may send it to
whom, which fields it needs and which deadline rule (``data/deadline_rules.toml``)
gives its due day.

Lifecycle (the main line, then every move as a table)::

    OPEN ──receive──▶ RECEIVED ──start──▶ IN_PROGRESS ──answer──▶ ANSWERED ──close──▶ CLOSED
      │                  │                    │
      └──────────────────┴────────────────────┼── decline ─▶ DECLINED   (addressee)
                                              └── withdraw ▶ WITHDRAWN  (sender)

    status          receive    start        answer     decline    withdraw    close
    OPEN            RECEIVED   IN_PROGRESS  ANSWERED   DECLINED   WITHDRAWN   –
    RECEIVED        –          IN_PROGRESS  ANSWERED   DECLINED   WITHDRAWN   –
    IN_PROGRESS     –          –            ANSWERED   DECLINED   WITHDRAWN   –
    ANSWERED        –          –            –          –          –           CLOSED
    CLOSED, DECLINED, WITHDRAWN: final, no action.

    by the addressee: receive, start, answer, decline; by the sender: withdraw, close.

``receive`` happens by itself when the addressee first reads the request. The
addressee may ``start`` or ``answer`` without passing through the steps before:
an answer (or the acknowledgement of a periodic report) is itself proof that the
request arrived, and a quick answer needs no separate start.

Pure rules: no I/O.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from domain.errors import Invalid
from domain.messages import Text, msg
from domain.supervision import competent_police, competent_procuracy, supervises
from domain.types import Agency, AgencyKind


class RequestKind(StrEnum):
    EXPLANATION = "explanation"  # enforcement → court: explain an unclear judgment (yêu cầu giải thích)
    ENFORCEMENT_SUPPORT = "enforcement_support"  # enforcement → police: support a forced enforcement (cưỡng chế)
    PROCURACY_REQUEST = "procuracy_request"  # procuracy → enforcement (yêu cầu)
    PROCURACY_RECOMMENDATION = "procuracy_recommendation"  # procuracy → enforcement (kiến nghị)
    PROCURACY_PROTEST = "procuracy_protest"  # procuracy → enforcement (kháng nghị)
    PERIODIC_REPORT = "periodic_report"  # a report sent up, acknowledged by the addressee (báo cáo định kỳ)


class RequestSubKind(StrEnum):
    """What exactly a request asks, where the law gives that its own time (``SUB_KINDS``)."""

    # procuracy → enforcement, Law 63/2014/QH13 Art. 28(6)
    DECIDE_LAWFULLY = "decide_lawfully"  # (a) issue an enforcement decision as the law requires: at once
    ENFORCE_LAWFULLY = "enforce_lawfully"  # (b) enforce the judgment as the law requires: at once
    SELF_INSPECT = "self_inspect"  # (c) inspect its own enforcement and report the result: 30 days
    PROVIDE_RECORDS = "provide_records"  # (d) provide files, documents, exhibits: at once
    # enforcement → court, Law on Civil Judgment Enforcement Art. 179(2)
    COMPLEX_EXPLANATION = "complex_explanation"  # a complex explanation: up to 30 days
    # enforcement → police, Decree 152/2026 Arts. 46–47 (from 1 July 2026)
    PROVINCIAL_POLICE = "provincial_police"  # complex or spanning several communes: 5 working days


@dataclass(frozen=True, slots=True)
class SubKindRule:
    """The kind a sub-kind belongs to and the deadline rule it uses instead of the kind's."""

    kind: RequestKind
    label_vi: str
    deadline_rule: str


SUB_KINDS: Final[Mapping[RequestSubKind, SubKindRule]] = MappingProxyType(
    {
        RequestSubKind.DECIDE_LAWFULLY: SubKindRule(
            RequestKind.PROCURACY_REQUEST,
            "Yêu cầu ra quyết định về thi hành án đúng quy định của pháp luật",
            "procuracy_request_immediate",
        ),
        RequestSubKind.ENFORCE_LAWFULLY: SubKindRule(
            RequestKind.PROCURACY_REQUEST,
            "Yêu cầu thi hành bản án, quyết định theo quy định của pháp luật",
            "procuracy_request_immediate",
        ),
        RequestSubKind.SELF_INSPECT: SubKindRule(
            RequestKind.PROCURACY_REQUEST,
            "Yêu cầu tự kiểm tra việc thi hành án và thông báo kết quả",
            "procuracy_request_self_inspection",
        ),
        RequestSubKind.PROVIDE_RECORDS: SubKindRule(
            RequestKind.PROCURACY_REQUEST,
            "Yêu cầu cung cấp hồ sơ, tài liệu, vật chứng có liên quan đến việc thi hành án",
            "procuracy_request_immediate",
        ),
        RequestSubKind.COMPLEX_EXPLANATION: SubKindRule(
            RequestKind.EXPLANATION,
            "Yêu cầu giải thích bản án, quyết định (trường hợp phức tạp)",
            "court_explanation_complex",
        ),
        RequestSubKind.PROVINCIAL_POLICE: SubKindRule(
            RequestKind.ENFORCEMENT_SUPPORT,
            "Đề nghị Công an cấp tỉnh bảo vệ cưỡng chế phức tạp hoặc liên quan nhiều xã",
            "police_support_reply_provincial",
        ),
    }
)


class RequestStatus(StrEnum):
    OPEN = "open"
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        """Still waiting for the addressee (its deadline runs)."""
        return self in {RequestStatus.OPEN, RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS}


class Action(StrEnum):
    RECEIVE = "receive"
    START = "start"
    ANSWER = "answer"
    DECLINE = "decline"
    CLOSE = "close"
    WITHDRAW = "withdraw"


class Side(StrEnum):
    SENDER = "sender"
    ADDRESSEE = "addressee"


S = RequestStatus
_WAITING: Final = (S.OPEN, S.RECEIVED, S.IN_PROGRESS)

TRANSITIONS: Final[Mapping[tuple[RequestStatus, Action], RequestStatus]] = MappingProxyType(
    {
        (S.OPEN, Action.RECEIVE): S.RECEIVED,
        **{(s, Action.START): S.IN_PROGRESS for s in (S.OPEN, S.RECEIVED)},
        **{(s, Action.ANSWER): S.ANSWERED for s in _WAITING},
        **{(s, Action.DECLINE): S.DECLINED for s in _WAITING},
        **{(s, Action.WITHDRAW): S.WITHDRAWN for s in _WAITING},
        (S.ANSWERED, Action.CLOSE): S.CLOSED,
    }
)

ACTOR: Final[Mapping[Action, Side]] = MappingProxyType(
    {
        Action.RECEIVE: Side.ADDRESSEE,
        Action.START: Side.ADDRESSEE,
        Action.ANSWER: Side.ADDRESSEE,
        Action.DECLINE: Side.ADDRESSEE,
        Action.CLOSE: Side.SENDER,
        Action.WITHDRAW: Side.SENDER,
    }
)

NOTE_REQUIRED: Final = frozenset({Action.ANSWER, Action.DECLINE, Action.WITHDRAW})
"""Actions that must say something: the answer itself, or why it was declined or withdrawn."""


class TransitionError(Invalid):
    """The action is not possible now, or not for this side; the message says why."""


def transition(status: RequestStatus, action: Action, side: Side) -> RequestStatus:
    """The status after ``side`` does ``action`` on a request in ``status``."""
    if ACTOR[action] is not side:
        raise TransitionError(
            msg("only the {side} may {action} a request", side=ACTOR[action].value, action=action.value)
        )
    after = TRANSITIONS.get((status, action))
    if after is None:
        raise TransitionError(
            msg("a request that is {status} cannot be {done}", status=status.value, done=_past(action))
        )
    return after


def _past(action: Action) -> str:
    return {
        Action.RECEIVE: "received",
        Action.START: "started",
        Action.ANSWER: "answered",
        Action.DECLINE: "declined",
        Action.CLOSE: "closed",
        Action.WITHDRAW: "withdrawn",
    }[action]


@dataclass(frozen=True, slots=True)
class KindRule:
    """Who sends a kind of request to whom, what it must carry, and its deadline rule."""

    kind: RequestKind
    label_vi: str
    senders: frozenset[AgencyKind]
    addressees: frozenset[AgencyKind]
    deadline_rule: str  # key in the deadline rules table (data/deadline_rules.toml)
    sender_sets_reply: bool = False  # the procuracy may state its own reply date, which then replaces the rule
    needs_judgment: bool = False
    needs_schedule: bool = False  # planned date and place (forced enforcement)
    needs_period: bool = False  # reporting period (periodic reports)


_ENF = frozenset({AgencyKind.ENFORCEMENT, AgencyKind.PRIVATE_ENFORCEMENT})
_PROC = frozenset({AgencyKind.PROCURACY})

KIND_RULES: Final[Mapping[RequestKind, KindRule]] = MappingProxyType(
    {
        rule.kind: rule
        for rule in (
            KindRule(
                RequestKind.EXPLANATION,
                "Yêu cầu giải thích bản án, quyết định",
                _ENF,
                frozenset({AgencyKind.COURT}),
                "court_explanation",
                needs_judgment=True,
            ),
            KindRule(
                RequestKind.ENFORCEMENT_SUPPORT,
                "Đề nghị hỗ trợ cưỡng chế thi hành án",
                _ENF,
                frozenset({AgencyKind.POLICE}),
                "police_support_reply",
                needs_judgment=True,
                needs_schedule=True,
            ),
            KindRule(
                RequestKind.PROCURACY_REQUEST,
                "Yêu cầu của Viện kiểm sát",
                _PROC,
                _ENF,
                "procuracy_request_reply",
                sender_sets_reply=True,
            ),
            KindRule(
                RequestKind.PROCURACY_RECOMMENDATION,
                "Kiến nghị của Viện kiểm sát",
                _PROC,
                _ENF,
                "reply_recommendation",
                sender_sets_reply=True,
            ),
            KindRule(
                RequestKind.PROCURACY_PROTEST,
                "Kháng nghị của Viện kiểm sát",
                _PROC,
                _ENF,
                "procuracy_protest_reply",
                sender_sets_reply=True,
                needs_judgment=True,
            ),
            KindRule(
                RequestKind.PERIODIC_REPORT,
                "Báo cáo định kỳ",
                frozenset(AgencyKind),
                frozenset(AgencyKind),
                "report_acknowledgement",
                needs_period=True,
            ),
        )
    }
)


@dataclass(frozen=True, slots=True)
class RequestDraft:
    """What a sender asks for, before the hub accepts it."""

    kind: RequestKind
    sender_kind: AgencyKind
    addressee_kind: AgencyKind
    subject: str
    body: str
    judgment_id: str | None = None
    agreement_id: str | None = None
    reply_by: date | None = None  # the sender's own reply date (procuracy documents)
    sub_kind: RequestSubKind | None = None  # what exactly is asked, when the law times it apart
    planned_on: date | None = None  # forced enforcement: the day
    place: str | None = None  # forced enforcement: where
    period_from: date | None = None  # periodic report: the period covered
    period_to: date | None = None


@dataclass(frozen=True, slots=True)
class DraftError:
    field: str
    code: str
    message: Text


MAX_SUBJECT = 300
MAX_BODY = 20_000


def check_draft(draft: RequestDraft, today: date) -> list[DraftError]:
    """Everything wrong with ``draft`` (empty when it may be opened); nothing is raised."""
    rule = KIND_RULES[draft.kind]
    errors: list[DraftError] = []
    if draft.sender_kind not in rule.senders:
        errors.append(
            DraftError(
                "kind",
                "WRONG_SENDER",
                msg(
                    "an agency of kind {kind} cannot send {request}",
                    kind=draft.sender_kind.value,
                    request=rule.label_vi,
                ),
            )
        )
    if draft.addressee_kind not in rule.addressees:
        errors.append(
            DraftError(
                "to",
                "WRONG_ADDRESSEE",
                msg(
                    "{request} goes to an agency of kind {kinds}, not {kind}",
                    request=rule.label_vi,
                    kinds=_kinds(rule.addressees),
                    kind=draft.addressee_kind.value,
                ),
            )
        )
    if not draft.subject.strip() or len(draft.subject) > MAX_SUBJECT:
        errors.append(DraftError("subject", "INVALID", msg("a subject of 1–{limit} characters", limit=MAX_SUBJECT)))
    if not draft.body.strip() or len(draft.body) > MAX_BODY:
        errors.append(DraftError("body", "INVALID", msg("a body of 1–{limit} characters", limit=MAX_BODY)))
    if rule.needs_judgment and not draft.judgment_id:
        errors.append(
            DraftError("judgment", "REQUIRED", msg("{request} names the judgment it is about", request=rule.label_vi))
        )
    if rule.needs_schedule:
        if draft.planned_on is None:
            errors.append(DraftError("plannedOn", "REQUIRED", msg("the day of the forced enforcement")))
        elif draft.planned_on < today:
            errors.append(
                DraftError("plannedOn", "IN_THE_PAST", msg("the forced enforcement cannot be planned in the past"))
            )
        if not (draft.place or "").strip():
            errors.append(DraftError("place", "REQUIRED", msg("where the forced enforcement takes place")))
    if rule.needs_period:
        if draft.period_from is None or draft.period_to is None:
            errors.append(DraftError("period", "REQUIRED", msg("the reporting period (from, to)")))
        elif draft.period_from > draft.period_to:
            errors.append(DraftError("period", "INVALID", msg("the period ends before it starts")))
    if draft.sub_kind is not None and SUB_KINDS[draft.sub_kind].kind is not draft.kind:
        errors.append(
            DraftError(
                "subKind",
                "WRONG_KIND",
                msg("{sub_kind} is not a sub-kind of {request}", sub_kind=draft.sub_kind.value, request=rule.label_vi),
            )
        )
    if draft.reply_by is not None:
        if not rule.sender_sets_reply:
            errors.append(
                DraftError(
                    "replyBy", "NOT_ALLOWED", msg("the reply time of {request} is set by law", request=rule.label_vi)
                )
            )
        elif draft.reply_by < today:
            errors.append(DraftError("replyBy", "IN_THE_PAST", msg("a reply date cannot be in the past")))
    return errors


def _kinds(kinds: frozenset[AgencyKind]) -> str:
    return " or ".join(sorted(k.value for k in kinds))


PROCURACY_KINDS: Final = frozenset(
    {RequestKind.PROCURACY_REQUEST, RequestKind.PROCURACY_RECOMMENDATION, RequestKind.PROCURACY_PROTEST}
)
"""Kinds a procuracy sends only to the enforcement agencies it supervises (:mod:`domain.supervision`)."""


def check_addressee(
    kind: RequestKind, sender: Agency, addressee: Agency, agencies: Mapping[str, Agency]
) -> list[DraftError]:
    """Whether the law lets ``sender`` ask ``addressee`` for ``kind``: who may ask whom (:mod:`domain.supervision`).

    A procuracy's request, recommendation or protest goes only to an enforcement
    agency it supervises (``WRONG_ADDRESSEE`` names the competent procuracy); a
    support request goes to the police of the enforcing agency's province
    (``WRONG_ADDRESSEE``), and one for an enforcement in another province is
    ``OUTSIDE_PROVINCE``: it is entrusted (ủy thác) to the enforcement agency there.
    Kinds of agency that do not fit the kind at all are :func:`check_draft`'s to refuse.
    """
    if kind in PROCURACY_KINDS and sender.kind is AgencyKind.PROCURACY and addressee.kind in _ENF:
        if supervises(sender.code, addressee.code, agencies):
            return []
        competent = competent_procuracy(addressee.code, agencies)
        whose = (
            msg(
                "{addressee} is supervised by {procuracy} ({code})",
                addressee=addressee.name,
                procuracy=competent.name,
                code=competent.code,
            )
            if competent is not None
            else msg("no procuracy supervises {addressee}", addressee=addressee.name)
        )
        return [
            DraftError(
                "to",
                "WRONG_ADDRESSEE",
                msg(
                    "{sender} does not supervise {addressee}: {whose} (Law 63/2014/QH13 Art. 28; "
                    "Law on Civil Judgment Enforcement Art. 12: the procuracy supervises the enforcement agency "
                    "of its own level and area)",
                    sender=sender.name,
                    addressee=addressee.name,
                    whose=whose,
                ),
            )
        ]
    if kind is RequestKind.ENFORCEMENT_SUPPORT and addressee.kind is AgencyKind.POLICE and sender.kind in _ENF:
        police = competent_police(sender.code, agencies)
        if police is not None and police.code == addressee.code:
            return []
        if police is None:
            return [
                DraftError(
                    "to",
                    "WRONG_ADDRESSEE",
                    msg(
                        "{sender} enforces in no province of its own: the enforcement agency of the province "
                        "where the enforcement takes place asks its police (Decree 152/2026 Art. 46)",
                        sender=sender.name,
                    ),
                )
            ]
        if addressee.province_code is not None and addressee.province_code != police.province_code:
            there = agencies.get(f"enforcement.{addressee.province_code}")
            entrusted = f"{there.name} ({there.code})" if there is not None else msg("the enforcement agency there")
            return [
                DraftError(
                    "to",
                    "OUTSIDE_PROVINCE",
                    msg(
                        "{addressee} supports enforcement in its own province, outside yours: entrust (ủy thác) "
                        "the enforcement to {entrusted}, which asks its police; for an enforcement in your province "
                        "ask {police} ({code}) (Decree 152/2026 Art. 46)",
                        addressee=addressee.name,
                        entrusted=entrusted,
                        police=police.name,
                        code=police.code,
                    ),
                )
            ]
        return [
            DraftError(
                "to",
                "WRONG_ADDRESSEE",
                msg(
                    "support for an enforcement by {sender} comes from {police} ({code}), "
                    "the police where it takes place (Decree 152/2026 Art. 46)",
                    sender=sender.name,
                    police=police.name,
                    code=police.code,
                ),
            )
        ]
    return []


@dataclass(frozen=True, slots=True)
class DistributionRule:
    """An observer that gets a copy of every request of some kinds sent within some provinces.

    E.g. a regional affairs department watching periodic reports of a set of
    provinces, or a province's steering committee watching forced enforcements.
    Operators keep them in ``data/distribution_rules.toml``
    (:func:`load_distribution_rules_from_text`).
    """

    observer: str  # agency code, or a pattern with {province} (the request's province)
    kinds: frozenset[RequestKind]
    provinces: frozenset[str]  # empty: every province
    note: str = ""  # who watches and why, in Vietnamese


class DistributionRuleError(ValueError):
    """The distribution rules cannot be used as given; the message names the rule and the field."""


_DISTRIBUTION_FIELDS: Final = ("observer", "kinds", "provinces", "note")
PROVINCE_PLACEHOLDER: Final = "{province}"
"""In an observer code, the province of the request (``committee.{province}``): see :func:`observers`."""


def load_distribution_rules_from_text(text: str) -> tuple[DistributionRule, ...]:
    """Parse ``data/distribution_rules.toml``: a list of ``[[rule]]`` tables.

    Each has ``observer`` (an agency code), ``kinds`` (request kind values, at
    least one), ``provinces`` (province codes; an empty list means every
    province) and ``note`` (who watches and why). All four are required, so a
    rule never watches every province by accident. Codes are checked against the
    organisation separately, by :func:`unknown_distribution_codes`.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DistributionRuleError(f"distribution rules: invalid TOML: {exc}") from exc
    unknown = set(document) - {"rule"}
    if unknown:
        raise DistributionRuleError(f"distribution rules: unknown top-level key(s) {sorted(unknown)}")
    entries = document.get("rule", [])
    if not isinstance(entries, list):
        raise DistributionRuleError("distribution rules: 'rule' must be an array of tables ([[rule]])")
    return tuple(_parse_distribution_rule(number, entry) for number, entry in enumerate(entries, start=1))


def _parse_distribution_rule(number: int, entry: Any) -> DistributionRule:
    where = f"distribution rule #{number}"
    if not isinstance(entry, dict):
        raise DistributionRuleError(f"{where}: must be a table")
    if isinstance(entry.get("observer"), str) and entry["observer"].strip():
        where = f"{where} ({entry['observer']!r})"
    unknown = set(entry) - set(_DISTRIBUTION_FIELDS)
    if unknown:
        raise DistributionRuleError(f"{where}: unknown field(s) {sorted(unknown)}")
    missing = [name for name in _DISTRIBUTION_FIELDS if name not in entry]
    if missing:
        raise DistributionRuleError(f"{where}: missing field(s) {missing}")
    for name in ("observer", "note"):
        if not isinstance(entry[name], str) or not entry[name].strip():
            raise DistributionRuleError(f"{where}: '{name}' must be a non-empty string, not {entry[name]!r}")
    kinds = _string_list(where, "kinds", entry["kinds"])
    if not kinds:
        raise DistributionRuleError(f"{where}: 'kinds' must name at least one request kind")
    bad = [k for k in kinds if k not in {known.value for known in RequestKind}]
    if bad:
        allowed = ", ".join(repr(k.value) for k in RequestKind)
        raise DistributionRuleError(f"{where}: unknown request kind(s) {bad} in 'kinds' (known: {allowed})")
    provinces = _string_list(where, "provinces", entry["provinces"])
    return DistributionRule(
        observer=entry["observer"].strip(),
        kinds=frozenset(RequestKind(k) for k in kinds),
        provinces=frozenset(p.strip() for p in provinces),
        note=entry["note"].strip(),
    )


def _string_list(where: str, name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise DistributionRuleError(f"{where}: '{name}' must be a list of non-empty strings, not {value!r}")
    return value


def unknown_distribution_codes(rules: tuple[DistributionRule, ...], agencies: Mapping[str, Agency]) -> list[str]:
    """What in ``rules`` the organisation does not know: observers and province codes, each named with its rule.

    Empty when every observer is an agency of the organisation that is still in
    force (no successor) and every province is one some agency belongs to.
    """
    provinces = {a.province_code for a in agencies.values() if a.province_code is not None}
    problems: list[str] = []
    for number, rule in enumerate(rules, start=1):
        where = f"distribution rule #{number} ({rule.observer!r})"
        if PROVINCE_PLACEHOLDER in rule.observer:
            expanded = (rule.observer.replace(PROVINCE_PLACEHOLDER, p) for p in sorted(rule.provinces or provinces))
            problems.extend(
                f"{where}: observer {code!r} is not an agency in force"
                for code in expanded
                if code not in agencies or agencies[code].valid_to is not None
            )
            problems.extend(
                f"{where}: unknown province {code!r} in 'provinces'" for code in sorted(rule.provinces - provinces)
            )
            continue
        agency = agencies.get(rule.observer)
        if agency is None:
            problems.append(f"{where}: observer {rule.observer!r} is not an agency of the organisation")
        elif agency.valid_to is not None:
            problems.append(f"{where}: observer {rule.observer!r} was dissolved on {agency.valid_to.isoformat()}")
        problems.extend(
            f"{where}: unknown province {code!r} in 'provinces'" for code in sorted(rule.provinces - provinces)
        )
    return problems


def observers(
    rules: tuple[DistributionRule, ...], kind: RequestKind, provinces: frozenset[str], parties: frozenset[str]
) -> frozenset[str]:
    """Observers that get a copy of a request of ``kind`` whose parties are in ``provinces`` (parties excluded).

    An observer written with ``{province}`` (``committee.{province}``) stands for the agency of each
    province of the request that the rule watches: the steering committee of the province where it happens.
    """
    found: set[str] = set()
    for rule in rules:
        if kind not in rule.kinds or (rule.provinces and rule.provinces.isdisjoint(provinces)):
            continue
        if PROVINCE_PLACEHOLDER in rule.observer:
            watched = provinces & rule.provinces if rule.provinces else provinces
            found.update(rule.observer.replace(PROVINCE_PLACEHOLDER, p) for p in watched)
        else:
            found.add(rule.observer)
    return frozenset(found - parties)
