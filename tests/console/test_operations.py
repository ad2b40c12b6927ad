"""Vận hành: the operator reads the organisation, the registry, court keys, webhooks, readiness and the audit
chain, grants and revokes roles, and redrives a dead delivery — and nobody else sees any of it.

What each page shows is compared with what the hub reports (GraphQL as the ministry, the registry and the
audit log in the database, /readyz), never with constants. Runs on SQLite and on PostgreSQL (``hub``).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate
from sqlalchemy import select
from starlette.requests import Request

from console.pages import operations_operations
from console.ports import AuditCheck, CheckState, OperatorOnly
from domain.access import Role
from gateway import commands
from gateway.console_operations import AuditChecks
from ledger.grants import Grants
from ledger.keys import CourtKeys
from ledger.models import AuditRow
from tests.fixtures.hub import Hub
from tests.support.console import form_token, signed_in
from tests.support.court_client import CourtSigner
from tests.support.operations import DEACTIVATE, REGISTER, dead_delivery, deliveries, eventually

MINISTRY = "ministry.justice"
OFFICE = "enforcement.can-tho.kv02"
COURT = "court.can-tho.kv02"
PROVINCE = "can-tho"
CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
PAGES = (
    "/van-hanh",
    "/van-hanh/co-quan",
    "/van-hanh/nguoi-dung",
    "/van-hanh/khoa-toa-an",
    "/van-hanh/webhook",
    "/van-hanh/san-sang",
    "/van-hanh/nhat-ky",
)
REFUSAL = "Trang Vận hành chỉ dành cho cán bộ vận hành"
AGENCIES = """
query ($province: String) { agencies(province: $province) { code name active successor { code name } currentSuccessor { code name } } }
"""

_people = itertools.count(1)


def _person(what: str) -> str:
    return f"console.ops.{what}.{next(_people)}"


async def _operator(hub: Hub) -> tuple[str, dict[str, str]]:
    person = _person("operator")
    return person, await signed_in(hub, person, MINISTRY, (Role.OPERATOR,))


async def _grants(hub: Hub, holder: str) -> list[tuple[str, str, bool]]:
    """The holder's grants in the registry: (role, agency, in force now)."""
    now = hub.clock.now()
    async with hub.state.sessions() as session:
        return [(g.role.value, g.agency_code, g.active_at(now)) for g in await Grants(session).grants_of(holder)]


async def _audit(hub: Hub, operation: str, person: str) -> list[AuditRow]:
    async with hub.state.sessions() as session:
        query = select(AuditRow).where(AuditRow.operation == operation, AuditRow.person == person)
        return list((await session.scalars(query)).all())


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_every_document_the_operations_page_runs_is_valid_against_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in operations_operations.ALL:
        assert validate(schema, parse(document)) == [], document


async def test_without_a_session_the_operations_pages_send_to_the_sign_in_page(hub: Hub) -> None:
    for path in PAGES:
        answer = await hub.http.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/"), path
    posted = await hub.http.post("/van-hanh/webhook/gui-lai", data={"csrf": "x", "webhook": "1"})
    assert posted.status_code == 303
    progress = await hub.http.get("/van-hanh/nhat-ky/tien-do")
    assert progress.status_code == 401


async def test_a_clerk_and_the_ministry_are_refused_every_part_and_see_no_data(hub: Hub) -> None:
    secret_url = "https://ops-refusal-probe.example/hook"
    office = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
    registered = await office(REGISTER, {"url": secret_url})
    assert registered.data is not None, registered.errors
    hook = registered.data["registerWebhook"]["webhook"]["id"]
    someone = _person("someone")
    await hub.register_person(someone, OFFICE, (Role.ENFORCEMENT_CLERK,))
    try:
        for agency, role in ((OFFICE, Role.ENFORCEMENT_CLERK), (MINISTRY, Role.MINISTRY)):
            cookie = await signed_in(hub, _person(role.value), agency, (role,))
            home = (await hub.http.get("/", headers=cookie)).text
            assert 'href="/van-hanh"' not in home
            for path in (*PAGES, f"/van-hanh/nguoi-dung/{someone}"):
                answer = await hub.http.get(path, headers=cookie)
                assert answer.status_code == 403, path
                assert REFUSAL in answer.text
                assert secret_url not in answer.text
                assert someone not in answer.text
                assert "ops-refusal-probe" not in answer.text
            token = form_token(home)
            granted = await hub.http.post(
                f"/van-hanh/nguoi-dung/{someone}/cap-quyen",
                data={"csrf": token, "vai-tro": "personnel", "co-quan": OFFICE},
                headers=cookie,
            )
            assert granted.status_code == 403
            started = await hub.http.post("/van-hanh/nhat-ky/kiem-tra", data={"csrf": token}, headers=cookie)
            assert started.status_code == 403
            progress = await hub.http.get("/van-hanh/nhat-ky/tien-do", headers=cookie)
            assert progress.status_code == 403
        assert await _grants(hub, someone) == [("enforcement_clerk", OFFICE, True)]
    finally:
        await office(DEACTIVATE, {"id": hook})


