"""Text with the NUL character (U+0000): PostgreSQL cannot store it, so it is the client's mistake, said as such.

It failed deep inside queries and mutations with INTERNAL_SERVER_ERROR (a filter, ``transfer(id)``,
``judgment(id)``, ``acknowledgeTransfer``, a party's name); now every such request is refused before
anything runs, naming the argument — ``BAD_USER_INPUT`` in a read, the mutation's ``userErrors``
(``INVALID``) in a mutation — on both databases, and nothing is written (schema/input_boundary.py;
the other control characters: tests/api/test_text_input.py).
"""

from __future__ import annotations

import pytest

from domain.access import Role

pytestmark = pytest.mark.e2e


def _refused(field: str) -> tuple[str, dict[str, str]]:
    return (
        f"{field}: text may not contain the control character U+0000 (only tab and line breaks)",
        {"code": "BAD_USER_INPUT", "field": field},
    )


def _ministry(hub):
    return hub.client(hub.token("ministry.justice", [Role.MINISTRY]))


def _office(hub):
    return hub.client(hub.token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK]))


@pytest.mark.parametrize(
    ("document", "variables", "field"),
    [
        pytest.param(
            '{ judgment(id: "court.ha-noi.kv01:1\\u0000/2026/DS-ST") { id } }', {}, "id", id="judgment-inline"
        ),
        pytest.param("query ($id: ID!) { transfer(id: $id) { id } }", {"id": "t\x00"}, "id", id="transfer-variable"),
        pytest.param(
            "query ($p: String) { judgments(first: 1, filter: {party: $p}) { totalCount } }",
            {"p": "Nguyễn\x00"},
            "filter.party",
            id="filter-variable",
        ),
        pytest.param(
            '{ judgments(first: 1, filter: {party: "a\\u0000"}) { totalCount } }',
            {},
            "filter.party",
            id="filter-inline",
        ),
    ],
)
async def test_a_read_with_nul_is_bad_user_input(hub, document, variables, field):
    answer = await _ministry(hub)(document, variables)
    assert [(e["message"], e["extensions"]) for e in answer.errors] == [_refused(field)], answer.body
    assert "data" not in answer.body


async def test_a_mutation_with_nul_is_refused_and_writes_nothing(hub):
    before = await hub.audit_chain()
    answer = await _office(hub)(
        "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { field code message } } }", {"id": "x\x00"}
    )
    assert answer.errors == [], answer.body
    message, _ = _refused("id")
    assert answer.data["acknowledgeTransfer"]["userErrors"] == [{"field": "id", "code": "INVALID", "message": message}]
    after = await hub.audit_chain()
    assert after.last_seq == before.last_seq


async def test_text_without_nul_and_escapes_of_other_characters_still_pass(hub):
    answer = await _ministry(hub)('{ judgments(first: 1, filter: {party: "Nguy\\u1ec5n"}) { totalCount } }')
    assert answer.errors == []
