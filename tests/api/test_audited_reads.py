"""Reads of personal data at the same time over HTTP: each answer waits for its own audit entry, the
requests share write transactions (ledger/audit_writer.py), and an entry the database refuses withholds
only its own request's answer (AUDIT_UNAVAILABLE), not the answers whose entries could be written.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import pytest
from sqlalchemy import select, text

from domain.access import Role
from ledger.db import create_engine, session_factory
from ledger.models import AuditRow
from tests.fixtures.hub import Hub
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.e2e

OFFICE = "enforcement.ha-noi.kv01"
PARTIES = "query ($id: ID!) { judgment(id: $id) { id parties { name } } }"
REFUSED = "Người Bị Từ Chối"  # the database refuses audit entries naming this reader (see refusing_entries_of)


async def _judgment_with_parties(ministry_gql: GraphQLClient) -> str:
    answer = await ministry_gql(
        "query ($f: JudgmentFilter) { judgments(first: 20, filter: $f) { edges { node { id parties { name } } } } }",
        {"f": {"enforcementAgency": OFFICE}},
    )
    for edge in answer.data["judgments"]["edges"] if answer.data else []:
        if edge["node"]["parties"]:
            return str(edge["node"]["id"])
    raise AssertionError(f"no judgment with parties for {OFFICE} in the seeded world: {answer.body}")


async def _reader(hub: Hub, person: str) -> GraphQLClient:
    return hub.client(await hub.person_token(OFFICE, [Role.ENFORCEMENT_CLERK], person))


async def _reads_recorded(hub: Hub, persons: list[str]) -> dict[str, list[list[str]]]:
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(
                select(AuditRow.person, AuditRow.object_ids).where(
                    AuditRow.operation == "read:judgment.parties", AuditRow.person.in_(persons)
                )
            )
            found: dict[str, list[list[str]]] = {person: [] for person in persons}
            for person, objects in rows:
                found[str(person)].append(orjson.loads(objects))
            return found
    finally:
        await engine.dispose()


@asynccontextmanager
async def refusing_entries_of(hub: Hub, person: str) -> AsyncIterator[None]:
    """A trigger that makes the database refuse audit entries naming ``person``, dropped afterwards."""
    engine = create_engine(hub.settings.database_url)
    postgresql = engine.dialect.name == "postgresql"
    try:
        async with engine.begin() as conn:
            if postgresql:
                await conn.execute(
                    text(
                        "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
                        "$$ BEGIN RAISE EXCEPTION 'audit entry refused for the test'; END $$"
                    )
                )
                await conn.execute(
                    text(
                        "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW "
                        f"WHEN (NEW.person = '{person}') EXECUTE FUNCTION test_refuse_audit()"
                    )
                )
            else:
                await conn.execute(
                    text(
                        f"CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log WHEN NEW.person = '{person}' "
                        "BEGIN SELECT RAISE(ABORT, 'audit entry refused for the test'); END"
                    )
                )
        yield
    finally:
        async with engine.begin() as conn:
            if postgresql:
                await conn.execute(text("DROP TRIGGER IF EXISTS test_refuse_audit ON audit_log"))
                await conn.execute(text("DROP FUNCTION IF EXISTS test_refuse_audit()"))
            else:
                await conn.execute(text("DROP TRIGGER IF EXISTS test_refuse_audit"))
        await engine.dispose()


async def test_sixteen_readers_at_once_are_each_recorded_in_a_chain_that_verifies(
    hub: Hub, ministry_gql: GraphQLClient
) -> None:
    judgment_id = await _judgment_with_parties(ministry_gql)
    persons = [f"Người Đọc Đồng Thời {i}" for i in range(16)]
    answers = await asyncio.gather(
        *(reader(PARTIES, {"id": judgment_id}) for reader in [await _reader(hub, p) for p in persons])
    )
    for answer in answers:
        assert answer.errors == [], answer.body
        assert answer.data is not None, answer.body
        assert answer.data["judgment"]["parties"]
    assert await _reads_recorded(hub, persons) == {p: [[judgment_id]] for p in persons}
    report = await hub.audit_chain()
    assert report.ok, report.reason


async def test_an_entry_the_database_refuses_withholds_only_that_answer(hub: Hub, ministry_gql: GraphQLClient) -> None:
    judgment_id = await _judgment_with_parties(ministry_gql)
    persons = [f"Người Đọc Cùng Lúc {i}" for i in range(7)]
    async with refusing_entries_of(hub, REFUSED):
        refused, *answers = await asyncio.gather(
            *(reader(PARTIES, {"id": judgment_id}) for reader in [await _reader(hub, p) for p in [REFUSED, *persons]])
        )
    assert refused.data is None
    assert refused.codes() == {"AUDIT_UNAVAILABLE"}
    for answer in answers:
        assert answer.errors == [], answer.body
        assert answer.data is not None, answer.body
        assert answer.data["judgment"]["parties"]
    assert await _reads_recorded(hub, [REFUSED, *persons]) == {REFUSED: []} | {p: [[judgment_id]] for p in persons}
    report = await hub.audit_chain()
    assert report.ok, report.reason