async def _all_pages(hub: Hub, cookie: dict[str, str], url: str) -> str:
    """Every page of a list from ``url``, following 'Trang sau'."""
    pages: list[str] = []
    for _ in range(100):
        answer = await hub.http.get(url, headers=cookie)
        assert answer.status_code == 200, url
        pages.append(answer.text)
        following = re.search(r'<a href="([^"]+)">Trang sau</a>', answer.text)
        if following is None:
            return "\n".join(pages)
        url = html.unescape(following.group(1))
    raise AssertionError("the list never ended")


async def test_the_organisation_part_lists_every_dissolved_agency_with_its_successors(hub: Hub) -> None:
    _, cookie = await _operator(hub)
    ministry = hub.client(hub.token(MINISTRY, [Role.MINISTRY]))
    answer = await ministry(AGENCIES, {"province": PROVINCE})
    assert answer.data is not None, answer.errors
    dissolved = [a for a in answer.data["agencies"] if a["successor"] is not None]
    assert dissolved, "the reference organisation has agencies dissolved in 2025"

    pages = await _all_pages(hub, cookie, f"/van-hanh/co-quan?tinh={PROVINCE}")
    rows = dict(re.findall(r'<tr data-agency="([^"]+)">(.*?)</tr>', pages, re.DOTALL))
    assert len(re.findall(r"<tr data-agency=", pages)) == len(rows)  # each once
    assert sorted(rows) == sorted(a["code"] for a in dissolved)
    for agency in dissolved:
        row = _text(rows[agency["code"]])
        assert agency["name"] in row
        assert f"{agency['successor']['name']} ({agency['successor']['code']})" in row
        current = agency["currentSuccessor"]
        if current["code"] != agency["successor"]["code"]:
            assert f"{current['name']} ({current['code']})" in row

    url = f"/van-hanh/co-quan?tinh-trang=hoat-dong&loai=COURT&tinh={PROVINCE}"
    active = await _all_pages(hub, cookie, url)
    courts = [a for a in answer.data["agencies"] if a["active"] and a["code"].startswith("court.")]
    assert sorted(re.findall(r'<tr data-agency="([^"]+)">', active)) == sorted(a["code"] for a in courts)


async def test_the_operator_grants_and_revokes_a_role_through_the_form_audited_in_their_name(hub: Hub) -> None:
    operator, cookie = await _operator(hub)
    clerk = _person("clerk")
    await hub.register_person(clerk, OFFICE, (Role.ENFORCEMENT_CLERK,))

    listed = (await hub.http.get(f"/van-hanh/nguoi-dung?co-quan={OFFICE}&tim={clerk}", headers=cookie)).text
    [row] = re.findall(rf'<tr data-holder="{re.escape(clerk)}">(.*?)</tr>', listed, re.DOTALL)
    assert f"cán bộ thi hành án dân sự tại {OFFICE}" in _text(row)
    everyone = (await hub.http.get(f"/van-hanh/nguoi-dung?co-quan={OFFICE}", headers=cookie)).text
    async with hub.state.sessions() as session:
        registered = [h.id for h in await Grants(session).holders(OFFICE) if h.kind.value == "person"]
    assert sorted(re.findall(r'<tr data-holder="([^"]+)">', everyone)) == sorted(registered)

    here = f"/van-hanh/nguoi-dung/{clerk}"
    page = (await hub.http.get(here, headers=cookie)).text
    form = {"csrf": form_token(page), "vai-tro": "personnel", "co-quan": OFFICE}
    granted = await hub.http.post(f"{here}/cap-quyen", data=form, headers=cookie)
    assert (granted.status_code, granted.headers["location"]) == (303, f"{here}?xong=cap-quyen")
    assert ("personnel", OFFICE, True) in await _grants(hub, clerk)
    [entry] = await _audit(hub, f"grant:personnel@{OFFICE}", operator)
    assert f"holder:{clerk}" in json.loads(entry.object_ids)
    shown = (await hub.http.get(granted.headers["location"], headers=cookie)).text
    assert "Đã cấp quyền" in shown
    assert len(re.findall(r"<tr data-grant=", shown)) == len([g for g in await _grants(hub, clerk) if g[2]])

    revoked = await hub.http.post(f"{here}/thu-hoi", data=form, headers=cookie)
    assert (revoked.status_code, revoked.headers["location"]) == (303, f"{here}?xong=thu-hoi")
    assert ("personnel", OFFICE, True) not in await _grants(hub, clerk)
    assert ("enforcement_clerk", OFFICE, True) in await _grants(hub, clerk)
    assert len(await _audit(hub, f"revoke:personnel@{OFFICE}", operator)) == 1
    again = (await hub.http.get(revoked.headers["location"], headers=cookie)).text
    assert "Đã thu hồi quyền" in again
    assert "tổ chức cán bộ" not in _text(again.split('id="quyen"', 1)[1].split('id="cap"', 1)[0])


