"""Vận hành › Người dùng và quyền: the registry's people and system clients, their grants, grant and revoke.

The registry is not in the GraphQL schema: it is read and written through the console's port
(``HubPort.people``, ``grant_role``, ``revoke_role``), which runs the same registry as
``lienthong people grant|revoke`` — the same refusals (a role the agency's kind cannot hold), the same
audit entry, in the operator's name. Both forms are plain POSTs with the session's form token, answered
by a redirect back to the person's page (Post/Redirect/Get).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from console.pages import operations_labels as labels
from console.pages import operations_operations as ops
from console.pages.operations_access import HERE, back, not_yours, operator, posted, section
from console.ports import OperatorOnly, RegistryChange, RegistryRefusal
from console.views import SignedIn, console_of
from domain.access import Role

PATH: Final = HERE + "/nguoi-dung"
SHOWN: Final = 200  # people listed at most on one page (narrow by agency or name for the rest)


def person_url(holder_id: str) -> str:
    return f"{PATH}/{quote(holder_id, safe='')}"


async def people_page(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    agency = request.query_params.get("co-quan", "").strip()
    kind = request.query_params.get("loai", "person")
    kind = kind if kind in labels.HOLDER_KIND else ""
    search = request.query_params.get("tim", "").strip()[:100]
    try:
        found = await console_of(request).hub.people(
            who.principal, agency_code=agency or None, kind=kind or None, search=search or None, limit=SHOWN
        )
    except OperatorOnly:
        return await not_yours(request, who)
    return await section(
        request,
        who,
        "operations_people.html",
        PATH,
        people=found.people,
        more=found.more,
        shown=SHOWN,
        agency=agency,
        kind=kind,
        search=search,
        person_url=person_url,
    )


async def person_page(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    holder_id = request.path_params["holder_id"]
    try:
        person = await console_of(request).hub.person(who.principal, holder_id)
    except OperatorOnly:
        return await not_yours(request, who)
    if person is None:
        return await section(request, who, "operations_person.html", PATH, 404, person=None)
    failed = await _refusal_text(request, who)
    return await section(
        request, who, "operations_person.html", PATH, person=person, failed=failed, person_url=person_url(person.id)
    )


async def _refusal_text(request: Request, who: SignedIn) -> str | None:
    """The Vietnamese refusal the last form was answered with (``?loi=``), naming the agency from the hub."""
    code = request.query_params.get("loi")
    if code is None:
        return None
    if code != RegistryRefusal.KIND:
        known = {str(refusal): text for refusal, text in labels.REGISTRY_REFUSAL.items()}
        return known.get(code, labels.GENERIC_REFUSAL)
    agency_code = request.query_params.get("co-quan", "")
    outcome = await console_of(request).hub.execute(request, who.principal, ops.AGENCY, {"code": agency_code})
    agency = (outcome.data or {}).get("agency")
    role = request.query_params.get("vai-tro", "")
    if agency is None or role not in labels.ROLES:
        return labels.GENERIC_REFUSAL
    return labels.kind_refusal(role, agency["kind"], agency["level"], agency["name"])


async def grant(request: Request) -> Response:
    return await _change(request, granting=True)


async def revoke(request: Request) -> Response:
    return await _change(request, granting=False)


async def _change(request: Request, *, granting: bool) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    form = await posted(request, who)
    if not isinstance(form, dict):
        return form
    holder_id = request.path_params["holder_id"]
    here = person_url(holder_id)
    role_code, agency = form.get("vai-tro", ""), form.get("co-quan", "")
    if role_code not in labels.ROLES or not agency:
        return back(here, loi=RegistryRefusal.INVALID.value)
    role, hub = Role(role_code), console_of(request).hub
    try:
        if granting:
            change = await hub.grant_role(request, who.principal, holder_id, role, agency)
        else:
            change = await hub.revoke_role(request, who.principal, holder_id, role, agency)
    except OperatorOnly:
        return await not_yours(request, who)
    return _answer(here, change, role, agency, "cap-quyen" if granting else "thu-hoi")


def _answer(here: str, change: RegistryChange, role: Role, agency: str, done: str) -> Response:
    if change.done:
        return back(here, xong=done)
    return back(here, loi=str(change.refusal), vai_tro=role.value, co_quan=agency)
