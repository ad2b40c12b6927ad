"""Text with the NUL character (U+0000): PostgreSQL cannot store it, so it is the client's mistake, said as such.

It failed deep inside queries and mutations with INTERNAL_SERVER_ERROR (a filter, ``transfer(id)``,
``judgment(id)``, ``acknowledgeTransfer``, a party's name); now every such request is refused before
anything runs, with ``BAD_USER_INPUT``, on both databases, and nothing is written.
"""

from __future__ import annotations

import pytest

from domain.access import Role

pytestmark = pytest.mark.e2e

REFUSED = {"code": "BAD_USER_INPUT"}
MESSAGE = "Text may not contain the NUL character (U+0000)."


def _ministry(hub):
    return hub.client(hub.token("ministry.justice", [Role.MINISTRY]))


def _office(hub):
    return hub.client(hub.token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK]))


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        pytest.param('{ judgment(id: "court.ha-noi.kv01:1\\u0000/2026/DS-ST") { id } }', {}, id="judgment-inline"),
        pytest.param("query ($id: ID!) { transfer(id: $id) { id } }", {"id": "t\x00"}, id="transfer-variable"),
        pytest.param(
            "query ($p: String) { judgments(first: 1, filter: {party: $p}) { totalCount } }",
            {"p": "Nguyễn\x00"},
            id="filter-variable",
        ),
        pytest.param('{ judgments(first: 1, filter: {party: "a\\u0000"}) { totalCount } }', {}, id="filter-inline"),
    ],
)
async def test_a_read_with_nul_is_bad_user_input(hub, document, variables):
    answer = await _ministry(hub)(document, variables)
    assert [(e["message"], e["extensions"]) for e in answer.errors] == [(MESSAGE, REFUSED)], answer.body
    assert "data" not in answer.body


async def test_a_mutation_with_nul_is_refused_and_writes_nothing(hub):
    before = await hub.audit_chain()
    answer = await _office(hub)(
        "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } } }", {"id": "x\x00"}
    )
    assert [(e["message"], e["extensions"]) for e in answer.errors] == [(MESSAGE, REFUSED)]
    after = await hub.audit_chain()
    assert after.last_seq == before.last_seq


async def test_text_without_nul_and_escapes_of_other_characters_still_pass(hub):
    answer = await _ministry(hub)('{ judgments(first: 1, filter: {party: "Nguy\\u1ec5n"}) { totalCount } }')
    assert answer.errors == []
