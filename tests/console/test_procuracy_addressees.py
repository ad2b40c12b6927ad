"""Viện kiểm sát (issue 22): the prosecutor's form offers only the enforcement agencies the procuracy supervises.

The hub holds who may ask whom (``domain.supervision``) and says it through ``Agency.supervises``; the
console offers exactly those agencies and reimplements nothing. A request forged to another agency is
still refused by the hub (WRONG_ADDRESSEE), shown in Vietnamese, and nothing is written.
Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from domain.access import Role
from domain.supervision import supervises
from domain.types import AgencyKind
from tests.fixtures.hub import Hub
from tests.support.console import form_token, signed_in

ENFORCEMENT = frozenset({AgencyKind.ENFORCEMENT, AgencyKind.PRIVATE_ENFORCEMENT})
AREA_PROCURACY = "procuracy.ha-noi.kv03"
SUPERVISES = "query ($code: ID!) { agency(code: $code) { supervises { code } } }"
SENT = """
query { coordinationRequests(filter: {role: SENT}, first: 200) { edges { node { subject } } } }
"""
SELECT = re.compile(r'<select id="gui-den" name="gui-den"[^>]*>(.*?)</select>', re.DOTALL)
OPTION = re.compile(r'<option value="([^"]+)">')


def _offered(page: str) -> set[str]:
    """The codes the form's 'Gửi đến' list offers."""
    found = SELECT.search(page)
    assert found is not None, "the page has no request form"
    return set(OPTION.findall(found.group(1)))


def _supervised_by_the_map(hub: Hub, procuracy: str) -> set[str]:
    """The enforcement agencies in force of the procuracy's province that ``domain.supervision`` says it supervises."""
    agencies, today = hub.state.agencies, hub.clock.today()
    province = agencies[procuracy].province_code
    return {
        a.code
        for a in agencies.values()
        if a.kind in ENFORCEMENT
        and a.province_code == province
        and a.successor_code is None
        and (a.valid_to is None or a.valid_to >= today)
        and supervises(procuracy, a.code, agencies)
    }


async def _prosecutor(hub: Hub, procuracy: str) -> dict[str, str]:
    return await signed_in(hub, f"console.addressees.{uuid.uuid4().hex[:12]}", procuracy, (Role.PROCURACY,))


@pytest.mark.parametrize("procuracy", [AREA_PROCURACY, "procuracy.ha-noi", "procuracy.ho-chi-minh.kv01"])
async def test_the_prosecutors_form_lists_exactly_the_agencies_the_procuracy_supervises(
    hub: Hub, procuracy: str
) -> None:
    expected = _supervised_by_the_map(hub, procuracy)
    assert expected, f"the map gives {procuracy} no agency: nothing would be checked"
    said = await hub.client(hub.token(procuracy, [Role.PROCURACY]))(SUPERVISES, {"code": procuracy})
    assert said.errors == [], said.body
    assert {a["code"] for a in said.data["agency"]["supervises"]} == expected

    prosecutor = await _prosecutor(hub, procuracy)
    page = await hub.http.get("/vien-kiem-sat", headers=prosecutor)

    assert page.status_code == 200
    assert _offered(page.text) == expected


async def test_on_phoi_hop_the_procuracy_is_offered_no_enforcement_agency_it_does_not_supervise(hub: Hub) -> None:
    prosecutor = await _prosecutor(hub, AREA_PROCURACY)
    page = (await hub.http.get("/phoi-hop", headers=prosecutor)).text

    agencies = hub.state.agencies
    enforcement_offered = {code for code in _offered(page) if agencies[code].kind in ENFORCEMENT}
    assert enforcement_offered == _supervised_by_the_map(hub, AREA_PROCURACY)


@pytest.mark.parametrize(
    "addressee",
    ["enforcement.ha-noi.kv01", "enforcement.ha-noi", "enforcement.ho-chi-minh.kv01"],
    ids=["another-area-of-the-province", "the-provincial-agency", "another-province"],
)
async def test_a_request_forged_to_an_agency_not_supervised_is_refused_in_vietnamese_and_sends_nothing(
    hub: Hub, addressee: str
) -> None:
    assert addressee not in _supervised_by_the_map(hub, AREA_PROCURACY)
    subject = f"Kiến nghị {uuid.uuid4()}"
    prosecutor = await _prosecutor(hub, AREA_PROCURACY)
    page = (await hub.http.get("/vien-kiem-sat", headers=prosecutor)).text
    assert addressee not in _offered(page)
    form = {
        "csrf": form_token(page),
        "loai": "PROCURACY_RECOMMENDATION",
        "gui-den": addressee,
        "trich-yeu": subject,
        "noi-dung": "Kiến nghị khắc phục vi phạm về thời hạn ra quyết định thi hành án chủ động.",
        "han-tra-loi": (hub.clock.today() + timedelta(days=20)).isoformat(),
        "ve": "/vien-kiem-sat",
    }

    refused = await hub.http.post("/phoi-hop/gui", headers=prosecutor, data=form)

    assert refused.status_code == 303
    assert refused.headers["location"] == "/vien-kiem-sat?loi=WRONG_ADDRESSEE#gui"
    shown = (await hub.http.get("/vien-kiem-sat?loi=WRONG_ADDRESSEE", headers=prosecutor)).text
    assert "không gửi được cho cơ quan đã chọn" in shown
    sent = await hub.client(hub.token(AREA_PROCURACY, [Role.PROCURACY]))(SENT)
    assert sent.errors == [], sent.body
    assert subject not in {edge["node"]["subject"] for edge in sent.data["coordinationRequests"]["edges"]}