@pytest.mark.parametrize(
    ("role", "agency", "what", "role_words"),
    [
        ("court_clerk", OFFICE, "Cơ quan thi hành án dân sự, cấp khu vực", "thư ký tòa án"),  # the kind
        ("ministry", "enforcement.can-tho", "Cơ quan thi hành án dân sự, cấp tỉnh, thành phố", "Bộ Tư pháp"),  # level
    ],
)
async def test_a_role_the_agency_kind_cannot_hold_is_refused_in_vietnamese_and_changes_nothing(
    hub: Hub, role: str, agency: str, what: str, role_words: str
) -> None:
    operator, cookie = await _operator(hub)
    clerk = _person("clerk")
    await hub.register_person(clerk, OFFICE, (Role.ENFORCEMENT_CLERK,))
    before = await _grants(hub, clerk)
    here = f"/van-hanh/nguoi-dung/{clerk}"
    token = form_token((await hub.http.get(here, headers=cookie)).text)

    answer = await hub.http.post(
        f"{here}/cap-quyen", data={"csrf": token, "vai-tro": role, "co-quan": agency}, headers=cookie
    )
    assert answer.status_code == 303
    shown = (await hub.http.get(answer.headers["location"], headers=cookie)).text
    ministry = hub.client(hub.token(MINISTRY, [Role.MINISTRY]))
    found = (await ministry("query ($c: ID!) { agency(code: $c) { name } }", {"c": agency})).data
    assert found is not None
    refusal = re.search(r'<p class="notice" role="alert">([^<]*)</p>', shown)
    assert refusal is not None
    assert html.unescape(refusal.group(1)) == (
        f"Không cấp được: {found['agency']['name']} ({what}) không thể giữ vai trò “{role_words}”. "
        "Vai trò này chỉ cấp được cho loại và cấp cơ quan được phép giữ nó."
    )
    assert await _grants(hub, clerk) == before
    assert await _audit(hub, f"grant:{role}@{agency}", operator) == []


async def test_a_form_without_the_session_token_is_refused_and_writes_nothing(hub: Hub) -> None:
    operator, cookie = await _operator(hub)
    clerk = _person("clerk")
    await hub.register_person(clerk, OFFICE, (Role.ENFORCEMENT_CLERK,))
    before = await _grants(hub, clerk)
    for token in (None, "not-the-token"):
        form = {"vai-tro": "personnel", "co-quan": OFFICE} | ({"csrf": token} if token else {})
        for action in ("cap-quyen", "thu-hoi"):
            answer = await hub.http.post(f"/van-hanh/nguoi-dung/{clerk}/{action}", data=form, headers=cookie)
            assert answer.status_code == 403
            assert "Biểu mẫu đã hết hạn" in answer.text
        started = await hub.http.post("/van-hanh/nhat-ky/kiem-tra", data=form, headers=cookie)
        assert started.status_code == 403
    assert await _grants(hub, clerk) == before
    assert await _audit(hub, f"grant:personnel@{OFFICE}", operator) == []
    assert await _audit(hub, "verify:auditChain", operator) == []


async def test_the_court_keys_part_lists_the_keys_the_registry_holds(hub: Hub) -> None:
    _, cookie = await _operator(hub)
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, COURT, signer.public_key)
    async with hub.state.sessions() as session:
        held = await CourtKeys(session).for_court(COURT)
    assert held
    page = (await hub.http.get("/van-hanh/khoa-toa-an", headers=cookie)).text
    rows = dict(re.findall(r'<tr data-key="([^"]+)">(.*?)</tr>', page, re.DOTALL))
    now = hub.clock.now()
    for key in held:
        assert key.key_id in rows
        assert COURT in rows[key.key_id]
        assert ("Còn hiệu lực" in rows[key.key_id]) == key.valid_at(now)


