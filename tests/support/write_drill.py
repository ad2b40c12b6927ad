"""Fault drills: clients that write through the hub and remember every success they were told of.

A court submits and an enforcement office acknowledges, as in production. Each answer is classified:
a success is recorded in :class:`Acknowledged` (what the hub promised), anything else is a failure
with a short reason. After the fault, :func:`check_database` proves the promises were kept: every
receipt and register number a client saw is in the database, nothing is duplicated, and every
office's register is numbered 1…n without a gap.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from sqlalchemy import func, select

from ledger.db import create_engine
from ledger.models import RegisterCounterRow, TransferRow
from tests.support.court_client import SUBMIT, CourtSigner

ACK = """
mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } transfer { id status registerNumber registerYear } } }
"""

NETWORK = "network"
"""Failure reason when no HTTP answer arrived (refused, reset, timed out): expected only while the hub is down."""


class UncleanAnswer(AssertionError):
    """The hub answered, but not with a well-formed JSON error or result (e.g. a traceback, HTML, a bare 500)."""


@dataclass
class Acknowledged:
    """Every write a client was told succeeded, and how the other attempts failed."""

    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """transfer id → the receipt ``{json, signature, …}`` the court got."""
    keys: dict[str, str] = field(default_factory=dict)
    """judgment number → transfer id (a repeat must name the same transfer)."""
    numbers: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    """transfer id → (register office, year, number) the office got."""
    failures: Counter[str] = field(default_factory=Counter)

    def submitted(self, number: str, transfer: dict[str, Any]) -> None:
        first = self.keys.setdefault(number, transfer["id"])
        assert first == transfer["id"], f"{number} was answered with two transfers: {first}, {transfer['id']}"
        earlier = self.receipts.setdefault(transfer["id"], transfer["receipt"])
        assert earlier["json"] == transfer["receipt"]["json"], f"{number}: a repeat came with another receipt"

    def acknowledged(self, office: str, transfer: dict[str, Any]) -> None:
        number = (office, transfer["registerYear"], transfer["registerNumber"])
        assert None not in number, transfer
        earlier = self.numbers.setdefault(transfer["id"], number)
        assert earlier == number, f"{transfer['id']} was numbered twice: {earlier}, {number}"


def error_codes(body: Any) -> list[str]:
    """The codes of a GraphQL error answer; raises :class:`UncleanAnswer` if it is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list) or not body["errors"]:
        raise UncleanAnswer(f"not a GraphQL error answer: {str(body)[:300]}")
    codes = []
    for error in body["errors"]:
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            raise UncleanAnswer(f"malformed error: {str(error)[:300]}")
        if "Traceback" in error["message"] or "asyncpg" in error["message"] or "sqlalchemy" in error["message"]:
            raise UncleanAnswer(f"internals leaked to the client: {error['message'][:300]}")
        codes.append(str((error.get("extensions") or {}).get("code")))
    return codes


