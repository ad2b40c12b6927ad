"""The live inbox's stream (``/hop-thu/su-kien``): who may follow it, what it sends, and where it resumes.

The stream is read over a real socket (``hub.sockets``: httpx's ASGI transport waits for a response's
end, and this one ends only after minutes). Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from graphql import build_schema, parse, validate

from console.pages import inbox_live
from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.console import signed_in
from tests.support.court_client import SUBMIT, CourtSigner

COURT = "court.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
WAIT_S = 30  # a bound for a slow machine, not a measure

_people = itertools.count(1)


async def _cookie(hub: Hub, agency: str, role: Role) -> dict[str, str]:
    """A cookie header for a new person of ``agency`` holding ``role``."""
    return await signed_in(hub, f"console.live.{role.value}.{next(_people)}", agency, (role,))


async def _submitted(hub: Hub) -> str:
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    answer = await court(SUBMIT, signer.signed_variables(signer.submission()))
    assert answer.data is not None, answer.errors
    transfer_id: str = answer.data["submitJudgment"]["transfer"]["id"]
    return transfer_id


@asynccontextmanager
async def _stream(hub: Hub, headers: dict[str, str], query: str = "") -> AsyncIterator[aiohttp.ClientResponse]:
    http, base = await hub.sockets.endpoint()
    timeout = aiohttp.ClientTimeout(total=WAIT_S)
    async with http.get(f"{base}{inbox_live.PATH}{query}", headers=headers, timeout=timeout) as answer:
        yield answer


async def _next_arrival(answer: aiohttp.ClientResponse) -> dict[str, str]:
    """The next ``den`` event: its id (the cursor) and its data."""
    fields: dict[str, str] = {}
    async for raw in answer.content:
        line = raw.decode("utf-8").rstrip("\n")
        if line == "":
            if fields.get("event") == "den":
                return fields
            fields = {}
        elif not line.startswith(":") and ":" in line:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
    raise AssertionError("the stream ended before an arrival")


async def _head(hub: Hub, cookie: dict[str, str]) -> str:
    page = await hub.http.get("/hop-thu", headers=cookie)
    found = re.search(r'data-su-kien="/hop-thu/su-kien\?sau=(\d+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def test_the_streams_documents_are_valid_against_the_published_schema() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in inbox_live.DOCUMENTS:
        assert validate(schema, parse(document)) == []


async def test_without_a_session_the_stream_is_refused(hub: Hub) -> None:
    answer = await hub.http.get(inbox_live.PATH)
    assert answer.status_code == 401
    assert "text/event-stream" not in answer.headers["content-type"]  # an EventSource gives up, no retrying


async def test_a_court_clerk_may_not_follow_an_office_inbox(hub: Hub) -> None:
    answer = await hub.http.get(inbox_live.PATH, headers=await _cookie(hub, COURT, Role.COURT_CLERK))
    assert answer.status_code == 403


async def test_the_inbox_page_names_its_stream_and_script_under_a_policy_of_the_hubs_files(hub: Hub) -> None:
    cookie = await _cookie(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    page = await hub.http.get("/hop-thu", headers=cookie)
    assert '<script src="/console/static/hop-thu-truc-tiep.js" defer></script>' in page.text
    policy = dict(d.strip().split(" ", 1) for d in page.headers["content-security-policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["form-action"] == "'self'"
    script = await hub.http.get("/console/static/hop-thu-truc-tiep.js")
    assert script.status_code == 200


async def test_an_arrival_after_the_page_is_sent_with_its_row(hub: Hub) -> None:
    cookie = await _cookie(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    head = await _head(hub, cookie)
    async with _stream(hub, cookie, f"?sau={head}") as answer:
        assert answer.status == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        transfer_id = await _submitted(hub)
        arrival = await _next_arrival(answer)
    data = json.loads(arrival["data"])
    assert data["id"] == transfer_id
    assert data["row"].startswith(f'<tr data-transfer="{transfer_id}">')
    assert int(arrival["id"]) > int(head)


async def test_a_reconnect_with_the_last_event_id_resumes_after_it_without_repeating(hub: Hub) -> None:
    cookie = await _cookie(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    head = await _head(hub, cookie)
    first = await _submitted(hub)
    second = await _submitted(hub)
    async with _stream(hub, cookie, f"?sau={head}") as answer:
        seen = await _next_arrival(answer)
    assert json.loads(seen["data"])["id"] == first
    # the browser reconnects on its own with the last id it saw; it wins over the page's `sau`
    async with _stream(hub, {**cookie, "Last-Event-ID": seen["id"]}, f"?sau={head}") as answer:
        resumed = await _next_arrival(answer)
    assert json.loads(resumed["data"])["id"] == second


async def test_a_cursor_the_hub_never_gave_ends_the_stream_with_dung_so_the_script_stops(hub: Hub) -> None:
    cookie = await _cookie(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    async with _stream(hub, cookie, "?sau=99999999999999999999") as answer:  # past the largest cursor
        assert answer.status == 200
        text = (await answer.read()).decode("utf-8")  # the stream ends by itself
    assert "event: dung\n" in text
    assert "event: den" not in text
