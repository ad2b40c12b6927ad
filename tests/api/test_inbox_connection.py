"""The inbox connection over HTTP: ``pageInfo`` and ``totalCount`` like every other connection.

Paging through the inbox is the reference: ``totalCount`` equals the number of transfers the pages
list, ``pageInfo`` agrees with the edges it comes with, and the deprecated top-level ``hasNextPage`` and
``endCursor`` still answer the same values for one release. Runs on SQLite and PostgreSQL (``hub``).
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv09"
OFFICE = "enforcement.ha-noi.kv09"
STATUSES = ("SUBMITTED", "ACKNOWLEDGED", "RETURNED")

PAGE = """
query ($office: ID!, $status: TransferStatus, $first: Int!, $after: String) {
  inbox(office: $office, status: $status, first: $first, after: $after) {
    edges { cursor node { id status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
    hasNextPage
    endCursor
  }
}
"""
COUNT = "query ($office: ID!, $status: TransferStatus) { inbox(office: $office, status: $status) { totalCount } }"
ACK = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } } }"


async def _submitted(hub: Hub, how_many: int) -> list[str]:
    """``how_many`` judgments the court transfers to the office: their transfer ids."""
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    ids = []
    for _ in range(how_many):
        payload = (await court(SUBMIT, signer.signed_variables(signer.submission()))).data["submitJudgment"]
        assert payload["userErrors"] == []
        ids.append(payload["transfer"]["id"])
    return ids


def _office(hub: Hub) -> Any:
    return hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))


async def _count(hub: Hub, status: str | None = None) -> int:
    answer = await _office(hub)(COUNT, {"office": OFFICE, "status": status})
    assert answer.errors == [], answer.errors
    count: int = answer.data["inbox"]["totalCount"]
    return count


async def _walk(hub: Hub, status: str | None, first: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page of the inbox ``first`` at a time: (the pages' answers, every transfer listed)."""
    pages: list[dict[str, Any]] = []
    nodes: list[dict[str, Any]] = []
    after = None
    for _ in range(1000):
        answer = await _office(hub)(PAGE, {"office": OFFICE, "status": status, "first": first, "after": after})
        assert answer.errors == [], answer.errors
        inbox = answer.data["inbox"]
        pages.append({**inbox, "after": after})
        nodes += [edge["node"] for edge in inbox["edges"]]
        if not inbox["pageInfo"]["hasNextPage"]:
            return pages, nodes
        after = inbox["pageInfo"]["endCursor"]
    raise AssertionError("the inbox never ended")


async def test_total_count_is_the_number_of_transfers_paging_through_the_inbox_lists(hub: Hub) -> None:
    ids = await _submitted(hub, 5)
    assert (await _office(hub)(ACK, {"id": ids[0]})).data["acknowledgeTransfer"]["userErrors"] == []

    for status in (None, *STATUSES):
        pages, nodes = await _walk(hub, status, first=2)
        assert len({node["id"] for node in nodes}) == len(nodes)
        assert {page["totalCount"] for page in pages} == {len(nodes)}, status
        if status is not None:
            assert {node["status"] for node in nodes} <= {status}
    _, everything = await _walk(hub, None, first=2)
    assert set(ids) <= {node["id"] for node in everything}
    assert sum([await _count(hub, status) for status in STATUSES]) == len(everything)


async def test_total_count_grows_with_each_transfer_and_follows_the_status(hub: Hub) -> None:
    before = {status: await _count(hub, status) for status in (None, *STATUSES)}
    ids = await _submitted(hub, 3)
    assert (await _office(hub)(ACK, {"id": ids[0]})).data["acknowledgeTransfer"]["userErrors"] == []

    after = {status: await _count(hub, status) for status in (None, *STATUSES)}
    assert after[None] == before[None] + 3
    assert after["SUBMITTED"] == before["SUBMITTED"] + 2
    assert after["ACKNOWLEDGED"] == before["ACKNOWLEDGED"] + 1
    assert after["RETURNED"] == before["RETURNED"]


async def test_page_info_agrees_with_the_edges_and_the_deprecated_fields_answer_the_same(hub: Hub) -> None:
    await _submitted(hub, 3)
    pages, _ = await _walk(hub, None, first=2)
    assert len(pages) >= 2
    for index, page in enumerate(pages):
        info, edges = page["pageInfo"], page["edges"]
        assert info["hasNextPage"] is (index < len(pages) - 1)
        assert info["hasPreviousPage"] is (page["after"] is not None)
        assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
        assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
        assert page["hasNextPage"] is info["hasNextPage"]
        assert page["endCursor"] == info["endCursor"]


async def test_the_old_top_level_fields_are_deprecated_in_the_contract(hub: Hub) -> None:
    introspection = """{ __type(name: "TransferConnection") {
      fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }"""
    answer = await _office(hub)(introspection)
    fields = {f["name"]: f for f in answer.data["__type"]["fields"]}
    assert fields["hasNextPage"]["isDeprecated"]
    assert "pageInfo" in fields["hasNextPage"]["deprecationReason"]
    assert fields["endCursor"]["isDeprecated"]
    assert "pageInfo" in fields["endCursor"]["deprecationReason"]
    assert not fields["pageInfo"]["isDeprecated"]
    assert not fields["totalCount"]["isDeprecated"]
