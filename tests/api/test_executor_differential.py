"""The hub's executor answers exactly as graphql-core's own, over the real schema, for every role (issue 17).

The hub runs its operations through its own execution context (``schema/execution.py``: short ways for
plain fields, resolvers called directly); the reference is the same schema executed by graphql-core's
standard execution context through Strawberry's resolvers (``build_schema(reference=True)``). Random
valid queries, drawn by hypothesis-graphql from the hub's SDL for every root query field with the hub's
scalars (``tests/support/scalar_strategies.py``: codes of real agencies, ids of records that exist), are
sent over HTTP to the same running hub — once through the reference, once through the hub's executor,
once more through the reference — and the two executors must give the same ``data`` and the same
``errors`` (messages, paths, locations, codes): nulls propagating through non-null fields, errors in
lists, abstract types, ``@skip``/``@include``, aliases, fragments and variables included, wherever the
random queries reach. When the reference's two answers differ (a read that records something, a moment
that moved on), that query is left out: only the executor is under test.

The queries are drawn from fixed seeds, so every run sends the same ones; ``LIENTHONG_DIFF_EXAMPLES``
(default 2) queries per root field and role. A longer run, recorded once in bench/README.md::

    LIENTHONG_DIFF_EXAMPLES=88 .venv/bin/pytest tests/api/test_executor_differential.py -k random -p no:randomly --timeout 2400
"""

from __future__ import annotations

import os
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import graphql
import pytest
import pytest_asyncio
from hypothesis import strategies as st
from hypothesis_graphql import queries
from prometheus_client.parser import text_string_to_metric_families

from domain.access import Role
from gateway.app import hub_schema
from gateway.settings import HttpLimits
from resolvers.build import schema_sdl
from tests.api.test_mutation_fuzz import AGENCIES, ROLES
from tests.fixtures.hub import Hub, hub_for
from tests.support.examples import generated
from tests.support.graphql_client import Answer
from tests.support.scalar_strategies import scalar_strategies

pytestmark = pytest.mark.e2e

EXAMPLES_PER_FIELD = int(os.environ.get("LIENTHONG_DIFF_EXAMPLES", "2"))
DRAWN_PER_KEPT = 5  # drawn per query kept: the richest selections are kept (drawing costs no request)
VOLATILE_EXTENSIONS = ("requestId",)  # one per request by design


SCHEMA = graphql.build_schema(schema_sdl())
assert SCHEMA.query_type is not None
ROOT_FIELDS = tuple(sorted(SCHEMA.query_type.fields))


def _documents(seed: int) -> list[tuple[str, str]]:
    """(root field, document) pairs: ``EXAMPLES_PER_FIELD`` valid queries of each root query field.

    Hypothesis starts from the smallest examples (one leaf, empty arguments); of ``DRAWN_PER_KEPT`` times as
    many drawn, the largest selections are kept, so that a few requests reach nested objects and lists.
    """
    schema, names = SCHEMA, ROOT_FIELDS
    scalars = scalar_strategies(AGENCIES, mistakes=False)
    strategies = [queries(schema, fields=[name], custom_scalars=scalars, allow_x00=False) for name in names]
    drawn = generated(st.tuples(*strategies), EXAMPLES_PER_FIELD * DRAWN_PER_KEPT, seed)
    return [
        (name, document)
        for i, name in enumerate(names)
        for document in sorted({d[i] for d in drawn if _sendable(d[i])}, key=lambda d: (-d.count("{"), d))[
            :EXAMPLES_PER_FIELD
        ]
    ]


def _sendable(document: str) -> bool:
    """Whether a client can send ``document`` as UTF-8 (a drawn string may hold a lone surrogate, which cannot be)."""
    try:
        document.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _comparable(answer: Answer) -> Any:
    """The answer as both executors must give it: its body, without what is new on every request."""
    body = answer.body
    if isinstance(body, dict):
        errors = [
            {**e, "extensions": {k: v for k, v in (e.get("extensions") or {}).items() if k not in VOLATILE_EXTENSIONS}}
            for e in body.get("errors") or []
        ]
        return {**body, "errors": errors}
    return body


@contextmanager
def executed_by(hub: Hub, schema: Any) -> Iterator[None]:
    """The running hub's GraphQL view executes with ``schema`` inside the block (one request at a time here)."""
    view = hub.app.state.graphql
    own = view.schema
    view.schema = schema
    try:
        yield
    finally:
        view.schema = own


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])  # the executor is the same on both
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    """A hub of this module's own without rate limits: three requests a query, hundreds in a row, per role."""
    async with hub_for(request, "differential-hub", http_limits=HttpLimits(rate_per_s=0)) as built:
        yield built


@pytest.mark.parametrize(("agency", "role"), ROLES)
async def test_random_queries_answer_as_graphql_core_does_for_every_role(hub: Hub, agency: str, role: Role) -> None:
    reference = hub_schema(hub.settings, reference=True)
    client = hub.client(hub.token(agency, [role]))
    differences: list[str] = []
    compared: set[str] = set()
    executed = 0
    documents = _documents(seed=zlib.crc32(role.value.encode()))
    compared_count = 0
    for field, document in documents:
        with executed_by(hub, reference):
            before = _comparable(await client(document))
        ours = _comparable(await client(document))
        with executed_by(hub, reference):
            after = _comparable(await client(document))
        if before != after:
            continue  # the reference itself moved on: not a question about the executor
        compared.add(field)
        compared_count += 1
        if isinstance(ours, dict) and ours.get("data") is not None:
            executed += 1
        if ours != before:
            differences.append(f"--- {field}\n{document}\nreference: {before}\nhub:       {ours}")
    print(
        f"\n{role.value}: {len(documents)} queries, {compared_count} compared, {executed} executed, {len(differences)} differ"
    )
    assert not differences, f"{len(differences)} answers differ:\n" + "\n".join(differences[:5])
    assert executed, "no random query was executed (all refused before running): the comparison tested nothing"
    assert len(compared) >= len(ROOT_FIELDS) // 2, f"most root fields were never compared: only {sorted(compared)}"


async def _metric(hub: Hub, name: str, labels: dict[str, str]) -> float:
    text = (await hub.http.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def test_metrics_count_operations_run_by_plans_and_by_graphql_core(hub: Hub) -> None:
    """/metrics says how operations ran: queries by their plans (one plan per @include value), mutations not."""
    planned = {"way": "plan"}
    mutations = {"way": "graphql-core", "reason": "mutation"}
    before = {
        "planned": await _metric(hub, "lienthong_graphql_operations_total", planned),
        "mutations": await _metric(hub, "lienthong_graphql_operations_total", mutations),
        "compiled": await _metric(hub, "lienthong_graphql_plans_compiled_total", {}),
    }
    client = hub.client(hub.token("ministry.justice", [Role.MINISTRY]))
    query = 'query ($more: Boolean!) { agencies(kind: COURT, province: "79") { code name @include(if: $more) } }'
    for more in (True, True, False):
        answer = await client(query, {"more": more})
        assert not answer.errors, answer.body
    refused = await client("mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } } }", {"id": "x"})
    assert [e["extensions"]["code"] for e in refused.errors] == ["FORBIDDEN"]  # executed: the field's guard refused
    assert await _metric(hub, "lienthong_graphql_operations_total", planned) == before["planned"] + 3
    assert await _metric(hub, "lienthong_graphql_plans_compiled_total", {}) == before["compiled"] + 2
    assert await _metric(hub, "lienthong_graphql_operations_total", mutations) == before["mutations"] + 1
