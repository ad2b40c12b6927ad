"""Random mutations, for every mutation and every role that may hold a token: never an internal error (issue 14).

hypothesis-graphql draws mutations from the hub's own SDL (``resolvers.build.schema_sdl``), with the
hub's scalars drawn by ``tests/support/scalar_strategies.py`` (valid values and plausible mistakes, ids
of records that exist and of none). Each mutation goes over HTTP to a hub of this module's own (its
writes do not reach the session's hub), with a token of the role on an agency of a kind that may hold
it. Whatever the mutation, the answer is data, a typed error (``BAD_USER_INPUT``, ``FORBIDDEN``,
``NOT_FOUND``…) or a userError: never a 500 or ``INTERNAL_SERVER_ERROR``, and nothing is logged at
ERROR with a traceback.

The examples are drawn from a fixed seed per role, so every run (and CI) sends the same ones: for each
role and each mutation, ``LIENTHONG_FUZZ_EXAMPLES`` (default 3) documents of valid values, which reach
the use cases and the database, and as many with mistakes among the values. Every mutation must run
(not only be refused as a document) at least once per role, or the fuzz tested nothing.

A random ``submitJudgment`` never carries a signature that verifies, so it never reaches the routing
and the ledger; ``test_signed_submissions_…`` signs submissions drawn at the edges of the rules
(``tests/support/submission_strategies.py``) with the court's registered key, and each must be written.
A longer local search::

    LIENTHONG_FUZZ_EXAMPLES=30 .venv/bin/pytest tests/api/test_mutation_fuzz.py
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import timedelta

import graphql
import pytest
import pytest_asyncio
from hypothesis import strategies as st
from hypothesis_graphql import mutations

from domain.access import Role
from domain.clock import Clock
from domain.deadlines import local_day
from gateway import commands
from resolvers.build import schema_sdl
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for
from tests.support.court_client import SUBMIT, CourtSigner
from tests.support.examples import generated
from tests.support.graphql_client import Answer
from tests.support.scalar_strategies import scalar_strategies
from tests.support.submission_strategies import renumbered, submissions

pytestmark = pytest.mark.e2e

EXAMPLES_PER_MUTATION = int(os.environ.get("LIENTHONG_FUZZ_EXAMPLES", "3"))
COURT = "court.ha-noi.kv01"
OFFICE = "enforcement.ha-noi.kv01"
POLICE = "police.ha-noi"
# Each role on an agency of a kind that may hold it (domain/role_holders.py).
ROLES = [
    pytest.param(COURT, Role.COURT_CLERK, id="court_clerk"),
    pytest.param(OFFICE, Role.ENFORCEMENT_CLERK, id="enforcement_clerk"),
    pytest.param("procuracy.ha-noi.kv01", Role.PROCURACY, id="procuracy"),
    pytest.param(POLICE, Role.POLICE, id="police"),
    pytest.param("committee.ha-noi", Role.COMMITTEE, id="committee"),
    pytest.param("ministry.justice", Role.MINISTRY, id="ministry"),
    pytest.param("ministry.justice", Role.OPERATOR, id="operator"),
]
AGENCIES = [
    COURT,
    OFFICE,
    POLICE,
    "court.ha-noi.kv02",
    "enforcement.ha-noi",
    "enforcement.national",
    "procuracy.ha-noi.kv01",
    "committee.ha-noi",
    "ministry.justice",
    "court.hai-phong.kv01",
]
OPEN = """
mutation ($input: OpenCoordinationRequestInput!) {
  openCoordinationRequest(input: $input) { userErrors { field code } request { id } }
}
"""


@dataclass(frozen=True)
class Fuzzed:
    """The module's hub, the ids of the records made on it before the fuzz, and COURT's registered key."""

    hub: Hub
    known_ids: tuple[str, ...]
    signer: CourtSigner


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def fuzzed(request: pytest.FixtureRequest) -> AsyncIterator[Fuzzed]:
    """A hub of this module's own, with two transfers to OFFICE and a request to POLICE for the ids to name."""
    async with hub_for(request, "fuzz-hub") as hub:
        signer = CourtSigner.new(COURT)
        await commands.keys_add(hub.settings, signer.court, signer.public_key)
        yield Fuzzed(hub, (*AGENCIES, *await _records(hub, signer)), signer)


async def _records(hub: Hub, signer: CourtSigner) -> list[str]:
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    ids: list[str] = []
    for _ in range(2):
        submission = signer.submission()
        answer = await court(SUBMIT, signer.signed_variables(submission))
        transfer = _ok(answer, "submitJudgment")["transfer"]
        ids += [transfer["id"], str(submission.key)]
    office = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
    support = {
        "kind": "ENFORCEMENT_SUPPORT",
        "to": POLICE,
        "subject": "Đề nghị hỗ trợ cưỡng chế",
        "body": "Đề nghị bố trí lực lượng bảo vệ cưỡng chế.",
        "judgment": ids[1],
        "plannedOn": (Clock().today() + timedelta(days=30)).isoformat(),  # room for the reply and the police's plan
        "place": "Số 3 Láng Hạ, Hà Nội",
    }
    ids.append(_ok(await office(OPEN, {"input": support}), "openCoordinationRequest")["request"]["id"])
    return ids