async def test_the_readiness_part_shows_what_readyz_reports_with_each_breaker(hub: Hub) -> None:
    _, cookie = await _operator(hub)
    page = (await hub.http.get("/van-hanh/san-sang", headers=cookie)).text
    ready = (await hub.http.get("/readyz")).json()
    assert ("Sẵn sàng: cơ sở dữ liệu trả lời." in page) == ready["ready"]
    rows = dict(re.findall(r'<tr data-system="([^"]+)">(.*?)</tr>', page, re.DOTALL))
    assert sorted(rows) == sorted(ready["agencies"])
    words = {"closed": "Đóng", "half_open": "Nửa mở", "open": "Mở"}
    for system, status in ready["agencies"].items():
        breaker = re.search(r'<td class="breaker">([^<]*)</td>', rows[system])
        assert breaker is not None
        if status["circuit"] is None:
            assert breaker.group(1) == "Không có cầu dao"
        else:
            assert breaker.group(1).startswith(words[status["circuit"]["state"]])
            assert f"/{status['circuit']['failuresToOpen']} lỗi liên tiếp" in breaker.group(1)


async def test_the_operator_redrives_a_dead_delivery_from_the_form(hub: Hub) -> None:
    operator, cookie = await _operator(hub)
    async with dead_delivery(hub, OFFICE, COURT) as dead:
        page = (await hub.http.get("/van-hanh/webhook", headers=cookie)).text
        rows = dict(re.findall(r'<tr data-delivery="([^"]+)">(.*?)</tr>', page, re.DOTALL))
        assert dead.id in rows
        assert dead.url in rows[dead.id]
        assert dead.transfer_id in rows[dead.id]
        assert dead.url in page.split('id="webhook"', 1)[1].split('id="lan-gui"', 1)[0]
        ministry = hub.client(hub.token(MINISTRY, [Role.MINISTRY]))
        hooks = (await ministry("{ webhooks { id url } }")).data
        assert hooks is not None
        shown = dict(re.findall(r'<tr data-webhook="([^"]+)">(.*?)</tr>', page, re.DOTALL))
        assert sorted(shown) == sorted(w["id"] for w in hooks["webhooks"])
        assert all(w["url"] in shown[w["id"]] for w in hooks["webhooks"])

        dead.receiver.down = False
        answer = await hub.http.post(
            "/van-hanh/webhook/gui-lai", data={"csrf": form_token(page), "lan-gui": dead.id}, headers=cookie
        )
        assert (answer.status_code, answer.headers["location"]) == (303, "/van-hanh/webhook?xong=gui-lai")
        assert dead.id not in [d["id"] for d in await deliveries(dead.office, "DEAD", dead.webhook)]
        moved = [d["id"] for s in ("PENDING", "DELIVERED") for d in await deliveries(dead.office, s, dead.webhook)]
        assert dead.id in moved
        [entry] = await _audit(hub, "redriveDeliveries", operator)
        assert dead.id in json.loads(entry.object_ids)

        async def delivered() -> list[dict[str, Any]]:
            return [d for d in await deliveries(dead.office, "DELIVERED", dead.webhook) if d["id"] == dead.id]

        await eventually(delivered, "the redriven delivery delivered")
        after = (await hub.http.get(answer.headers["location"], headers=cookie)).text
        assert "Đã đưa lại vào hàng đợi gửi." in after
        assert f'<tr data-delivery="{dead.id}">' not in after

        again = await hub.http.post(
            "/van-hanh/webhook/gui-lai", data={"csrf": form_token(after), "lan-gui": dead.id}, headers=cookie
        )
        assert again.headers["location"] == "/van-hanh/webhook?loi=NOT_REDRIVABLE"
        assert "không còn ở trạng thái gửi hỏng" in (await hub.http.get(again.headers["location"], headers=cookie)).text


async def test_the_audit_check_runs_to_the_chain_head_the_database_holds(hub: Hub) -> None:
    operator, cookie = await _operator(hub)
    page = (await hub.http.get("/van-hanh/nhat-ky", headers=cookie)).text
    started = await hub.http.post("/van-hanh/nhat-ky/kiem-tra", data={"csrf": form_token(page)}, headers=cookie)
    assert (started.status_code, started.headers["location"]) == (303, "/van-hanh/nhat-ky?xong=kiem-tra")
    assert len(await _audit(hub, "verify:auditChain", operator)) == 1

    async def finished() -> str | None:
        shown = (await hub.http.get("/van-hanh/nhat-ky", headers=cookie)).text
        return shown if "Đã kiểm tra xong" in shown else None

    done = await eventually(finished, "the check finished")
    assert "Chuỗi nhật ký nguyên vẹn" in done
    head = re.search(r"số (\d+), mã băm ([0-9a-f]{64})", done)
    assert head is not None
    async with hub.state.sessions() as session:
        stored = await session.get(AuditRow, int(head.group(1)))
    assert stored is not None
    assert stored.hash == head.group(2)
    assert "data-tien-do" not in done  # nothing left to follow

    stream = await hub.http.get("/van-hanh/nhat-ky/tien-do", headers=cookie)
    assert stream.status_code == 200
    assert "event: xong" in stream.text


