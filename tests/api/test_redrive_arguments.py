"""``redriveDeliveries(ids:)`` takes delivery ids of ASCII digits; anything else is INVALID_ARGUMENT, not a fault.

Found while fuzzing mutations (tests/api/test_mutation_fuzz.py, whose ids now include it): for ``"²"``
``str.isdigit`` holds and ``int`` refuses it, and the ValueError was an INTERNAL_SERVER_ERROR with a
traceback in the log.
"""

from __future__ import annotations

import logging

import pytest

from domain.access import Role

pytestmark = pytest.mark.e2e

REDRIVE = "mutation ($ids: [ID!]) { redriveDeliveries(ids: $ids) { redriven userErrors { field code } } }"


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("²", id="superscript-two"),
        pytest.param("١٢٣", id="arabic-indic-digits"),
        pytest.param("１２", id="full-width-digits"),
        pytest.param("-1", id="negative"),
        pytest.param("1" * 19, id="19-digits"),
        pytest.param("", id="empty"),
    ],
)
async def test_ids_that_are_not_ascii_digits_are_invalid_argument(hub, caplog, bad):
    office = hub.client(hub.token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK]))
    with caplog.at_level(logging.ERROR):
        answer = await office(REDRIVE, {"ids": ["1", bad]})
    assert answer.errors == [], answer.body
    assert answer.data == {
        "redriveDeliveries": {"redriven": [], "userErrors": [{"field": "ids", "code": "INVALID_ARGUMENT"}]}
    }
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