def _ok(answer: Answer, field: str) -> dict[str, object]:
    assert answer.errors == [], answer.body
    payload: dict[str, object] = answer.data[field]  # type: ignore[index]
    assert payload["userErrors"] == [], payload
    return payload


def draw(known_ids: Iterable[str], seed: int) -> list[Drawn]:
    """For each mutation of the schema, ``EXAMPLES_PER_MUTATION`` documents of valid values and as many with
    mistakes among them; the same for the same seed."""
    schema = graphql.build_schema(schema_sdl())
    assert schema.mutation_type is not None
    names = list(schema.mutation_type.fields)
    modes = [False, True]  # valid values only; mistakes among them
    strategies = [
        mutations(schema, fields=[name], custom_scalars=scalar_strategies(known_ids, mistakes=mistakes))
        for mistakes in modes
        for name in names
    ]
    labels = [(name, mistakes) for mistakes in modes for name in names]
    return [
        Drawn(name, mistakes, document)
        for documents in generated(st.tuples(*strategies), EXAMPLES_PER_MUTATION, seed)
        for (name, mistakes), document in zip(labels, documents, strict=True)
    ]


@dataclass(frozen=True)
class Drawn:
    mutation: str
    mistakes: bool
    document: str


@dataclass(frozen=True)
class Failure:
    drawn: Drawn
    status: int
    errors: list[str]

    def __str__(self) -> str:
        document = self.drawn.document
        shown = document if len(document) <= 3000 else f"{document[:3000]}… ({len(document)} characters)"
        return f"--- {self.drawn.mutation}: HTTP {self.status}: {'; '.join(self.errors)}\n{shown}"


def _failure(drawn: Drawn, answer: Answer, logged: list[logging.LogRecord]) -> Failure | None:
    if not isinstance(answer.body, dict):
        return Failure(drawn, answer.status, [f"not a GraphQL answer: {answer.body!r}"])
    internal = [
        e.get("message", "")
        for e in answer.errors
        if (e.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR"
    ]
    tracebacks = [f"logged: {r.getMessage()} ({r.exc_info[1]!r})" for r in logged if r.exc_info]
    if answer.status >= 500 or internal or tracebacks:
        return Failure(drawn, answer.status, internal + tracebacks)
    return None


def _ran(answer: Answer) -> bool:
    """The operation ran (a resolver answered, or refused with its own code), not only refused as a document."""
    return isinstance(answer.body, dict) and (answer.data is not None or any(e.get("path") for e in answer.errors))


@pytest.mark.parametrize(("agency", "role"), ROLES)
async def test_random_mutations_never_answer_an_internal_error(fuzzed, caplog, agency, role):
    examples = draw(fuzzed.known_ids, seed=zlib.crc32(role.value.encode()))
    client = fuzzed.hub.client(fuzzed.hub.token(agency, [role]))
    failures: list[Failure] = []
    ran: set[str] = set()
    with caplog.at_level(logging.ERROR):
        for drawn in examples:
            caplog.clear()
            answer = await client(drawn.document)
            if _ran(answer):
                ran.add(drawn.mutation)
            failure = _failure(drawn, answer, [r for r in caplog.records if r.levelno >= logging.ERROR])
            if failure is not None:
                failures.append(failure)
    assert not failures, f"{len(failures)} of {len(examples)} mutations failed:\n" + "\n".join(map(str, failures[:10]))
    assert ran == {drawn.mutation for drawn in examples}, "mutations never run (only refused as documents)"


async def test_signed_submissions_at_the_edges_of_the_rules_never_answer_an_internal_error(fuzzed, caplog):
    """What a random mutation cannot reach: submissions whose signature verifies, routed and written.

    Every rule of ``validate`` holds and each has a number of its own, so each is written, with the
    longest texts the rules allow, in Vietnamese, and digits of any script.
    """
    today = local_day(fuzzed.hub.clock.now())
    examples = generated(submissions(COURT, today), 5 * EXAMPLES_PER_MUTATION, seed=zlib.crc32(b"signed"))
    court = fuzzed.hub.client(fuzzed.hub.token(COURT, [Role.COURT_CLERK]))
    failures: list[Failure] = []
    accepted = 0
    with caplog.at_level(logging.ERROR):
        for serial, drawn_submission in enumerate(examples, start=1):
            caplog.clear()
            submission = renumbered(drawn_submission, serial)
            answer = await court(SUBMIT, fuzzed.signer.signed_variables(submission))
            drawn = Drawn("submitJudgment (signed)", False, repr(submission))
            failure = _failure(drawn, answer, [r for r in caplog.records if r.levelno >= logging.ERROR])
            if failure is not None:
                failures.append(failure)
            elif answer.data and answer.data["submitJudgment"]["transfer"] is not None:
                accepted += 1
    assert not failures, f"{len(failures)} of {len(examples)} submissions failed:\n" + "\n".join(
        map(str, failures[:10])
    )
    assert accepted == len(examples), f"only {accepted} of {len(examples)} submissions were written"