async def test_the_use_cases_themselves_refuse_anyone_but_the_operator(hub: Hub) -> None:
    """The port checks the role again, whatever a page checked: a clerk's principal reads and writes nothing."""
    clerk = _person("clerk")
    await hub.register_person(clerk, OFFICE, (Role.ENFORCEMENT_CLERK, Role.PERSONNEL))
    port = hub.app.state.console.hub
    principal = await port.principal_of(clerk)
    assert principal is not None
    assert Role.OPERATOR not in principal.roles
    request = Request({"type": "http", "method": "POST", "path": "/", "headers": [], "state": {}})
    before = await _grants(hub, clerk)
    attempts = (
        port.people(principal, agency_code=OFFICE, kind=None, search=None, limit=10),
        port.person(principal, clerk),
        port.grant_role(request, principal, clerk, Role.PERSONNEL, OFFICE),
        port.revoke_role(request, principal, clerk, Role.ENFORCEMENT_CLERK, OFFICE),
        port.court_keys(principal),
        port.readiness(principal),
        port.start_audit_check(request, principal),
        port.audit_check(principal),
    )
    for attempt in attempts:
        with pytest.raises(OperatorOnly):
            await attempt
    assert await _grants(hub, clerk) == before
    assert await _audit(hub, "verify:auditChain", clerk) == []


class _CheckRunning:
    """The hub's port, except that the audit check reads as running at ``counts`` entries, then done."""

    def __init__(self, port: Any, counts: list[int]) -> None:
        self._port, self._counts = port, counts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    async def audit_check(self, principal: Any) -> AuditCheck:
        await self._port.audit_check(principal)  # the role is still checked by the real use case
        if self._counts:
            return AuditCheck(CheckState.RUNNING, checked=self._counts.pop(0), started_by="someone")
        return AuditCheck(CheckState.DONE, checked=7, intact=True, last_seq=7, last_hash="0" * 64)


async def test_a_running_check_shows_its_count_and_names_the_stream_that_follows_it(hub: Hub) -> None:
    _, cookie = await _operator(hub)
    console = hub.app.state.console
    hub.app.state.console = replace(console, hub=_CheckRunning(console.hub, [1234, 2000, 4000]))
    try:
        page = (await hub.http.get("/van-hanh/nhat-ky", headers=cookie)).text
        assert 'data-tien-do="/van-hanh/nhat-ky/tien-do"' in page
        assert '<span class="checked">1.234</span>' in page
        assert '<script src="/console/static/van-hanh-nhat-ky.js" defer></script>' in page
        assert "Kiểm tra chuỗi nhật ký</button>" not in page  # one check at a time
        stream = await hub.http.get("/van-hanh/nhat-ky/tien-do", headers=cookie)
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = re.findall(r"event: (\S+)\ndata: (.*)\n\n", stream.text)
        assert events == [
            ("tien-do", '{"checked": 2000}'),
            ("tien-do", '{"checked": 4000}'),
            ("xong", '{"state": "DONE"}'),
        ]
    finally:
        hub.app.state.console = console
    script = (Path(__file__).resolve().parents[2] / "console" / "static" / "van-hanh-nhat-ky.js").read_text()
    assert '"tien-do"' in script
    assert '"xong"' in script


async def test_a_check_cut_short_reads_as_failed_and_can_be_started_again(hub: Hub) -> None:
    checks = AuditChecks(hub.state)
    started = checks.start("someone", hub.clock.now())
    assert started.state is CheckState.RUNNING
    assert checks.task is not None
    checks.task.cancel()  # the hub stopping under it
    with pytest.raises(asyncio.CancelledError):
        await checks.task
    assert checks.current().state is CheckState.FAILED
    assert checks.start("someone", hub.clock.now()).state is CheckState.RUNNING
    assert checks.task is not None
    await checks.task
    assert checks.current().state is CheckState.DONE
    assert checks.current().intact is True
