"""The form "Gửi yêu cầu" (openCoordinationRequest), shared by the Phối hợp and Viện kiểm sát pages.

The kinds offered are those the person's agency kind may send (``domain.coordination.KIND_RULES``), the
addressees the agencies in force of its province — for a procuracy, of the enforcement agencies only those it
supervises (``Agency.supervises``, the hub's supervision map: its requests, recommendations and protests go to
no other) — the agreements those in force it is a party to. The
hub checks everything again (sender, addressee, judgment in reach, dates): a refusal comes back as its
code in the page's address (``?loi=…``) and is shown in Vietnamese; nothing was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final
from urllib.parse import quote, urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console.pages import coordination_labels as labels
from console.pages import coordination_operations as ops
from console.pages import procuracy_operations as procuracy_ops
from console.views import SignedIn, console_of
from domain.coordination import KIND_RULES
from domain.types import AgencyKind

OPEN_PATH: Final = "/phoi-hop/gui"
BACK_TO: Final = frozenset({"/phoi-hop", "/vien-kiem-sat"})  # the pages the form is on
ENFORCEMENT_KINDS: Final = frozenset({AgencyKind.ENFORCEMENT.name, AgencyKind.PRIVATE_ENFORCEMENT.name})
TEXT_FIELDS: Final = {  # the form's field → the input's field (strings)
    "trich-yeu": "subject",
    "noi-dung": "body",
    "ban-an": "judgment",
    "chuyen-giao": "transfer",
    "quy-che": "agreement",
    "dia-diem": "place",
}
DATE_FIELDS: Final = {
    "han-tra-loi": "replyBy",
    "ngay-cuong-che": "plannedOn",
    "tu-ngay": "periodFrom",
    "den-ngay": "periodTo",
}


@dataclass(frozen=True, slots=True)
class FormChoices:
    kinds: list[tuple[str, str]] = field(default_factory=list)  # (API kind, label)
    addressees: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    sets_reply: bool = False  # one of the kinds lets the sender set its own reply date (the procuracy)


async def form_choices(request: Request, who: SignedIn, only: tuple[str, ...] | None = None) -> FormChoices:
    """What the person's agency may send, to whom, under which agreements (``only``: these kinds at most)."""
    hub = console_of(request).hub
    me = ((await hub.execute(request, who.principal, ops.ME)).data or {}).get("me") or {}
    agency = me.get("agency") or {}
    kind_name = str(agency.get("kind") or "")
    if kind_name not in AgencyKind.__members__:
        return FormChoices()
    sender = AgencyKind[kind_name]
    rules = [
        rule for rule in KIND_RULES.values() if sender in rule.senders and (only is None or rule.kind.name in only)
    ]
    if not rules:
        return FormChoices()
    targets = {kind.name for rule in rules for kind in rule.addressees}
    found = await hub.execute(request, who.principal, ops.FORM_CHOICES, {"province": agency.get("provinceCode")})
    data = found.data or {}
    own = who.principal.agency_code
    addressees = [a for a in data.get("agencies") or [] if a["active"] and a["kind"] in targets and a["code"] != own]
    if sender is AgencyKind.PROCURACY:
        supervised = await _supervised(request, who)
        addressees = [a for a in addressees if a["kind"] not in ENFORCEMENT_KINDS or a["code"] in supervised]
    agreements = [a for a in data.get("coordinationAgreements") or [] if a["inForce"]]
    return FormChoices(
        kinds=[(rule.kind.name, labels.KIND[rule.kind.name]) for rule in rules],
        addressees=sorted(addressees, key=lambda a: (a["kind"], a["code"])),
        agreements=agreements,
        sets_reply=any(rule.sender_sets_reply for rule in rules),
    )


async def _supervised(request: Request, who: SignedIn) -> frozenset[str]:
    """The codes of the enforcement agencies the person's procuracy supervises, as the hub says (``Agency.supervises``)."""
    found = await console_of(request).hub.execute(request, who.principal, procuracy_ops.SUPERVISED_AGENCIES)
    agency = (((found.data or {}).get("me") or {}).get("agency")) or {}
    return frozenset(a["code"] for a in agency.get("supervises") or [])


def request_input(form: FormData) -> dict[str, Any]:
    """The ``OpenCoordinationRequestInput`` the form asks for: blank optional fields left out."""
    given: dict[str, Any] = {"kind": _text(form, "loai"), "to": _text(form, "gui-den")}
    for name, key in (*TEXT_FIELDS.items(), *DATE_FIELDS.items()):
        value = _text(form, name)
        if value or key in {"subject", "body"}:
            given[key] = value
    return given


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def open_request(request: Request, who: SignedIn, form: FormData) -> Response:
    """Send the request; to its page when the hub took it, else back to the form's page with the refusal."""
    back = _text(form, "ve")
    back = back if back in BACK_TO else "/phoi-hop"
    given = request_input(form)
    if given["kind"] not in labels.KIND or not given["to"]:
        return _refused(back, "REQUIRED")
    if any(not _iso_date(given.get(key)) for key in DATE_FIELDS.values() if key in given):
        return _refused(back, "INVALID")
    outcome = await console_of(request).hub.execute(request, who.principal, ops.OPEN, {"input": given})
    payload: Mapping[str, Any] = (outcome.data or {}).get("openCoordinationRequest") or {}
    errors = payload.get("userErrors") or []
    opened = payload.get("request") if not errors else None
    if opened:
        return RedirectResponse(f"/phoi-hop/yeu-cau/{quote(opened['id'], safe='')}?xong=gui", status_code=303)
    code = errors[0]["code"] if errors else ("BAD_USER_INPUT" if outcome.errors else "")
    return _refused(back, code)


def _iso_date(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _refused(back: str, code: str) -> Response:
    return RedirectResponse(f"{back}?{urlencode({'loi': code})}#gui", status_code=303)