@dataclass
class DrillClient:
    """One court clerk and one office clerk writing through the hub; every answer lands in ``seen``.

    A success is an answer carrying the transfer, even when a sub-field failed beside it (the
    register office's name cannot be loaded while the database goes away): the write is done
    and the client holds its receipt or register number.
    """

    http: aiohttp.ClientSession
    url: str
    office: str
    court_token: str
    office_token: str
    seen: Acknowledged
    timeout_s: float = 15.0

    async def _post(self, token: str, query: str, variables: dict[str, Any]) -> tuple[int, Any] | None:
        """(status, JSON body), or None when no answer arrived; a non-JSON answer is :class:`UncleanAnswer`."""
        try:
            async with self.http.post(
                f"{self.url}/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
                timeout=aiohttp.ClientTimeout(total=self.timeout_s),
            ) as response:
                text = await response.text()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            self.seen.failures[NETWORK] += 1
            return None
        try:
            return status, json.loads(text)
        except ValueError as exc:
            raise UncleanAnswer(f"HTTP {status} with a body that is not JSON: {text[:300]}") from exc

    async def read(self, query: str, variables: dict[str, Any]) -> tuple[int, Any] | None:
        """A query as the office; a well-formed answer (its errors checked) or None when none arrived."""
        answer = await self._post(self.office_token, query, variables)
        if answer is not None:
            body = answer[1]
            if not isinstance(body, dict) or "data" not in body or body.get("errors"):
                error_codes(body)
        return answer

    def _failed(self, status: int, body: Any) -> None:
        codes = error_codes(body)
        self.seen.failures[f"{status} {','.join(sorted(set(codes)))}"] += 1

    async def submit(self, variables: dict[str, Any]) -> dict[str, Any] | None:
        """One attempt: the transfer if the hub accepted it, else None (the reason is counted)."""
        answer = await self._post(self.court_token, SUBMIT, variables)
        if answer is None:
            return None
        status, body = answer
        payload = ((body.get("data") if isinstance(body, dict) else None) or {}).get("submitJudgment")
        if status == 200 and payload and payload.get("transfer"):
            self.seen.submitted(variables["input"]["number"], payload["transfer"])
            return payload["transfer"]
        assert not (payload and payload.get("userErrors")), payload  # a refusal would be a bug in the drill
        self._failed(status, body)
        return None

    async def acknowledge(self, transfer_id: str) -> dict[str, Any] | None:
        answer = await self._post(self.office_token, ACK, {"id": transfer_id})
        if answer is None:
            return None
        status, body = answer
        payload = ((body.get("data") if isinstance(body, dict) else None) or {}).get("acknowledgeTransfer")
        if status == 200 and payload and payload.get("transfer"):
            self.seen.acknowledged(self.office, payload["transfer"])
            return payload["transfer"]
        assert not (payload and payload.get("userErrors")), payload
        self._failed(status, body)
        return None

    async def write_until_done(self, signer: CourtSigner, *, attempts: int = 400, pause_s: float = 0.05) -> str:
        """Submit one judgment and acknowledge it, retrying each step with the same content; the transfer id."""
        variables = signer.signed_variables(signer.submission())
        for _ in range(attempts):
            transfer = await self.submit(variables)
            if transfer is not None:
                break
            await asyncio.sleep(pause_s)
        else:
            raise AssertionError(f"{variables['input']['number']} was never accepted: {self.seen.failures}")
        for _ in range(attempts):
            if await self.acknowledge(transfer["id"]) is not None:
                return str(transfer["id"])
            await asyncio.sleep(pause_s)
        raise AssertionError(f"{transfer['id']} was never acknowledged: {self.seen.failures}")


async def check_database(database_url: str, seen: Acknowledged) -> dict[str, int]:
    """Every success in ``seen`` is in the database; no duplicates; registers gapless. Returns counts."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(
                        TransferRow.id,
                        TransferRow.idempotency_key,
                        TransferRow.receipt,
                        TransferRow.receipt_signature,
                        TransferRow.register_office_code,
                        TransferRow.register_year,
                        TransferRow.register_number,
                    )
                )
            ).all()
            counters = {
                (c.office_code, c.statistical_year): c.last_number
                for c in (await conn.execute(select(RegisterCounterRow))).all()
            }
            keys = await conn.scalar(select(func.count(func.distinct(TransferRow.idempotency_key))))
    finally:
        await engine.dispose()
    by_id = {r.id: r for r in rows}
    assert keys == len(rows), "two transfers share an idempotency key"
    lost = sorted(set(seen.receipts) - set(by_id))
    assert not lost, f"{len(lost)} acknowledged submissions are not in the database: {lost[:5]}"
    for transfer_id, receipt in seen.receipts.items():
        row = by_id[transfer_id]
        assert (row.receipt, row.receipt_signature) == (receipt["json"], receipt["signature"]), transfer_id
    for transfer_id, number in seen.numbers.items():
        row = by_id[transfer_id]
        stored = (row.register_office_code, row.register_year, row.register_number)
        assert stored == number, f"{transfer_id}: the office was told {number}, the database says {stored}"
    registers: dict[tuple[str, int], list[int]] = {}
    for row in rows:
        if row.register_number is not None:
            registers.setdefault((row.register_office_code, row.register_year), []).append(row.register_number)
    for register, numbers in registers.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"register {register} has gaps or repeats"
        assert counters.get(register) == len(numbers), f"register {register}: counter {counters.get(register)}"
    return {"transfers": len(rows), "numbered": sum(len(n) for n in registers.values())}
